from django.contrib import admin

from ipcity.core.admin_audit import ReadOnlyAdmin
from ipcity.supervision.models import (
    Escalation,
    FlagComputation,
    FlagRecord,
    FollowUp,
    Milestone,
    ProgressReport,
    Reminder,
    RowSetting,
    RuleSet,
)

# Browsable here, written only by their workflows: milestones and row settings through the
# 年度任务分解 import and the 督查设置 page (which check them against the plan and filed reports),
# reports, flags and escalations through theirs, rules through 规则设置.


@admin.register(RowSetting)
class RowSettingAdmin(ReadOnlyAdmin):
    list_display = ["row", "is_key_project", "report_frequency"]
    list_filter = ["is_key_project", "report_frequency"]


@admin.register(Milestone)
class MilestoneAdmin(ReadOnlyAdmin):
    list_display = ["row", "year", "position", "title", "department", "region", "start", "due"]
    list_filter = ["year", "department"]
    search_fields = ["title", "row__code"]


@admin.register(ProgressReport)
class ProgressReportAdmin(ReadOnlyAdmin):
    list_display = ["milestone", "period_code", "status", "percent_complete", "submitted_at"]
    list_filter = ["status"]


@admin.register(FlagRecord)
class FlagRecordAdmin(ReadOnlyAdmin):
    list_display = ["milestone", "label", "since", "until", "reason"]
    list_filter = ["colour"]


@admin.register(FlagComputation)
class FlagComputationAdmin(ReadOnlyAdmin):
    list_display = ["horizon", "computed_at", "actor_label"]


@admin.register(RuleSet)
class RuleSetAdmin(ReadOnlyAdmin):
    list_display = ["kind", "version", "name", "effective_from", "created_at"]


@admin.register(Escalation)
class EscalationAdmin(ReadOnlyAdmin):
    list_display = ["number", "milestone", "raised_on", "deadline", "status"]
    list_filter = ["status"]


@admin.register(FollowUp)
class FollowUpAdmin(ReadOnlyAdmin):
    list_display = ["escalation", "kind", "on", "recorded_by_label"]


@admin.register(Reminder)
class ReminderAdmin(ReadOnlyAdmin):
    list_display = ["milestone", "period_code", "kind", "sent_on", "recipients"]
