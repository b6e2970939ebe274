"""高价值发明专利 on small hand-checked data sets: each criterion, counting once, boundaries."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from ipcity.accounts.choices import Role
from ipcity.accounts.services import upsert_user
from ipcity.core.models import Region
from ipcity.indicators import high_value
from ipcity.indicators.compute import Context
from ipcity.indicators.facts import refresh_facts
from ipcity.indicators.models import Indicator, Snapshot
from ipcity.indicators.registry_measures import RECORDS, Drill, criteria_met, high_value_queryset
from ipcity.indicators.services import compute_snapshots
from ipcity.indicators.tests.conftest import ACTOR, award, pledge
from ipcity.lib.datafile import DataFileError

END_2024 = dt.date(2024, 12, 31)
ZHIFU = "370602"


def _hv(region: str | None = ZHIFU, on: dt.date = END_2024) -> dict[str, list[str]]:
    refresh_facts()
    region_obj = Region.objects.get(code=region) if region else None
    criteria = high_value.criteria()
    return {
        p.title: [c.key for c in criteria_met(p, criteria)]
        for p in high_value_queryset(region_obj, on, criteria)
    }


@pytest.mark.django_db
def test_no_criterion_no_count(make_patent) -> None:  # type: ignore[no-untyped-def]
    make_patent()
    assert _hv() == {}


@pytest.mark.django_db
def test_each_criterion_alone(make_patent) -> None:  # type: ignore[no-untyped-def]
    sei = make_patent(ipc=("H01M 10/0525",))  # 5.2 新能源汽车装置、配件制造
    overseas = make_patent(overseas=True)
    old = make_patent(filed=dt.date(2013, 5, 1), granted=dt.date(2016, 1, 5))
    pledged = make_patent()
    pledge(pledged, "10000000", dt.date(2023, 4, 1))
    awarded = make_patent()
    award(awarded, 2023)
    assert _hv() == {
        sei.title: ["sei"],
        overseas.title: ["overseas_family"],
        old.title: ["maintained"],
        pledged.title: ["pledge"],
        awarded.title: ["award"],
    }


@pytest.mark.django_db
def test_three_criteria_counted_once(make_patent, indicators) -> None:  # type: ignore[no-untyped-def]
    from ipcity.core.audit import Actor
    from ipcity.indicators.models import Indicator
    from ipcity.indicators.services import compute_snapshots

    patent = make_patent(
        ipc=("H01M 10/0525",), overseas=True, filed=dt.date(2012, 1, 1), granted=dt.date(2015, 1, 1)
    )
    assert _hv() == {patent.title: ["sei", "overseas_family", "maintained"]}
    snapshot = next(
        s
        for s in compute_snapshots(
            year=2024,
            as_of=END_2024,
            actor=Actor.cli(),
            indicators=[Indicator.objects.get(code="hv_invention_patents")],
            regions=[Region.objects.get(code=ZHIFU)],
        )
    )
    assert snapshot.value == 1
    assert snapshot.details["by_criterion"] == {
        "sei": 1,
        "overseas_family": 1,
        "maintained": 1,
        "pledge": 0,
        "award": 0,
    }


@pytest.mark.django_db
def test_pledged_and_awarded_and_overseas_counted_once(make_patent, indicators) -> None:  # type: ignore[no-untyped-def]
    patent = make_patent(overseas=True)
    pledge(patent, "30000000", dt.date(2022, 4, 1))
    award(patent, 2022)
    only_named = make_patent()
    pledge(only_named, "30000000", dt.date(2022, 4, 1))
    award(only_named, 2022)
    assert _hv() == {
        patent.title: ["overseas_family", "pledge", "award"],
        only_named.title: ["pledge", "award"],
    }
    snapshot, drill = _count_and_records()
    assert snapshot.value == len(drill.rows) == 2
    assert snapshot.details["by_criterion"] == {
        "sei": 0, "overseas_family": 1, "maintained": 0, "pledge": 2, "award": 2
    }  # fmt: skip


@pytest.mark.django_db
def test_ten_year_boundary(make_patent) -> None:  # type: ignore[no-untyped-def]
    exactly_ten = make_patent(filed=dt.date(2014, 12, 31), granted=dt.date(2017, 1, 1))
    more_than_ten = make_patent(filed=dt.date(2014, 12, 30), granted=dt.date(2017, 1, 1))
    assert _hv() == {more_than_ten.title: ["maintained"]}
    # A day later, the first one has been maintained more than ten years too.
    assert set(_hv(on=dt.date(2025, 1, 1))) == {exactly_ten.title, more_than_ten.title}


@pytest.mark.django_db
def test_pledge_threshold_and_date(make_patent) -> None:  # type: ignore[no-untyped-def]
    below = make_patent()
    pledge(below, "9999999.99", dt.date(2023, 4, 1))
    later = make_patent()
    pledge(later, "20000000", dt.date(2025, 2, 1))  # after the statistics date
    assert _hv() == {}


@pytest.mark.django_db
def test_lapsed_excluded_but_counted_before_it_lapsed(make_patent) -> None:  # type: ignore[no-untyped-def]
    lapsed = make_patent(overseas=True, status="lapsed", status_date=dt.date(2024, 3, 1))
    pending = make_patent(overseas=True, granted=None, status="pending")
    assert _hv() == {}
    assert _hv(on=dt.date(2023, 12, 31)) == {lapsed.title: ["overseas_family"]}
    assert pending.title not in _hv(on=dt.date(2023, 12, 31))


@pytest.mark.django_db
def test_foreign_holder_and_other_types_excluded(make_patent) -> None:  # type: ignore[no-untyped-def]
    make_patent(region=None, overseas=True)  # first patentee abroad: no Yantai region
    make_patent(patent_type="utility_model", overseas=True)
    assert _hv() == {}
    assert _hv(region=None) == {}


@pytest.mark.django_db
def test_ipc_main_group_semantics_in_the_sei_criterion(make_patent) -> None:  # type: ignore[no-untyped-def]
    # H04L1* is in rule 1.1/3; "H04L 10/00" shares the string prefix "H04L1" but is another main group.
    in_group = make_patent(ipc=("H04L 1/00",))
    make_patent(ipc=("H04L 10/00",))
    assert _hv() == {in_group.title: ["sei"]}


@pytest.mark.django_db
def test_region_attribution(make_patent) -> None:  # type: ignore[no-untyped-def]
    zhifu = make_patent(overseas=True)
    laishan = make_patent(region="370613", overseas=True)
    assert set(_hv(ZHIFU)) == {zhifu.title}
    assert set(_hv("370613")) == {laishan.title}
    assert set(_hv(None)) == {zhifu.title, laishan.title}  # the city: every Yantai region


# ---- The criteria table: the YAML file decides what the counts and the drill-down both apply ----

ALONE = {  # a patent meeting exactly one criterion, by key
    "sei": lambda make_patent: make_patent(ipc=("H01M 10/0525",)),
    "overseas_family": lambda make_patent: make_patent(overseas=True),
    "maintained": lambda make_patent: make_patent(filed=dt.date(2013, 5, 1), granted=dt.date(2016, 1, 5)),
    "pledge": lambda make_patent: pledge(make_patent(), "10000000", dt.date(2023, 4, 1)),
    "award": lambda make_patent: award(make_patent(), 2023),
}


def _use_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, change: Callable[[dict[str, Any]], None]
) -> None:
    """Point the criteria at a copy of the shipped file, changed by `change`."""
    data = yaml.safe_load(high_value.HIGH_VALUE_FILE.read_text(encoding="utf-8"))
    change(data["criteria"])
    path = tmp_path / "high-value.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    monkeypatch.setattr(high_value, "HIGH_VALUE_FILE", path)


def _count_and_records(year: int = 2024) -> tuple[Snapshot, Drill]:
    """The city's 高价值 number (computed) and the records behind it (as the city office sees them)."""
    indicator = Indicator.objects.get(code="hv_invention_patents")
    as_of = dt.date(year, 12, 31)
    snapshot = next(
        iter(compute_snapshots(year=year, as_of=as_of, actor=ACTOR, indicators=[indicator], regions=[None]))
    )
    office, _status = upsert_user("hv-office", actor=ACTOR, role=Role.CITY_ADMIN)
    drill = RECORDS[indicator.code](Context(indicator=indicator, region=None, year=year, as_of=as_of), office)
    assert drill.hidden == 0
    return snapshot, drill


