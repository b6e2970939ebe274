"""Snapshots per region and year: per-10,000 values, missing population, growth, CLI JSON."""

from __future__ import annotations

import datetime as dt
import io
import json
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from ipcity.core.audit import Actor
from ipcity.core.models import AuditEvent, Region
from ipcity.indicators.models import Indicator, Population, Snapshot
from ipcity.indicators.services import (
    compute_snapshots,
    load_population,
    record_survey,
    record_training,
    set_population_gap,
)
from ipcity.indicators.tests.conftest import pledge

ACTOR = Actor.cli("tests")


def _one(code: str, region: str | None, year: int = 2024) -> Snapshot:
    region_obj = Region.objects.get(code=region) if region else None
    return compute_snapshots(
        year=year,
        as_of=dt.date(year, 12, 31),
        actor=ACTOR,
        indicators=[Indicator.objects.get(code=code)],
        regions=[region_obj],
    )[0]


@pytest.mark.django_db
def test_per_ten_thousand_with_and_without_population(make_patent, indicators) -> None:  # type: ignore[no-untyped-def]
    for _ in range(3):
        make_patent(overseas=True)
    make_patent()
    Population.objects.create(
        region=Region.objects.get(code="370602"),
        year=2024,
        kind="year_end",
        date=dt.date(2024, 12, 31),
        value=15000,
        source="测试",
    )
    snapshot = _one("hv_invention_patents_per_10k", "370602")
    # 3 high-value patents ÷ (15,000 ÷ 10,000) = 2.00
    assert (snapshot.status, snapshot.value, snapshot.numerator, snapshot.denominator) == (
        "ok",
        Decimal("2.00"),
        Decimal(3),
        Decimal("1.5"),
    )
    all_valid = _one("invention_patents_per_10k", "370602")
    assert all_valid.value == Decimal("2.67")  # 4 ÷ 1.5
    missing = _one("hv_invention_patents_per_10k", "370613")
    assert missing.status == "missing_denominator" and missing.value is None
    assert "缺少莱山区2024年末常住人口" in missing.note
    assert missing.status_text == "缺少分母数据"
    # The explanation reads as people count: 1.5 万人, not 15000 人 × 10000.
    assert snapshot.note == "高价值发明专利 3 件 ÷ 年末常住人口 1.5 万人"


@pytest.mark.django_db
def test_a_recorded_reason_for_a_missing_population_is_shown_instead_of_the_status(  # type: ignore[no-untyped-def]
    make_patent, indicators
) -> None:
    zone = Region.objects.get(code="YT-KFQ")
    make_patent(region="YT-KFQ", overseas=True)
    set_population_gap(actor=ACTOR, region=zone, year=2024, reason="功能区无常住人口统计")
    event = AuditEvent.objects.get(action="population_gap.create")
    assert event.after == {"region": "烟台开发区", "year": 2024, "reason": "功能区无常住人口统计"}
    snapshot = _one("hv_invention_patents_per_10k", "YT-KFQ")
    assert snapshot.status == "missing_denominator" and snapshot.value is None
    assert snapshot.status_text == "功能区无常住人口统计"
    assert snapshot.note == "功能区无常住人口统计，未计算（高价值发明专利 1 件）"
    assert (
        _one("hv_invention_patents_per_10k", "YT-KFQ", 2023).status_text == "缺少分母数据"
    )  # that year only
    # An empty reason removes the record (audited); the status speaks again.
    set_population_gap(actor=ACTOR, region=zone, year=2024, reason=" ")
    assert AuditEvent.objects.filter(action="population_gap.delete").count() == 1
    assert _one("hv_invention_patents_per_10k", "YT-KFQ").status_text == "缺少分母数据"


@pytest.mark.django_db
def test_the_population_file_records_why_the_functional_zones_have_no_population(indicators) -> None:  # type: ignore[no-untyped-def]
    from ipcity.indicators.models import PopulationGap

    load_population(actor=ACTOR)
    gaps = PopulationGap.objects.filter(year=2024).values_list("region__code", "reason")
    assert sorted(gaps) == [(code, "功能区无常住人口统计") for code in ("YT-CD", "YT-GXQ", "YT-KFQ")]


@pytest.mark.django_db
def test_census_is_not_a_year_end_denominator(indicators) -> None:  # type: ignore[no-untyped-def]
    load_population(actor=ACTOR)
    assert Population.objects.filter(region__isnull=True, year=2020, kind="census").get().value == 7102116
    assert _one("invention_patents_per_10k", None, 2020).status == "missing_denominator"


@pytest.mark.django_db
def test_pledge_growth_since_2021(make_patent, indicators) -> None:  # type: ignore[no-untyped-def]
    patent = make_patent()
    pledge(patent, "1000000", dt.date(2021, 5, 1))
    pledge(patent, "1690000", dt.date(2023, 5, 1))
    pledge(patent, "1300000", dt.date(2022, 5, 1))
    growth = _one("pledge_amount_growth", "370602", 2023)
    # (1.69)^(1/2) − 1 = 30.00 %; year on year 1.69/1.3 − 1 = 30.00 %
    assert growth.value == Decimal("30.00")
    assert growth.note == "（2023 年 169 万元 ÷ 2021 年 100 万元）^(1/2) − 1"
    assert growth.details["year_on_year"] == "30.00"
    assert _one("pledge_amount_growth", "370602", 2021).status == "not_applicable"


