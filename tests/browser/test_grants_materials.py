"""An enterprise sees which named materials are missing and cannot submit; it adds them (a PDF, a
Word 97–2003 .doc, an OFD invoice) and submits; the district reviewer then sees no warning."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest

from ipcity.core.tests import office_files
from ipcity.grants import clock
from ipcity.test import load_plan_for_tests, make_personas

from .test_grants_application import PDF, sign_in, sign_out

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def workflow_day() -> Iterator[dt.date]:
    day = dt.date(2024, 6, 3)
    clock.set_today(day)
    yield day
    clock.set_today(None)


def test_missing_materials_block_submission_until_added(page, workflow_day, tmp_path) -> None:
    from playwright.sync_api import expect

    load_plan_for_tests()
    make_personas()

    sign_in(page, "t-ent-a")
    page.goto("/grants/apply/ip_management_standard/")
    page.get_by_label("判定日期：认证证书颁发日期").fill("2024-05-10")
    page.get_by_label("是否取得《企业知识产权管理规范》（GB/T 29490）有效认证证书").select_option(label="是")
    page.get_by_label("实际认证费用（元）").fill("45000")
    page.get_by_role("button", name="保存为草稿").click()
    expect(page.get_by_test_id("status")).to_have_text("草稿")

    checklist = page.get_by_test_id("material-checklist")
    blocked = page.get_by_test_id("submit-blocked")
    expect(checklist).to_contain_text("认证费用发票")
    expect(blocked).to_contain_text("尚缺申报材料：认证证书、认证合同、认证费用发票")
    expect(page.get_by_role("button", name="提交申请")).to_have_count(0)

    files = {
        "认证证书": ("证书.pdf", PDF),
        "认证合同": ("认证合同.doc", office_files.word_97()),
        "认证费用发票": ("电子发票.ofd", office_files.ofd()),
    }
    for name, (file_name, data) in files.items():
        path = tmp_path / file_name
        path.write_bytes(data)
        page.get_by_role("combobox", name="材料名称").select_option(label=name)
        page.get_by_label("文件").set_input_files(str(path))
        page.get_by_role("button", name="上传").click()
        expect(page.get_by_test_id("materials")).to_contain_text(file_name)
        if name == "认证证书":
            expect(blocked).to_contain_text("尚缺申报材料：认证合同、认证费用发票")
    expect(blocked).to_have_count(0)
    expect(checklist).not_to_contain_text("未上传")
    page.get_by_role("button", name="提交申请").click()
    expect(page.get_by_test_id("status")).to_have_text("待区市初审")
    detail_url = page.url
    sign_out(page)

    sign_in(page, "t-zhifu")
    page.goto(detail_url)
    expect(page.get_by_test_id("material-checklist")).to_contain_text("已上传 1 份")
    expect(page.get_by_test_id("missing-materials")).to_have_count(0)
    expect(page.get_by_role("button", name="提交初审意见")).to_be_visible()
