from collections.abc import Callable

from django.http import HttpResponse
from django.urls import URLPattern, path

from ipcity.protection import views

app_name = "protection"


def _action(prefix: str, route: str, view: Callable[..., HttpResponse], action: str, name: str) -> URLPattern:
    """The address of one workflow action (protection/workflows.py)."""
    return path(f"{prefix}/<id:pk>/{route}/", view, {"action": action}, name=name)


urlpatterns = [
    path("credit/", views.credit_list, name="credit_list"),
    path("credit/new/", views.credit_new, name="credit_new"),
    path("credit/<id:pk>/", views.credit_detail, name="credit"),
    path("credit/<id:pk>/document/", views.credit_document, name="credit_document"),
    *(
        _action("credit", action.replace("_", "-"), views.credit_action, action, f"credit_{action}")
        for action in views.CREDIT_POSTS
    ),
    path("credit-list/", views.public_credit, name="public_credit"),
    path("agency-grades/", views.agency_grades, name="agency_grades"),
    path("complaints/", views.complaints, name="complaints"),
    path("complaints/new/", views.complaint_new, name="complaint_new"),
    path("complaints/<id:pk>/", views.complaint_detail, name="complaint"),
    path("complaints/<id:pk>/proof/", views.complaint_proof, name="complaint_proof"),
    *(
        _action("complaints", action.replace("_", "-"), views.complaint_action, action, f"complaint_{action}")
        for action in views.COMPLAINT_POSTS
    ),
    path("platforms/", views.platform_facts, name="platform_facts"),
    path("aid/", views.aid, name="aid"),
    path("aid/new/", views.aid_new, name="aid_new"),
    path("aid/bodies/new/", views.aid_body_new, name="aid_body_new"),
    path("aid/facts/", views.aid_facts, name="aid_facts"),
    path("aid/<id:pk>/", views.aid_request_detail, name="aid_request"),
    *(
        _action("aid", action.replace("_", "-"), views.aid_action, action, f"aid_{action}")
        for action in views.AID_POSTS
    ),
    path("overseas/alerts/", views.alerts, name="alerts"),
    path("overseas/alerts/new/", views.alert_new, name="alert_new"),
    path("overseas/subscriptions/", views.subscriptions, name="subscriptions"),
    path("overseas/subscriptions/<id:pk>/cancel/", views.subscription_cancel, name="subscription_cancel"),
    path("overseas/checks/", views.risk_checks, name="risk_checks"),
    path("overseas/checks/<id:pk>/", views.risk_check_detail, name="risk_check"),
    _action("overseas/checks", "answer", views.risk_check_action, "answer", "risk_check_answer"),
    path("overseas/disputes/", views.overseas_disputes, name="overseas_disputes"),
    path("overseas/disputes/<id:pk>/outcome/", views.overseas_outcome, name="overseas_outcome"),
    path("secret-sites/", views.secret_sites, name="secret_sites"),
    path("secret-sites/new/", views.secret_site_new, name="secret_site_new"),
    path("satisfaction/", views.satisfaction, name="satisfaction"),
    path("disputes/", views.disputes, name="disputes"),
    path("disputes/new/", views.dispute_new, name="dispute_new"),
    path("disputes/mediation-bodies/new/", views.mediation_body_new, name="mediation_body_new"),
    path("disputes/stats/", views.dispute_stats, name="dispute_stats"),
    path("disputes/<id:pk>/", views.dispute_detail, name="dispute"),
    *(
        _action("disputes", action.replace("_", "-"), views.dispute_action, action, f"dispute_{action}")
        for action in views.DISPUTE_POSTS
    ),
]
