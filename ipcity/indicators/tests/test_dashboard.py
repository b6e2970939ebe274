"""The indicator dashboard: the latest snapshot per indicator × region × year from one grouped
query, its cached body fresh after every computation, the user's parts outside the cache, and a
fixed number of queries."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest

from ipcity.core.audit import Actor
from ipcity.indicators import selectors
from ipcity.indicators.models import Population
from ipcity.indicators.services import compute_snapshots
from ipcity.test import Personas

ACTOR = Actor.cli("dashboard tests")
URL = "/indicators/?year=2024"


def kpi(html: str, code: str) -> str:
    """The card's number without its unit ("0.67 件/万人" → "0.67")."""
    found = re.search(rf'data-kpi="{code}">([^<]+)<', html)
    assert found, code
    return found.group(1).split(" ")[0]


@pytest.fixture
def two_computations(make_patent, indicators) -> None:  # type: ignore[no-untyped-def]
    """2023 and 2024 computed, and 2024 again at a later date after more patents were granted."""
    make_patent(overseas=True)  # high value (an overseas grant)
    make_patent(region="370613")  # valid, not high value
    Population.objects.create(
        region=None, year=2024, kind="year_end", date=dt.date(2024, 12, 31), value=30000, source="测试"
    )
    compute_snapshots(year=2023, as_of=dt.date(2023, 12, 31), actor=ACTOR)
    compute_snapshots(year=2024, as_of=dt.date(2024, 6, 30), actor=ACTOR)
    make_patent(overseas=True, granted=dt.date(2024, 9, 1))
    compute_snapshots(year=2024, as_of=dt.date(2024, 12, 31), actor=ACTOR)


@pytest.mark.django_db
@pytest.mark.usefixtures("two_computations")
def test_dashboard_shows_the_latest_snapshot_of_each_indicator_region_and_year() -> None:
    latest = selectors.latest_snapshots()  # the model-instance reading, as the detail page uses it
    for year in (2023, 2024):
        for row in selectors.dashboard(year)["rows"]:
            pk = row["indicator"].pk
            city = {y: s.pk for (i, r, y), s in latest.items() if i == pk and r is None}
            assert {y: v.pk for y, v in row["trend"]} == city
            assert (row["snapshot"].pk if row["snapshot"] else None) == city.get(year)
            regions = {r: s.pk for (i, r, y), s in latest.items() if i == pk and r is not None and y == year}
            assert {region.pk: v.pk for region, v in row["regions"]} == regions
            positions = [region.position for region, _v in row["regions"]]
            assert positions == sorted(positions)
    hv = next(r for r in selectors.dashboard(2024)["rows"] if r["indicator"].code == "hv_invention_patents")
    assert hv["snapshot"].as_of == dt.date(2024, 12, 31) and hv["snapshot"].value == 2  # not 1 (June)


@pytest.mark.django_db
def test_a_new_computation_shows_on_the_next_request(
    personas: Personas, two_computations: None, make_patent: Any
) -> None:
    client = personas.client(personas.liaison)
    assert kpi(client.get(URL).content.decode(), "hv_invention_patents_per_10k") == "0.67"  # 2 ÷ 3.0
    assert kpi(client.get(URL).content.decode(), "hv_invention_patents_per_10k") == "0.67"  # cached
    make_patent(overseas=True, granted=dt.date(2024, 10, 1))
    compute_snapshots(year=2024, as_of=dt.date(2024, 12, 31), actor=ACTOR)
    assert kpi(client.get(URL).content.decode(), "hv_invention_patents_per_10k") == "1.00"  # 3 ÷ 3.0


@pytest.mark.django_db
@pytest.mark.usefixtures("two_computations")
def test_the_cached_body_is_shared_but_the_users_parts_are_not(personas: Personas) -> None:
    admin = personas.client(personas.admin).get(URL).content.decode()
    district = personas.client(personas.district_a).get(URL).content.decode()
    # The numbers are the same for every government user; data entry is the city office's only.
    assert (
        kpi(admin, "hv_invention_patents_per_10k") == kpi(district, "hv_invention_patents_per_10k") == "0.67"
    )
    assert "数据填报" in admin and "数据填报" not in district
    assert "数据填报" in personas.client(personas.admin).get(URL).content.decode()


@pytest.mark.django_db
@pytest.mark.usefixtures("two_computations")
def test_query_budget(personas: Personas, django_assert_max_num_queries: Any) -> None:
    client = personas.client(personas.admin)
    # Built: version, years, indicators, regions, the grouped snapshots; served: the version only
    # (plus session, user, the navigation's two and the city office's calendar notice in both).
    with django_assert_max_num_queries(11):
        assert client.get(URL).status_code == 200
    with django_assert_max_num_queries(6):
        assert client.get(URL).status_code == 200
    with django_assert_max_num_queries(10):
        assert client.get("/indicators/?year=2023").status_code == 200
