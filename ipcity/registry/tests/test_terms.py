"""The statutory term (专利法 第四十二条): the Python rule and the database expression, at the
boundary day of each type, with extensions and 29 February filing dates — and both agree over
generated dates (a property test, run on SQLite and on PostgreSQL)."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ipcity.indicators.registry_measures import valid_at
from ipcity.registry.models import Patent
from ipcity.registry.terms import term_end, term_end_expression, term_ended, term_years

_serial = itertools.count(1)

# (type, filing date, extension days) → the last day of protection, worked out by hand.
CASES = [
    ("invention", dt.date(2004, 3, 10), 0, dt.date(2024, 3, 9)),
    ("utility_model", dt.date(2014, 3, 10), 0, dt.date(2024, 3, 9)),
    ("design", dt.date(2021, 5, 31), 0, dt.date(2031, 5, 30)),  # filed before 2021-06-01: 10 years
    ("design", dt.date(2021, 6, 1), 0, dt.date(2036, 5, 31)),  # on/after 2021-06-01: 15 years
    ("invention", dt.date(2004, 3, 10), 100, dt.date(2024, 6, 17)),  # 2024-03-09 + 100 days
    ("invention", dt.date(2010, 1, 1), 1826, dt.date(2034, 12, 31)),  # 2029-12-31 + five years (one leap day)
    # 29 February: the anniversary exists in a leap year; in a common year the term ends on 28 February.
    ("invention", dt.date(2004, 2, 29), 0, dt.date(2024, 2, 28)),
    ("utility_model", dt.date(2016, 2, 29), 0, dt.date(2026, 2, 28)),
    ("design", dt.date(2024, 2, 29), 0, dt.date(2039, 2, 28)),
    ("design", dt.date(2020, 2, 29), 0, dt.date(2030, 2, 28)),
    ("utility_model", dt.date(2016, 2, 29), 1, dt.date(2026, 3, 1)),
    # 1 March of a leap year: the day before is 29 February, kept in a leap year, 28 February otherwise.
    ("invention", dt.date(2004, 3, 1), 0, dt.date(2024, 2, 29)),
    ("utility_model", dt.date(2004, 3, 1), 0, dt.date(2014, 2, 28)),
    ("invention", dt.date(2005, 1, 1), 0, dt.date(2024, 12, 31)),
    ("invention", dt.date(2004, 12, 31), 0, dt.date(2024, 12, 30)),
]


def _patent(patent_type: str, filed: dt.date, delay: int | None = None, drug: int | None = None) -> Patent:
    digit = {"invention": "1", "utility_model": "2", "design": "3"}[patent_type]
    return Patent(
        application_number=f"{filed.year}{digit}{next(_serial):07d}.0",
        patent_type=patent_type,
        title="期限测试",
        filing_date=filed,
        grant_date=filed + dt.timedelta(days=200),
        legal_status="valid",
        delay_extension_days=delay,
        drug_extension_days=drug,
        region_rule="none",
    )


@pytest.mark.parametrize(("patent_type", "filed", "days", "last_day"), CASES)
def test_term_end_at_the_boundary(patent_type: str, filed: dt.date, days: int, last_day: dt.date) -> None:
    assert term_end(patent_type, filed, days) == last_day
    assert not term_ended(patent_type, filed, days, last_day)  # protected on its last day
    assert term_ended(patent_type, filed, days, last_day + dt.timedelta(days=1))  # lapsed the day after


def test_term_years_by_type_and_the_2021_design_change() -> None:
    assert term_years("invention", dt.date(2000, 1, 1)) == 20
    assert term_years("utility_model", dt.date(2030, 1, 1)) == 10
    assert term_years("design", dt.date(2021, 5, 31)) == 10
    assert term_years("design", dt.date(2021, 6, 1)) == 15
    with pytest.raises(ValueError, match="未知的专利类型"):
        term_years("plant", dt.date(2021, 6, 1))


@pytest.mark.django_db
@pytest.mark.parametrize(("patent_type", "filed", "days", "last_day"), CASES)
def test_the_database_expression_gives_the_same_day(
    patent_type: str, filed: dt.date, days: int, last_day: dt.date
) -> None:
    # The days split over both kinds of extension when there are any: they add up.
    patent = _patent(patent_type, filed, delay=days // 3 or None, drug=days - days // 3 or None)
    patent.save()
    assert patent.term_end == last_day
    stored = (
        Patent.objects.annotate(end=term_end_expression()).values_list("end", flat=True).get(pk=patent.pk)
    )
    assert stored == last_day
    # valid_at (the drill-downs' rule) holds on the last day and not the day after.
    assert Patent.objects.filter(valid_at(last_day), pk=patent.pk).exists()
    assert not Patent.objects.filter(valid_at(last_day + dt.timedelta(days=1)), pk=patent.pk).exists()


@pytest.mark.django_db
def test_the_expression_follows_a_relation() -> None:
    from ipcity.indicators.models import PatentFact

    patent = _patent("invention", dt.date(2004, 3, 10), delay=10)
    patent.save()
    PatentFact.objects.filter(patent=patent).delete()
    PatentFact.objects.create(
        patent=patent, patent_type="invention", filing_date=patent.filing_date, is_pct=False,
        has_overseas_grant=False, is_sei=False,
    )  # fmt: skip
    end = PatentFact.objects.annotate(end=term_end_expression("patent__")).get(patent=patent).end
    assert end == dt.date(2024, 3, 19)


DATES = st.dates(min_value=dt.date(1985, 4, 1), max_value=dt.date(2040, 12, 31))
# Leap days and the days around them and around 2021-06-01, often: that is where the rules differ.
EDGES = st.sampled_from(
    [dt.date(y, 2, 28) for y in (2000, 2003, 2004, 2020)]
    + [dt.date(y, 2, 29) for y in (1988, 2000, 2004, 2016, 2020, 2024)]
    + [dt.date(y, 3, 1) for y in (2000, 2004, 2019, 2020)]
    + [dt.date(2021, 5, 31), dt.date(2021, 6, 1), dt.date(2021, 6, 2), dt.date(2001, 12, 31)]
)
PATENTS = st.lists(
    st.tuples(
        st.sampled_from(["invention", "utility_model", "design"]),
        st.one_of(DATES, EDGES),
        st.one_of(st.none(), st.integers(0, 7310)),
        st.one_of(st.none(), st.integers(0, 1827)),
    ),
    min_size=1,
    max_size=25,
)


@pytest.mark.django_db
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(PATENTS)
def test_python_and_database_agree_on_generated_dates(
    patents: list[tuple[str, dt.date, int | None, int | None]],
) -> None:
    Patent.objects.all().delete()
    created = Patent.objects.bulk_create(
        [_patent(t, filed, delay, drug) for t, filed, delay, drug in patents]
    )
    ends = dict(Patent.objects.annotate(end=term_end_expression()).values_list("application_number", "end"))
    for patent in created:
        expected = term_end(patent.patent_type, patent.filing_date, patent.extension_days)
        assert ends[patent.application_number] == expected, (patent.patent_type, patent.filing_date)
        assert patent.term_end == expected
    # And the drill-downs' rule on the last day of one of them, and the day after.
    last = created[0].term_end
    for day, valid in ((last, True), (last + dt.timedelta(days=1), False)):
        found = Patent.objects.filter(valid_at(day), pk=created[0].pk).exists()
        assert found == (valid and created[0].grant_date <= day), day  # type: ignore[operator]


def test_a_stale_status_is_recognised_only_for_a_stored_valid() -> None:
    patent = _patent("invention", dt.date(2004, 3, 10))
    assert patent.stale_status_end(dt.date(2024, 3, 9)) is None
    assert patent.stale_status_end(dt.date(2024, 3, 10)) == dt.date(2024, 3, 9)
    patent.legal_status = "expired"
    assert patent.stale_status_end(dt.date(2030, 1, 1)) is None
    patent.legal_status, patent.drug_extension_days = "valid", 365
    assert patent.stale_status_end(dt.date(2024, 3, 10)) is None
    assert patent.stale_status_end(dt.date(2025, 3, 10)) == dt.date(2025, 3, 9)
