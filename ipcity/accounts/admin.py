from django.conf import settings
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.http import HttpRequest
from django.utils import timezone

from ipcity.accounts.models import LoginAttempt, User
from ipcity.core.admin_audit import AuditedAdmin


@admin.register(User)
class UserAdmin(AuditedAdmin, BaseUserAdmin):
    list_display = ["username", "display_name", "role", "department", "region", "is_active"]
    list_filter = ["role", "is_active", "department", "region"]
    fieldsets = (
        *(BaseUserAdmin.fieldsets or ()),
        ("角色与归属", {"fields": ("role", "display_name", "phone", "department", "region")}),
    )


def is_locked(attempt: LoginAttempt) -> bool:
    """Locked: the failure limit reached within the cool-off period (as django-axes decides)."""
    recent = attempt.attempt_time >= timezone.now() - settings.AXES_COOLOFF_TIME
    return recent and attempt.failures_since_start >= settings.AXES_FAILURE_LIMIT


@admin.register(LoginAttempt)
class LoginAttemptAdmin(AuditedAdmin):
    """Lockouts for the city admin: who failed from where; deleting a row lifts the lockout."""

    list_display = ["user_name", "address", "failures", "last_failure", "locked"]
    list_display_links = None
    search_fields = ["username", "ip_address"]
    ordering = ["-attempt_time"]
    actions = ["delete_selected"]

    @admin.display(description="用户名", ordering="username")
    def user_name(self, obj: LoginAttempt) -> str:
        return obj.username or ""

    @admin.display(description="客户端地址", ordering="ip_address")
    def address(self, obj: LoginAttempt) -> str:
        return obj.ip_address or ""

    @admin.display(description="连续失败次数", ordering="failures_since_start")
    def failures(self, obj: LoginAttempt) -> int:
        return obj.failures_since_start

    @admin.display(description="最近一次失败", ordering="attempt_time")
    def last_failure(self, obj: LoginAttempt) -> str:
        return timezone.localtime(obj.attempt_time).strftime("%Y-%m-%d %H:%M:%S")

    @admin.display(description="状态")
    def locked(self, obj: LoginAttempt) -> str:
        return "已锁定" if is_locked(obj) else "未锁定"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
