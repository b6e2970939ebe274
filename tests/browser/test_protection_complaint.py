"""电商投诉 (电子商务法 arts. 42–43): a rights holder files a complaint against a listing, the platform
takes measures and forwards it, records the merchant's declaration of non-infringement, the 15-day
waiting period passes on protection's clock, the platform ends the measures and closes the case, and
the rights holder scores the handling."""

from __future__ import annotations

import datetime as dt

import pytest

from ipcity.protection import clock
from ipcity.protection.tests.helpers import MONDAY, patent, platform
from ipcity.test import load_plan_for_tests, make_personas

from .test_grants_application import sign_in, sign_out

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_complaint_from_notice_to_feedback(page) -> None:
    from playwright.sync_api import expect

    load_plan_for_tests()
    personas = make_personas()
    platform_org, _platform_user = platform("测试海购电商平台", "t-platform")
    right = patent(personas.org_a)
    clock.set_today(MONDAY)
    try:
        # The rights holder files the notice with its registry patent.
        sign_in(page, "t-ent-a")
        page.goto("/protection/complaints/new/")
        expect(page.get_by_test_id("time-limits")).to_contain_text("第四十三条")
        page.get_by_label("电商平台").select_option(label=platform_org.name)
        page.get_by_label("店铺名称").fill("仿冒旗舰店")
        page.get_by_label("商品链接").fill("https://shop.example.com/item/42")
        page.get_by_label("权利类型").select_option(label="专利")
        page.get_by_label("权利证书号或申请号").fill(f"CN{right.application_number}")
        page.get_by_label("侵权初步证据").fill("公证购买的样品落入权利要求1")
        page.get_by_role("button", name="提交投诉").click()
        expect(page.get_by_test_id("status")).to_have_text("已投诉，待平台处理")
        expect(page.get_by_test_id("due")).to_have_text("2026-03-05")  # 3 working days
        complaint_url = page.url
        sign_out(page)

        # The platform finds it on its desk, takes measures and forwards it.
        sign_in(page, "t-platform")
        page.goto("/desk/")
        page.get_by_role("link", name="已投诉，待平台处理：仿冒旗舰店").first.click()
        page.get_by_label("必要措施").select_option(label="断开链接")
        page.get_by_role("button", name="采取必要措施并转送经营者").click()
        expect(page.get_by_test_id("status")).to_have_text("已采取必要措施，待经营者声明")
        expect(page.get_by_test_id("measures")).to_contain_text("断开链接")
        # The merchant's declaration, forwarded to the rights holder: the 15 days start.
        page.get_by_label("经营者不侵权声明").fill("产品结构不同，不构成侵权")
        page.get_by_role("button", name="登记经营者声明并转送权利人").click()
        expect(page.get_by_test_id("status")).to_have_text("经营者已声明不侵权，等待权利人投诉或起诉")
        expect(page.get_by_test_id("wait-until")).to_have_text("2026-03-17")
        expect(page.locator('[data-action="restore"]')).to_have_count(0)  # not before the wait ends
        sign_out(page)

        # The waiting period passes without a complaint or suit.
        clock.set_today(dt.date(2026, 3, 18))
        sign_in(page, "t-platform")
        page.goto(complaint_url)
        page.get_by_role("button", name="等待期届满，终止措施").click()
        expect(page.get_by_test_id("status")).to_have_text("措施终止，已恢复")
        page.get_by_role("button", name="办结").click()
        expect(page.get_by_test_id("status")).to_have_text("已办结")
        sign_out(page)

        # The rights holder scores the handling.
        sign_in(page, "t-ent-a")
        page.goto(complaint_url)
        page.get_by_label("办结满意度").select_option(label="4 分 满意")
        page.get_by_label("意见").fill("处理及时")
        page.get_by_role("button", name="提交评价").click()
        expect(page.get_by_test_id("satisfaction")).to_contain_text("4 分")
        expect(page.locator('[data-action="feedback"]')).to_have_count(0)
    finally:
        clock.set_today(None)
