"""演示数据（合成）: the annual decomposition of all 38 rows for 2022–2024 and a plausible,
clearly synthetic progress history, so the supervision pages are alive from the first `make run`.

Everything is written through supervision.services (reports back-dated with `at=`), so the audit
log, flag history and 督办单 come out exactly as real use would produce them. Deterministic (a
hash of each milestone's key drives its profile) and idempotent: a second load adds nothing.
Narratives say （演示）; the data set is marked as demo, which shows the 演示数据 banner.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.db import transaction

from ipcity.accounts.models import User
from ipcity.core.audit import Actor
from ipcity.core.models import Department, Region
from ipcity.core.services import mark_dataset
from ipcity.plans.choices import TargetPeriod
from ipcity.plans.models import Row, Target
from ipcity.plans.selectors import find_current_plan
from ipcity.supervision import engine, services
from ipcity.supervision.choices import FollowUpKind, ReportFrequency, ReportStatus
from ipcity.supervision.models import Escalation, Milestone, ProgressReport

SHANGHAI = ZoneInfo("Asia/Shanghai")
YEARS = (2022, 2023, 2024)
DEMO_END = dt.date(2024, 12, 31)
# 重点项目 of the demo: the stage-1 focus (高价值专利培育中心) and a few flagship rows; reported monthly.
KEY_ROWS = ("P1.S4", "P2.S2.R2", "P3.S3.R2", "P5.S4", "P6.S1.R1", "P7.S1")
# Countable targets of the plan and the row that carries them (annual ones every year,
# end-of-plan and cumulative ones in 2024).
ROW_TARGETS = {
    "P2.S2.R2": ("hv_patent_cultivation_centres", "hv_patent_portfolios"),
    "P3.S2": ("patent_retention_key_projects",),
    "P3.S3.R1": ("ip_operation_fund_size",),
    "P4.S1": ("city_advantage_enterprises_rated_annual",),
    "P5.S3": ("industry_operation_centres",),
    "P6.S3": ("comprehensive_service_agencies",),
    "P7.S1": ("ip_training_person_times",),
}
DISTRICTS = ("芝罘区", "莱山区", "福山区", "龙口市")
REPORTERS = {"市市场监管局": "liaison-amr", "市财政局": "liaison-finance", "市法院": "liaison-court"}
DISTRICT_REPORTERS = {"芝罘区": "district-zhifu", "莱山区": "district-laishan"}
RETURN_COMMENTS = (
    "佐证材料不全，请补充相关文件后重新报送。",
    "完成量与附件数据不一致，请核实后重新报送。",
    "进展情况过于笼统，请补充具体措施和成效。",
)


def _hash(*parts: object) -> int:
    return int(hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest()[:8], 16)


def _short(text: str) -> str:
    for mark in ("。", "；", "，"):
        text = text.split(mark)[0]
    return text[:40]


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=SHANGHAI)


@dataclass
class Spec:
    row: Row
    year: int
    position: int
    values: dict[str, Any]


def _specs(
    rows: list[Row],
    targets: dict[str, Target],
    departments: dict[str, Department],
    regions: dict[str, Region],
) -> list[Spec]:
    specs = []
    for row in rows:
        names = [a.department.name for a in sorted(row.assignments.all(), key=lambda a: a.position)]
        short = _short(row.text)
        for year in YEARS:
            start = dt.date(2022, 3, 1) if year == 2022 else dt.date(year, 1, 1)
            due = dt.date(year, 12, 31)
            position = 1
            row_targets = [targets[c] for c in ROW_TARGETS.get(row.code, ()) if c in targets]
            quantitative = [t for t in row_targets if t.period == TargetPeriod.ANNUAL or year == 2024]
            lead = departments[names[0]]
            if not quantitative:
                specs.append(
                    Spec(
                        row,
                        year,
                        position,
                        {
                            "title": f"{short}（{year}年度）",
                            "start": start,
                            "due": due,
                            "department": lead,
                            "deliverable": f"{year}年度工作总结及佐证材料",
                        },
                    )
                )
                position += 1
            for target in quantitative:
                specs.append(
                    Spec(
                        row,
                        year,
                        position,
                        {
                            "title": f"{target.name}（{year}年度）",
                            "start": start,
                            "due": due,
                            "department": lead,
                            "target": target,
                            "comparison": target.comparison,
                            "target_value": target.value,
                            "target_min": target.min_value,
                            "target_max": target.max_value,
                            "unit": target.unit,
                        },
                    )
                )
                position += 1
            if "市财政局" in names[1:]:
                specs.append(
                    Spec(
                        row,
                        year,
                        position,
                        {
                            "title": f"资金保障：{short}",
                            "start": start,
                            "due": dt.date(year, 6, 30) if year > 2022 else dt.date(2022, 9, 30),
                            "department": departments["市财政局"],
                            "deliverable": "专项资金拨付文件",
                        },
                    )
                )
                position += 1
            if "市法院" in names[1:]:
                specs.append(
                    Spec(
                        row,
                        year,
                        position,
                        {
                            "title": f"司法协同：{short}",
                            "start": start,
                            "due": dt.date(year, 11, 30),
                            "department": departments["市法院"],
                            "deliverable": "案件审理及协作情况报告",
                        },
                    )
                )
                position += 1
            if "各区市局" in names:
                for name in DISTRICTS:
                    specs.append(
                        Spec(
                            row,
                            year,
                            position,
                            {
                                "title": f"{name}：{short}",
                                "start": start,
                                "due": due,
                                "department": departments["各区市局"],
                                "region": regions[name],
                                "deliverable": "区市工作台账",
                            },
                        )
                    )
                    position += 1
    return specs


def _profile(milestone: Milestone) -> tuple[str, int]:
    """ahead 55 % · lagging 20 % · late 13 % · silent (misses reports) 6 % · returned 6 %."""
    roll = _hash(milestone.row.code, milestone.year, milestone.position, "profile") % 100
    profile = (
        "ahead"
        if roll < 55
        else "lagging"
        if roll < 75
        else "late"
        if roll < 88
        else "silent"
        if roll < 94
        else "returned"
    )
    return profile, _hash(milestone.pk, milestone.row.code, "seed")


def _percent(milestone: Milestone, day: dt.date, delta: int) -> Decimal:
    span = max((milestone.due - milestone.start).days, 1)
    elapsed = Decimal(max(0, (day - milestone.start).days)) * 100 / span
    return min(Decimal(99), max(Decimal(0), (elapsed + delta).quantize(Decimal(1), rounding=ROUND_HALF_UP)))


def _actual(milestone: Milestone, percent: Decimal) -> Decimal | None:
    if not milestone.comparison:
        return None
    reference = milestone.target_max if milestone.comparison == "range" else milestone.target_value
    if reference is None:
        return None
    if milestone.comparison == "<=":
        reference = reference * Decimal("0.8")
    value = reference * percent / 100
    return value.quantize(Decimal(1) if reference >= 10 else Decimal("0.1"), rounding=ROUND_HALF_UP)


def _history(milestone: Milestone, reporter: Actor, office: Actor) -> int:
    """File the milestone's synthetic reports (skipping periods already reported). Returns count."""
    profile, seed = _profile(milestone)
    periods = engine.reporting_periods(milestone.start, milestone.due, milestone.frequency)
    existing = set(ProgressReport.objects.filter(milestone=milestone).values_list("period_code", flat=True))
    # Points ahead of 序时进度 at each report: a quarter is 25 points of a year, so a unit that
    # reports quarterly must be well ahead to stay unflagged until its next report.
    if milestone.frequency == ReportFrequency.MONTHLY:
        deltas = {
            "ahead": 9 + seed % 5,
            "lagging": -(3 + seed % 5),
            "late": -(22 + seed % 9),
            "silent": 10,
            "returned": 10,
        }
    else:
        deltas = {
            "ahead": 26 + seed % 8,
            "lagging": 4 + seed % 6,
            "late": -(10 + seed % 8),
            "silent": 28,
            "returned": 27,
        }
    delta = deltas[profile]
    silent_from = 1 + seed % max(1, len(periods) - 3)
    late_days = {"late": 30 + seed % 70, "lagging": (seed % 3) * 12}.get(profile, 0)
    completion = (
        milestone.due + dt.timedelta(days=late_days) if late_days else milestone.due - dt.timedelta(days=3)
    )
    written = 0
    for index, period in enumerate(periods):
        if period.code in existing:
            continue
        last = index == len(periods) - 1
        if profile == "silent" and silent_from <= index < silent_from + 2 and not last:
            continue
        offset = 1 + (seed + index) % 5 if profile != "lagging" or index % 3 else 6 + (seed + index) % 7
        day = period.end + dt.timedelta(days=offset)
        if last:
            day = (
                min(completion, DEMO_END)
                if completion <= milestone.due
                else min(period.end + dt.timedelta(days=offset), DEMO_END)
            )
            day = max(day, period.start)
        if day > DEMO_END:
            break
        percent = (
            Decimal(100)
            if last and completion <= milestone.due and day >= completion
            else _percent(milestone, day, delta)
        )
        narrative = f"（演示）{period.label}：{milestone.title}{'已完成' if percent == 100 else '按计划推进'}，累计完成{percent}%。"
        report = services.submit_report(
            milestone,
            period_code=period.code,
            percent_complete=percent,
            actual_value=_actual(milestone, percent),
            narrative=narrative,
            actor=reporter,
            at=_at(day),
            recompute=False,
        )
        written += 1
        returned = (profile == "returned" and index == 1) or (seed + index * 7) % 17 == 0
        if returned and not last and day + dt.timedelta(days=8) <= DEMO_END:
            services.return_report(
                report,
                comment=RETURN_COMMENTS[(seed + index) % 3],
                actor=office,
                at=_at(day + dt.timedelta(days=3), 15),
                recompute=False,
            )
            services.submit_report(
                milestone,
                period_code=period.code,
                percent_complete=percent,
                actual_value=_actual(milestone, percent),
                narrative=narrative + "（已按退回意见补充佐证材料）",
                actor=reporter,
                at=_at(day + dt.timedelta(days=6)),
                recompute=False,
            )
        if last and completion > milestone.due and completion <= DEMO_END:
            # Finished late: the final period's report is brought to 100 % on the completion day.
            services.submit_report(
                milestone,
                period_code=period.code,
                percent_complete=100,
                actual_value=_actual(milestone, Decimal(100)),
                narrative=f"（演示）{milestone.title}已完成（逾期 {late_days} 天）。",
                actor=reporter,
                at=_at(completion),
                recompute=False,
            )
        report.refresh_from_db()
        if report.percent_complete == 100 and report.status == ReportStatus.SUBMITTED:
            accept_day = selectors_local(report.submitted_at) + dt.timedelta(days=2)
            if accept_day <= DEMO_END:
                services.accept_report(
                    report,
                    comment="（演示）验收通过。",
                    actor=office,
                    at=_at(accept_day, 16),
                    recompute=False,
                )
    return written


