"""The 工作台 (desk): what waits for the signed-in user, composed read-only from the other apps'
scoped selectors (grants, supervision, registry, market, protection, the working-day calendar).

Each role sees its own sections; each item says what waits, for whom, by when, and links to the page
where it is done (that page shows the allowed actions). Task sections are counted in the navigation
badge (`waiting_count`, a few COUNT queries); alerts (red flags, budgets, the calendar) are not. No
check-in and no ranking (DOMAIN.md: against 指尖上的形式主义).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from ipcity.accounts.choices import Role
from ipcity.accounts.permissions import has_role, is_city_admin
from ipcity.core.workdays import coverage_notice
from ipcity.grants import clock
from ipcity.grants import selectors as grants
from ipcity.grants.choices import ApplicationStatus
from ipcity.grants.models import Application, Entitlement
from ipcity.market import retention
from ipcity.market import selectors as market
from ipcity.policy.engine.money import yuan
from ipcity.protection import clock as protection_clock
from ipcity.protection import selectors as protection
from ipcity.registry import selectors as registry
from ipcity.supervision import selectors as supervision

# Each section lists at most this many items, with a link to the full list.
LIMIT = 20


def _today() -> dt.date:
    """Today for supervision and the calendar (grants deadlines read grants.clock, as its pages do)."""
    return timezone.localdate()


@dataclass(frozen=True)
class DeskItem:
    what: str  # the task, also the link's text
    url: str  # the page where it is done
    whom: str = ""  # the organisation or unit it is for
    detail: str = ""  # a reason, a return comment
    when: str = ""  # the deadline and the days left, or when it arrived
    urgent: bool = False  # overdue or exhausted: shown in red


@dataclass
class DeskSection:
    key: str
    title: str
    items: list[DeskItem]
    total: int
    is_task: bool = True  # counted in the navigation badge
    more_url: str = ""
    more_text: str = ""
    note: str = ""


@dataclass
class Desk:
    scope: str  # "市财政局 · 部门联络员"
    sections: list[DeskSection] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def waiting(self) -> int:
        return sum(s.total for s in self.sections if s.is_task)


def _take(source: QuerySet[Any] | Sequence[Any]) -> tuple[list[Any], int]:
    """The first LIMIT rows and how many there are (a COUNT only when the list is full)."""
    rows = list(source[:LIMIT])
    if len(rows) < LIMIT:
        return rows, len(rows)
    return rows, source.count() if isinstance(source, QuerySet) else len(source)


def _section(
    key: str,
    title: str,
    source: QuerySet[Any] | Sequence[Any],
    item: Callable[[Any], DeskItem],
    **kwargs: Any,
) -> DeskSection:
    rows, total = _take(source)
    return DeskSection(key, title, [item(r) for r in rows], total, **kwargs)


def _days(days_left: int) -> str:
    if days_left < 0:
        return f"已逾期 {-days_left} 天"
    return "今天到期" if days_left == 0 else f"还剩 {days_left} 天"


def _organisation(org: Any) -> str:
    return f"{org.name}（{org.region.name if org.region_id else '未登记区市'}）"


# ---------------------------------------------------------------------------------------------
# Items


def _application(app: Application, today: dt.date) -> DeskItem:
    sla = grants.sla_state(app, today)
    when = [sla.text] if sla else []
    if app.status == ApplicationStatus.PUBLICITY and app.publicity_end:
        end = app.publicity_end.isoformat()
        when.insert(0, f"公示已于 {end} 截止" if app.publicity_end < today else f"公示至 {end}")
    elif app.status == ApplicationStatus.DRAFT:
        when.append(f"填报于 {app.created_on.isoformat()}")
    detail = ""
    returns = getattr(app, "returns", None)
    if app.status == ApplicationStatus.RETURNED and returns:
        detail = f"退回意见：{returns[0].comment}"
    return DeskItem(
        what=f"{app.get_status_display()}：{grants.item_name(app.item_code)}（{app.number}）",
        url=reverse("grants:application", args=[app.pk]),
        whom=_organisation(app.organisation),
        detail=detail,
        when="；".join(when),
        urgent=bool(sla and sla.overdue),
    )


def _entitlement(ent: Entitlement) -> DeskItem:
    amount = f"测算金额 {yuan(ent.amount)}" if ent.amount is not None else "金额待市局审定"
    return DeskItem(
        what=f"{ent.get_status_display()}：{grants.item_name(ent.item_code)}（{ent.number}）",
        url=reverse("grants:entitlement", args=[ent.pk]),
        whom=_organisation(ent.organisation),
        detail=f"{ent.event_label}；{amount}",
        when=f"发现于 {ent.detected_on.isoformat()}",
    )


def _report_to_file(r: supervision.ReportToFile) -> DeskItem:
    m = r.milestone
    if r.returned:
        what, when = f"重新报送：{m.title}（{r.period.label}）", "市局已退回，请按退回意见修改后重新报送"
    else:
        what, when = (
            f"报送进度：{m.title}（{r.period.label}）",
            f"应报日期 {r.report_due.isoformat()}，{_days(r.days_left)}",
        )
    return DeskItem(
        what=what,
        url=reverse("supervision:report_form", args=[m.pk, r.period.code]),
        whom=f"{m.responsible} · 分工任务 {m.row.clause}",
        when=when,
        urgent=r.days_left < 0,
    )


def _report_to_review(report: Any) -> DeskItem:
    m = report.milestone
    return DeskItem(
        what=f"审核进度报告：{m.title}（{report.period_start.isoformat()} 至 {report.period_end.isoformat()}）",
        url=reverse("supervision:report", args=[report.pk]),
        whom=f"{m.responsible} · 分工任务 {m.row.clause}",
        detail=f"完成进度 {report.percent_complete}%",
        when=f"报送于 {timezone.localtime(report.submitted_at):%Y-%m-%d}",
    )


def _escalation(escalation: Any, today: dt.date) -> DeskItem:
    m = escalation.milestone
    days_left = (escalation.deadline - today).days
    return DeskItem(
        what=f"督办单 {escalation.number}：{m.title}",
        url=reverse("supervision:escalation", args=[escalation.pk]),
        whom=f"{m.responsible} · 分工任务 {m.row.clause}",
        detail=f"督办事由：{escalation.reason}",
        when=f"整改期限 {escalation.deadline.isoformat()}，{_days(days_left)}",
        urgent=days_left < 0,
    )


def _flag(record: Any, label: str) -> DeskItem:
    m = record.milestone
    return DeskItem(
        what=f"{label}牌：{m.title}",
        url=reverse("supervision:milestone", args=[m.pk]),
        whom=f"{m.responsible} · 分工任务 {m.row.clause}",
        detail=record.reason,
        when=f"自 {record.since.isoformat()} 起",
        urgent=True,
    )


def _budget(line: grants.BudgetLine) -> DeskItem:
    remaining = line.remaining
    return DeskItem(
        what=f"{line.name}：{line.year} 年度预算余额 {yuan(remaining)}",
        url=reverse("grants:budgets"),
        whom=f"预算 {yuan(line.budget)}，已核定 {yuan(line.committed)}（{line.count} 笔）",
        urgent=remaining is not None and remaining <= 0,
    )


def _interest(deal: Any) -> DeskItem:
    return DeskItem(
        what=f"接洽意向：{deal.offer.title}（{deal.number}）",
        url=reverse("market:deal", args=[deal.pk]),
        whom=_organisation(deal.licensee),
        detail=deal.message[:100],
        when=f"提出于 {deal.created_on.isoformat()}",
    )


def _deal_to_confirm(deal: Any) -> DeskItem:
    return DeskItem(
        what=f"确认成交：{deal.offer.title}（{deal.number}）",
        url=reverse("market:deal", args=[deal.pk]),
        whom=f"{deal.licensor.name} → {deal.licensee.name}",
        detail=f"{deal.get_kind_display()}，合同金额 {yuan(deal.amount)}" if deal.amount is not None else "",
        when=f"合同签订于 {deal.contract_date.isoformat()}" if deal.contract_date else "",
    )


def _listing(obj: Any) -> DeskItem:
    is_offer = hasattr(obj, "holder")
    return DeskItem(
        what=f"{'技术供给' if is_offer else '技术需求'}：{obj.title}",
        url=reverse("market:offer" if is_offer else "market:need", args=[obj.pk]),
        whom=(obj.holder if is_offer else obj.organisation).name,
        when=f"发布于 {obj.published_on.isoformat()}",
    )


def _retention_project(project: Any) -> DeskItem:
    last = project.last_follow_up
    return DeskItem(
        what=f"登记跟踪服务：{project.name}",
        url=reverse("market:retention", args=[project.pk]),
        whom=project.get_status_display(),
        when=f"上次跟踪 {last.isoformat()}"
        if last
        else f"{project.created_on.isoformat()} 登记，尚无跟踪记录",
    )


# Newly published listings the city office looks over (it hides what breaks the rules).
LISTINGS_DAYS = 7


def _market_sections(user: Any) -> list[DeskSection]:
    """An organisation's market tasks: interests on its offers, deals waiting for its confirmation."""
    return [
        _section(
            "market_interests",
            "技术市场：待接洽的意向",
            market.interests_to_answer(user),
            _interest,
            more_url=reverse("market:deals"),
            more_text="全部交易",
        ),
        _section(
            "market_confirm", "技术市场：待我方确认的交易", market.deals_to_confirm(user), _deal_to_confirm
        ),
    ]


