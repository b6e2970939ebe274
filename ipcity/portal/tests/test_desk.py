"""The 工作台 (desk): the page after login; for each persona what waits for it (and not for others),
with links to where it is done; the navigation badge; query budgets."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.db.models import Max
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ipcity.accounts.models import User
from ipcity.core.audit import Actor
from ipcity.core.models import CalendarYear
from ipcity.grants import services as grants
from ipcity.grants.choices import ReviewDecision
from ipcity.grants.detection import run_detection
from ipcity.grants.models import Application, Entitlement
from ipcity.grants.tests import registry_data as reg
from ipcity.grants.tests.conftest import (
    TODAY,
    Clock,
    approve_after_publicity,
    draft,
    give_payee_accounts,
    set_budget,
    to_publicity,
)
from ipcity.plans.models import Row
from ipcity.portal import selectors
from ipcity.registry.importers import import_file
from ipcity.registry.models import OrganisationName
from ipcity.registry.tests.helpers import app_no, write_csv
from ipcity.supervision import services as supervision
from ipcity.supervision.models import Escalation, Milestone
from ipcity.test import PASSWORD, Personas

pytestmark = pytest.mark.django_db
CLI = Actor.cli("desk tests")


def web(user: User) -> Actor:
    return Actor.web(user)


@pytest.fixture
def day(monkeypatch: pytest.MonkeyPatch) -> dt.date:
    """The desk's today (supervision, the calendar): ten days before the working-day calendar ends.
    The grants workflow keeps its own clock (TODAY, 2024-06-03)."""
    last = CalendarYear.objects.aggregate(last=Max("year"))["last"]
    today = dt.date(last, 12, 10)
    monkeypatch.setattr(selectors, "_today", lambda: today)
    return today


@pytest.fixture
def clock() -> Any:
    c = Clock()
    c.set(TODAY)
    yield c
    c.set(TODAY)
    from ipcity.grants import clock as grants_clock

    grants_clock.set_today(None)


def milestone(title: str, *, start: dt.date, due: dt.date, code: str = "P1.S2", department: str = "市财政局",
              region: str | None = None, position: int = 1, key: bool = False) -> Milestone:  # fmt: skip
    from ipcity.core.models import Department, Region

    row = Row.objects.get(code=code) if code else finance_row()
    if key:
        supervision.set_row_setting(row, is_key_project=True, report_frequency="quarterly", actor=CLI)
    m, _ = supervision.save_milestone(
        row,
        year=due.year,
        position=position,
        values={
            "title": title,
            "start": start,
            "due": due,
            "department": Department.objects.get(name=department),
            "region": Region.objects.get(name=region) if region else None,
            "deliverable": "工作总结",
        },
        actor=CLI,
    )
    return m


def finance_row() -> Row:
    """Another row 市财政局 works on than P1.S2 (the key project of these tests)."""
    return (
        Row.objects.filter(assignments__department__name="市财政局").exclude(code="P1.S2").order_by("pk")[0]
    )


def file_report(m: Milestone, period: str, user: User, on: dt.date, percent: str = "30") -> Any:
    moment = dt.datetime.combine(on, dt.time(10), tzinfo=dt.timezone(dt.timedelta(hours=8)))
    return supervision.submit_report(
        m, period_code=period, percent_complete=percent, narrative="进展顺利。", actor=web(user), at=moment
    )


@dataclass
class World:
    day: dt.date
    q3: str  # the third quarter's period code of the desk's year
    city_review: Application
    zhifu_submitted: Application
    laishan_submitted: Application
    returned: Application
    draft: Application
    approved: Application
    pending: Entitlement  # 测试甲公司's, to confirm
    confirmed: Entitlement  # 测试乙公司's, to approve
    finance_due: Milestone  # its third quarter's report is overdue
    finance_filed: Milestone  # its report waits for the office's review
    zhifu_returned: Milestone  # its report was returned
    escalation: Escalation


@pytest.fixture
def world(personas: Personas, day: dt.date, clock: Any, tmp_path: Path) -> World:
    ent_a, ent_b, zhifu = personas.enterprise_a, personas.enterprise_b, personas.district_a
    # Grants (on the workflow clock). A budget nine tenths committed first.
    clock.set(dt.date(2024, 5, 13))
    set_budget("standardised_market", "100000", year=2024)
    give_payee_accounts(personas.org_a, personas.org_b)  # submitting needs a 收款账户
    facts = {
        "recognition_level": "provincial",
        "recognition_kind": "standardised_market",
        "newly_recognised": True,
    }
    approved = to_publicity(
        personas, draft(personas, item="standardised_market", facts=facts, on=dt.date(2024, 5, 1)),
        decided=Decimal("90000"),
    )  # fmt: skip
    approve_after_publicity(personas, approved, clock)
    clock.set(TODAY)
    city_review = draft(personas)
    grants.submit_application(city_review, actor=web(ent_a))
    grants.review_in_district(city_review, actor=web(zhifu), decision=ReviewDecision.PASS)
    zhifu_submitted = draft(personas)
    grants.submit_application(zhifu_submitted, actor=web(ent_a))
    laishan_submitted = draft(personas, user=ent_b)
    grants.submit_application(laishan_submitted, actor=web(ent_b))
    returned = draft(personas)
    grants.submit_application(returned, actor=web(ent_a))
    grants.review_in_district(
        returned, actor=web(zhifu), decision=ReviewDecision.RETURN, comment="请补充律师费发票"
    )
    draft_app = draft(personas)
    reg.madrid(personas.org_a)
    reg.madrid(personas.org_b, number="1654322")
    run_detection(2024, actor=CLI)
    pending = Entitlement.objects.get(organisation=personas.org_a)
    confirmed = Entitlement.objects.get(organisation=personas.org_b)
    grants.confirm_entitlement(confirmed, actor=web(ent_b), accept=True)

    # Supervision (on the desk's day): a half-year of quarterly reporting in the desk's year.
    year = day.year
    start, due = dt.date(year, 7, 1), dt.date(year, 12, 31)
    finance_due = milestone("专项资金拨付", start=start, due=due, key=True)
    finance_filed = milestone("资金绩效评价", start=start, due=due, code="")
    file_report(finance_filed, f"{year}-Q3", personas.liaison, dt.date(year, 10, 2))
    zhifu_returned = milestone("芝罘区专利项目落户", start=start, due=due, code="P3.S2", department="各区市局",
                               region="芝罘区")  # fmt: skip
    report = file_report(zhifu_returned, f"{year}-Q3", zhifu, dt.date(year, 10, 3))
    supervision.return_report(
        report, comment="请补充项目合同。", actor=web(personas.admin),
        at=dt.datetime.combine(dt.date(year, 10, 4), dt.time(9), tzinfo=dt.timezone(dt.timedelta(hours=8))),
    )  # fmt: skip
    supervision.recompute_flags(as_of=day, actor=CLI)
    escalation = Escalation.objects.get(milestone=finance_due)

    # An imported name that matches two organisations waits for the office.
    for org in (personas.org_a, personas.org_b):
        OrganisationName.objects.create(organisation=org, name="测试公司", name_key="测试公司", kind="alias")
    headers = [
        "申请号",
        "申请日",
        "名称",
        "申请（专利权）人",
        "主分类号",
        "分类号",
        "法律状态",
        "地址",
        "专利类型",
    ]
    rows = [
        [
            app_no(2021, "1", 1),
            "2021-05-01",
            "一种测试装置",
            "测试公司",
            "G06F 16/30",
            "",
            "有效",
            "烟台市",
            "",
        ]
    ]
    import_file("patents", write_csv(tmp_path / "p.csv", headers, rows), actor=CLI)

    return World(
        day, f"{year}-Q3", city_review, zhifu_submitted, laishan_submitted, returned, draft_app, approved,
        pending, confirmed, finance_due, finance_filed, zhifu_returned, escalation,
    )  # fmt: skip


def desk_html(personas: Personas, user: User) -> str:
    response = personas.client(user).get(reverse("portal:desk"))
    assert response.status_code == 200
    html = response.content.decode()
    return html[html.index("<main") : html.index("</main>")]


def section(html: str, key: str) -> str:
    start = html.index(f'data-testid="desk-{key}"')
    return html[start : html.find("</section>", start)]


def link(url: str) -> str:
    return f'href="{url}"'


def app_url(app: Application) -> str:
    return link(reverse("grants:application", args=[app.pk]))


# --- the page after login -----------------------------------------------------------------------------


def test_signing_in_lands_on_the_desk_unless_a_page_was_asked_for(personas: Personas, client) -> None:
    login = reverse("accounts:login")
    response = client.post(login, {"username": "t-finance", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("portal:desk")
    assert client.get(login)["Location"] == reverse("portal:desk")  # already signed in
    client.post(reverse("accounts:logout"))
    # Sent to login from a protected page: back to that page after signing in.
    asked = client.get(reverse("supervision:dashboard"))
    assert asked["Location"] == f"{login}?next=/supervision/"
    response = client.post(login, {"username": "t-finance", "password": PASSWORD, "next": "/supervision/"})
    assert response["Location"] == "/supervision/"
    client.post(reverse("accounts:logout"))
    # A next pointing elsewhere is not followed.
    response = client.post(
        login, {"username": "t-finance", "password": PASSWORD, "next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("portal:desk")


def test_anonymous_visitors_are_sent_to_login(personas: Personas) -> None:
    response = personas.client(None).get(reverse("portal:desk"))
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('accounts:login')}?next=/desk/"


def test_the_navigation_links_the_desk_and_loads_the_number_of_tasks(
    personas: Personas, world: World
) -> None:
    client = personas.client(personas.enterprise_a)
    page = client.get(reverse("accounts:me")).content.decode()
    nav = page[page.index('data-testid="nav-desk"') - 60 :].split("</a>", 1)[0]
    assert link(reverse("portal:desk")) in nav
    # The count comes after the page (htmx), so that no page pays its queries.
    assert f'hx-get="{reverse("portal:desk_count")}" hx-trigger="load"' in nav
    badge = client.get(reverse("portal:desk_count")).content.decode()
    assert re.fullmatch(
        r'<span class="badge [^"]+" data-testid="desk-count">3<span class="visually-hidden"> 项待办</span></span>\s*',
        badge,
    )
    # On the desk itself the count is in the page: returned, draft, entitlement to confirm.
    desk = client.get(reverse("portal:desk")).content.decode()
    nav = desk[desk.index('data-testid="nav-desk"') :].split("</a>", 1)[0]
    assert 'data-testid="desk-count">3<' in nav and "hx-get" not in nav
    # Nothing waits: no badge. Not signed in: no link, and the fragment is empty (never a redirect).
    assert (
        personas.client(personas.liaison_other).get(reverse("portal:desk_count")).content.decode().strip()
        == ""
    )
    assert 'data-testid="nav-desk"' not in personas.client(None).get("/").content.decode()
    anonymous = personas.client(None).get(reverse("portal:desk_count"))
    assert anonymous.status_code == 200 and anonymous.content.decode().strip() == ""


# --- each persona -------------------------------------------------------------------------------------


def test_city_office_desk(personas: Personas, world: World) -> None:
    html = desk_html(personas, personas.admin)
    apps = section(html, "applications")
    assert app_url(world.city_review) in apps and "待市级审核：涉外知识产权" in apps
    assert "剩余 60 个工作日（期限 2024-08-27）" in apps
    assert app_url(world.approved) in apps and "已核定，待兑现" in apps
    for other in (world.zhifu_submitted, world.laishan_submitted, world.returned, world.draft):
        assert app_url(other) not in html  # at the district's or the applicant's stage
    ents = section(html, "entitlements")
    assert link(reverse("grants:entitlement", args=[world.confirmed.pk])) in ents and "测试乙公司" in ents
    assert link(reverse("grants:entitlement", args=[world.pending.pk])) not in html
    reports = section(html, "reports")
    filed = world.finance_filed.reports.get()
    assert link(reverse("supervision:report", args=[filed.pk])) in reports and "资金绩效评价" in reports
    assert "市财政局" in reports
    reviews = section(html, "review_items")
    assert "确认机构：测试公司" in reviews and "/admin/registry/reviewitem/" in reviews
    flags = section(html, "flags")
    assert "红牌：专项资金拨付" in flags
    assert link(reverse("supervision:milestone", args=[world.finance_due.pk])) in flags
    budgets = section(html, "budgets")
    assert "知识产权保护规范化市场奖励：2024 年度预算余额 10,000.00 元" in budgets
    calendar = section(html, "calendar")
    assert f"工作日历只到 {world.day.year}-12-31（还有 21 天到期）" in calendar
    assert link(reverse("core:calendar")) in calendar
    # What the city office does not file: no report to file, no 督办单 to answer here.
    assert "报送进度" not in html


def test_liaison_desk(personas: Personas, world: World) -> None:
    html = desk_html(personas, personas.liaison)
    assert "市财政局 · 部门联络员" in html
    reports = section(html, "reports")
    form = reverse("supervision:report_form", args=[world.finance_due.pk, world.q3])
    assert link(form) in reports
    assert f"报送进度：专项资金拨付（{world.day.year}年第3季度）" in reports
    assert f"应报日期 {world.day.year}-10-05，已逾期 66 天" in reports
    assert "资金绩效评价" not in reports  # its report is filed
    assert "芝罘区" not in html
    escalations = section(html, "escalations")
    assert link(reverse("supervision:escalation", args=[world.escalation.pk])) in escalations
    assert world.escalation.number in escalations and "整改期限" in escalations
    assert 'data-testid="desk-applications"' not in html  # liaisons review no applications
    # The other department's liaison: nothing waits, and the desk says so.
    other = desk_html(personas, personas.liaison_other)
    assert other.count("暂无待办") == 2 and "专项资金拨付" not in other


def test_district_desk(personas: Personas, world: World) -> None:
    html = desk_html(personas, personas.district_a)
    assert "芝罘区 · 区市局" in html
    reports = section(html, "reports")
    assert f"重新报送：芝罘区专利项目落户（{world.day.year}年第3季度）" in reports
    assert link(reverse("supervision:report_form", args=[world.zhifu_returned.pk, world.q3])) in reports
    apps = section(html, "applications")
    assert app_url(world.zhifu_submitted) in apps and "待区市初审" in apps
    assert "剩余 60 个工作日" in apps and "测试甲公司（芝罘区）" in apps
    assert app_url(world.laishan_submitted) not in html and app_url(world.city_review) not in html
    assert "暂无待办" in section(html, "escalations")
    laishan = desk_html(personas, personas.district_b)
    assert app_url(world.laishan_submitted) in laishan and app_url(world.zhifu_submitted) not in laishan
    assert "芝罘区专利项目落户" not in laishan


def test_enterprise_desk(personas: Personas, world: World) -> None:
    html = desk_html(personas, personas.enterprise_a)
    assert "测试甲公司 · 企业/高校用户" in html
    returned = section(html, "returned")
    assert app_url(world.returned) in returned and "退回意见：请补充律师费发票" in returned
    assert "None" not in html
    ents = section(html, "entitlements")
    assert link(reverse("grants:entitlement", args=[world.pending.pk])) in ents
    assert "待意愿确认" in ents and "测算金额 20,000.00 元" in ents
    assert app_url(world.draft) in section(html, "drafts")
    progress = section(html, "in_progress")
    assert app_url(world.city_review) in progress and "待市级审核" in progress
    assert app_url(world.zhifu_submitted) in progress and "待区市初审" in progress
    assert app_url(world.approved) in progress and "已核定，待兑现" in progress
    assert app_url(world.laishan_submitted) not in html
    assert link(reverse("grants:entitlement", args=[world.confirmed.pk])) not in html
    other = desk_html(personas, personas.enterprise_b)
    assert app_url(world.laishan_submitted) in section(other, "in_progress")
    assert link(reverse("grants:entitlement", args=[world.confirmed.pk])) in section(other, "in_progress")
    assert app_url(world.returned) not in other


def test_agency_desk_lists_its_organisation(personas: Personas, world: World) -> None:
    html = desk_html(personas, personas.agency)
    assert "测试代理所 · 服务机构" in html
    assert (
        html.count("暂无待办") == 6
    )  # returned, to confirm, drafts, market interests and deals, in progress
    ours = draft(personas, user=personas.agency, item="service_agency_quality", facts={})
    assert app_url(ours) in section(desk_html(personas, personas.agency), "drafts")


def test_an_account_not_bound_to_its_organisation_is_told_so(personas: Personas) -> None:
    from ipcity.accounts.services import upsert_user

    loose, _ = upsert_user("t-loose", actor=CLI, role="applicant", password=PASSWORD)
    html = desk_html(personas, loose)
    assert "尚未绑定所属部门、区市或机构" in html and html.count("暂无待办") == 6


# --- counts and query budgets -------------------------------------------------------------------------

PERSONAS = [
    "admin",
    "liaison",
    "liaison_other",
    "district_a",
    "district_b",
    "enterprise_a",
    "enterprise_b",
    "agency",
]


def test_the_badge_counts_the_desk_tasks_in_at_most_seven_queries(personas: Personas, world: World) -> None:
    expected = {
        # city review, approved; confirmed entitlement; the report to review; the review item
        "admin": 5,
        "liaison": 2,  # the overdue report, the 督办单
        "liaison_other": 0,
        "district_a": 2,  # the returned report, the application to review
        "district_b": 1,
        "enterprise_a": 3,
        "enterprise_b": 0,
        "agency": 0,
    }
    for name in PERSONAS:
        user = User.objects.get(pk=getattr(personas, name).pk)  # nothing cached on it
        with CaptureQueriesContext(connection) as queries:
            count = selectors.waiting_count(user)
        assert count == expected[name], name
        # Six, and a seventh for an organisation's accounts: the 维权援助 requests and mediation cases
        # waiting for it when it is an aid body or a mediation body (protection, one query).
        assert len(queries) <= 7, f"{name}: {len(queries)} queries"
        assert selectors.desk_for(user).waiting == count, name
        # The request the navigation makes: the session and the user, then the count.
        client = personas.client(user)
        with CaptureQueriesContext(connection) as queries:
            client.get(reverse("portal:desk_count"))
        assert len(queries) <= 9, f"{name}: {len(queries)} queries for the badge"


def _desk_queries(personas: Personas, name: str) -> int:
    client = personas.client(getattr(personas, name))
    client.get(reverse("portal:desk"))  # warm the process caches (the calendar)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("portal:desk")).status_code == 200
    return len(queries)


def test_the_desk_costs_the_same_queries_whatever_the_number_of_items(
    personas: Personas, world: World, clock: Any
) -> None:
    # +1 for admin, district bureaus and organisations: the e-commerce complaints section (protection);
    # +2 for admin and district bureaus: overdue 维权援助 requests and mediations; +2 for admin: the
    # requests to route and the 风险排查 to answer; +2 for organisations:
    # the requests and mediations waiting for it as an aid body or a mediation body (protection);
    # +1 for admin: 专利留烟 projects not followed up (market).
    budget = {"admin": 23, "liaison": 10, "liaison_other": 10, "district_a": 15, "district_b": 15,
              "enterprise_a": 18, "enterprise_b": 18, "agency": 19}  # fmt: skip
    year = world.day.year

    def more_of_everything(position: int) -> None:
        start, due = dt.date(year, 7, 1), dt.date(year, 12, 31)
        m = milestone(f"节点{position}", start=start, due=due, position=position)
        file_report(m, f"{year}-Q3", personas.liaison, dt.date(year, 10, 2))
        milestone(f"逾期节点{position}", start=start, due=due, position=position + 10)
        app = draft(personas)
        grants.submit_application(app, actor=web(personas.enterprise_a))
        returned = draft(personas, user=personas.enterprise_b)
        grants.submit_application(returned, actor=web(personas.enterprise_b))
        grants.review_in_district(
            returned, actor=web(personas.district_b), decision=ReviewDecision.RETURN, comment="补充材料"
        )
        draft(personas, user=personas.agency, item="service_agency_quality", facts={})

    more_of_everything(3)
    before = {name: _desk_queries(personas, name) for name in PERSONAS}
    for name in PERSONAS:
        assert before[name] <= budget[name], f"{name}: {before[name]} queries, budget {budget[name]}"
    for position in range(4, 7):
        more_of_everything(position)
    assert {name: _desk_queries(personas, name) for name in PERSONAS} == before
