"""Who may do what with the white paper (docs/reports.md): the city office writes the editorial
text, generates, previews, publishes and discards; everyone, signed in or not, downloads a published
edition; drafts are the city office's only."""

from __future__ import annotations

from typing import Any

from ipcity.accounts.permissions import is_city_admin
from ipcity.reports.choices import EditionStatus


def can_manage(user: Any, obj: Any = None) -> bool:
    return is_city_admin(user)


def can_download(user: Any, edition: Any) -> bool:
    return edition.status == EditionStatus.PUBLISHED or can_manage(user)
