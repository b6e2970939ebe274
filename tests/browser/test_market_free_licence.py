"""技术市场: a university lists a patent as a free licence for SMEs (方案二(三)1), an SME finds it by a
phrase that appears only in the patent's abstract, sees why it matches its own need, and expresses
interest; the university accepts and records the signed contract, the SME confirms, and the licence
shows on both organisations' 一企一档 and in the registry's licence list."""

from __future__ import annotations

import pytest

from ipcity.accounts.services import upsert_user
from ipcity.core.models import Region
from ipcity.market import services
from ipcity.market.tests.helpers import patent
from ipcity.registry.services import bind_user_to_organisation, upsert_organisation
from ipcity.test import PASSWORD, SETUP, load_plan_for_tests, make_personas

from .test_grants_application import sign_in, sign_out

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_free_licence_from_listing_to_both_profiles(page) -> None:
    from playwright.sync_api import expect

    load_plan_for_tests()
    personas = make_personas()
    university, _ = upsert_organisation(
        actor=SETUP,
        name="测试滨海大学",
        values={"kind": "university", "region": Region.objects.get(name="芝罘区")},
    )
    upsert_organisation(actor=SETUP, name=personas.org_b.name, values={"size": "small"})
    user, _ = upsert_user("t-univ", actor=SETUP, role="applicant", password=PASSWORD)
    bind_user_to_organisation(user, university, actor=SETUP)
    p = patent(university, title="一种果蔬低温等离子体保鲜方法")
    p.abstract = "利用介质阻挡放电产生的低温等离子体杀灭果蔬表面微生物，延长冷藏保鲜期。"
    p.save()
    need = services.create_need(
        actor=SETUP,
        organisation=personas.org_b,
        values={
            "title": "海产品冷链保鲜",
            "problem": "需要杀灭表面微生物、延长冷藏保鲜期的技术。",
            "field": "food_processing",
            "budget_min": None,
            "budget_max": None,
            "deadline": None,
            "region": personas.org_b.region,
            "contact_person": "李经理",
            "contact_phone": "0535-7654321",
        },
    )
    services.publish_need(need, actor=SETUP)

    # The university lists the patent as a free licence for SMEs and publishes it.
    sign_in(page, "t-univ")
    page.goto("/market/offers/new/")
    page.get_by_label("成果名称").fill("果蔬低温等离子体保鲜技术")
    page.get_by_label("专利申请号").fill(f"CN{p.application_number}")
    page.get_by_label("交易方式").select_option(label="免费许可（面向中小微企业）")
    page.get_by_label("技术领域").select_option(label="食品精深加工")
    page.get_by_label("应用领域与产品").fill("苹果、大樱桃冷库保鲜")
    page.get_by_label("成熟度").select_option(label="中试")
    page.get_by_label("联系人").fill("王老师")
    page.get_by_label("联系电话").fill("0535-6900000")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_test_id("status")).to_have_text("草稿")
    page.get_by_role("button", name="发布").click()
    expect(page.get_by_test_id("status")).to_have_text("已发布")
    expect(page.get_by_test_id("price")).to_contain_text("免费")
    sign_out(page)

    # The public finds it by a phrase, without the contact.
    page.goto("/market/")
    page.get_by_label("关键词").fill("冷库保鲜")
    page.get_by_role("button", name="查询").click()
    page.get_by_role("link", name="果蔬低温等离子体保鲜技术").click()
    expect(page.get_by_test_id("contact")).to_contain_text("登录后可见")

    # The SME signs in and finds it by a phrase only the patent's abstract holds.
    sign_in(page, "t-ent-b")
    page.goto("/market/")
    page.get_by_label("关键词").fill("介质阻挡放电")
    page.get_by_role("button", name="查询").click()
    expect(page.get_by_test_id("result-count")).to_have_text("共 1 项")
    # Its own need's matches list the offer, with the reasons.
    page.goto(f"/market/needs/{need.pk}/")
    page.get_by_test_id("matches-link").click()
    matched = page.get_by_test_id("matched-offers")
    expect(matched).to_contain_text("果蔬低温等离子体保鲜技术")
    expect(matched.get_by_test_id("match-reasons").first).to_contain_text("共同关键词")
    expect(matched.get_by_test_id("match-reasons").first).to_contain_text("微生物")
    matched.get_by_role("link", name="果蔬低温等离子体保鲜技术").click()
    expect(page.get_by_test_id("contact")).to_contain_text("王老师，0535-6900000")
    page.get_by_label("意向说明").fill("用于海产品冷链")
    page.get_by_role("button", name="表达意向").click()
    expect(page.get_by_test_id("status")).to_have_text("有意向，待接洽")
    deal_url = page.url
    sign_out(page)

    # The university sees it on its desk, accepts, and records the signed contract (0 元).
    sign_in(page, "t-univ")
    page.goto("/desk/")
    page.get_by_role("link", name="接洽意向：果蔬低温等离子体保鲜技术").first.click()
    page.get_by_role("button", name="接洽").click()
    expect(page.get_by_test_id("status")).to_have_text("洽谈中")
    page.get_by_label("合同类型").select_option(label="普通许可")
    page.get_by_label("合同金额（元）").fill("0")
    page.get_by_role("button", name="登记签约").click()
    expect(page.get_by_test_id("status")).to_have_text("已签约，待确认")
    sign_out(page)

    # The SME confirms: the licence is recorded in the registry.
    sign_in(page, "t-ent-b")
    page.goto("/desk/")
    page.get_by_role("link", name="确认成交：果蔬低温等离子体保鲜技术").click()
    assert page.url == deal_url
    page.get_by_role("button", name="确认成交").click()
    expect(page.get_by_test_id("status")).to_have_text("已确认成交")
    expect(page.get_by_test_id("licence")).to_contain_text("已登记")
    page.goto(f"/registry/organisations/{personas.org_b.pk}/")
    expect(page.get_by_test_id("licences")).to_contain_text("测试滨海大学")
    expect(page.get_by_test_id("licences")).to_contain_text(p.application_number)
    page.goto("/registry/licences/")
    expect(page.get_by_role("main")).to_contain_text("测试滨海大学")
    sign_out(page)

    sign_in(page, "t-univ")
    page.goto(f"/registry/organisations/{university.pk}/")
    expect(page.get_by_test_id("licences")).to_contain_text(personas.org_b.name)
    expect(page.get_by_test_id("licences")).to_contain_text("普通许可")