def _complaint(complaint: Any, today: dt.date) -> DeskItem:
    """An e-commerce complaint's current step and its deadline (protection)."""
    when = ""
    if complaint.status == "counter" and complaint.wait_until and complaint.wait_until >= today:
        when = f"等待期至 {complaint.wait_until.isoformat()}，{_days((complaint.wait_until - today).days)}"
    elif complaint.due_on:
        when = f"期限 {complaint.due_on.isoformat()}，{_days((complaint.due_on - today).days)}"
    return DeskItem(
        what=f"{complaint.get_status_display()}：{complaint.shop}（{complaint.number}）",
        url=reverse("protection:complaint", args=[complaint.pk]),
        whom=f"{complaint.complainant.name} → {complaint.platform.name}",
        when=when,
        urgent=complaint.is_overdue(today),
    )


def _overdue_complaints(user: Any) -> list[DeskSection]:
    """Complaints whose current step is past its deadline (an alert, shown only when there are)."""
    today = protection_clock.today()
    section = _section(
        "complaints_overdue",
        "电商投诉：超过时限的环节",
        protection.overdue_complaints(user, today),
        lambda c: _complaint(c, today),
        is_task=False,
        more_url=reverse("protection:complaints"),
        more_text="全部电商投诉",
    )
    return [section] if section.total else []


