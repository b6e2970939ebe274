"""Fixtures for supervision tests: milestones made through the real services, dated moments."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from ipcity.core.audit import Actor
from ipcity.core.models import Department, Region
from ipcity.plans.models import Plan, Row
from ipcity.supervision import services
from ipcity.supervision.models import Milestone

SHANGHAI = ZoneInfo("Asia/Shanghai")
SETUP = Actor.cli("test set-up")


def at(day: dt.date | str, hour: int = 10) -> dt.datetime:
    """An aware moment on a local (Asia/Shanghai) day."""
    if isinstance(day, str):
        day = dt.date.fromisoformat(day)
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=SHANGHAI)


def milestone_maker(plan: Plan) -> Callable[..., Milestone]:
    """Make milestones of `plan` through the real services (what `make_milestone` gives a test)."""

    def make(
        code: str = "P1.S2",
        *,
        department: str = "市财政局",
        region: str | None = None,
        start: str = "2023-01-01",
        due: str = "2023-04-11",
        year: int | None = None,
        position: int = 1,
        title: str = "测试节点",
        frequency: str = "quarterly",
        key: bool = False,
        **values: Any,
    ) -> Milestone:
        row = Row.objects.get(plan=plan, code=code)
        if frequency != "quarterly" or key:
            services.set_row_setting(row, is_key_project=key, report_frequency=frequency, actor=SETUP)
        start_d, due_d = dt.date.fromisoformat(start), dt.date.fromisoformat(due)
        fields = {
            "title": title,
            "start": start_d,
            "due": due_d,
            "department": Department.objects.get(name=department),
            "region": Region.objects.get(name=region) if region else None,
            "deliverable": values.pop("deliverable", "工作总结"),
            **values,
        }
        milestone, _status = services.save_milestone(
            row, year=year or due_d.year, position=position, values=fields, actor=SETUP
        )
        return Milestone.objects.with_plan().get(pk=milestone.pk)

    return make


@pytest.fixture
def make_milestone(plan: Plan) -> Callable[..., Milestone]:
    return milestone_maker(plan)