@pytest.mark.django_db
def test_training_and_survey(indicators) -> None:  # type: ignore[no-untyped-def]
    record_training(
        actor=ACTOR,
        title="专利挖掘与布局培训",
        date=dt.date(2023, 4, 26),
        organiser="市市场监管局",
        region=None,
        attendees=[{"name": "张三", "organisation": "甲"}, {"name": "李四", "organisation": "乙"}],
    )
    record_training(
        actor=ACTOR,
        title="商标品牌培训",
        date=dt.date(2023, 9, 1),
        organiser="市市场监管局",
        region=None,
        attendees=[{"name": "张三", "organisation": "甲"}],
    )
    assert _one("ip_training_person_times", None, 2023).value == 3  # the same person twice counts twice
    record_survey(
        actor=ACTOR,
        year=2023,
        organiser="第三方机构",
        method="分层抽样问卷",
        source="测试",
        groups=[
            {
                "group": "right_holders",
                "sample_size": 400,
                "weight": "0.5",
                "scores": [
                    {"item": "执法保护", "weight": "0.6", "score": "80"},
                    {"item": "保护效果", "weight": "0.4", "score": "90"},
                ],
            },
            {
                "group": "professionals",
                "sample_size": 100,
                "weight": "0.3",
                "scores": [{"item": "执法保护", "weight": "1", "score": "85"}],
            },
            {
                "group": "public",
                "sample_size": 500,
                "weight": "0.2",
                "scores": [{"item": "意识培养", "weight": "1", "score": "75"}],
            },
        ],
    )
    # right holders 0.6×80+0.4×90 = 84; total 0.5×84 + 0.3×85 + 0.2×75 = 82.50
    snapshot = _one("protection_satisfaction", None, 2023)
    assert snapshot.value == Decimal("82.50")
    assert snapshot.details["groups"]["right_holders"]["score"] == "84.00"
    with pytest.raises(ValueError, match="权重之和应为 1"):
        record_survey(
            actor=ACTOR,
            year=2024,
            organiser="x",
            method="x",
            source="x",
            groups=[{"group": "public", "sample_size": 1, "weight": "0.9", "scores": []}],
        )


@pytest.mark.django_db
def test_cli_json_is_idempotent_and_adds_up(make_patent, indicators) -> None:  # type: ignore[no-untyped-def]
    make_patent(overseas=True)
    make_patent(region="370613", overseas=True)
    Population.objects.create(
        region=None, year=2024, kind="year_end", date=dt.date(2024, 12, 31), value=20000, source="测试"
    )

    def run() -> list[dict]:
        out = io.StringIO()
        call_command("indicators", "compute", "--year", "2024", "--json", stdout=out)
        return json.loads(out.getvalue())

    first = run()
    count = Snapshot.objects.count()
    assert run() == first and Snapshot.objects.count() == count
    assert AuditEvent.objects.filter(action="indicators.compute").count() == 2
    rows = {(r["code"], r["region"]): r for r in first}
    city = rows[("hv_invention_patents_per_10k", "370600")]
    assert (city["value"], city["numerator"], city["denominator"], city["target"], city["unit"]) == (
        1.0,
        2.0,
        2.0,
        8.1,
        "件/万人",
    )
    districts = [r for r in first if r["code"] == "hv_invention_patents" and r["region"] != "370600"]
    assert (
        sum(r["value"] for r in districts if r["region"].isdigit())
        == rows[("hv_invention_patents", "370600")]["value"]
    )
    assert rows[("hv_invention_patents", "370602")]["value"] == 1.0
    assert {r["region"] for r in first} >= {"370600", "370602", "YT-KFQ"}
    assert set(first[0]) >= {"code", "region", "year", "value", "unit", "target", "numerator", "denominator"}
    # A range of years in one run: each year at its year end, the same numbers as year by year.
    out = io.StringIO()
    call_command("indicators", "compute", "--year", "2023-2024", "--json", stdout=out)
    both = json.loads(out.getvalue())
    assert {r["year"] for r in both} == {2023, 2024}
    assert [r for r in both if r["year"] == 2024] == first
    assert {r["as_of"] for r in both if r["year"] == 2023} == {"2023-12-31"}
    with pytest.raises(CommandError, match="年份区间应从小到大"):
        call_command(
            "indicators", "compute", "--year", "2024-2023", stdout=io.StringIO(), stderr=io.StringIO()
        )
    stored = Snapshot.objects.get(pk=next(s.pk for s in compute_snapshots(year=2024, actor=ACTOR)))
    assert stored.computed_at is not None and abs(timezone.now() - stored.computed_at) < dt.timedelta(
        minutes=5
    )
