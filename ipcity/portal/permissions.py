from __future__ import annotations

from typing import Any

from ipcity.accounts.permissions import is_city_admin


def can_manage_portal(user: Any) -> bool:
    """Notices and the public indicators are the city office's."""
    return is_city_admin(user)


def manages_notice(user: Any, notice: Any) -> bool:
    return can_manage_portal(user)
