"""Sections that apps above the registry add to the 一企一档 (organisation profile page).

The registry sits below grants, protection and the other apps that hold records about an
organisation (STYLE.md: apps depend downward), so it cannot read their records itself. Such an app
registers a provider when it starts (its AppConfig.ready); the profile view calls every provider
with the organisation and the user and includes the template each returns. A provider reads its
records through their own `visible_to(user)` querysets, so each section follows its source's rules.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ipcity.registry.models import Organisation


@dataclass(frozen=True)
class ProfileSection:
    template: str  # rendered with `section` (this object) in its context
    context: dict[str, Any]


ProfileSectionProvider = Callable[[Organisation, Any], ProfileSection | None]
_PROVIDERS: list[ProfileSectionProvider] = []


def register_profile_section(provider: ProfileSectionProvider) -> None:
    """Add a provider (idempotent: AppConfig.ready may run more than once in tests)."""
    if provider not in _PROVIDERS:
        _PROVIDERS.append(provider)


def profile_sections(org: Organisation, user: Any) -> list[ProfileSection]:
    """The sections every registered provider gives for this organisation and user, in order."""
    return [section for provider in _PROVIDERS if (section := provider(org, user)) is not None]
