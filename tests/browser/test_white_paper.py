"""The city office writes the 2024 foreword, previews the white paper (charts shown, no policy
violation), generates it in the background, publishes it; an anonymous visitor downloads the PDF."""

from __future__ import annotations

import pytest

from ipcity.test import PASSWORD, load_plan_for_tests, make_personas

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_city_office_publishes_and_the_public_downloads(page) -> None:
    from playwright.sync_api import expect

    load_plan_for_tests()
    make_personas()

    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill("t-admin")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()

    page.goto("/reports/")
    page.get_by_test_id("years").get_by_role("row", name="2024 年").get_by_role(
        "link", name="编辑前言与亮点"
    ).click()
    page.get_by_label("前言").fill("二〇二四年，全市知识产权工作稳步推进。")
    page.get_by_label("年度亮点").fill("专利授权稳步增长")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_test_id("years")).to_contain_text("已撰写")

    page.get_by_test_id("years").get_by_role("row", name="2024 年").get_by_role("link", name="预览").click()
    expect(page.get_by_role("heading", name="前言")).to_be_visible()
    expect(page.get_by_text("二〇二四年，全市知识产权工作稳步推进。")).to_be_visible()
    expect(page.get_by_role("heading", name="表1 2024 年主要指标完成情况")).to_be_visible()
    expect(page.get_by_role("heading", name="一、总体情况")).to_be_visible()

    page.goto("/reports/")
    page.get_by_label("年度").select_option("2024")
    page.get_by_role("button", name="生成（PDF 与 Word）").click()
    expect(page.get_by_test_id("job-status")).to_have_attribute("data-status", "succeeded")
    expect(page.get_by_test_id("job-status")).to_contain_text("2024-01")

    page.goto("/reports/")
    page.get_by_role("link", name="2024-01").click()
    expect(page.get_by_test_id("status")).to_have_text("草稿")
    page.get_by_role("button", name="发布（发布后不可修改）").click()
    expect(page.get_by_test_id("status")).to_have_text("已发布")
    expect(page.get_by_role("button", name="发布（发布后不可修改）")).to_have_count(0)
    page.get_by_role("button", name="退出").click()

    page.goto("/reports/published/")
    editions = page.get_by_test_id("published-editions")
    expect(editions).to_contain_text("烟台市知识产权发展与保护状况白皮书（2024）")
    with page.expect_download() as download:
        editions.get_by_role("link", name="下载PDF 版").click()
    assert download.value.suggested_filename.endswith(".pdf")
    with open(download.value.path(), "rb") as handle:
        assert handle.read(5) == b"%PDF-"