def _rights_holder_complaints(user: Any) -> list[DeskSection]:
    """A rights holder's complaints in the waiting period (shown only when there are)."""
    today = protection_clock.today()
    section = _section(
        "complaints_waiting",
        "电商投诉：等待期内可登记投诉或起诉",
        protection.complaints_awaiting_rights_holder(user, today),
        lambda c: _complaint(c, today),
        is_task=False,  # the badge's query budget: the rights holder's choice, not a duty
        more_url=reverse("protection:complaints"),
        more_text="全部电商投诉",
    )
    return [section] if section.total else []


def _platform_sections(user: Any) -> list[DeskSection]:
    """An e-commerce platform's desk: the complaints against it that wait for its step."""
    today = protection_clock.today()
    return [
        _section(
            "complaints",
            "待处理的电商投诉",
            protection.complaints_to_handle(user),
            lambda c: _complaint(c, today),
            more_url=reverse("protection:complaints"),
            more_text="全部电商投诉",
            note="电子商务法第四十二条：接到通知后应及时采取必要措施并转送平台内经营者。",
        )
    ]


def _aid_request(request: Any, today: dt.date) -> DeskItem:
    """A 维权援助 request routed to a body: its step and the acceptance deadline (protection)."""
    when = ""
    if request.due_on and request.status == "routed":
        when = f"受理期限 {request.due_on.isoformat()}，{_days((request.due_on - today).days)}"
    elif request.accepted_on:
        when = f"{request.accepted_on.isoformat()} 受理"
    return DeskItem(
        what=f"{request.get_status_display()}：{request.summary[:40]}（{request.number}）",
        url=reverse("protection:aid_request", args=[request.pk]),
        whom=f"{_organisation(request.requester)} → {request.body.name if request.body_id else '待分派'}",
        when=when,
        urgent=request.is_overdue(today),
    )


