from django.contrib import admin

from ipcity.core.admin_audit import AuditedAdmin, ReadOnlyAdmin
from ipcity.core.models import Attachment, AuditEvent, DataSet, Department, Job, Notification, Region


@admin.register(Department)
class DepartmentAdmin(AuditedAdmin):
    list_display = ["name", "full_name", "kind", "is_lead_ip_authority", "contact_person", "contact_phone"]
    list_filter = ["kind"]
    search_fields = ["name", "full_name"]


@admin.register(Region)
class RegionAdmin(AuditedAdmin):
    list_display = ["name", "code", "division_code", "kind", "contact_person"]
    list_filter = ["kind"]


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ["at", "actor_label", "source", "action", "object_type", "object_repr"]
    list_filter = ["source", "object_type"]
    search_fields = ["actor_label", "action", "object_repr"]
    date_hierarchy = "at"


@admin.register(DataSet)
class DataSetAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "is_demo", "loaded_at"]


@admin.register(Job)
class JobAdmin(ReadOnlyAdmin):
    list_display = ["label", "kind", "status", "done", "total", "created_by", "created_at", "finished_at"]
    list_filter = ["kind", "status"]


@admin.register(Attachment)
class AttachmentAdmin(ReadOnlyAdmin):
    list_display = ["original_name", "kind", "size", "uploaded_by", "uploaded_at"]


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ["title", "recipient", "created_at", "read_at"]
