"""Indicator progress feeds the supervision 蓝黄红 flags: a milestone linked to the target of
万人高价值发明专利拥有量 turns yellow while the indicator is off track, from the snapshot's
statistics date; computing the indicators recomputes the stored flags; replay ignores later
snapshots; district milestones are judged against their own target."""

from __future__ import annotations

import datetime as dt
import io
import json
from collections.abc import Callable
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command

from ipcity.core.audit import Actor
from ipcity.core.models import Department, Region
from ipcity.indicators.flag_source import indicator_checks
from ipcity.indicators.models import Indicator
from ipcity.indicators.services import compute_snapshots, set_population
from ipcity.plans.models import Row
from ipcity.registry.models import Patent
from ipcity.supervision import selectors, services
from ipcity.supervision.engine import IndicatorCheck
from ipcity.supervision.models import FlagRecord, Milestone

ACTOR = Actor.cli("flag source tests")
D = dt.date.fromisoformat
REASON = "关联指标偏离目标进度"


def at(day: str) -> dt.datetime:
    moment = D(day)
    return dt.datetime(moment.year, moment.month, moment.day, 10, tzinfo=ZoneInfo("Asia/Shanghai"))


def milestone(
    row: str, department: str, *, position: int = 1, region: str | None = None, **values: Any
) -> Milestone:
    plan_row = Row.objects.get(code=row)
    fields = {
        "title": f"测试节点{position}",
        "start": D("2023-01-01"),
        "due": D("2023-12-31"),
        "department": Department.objects.get(name=department),
        "region": Region.objects.get(name=region) if region else None,
        "deliverable": "工作总结",
        **values,
    }
    saved, _status = services.save_milestone(
        plan_row, year=2023, position=position, values=fields, actor=ACTOR
    )
    return Milestone.objects.with_plan().get(pk=saved.pk)


def report_well_ahead(m: Milestone) -> None:
    """80 % in January, then every quarter: never behind, never missing a period in 2023."""
    actual = 1 if m.is_quantitative else None
    for day, period, percent in (
        ("2023-01-10", "2023-Q1", 80),
        ("2023-04-03", "2023-Q2", 85),
        ("2023-07-03", "2023-Q3", 88),
    ):
        services.submit_report(
            m,
            period_code=period,
            percent_complete=percent,
            actual_value=actual,
            narrative="进展",
            actor=ACTOR,
            at=at(day),
        )


def history(m: Milestone) -> list[tuple[str, str, str | None, str]]:
    return [
        (r.colour, r.since.isoformat(), r.until.isoformat() if r.until else None, r.reason)
        for r in FlagRecord.objects.filter(milestone=m).order_by("since")
    ]


@pytest.fixture
def high_value(indicators, make_patent: Callable[..., Patent]) -> Indicator:  # type: ignore[no-untyped-def]
    """The city (and 芝罘区) at 10,000 inhabitants: 3 high-value patents in 2021, 5 from mid-2022
    (2021 base 3.00; on 2023-06-30 the straight line to 8.1 in 2024 expects 3 + 5.1 × (1 + 181/365) / 3
    = 5.54)."""
    zhifu = Region.objects.get(code="370602")
    for region in (None, zhifu):
        for year in (2021, 2023):
            set_population(actor=ACTOR, region=region, year=year, value=10000, source="测试")
    for granted in ("2020-06-01", "2020-06-01", "2020-06-01", "2022-06-01", "2022-06-01"):
        make_patent(overseas=True, granted=D(granted))
    hv = Indicator.objects.get(code="hv_invention_patents_per_10k")
    compute_snapshots(year=2021, as_of=D("2021-12-31"), actor=ACTOR, indicators=[hv], regions=[None])
    return hv


def flags_json(day: str) -> list[dict[str, Any]]:
    out = io.StringIO()
    call_command(
        "supervision", "flags", "--as-of", day, "--json", "--dry-run", stdout=out, stderr=io.StringIO()
    )
    return list(json.loads(out.getvalue()))


def test_the_indicators_module_registers_the_source() -> None:
    assert selectors._indicator_check_source is indicator_checks  # IndicatorsConfig.ready


