"""Django admin writes go through the same audit trail as the services; admin searches and date
drill-downs are bounded like the pages' filters (docs/architecture.md, "Bad input")."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList
from django.db import models, transaction
from django.http import HttpRequest

from ipcity.core.audit import Actor, record_event, snapshot
from ipcity.lib.inputs import SEARCH_MAX_LENGTH


def _fields(obj: models.Model) -> list[str]:
    return [f.name for f in obj._meta.concrete_fields if f.name not in {"password", "last_login"}]


class _BoundedChangeList(ChangeList):
    def get_filters(self, request: HttpRequest) -> Any:
        # Django's date_hierarchy turns ?at__year=9999 into "year 10000 is out of range" and a
        # 30-digit year into OverflowError (Django ticket #37357): refuse them like a bad filter.
        try:
            return super().get_filters(request)
        except (ValueError, OverflowError) as exc:
            raise IncorrectLookupParameters(exc) from exc


class BoundedInputAdmin(admin.ModelAdmin):
    """Search terms cut to SEARCH_MAX_LENGTH characters (SQLite refuses LIKE patterns over
    50,000 bytes) and out-of-range date drill-downs refused, for every admin page."""

    def get_search_results(self, request: HttpRequest, queryset: Any, search_term: str) -> Any:
        if len(search_term) > SEARCH_MAX_LENGTH:
            messages.warning(request, f"搜索词过长，只按前 {SEARCH_MAX_LENGTH} 个字搜索。")
            search_term = search_term[:SEARCH_MAX_LENGTH]
        return super().get_search_results(request, queryset, search_term)

    def get_changelist(self, request: HttpRequest, **kwargs: Any) -> type[ChangeList]:
        return _BoundedChangeList


class AuditedAdmin(BoundedInputAdmin):
    """Records an AuditEvent for every save and delete made in the admin, in the same transaction."""

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        label = obj._meta.model_name
        with transaction.atomic():
            before = None
            if change and obj.pk:
                previous = type(obj)._default_manager.filter(pk=obj.pk).first()
                before = snapshot(previous, _fields(previous)) if previous else None
            super().save_model(request, obj, form, change)
            after = snapshot(obj, _fields(obj))
            if before is not None:
                keys = [k for k in after if before.get(k) != after.get(k)]
                before, after = {k: before.get(k) for k in keys}, {k: after[k] for k in keys}
            record_event(
                Actor.web(request.user),
                f"{label}.{'update' if change else 'create'}",
                obj=obj,
                before=before,
                after=after,
                note="管理后台",
            )

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        with transaction.atomic():
            record_event(
                Actor.web(request.user),
                f"{obj._meta.model_name}.delete",
                obj=obj,
                before=snapshot(obj, _fields(obj)),
                note="管理后台",
            )
            super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        with transaction.atomic():
            for obj in queryset:
                record_event(
                    Actor.web(request.user),
                    f"{obj._meta.model_name}.delete",
                    obj=obj,
                    before=snapshot(obj, _fields(obj)),
                    note="管理后台",
                )
            super().delete_queryset(request, queryset)


class ReadOnlyAdmin(BoundedInputAdmin):
    """For data loaded from reviewed files (the plan): change the file, not the row."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
