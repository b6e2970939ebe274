"""Django admin: experts and their declared relations (audited); draws are read-only (they are made
only through support.services, which stores the seed and the 回避)."""

from __future__ import annotations

from django.contrib import admin

from ipcity.core.admin_audit import AuditedAdmin, ReadOnlyAdmin
from ipcity.support.models import AdvantageBatch, EnterpriseRecognition, Expert, ExpertDraw, ExpertRelation


@admin.register(Expert)
class ExpertAdmin(AuditedAdmin):
    list_display = ["name", "title", "field", "employer_name", "user", "available", "active", "is_demo"]
    list_filter = ["field", "available", "active", "is_demo"]
    search_fields = ["name", "employer_name", "speciality"]
    autocomplete_fields = ["employer"]
    raw_id_fields = ["user"]


@admin.register(ExpertRelation)
class ExpertRelationAdmin(AuditedAdmin):
    list_display = ["expert", "organisation", "kind", "declared_on"]
    autocomplete_fields = ["organisation"]
    raw_id_fields = ["expert"]


@admin.register(ExpertDraw)
class ExpertDrawAdmin(ReadOnlyAdmin):
    list_display = ["subject", "applicant", "field", "count", "seed", "drawn_at", "drawn_by"]


# Recognitions and the yearly evaluation only through support/services_strong.py: the quota is
# checked there and the registry's recognition tags written with them.
@admin.register(EnterpriseRecognition)
class EnterpriseRecognitionAdmin(ReadOnlyAdmin):
    list_display = ["organisation", "level", "kind", "year", "document_number", "batch", "is_demo"]
    list_filter = ["level", "kind", "year", "is_demo"]


@admin.register(AdvantageBatch)
class AdvantageBatchAdmin(ReadOnlyAdmin):
    list_display = ["year", "status", "publicised_on", "recognised_on", "document_number", "is_demo"]
