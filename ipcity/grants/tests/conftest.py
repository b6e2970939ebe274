"""Fixtures of the grants tests: a fixed date, budgets, experts, and helpers that walk applications
through the workflow with the real services."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from ipcity.core.audit import Actor
from ipcity.grants import clock, services
from ipcity.grants.choices import ReviewDecision
from ipcity.grants.models import Application, Grant
from ipcity.policy.engine import default_catalog
from ipcity.registry.models import Organisation
from ipcity.registry.services import update_payee_account
from ipcity.support import services as support
from ipcity.support.models import Expert
from ipcity.test import Personas

# A Monday inside the plan period and the working-day calendar.
TODAY = dt.date(2024, 6, 3)
CLI = Actor.cli("grants tests")


class Clock:
    def __init__(self) -> None:
        self.day = TODAY

    def set(self, day: dt.date) -> None:
        self.day = day
        clock.set_today(day)

    def advance(self, days: int) -> dt.date:
        self.set(self.day + dt.timedelta(days=days))
        return self.day


@pytest.fixture(autouse=True)
def fixed_clock() -> Iterator[Clock]:
    c = Clock()
    c.set(TODAY)
    yield c
    clock.set_today(None)


def pdf_upload(name: str = "证明.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4\n% ipcity test\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")


def dec(obj: Any) -> dict[str, Any]:
    """The stored decision (Decision.as_dict()) of an application or entitlement."""
    assert obj.decision is not None
    return dict(obj.decision)


def after(day: dt.date | None, days: int = 1) -> dt.date:
    assert day is not None
    return day + dt.timedelta(days=days)


def web(user: Any) -> Actor:
    return Actor.web(user)


LITIGATION_FACTS = {
    "foreign_related": True,
    "judicial_litigation": True,
    "won": True,
    "service_fees": "300000",
}


def draft(
    personas: Personas,
    *,
    user: Any = None,
    item: str = "foreign_litigation",
    facts: dict[str, Any] | None = None,
    on: dt.date = dt.date(2024, 5, 20),
    right_id: str = "",
    material: bool = True,
) -> Application:
    user = user or personas.enterprise_a
    org = user.membership.organisation
    app = services.create_application(
        org,
        item,
        actor=web(user),
        decisive_date=on,
        facts=dict(LITIGATION_FACTS if facts is None else facts),
        right_id=right_id,
    )
    if material:
        attach_materials(app, user)
    return app


def attach_materials(app: Application, user: Any, *, leave_out: tuple[str, ...] = ()) -> None:
    """One PDF for each kind of material the item names (but those left out)."""
    for name in default_catalog().items[app.item_code].upload_materials:
        if name not in leave_out:
            services.add_material(app, pdf_upload(f"{name}.pdf"), actor=web(user), label=name)


def to_publicity(personas: Personas, app: Application, *, decided: Decimal | None = None) -> Application:
    """Submit, pass the district and the city (experts for 择优 items) — ends in publicity."""
    user = app.created_by
    services.submit_application(app, actor=web(user))
    district = (
        personas.district_a
        if app.organisation.region_id == personas.district_a.region_id
        else personas.district_b
    )
    services.review_in_district(app, actor=web(district), decision=ReviewDecision.PASS)
    app.refresh_from_db()
    if app.track == "merit":
        services.review_in_city(app, actor=web(personas.admin), decision=ReviewDecision.PASS)
        ensure_experts()
        for assignment in services.assign_experts(
            app, actor=web(personas.admin), field=EXPERT_FIELD, count=3
        ):
            services.record_score(assignment, actor=web(personas.admin), score=Decimal("85"))
        services.conclude_expert_review(
            app, actor=web(personas.admin), decision=ReviewDecision.PASS, decided_amount=decided
        )
    else:
        services.review_in_city(
            app, actor=web(personas.admin), decision=ReviewDecision.PASS, decided_amount=decided
        )
    app.refresh_from_db()
    return app


def approve_after_publicity(personas: Personas, app: Application, clock_: Clock) -> Grant:
    assert app.publicity_end is not None
    if clock_.day <= app.publicity_end:
        clock_.set(app.publicity_end + dt.timedelta(days=1))
    return services.approve_application(app, actor=web(personas.admin))


# The field the tests' experts are drawn from (support's pool, support.services.draw_experts).
EXPERT_FIELD = "high_end_equipment"


def add_expert(name: str, **values: Any) -> Expert:
    """An expert of the test field in support's pool (support.services.save_expert)."""
    values.setdefault("employer_name", "测试大学")
    return support.save_expert(actor=CLI, name=name, field=EXPERT_FIELD, **values)


def ensure_experts(n: int = 3) -> list[Expert]:
    return [add_expert(f"测试专家{i}", speciality="专利") for i in range(1, n + 1)]


def set_budget(item: str, amount: str, year: int = TODAY.year) -> None:
    services.set_budget(item, year, Decimal(amount), actor=CLI)


def give_payee_accounts(*orgs: Organisation) -> None:
    """A 收款账户 in each organisation's 一企一档 (payment needs one)."""
    for org in orgs:
        update_payee_account(
            org, actor=CLI, name=org.name, bank="中国工商银行烟台分行", account=f"6222{org.pk:012d}"
        )


@pytest.fixture
def budgets(personas: Personas) -> None:
    """What approving and paying need: a budget for the items the tests use, and a payee account
    for each persona's organisation."""
    give_payee_accounts(personas.org_a, personas.org_b, personas.org_agency)
    for item in (
        "foreign_litigation",
        "ip_securitization",
        "city_advantage_enterprise",
        "patent_retention_project",
        "standardised_market",
        "china_patent_award",
        "shandong_patent_award",
        "city_patent_award",
        "gi_registration",
        "madrid_trademark",
        "patent_pledge_interest",
        "first_trademark_pledge",
        "recognised_advantage_enterprise",
    ):
        set_budget(item, "10000000")


def xlsx_rows(content: bytes, sheet: int = 0) -> list[list[Any]]:
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(content))
    ws = wb.worksheets[sheet]
    return [list(row) for row in ws.iter_rows(values_only=True)]
