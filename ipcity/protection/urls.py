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
    path("disputes/", views.disputes, name="disputes"),
    path("disputes/new/", views.dispute_new, name="dispute_new"),
    path("disputes/stats/", views.dispute_stats, name="dispute_stats"),
    path("disputes/<id:pk>/", views.dispute_detail, name="dispute"),
    *(
        _action("disputes", action.replace("_", "-"), views.dispute_action, action, f"dispute_{action}")
        for action in views.DISPUTE_POSTS
    ),
]
