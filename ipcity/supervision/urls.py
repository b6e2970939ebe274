from django.urls import path

from ipcity.supervision import views

app_name = "supervision"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("milestones/", views.milestone_list, name="milestones"),
    path("milestones/<id:pk>/", views.milestone_detail, name="milestone"),
    path("milestones/<id:pk>/report/<code:period>/", views.report_form, name="report_form"),
    path("reports/<id:pk>/", views.report_detail, name="report"),
    path("reports/<id:pk>/return/", views.report_action, {"action": "return"}, name="report_return"),
    path("reports/<id:pk>/accept/", views.report_action, {"action": "accept"}, name="report_accept"),
    path("reports/<id:pk>/attachments/<id:attachment>/", views.report_attachment, name="report_attachment"),
    path("flags/", views.flag_list, name="flags"),
    path("flags/recompute/", views.flag_recompute, name="flag_recompute"),
    path("rules/", views.rules, name="rules"),
    path("escalations/", views.escalation_list, name="escalations"),
    path("escalations/<id:pk>/", views.escalation_detail, name="escalation"),
    path("escalations/<id:pk>/docx/", views.escalation_docx_view, name="escalation_docx"),
    path(
        "escalations/<id:pk>/follow-up/",
        views.escalation_action,
        {"action": "follow_up"},
        name="escalation_follow_up",
    ),
    path("assessment/", views.assessment, name="assessment"),
    path("decomposition/", views.decomposition, name="decomposition"),
    path("decomposition.xlsx", views.decomposition_export, name="decomposition_export"),
    path("decomposition/import/", views.decomposition_import, name="decomposition_import"),
    path("rows/<code:code>/", views.row_setting, name="row_setting"),
]