def test_the_shipped_file_lists_every_criterion_of_the_table() -> None:
    assert [c.key for c in high_value.criteria()] == list(high_value.RULES)
    assert [c.label for c in high_value.criteria()][2] == "维持年限超过10年"


@pytest.mark.django_db
@pytest.mark.parametrize("disabled", [*ALONE, "sei,overseas_family,maintained"])
def test_a_criterion_switched_off_in_the_file_leaves_the_count_and_the_records(
    disabled: str, make_patent, indicators, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    for make in ALONE.values():
        make(make_patent)
    labels = {c.key: c.label for c in high_value.criteria()}
    snapshot, drill = _count_and_records()
    assert snapshot.value == len(drill.rows) == 5
    assert {row["满足条件"] for row in drill.rows} == set(labels.values())

    off = disabled.split(",")

    def switch_off(criteria: dict[str, Any]) -> None:
        for key in off:
            criteria[key]["enabled"] = False

    _use_file(tmp_path, monkeypatch, switch_off)
    snapshot, drill = _count_and_records()
    assert snapshot.value == len(drill.rows) == 5 - len(off)
    assert set(snapshot.details["by_criterion"]) == {key for key in ALONE if key not in off}
    assert {row["满足条件"] for row in drill.rows} == {labels[key] for key in ALONE if key not in off}


@pytest.mark.django_db
def test_parameters_in_the_file_reach_the_count_and_the_records(
    make_patent, indicators, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    pledge(make_patent(), "5000000", dt.date(2023, 4, 1))
    make_patent(filed=dt.date(2016, 5, 1), granted=dt.date(2018, 1, 5))  # 8 years by the end of 2024
    assert _count_and_records()[0].value == 0

    def change(criteria: dict[str, Any]) -> None:
        criteria["pledge"]["threshold"] = "5000000"
        criteria["maintained"].update(years=8, label="维持年限超过8年")

    _use_file(tmp_path, monkeypatch, change)
    snapshot, drill = _count_and_records()
    assert snapshot.value == len(drill.rows) == 2
    assert snapshot.details["by_criterion"] == {
        "sei": 0, "overseas_family": 0, "maintained": 1, "pledge": 1, "award": 0
    }  # fmt: skip
    assert sorted(row["满足条件"] for row in drill.rows) == ["维持年限超过8年", "较高质押融资金额"]
    assert _count_and_records(2023)[0].value == 1  # filed 2016-05-01: not yet 8 years at the end of 2023


@pytest.mark.parametrize(
    ("change", "where"),
    [
        (lambda c: c["pledge"].pop("source"), "criteria.pledge"),
        (lambda c: c["pledge"].update(threshold="一千万"), "criteria.pledge.threshold"),
        (lambda c: c["maintained"].update(years="10"), "criteria.maintained.years"),
        (lambda c: c["award"].update(awards=["nobel"]), "criteria.award.awards[0]"),
        (lambda c: c.pop("award"), "criteria"),  # every criterion of the table is stated, on or off
        (lambda c: c.update(utility={"enabled": True, "label": "实用", "source": "无"}), "criteria"),
    ],
)
def test_a_wrong_file_is_refused_naming_the_place(
    change: Callable[[dict[str, Any]], None], where: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _use_file(tmp_path, monkeypatch, change)
    with pytest.raises(DataFileError) as error:
        high_value.criteria()
    assert error.value.path == where
