from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from ipcity.indicators.assessment_source import indicator_achievement
from ipcity.indicators.models import Indicator, Snapshot
from ipcity.supervision import assessment


@pytest.mark.django_db
def test_district_and_lead_authority_achievement(indicators) -> None:  # type: ignore[no-untyped-def]
    from ipcity.core.models import Region

    assert assessment._indicator_source is indicator_achievement  # registered at start-up
    hv = Indicator.objects.get(code="hv_invention_patents_per_10k")
    zhifu = Region.objects.get(code="370602")
    Snapshot.objects.create(
        indicator=hv, region=zhifu, year=2023, as_of=dt.date(2023, 12, 31), status="ok", value=Decimal("4.05")
    )
    ratio, basis = indicator_achievement("region", "370602", 2023, dt.date(2024, 1, 15))  # type: ignore[misc]
    assert ratio == Decimal("0.5") and "4.05 ÷ 方案目标 8.1" in basis
    assert indicator_achievement("region", "370613", 2023, dt.date(2024, 1, 15)) is None
    assert indicator_achievement("department", "finance", 2023, dt.date(2024, 1, 15)) is None
    # The lead authority: 1 of 1 judged indicators on track (training 1000 ≥ 1000 a year).
    training = Indicator.objects.get(code="ip_training_person_times")
    Snapshot.objects.create(
        indicator=training,
        region=None,
        year=2023,
        as_of=dt.date(2023, 12, 31),
        status="ok",
        value=Decimal(1000),
    )
    assert indicator_achievement("department", "amr", 2023, dt.date(2024, 1, 15)) == (
        Decimal(1),
        "全市有目标的指标中进度正常 1 项 / 共 1 项",
    )
