"""The main pages work under the Content-Security-Policy: no inline script or style, so the
browser reports no violation (the `page` fixture fails the test on any), charts draw, tooltips
show, the confirm dialog and the auto-submitting select work from static/js/ipcity.js."""

from __future__ import annotations

import re

import pytest

from ipcity.accounts.backends import published_demo_password
from ipcity.core.audit import Actor
from ipcity.demo.services import load_full_demo
from ipcity.grants.models import Application
from ipcity.registry.models import Membership
from ipcity.test import load_plan_for_tests

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, username: str) -> None:
    from playwright.sync_api import expect

    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(published_demo_password())
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_test_id("current-user")).to_be_visible()


def hover_chart(page, selector: str) -> None:
    """Move over the chart so that ECharts draws its tooltip."""
    box = page.locator(selector).bounding_box()
    assert box is not None
    page.mouse.move(box["x"] + box["width"] * 0.5, box["y"] + box["height"] * 0.5)
    page.mouse.move(box["x"] + box["width"] * 0.55, box["y"] + box["height"] * 0.5)
    page.wait_for_timeout(300)


def test_main_pages_raise_no_policy_violation(page) -> None:
    from playwright.sync_api import expect

    load_plan_for_tests()
    load_full_demo(actor=Actor.cli("browser test"), patents=300, seed=7)

    response = page.goto("/")
    assert response is not None
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy and "unsafe-eval" not in policy
    expect(page.get_by_test_id("demo-banner")).to_be_visible()

    sign_in(page, "admin")
    script_errors: list[str] = []
    page.on("pageerror", lambda error: script_errors.append(str(error)))
    page.goto("/indicators/")
    expect(page.locator("#chart-trend canvas")).to_have_count(1)
    hover_chart(page, "#chart-trend")
    hover_chart(page, "#chart-regions")
    # Every district is labelled on the comparison chart, and its bars carry the values' text.
    regions = page.evaluate(
        """() => {
            const option = echarts.getInstanceByDom(document.getElementById("chart-regions")).getOption();
            return {interval: option.yAxis[0].axisLabel.interval, names: option.yAxis[0].data};
        }"""
    )
    assert regions["interval"] == 0 and {"芝罘区", "烟台开发区", "长岛综合试验区"} <= set(regions["names"])
    page.get_by_label("指标", exact=True).select_option("pledge_amount")
    hover_chart(page, "#chart-trend")
    assert script_errors == []
    # The year select submits its form without an inline handler.
    year = page.get_by_label("年份", exact=True)
    other = year.locator("option:not([selected])").first.get_attribute("value")
    year.select_option(other)
    expect(page).to_have_url(re.compile(rf"year={other}"))

    page.goto("/supervision/")
    expect(page.locator("#trend-chart canvas")).to_have_count(1)
    hover_chart(page, "#trend-chart")
    # 蓝黄红 badges get the colour of the flag rules from the script, not from a style attribute.
    badge = page.locator(".flag-badge[data-flag='red']").first
    expect(badge).to_have_css("background-color", "rgb(220, 53, 69)")

    page.goto("/registry/patents/")
    expect(page.locator("table tbody tr").first).to_be_visible()
    # The industry patent map draws its charts from the page's data, each with a save-as-image tool.
    page.goto("/market/navigation/biomedicine/")
    expect(page.locator("#map-years canvas")).to_have_count(1)
    hover_chart(page, "#map-years")
    page.goto("/market/auctions/")
    expect(page.get_by_test_id("auctions")).to_be_visible()
    assert script_errors == []
    page.goto("/admin/accounts/loginattempt/")
    expect(page.locator("#content h1")).to_be_visible()
    page.goto("/")
    page.get_by_role("button", name="退出").click()

    # The applicant withdraws a submitted application after a confirm dialog (data-confirm).
    app = Application.objects.filter(status="submitted").select_related("organisation").first()
    assert app is not None
    owner = Membership.objects.filter(organisation=app.organisation).select_related("user").first()
    assert owner is not None
    sign_in(page, owner.user.username)
    page.goto(f"/grants/applications/{app.pk}/")
    page.once("dialog", lambda dialog: dialog.dismiss())
    page.get_by_role("button", name="撤回申请").click()
    expect(page.get_by_test_id("status")).to_have_text("待区市初审")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="撤回申请").click()
    expect(page.get_by_test_id("status")).to_have_text("已撤回")
