"""The city office draws the experts of a 择优 application at random from support's pool (回避
applied), checks the draw record, replaces an expert who cannot serve, records the scores and
concludes the review."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal

import pytest

from ipcity.core.audit import Actor
from ipcity.grants import clock, services
from ipcity.grants.choices import ReviewDecision
from ipcity.support import services as support
from ipcity.test import PASSWORD, load_plan_for_tests, make_personas

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CLI = Actor.cli("browser test")
PDF = b"%PDF-1.4\n% ipcity browser test\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def workflow_day() -> Iterator[dt.date]:
    day = dt.date(2024, 6, 3)
    clock.set_today(day)
    yield day
    clock.set_today(None)


def sign_in(page, username: str) -> None:
    from playwright.sync_api import expect

    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_test_id("current-user")).to_be_visible()


def test_the_expert_review_draws_replaces_and_concludes(page, workflow_day) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile
    from playwright.sync_api import expect

    from ipcity.policy.engine import default_catalog

    load_plan_for_tests()
    personas = make_personas()
    services.set_budget("city_advantage_enterprise", 2024, Decimal("2000000"), actor=CLI)
    field = "high_end_equipment"
    for name in ("钱评审", "孙评审", "李评审", "周评审"):
        support.save_expert(actor=CLI, name=name, field=field, employer_name=f"{name[0]}氏研究院")
    support.save_expert(actor=CLI, name="点名回避", field=field, employer_name="某大学")
    support.save_expert(actor=CLI, name="本单位专家", field=field, employer=personas.org_a)
    ent = Actor.web(personas.enterprise_a)
    app = services.create_application(
        personas.org_a, "city_advantage_enterprise", actor=ent, decisive_date=dt.date(2024, 5, 20), facts={}
    )
    for label in default_catalog().items[app.item_code].upload_materials:
        services.add_material(app, SimpleUploadedFile(f"{label}.pdf", PDF), actor=ent, label=label)
    services.submit_application(app, actor=ent)
    services.review_in_district(app, actor=Actor.web(personas.district_a), decision=ReviewDecision.PASS)
    services.review_in_city(app, actor=Actor.web(personas.admin), decision=ReviewDecision.PASS)

    sign_in(page, "t-admin")
    page.goto(f"/grants/applications/{app.pk}/")
    expect(page.get_by_test_id("status")).to_have_text("专家评审中")
    draw_form = page.get_by_test_id("expert-draw")
    draw_form.get_by_label("专业领域").select_option(label="高端装备")
    draw_form.get_by_label("抽取人数").fill("3")
    draw_form.get_by_label("点名回避（某大学）").check()
    draw_form.get_by_role("button", name="随机抽取").click()
    expect(page.get_by_role("alert").first).to_contain_text("已随机抽取并指派评审专家")
    rows = page.locator("tr[data-assignment]")
    expect(rows).to_have_count(3)
    expect(rows.filter(has_text="点名回避")).to_have_count(0)
    expect(rows.filter(has_text="本单位专家")).to_have_count(0)

    # The draw record: the seed, and who was kept out and why.
    rows.first.get_by_role("link", name="查看抽取").click()
    expect(page.get_by_test_id("seed")).not_to_be_empty()
    excluded = page.get_by_test_id("excluded")
    expect(excluded).to_contain_text("申报单位申请回避")
    expect(excluded).to_contain_text("与申报单位为同一工作单位")
    expect(page.get_by_test_id("picks").locator("li")).to_have_count(3)
    page.go_back()

    # One drawn expert cannot serve: a replacement is drawn from the one left.
    first = rows.first
    leaving = first.locator("td").first.inner_text()
    first.get_by_text("退出并补抽").click()
    first.get_by_placeholder("退出原因").fill("临时出差")
    first.get_by_role("button", name="补抽").click()
    expect(page.get_by_role("alert").first).to_contain_text("已随机补抽一位专家")
    expect(rows).to_have_count(3)
    expect(rows.filter(has_text=leaving)).to_have_count(0)

    # Scores given on paper, entered by the city; then the conclusion.
    for i in range(3):
        row = page.locator("tr[data-assignment]").nth(i)
        name = row.locator("td").first.inner_text().split("（")[0]
        row.get_by_label(f"{name}的评分").fill("85")
        row.get_by_role("button", name="录入").click()
        expect(page.get_by_role("alert").first).to_contain_text("的评分")
    conclusion = page.locator("form[action$='/expert-conclusion/']")
    conclusion.get_by_label("通过").check()
    conclusion.get_by_label("审定金额（元）").fill("150000")
    conclusion.get_by_role("button", name="提交评审结论").click()
    expect(page.get_by_test_id("status")).to_have_text("公示中")
