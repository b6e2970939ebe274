"""The counts (read from the patent facts) agree with the drill-downs (read from the registry's own
tables), record for record; and every way a patent changes reaches the counts."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

import pytest

from ipcity.accounts.choices import Role
from ipcity.accounts.services import upsert_user
from ipcity.core.models import Region
from ipcity.indicators.compute import Context
from ipcity.indicators.facts import refresh_facts
from ipcity.indicators.models import Indicator, PatentFact, PatentFactQueue
from ipcity.indicators.registry_measures import RECORDS
from ipcity.indicators.services import compute_snapshots, compute_years
from ipcity.indicators.tests.conftest import ACTOR, award, pledge
from ipcity.registry.importers import import_file
from ipcity.registry.models import Patent, PatentIPC
from ipcity.registry.tests.helpers import app_no, write_csv

PATENT_CODES = [
    "invention_patents_valid",
    "hv_invention_patents",
    "patent_grants_invention",
    "patent_grants_utility_model",
    "patent_grants_design",
    "pct_filings",
]
SEI = "H01M 10/0525"
PLAIN = "A47C 7/00"


def _numbers(year: int, as_of: dt.date) -> dict[tuple[str, str | None], int]:
    indicators = list(Indicator.objects.filter(code__in=PATENT_CODES))
    snapshots = compute_snapshots(year=year, as_of=as_of, actor=ACTOR, indicators=indicators)
    return {(s.indicator.code, s.region.code if s.region else None): int(s.numerator) for s in snapshots}


def _records(code: str, region: Region | None, year: int, as_of: dt.date) -> int:
    """The records behind a number, as the city office (who sees them all) drills down to them."""
    indicator = Indicator.objects.get(code=code)
    office, _status = upsert_user("facts-office", actor=ACTOR, role=Role.CITY_ADMIN)
    drill = RECORDS[code](Context(indicator=indicator, region=region, year=year, as_of=as_of), office)
    assert drill.hidden == 0
    return len(drill.rows)


@pytest.mark.django_db
def test_counts_agree_with_the_records_behind_them(make_patent, indicators) -> None:  # type: ignore[no-untyped-def]
    rng = random.Random(5)
    regions = ["370602", "370611", "370613", None]  # None: a foreign first patentee
    statuses = ["valid", "valid", "lapsed", "expired", "invalidated", "pending"]
    # Filing dates from 1997: inventions reach the end of their twenty-year term by the as-of dates
    # below (some with an extension recorded), utility models and designs their ten or fifteen years.
    for _ in range(240):
        filed = dt.date(1997, 1, 1) + dt.timedelta(days=rng.randrange(28 * 365))
        granted = filed + dt.timedelta(days=rng.randrange(200, 1500)) if rng.random() < 0.8 else None
        status = rng.choice(statuses) if granted else "pending"
        ended = granted + dt.timedelta(days=rng.randrange(1, 2500)) if granted and status != "valid" else None
        if status in {"lapsed", "expired"} and rng.random() < 0.1:
            ended = None  # an ended patent without its date: never counted as valid
        patent = make_patent(
            region=rng.choice(regions),
            ipc=(rng.choice([SEI, PLAIN]),),
            filed=filed,
            granted=granted,
            status=status,
            status_date=ended,
            patent_type=rng.choice(["invention", "invention", "utility_model", "design"]),
            overseas=rng.random() < 0.1,
            is_pct=rng.random() < 0.15,
            delay_days=rng.choice([None, None, None, 0, 200, 900]),
            drug_days=rng.choice([None, None, None, None, 365, 1826]),
        )
        if rng.random() < 0.08:
            pledge(patent, rng.choice(["5000000", "10000000", "30000000"]), filed + dt.timedelta(days=900))
        if rng.random() < 0.05:
            award(patent, filed.year + 4)
    # Some stored 有效 inventions outlive their term between the as-of dates (the export is stale).
    stale = [
        p
        for p in Patent.objects.filter(legal_status="valid", patent_type="invention", region__isnull=False)
        if p.grant_date and dt.date(2019, 12, 31) <= p.term_end < dt.date(2024, 12, 31)
    ]
    assert stale
    seen: dict[str, int] = dict.fromkeys(PATENT_CODES, 0)
    for year, as_of in [
        (2019, dt.date(2019, 12, 31)),
        (2022, dt.date(2022, 7, 15)),
        (2024, dt.date(2024, 12, 31)),
    ]:
        numbers = _numbers(year, as_of)
        for code in PATENT_CODES:
            for region in [None, *Region.objects.filter(code__in=regions)]:
                expected = _records(code, region, year, as_of)
                assert numbers[(code, region.code if region else None)] == expected, (code, region, year)
                seen[code] += expected
    assert min(seen.values()) > 0, seen  # every count is exercised, not only zeros

    # Several years in one computation give the same numbers as one by one.
    one_by_one = {y: _numbers(y, dt.date(y, 12, 31)) for y in (2019, 2023, 2024)}
    together = compute_years([2019, 2023, 2024], actor=ACTOR)
    for snapshot in together:
        key = (snapshot.indicator.code, snapshot.region.code if snapshot.region else None)
        if key[0] in PATENT_CODES and key[1] in regions:
            assert int(snapshot.numerator) == one_by_one[snapshot.year][key], (key, snapshot.year)
    assert {s.year for s in together} == {2019, 2023, 2024}


@pytest.mark.django_db
def test_a_patent_ended_on_the_as_of_day_is_no_longer_counted(make_patent, indicators) -> None:  # type: ignore[no-untyped-def]
    make_patent(status="lapsed", status_date=dt.date(2024, 12, 31))
    make_patent(status="invalidated", status_date=dt.date(2025, 1, 1))
    assert _numbers(2024, dt.date(2024, 12, 31))[("invention_patents_valid", "370602")] == 1
    assert _records("invention_patents_valid", None, 2024, dt.date(2024, 12, 31)) == 1
    assert _numbers(2024, dt.date(2024, 12, 30))[("invention_patents_valid", "370602")] == 2


@pytest.mark.django_db
def test_changes_in_place_reach_the_counts(make_patent, indicators) -> None:  # type: ignore[no-untyped-def]
    year_end = dt.date(2024, 12, 31)
    patent = make_patent(ipc=(PLAIN,))
    assert _numbers(2024, year_end)[("hv_invention_patents", "370602")] == 0
    assert not PatentFactQueue.objects.exists()

    ipc = PatentIPC.objects.get(patent=patent)
    ipc.code, ipc.subclass, ipc.main_group = SEI, SEI[:4], SEI.split("/")[0]
    ipc.save()  # a new IPC code makes it 战略性新兴产业
    assert _numbers(2024, year_end)[("hv_invention_patents", "370602")] == 1

    patent.legal_status, patent.legal_status_date = "lapsed", dt.date(2024, 3, 1)
    patent.save()
    numbers = _numbers(2024, year_end)
    assert numbers[("invention_patents_valid", "370602")] == 0
    assert numbers[("hv_invention_patents", "370602")] == 0
    assert _numbers(2023, dt.date(2023, 12, 31))[("invention_patents_valid", "370602")] == 1

    patent.delete()
    assert not PatentFact.objects.exists()
    assert _numbers(2023, dt.date(2023, 12, 31))[("invention_patents_valid", None)] == 0


@pytest.mark.django_db
def test_imports_and_region_attribution_reach_the_counts(tmp_path: Path, indicators) -> None:  # type: ignore[no-untyped-def]
    headers = ["申请号", "申请日", "授权公告日", "名称", "申请（专利权）人", "分类号", "法律状态", "地址"]
    number = app_no(2019, "1", 4242)
    write_csv(tmp_path / "v1.csv", headers, [[number, "2019-02-01", "2021-05-06", "一种测试装置", "烟台测试丙有限公司",
                                              PLAIN, "有效", "山东省烟台市芝罘区测试路1号"]])  # fmt: skip
    assert not import_file("patents", tmp_path / "v1.csv", actor=ACTOR).refused
    assert _numbers(2024, dt.date(2024, 12, 31))[("invention_patents_valid", "370602")] == 1  # by address

    write_csv(tmp_path / "v2.csv", headers, [[number, "2019-02-01", "2021-05-06", "一种测试装置", "烟台测试丙有限公司",
                                              SEI, "有效", "山东省烟台市芝罘区测试路1号"]])  # fmt: skip
    assert import_file("patents", tmp_path / "v2.csv", actor=ACTOR).updated == 1
    assert _numbers(2024, dt.date(2024, 12, 31))[("hv_invention_patents", "370602")] == 1

    # The holder becomes a known organisation in 莱山区: the patent follows its organisation.
    orgs = write_csv(
        tmp_path / "o.csv", ["名称", "类型", "所属区市"], [["烟台测试丙有限公司", "企业", "莱山区"]]
    )
    assert import_file("organisations", orgs, actor=ACTOR).created == 1
    assert Patent.objects.get().region == Region.objects.get(code="370613")
    numbers = _numbers(2024, dt.date(2024, 12, 31))
    assert numbers[("invention_patents_valid", "370602")] == 0
    assert numbers[("invention_patents_valid", "370613")] == 1
    assert numbers[("hv_invention_patents", "370613")] == 1


@pytest.mark.django_db
def test_full_rebuild_equals_the_incremental_facts(make_patent) -> None:  # type: ignore[no-untyped-def]
    for index in range(30):
        make_patent(ipc=(SEI if index % 3 else PLAIN,), overseas=index % 5 == 0, status="lapsed" if index % 4 else "valid",
                    status_date=dt.date(2023, 1, index + 1) if index % 4 else None)  # fmt: skip
    refresh_facts()
    incremental = list(PatentFact.objects.order_by("pk").values())
    assert refresh_facts() == 0  # nothing changed: nothing rebuilt
    assert refresh_facts(full=True) == 30
    assert list(PatentFact.objects.order_by("pk").values()) == incremental


@pytest.mark.django_db
def test_announced_writes_are_rebuilt_whatever_their_ids(make_patent) -> None:  # type: ignore[no-untyped-def]
    from ipcity.registry.signals import patents_changed

    first, second = make_patent(), make_patent()
    assert refresh_facts() == 2
    # A write the ORM does not signal (a set-wise update), below the highest id the facts hold:
    # only the registry's announcement brings it in (as an import committing late would).
    Patent.objects.filter(pk=first.pk).update(
        legal_status="invalidated", legal_status_date=dt.date(2023, 1, 1)
    )
    assert refresh_facts() == 0
    patents_changed.send(sender=Patent, patent_ids=[first.pk])
    assert refresh_facts() == 1
    assert PatentFact.objects.get(pk=first.pk).valid_until == dt.date(2023, 1, 1)
    # Rows bulk-loaded without any signal are found above the highest id the facts hold.
    third = Patent.objects.bulk_create(
        [Patent(**{**_fields(second), "application_number": "201810000099.0"})]
    )[0]
    assert refresh_facts() == 1
    assert PatentFact.objects.filter(pk=third.pk).exists()


def _fields(patent: Patent) -> dict[str, object]:
    return {f.attname: getattr(patent, f.attname) for f in Patent._meta.concrete_fields if not f.primary_key}


@pytest.mark.django_db
def test_pending_count_matches_what_a_refresh_builds(make_patent) -> None:  # type: ignore[no-untyped-def]
    from ipcity.indicators.facts import pending_count

    patents = [make_patent() for _ in range(5)]
    assert pending_count() == 5
    assert refresh_facts() == 5 and pending_count() == 0
    patents[1].title, patents[3].title = "改", "改"
    patents[1].save()
    patents[3].save()
    assert pending_count() == 2 and refresh_facts() == 2
