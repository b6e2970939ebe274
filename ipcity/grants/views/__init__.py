"""Pages of reward fulfilment for signed-in users (public pages: grants/public.py)."""

from ipcity.grants.views.applications import (
    application_action,
    application_detail,
    application_edit,
    apply_choose,
    apply_form,
    assignment_replace,
    assignment_score,
    grant_pay,
    index,
    material_download,
    material_remove,
    objection_resolve,
)
from ipcity.grants.views.entitlements import (
    budgets,
    entitlement_action,
    entitlement_detail,
    entitlement_detect,
    entitlement_list,
    ledger,
)

__all__ = [
    "application_action",
    "application_detail",
    "application_edit",
    "apply_choose",
    "apply_form",
    "assignment_replace",
    "assignment_score",
    "budgets",
    "entitlement_action",
    "entitlement_detail",
    "entitlement_detect",
    "entitlement_list",
    "grant_pay",
    "index",
    "ledger",
    "material_download",
    "material_remove",
    "objection_resolve",
]
