"""What waits for a responsible unit and for the office (the desk's supervision selectors): reports to
file (due soon, overdue, returned), reports to review, open 督办单 and the flags in force."""

from __future__ import annotations

import datetime as dt

import pytest

from ipcity.core.audit import Actor
from ipcity.supervision import selectors, services
from ipcity.supervision.models import ProgressReport

from .conftest import at

pytestmark = pytest.mark.django_db
D = dt.date.fromisoformat


def due_list(user, day: str) -> list[tuple[str, str, int, bool]]:
    return [
        (r.milestone.title, r.period.code, r.days_left, r.returned)
        for r in selectors.reports_to_file(user, D(day))
    ]


def file(milestone, period: str, percent: str, day: str, user) -> ProgressReport:
    return services.submit_report(
        milestone,
        period_code=period,
        percent_complete=percent,
        narrative="进展顺利。",
        actor=Actor.web(user),
        at=at(day),
    )


def test_a_period_is_listed_from_fifteen_days_before_its_report_is_due(personas, make_milestone) -> None:
    # Quarterly, 2023-01-01 .. 2023-12-31: the first quarter's report is due on 2023-04-05.
    make_milestone(start="2023-01-01", due="2023-12-31", title="全年节点")
    assert due_list(personas.liaison, "2023-03-20") == []  # 16 days before
    assert due_list(personas.liaison, "2023-03-21") == [("全年节点", "2023-Q1", 15, False)]
    assert due_list(personas.liaison, "2023-04-05") == [("全年节点", "2023-Q1", 0, False)]
    assert due_list(personas.liaison, "2023-04-06") == [("全年节点", "2023-Q1", -1, False)]
    # Two quarters later both are overdue, the earliest first; the third is not due yet.
    assert due_list(personas.liaison, "2023-07-20") == [
        ("全年节点", "2023-Q1", -106, False),
        ("全年节点", "2023-Q2", -15, False),
    ]


def test_filing_removes_the_period_and_a_later_report_carries_the_earlier_ones(
    personas, make_milestone
) -> None:
    m = make_milestone(start="2023-01-01", due="2023-12-31", title="全年节点")
    file(m, "2023-Q2", "40", "2023-07-10", personas.liaison)
    # Q1 was never reported, but the Q2 report carries the progress (最多报一次): nothing is asked.
    assert due_list(personas.liaison, "2023-07-20") == []
    assert due_list(personas.liaison, "2023-09-20") == [("全年节点", "2023-Q3", 15, False)]


def test_a_returned_report_is_listed_until_filed_again(personas, make_milestone) -> None:
    m = make_milestone(start="2023-01-01", due="2023-12-31", title="全年节点")
    report = file(m, "2023-Q1", "30", "2023-04-02", personas.liaison)
    assert due_list(personas.liaison, "2023-04-10") == []
    services.return_report(
        report, comment="请补充佐证材料。", actor=Actor.web(personas.admin), at=at("2023-04-03")
    )
    assert due_list(personas.liaison, "2023-04-10") == [("全年节点", "2023-Q1", -5, True)]
    file(m, "2023-Q1", "30", "2023-04-11", personas.liaison)
    assert due_list(personas.liaison, "2023-04-12") == []


def test_a_complete_milestone_and_periods_not_started_ask_for_nothing(personas, make_milestone) -> None:
    done = make_milestone(start="2023-01-01", due="2023-04-11", title="已完成节点")
    file(done, "2023-Q1", "100", "2023-03-30", personas.liaison)
    # Its second period (2023-04-01 .. 04-11) would be due on 04-16: complete, it is not asked for.
    assert due_list(personas.liaison, "2023-04-12") == []
    make_milestone("P1.S2", position=2, start="2023-07-28", due="2023-07-31", title="短期节点")
    assert due_list(personas.liaison, "2023-07-25") == []  # due on 08-05, but not yet started
    assert due_list(personas.liaison, "2023-07-28") == [("短期节点", "2023-Q3", 8, False)]


def test_each_unit_sees_only_the_reports_it_files(personas, make_milestone) -> None:
    make_milestone(start="2023-01-01", due="2023-12-31", title="财政局节点")
    make_milestone("P3.S2", department="各区市局", region="芝罘区", start="2023-01-01", due="2023-12-31",
                   title="芝罘区节点")  # fmt: skip
    make_milestone("P3.S2", department="各区市局", region="莱山区", position=2, start="2023-01-01",
                   due="2023-12-31", title="莱山区节点")  # fmt: skip
    day = "2023-04-06"
    assert [t for t, *_ in due_list(personas.liaison, day)] == ["财政局节点"]
    assert [t for t, *_ in due_list(personas.district_a, day)] == ["芝罘区节点"]
    assert [t for t, *_ in due_list(personas.district_b, day)] == ["莱山区节点"]
    for user in (personas.liaison_other, personas.admin, personas.enterprise_a, personas.agency):
        assert due_list(user, day) == []  # the office reviews, it does not report


def test_the_list_costs_three_queries_whatever_the_number_of_milestones(
    personas, make_milestone, django_assert_num_queries
) -> None:
    for position in range(1, 6):
        make_milestone(position=position, start="2023-01-01", due="2023-12-31", title=f"节点{position}")
    selectors.flag_rule_book()  # the stored rules, read once the first time
    with django_assert_num_queries(3):  # the rules, the milestones, their reports
        assert len(selectors.reports_to_file(personas.liaison, D("2023-04-06"))) == 5


def test_reports_to_review_escalations_and_flags_are_scoped(personas, make_milestone) -> None:
    office = Actor.web(personas.admin)
    finance = make_milestone(start="2023-01-01", due="2023-04-11", title="财政局节点", key=True)
    zhifu = make_milestone("P3.S2", department="各区市局", region="芝罘区", start="2023-01-01",
                           due="2023-04-11", title="芝罘区节点", key=True)  # fmt: skip
    report = file(finance, "2023-Q1", "20", "2023-03-01", personas.liaison)
    assert list(selectors.reports_to_review(personas.admin)) == [report]
    for user in (personas.liaison, personas.district_a, personas.enterprise_a):
        assert list(selectors.reports_to_review(user)) == []
    services.accept_report(report, actor=office, at=at("2023-03-02"))
    assert list(selectors.reports_to_review(personas.admin)) == []

    # Nothing more is reported: both turn red, and a 督办单 is issued for each (key projects).
    services.recompute_flags(as_of=D("2023-05-01"), actor=office)
    red = {f.milestone.title for f in selectors.flags_in_force(personas.admin, D("2023-05-01"), "red")}
    assert red == {"财政局节点", "芝罘区节点"}
    assert selectors.most_severe_colour(D("2023-05-01")) == ("red", "红")
    assert [
        f.milestone.title for f in selectors.flags_in_force(personas.district_a, D("2023-05-01"), "red")
    ] == ["芝罘区节点"]
    assert {e.milestone.title for e in selectors.open_escalations(personas.admin)} == {
        "财政局节点",
        "芝罘区节点",
    }
    assert [e.milestone.title for e in selectors.open_escalations(personas.liaison)] == ["财政局节点"]
    assert [e.milestone.title for e in selectors.open_escalations(personas.district_a)] == ["芝罘区节点"]
    assert list(selectors.open_escalations(personas.district_b)) == []
    escalation = selectors.open_escalations(personas.district_a).get()
    services.record_follow_up(escalation, kind="rectified", on=D("2023-05-10"), note="已整改。", actor=office)
    assert list(selectors.open_escalations(personas.district_a)) == []
    assert zhifu.pk  # the district's milestone stays flagged until it reports
