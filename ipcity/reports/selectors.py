"""Reads of the white paper: editions as each user may see them, and the published editions the
portal lists (`published_editions`, public: anonymous visitors included)."""

from __future__ import annotations

from typing import Any

from ipcity.reports.models import Edition, EditionQuerySet
from ipcity.reports.permissions import can_manage


def published_editions() -> EditionQuerySet:
    """Every published edition, newest year first, with its files (for the public portal). Link each
    to `reports:download` with format "pdf" or "docx"."""
    return Edition.objects.published().select_related("pdf", "docx").order_by("-year")


def editions_for(user: Any) -> EditionQuerySet:
    """The city office sees every edition (drafts, discarded); everyone else the published ones."""
    if can_manage(user):
        return Edition.objects.select_related("pdf", "docx").all()
    return published_editions()
