"""The patent importer's term-extension columns (专利法 第四十二条第二、三款): read, validated with
Chinese errors, stored, updated and audited; an absent column leaves the stored days alone."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from ipcity.core.models import AuditEvent
from ipcity.registry.importers import import_file
from ipcity.registry.models import Patent
from ipcity.registry.tests.helpers import ACTOR, app_no, write_csv, write_xlsx

pytestmark = pytest.mark.django_db

HEADERS = [
    "申请号",
    "申请日",
    "名称",
    "申请（专利权）人",
    "法律状态",
    "专利权期限补偿（天）",
    "药品专利期限补偿（天）",
]
INVENTION = app_no(2015, "1", 4001)
DRUG = app_no(2012, "1", 4002)
UTILITY = app_no(2016, "2", 4003)


def line(number: str, filed: str, delay: object = "", drug: object = "") -> list[object]:
    return [f"CN{number}", filed, "一种测试化合物", "烟台测试药业有限公司", "有效", delay, drug]


def test_extension_days_are_stored_and_added_to_the_term(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "ext.csv",
        HEADERS,
        [
            line(INVENTION, "2015-03-10", "120天"),
            line(DRUG, "2012-01-05", "", "１８２６"),
            line(UTILITY, "2016-05-05"),
        ],
    )
    result = import_file("patents", path, actor=ACTOR)
    assert (result.created, result.rejected) == (3, 0), result.errors
    invention = Patent.objects.get(application_number=INVENTION)
    assert (invention.delay_extension_days, invention.drug_extension_days) == (120, None)
    assert invention.term_end == dt.date(2035, 3, 9) + dt.timedelta(days=120)
    drug = Patent.objects.get(application_number=DRUG)
    assert (drug.delay_extension_days, drug.drug_extension_days) == (None, 1826)
    # 2032-01-04 + 1826 days: five calendar years from there hold two 29 Februaries (1827 days)
    assert drug.term_end == dt.date(2037, 1, 3)
    utility = Patent.objects.get(application_number=UTILITY)
    assert (utility.extension_days, utility.term_end) == (0, dt.date(2026, 5, 4))


def test_aliases_and_excel_numbers(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "ext.xlsx",
        ["申请号", "申请日", "名称", "申请（专利权）人", "法律状态", "期限补偿天数", "药品专利期限补偿"],
        [line(INVENTION, "2015-03-10", 30, 400.0)],
    )
    result = import_file("patents", path, actor=ACTOR)
    assert (result.created, result.rejected) == (1, 0), result.errors
    patent = Patent.objects.get()
    assert (patent.delay_extension_days, patent.drug_extension_days, patent.extension_days) == (30, 400, 430)


def test_bad_extensions_are_refused_with_chinese_reasons(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "bad.csv",
        HEADERS,
        [
            line(INVENTION, "2015-03-10", "一年"),
            line(DRUG, "2012-01-05", "", "1828"),
            line(UTILITY, "2016-05-05", "30"),
            line(app_no(2015, "1", 4004), "2015-03-10", "-5"),
        ],
    )
    result = import_file("patents", path, actor=ACTOR)
    assert result.refused and result.rejected == 4
    assert [e.as_dict() for e in result.errors] == [
        {
            "row": 2,
            "column": "专利权期限补偿（天）",
            "value": "一年",
            "message": "期限补偿应为天数（不小于 0 的整数，如 365），实际为“一年”",
        },
        {
            "row": 3,
            "column": "药品专利期限补偿（天）",
            "value": "1828",
            "message": "期限补偿 1828 天超过五年（专利法第四十二条第三款），最多 1827 天",
        },
        {
            "row": 4,
            "column": "专利权期限补偿（天）",
            "value": "30",
            "message": "只有发明专利可以给予期限补偿（专利法第四十二条），该申请号为实用新型",
        },
        {
            "row": 5,
            "column": "专利权期限补偿（天）",
            "value": "-5",
            "message": "期限补偿应为天数（不小于 0 的整数，如 365），实际为“-5”",
        },
    ]
    assert Patent.objects.count() == 0


def test_a_changed_extension_is_audited_and_an_absent_column_keeps_it(tmp_path: Path) -> None:
    import_file(
        "patents",
        write_csv(tmp_path / "v1.csv", HEADERS, [line(INVENTION, "2015-03-10", "120")]),
        actor=ACTOR,
    )
    result = import_file(
        "patents",
        write_csv(tmp_path / "v2.csv", HEADERS, [line(INVENTION, "2015-03-10", "150")]),
        actor=ACTOR,
    )
    assert result.updated == 1
    event = AuditEvent.objects.get(action="patent.update")
    assert (event.before, event.after) == ({"delay_extension_days": 120}, {"delay_extension_days": 150})
    slim = write_csv(
        tmp_path / "status.csv",
        HEADERS[:5],
        [[f"CN{INVENTION}", "2015-03-10", "一种测试化合物", "烟台测试药业有限公司", "有效"]],
    )
    assert import_file("patents", slim, actor=ACTOR).unchanged == 1
    assert Patent.objects.get().delay_extension_days == 150
