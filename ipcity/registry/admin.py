from django.contrib import admin

from ipcity.core.admin_audit import AuditedAdmin
from ipcity.registry.models import Membership, Organisation


@admin.register(Organisation)
class OrganisationAdmin(AuditedAdmin):
    list_display = ["name", "uscc", "kind", "region", "is_demo"]
    list_filter = ["kind", "region", "is_demo"]
    search_fields = ["name", "uscc"]


@admin.register(Membership)
class MembershipAdmin(AuditedAdmin):
    list_display = ["user", "organisation"]
