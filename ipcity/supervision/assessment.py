"""考核评比: yearly scores per department and per district from configurable weights.

Score = Σ weight × ratio over the components that can be measured (the weights of those that
cannot yet — nothing fell due, no indicator data — are shared out in proportion), minus penalties
for returned reports and for flags raised in the year. Every score keeps its breakdown.
Rankings are for the city office only (views check permissions.can_view_assessment).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from openpyxl import Workbook

from ipcity.lib.excel import BORDER, WRAP, set_widths, write_cell, write_header
from ipcity.supervision import engine, selectors
from ipcity.supervision.choices import ReviewDecision
from ipcity.supervision.models import FlagRecord, Milestone, ReportReview, ReportVersion
from ipcity.supervision.rules import AssessmentRules

CENT = Decimal("0.01")

# 指标达成: the indicators module (a sibling app) registers a function here at start-up; until
# then the component is unmeasured and its weight is shared out. The function gets
# (unit kind "department"|"region", unit code, year, evaluated_on) and returns (ratio 0..1, basis
# text) or None when it has nothing for that unit.
IndicatorSource = Callable[[str, str, int, dt.date], "tuple[Decimal, str] | None"]
_indicator_source: IndicatorSource | None = None


def set_indicator_source(source: IndicatorSource | None) -> None:
    global _indicator_source
    _indicator_source = source


COMPONENT_LABELS = {"completion": "完成进度", "timeliness": "按时率", "indicators": "指标达成"}


def _q(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass
class Line:
    key: str
    label: str
    basis: str
    weight: Decimal | None
    points: Decimal


@dataclass
class Score:
    kind: str  # "department" | "region"
    code: str
    name: str
    year: int
    milestones: int
    lines: list[Line] = field(default_factory=list)
    total: Decimal = Decimal(0)
    rank: int = 0

    def line(self, key: str) -> Line | None:
        return next((line for line in self.lines if line.key == key), None)


@dataclass
class Assessment:
    year: int
    as_of: dt.date
    evaluated_on: dt.date
    rules: AssessmentRules
    departments: list[Score]
    regions: list[Score]
    colour_labels: dict[str, str] = field(default_factory=dict)  # flag colour code → 红/黄/蓝

    @property
    def rules_text(self) -> str:
        """How the scores are counted, in the words of the page (计分：完成进度 60 分，…)."""
        rules = self.rules
        # In the page's order (a JSON column on PostgreSQL keeps no key order): the components as
        # COMPONENT_LABELS lists them, the colours as the flag rules do (most severe first).
        weights = "，".join(f"{label} {rules.weights[k]} 分" for k, label in COMPONENT_LABELS.items())
        order = [*self.colour_labels, *sorted(set(rules.flag_penalties) - set(self.colour_labels))]
        flags = "，".join(
            f"{self.colour_labels.get(k, k)}牌每次扣 {rules.flag_penalties[k]} 分"
            for k in order
            if k in rules.flag_penalties
        )
        average = "（扣分按单位节点数平均）" if rules.penalty_basis == "per_milestone" else ""
        return (
            f"计分：{weights}；每次报告退回扣 {rules.returned_penalty} 分"
            + (f"；{flags}" if flags else "")
            + f"{average}（{rules.name}）。"
        )

    def commendations(self) -> list[Score]:
        """The best `top` of each kind whose score reaches `min_score` (表彰名单)."""
        out: list[Score] = []
        for scores in (self.departments, self.regions):
            out.extend(
                s
                for s in scores[: self.rules.commendation_top]
                if s.total >= self.rules.commendation_min_score
            )
        return out


def assess(year: int, *, as_of: dt.date) -> Assessment:
    """Scores of every department and district with milestones in `year`, as known on `as_of`
    (evaluated on the earlier of as_of and 31 December of the year)."""
    evaluated_on = min(as_of, dt.date(year, 12, 31))
    rules = selectors.assessment_rules_at(evaluated_on)
    book = selectors.flag_rule_book()
    flag_rules = book.at(evaluated_on)
    milestones = list(Milestone.objects.filter(year=year, start__lte=evaluated_on).with_plan())
    facts = selectors.facts_for(milestones)
    first_submission: dict[tuple[int, str], dt.date] = {}
    for milestone_id, code, at in ReportVersion.objects.filter(report__milestone__in=milestones).values_list(
        "report__milestone_id", "report__period_code", "submitted_at"
    ):
        day = selectors.local_date(at)
        key = (milestone_id, code)
        first_submission[key] = min(first_submission.get(key, day), day)
    returned: dict[int, int] = defaultdict(int)
    for milestone_id, at in ReportReview.objects.filter(
        report__milestone__in=milestones, decision=ReviewDecision.RETURNED
    ).values_list("report__milestone_id", "reviewed_at"):
        if selectors.local_date(at) <= evaluated_on:
            returned[milestone_id] += 1
    flags: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for milestone_id, colour in FlagRecord.objects.filter(
        milestone__in=milestones, since__lte=evaluated_on
    ).values_list("milestone_id", "colour"):
        flags[milestone_id][colour] += 1

    groups: dict[tuple[str, str, str], list[Milestone]] = defaultdict(list)
    for m in milestones:
        if m.region_id and m.region:
            groups[("region", m.region.code, m.region.name)].append(m)
        else:
            groups[("department", m.department.code, m.department.name)].append(m)

    colour_labels = {c.code: c.label for c in flag_rules.colours}
    scores: dict[str, list[Score]] = {"department": [], "region": []}
    for (kind, code, name), items in groups.items():
        score = Score(kind, code, name, year, len(items))
        percents, on_time, fell_due = [], 0, 0
        for m in items:
            f = facts[m.pk]
            state = engine.state_at(f, evaluated_on, flag_rules)
            percents.append(state.percent)
            for period in f.periods:
                due = period.report_due(flag_rules)
                if due > evaluated_on or engine.state_at(f, period.start, flag_rules).complete:
                    continue  # not yet due, or no report needed once the milestone was complete
                fell_due += 1
                filed = first_submission.get((m.pk, period.code))
                if filed is not None and filed <= due:
                    on_time += 1
            if m.due < evaluated_on:
                fell_due += 1
                if engine.state_at(f, m.due, flag_rules).complete:
                    on_time += 1
        mean = sum(percents, Decimal(0)) / len(percents)
        ratios: dict[str, tuple[Decimal | None, str]] = {
            "completion": (mean / 100, f"平均完成进度 {_q(mean)}%（{len(items)} 个节点）"),
            "timeliness": (
                (
                    Decimal(on_time) / fell_due,
                    f"按时 {on_time} / 到期 {fell_due}（报告按时报送、节点按期完成）",
                )
                if fell_due
                else (None, "尚无到期事项，权重按比例分配")
            ),
            "indicators": _indicators(kind, code, year, evaluated_on),
        }
        measured = {k: r for k, (r, _b) in ratios.items() if r is not None}
        measured_weight = sum((rules.weights[k] for k in measured), Decimal(0))
        all_weight = sum(rules.weights.values(), Decimal(0))
        scale = all_weight / measured_weight if measured_weight else Decimal(0)
        total = Decimal(0)
        for component, (ratio, basis) in ratios.items():
            weight = rules.weights[component]
            points = _q(weight * ratio * scale) if ratio is not None else Decimal("0.00")
            total += points
            score.lines.append(Line(component, COMPONENT_LABELS[component], basis, weight, points))
        per = Decimal(len(items)) if rules.penalty_basis == "per_milestone" else Decimal(1)
        per_text = f" ÷ {len(items)} 个节点" if rules.penalty_basis == "per_milestone" else ""
        returns = sum(returned[m.pk] for m in items)
        if returns:
            points = _q(-rules.returned_penalty * returns / per)
            total += points
            score.lines.append(
                Line(
                    "returned",
                    "报告退回",
                    f"退回 {returns} 次 × −{rules.returned_penalty}{per_text}",
                    None,
                    points,
                )
            )
        for colour, penalty in rules.flag_penalties.items():
            count = sum(flags[m.pk].get(colour, 0) for m in items)
            if count:
                points = _q(-penalty * count / per)
                total += points
                label = colour_labels.get(colour, colour)
                score.lines.append(
                    Line(
                        f"flag_{colour}",
                        f"{label}牌",
                        f"{label}牌 {count} 次 × −{penalty}{per_text}",
                        None,
                        points,
                    )
                )
        score.total = _q(total)
        scores[kind].append(score)
    for kind_scores in scores.values():
        kind_scores.sort(key=lambda s: (-s.total, s.name))
        for index, s in enumerate(kind_scores):
            s.rank = (
                kind_scores[index - 1].rank
                if index and kind_scores[index - 1].total == s.total
                else index + 1
            )
    return Assessment(year, as_of, evaluated_on, rules, scores["department"], scores["region"], colour_labels)


def _indicators(kind: str, code: str, year: int, on: dt.date) -> tuple[Decimal | None, str]:
    found = _indicator_source(kind, code, year, on) if _indicator_source is not None else None
    if found is None:
        return None, "指标模块尚未提供数据，暂不计分"
    ratio, basis = found
    return min(Decimal(1), max(Decimal(0), ratio)), basis


def assessment_workbook(assessment: Assessment) -> Workbook:
    wb = Workbook()
    first = wb.active
    assert first is not None
    wb.remove(first)
    headers = [
        "名次",
        "单位",
        "节点数",
        "完成进度",
        "按时率",
        "指标达成",
        "退回扣分",
        "标记扣分",
        "总分",
        "计分说明",
    ]
    for title, scores in (("部门", assessment.departments), ("区市", assessment.regions)):
        ws = wb.create_sheet(f"{assessment.year}年{title}考核")
        write_header(ws, 1, headers)
        for line_no, s in enumerate(scores, start=2):
            flags_points = sum((line.points for line in s.lines if line.key.startswith("flag_")), Decimal(0))
            returned = s.line("returned")
            values = [
                s.rank,
                s.name,
                s.milestones,
                *[
                    float(line.points) if (line := s.line(k)) else 0.0
                    for k in ("completion", "timeliness", "indicators")
                ],
                float(returned.points) if returned else 0.0,
                float(flags_points),
                float(s.total),
                "；".join(f"{line.label}：{line.basis}" for line in s.lines),
            ]
            for col, value in enumerate(values, start=1):
                cell = write_cell(ws, line_no, col, value)
                cell.border = BORDER
                cell.alignment = WRAP
        set_widths(ws, [6, 18, 8, 10, 10, 10, 10, 10, 10, 80])
        ws.freeze_panes = "A2"
    ws = wb.create_sheet("表彰名单")
    write_header(ws, 1, ["类别", "名次", "单位", "总分"])
    for line_no, s in enumerate(assessment.commendations(), start=2):
        for col, value in enumerate(
            ["部门" if s.kind == "department" else "区市", s.rank, s.name, float(s.total)], start=1
        ):
            write_cell(ws, line_no, col, value).border = BORDER
    set_widths(ws, [8, 6, 20, 10])
    return wb
