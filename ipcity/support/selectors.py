"""Reads of the support pages, scoped to the user (docs/support.md)."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet

from ipcity.support.models import Expert, ExpertDraw, TrainingActivity


def expert_list(user: Any, filters: dict[str, Any]) -> QuerySet[Expert]:
    qs = Expert.objects.visible_to(user).select_related("employer")
    if q := filters.get("q"):
        qs = qs.filter(Q(name__icontains=q) | Q(employer_name__icontains=q) | Q(speciality__icontains=q))
    if field := filters.get("field"):
        qs = qs.filter(field=field)
    return qs.order_by("field", "name", "id")


def draw_list() -> QuerySet[ExpertDraw]:
    """Every draw (the city office's page)."""
    return ExpertDraw.objects.select_related("applicant", "replaces__expert").prefetch_related(
        "picks__expert"
    )


def training_list(filters: dict[str, Any]) -> QuerySet[TrainingActivity]:
    """Trainings are public (title, organiser, dates, place, person-times); participants are not."""
    qs = TrainingActivity.objects.select_related("region").annotate(signin_count=Count("signins"))
    if q := filters.get("q"):
        qs = qs.filter(Q(title__icontains=q) | Q(organiser__icontains=q) | Q(place__icontains=q))
    if year := filters.get("year"):
        qs = qs.filter(start_date__year=year)
    return qs.order_by("-start_date", "-id")