def selectors_local(moment: dt.datetime) -> dt.date:
    return moment.astimezone(SHANGHAI).date()


def _follow_ups(office: Actor) -> None:
    for escalation in Escalation.objects.filter(follow_ups__isnull=True).select_related("flag"):
        if escalation.raised_on + dt.timedelta(days=7) > DEMO_END:
            continue
        services.record_follow_up(
            escalation,
            kind=FollowUpKind.INTERVIEW,
            on=escalation.raised_on + dt.timedelta(days=3),
            note="（演示）约谈责任单位分管负责人，督促制定整改措施。",
            actor=office,
        )
        services.record_follow_up(
            escalation,
            kind=FollowUpKind.EXPLANATION,
            on=escalation.raised_on + dt.timedelta(days=7),
            note="（演示）收到责任单位书面说明及整改计划。",
            actor=office,
        )
        ended = escalation.flag.until if escalation.flag else None
        if ended is not None and ended <= DEMO_END and ended >= escalation.raised_on + dt.timedelta(days=7):
            services.record_follow_up(
                escalation,
                kind=FollowUpKind.RECTIFIED,
                on=ended,
                note="（演示）整改到位，进度已恢复。",
                actor=office,
            )


@transaction.atomic
def load_supervision_demo(*, actor: Actor) -> None:
    """Milestones for all 38 rows × 2022–2024 and a synthetic progress history (idempotent).

    Needs the plan, the reference data and the demo accounts (data/demo/accounts.yaml) loaded.
    """
    plan = find_current_plan()
    if plan is None:
        raise ValueError("工作方案尚未载入：请先运行 ipcity plan load")
    services.seed_rules(actor=actor)
    rows = list(
        Row.objects.filter(plan=plan)
        .prefetch_related("assignments__department")
        .order_by("section__programme__position", "section__position", "position")
    )
    for row in rows:
        if row.code in KEY_ROWS:
            services.set_row_setting(
                row, is_key_project=True, report_frequency=ReportFrequency.MONTHLY, actor=actor
            )
    targets = {t.code: t for t in Target.objects.filter(plan=plan)}
    departments = {d.name: d for d in Department.objects.all()}
    regions = {r.name: r for r in Region.objects.all()}
    for spec in _specs(rows, targets, departments, regions):
        services.save_milestone(
            spec.row, year=spec.year, position=spec.position, values=spec.values, actor=actor
        )

    users = {
        u.username: u
        for u in User.objects.filter(
            username__in=[*REPORTERS.values(), *DISTRICT_REPORTERS.values(), "admin"]
        )
    }
    office = Actor.web(users["admin"]) if "admin" in users else actor

    def reporter(m: Milestone) -> Actor:
        username = DISTRICT_REPORTERS.get(m.region.name) if m.region else REPORTERS.get(m.department.name)
        user = users.get(username or "")
        return Actor.web(user) if user is not None else actor

    for milestone in Milestone.objects.filter(row__plan=plan).with_plan():
        _history(milestone, reporter(milestone), office)
    services.recompute_flags(as_of=DEMO_END, actor=actor)
    _follow_ups(office)
    mark_dataset(
        code="demo-supervision",
        name="督查督办演示数据（合成）",
        is_demo=True,
        source="ipcity/supervision/demo.py",
        checksum=hashlib.sha256(b"supervision-demo-v1").hexdigest(),
        actor=actor,
    )
