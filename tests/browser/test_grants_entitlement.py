"""免申即享: the city runs detection over the registry, the enterprise confirms (意愿确认), the city
approves and pays; running detection again creates nothing new."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal

import pytest

from ipcity.core.audit import Actor
from ipcity.grants import clock
from ipcity.grants.models import Entitlement
from ipcity.grants.services import set_budget
from ipcity.registry.models import Trademark
from ipcity.registry.services import update_payee_account
from ipcity.test import load_plan_for_tests, make_personas

from .test_grants_application import sign_in, sign_out

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def workflow_day() -> Iterator[dt.date]:
    day = dt.date(2024, 6, 3)
    clock.set_today(day)
    yield day
    clock.set_today(None)


def test_entitlement_from_detection_to_payment(page, workflow_day) -> None:
    from playwright.sync_api import expect

    load_plan_for_tests()
    personas = make_personas()
    set_budget("madrid_trademark", 2024, Decimal("1000000"), actor=Actor.cli("browser test"))
    update_payee_account(
        personas.org_a,
        actor=Actor.cli("browser test"),
        name="测试甲公司",
        bank="中国银行烟台分行",
        account="62166100000012",
    )
    # The registry holds a new Madrid registration of 测试甲公司.
    Trademark.objects.create(
        registration_number="56543210", name="甲牌", classes=[7], kind="ordinary", status="registered",
        holder_name=personas.org_a.name, holder=personas.org_a, registration_date=dt.date(2024, 3, 8),
        madrid_number="1654321", designated_countries=["US", "EU"],
    )  # fmt: skip

    sign_in(page, "t-admin")
    page.goto("/grants/entitlements/detect/")
    page.get_by_label("比对年度").fill("2024")
    page.get_by_role("button", name="开始比对").click()
    expect(page.get_by_test_id("job-status")).to_have_attribute("data-status", "succeeded")
    expect(page.get_by_test_id("job-status")).to_contain_text("新建 1 项")
    sign_out(page)

    sign_in(page, "t-ent-a")
    page.get_by_test_id("nav-notifications").click()
    expect(page.locator("main")).to_contain_text("您有 1 项免申即享奖补待确认")
    page.goto("/grants/entitlements/")
    # The number carries the primary key, which earlier transactional tests may have advanced.
    page.get_by_role("link", name=Entitlement.objects.get().number).click()
    expect(page.get_by_test_id("event")).to_contain_text("马德里国际注册 1654321")
    expect(page.get_by_test_id("decision-amount")).to_contain_text("20,000.00 元")
    expect(page.get_by_test_id("explanation")).to_contain_text("二(五)5")
    page.get_by_label("确认申领").check()
    page.get_by_role("button", name="提交").click()
    expect(page.get_by_test_id("status")).to_have_text("已确认，待核定")
    detail_url = page.url
    sign_out(page)

    sign_in(page, "t-admin")
    page.goto(detail_url)
    page.get_by_role("button", name="核定").click()
    expect(page.get_by_test_id("status")).to_have_text("已核定，待兑现")
    page.get_by_label("支付日期").fill("2024-06-03")
    page.get_by_label("支付凭证号").fill("MS-2024-0001")
    page.get_by_role("button", name="登记兑现").click()
    expect(page.get_by_test_id("status")).to_have_text("已兑现")
    expect(page.get_by_test_id("payment")).to_contain_text("20,000.00 元")

    # Running detection again creates nothing new.
    page.goto("/grants/entitlements/detect/")
    page.get_by_label("比对年度").fill("2024")
    page.get_by_role("button", name="开始比对").click()
    expect(page.get_by_test_id("job-status")).to_contain_text("新建 0 项，已存在 1 项")
    assert Entitlement.objects.count() == 1
