"""A department liaison files a progress report, the city office returns it, the liaison
resubmits, and the milestone's 蓝黄红 flag changes at each step (history kept)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from ipcity.core.audit import Actor
from ipcity.core.models import Department
from ipcity.plans.models import Row
from ipcity.supervision import services
from ipcity.supervision.models import FlagRecord, ProgressReport
from ipcity.test import PASSWORD, load_plan_for_tests, make_personas

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def sign_in(page, username: str) -> None:
    from playwright.sync_api import expect

    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_test_id("current-user")).to_contain_text(username)


def sign_out(page) -> None:
    from playwright.sync_api import expect

    page.get_by_role("button", name="退出").click()
    expect(page.get_by_role("link", name="登录")).to_be_visible()


def test_liaison_reports_office_returns_liaison_resubmits(page) -> None:
    from playwright.sync_api import expect

    load_plan_for_tests()
    make_personas()  # t-finance: liaison of 市财政局; t-admin: the city office
    today = timezone.localdate()
    # A 100-day milestone of 市财政局, half-way through today and not yet reported: red.
    milestone, _ = services.save_milestone(
        Row.objects.get(code="P1.S2"),
        year=(today + dt.timedelta(days=50)).year,
        position=1,
        values={
            "title": "电商平台知识产权保护专项资金拨付",
            "start": today - dt.timedelta(days=50),
            "due": today + dt.timedelta(days=50),
            "department": Department.objects.get(name="市财政局"),
            "deliverable": "资金拨付文件",
        },
        actor=Actor.cli("test"),
    )
    services.recompute_flags(as_of=today, actor=Actor.cli("test"))

    sign_in(page, "t-finance")
    page.goto("/supervision/")
    expect(page.get_by_role("heading", name="本单位节点")).to_be_visible()
    page.get_by_role("link", name="电商平台知识产权保护专项资金拨付").first.click()
    expect(page.get_by_test_id("current-flag")).to_contain_text("红")
    expect(page.get_by_test_id("current-flag")).to_contain_text("落后序时进度超过30个百分点")

    # 1. The liaison files the current period's report with an attachment.
    page.locator("a[data-testid^='report-']").filter(has_text="填报").first.click()
    page.get_by_label("完成进度（%）").fill("120")
    page.get_by_label("进展情况").fill("已下达专项资金。")
    page.get_by_role("button", name="报送").click()
    expect(page.locator(".invalid-feedback")).to_contain_text("100")
    page.get_by_label("完成进度（%）").fill("45")
    page.get_by_label("附件（PDF、Word、Excel、JPG、PNG）").set_input_files(
        files=[{"name": "拨付文件.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    page.get_by_role("button", name="报送").click()
    expect(page.get_by_role("alert")).to_contain_text("进度已报送")
    expect(page.get_by_test_id("report-status")).to_have_text("已报送")
    expect(page.get_by_role("link", name="拨付文件.pdf")).to_be_visible()
    page.get_by_role("link", name=re.compile("电商平台知识产权保护专项资金拨付")).click()
    expect(page.get_by_test_id("current-flag")).to_have_text("无")  # 45 % against 50 %
    sign_out(page)

    # 2. The city office returns it for poor quality.
    sign_in(page, "t-admin")
    report = ProgressReport.objects.get(milestone=milestone)
    page.goto(f"/supervision/reports/{report.pk}/")
    page.get_by_label("退回意见").fill("请补充资金拨付文件的文号。")
    page.get_by_role("button", name="退回").click()
    expect(page.get_by_role("alert")).to_contain_text("报告已退回")
    expect(page.get_by_test_id("report-status")).to_have_text("已退回")
    page.goto(f"/supervision/milestones/{milestone.pk}/")
    expect(page.get_by_test_id("current-flag")).to_contain_text("黄")
    expect(page.get_by_test_id("current-flag")).to_contain_text("进度报告被退回")
    sign_out(page)

    # 3. The liaison sees why, and resubmits.
    sign_in(page, "t-finance")
    page.goto(f"/supervision/milestones/{milestone.pk}/")
    page.get_by_role("link", name="重新报送").click()
    expect(page.get_by_test_id("return-comment")).to_contain_text("请补充资金拨付文件的文号")
    page.get_by_label("完成进度（%）").fill("50")
    page.get_by_label("进展情况").fill("已下达专项资金（烟财知〔演示〕1号）。")
    page.get_by_role("button", name="重新报送").click()
    expect(page.get_by_test_id("report-status")).to_have_text("已报送")
    page.goto(f"/supervision/milestones/{milestone.pk}/")
    expect(page.get_by_test_id("current-flag")).to_have_text("无")
    # The history is daily: the red raised before today stays on record, ended today; what
    # happened within today (filed, returned, resubmitted) is in the report's own record.
    history = page.get_by_test_id("flag-history")
    expect(history.locator("li[data-colour='red']")).to_have_count(1)
    records = list(FlagRecord.objects.filter(milestone=milestone).order_by("since"))
    assert [(r.colour, r.until) for r in records] == [("yellow", records[1].since), ("red", today)]
    page.get_by_role("link", name="查看").first.click()
    expect(page.get_by_test_id("reviews")).to_contain_text("退回")
    expect(page.locator(".card")).to_have_count(2)  # two versions


def test_office_dashboard_draws_its_charts_and_replays_a_date(page) -> None:
    from playwright.sync_api import expect

    load_plan_for_tests()
    make_personas()
    finance = Department.objects.get(name="市财政局")
    for position, (start, due) in enumerate(
        [("2023-01-01", "2023-04-11"), ("2023-01-01", "2023-12-31")], start=1
    ):
        services.save_milestone(
            Row.objects.get(code="P1.S2"),
            year=2023,
            position=position,
            values={
                "title": f"节点{position}",
                "start": dt.date.fromisoformat(start),
                "due": dt.date.fromisoformat(due),
                "department": finance,
                "deliverable": "材料",
            },
            actor=Actor.cli("test"),
        )
    services.recompute_flags(as_of=dt.date(2024, 12, 31), actor=Actor.cli("test"))
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    sign_in(page, "t-admin")
    page.goto("/supervision/?as_of=2023-03-01")
    expect(page.locator("#trend-chart canvas")).to_have_count(1)
    expect(page.locator("#programme-chart canvas")).to_have_count(1)
    expect(page.locator("[data-count='red']")).to_have_text("1")  # 59 % of 100 days gone, nothing reported
    expect(page.locator("[data-count='yellow']")).to_have_text("1")  # 16 % of the year gone
    page.get_by_label("截至日期（回放）").fill("2023-01-05")
    page.get_by_role("button", name="查看").click()
    expect(page).to_have_url(re.compile(r"as_of=2023-01-05"))
    expect(page.locator("[data-count='none']")).to_have_text("2")
    page.get_by_role("link", name="考核评比").click()
    expect(page.get_by_role("heading", name=re.compile("年度考核评比"))).to_be_visible()
    assert errors == []
