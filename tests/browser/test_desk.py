"""Each role signs in, lands on its 工作台 (desk), clicks what waits for it, does it, and finds it gone
from the desk: a liaison files a due report, a district reviews an application, an enterprise
confirms a 免申即享 reward, the city office passes an application in its review."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

import pytest
from django.utils import timezone

from ipcity.core.audit import Actor
from ipcity.core.models import Department
from ipcity.grants import clock
from ipcity.grants import services as grants
from ipcity.grants.choices import ReviewDecision
from ipcity.grants.detection import run_detection
from ipcity.grants.models import Application, Entitlement
from ipcity.grants.tests import registry_data as reg
from ipcity.grants.tests.conftest import draft
from ipcity.plans.models import Row
from ipcity.supervision import services as supervision
from ipcity.test import PASSWORD, Personas, load_plan_for_tests, make_personas

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
CLI = Actor.cli("browser test")


@pytest.fixture
def personas() -> Personas:  # transactional tests: the plan is loaded again after each flush
    load_plan_for_tests()
    return make_personas()


@pytest.fixture
def workflow_day() -> Iterator[dt.date]:
    # The grants clock is process-wide, so the live server's threads see it too.
    day = dt.date(2024, 6, 3)
    clock.set_today(day)
    yield day
    clock.set_today(None)


def sign_in_to_the_desk(page, username: str, waiting: int) -> None:
    from playwright.sync_api import expect

    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page).to_have_url(re.compile(r"/desk/$"))
    expect(page.get_by_role("heading", name=re.compile("^工作台"))).to_be_visible()
    expect(page.get_by_test_id("nav-desk")).to_have_text(f"工作台 {waiting} 项待办")


def back_to_the_desk(page) -> None:
    from playwright.sync_api import expect

    page.get_by_test_id("nav-desk").click()
    expect(page).to_have_url(re.compile(r"/desk/$"))


def test_liaison_files_the_due_report_from_the_desk(page, personas: Personas) -> None:
    from playwright.sync_api import expect

    # A monthly milestone of 市财政局 that started last month: last month's report is due (by the
    # 5th) or overdue whatever today is; this month's may be listed too near the month's end.
    today = timezone.localdate()
    last_month = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    due = today + dt.timedelta(days=60)
    row = Row.objects.get(code="P1.S2")
    supervision.set_row_setting(row, is_key_project=False, report_frequency="monthly", actor=CLI)
    milestone, _ = supervision.save_milestone(
        row,
        year=due.year,
        position=1,
        values={
            "title": "专项资金拨付",
            "start": last_month,
            "due": due,
            "department": Department.objects.get(name="市财政局"),
            "deliverable": "资金拨付文件",
        },
        actor=CLI,
    )
    task = f"报送进度：专项资金拨付（{last_month.year}年{last_month.month}月）"
    next_month = (today.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    this_month_listed = (next_month + dt.timedelta(days=4) - today).days <= 15  # due on the 5th

    sign_in_to_the_desk(page, "t-finance", waiting=2 if this_month_listed else 1)
    reports = page.get_by_test_id("desk-reports")
    reports.get_by_role("link", name=task).click()
    expect(page).to_have_url(re.compile(rf"/supervision/milestones/{milestone.pk}/report/"))
    page.get_by_label("完成进度（%）").fill("20")
    page.get_by_label("进展情况").fill("已下达第一批专项资金。")
    page.get_by_role("button", name="报送").click()
    expect(page.get_by_role("alert")).to_contain_text("进度已报送")

    back_to_the_desk(page)
    expect(page.get_by_test_id("desk-reports").get_by_role("link", name=task)).to_have_count(0)
    if not this_month_listed:
        expect(page.get_by_test_id("desk-reports")).to_contain_text("暂无待办")
        expect(page.get_by_test_id("nav-desk")).to_have_text("工作台")


def test_district_reviews_an_application_from_the_desk(page, personas: Personas, workflow_day) -> None:
    from playwright.sync_api import expect

    app = draft(personas)  # 测试甲公司, 芝罘区: a 涉外知识产权诉讼 reward
    grants.submit_application(app, actor=Actor.web(personas.enterprise_a))
    other = draft(personas, user=personas.enterprise_b)  # 莱山区: not 芝罘区's to review
    grants.submit_application(other, actor=Actor.web(personas.enterprise_b))

    sign_in_to_the_desk(page, "t-zhifu", waiting=1)
    applications = page.get_by_test_id("desk-applications")
    expect(applications).to_contain_text("剩余 60 个工作日")
    expect(applications).not_to_contain_text(other.number)
    applications.get_by_role("link", name=f"待区市初审：涉外知识产权诉讼胜诉补贴（{app.number}）").click()
    # Away from the desk the navigation loads the count after the page (htmx).
    expect(page.get_by_test_id("nav-desk")).to_have_text("工作台 1 项待办")
    page.get_by_label("通过").check()
    page.get_by_role("button", name="提交初审意见").click()
    expect(page.get_by_test_id("status")).to_have_text("待市级审核")
    expect(page.get_by_test_id("nav-desk")).to_have_text("工作台")

    back_to_the_desk(page)
    expect(page.get_by_test_id("desk-applications")).to_contain_text("暂无待办")
    expect(page.get_by_test_id("nav-desk")).to_have_text("工作台")


def test_enterprise_confirms_an_entitlement_from_the_desk(page, personas: Personas, workflow_day) -> None:
    from playwright.sync_api import expect

    reg.madrid(personas.org_a)  # a new Madrid registration of 测试甲公司
    run_detection(2024, actor=CLI)
    ent = Entitlement.objects.get()

    sign_in_to_the_desk(page, "t-ent-a", waiting=1)
    to_confirm = page.get_by_test_id("desk-entitlements")
    expect(to_confirm).to_contain_text("测算金额 20,000.00 元")
    to_confirm.get_by_role("link", name=re.compile(re.escape(f"（{ent.number}）"))).click()
    page.get_by_label("确认申领").check()
    page.get_by_role("button", name="提交").click()
    expect(page.get_by_test_id("status")).to_have_text("已确认，待核定")

    back_to_the_desk(page)
    expect(page.get_by_test_id("desk-entitlements")).to_contain_text("暂无待办")
    expect(page.get_by_test_id("desk-in_progress")).to_contain_text("已确认，待核定：马德里")
    expect(page.get_by_test_id("nav-desk")).to_have_text("工作台")


def test_city_office_passes_an_application_from_the_desk(page, personas: Personas, workflow_day) -> None:
    from playwright.sync_api import expect

    app = draft(personas)
    grants.submit_application(app, actor=Actor.web(personas.enterprise_a))
    grants.review_in_district(app, actor=Actor.web(personas.district_a), decision=ReviewDecision.PASS)

    sign_in_to_the_desk(page, "t-admin", waiting=1)
    applications = page.get_by_test_id("desk-applications")
    applications.get_by_role("link", name=f"待市级审核：涉外知识产权诉讼胜诉补贴（{app.number}）").click()
    page.get_by_label("通过").check()
    page.get_by_role("button", name="提交审核意见").click()
    expect(page.get_by_test_id("status")).to_have_text("公示中")
    assert Application.objects.get().status == "publicity"

    back_to_the_desk(page)  # in publicity until it is over: nothing to do yet
    expect(page.get_by_test_id("desk-applications")).to_contain_text("暂无待办")
    expect(page.get_by_test_id("nav-desk")).to_have_text("工作台")
