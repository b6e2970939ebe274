from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from ipcity.accounts.models import User
from ipcity.core.admin_audit import AuditedAdmin


@admin.register(User)
class UserAdmin(AuditedAdmin, BaseUserAdmin):
    list_display = ["username", "display_name", "role", "department", "region", "is_active"]
    list_filter = ["role", "is_active", "department", "region"]
    fieldsets = (
        *(BaseUserAdmin.fieldsets or ()),
        ("角色与归属", {"fields": ("role", "display_name", "phone", "department", "region")}),
    )
