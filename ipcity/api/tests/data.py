"""Data the API tests read, made through the real services: a token per persona, milestones of a
department row and of two districts, and one paid reward in each of two districts."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from ipcity.api.services import create_token
from ipcity.core.audit import Actor
from ipcity.grants import clock
from ipcity.grants import services as grants
from ipcity.grants.models import Payment
from ipcity.grants.tests.conftest import (
    approve_after_publicity,
    draft,
    give_payee_accounts,
    set_budget,
    to_publicity,
)
from ipcity.plans.models import Plan
from ipcity.supervision.models import Milestone
from ipcity.supervision.tests.conftest import milestone_maker
from ipcity.test import Personas

ROLES = (
    "admin",
    "district_a",
    "district_b",
    "liaison",
    "liaison_other",
    "enterprise_a",
    "enterprise_b",
    "agency",
)


def tokens_for(personas: Personas) -> dict[str, str]:
    """{persona name: token secret}."""
    out = {}
    for name in ROLES:
        user = getattr(personas, name)
        _token, secret = create_token(user, name=f"测试 {name}", actor=Actor.web(user))
        out[name] = secret
    return out


def bearer(secret: str) -> dict[str, Any]:
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


class _Clock:
    """grants.tests.conftest's Clock without its fixture."""

    def __init__(self, day: dt.date) -> None:
        self.day = day
        clock.set_today(day)

    def set(self, day: dt.date) -> None:
        self.day = day
        clock.set_today(day)


@dataclass
class Scoped:
    milestones: list[Milestone]
    payments: list[Payment]


def scoped_data(plan: Plan, personas: Personas) -> Scoped:
    make = milestone_maker(plan)
    milestones = [
        make("P1.S2", department="市财政局", title="财政节点"),
        make(_row_of(plan, "市法院"), department="市法院", title="法院节点", position=2),
    ]
    district_row = _district_row(plan)
    if district_row is not None:
        milestones += [
            make(district_row, department="各区市局", region="芝罘区", title="芝罘节点", position=3),
            make(district_row, department="各区市局", region="莱山区", title="莱山节点", position=4),
        ]
    payments: list[Payment] = []
    try:
        c = _Clock(dt.date(2024, 6, 3))
        give_payee_accounts(personas.org_a, personas.org_b)
        set_budget("foreign_litigation", "10000000")
        for user in (personas.enterprise_a, personas.enterprise_b):
            app = to_publicity(personas, draft(personas, user=user))
            grant = approve_after_publicity(personas, app, c)  # type: ignore[arg-type]
            payment = grants.record_payment(
                grant, actor=Actor.web(personas.admin), paid_on=clock.today(), reference="P-1"
            )
            assert payment is not None
            payments.append(payment)
    finally:
        clock.set_today(None)
    return Scoped(milestones=milestones, payments=payments)


def _row_of(plan: Plan, department: str) -> str:
    from ipcity.plans.models import Row

    row = Row.objects.filter(plan=plan, assignments__department__name=department).order_by("position").first()
    assert row is not None
    return row.code


def _district_row(plan: Plan) -> Any:
    from ipcity.plans.models import Row

    row = (
        Row.objects.filter(plan=plan, assignments__department__kind="district_bureaus")
        .order_by("position")
        .first()
    )
    return row.code if row else None
