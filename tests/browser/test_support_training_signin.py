"""The city office registers a training and finds its sign-in link; a participant signs in on a
phone-sized page without an account; the training's person-times show the sign-in."""

from __future__ import annotations

import pytest
from django.utils import timezone

from ipcity.test import PASSWORD, load_plan_for_tests, make_personas

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_register_a_training_and_sign_in_on_a_phone(page, browser) -> None:
    from playwright.sync_api import expect

    load_plan_for_tests()
    make_personas()
    today = timezone.localdate().isoformat()

    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill("t-admin")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.goto("/support/trainings/new/")
    page.get_by_label("培训名称").fill("企业知识产权管理规范培训")
    page.get_by_label("主办单位").fill("烟台市知识产权局")
    page.get_by_label("培训类别").select_option(label="企业知识产权管理")
    page.get_by_label("开始日期").fill(today)
    page.get_by_label("结束日期").fill(today)
    page.get_by_label("学时").fill("6")
    page.get_by_label("地点").fill("芝罘区会议中心")
    page.get_by_label("所在区市").select_option(label="芝罘区")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_role("alert").first).to_contain_text("已登记培训")
    link = page.get_by_test_id("signin-url").get_attribute("href")
    assert link is not None and link.startswith("/support/sign/")

    phone = browser.new_context(
        viewport={"width": 390, "height": 844}, base_url=page.url.split("/support/")[0]
    )
    mobile = phone.new_page()
    mobile.goto(link)
    mobile.get_by_label("姓名").fill("张三")
    mobile.get_by_label("单位").fill("测试甲公司")
    mobile.get_by_role("button", name="签到").click()
    expect(mobile.get_by_test_id("signed-in")).to_contain_text("张三，签到成功")
    phone.close()

    page.reload()
    expect(page.get_by_test_id("signin-count")).to_have_text("1")
    expect(page.get_by_test_id("signins")).to_contain_text("手机签到")