def _mediation(dispute: Any, today: dt.date) -> DeskItem:
    """A mediation case assigned to a mediation body: its step and the mediation's time limit."""
    when = (
        f"调解期限 {dispute.due_on.isoformat()}，{_days((dispute.due_on - today).days)}"
        if dispute.due_on
        else ""
    )
    return DeskItem(
        what=f"{dispute.get_status_display()}：{dispute.claimant_name} 与 {dispute.respondent_name}（{dispute.number}）",
        url=reverse("protection:dispute", args=[dispute.pk]),
        whom=f"{dispute.mediation_body}（{dispute.region.name}办理）",
        when=when,
        urgent=dispute.is_overdue(today),
    )


def _risk_check(check: Any) -> DeskItem:
    event = f"，{check.event_on.isoformat()} 出发" if check.event_on else ""
    return DeskItem(
        what=f"答复风险排查：{check.get_purpose_display()}，{check.country}（{check.number}）",
        url=reverse("protection:risk_check", args=[check.pk]),
        whom=_organisation(check.organisation),
        when=f"{check.submitted_on.isoformat()} 申请{event}",
    )


def _city_protection_tasks(user: Any) -> list[DeskSection]:
    """The city office's protection tasks: 维权援助 requests to route, 风险排查 to answer."""
    today = protection_clock.today()
    return [
        _section(
            "aid_to_route",
            "维权援助：待分派的申请",
            protection.aid_requests_to_route(user),
            lambda r: _aid_request(r, today),
            more_url=reverse("protection:aid"),
            more_text="全部维权援助申请",
        ),
        _section(
            "risk_checks",
            "风险排查：待答复的申请",
            protection.risk_checks_to_answer(user),
            _risk_check,
            more_url=reverse("protection:risk_checks"),
            more_text="全部风险排查",
        ),
    ]


def _overdue_cases(user: Any) -> list[DeskSection]:
    """维权援助 requests not accepted in time and mediations past their time limit, as the user may
    see them (alerts, shown only when there are)."""
    today = protection_clock.today()
    sections = [
        _section(
            "aid_overdue",
            "维权援助：超过受理期限的申请",
            protection.overdue_aid_requests(user, today),
            lambda r: _aid_request(r, today),
            is_task=False,
            more_url=reverse("protection:aid"),
            more_text="全部维权援助申请",
        ),
        _section(
            "mediations_overdue",
            "调解：超过调解期限的案件",
            protection.overdue_mediations(user, today),
            lambda d: _mediation(d, today),
            is_task=False,
            more_url=reverse("protection:disputes"),
            more_text="全部案件",
        ),
    ]
    return [s for s in sections if s.total]


def _body_sections(user: Any) -> list[DeskSection]:
    """An organisation that is a 维权援助 body or a mediation body (its accounts act for the body):
    the requests and cases that wait for it (shown only when there are; counted in the badge)."""
    today = protection_clock.today()
    sections = [
        _section(
            "aid_requests",
            "维权援助：分派给本机构的申请",
            protection.aid_requests_for_body(user),
            lambda r: _aid_request(r, today),
            more_url=reverse("protection:aid"),
            more_text="全部维权援助申请",
            note="受理后登记办理结果；是否具有较大影响力由市局认定。",
        ),
        _section(
            "mediations",
            "调解：分派给本调解组织的案件",
            protection.mediations_for_body(user),
            lambda d: _mediation(d, today),
            more_url=reverse("protection:disputes"),
            more_text="全部案件",
            note="登记调解协议或调解不成、司法确认申请和结案。",
        ),
    ]
    return [s for s in sections if s.total]


# ---------------------------------------------------------------------------------------------
# Sections by role


