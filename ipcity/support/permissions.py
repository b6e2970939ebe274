"""Who may do what in the support ecosystem (docs/support.md, docs/permissions.md)."""

from __future__ import annotations

from typing import Any

from ipcity.accounts.permissions import is_city_admin


def can_manage_experts(user: Any) -> bool:
    """The expert pool, relations and draws are the city office's (方案二(七)1)."""
    return is_city_admin(user)


def can_see_expert_contacts(user: Any) -> bool:
    """Phone and e-mail of experts: the city office only (a reviewer must not be lobbied)."""
    return is_city_admin(user)


def can_manage_trainings(user: Any) -> bool:
    """Registering trainings, their sign-in sheets, participants and certificates: the city office."""
    return is_city_admin(user)
