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
    path("agencies/", views.agencies, name="agencies"),
    path("agencies/<id:pk>/", views.agency_detail, name="agency"),
    path("agencies/<id:pk>/edit/", views.agency_edit, name="agency_edit"),
    path("agencies/<id:pk>/staff/", views.agency_staff_add, name="agency_staff_add"),
    path("staff/<id:pk>/remove/", views.agency_staff_remove, name="agency_staff_remove"),
    path("cluster/", views.cluster, name="cluster"),
    path("strong-enterprises/", views.strong_enterprises, name="strong_enterprises"),
    path("cluster/apply/", views.cluster_apply, name="cluster_apply"),
    path("cluster/monitor/", views.cluster_monitor, name="cluster_monitor"),
    path("cluster/<id:pk>/", views.stay_detail, name="stay"),
    *(
        path(f"cluster/<id:pk>/{action}/", views.stay_action, {"action": action}, name=f"stay_{action}")
        for action in ("admit", "reject", "report", "move_out", "exit")
    ),
]

urlpatterns += [
    path("alliances/", views.alliances, name="alliances"),
    path("alliances/new/", views.alliance_edit, name="alliance_new"),
    path("alliances/<id:pk>/", views.alliance_detail, name="alliance"),
    path("alliances/<id:pk>/edit/", views.alliance_edit, name="alliance_edit"),
    path("alliances/<id:pk>/members/", views.alliance_members_add, name="alliance_members_add"),
    path("alliances/<id:pk>/members/remove/", views.alliance_member_remove, name="alliance_member_remove"),
    path("alliances/<id:pk>/recognitions/", views.alliance_recognition_add, name="alliance_recognition_add"),
    path("alliances/<id:pk>/pools/new/", views.pool_edit, name="pool_new"),
    path("alliances/<id:pk>/pools/<id:pool_pk>/edit/", views.pool_edit, name="pool_edit"),
    path("pools/<id:pk>/", views.pool_detail, name="pool"),
    path("centres/", views.centres, name="centres"),
    path("centres/new/", views.centre_edit, name="centre_new"),
    path("centres/<id:pk>/", views.centre_detail, name="centre"),
    path("centres/<id:pk>/edit/", views.centre_edit, name="centre_edit"),
    path("centres/<id:pk>/assessments/", views.assessment_open, name="assessment_open"),
    path("assessments/", views.assessments, name="assessments"),
    path("assessments/<id:pk>/", views.assessment_detail, name="assessment"),
    *(
        path(
            f"assessments/<id:pk>/{action}/",
            views.assessment_action,
            {"action": action},
            name=f"assessment_{action}",
        )
        for action in ("report", "submit", "return", "confirm")
    ),
    path("ratings/", views.ratings, name="ratings"),
    path("ratings/compute/", views.ratings_compute, name="ratings_compute"),
]
