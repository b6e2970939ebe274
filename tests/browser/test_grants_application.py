"""An enterprise applies for a 快申快享 reward; the district and the city review it; after publicity
the city approves and records the payment; the ledger shows it."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from decimal import Decimal

import pytest

from ipcity.core.audit import Actor
from ipcity.grants import clock
from ipcity.grants.services import set_budget
from ipcity.test import PASSWORD, load_plan_for_tests, make_personas

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.4\n% ipcity browser test\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def workflow_day() -> Iterator[dt.date]:
    # The workflow clock is process-wide, so the live server's threads see it too.
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


def sign_out(page) -> None:
    page.get_by_role("button", name="退出").click()


def test_application_from_submission_to_payment(page, workflow_day, tmp_path) -> None:
    from playwright.sync_api import expect

    load_plan_for_tests()
    personas = make_personas()
    set_budget("foreign_litigation", 2024, Decimal("2000000"), actor=Actor.cli("browser test"))

    # The enterprise finds the item, fills the facts and sees the amount and why before submitting.
    sign_in(page, "t-ent-a")
    page.goto("/grants/apply/")
    page.locator("tr[data-item='foreign_litigation']").get_by_role("link", name="申报").click()
    page.get_by_label("判定日期：胜诉裁判生效日期").fill("2024-05-20")
    page.get_by_label("知识产权或项目编号").fill("(2024)鲁02民初123号")
    page.get_by_label("是否为知识产权涉外纠纷").select_option(label="是")
    page.get_by_label("是否为司法诉讼").select_option(label="是")
    page.get_by_label("企业（原告或被告）是否胜诉").select_option(label="是")
    page.get_by_label("已支付的律师等服务费用（元）").fill("300000")
    page.get_by_role("button", name="计算金额").click()
    expect(page.get_by_test_id("decision-amount")).to_contain_text("150,000.00 元")
    page.get_by_text("计算说明").click()
    expect(page.get_by_test_id("explanation")).to_contain_text("二(一)4")
    page.get_by_role("button", name="保存为草稿").click()
    expect(page.get_by_test_id("status")).to_have_text("草稿")

    # Materials are checked by content: a text file named .pdf is refused.
    fake = tmp_path / "发票.pdf"
    fake.write_bytes(b"plain text, not a PDF")
    page.get_by_label("文件").set_input_files(str(fake))
    page.get_by_role("button", name="上传").click()
    expect(page.get_by_role("alert").first).to_contain_text("不是允许的类型")
    real = tmp_path / "判决书.pdf"
    real.write_bytes(PDF)
    page.get_by_role("combobox", name="材料名称").select_option(label="生效裁判文书")
    page.get_by_label("文件").set_input_files(str(real))
    page.get_by_role("button", name="上传").click()
    expect(page.get_by_test_id("materials")).to_contain_text("判决书.pdf")
    # Each material the guide names needs a file (test_grants_materials.py shows the refusal).
    for name in ("服务合同", "服务费用支付凭证和发票", "营业执照"):
        upload = tmp_path / f"{name}.pdf"
        upload.write_bytes(PDF)
        page.get_by_role("combobox", name="材料名称").select_option(label=name)
        page.get_by_label("文件").set_input_files(str(upload))
        page.get_by_role("button", name="上传").click()
        expect(page.get_by_test_id("materials")).to_contain_text(f"{name}.pdf")
    page.get_by_role("button", name="提交申请").click()
    expect(page.get_by_test_id("status")).to_have_text("待区市初审")
    expect(page.get_by_test_id("sla")).to_contain_text("剩余 60 个工作日")
    detail_url = page.url
    sign_out(page)

    # 芝罘区 reviews first.
    sign_in(page, "t-zhifu")
    page.goto("/grants/")
    page.get_by_role("link", name=re.compile(r"^SQ2024")).click()
    page.get_by_label("通过").check()
    page.get_by_role("button", name="提交初审意见").click()
    expect(page.get_by_test_id("status")).to_have_text("待市级审核")
    sign_out(page)

    # The city passes it; it is published.
    sign_in(page, "t-admin")
    page.goto(detail_url)
    page.get_by_label("通过").check()
    page.get_by_role("button", name="提交审核意见").click()
    expect(page.get_by_test_id("status")).to_have_text("公示中")
    expect(page.get_by_role("button", name="核定")).to_be_disabled()
    page.goto("/grants/publicity/")
    expect(page.get_by_test_id("publicity")).to_contain_text(personas.org_a.name)

    # After the publicity period the city approves; it cannot pay before the enterprise has a payee
    # account in its 一企一档.
    clock.set_today(dt.date(2024, 6, 17))
    page.goto(detail_url)
    page.get_by_role("button", name="核定").click()
    expect(page.get_by_test_id("status")).to_have_text("已核定，待兑现")
    expect(page.get_by_test_id("grant")).to_contain_text("150,000.00 元")
    expect(page.get_by_test_id("pay-blocked")).to_contain_text("测试甲公司尚未在一企一档登记收款账户")
    expect(page.get_by_role("button", name="登记兑现")).to_have_count(0)
    sign_out(page)

    sign_in(page, "t-ent-a")
    page.goto(f"/registry/organisations/{personas.org_a.pk}/")
    page.get_by_role("link", name="登记收款账户").click()
    page.get_by_label("户名").fill("测试甲公司")
    page.get_by_label("开户行").fill("中国工商银行烟台芝罘支行")
    page.get_by_label("账号").fill("6222 0216 0200 0123")
    page.get_by_role("button", name="保存收款账户").click()
    expect(page.get_by_test_id("payee-account")).to_contain_text("6222021602000123")
    sign_out(page)

    sign_in(page, "t-admin")
    page.goto(detail_url)
    expect(page.get_by_test_id("payee-preview")).to_contain_text(
        "测试甲公司，中国工商银行烟台芝罘支行，6222021602000123"
    )
    page.get_by_label("支付日期").fill("2024-06-17")
    page.get_by_label("支付凭证号").fill("ZF-2024-0603")
    page.get_by_role("button", name="登记兑现").click()
    expect(page.get_by_test_id("status")).to_have_text("已兑现")
    expect(page.get_by_test_id("payment")).to_contain_text("ZF-2024-0603")
    expect(page.get_by_test_id("payment-payee")).to_contain_text("6222021602000123")
    page.goto("/grants/ledger/")
    expect(page.get_by_test_id("ledger")).to_contain_text("芝罘区")
    expect(page.get_by_test_id("ledger-total")).to_contain_text("合计 1 笔，15 万元")
    sign_out(page)

    # The district sees the payment, not the whole account number.
    sign_in(page, "t-zhifu")
    page.goto("/grants/ledger/")
    expect(page.get_by_test_id("payee")).to_contain_text("****0123")
    sign_out(page)

    # The enterprise is told and sees the payment.
    sign_in(page, "t-ent-a")
    page.get_by_test_id("nav-notifications").click()
    expect(page.locator("main")).to_contain_text("涉外知识产权诉讼胜诉补贴已兑现")
    page.goto(detail_url)
    expect(page.get_by_test_id("sla")).to_contain_text("已于 2024-06-17 兑现")
