"""The IP office imports a patent export through the upload page, then browses patents and a profile."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ipcity.lib.identifiers import patent_check_digit
from ipcity.test import PASSWORD, load_plan_for_tests, make_personas

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _number(year: int, type_digit: str, serial: int) -> str:
    digits = f"{year}{type_digit}{serial:07d}"
    return f"{digits}.{patent_check_digit(digits)}"


def _export(path: Path, rows: list[list[str]]) -> Path:
    headers = ["申请号", "申请日", "名称", "申请（专利权）人", "主分类号", "分类号", "法律状态", "地址"]
    lines = [",".join(headers), *(",".join(r) for r in rows)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8-sig")
    return path


def _sign_in(page, username: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()


def test_admin_imports_an_export_and_browses_the_result(page, tmp_path: Path) -> None:
    from playwright.sync_api import expect

    load_plan_for_tests()
    personas = make_personas()
    a, b, c = _number(2022, "1", 11), _number(2022, "1", 12), _number(2023, "2", 13)
    bad = _export(
        tmp_path / "bad.csv",
        [
            [
                f"CN{a[:-1]}{'0' if a[-1] != '0' else '1'}",
                "2022-01-05",
                "一种装置",
                "测试甲公司",
                "G06F 1/16",
                "",
                "有效",
                "",
            ]
        ],
    )
    good = _export(
        tmp_path / "good.csv",
        [
            [f"CN{a}", "2022-01-05", "一种散热装置", "测试甲公司", "G06F 1/16", "", "有效", "烟台市芝罘区"],
            [
                f"CN{b}",
                "2022.02.06",
                "一种数据检索方法",
                "测试甲公司",
                "G06F 16/30",
                "",
                "审中",
                "烟台市芝罘区",
            ],
            [f"CN{c}", "20230307", "一种夹具", "测试乙公司", "B23K 37/04", "", "有效", "烟台市莱山区"],
        ],
    )

    _sign_in(page, "t-admin")
    page.goto("/registry/imports/")
    page.get_by_label("数据类别").select_option(label="专利")
    page.get_by_label("文件（.xlsx 或 .csv）").set_input_files(str(bad))
    page.get_by_role("button", name="上传并导入").click()
    expect(page.get_by_test_id("job-status")).to_contain_text("失败")
    expect(page.get_by_test_id("job-status")).to_contain_text("第 2 行“申请号”列")
    expect(page.get_by_test_id("job-status")).to_contain_text("专利申请号校验位错误")

    page.goto("/registry/imports/")
    page.get_by_label("数据类别").select_option(label="专利")
    page.get_by_label("文件（.xlsx 或 .csv）").set_input_files(str(good))
    page.get_by_role("button", name="上传并导入").click()
    expect(page.get_by_test_id("job-status")).to_contain_text("已完成")
    expect(page.get_by_test_id("job-status")).to_contain_text("新增 3")

    # The public patent list: filter by IPC main group G06F 1 (not G06F 16) without a page reload.
    page.goto("/registry/patents/")
    expect(page.get_by_test_id("result-count")).to_contain_text("共 3 件专利")
    page.get_by_label("IPC").fill("G06F 1")
    page.get_by_role("button", name="筛选").click()
    expect(page.get_by_test_id("result-count")).to_contain_text("共 1 件专利")
    expect(page).to_have_url(re.compile(r"ipc=G06F"))
    page.get_by_role("link", name=f"CN{a}").click()
    expect(page.get_by_test_id("legal-status")).to_contain_text("有效")
    page.get_by_role("link", name="测试甲公司").click()

    # The organisation profile (一企一档) with its portfolio.
    expect(page.get_by_role("heading", name="专利（2 件）")).to_be_visible()
    expect(page.get_by_test_id("portfolio")).to_contain_text("有效：1")
    expect(page.get_by_test_id("portfolio")).to_contain_text("审中：1")

    # An enterprise sees its own profile, not another's.
    page.get_by_role("button", name="退出").click()
    _sign_in(page, "t-ent-b")
    response = page.goto(f"/registry/organisations/{personas.org_a.pk}/")
    assert response is not None and response.status == 404
    page.goto(f"/registry/organisations/{personas.org_b.pk}/")
    expect(page.get_by_role("heading", name="专利（1 件）")).to_be_visible()
