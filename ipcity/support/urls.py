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
]
