from django.urls import path

from ipcity.support import views, views_strong

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
    # 人才库 (方案二(七)2)
    path("talents/", views_strong.talents, name="talents"),
    path("talents/new/", views_strong.talent_new, name="talent_new"),
    path("talents/import/", views_strong.talent_import, name="talent_import"),
    path("talents/import/template/", views_strong.talent_template, name="talent_template"),
    path("talents/<id:pk>/", views_strong.talent_detail, name="talent"),
    path("talents/<id:pk>/edit/", views_strong.talent_edit, name="talent_edit"),
    # 强企 (方案二(四))
    path("strong-enterprises/recognitions/", views_strong.recognitions, name="recognitions"),
    path("strong-enterprises/recognitions/add/", views_strong.recognition_add, name="recognition_add"),
    path(
        "strong-enterprises/recognitions/import/", views_strong.recognition_import, name="recognition_import"
    ),
    path(
        "strong-enterprises/recognitions/import/template/",
        views_strong.recognition_template,
        name="recognition_template",
    ),
    path(
        "strong-enterprises/recognitions/<id:pk>/remove/",
        views_strong.recognition_remove,
        name="recognition_remove",
    ),
    path("strong-enterprises/evaluations/", views_strong.batches, name="batches"),
    path("strong-enterprises/evaluations/new/", views_strong.batch_new, name="batch_new"),
    path("strong-enterprises/evaluations/<id:pk>/", views_strong.batch_detail, name="batch"),
    *(
        path(
            f"strong-enterprises/evaluations/<id:pk>/{action}/",
            views_strong.batch_action,
            {"action": action},
            name=f"batch_{action}",
        )
        for action in ("add_candidate", "start_review", "evaluate", "publicise", "reopen", "recognise")
    ),
    path("strong-enterprises/stations/", views_strong.stations, name="stations"),
    path("strong-enterprises/stations/new/", views_strong.station_new, name="station_new"),
    path("strong-enterprises/stations/<id:pk>/", views_strong.station_detail, name="station"),
    path("strong-enterprises/stations/<id:pk>/coach/", views_strong.coaching_add, name="coaching_add"),
    path("strong-enterprises/coaching/<id:pk>/end/", views_strong.coaching_end, name="coaching_end"),
    path("strong-enterprises/products/", views_strong.dense_products, name="dense_products"),
    path("strong-enterprises/products/new/", views_strong.dense_product_new, name="dense_product_new"),
    path(
        "strong-enterprises/products/<id:pk>/recognise/",
        views_strong.dense_product_recognise,
        name="dense_product_recognise",
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
