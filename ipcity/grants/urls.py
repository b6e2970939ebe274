from collections.abc import Callable

from django.http import HttpResponse
from django.urls import URLPattern, path

from ipcity.grants import public, views

app_name = "grants"


def _action(prefix: str, route: str, view: Callable[..., HttpResponse], action: str, name: str) -> URLPattern:
    """The address of one workflow action (grants/workflows.py) of an application or entitlement."""
    return path(f"{prefix}/<id:pk>/{route}/", view, {"action": action}, name=name)


urlpatterns = [
    # public
    path("policies/", public.policy_list, name="policies"),
    path("policies/<slug:code>/", public.policy_detail, name="policy"),
    path("calculator/", public.calculator, name="calculator"),
    path("publicity/", public.publicity, name="publicity"),
    # applications
    path("", views.index, name="index"),
    path("apply/", views.apply_choose, name="apply"),
    path("apply/<slug:code>/", views.apply_form, name="apply_form"),
    path("applications/<id:pk>/", views.application_detail, name="application"),
    path("applications/<id:pk>/edit/", views.application_edit, name="application_edit"),
    _action("applications", "materials", views.application_action, "edit", "material_add"),
    path("applications/<id:pk>/materials/<id:material>/", views.material_download, name="material"),
    path(
        "applications/<id:pk>/materials/<id:material>/delete/",
        views.material_remove,
        name="material_remove",
    ),
    _action("applications", "submit", views.application_action, "submit", "submit"),
    _action("applications", "withdraw", views.application_action, "withdraw", "withdraw"),
    _action(
        "applications", "district-review", views.application_action, "district_review", "district_review"
    ),
    _action("applications", "city-review", views.application_action, "city_review", "city_review"),
    _action("applications", "experts", views.application_action, "assign_experts", "experts_assign"),
    _action(
        "applications",
        "expert-conclusion",
        views.application_action,
        "conclude_expert_review",
        "expert_conclude",
    ),
    _action("applications", "objections", views.application_action, "record_objection", "objection_add"),
    _action("applications", "approve", views.application_action, "approve", "approve"),
    path("assignments/<id:pk>/score/", views.assignment_score, name="score"),
    path("assignments/<id:pk>/replace/", views.assignment_replace, name="expert_replace"),
    path("objections/<id:pk>/resolve/", views.objection_resolve, name="objection_resolve"),
    path("grants/<id:pk>/pay/", views.grant_pay, name="pay"),
    # 免申即享
    path("entitlements/", views.entitlement_list, name="entitlements"),
    path("entitlements/detect/", views.entitlement_detect, name="detect"),
    path("entitlements/<id:pk>/", views.entitlement_detail, name="entitlement"),
    _action("entitlements", "confirm", views.entitlement_action, "confirm", "entitlement_confirm"),
    _action("entitlements", "approve", views.entitlement_action, "approve", "entitlement_approve"),
    _action("entitlements", "cancel", views.entitlement_action, "cancel", "entitlement_cancel"),
    # money
    path("budgets/", views.budgets, name="budgets"),
    path("ledger/", views.ledger, name="ledger"),
]
