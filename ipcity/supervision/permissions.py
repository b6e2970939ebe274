"""Who may do what in supervision. One function per decision; views and tests call these.

- The city office (市局管理员) sees everything, reviews reports, manages the decomposition, the
  rules, escalations and the assessment (rankings are visible to it only).
- A department liaison sees the rows its department leads or co-leads and files the reports of
  its own department's milestones only.
- A district officer sees its region's share of the 各区市局 rows and files those reports.
- Enterprises, agencies and the public have no access to supervision.
"""

from __future__ import annotations

from typing import Any

from ipcity.accounts.choices import Role
from ipcity.accounts.permissions import has_role, is_city_admin


def can_view_supervision(user: Any) -> bool:
    return is_city_admin(user) or has_role(user, Role.DEPT_LIAISON) or has_role(user, Role.DISTRICT_OFFICER)


def can_report_on(user: Any, milestone: Any) -> bool:
    """Only the responsible unit files its progress (the office reviews, it does not report)."""
    if milestone.region_id:
        return has_role(user, Role.DISTRICT_OFFICER) and user.region_id == milestone.region_id
    return has_role(user, Role.DEPT_LIAISON) and user.department_id == milestone.department_id


def can_review_reports(user: Any) -> bool:
    return is_city_admin(user)


def can_manage_supervision(user: Any) -> bool:
    """Decomposition import, row settings, rules, recomputation, escalation follow-up."""
    return is_city_admin(user)


def can_view_assessment(user: Any) -> bool:
    # No public leaderboard (DOMAIN.md: against 指尖上的形式主义): rankings are for the office.
    return is_city_admin(user)
