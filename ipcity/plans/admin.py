from django.contrib import admin

from ipcity.core.admin_audit import ReadOnlyAdmin
from ipcity.plans.models import (
    Goal,
    Plan,
    Programme,
    Row,
    RowDepartment,
    Safeguard,
    Section,
    Stage,
    Target,
    Task,
)

# The plan is loaded from its reviewed data file (ipcity plan load): browsable here, edited there.


class RowDepartmentInline(admin.TabularInline):
    model = RowDepartment
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Row)
class RowAdmin(ReadOnlyAdmin):
    list_display = ["clause", "code", "text"]
    list_filter = ["section__programme"]
    search_fields = ["text", "clause"]
    inlines = [RowDepartmentInline]


@admin.register(Plan)
class PlanAdmin(ReadOnlyAdmin):
    list_display = ["title", "code", "status", "period_start", "period_end"]


@admin.register(Goal, Programme, Task, Section, Stage, Safeguard)
class PlanItemAdmin(ReadOnlyAdmin):
    list_display = ["clause", "code", "__str__"]


@admin.register(Target)
class TargetAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "kind", "comparison", "value", "unit", "year", "period"]
    list_filter = ["kind", "period"]


@admin.register(RowDepartment)
class RowDepartmentAdmin(ReadOnlyAdmin):
    list_display = ["row", "department", "role", "position"]
    list_filter = ["department", "role"]
