from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from ipcity.core.admin_audit import AuditedAdmin, ReadOnlyAdmin
from ipcity.registry.models import (
    Award,
    GeographicalIndication,
    ImportRun,
    Licence,
    ManagementCertificate,
    Membership,
    Organisation,
    OrganisationName,
    OrganisationTag,
    Patent,
    Pledge,
    ReviewItem,
    Trademark,
)


class _ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class OrganisationNameInline(_ReadOnlyInline):
    model = OrganisationName


class OrganisationTagInline(_ReadOnlyInline):
    model = OrganisationTag


class CertificateInline(_ReadOnlyInline):
    model = ManagementCertificate


@admin.register(Organisation)
class OrganisationAdmin(AuditedAdmin):
    list_display = ["name", "uscc", "kind", "region", "industry", "is_demo"]
    list_filter = ["kind", "region", "industry", "is_demo"]
    search_fields = ["name", "uscc", "other_names__name"]
    exclude = ["created_in"]
    inlines = [OrganisationNameInline, OrganisationTagInline, CertificateInline]


@admin.register(Membership)
class MembershipAdmin(AuditedAdmin):
    list_display = ["user", "organisation"]


# Registry records come from imports (the files are the source, every change is audited there):
# the admin shows them read-only.
@admin.register(Patent)
class PatentAdmin(ReadOnlyAdmin):
    list_display = [
        "application_number",
        "title",
        "patent_type",
        "legal_status",
        "first_holder_name",
        "region",
    ]
    list_filter = ["patent_type", "legal_status", "region"]
    search_fields = ["application_number", "title", "first_holder_name"]
    show_full_result_count = False


@admin.register(Trademark)
class TrademarkAdmin(ReadOnlyAdmin):
    list_display = ["registration_number", "name", "holder_name", "kind", "status", "madrid_number"]
    list_filter = ["kind", "status", "well_known"]
    search_fields = ["registration_number", "name", "holder_name"]


@admin.register(GeographicalIndication)
class GeographicalIndicationAdmin(ReadOnlyAdmin):
    list_display = ["product", "kind", "region", "holder_name", "demonstration_zone"]


@admin.register(Pledge)
class PledgeAdmin(ReadOnlyAdmin):
    list_display = ["registration_number", "pledgor_name", "pledgee_name", "amount", "registration_date"]
    search_fields = ["registration_number", "pledgor_name", "pledgee_name"]


@admin.register(Licence)
class LicenceAdmin(ReadOnlyAdmin):
    list_display = ["reference", "kind", "licensor_name", "licensee_name", "fee", "contract_date"]
    list_filter = ["kind", "recorded"]


@admin.register(Award)
class AwardAdmin(ReadOnlyAdmin):
    list_display = ["year", "award", "level", "application_number", "holder_name"]
    list_filter = ["award", "level", "year"]


@admin.register(ImportRun)
class ImportRunAdmin(ReadOnlyAdmin):
    list_display = [
        "pk",
        "kind",
        "file_name",
        "actor_label",
        "started_at",
        "created",
        "updated",
        "unchanged",
        "rejected",
    ]
    list_filter = ["kind"]


@admin.register(ReviewItem)
class ReviewItemAdmin(ReadOnlyAdmin):
    """The review queue, to browse: decisions are taken on its page (/registry/reviews/), through
    REVIEW_FLOW and its services."""

    list_display = ["name", "status", "occurrences", "organisation", "created_at"]
    list_filter = ["status"]
    search_fields = ["name"]
    readonly_fields = [
        "name",
        "status",
        "candidate_list",
        "occurrences",
        "organisation",
        "first_seen_in",
        "resolved_by",
        "resolved_at",
    ]
    exclude = ["candidates"]

    @admin.display(description="候选机构")
    def candidate_list(self, obj: ReviewItem) -> str:
        return "；".join(
            f"{o.name}（{o.uscc or '无代码'}，{o.region or '区市未知'}）" for o in obj.candidates.all()
        )

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).select_related("organisation")
