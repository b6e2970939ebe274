"""高价值发明专利 on small hand-checked data sets: each criterion, counting once, boundaries."""

from __future__ import annotations

import datetime as dt

import pytest

from ipcity.core.models import Region
from ipcity.indicators.facts import refresh_facts
from ipcity.indicators.registry_measures import criteria_met, high_value_queryset
from ipcity.indicators.tests.conftest import award, pledge

END_2024 = dt.date(2024, 12, 31)
ZHIFU = "370602"


def _hv(region: str | None = ZHIFU, on: dt.date = END_2024) -> dict[str, list[str]]:
    refresh_facts()
    region_obj = Region.objects.get(code=region) if region else None
    return {p.title: criteria_met(p) for p in high_value_queryset(region_obj, on)}


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