def _city_sections(user: Any, today: dt.date, grants_today: dt.date) -> list[DeskSection]:
    colour, label = supervision.most_severe_colour(today)
    horizon = supervision.flag_horizon()
    review_url = reverse("admin:registry_reviewitem_changelist") + "?status__exact=open"

    def review_item(item: Any) -> DeskItem:
        can_open = bool(getattr(user, "is_staff", False))
        return DeskItem(
            what=f"确认机构：{item.name}",
            url=reverse("admin:registry_reviewitem_change", args=[item.pk]) if can_open else "",
            whom=f"导入数据中出现 {item.occurrences} 次，与多个机构名称相同",
        )

    notice = coverage_notice(today)
    calendar = [DeskItem(what=notice, url=reverse("core:calendar"), urgent=True)] if notice else []
    low = grants.budgets_running_low(grants_today.year)
    share = int(grants.BUDGET_LOW_SHARE * 100)
    return [
        _section(
            "applications",
            "待市局办理的奖补申请",
            grants.applications_awaiting(user, grants_today),
            lambda a: _application(a, grants_today),
            more_url=reverse("grants:index"),
            more_text="全部申请",
        ),
        _section(
            "entitlements",
            "待核定、待兑现的免申即享",
            grants.entitlements_awaiting(user),
            _entitlement,
            more_url=reverse("grants:entitlements"),
            more_text="全部免申即享事项",
        ),
        _section("reports", "待审核的进度报告", supervision.reports_to_review(user), _report_to_review),
        _section(
            "review_items",
            "数据导入：机构匹配待确认",
            registry.review_items_to_decide(user),
            review_item,
            more_url=review_url if getattr(user, "is_staff", False) else "",
            more_text="审核队列",
            note="" if getattr(user, "is_staff", False) else "需由有管理后台权限的管理员确认。",
        ),
        _section(
            "flags",
            f"{label}牌节点",
            supervision.flags_in_force(user, today, colour),
            lambda r: _flag(r, label),
            is_task=False,
            more_url=reverse("supervision:flags"),
            more_text="全部蓝黄红标记",
            note=f"标记历史计算至 {horizon.isoformat()}。" if horizon is not None and horizon < today else "",
        ),
        _section(
            "budgets",
            f"预算即将用尽（余额不超过预算的 {share}%）",
            low,
            _budget,
            is_task=False,
            more_url=reverse("grants:budgets"),
            more_text="预算执行",
        ),
        _section(
            "market_listings",
            f"技术市场：近 {LISTINGS_DAYS} 天发布的供给与需求",
            market.recent_listings(user, today - dt.timedelta(days=LISTINGS_DAYS)),
            _listing,
            is_task=False,
            more_url=reverse("market:offers"),
            more_text="技术供给",
            note="违反规定的挂牌可在其页面屏蔽（须写明理由）。",
        ),
        _section(
            "retention_follow_up",
            f"专利留烟：超过 {retention.FOLLOW_UP_DAYS} 天未跟踪的项目",
            retention.projects_to_follow_up(user, today),
            _retention_project,
            is_task=False,
            more_url=reverse("market:retention_list"),
            more_text="全部专利留烟项目",
        ),
        DeskSection("calendar", "工作日历", calendar, len(calendar), is_task=False),
        *_city_protection_tasks(user),
        *_overdue_complaints(user),
        *_overdue_cases(user),
    ]


def _unit_sections(user: Any, today: dt.date, grants_today: dt.date) -> list[DeskSection]:
    """A department liaison's or a district bureau's desk."""
    sections = [
        _section(
            "reports",
            "待报送的进度报告",
            supervision.reports_to_file(user, today),
            _report_to_file,
            more_url=reverse("supervision:milestones"),
            more_text="全部节点",
        ),
        _section(
            "escalations",
            "督办单",
            supervision.open_escalations(user),
            lambda e: _escalation(e, today),
            more_url=reverse("supervision:escalations"),
            more_text="全部督办单",
        ),
    ]
    if has_role(user, Role.DISTRICT_OFFICER):
        sections.insert(
            1,
            _section(
                "applications",
                "待区市初审的奖补申请",
                grants.applications_awaiting(user, grants_today),
                lambda a: _application(a, grants_today),
                more_url=reverse("grants:index"),
                more_text="全部申请",
            ),
        )
        sections += _overdue_complaints(user)
        sections += _overdue_cases(user)
    return sections


