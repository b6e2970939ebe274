"""考核评比 on a small hand-checked data set, with its breakdown, ranking and commendations."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from ipcity.core.audit import Actor
from ipcity.supervision import services
from ipcity.supervision.assessment import Line, Score, assess, assessment_workbook
from ipcity.supervision.choices import RuleKind
from ipcity.supervision.models import ProgressReport
from ipcity.supervision.selectors import RULE_FILES

from .conftest import at

CLI = Actor.cli("test")


def file(milestone, day: str, period: str, percent) -> ProgressReport:
    return services.submit_report(
        milestone,
        period_code=period,
        percent_complete=percent,
        narrative="进展",
        actor=CLI,
        at=at(day),
        recompute=False,
    )


@pytest.fixture
def year_2023(make_milestone):
    # Each milestone: 2023-01-01 .. 2023-04-11, quarterly (Q1 report due 04-05, Q2 due 04-16).
    finance = make_milestone()
    file(finance, "2023-03-31", "2023-Q1", 80)
    file(finance, "2023-04-10", "2023-Q2", 100)  # complete by its due date
    commerce = make_milestone(department="市商务局", position=2, title="商务局节点")
    late = file(commerce, "2023-04-08", "2023-Q1", 50)  # 3 days late
    services.return_report(late, comment="材料不全", actor=CLI, at=at("2023-04-09"), recompute=False)
    file(commerce, "2023-04-10", "2023-Q1", 50)  # never completed
    zhifu = make_milestone("P3.S2", department="各区市局", region="芝罘区", title="芝罘区节点")
    file(zhifu, "2023-04-01", "2023-Q1", 100)  # complete early: no Q2 report needed
    services.recompute_flags(as_of=dt.date(2023, 12, 31), actor=CLI)


def line(score: Score, key: str) -> Line:
    found = score.line(key)
    assert found is not None, key
    return found


def breakdown(score) -> dict[str, Decimal]:
    return {line.key: line.points for line in score.lines}


@pytest.mark.django_db
def test_scores_by_hand(year_2023) -> None:
    a = assess(2023, as_of=dt.date(2024, 3, 1))
    assert a.evaluated_on == dt.date(2023, 12, 31)
    finance, commerce = a.departments
    # 市财政局: 100 % done (60), reports and milestone on time 3/3 (40). Flags: yellow 01-11 (10 points
    # behind), red 02-01 (31 behind), blue 03-31 (80 % vs 89 %: 9 behind, 11 days to due), yellow
    # 04-01 (80 % vs 90 %), done 04-10: two yellows (−2), one red (−2); blue costs nothing.
    assert (finance.name, finance.rank, finance.total) == ("市财政局", 1, Decimal("96.00"))
    assert breakdown(finance) == {
        "completion": Decimal("60.00"),
        "timeliness": Decimal("40.00"),
        "indicators": Decimal("0.00"),
        "flag_yellow": Decimal("-2.00"),
        "flag_red": Decimal("-2.00"),
    }
    assert line(finance, "timeliness").basis.startswith("按时 3 / 到期 3")
    # 市商务局: 50 % (30), late report, missing Q2, not done by due: 0/3 (0); returned once (−1); −3 flags.
    assert (commerce.name, commerce.rank, commerce.total) == ("市商务局", 2, Decimal("26.00"))
    assert breakdown(commerce)["returned"] == Decimal("-1.00")
    assert line(commerce, "timeliness").basis.startswith("按时 0 / 到期 3")
    (zhifu,) = a.regions
    assert (zhifu.name, zhifu.total) == ("芝罘区", Decimal("97.00"))
    assert line(zhifu, "timeliness").basis.startswith("按时 2 / 到期 2")
    assert [s.name for s in a.commendations()] == ["市财政局", "芝罘区"]  # ≥ 80 points


@pytest.mark.django_db
def test_nothing_due_yet_shares_the_weight_out(year_2023) -> None:
    a = assess(2023, as_of=dt.date(2023, 2, 1))
    finance = a.departments[0]
    # Before any report fell due, completion carries the whole 100 points.
    assert line(finance, "timeliness").points == Decimal("0.00")
    assert "权重按比例分配" in line(finance, "timeliness").basis
    assert line(finance, "completion").points == Decimal("0.00")  # nothing reported on 2023-02-01


@pytest.mark.django_db
def test_weights_are_configuration(year_2023) -> None:
    text = RULE_FILES[RuleKind.ASSESSMENT].read_text(encoding="utf-8").replace("red: 2", "red: 5")
    services.save_rule_set(RuleKind.ASSESSMENT, text=text, actor=CLI, note="红牌扣5分")
    finance = assess(2023, as_of=dt.date(2023, 12, 31)).departments[0]
    assert finance.total == Decimal("93.00") and breakdown(finance)["flag_red"] == Decimal("-5.00")


@pytest.mark.django_db
def test_excel_and_cli(year_2023, tmp_path) -> None:
    wb = assessment_workbook(assess(2023, as_of=dt.date(2023, 12, 31)))
    assert wb.sheetnames == ["2023年部门考核", "2023年区市考核", "表彰名单"]
    rows = [tuple(c.value for c in r) for r in wb["2023年部门考核"].iter_rows(min_row=2)]
    assert [(r[0], r[1], r[8]) for r in rows] == [(1, "市财政局", 96.0), (2, "市商务局", 26.0)]
    path = tmp_path / "a.xlsx"
    call_command("supervision", "assess", "--year", "2023", "-o", str(path), stdout=io.StringIO())
    assert load_workbook(path)["表彰名单"]["C2"].value == "市财政局"
    out = io.StringIO()
    call_command("supervision", "assess", "--year", "2023", stdout=out)
    assert "1. 市财政局 96.00" in out.getvalue()


@pytest.mark.django_db
def test_penalties_are_averaged_over_a_units_milestones(year_2023, make_milestone) -> None:
    second = make_milestone(department="市商务局", position=3, title="商务局第二节点")
    file(second, "2023-01-05", "2023-Q1", 100)  # done at once: no flags, nothing late
    services.recompute_flags(as_of=dt.date(2023, 12, 31), actor=CLI)
    commerce = next(s for s in assess(2023, as_of=dt.date(2023, 12, 31)).departments if s.name == "市商务局")
    # Same −1 return and −3 flags as before, now shared by two milestones.
    assert breakdown(commerce)["returned"] == Decimal("-0.50")
    assert breakdown(commerce)["flag_yellow"] + breakdown(commerce)["flag_red"] == Decimal("-1.50")
    assert line(commerce, "flag_red").basis == "红牌 1 次 × −2 ÷ 2 个节点"
    text = (
        RULE_FILES[RuleKind.ASSESSMENT]
        .read_text(encoding="utf-8")
        .replace("basis: per_milestone", "basis: total")
    )
    services.save_rule_set(RuleKind.ASSESSMENT, text=text, actor=CLI, note="扣分不平均")
    commerce = next(s for s in assess(2023, as_of=dt.date(2023, 12, 31)).departments if s.name == "市商务局")
    assert breakdown(commerce)["returned"] == Decimal("-1.00")


@pytest.mark.django_db
def test_indicator_achievement_counts_once_a_source_is_registered(year_2023) -> None:
    from ipcity.supervision import assessment

    text = RULE_FILES[RuleKind.ASSESSMENT].read_text(encoding="utf-8")
    text = text.replace("completion: 60", "completion: 50").replace("indicators: 0", "indicators: 10")
    services.save_rule_set(RuleKind.ASSESSMENT, text=text, actor=CLI, note="启用指标达成")
    # Without a source the 10 points are shared out: 市财政局 still gets the full 100 before penalties.
    assert assess(2023, as_of=dt.date(2023, 12, 31)).departments[0].total == Decimal("96.00")
    registered = assessment._indicator_source  # the indicators module's, restored afterwards
    assessment.set_indicator_source(
        lambda kind, code, year, on: (Decimal("0.5"), "达标 1/2") if code == "finance" else None
    )
    try:
        finance = assess(2023, as_of=dt.date(2023, 12, 31)).departments[0]
    finally:
        assessment.set_indicator_source(registered)
    assert (
        line(finance, "indicators").points == Decimal("5.00")
        and line(finance, "indicators").basis == "达标 1/2"
    )
    assert finance.total == Decimal("91.00")  # 50 + 40 + 5 − 4
