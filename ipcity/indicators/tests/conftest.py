"""Small hand-checked registry data sets for indicator tests."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from ipcity.core.audit import Actor
from ipcity.core.models import Region
from ipcity.indicators.services import load_definitions
from ipcity.registry.models import Award, Organisation, Patent, PatentIPC, Pledge, PledgeItem

ACTOR = Actor.cli("indicator tests")


@pytest.fixture
def indicators(plan):  # type: ignore[no-untyped-def]
    load_definitions(actor=ACTOR)


@pytest.fixture
def make_patent(db) -> Callable[..., Patent]:  # type: ignore[no-untyped-def]
    counter = {"n": 0}

    def make(
        *,
        region: str | None = "370602",
        ipc: tuple[str, ...] = ("A47C 7/00",),
        filed: dt.date = dt.date(2018, 3, 1),
        granted: dt.date | None = dt.date(2020, 6, 1),
        status: str = "valid",
        status_date: dt.date | None = None,
        patent_type: str = "invention",
        overseas: bool = False,
        is_pct: bool = False,
        delay_days: int | None = None,
        drug_days: int | None = None,
    ) -> Patent:
        counter["n"] += 1
        patent = Patent.objects.create(
            application_number=f"2018{1 if patent_type == 'invention' else 2}{counter['n']:07d}.0",
            patent_type=patent_type,
            title=f"测试专利{counter['n']}",
            filing_date=filed,
            grant_date=granted,
            legal_status=status,
            legal_status_date=status_date,
            has_overseas_grant=overseas,
            is_pct=is_pct,
            delay_extension_days=delay_days,
            drug_extension_days=drug_days,
            region=Region.objects.get(code=region) if region else None,
            region_rule="organisation" if region else "",
        )
        for position, code in enumerate(ipc):
            PatentIPC.objects.create(
                patent=patent, position=position, code=code, subclass=code[:4], main_group=code.split("/")[0]
            )
        return patent

    return make


def pledge(patent: Patent, amount: str, on: dt.date, **kwargs: Any) -> Pledge:
    pledgor, _ = Organisation.objects.get_or_create(
        name=f"测试出质人{patent.region_id}", defaults={"kind": "enterprise", "region": patent.region}
    )
    record = Pledge.objects.create(
        registration_number=f"Y{patent.pk}-{on:%Y%m%d}-{amount}",
        pledgor_name=pledgor.name,
        pledgor=pledgor,
        pledgee_name="测试银行",
        amount=Decimal(amount),
        registration_date=on,
        **kwargs,
    )
    PledgeItem.objects.create(
        pledge=record,
        position=0,
        ip_kind="patent",
        identifier=patent.application_number,
        patent=patent,
        is_first_pledge=True,
    )
    return record


def award(patent: Patent, year: int, name: str = "china_patent", level: str = "excellence") -> Award:
    return Award.objects.create(
        award=name,
        level=level,
        year=year,
        application_number=patent.application_number,
        patent=patent,
        holder_name="测试",
    )
