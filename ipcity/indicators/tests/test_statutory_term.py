"""A patent past its statutory term (专利法 第四十二条) is not valid, whatever the export's stored
status says: counted at a year end within its term, not at the next one — in every count of valid
patents (有效发明专利, 每万人口, 高价值) and in the records behind each number alike."""

from __future__ import annotations

import datetime as dt

import pytest

from ipcity.indicators.models import Indicator
from ipcity.indicators.services import compute_snapshots
from ipcity.indicators.tests.conftest import ACTOR
from ipcity.indicators.tests.test_facts import _records

VALID_CODES = [
    "invention_patents_valid",
    "invention_patents_per_10k",
    "hv_invention_patents",
    "hv_invention_patents_per_10k",
]


def _counts(year: int, as_of: dt.date) -> dict[str, int]:
    """The city's numerators of the four indicators that count valid inventions."""
    indicators = list(Indicator.objects.filter(code__in=VALID_CODES))
    snapshots = compute_snapshots(year=year, as_of=as_of, actor=ACTOR, indicators=indicators)
    return {s.indicator.code: int(s.numerator) for s in snapshots if s.region is None}


def _agree(year: int, as_of: dt.date) -> dict[str, int]:
    counts = _counts(year, as_of)
    for code in VALID_CODES:
        assert counts[code] == _records(code, None, year, as_of), (code, year, as_of)
    return counts


@pytest.mark.django_db
def test_a_valid_patent_past_its_term_is_no_longer_counted(make_patent, indicators) -> None:  # type: ignore[no-untyped-def]
    # Filed 2004-03-10: protected up to and including 2024-03-09; the export still says 有效.
    # Maintained for more than ten years: high-value too.
    make_patent(filed=dt.date(2004, 3, 10), granted=dt.date(2008, 5, 1))
    expected_before = dict.fromkeys(VALID_CODES, 1)
    assert _agree(2023, dt.date(2023, 12, 31)) == expected_before
    assert _agree(2024, dt.date(2024, 3, 9)) == expected_before  # its last day
    assert _agree(2024, dt.date(2024, 3, 10)) == dict.fromkeys(VALID_CODES, 0)  # the day after
    assert _agree(2024, dt.date(2024, 12, 31)) == dict.fromkeys(VALID_CODES, 0)


@pytest.mark.django_db
def test_a_recorded_extension_keeps_it_counted(make_patent, indicators) -> None:  # type: ignore[no-untyped-def]
    # 2024-03-09 + 300 days of 专利权期限补偿 = 2025-01-03: still valid at the end of 2024.
    make_patent(filed=dt.date(2004, 3, 10), granted=dt.date(2008, 5, 1), delay_days=300)
    # 2024-03-09 + 297 days of 药品专利期限补偿 = 2024-12-31: its last day is the year end itself.
    make_patent(filed=dt.date(2004, 3, 10), granted=dt.date(2008, 5, 1), drug_days=297)
    assert _agree(2024, dt.date(2024, 12, 31)) == dict.fromkeys(VALID_CODES, 2)
    assert _agree(2025, dt.date(2025, 1, 1)) == dict.fromkeys(VALID_CODES, 1)
    assert _agree(2025, dt.date(2025, 12, 31)) == dict.fromkeys(VALID_CODES, 0)


@pytest.mark.django_db
def test_an_ended_status_after_the_term_counts_only_to_the_term(make_patent, indicators) -> None:  # type: ignore[no-untyped-def]
    # The export records the lapse late (after the term): the term decides first.
    make_patent(
        filed=dt.date(2004, 3, 10),
        granted=dt.date(2008, 5, 1),
        status="expired",
        status_date=dt.date(2024, 6, 1),
    )
    assert _agree(2024, dt.date(2024, 3, 9))["invention_patents_valid"] == 1
    assert _agree(2024, dt.date(2024, 3, 10))["invention_patents_valid"] == 0


@pytest.mark.django_db
def test_changing_the_extension_reaches_the_counts(make_patent, indicators) -> None:  # type: ignore[no-untyped-def]
    patent = make_patent(filed=dt.date(2004, 3, 10), granted=dt.date(2008, 5, 1))
    assert _agree(2024, dt.date(2024, 12, 31))["invention_patents_valid"] == 0
    patent.delay_extension_days = 400
    patent.save()  # the facts follow the saved patent
    assert _agree(2024, dt.date(2024, 12, 31))["invention_patents_valid"] == 1


@pytest.mark.django_db
def test_the_migration_queues_facts_built_by_the_old_rule(make_patent) -> None:  # type: ignore[no-untyped-def]
    import importlib

    from django.apps import apps

    from ipcity.indicators.facts import OPEN_END, refresh_facts
    from ipcity.indicators.models import PatentFact

    patent = make_patent(filed=dt.date(2004, 3, 10), granted=dt.date(2008, 5, 1))
    refresh_facts()
    PatentFact.objects.filter(patent=patent).update(valid_until=OPEN_END)  # as built before the term rule
    migration = importlib.import_module("ipcity.indicators.migrations.0004_facts_statutory_term")
    migration.queue_all(apps, None)
    assert refresh_facts() == 1
    assert PatentFact.objects.get(patent=patent).valid_until == dt.date(2024, 3, 10)