@pytest.mark.django_db
def test_off_track_indicator_turns_the_linked_milestone_yellow_and_replay_ignores_later_snapshots(
    high_value: Indicator, make_patent: Callable[..., Patent]
) -> None:
    linked = milestone("P1.S2", "市财政局", target=high_value.target)
    unlinked = milestone("P1.S2", "市财政局", position=2)
    report_well_ahead(linked)
    report_well_ahead(unlinked)
    services.recompute_flags(as_of=D("2023-06-29"), actor=ACTOR)
    assert history(linked) == [] and history(unlinked) == []

    # Mid-2023 the city has 5.00 against the 5.54 the straight line expects: off track. Computing
    # the indicator recomputes the stored flags of the milestones linked to its target.
    (snapshot,) = compute_snapshots(
        year=2023, as_of=D("2023-06-30"), actor=ACTOR, indicators=[high_value], regions=[None]
    )
    assert snapshot.value == Decimal("5.00")
    assert history(linked) == [("yellow", "2023-06-30", None, REASON)]
    assert history(unlinked) == []
    (status,) = selectors.statuses([linked], D("2023-07-15"))
    assert status.flag is not None and status.flag.reasons == (REASON,)
    assert status.state.indicator_check is not None
    assert (
        "按线性路径 2023 年应达 5.54 件/万人，实际 5.00 件/万人" in status.state.indicator_check.explanation
    )
    assert "偏离目标进度" in status.state.indicator_check.explanation
    assert [(f["milestone_id"], f["colour"], f["reason"]) for f in flags_json("2023-07-15")] == [
        (linked.pk, "yellow", REASON)
    ]
    assert flags_json("2023-06-29") == []  # the day before the snapshot's statistics date

    # Two more patents by September: 7.00, on track. The yellow ends on the new snapshot's date.
    make_patent(overseas=True, granted=D("2023-08-01"))
    make_patent(overseas=True, granted=D("2023-08-01"))
    compute_snapshots(year=2023, as_of=D("2023-09-30"), actor=ACTOR, indicators=[high_value], regions=[None])
    assert history(linked) == [("yellow", "2023-06-30", "2023-09-30", REASON)]
    (later,) = selectors.statuses([linked], D("2023-10-01"))
    assert later.flag is None and later.state.indicator_check is not None
    assert later.state.indicator_check.on_track and "进度正常" in later.state.indicator_check.explanation
    assert flags_json("2023-10-01") == []
    # Replaying July: the September snapshot (dated after the day) does not count.
    (replayed,) = selectors.statuses([linked], D("2023-07-15"))
    assert replayed.flag is not None and replayed.flag.reasons == (REASON,)
    assert replayed.state.indicator_check is not None and not replayed.state.indicator_check.on_track
    assert [f["reason"] for f in flags_json("2023-07-15")] == [REASON]


@pytest.mark.django_db
def test_district_milestones_are_judged_against_their_own_target(
    high_value: Indicator, django_assert_num_queries: Any
) -> None:
    target = high_value.target
    own: dict[str, Any] = {"comparison": ">=", "unit": "件/万人", "deliverable": ""}
    reached = milestone("P3.S2", "各区市局", region="芝罘区", target=target, target_value=Decimal(4), **own)
    short = milestone(
        "P3.S2", "各区市局", position=2, region="芝罘区", target=target, target_value=Decimal(6), **own
    )
    no_own_target = milestone("P3.S2", "各区市局", position=3, region="芝罘区", target=target)
    city = milestone("P1.S2", "市财政局", target=target)
    for m in (reached, short, no_own_target, city):
        report_well_ahead(m)
    zhifu = Region.objects.get(code="370602")
    compute_snapshots(
        year=2023, as_of=D("2023-06-30"), actor=ACTOR, indicators=[high_value], regions=[None, zhifu]
    )

    items = [reached, short, no_own_target, city]
    with django_assert_num_queries(2):  # the indicators carrying the targets, then their snapshots
        checks = indicator_checks(items)
    assert checks[reached.pk] == [
        IndicatorCheck(
            D("2023-06-30"),
            True,
            "每万人口高价值发明专利拥有量（芝罘区，统计时点 2023-06-30）：节点目标 ≥ 4 件/万人，实际 5 件/万人，进度正常",
        )
    ]
    assert [(c.on, c.on_track) for c in checks[short.pk]] == [(D("2023-06-30"), False)]
    assert no_own_target.pk not in checks  # the plan's target is the city's: no district check
    assert [(c.on, c.on_track) for c in checks[city.pk]] == [(D("2023-06-30"), False)]
    # Twice the milestones, the same two queries.
    more = [milestone("P1.S2", "市财政局", position=n, target=target) for n in range(2, 6)]
    with django_assert_num_queries(2):
        assert len(indicator_checks([*items, *more])) == 7

    colours = {f["milestone_id"]: f["colour"] for f in flags_json("2023-07-15")}
    assert colours.get(short.pk) == "yellow" and colours.get(city.pk) == "yellow"
    assert reached.pk not in colours and no_own_target.pk not in colours


@pytest.mark.django_db
def test_the_milestone_page_shows_the_indicator_check(high_value: Indicator, personas) -> None:  # type: ignore[no-untyped-def]
    from django.urls import reverse

    linked = milestone("P1.S2", "市财政局", target=high_value.target)
    report_well_ahead(linked)
    compute_snapshots(year=2023, as_of=D("2023-06-30"), actor=ACTOR, indicators=[high_value], regions=[None])
    url = reverse("supervision:milestone", args=[linked.pk])
    page = personas.client(personas.admin).get(url, {"as_of": "2023-07-15"}).content.decode()
    assert "关联指标" in page and "按线性路径 2023 年应达 5.54 件/万人，实际 5.00 件/万人" in page
    before = personas.client(personas.admin).get(url, {"as_of": "2023-06-29"}).content.decode()
    assert 'data-testid="indicator-check"' not in before  # no snapshot yet on that day
