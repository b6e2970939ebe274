"""The protection indicators (protection/measures.py): disputes filed per district and year and
their median cycle time, equal to the dispute cases, with the drill-down scoped like the dispute list."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from ipcity.core.audit import Actor
from ipcity.core.models import Region
from ipcity.indicators.compute import Context
from ipcity.indicators.models import Indicator, Snapshot
from ipcity.indicators.registry_measures import RECORDS
from ipcity.indicators.services import compute_snapshots, load_definitions
from ipcity.protection.models import Dispute
from ipcity.test import Personas

pytestmark = pytest.mark.django_db
CLI = Actor.cli("测试")


def _case(region: Region, filed: dt.date, closed: dt.date | None, kind: str = "adjudication") -> Dispute:
    return Dispute.objects.create(
        kind=kind, region=region, claimant_name="甲", respondent_name="乙", summary="侵权", status="filed",
        filed_on=filed, closed_on=closed,
    )  # fmt: skip


def test_dispute_counts_and_median_cycle_by_district(personas: Personas, plan) -> None:  # type: ignore[no-untyped-def]
    load_definitions(actor=CLI)
    zhifu, laishan = Region.objects.get(name="芝罘区"), Region.objects.get(name="莱山区")
    _case(zhifu, dt.date(2024, 2, 1), dt.date(2024, 3, 2))  # 30 days
    _case(zhifu, dt.date(2024, 5, 1), dt.date(2024, 5, 11), kind="mediation")  # 10 days
    _case(zhifu, dt.date(2024, 11, 1), None)  # open: counted, no cycle
    _case(laishan, dt.date(2024, 6, 1), dt.date(2024, 8, 30))  # 90 days
    _case(laishan, dt.date(2023, 6, 1), dt.date(2023, 6, 2))  # another year
    codes = ["dispute_cases", "dispute_cycle_days"]
    compute_snapshots(
        year=2024,
        as_of=dt.date(2024, 12, 31),
        actor=CLI,
        indicators=list(Indicator.objects.filter(code__in=codes)),
    )

    def value(code: str, region: Region | None) -> Decimal | None:
        return Snapshot.objects.get(indicator__code=code, year=2024, region=region).value

    assert value("dispute_cases", zhifu) == 3 and value("dispute_cases", laishan) == 1
    assert value("dispute_cases", None) == 4
    assert value("dispute_cycle_days", zhifu) == 20  # median of 30 and 10
    assert value("dispute_cycle_days", laishan) == 90
    assert value("dispute_cycle_days", None) == 30  # median of 10, 30, 90
    indicator = Indicator.objects.get(code="dispute_cases")
    context = Context(indicator=indicator, region=zhifu, year=2024, as_of=dt.date(2024, 12, 31))
    assert len(RECORDS["dispute_cases"](context, personas.district_a).rows) == 3
    drill = RECORDS["dispute_cases"](context, personas.district_b)
    assert drill.rows == [] and drill.hidden == 3  # another district's cases: counted, not shown
