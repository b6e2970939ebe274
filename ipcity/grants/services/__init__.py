"""Writes of reward fulfilment. Each function takes an explicit actor, runs in one transaction and
records one audit event (notifications add their own). A status changes only through the action
tables of grants/workflows.py (core.workflow's `move`); a refusal is core.workflow's `Refused`.

Money is committed in `_commit_grant`: it locks the item's budget rows (SELECT … FOR UPDATE on
PostgreSQL; SQLite runs IMMEDIATE transactions, so writers are serialised), re-evaluates the
decision with what the database says has been granted, checks the budget, and inserts the Grant,
whose unique constraint keeps one reward per IP right and item even if two requests race.
"""

from ipcity.grants.services.applications import (
    add_material,
    approve_application,
    assign_experts,
    conclude_expert_review,
    create_application,
    kind_refusal,
    record_objection,
    record_score,
    remove_material,
    replace_expert,
    resolve_objection,
    review_in_city,
    review_in_district,
    submit_application,
    update_application,
    withdraw_application,
)
from ipcity.grants.services.budgets import set_budget
from ipcity.grants.services.common import (
    city_admins,
    district_officers,
    organisation_users,
    record_payment,
)
from ipcity.grants.services.entitlements import (
    approve_entitlement,
    cancel_entitlement,
    confirm_entitlement,
    start_detection_job,
)

__all__ = [
    "add_material",
    "approve_application",
    "approve_entitlement",
    "assign_experts",
    "cancel_entitlement",
    "city_admins",
    "conclude_expert_review",
    "confirm_entitlement",
    "create_application",
    "district_officers",
    "kind_refusal",
    "organisation_users",
    "record_objection",
    "record_payment",
    "record_score",
    "remove_material",
    "replace_expert",
    "resolve_objection",
    "review_in_city",
    "review_in_district",
    "set_budget",
    "start_detection_job",
    "submit_application",
    "update_application",
    "withdraw_application",
]
