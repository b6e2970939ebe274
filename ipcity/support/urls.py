from django.urls import path

from ipcity.support import views

app_name = "support"

urlpatterns = [
    path("experts/", views.experts, name="experts"),
    path("experts/new/", views.expert_new, name="expert_new"),
    path("experts/<id:pk>/", views.expert_detail, name="expert"),
    path("experts/<id:pk>/edit/", views.expert_edit, name="expert_edit"),
    path("experts/<id:pk>/relations/", views.relation_add, name="relation_add"),
    path("relations/<id:pk>/remove/", views.relation_remove, name="relation_remove"),
    path("draws/", views.draws, name="draws"),
    path("draws/<id:pk>/", views.draw_detail, name="draw"),
    path("trainings/", views.trainings, name="trainings"),
    path("trainings/new/", views.training_new, name="training_new"),
    path("trainings/<id:pk>/", views.training_detail, name="training"),
    path("trainings/<id:pk>/register/", views.training_register, name="training_register"),
    path("trainings/<id:pk>/sheet/", views.training_sheet, name="training_sheet"),
    path("trainings/<id:pk>/certificates/", views.training_certificates, name="training_certificates"),
    path("sign/<code:token>/", views.training_sign, name="training_sign"),
]
