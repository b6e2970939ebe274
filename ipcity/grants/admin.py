"""Django admin (credit records: protection's admin; experts: support's admin) (audited); the workflow's
own records are read-only (they change only through the services, which check the transitions)."""

from __future__ import annotations

from django.contrib import admin

from ipcity.core.admin_audit import ReadOnlyAdmin
from ipcity.grants.models import (
    Application,
    Budget,
    Entitlement,
    Grant,
    Payment,
)


@admin.register(Budget)
class BudgetAdmin(ReadOnlyAdmin):
    # Changed on /grants/budgets/ or with `ipcity grants budget`, which refuse a budget below what is
    # already committed.
    list_display = ["year", "item_code", "amount", "note"]
    list_filter = ["year"]


@admin.register(Application)
class ApplicationAdmin(ReadOnlyAdmin):
    list_display = ["id", "item_code", "organisation", "status", "amount", "created_at"]
    list_filter = ["status", "item_code"]
    search_fields = ["organisation__name"]


@admin.register(Entitlement)
class EntitlementAdmin(ReadOnlyAdmin):
    list_display = ["id", "item_code", "organisation", "status", "amount", "detection_year"]
    list_filter = ["status", "item_code", "detection_year"]
    search_fields = ["organisation__name", "event_key"]


@admin.register(Grant)
class GrantAdmin(ReadOnlyAdmin):
    list_display = ["id", "item_code", "organisation", "budget_year", "amount", "status", "right_key"]
    list_filter = ["status", "budget_year", "item_code"]


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdmin):
    list_display = ["paid_on", "item_code", "organisation", "region", "amount", "reference"]
    list_filter = ["region"]
