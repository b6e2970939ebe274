"""The city office follows the calendar banner, enters next year's holidays from the notice (a wrong
row is refused with its row named), and the banner goes."""

from __future__ import annotations

import datetime as dt

import pytest

from ipcity.core import context_processors
from ipcity.test import PASSWORD, load_plan_for_tests, make_personas

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_city_admin_enters_2027_and_the_banner_goes(page, monkeypatch) -> None:
    from playwright.sync_api import expect

    load_plan_for_tests()
    make_personas()
    # The live server runs in this process: the banner's "today" is the issue's.
    monkeypatch.setattr(context_processors, "_today", lambda: dt.date(2026, 12, 6))

    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill("t-admin")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    banner = page.get_by_test_id("system-notice")
    expect(banner).to_contain_text("工作日历只到 2026-12-31（还有 25 天到期）")
    expect(banner).not_to_contain_text(".yaml")

    banner.get_by_role("link", name="录入工作日历").click()
    expect(page.get_by_test_id("calendar-coverage")).to_contain_text("2026-12-31")
    page.get_by_role("link", name="录入 2027 年").click()
    expect(page.get_by_label("通知标题")).to_have_value("国务院办公厅关于2027年部分节假日安排的通知")
    page.get_by_label("发布日期").fill("2026-11-01")
    page.get_by_label("日期表").fill("2027-01-01\t放假\t元旦\n2027-01-04\t调休上班\t元旦")
    page.get_by_role("button", name="检查并录入").click()
    expect(page.get_by_test_id("calendar-errors")).to_contain_text(
        "第 2 行：2027-01-04（星期一）不是周末：调休上班日只能是星期六或星期日"
    )
    expect(page.get_by_test_id("system-notice")).to_have_count(1)  # nothing was written

    page.get_by_label("日期表").fill("2027-01-01\t放假\t元旦")
    page.get_by_role("button", name="检查并录入").click()
    expect(page.get_by_role("heading", name="2027 年节假日安排")).to_be_visible()
    expect(page.get_by_test_id("calendar-status")).to_contain_text("未核对")
    expect(page.get_by_test_id("calendar-days")).to_contain_text("元旦")
    expect(page.get_by_test_id("system-notice")).to_have_count(0)

    page.get_by_role("button", name="已与通知原文逐日核对，标记为已核对").click()
    expect(page.get_by_test_id("calendar-status")).to_contain_text("已核对")
