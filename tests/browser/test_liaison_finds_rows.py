"""A department liaison signs in and finds its department's rows of the task table."""

from __future__ import annotations

import re

import pytest

from ipcity.test import PASSWORD, load_plan_for_tests, make_personas

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_liaison_signs_in_and_finds_its_rows(page) -> None:
    from playwright.sync_api import expect

    load_plan_for_tests()
    make_personas()  # t-finance: liaison of 市财政局

    page.goto("/")
    page.get_by_role("link", name="登录").click()
    page.get_by_label("用户名").fill("t-finance")
    page.get_by_label("密码").fill("wrong-password")
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("alert")).to_contain_text("用户名或密码不正确")

    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_test_id("current-user")).to_contain_text("部门联络员")

    page.get_by_test_id("current-user").click()
    page.get_by_role("link", name="本部门任务").click()
    rows = page.locator("tr[data-row]")
    expect(page.get_by_test_id("row-count")).to_contain_text("共 20 项任务")
    expect(rows).to_have_count(20)
    for index in range(rows.count()):
        expect(rows.nth(index)).to_contain_text("市财政局")

    # Narrow with the programme filter: htmx swaps the table without a page load.
    page.get_by_label("重点工程").select_option(label="三、实施知识产权运营深化工程")
    expect(page.get_by_test_id("row-count")).to_contain_text("共 5 项任务")
    expect(page).to_have_url(re.compile(r"programme="))
    expect(page.locator("tr[data-row='P3.S3.R2']")).to_contain_text("市财政局")

    # The department page separates rows it leads from rows it supports.
    page.goto("/plan/departments/finance/")
    expect(page.get_by_role("heading", name=re.compile("牵头任务（0）"))).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile("配合任务（20）"))).to_be_visible()
    page.get_by_test_id("edit-contacts").click()
    page.get_by_label("联系电话").fill("打电话")
    page.get_by_role("button", name="保存").click()
    expect(page.locator(".invalid-feedback")).to_contain_text("电话号码只能包含数字")
    page.get_by_label("联系电话").fill("0535-6688000")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_role("alert")).to_contain_text("联络信息已保存")
    expect(page.locator("main")).to_contain_text("0535-6688000")