def _organisation_sections(user: Any, grants_today: dt.date) -> list[DeskSection]:
    """An enterprise's (university's) or an agency's desk: its organisation's rewards."""
    awaiting = list(grants.applications_awaiting(user, grants_today))
    returned = [a for a in awaiting if a.status == ApplicationStatus.RETURNED]
    drafts = [a for a in awaiting if a.status == ApplicationStatus.DRAFT]

    def application(a: Application) -> DeskItem:
        return _application(a, grants_today)

    apps, app_total = _take(grants.applications_in_progress(user))
    ents, ent_total = _take(grants.entitlements_in_progress(user))
    in_progress = DeskSection(
        "in_progress",
        "办理中",
        [application(a) for a in apps] + [_entitlement(e) for e in ents],
        app_total + ent_total,
        is_task=False,
        more_url=reverse("grants:index"),
        more_text="全部申请",
    )
    return [
        *_body_sections(user),
        _section("returned", "退回修改的申请", returned, application),
        _section(
            "entitlements",
            "待确认的免申即享奖补",
            grants.entitlements_awaiting(user),
            _entitlement,
            more_url=reverse("grants:entitlements"),
            more_text="全部免申即享事项",
        ),
        _section("drafts", "尚未提交的草稿", drafts, application),
        *_market_sections(user),
        *_rights_holder_complaints(user),
        in_progress,
    ]


def _scope(user: Any) -> tuple[str, list[str]]:
    """Who the desk is for, and a note when the account is not bound to its unit."""
    role = user.get_role_display()
    if is_city_admin(user):
        return "市局管理员", []
    unit: Any = None
    if user.role == Role.DEPT_LIAISON:
        unit = user.department
    elif user.role == Role.DISTRICT_OFFICER:
        unit = user.region
    elif user.role in {Role.APPLICANT, Role.AGENCY, Role.PLATFORM}:
        membership = getattr(user, "membership", None)
        unit = membership.organisation if membership is not None else None
    if unit is None:
        return role, ["您的账号尚未绑定所属部门、区市或机构，请联系市局管理员。"]
    return f"{unit.name} · {role}", []


def desk_for(user: Any) -> Desk:
    """The signed-in user's desk."""
    today, grants_today = _today(), clock.today()
    scope, notes = _scope(user)
    desk = Desk(scope, notes=notes)
    if is_city_admin(user):
        desk.sections = _city_sections(user, today, grants_today)
    elif has_role(user, Role.DEPT_LIAISON) or has_role(user, Role.DISTRICT_OFFICER):
        desk.sections = _unit_sections(user, today, grants_today)
    elif has_role(user, Role.APPLICANT) or has_role(user, Role.AGENCY):
        desk.sections = _organisation_sections(user, grants_today)
    elif has_role(user, Role.PLATFORM):
        desk.sections = _platform_sections(user)
    return desk


def waiting_count(user: Any) -> int:
    """How many tasks wait for the user (the desk's task sections), for the navigation badge:
    at most six queries (seven for an organisation's accounts), whatever the numbers."""
    counts: Iterable[int]
    if is_city_admin(user):
        counts = (
            grants.applications_awaiting(user).count(),
            grants.entitlements_awaiting(user).count(),
            supervision.reports_to_review(user).count(),
            registry.review_items_to_decide(user).count(),
            protection.aid_requests_to_route(user).count(),
            protection.risk_checks_to_answer(user).count(),
        )
    elif has_role(user, Role.DEPT_LIAISON) or has_role(user, Role.DISTRICT_OFFICER):
        counts = (
            len(supervision.reports_to_file(user, _today())),
            supervision.open_escalations(user).count(),
            grants.applications_awaiting(user).count(),  # none for a liaison: no query
        )
    elif has_role(user, Role.APPLICANT) or has_role(user, Role.AGENCY):
        counts = (
            grants.applications_awaiting(user).count(),
            grants.entitlements_awaiting(user).count(),
            market.tasks_count(user),
            protection.body_tasks_count(user),
        )
    elif has_role(user, Role.PLATFORM):
        counts = (protection.complaints_to_handle(user).count(),)
    else:
        counts = ()
    return sum(counts)
