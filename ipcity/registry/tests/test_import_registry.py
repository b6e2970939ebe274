"""Organisations, trademarks, geographical indications, pledges, licences and awards from real files."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from ipcity.core.models import AuditEvent, Region
from ipcity.registry.choices import CertificateStatus, OrganisationTagKind
from ipcity.registry.importers import import_file
from ipcity.registry.models import (
    Award,
    GeographicalIndication,
    Licence,
    ManagementCertificate,
    Organisation,
    Pledge,
    PledgeItem,
    Trademark,
)
from ipcity.registry.tests.helpers import ACTOR, app_no, uscc, write_csv, write_xlsx

pytestmark = pytest.mark.django_db

ORG_HEADERS = ["统一社会信用代码", "名称", "曾用名", "类型", "所属区市", "地址", "重点产业", "企业规模", "标签",
               "贯标证书编号", "贯标标准版本", "发证日期", "证书有效期至"]  # fmt: skip
CODE_1 = uscc("370602", 1)
CODE_2 = uscc("370613", 2)


def org_row(code=CODE_1, name="烟台甲新材料有限公司", former="", kind="企业", region="芝罘区", tags="高新技术企业（2023）",
            certs=("", "", "", "")) -> list[object]:  # fmt: skip
    return [code, name, former, kind, region, "烟台市芝罘区南大街1号", "绿色石化", "中型", tags, *certs]


def test_organisations_with_tags_and_certificates(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "orgs.xlsx",
        ORG_HEADERS,
        [
            org_row(tags="高新技术企业（2023）；专精特新:2022；市级知识产权优势企业2024",
                    certs=("IPMS-001;IPMS-002", "2013;GB/T 29490-2023", "2020-01-01;2024-03-01", "2022-12-31;2027-02-28")),
            org_row(CODE_2, "烟台乙生物医药股份有限公司", kind="企业", region="370613", tags=""),
            ["", "（个人）李某", "", "个人", "", "", "", "", "", "", "", "", ""],
        ],
    )  # fmt: skip
    result = import_file("organisations", path, actor=ACTOR)
    assert (result.created, result.rejected) == (3, 0), result.errors
    org = Organisation.objects.get(uscc=CODE_1)
    assert (org.name, org.kind, org.region.name, org.industry, org.size) == (  # type: ignore[union-attr]
        "烟台甲新材料有限公司", "enterprise", "芝罘区", "green_petrochemical", "medium")  # fmt: skip
    assert sorted(org.tags.values_list("tag", "year")) == [
        (OrganisationTagKind.HIGH_TECH, 2023),
        (OrganisationTagKind.IP_ADVANTAGE_CITY, 2024),
        (OrganisationTagKind.SPECIALISED, 2022),
    ]
    certs = {c.number: c for c in ManagementCertificate.objects.all()}
    assert (certs["IPMS-001"].version, certs["IPMS-002"].version) == ("2013", "2023")
    assert certs["IPMS-002"].status == CertificateStatus.VALID
    # A 2013-version certificate is not effective after 2025-12-31 even within its own term.
    long_2013 = ManagementCertificate(version="2013", status="valid", issued_on=dt.date(2024, 1, 1),
                                      expires_on=dt.date(2026, 12, 31))  # fmt: skip
    assert long_2013.is_effective(dt.date(2025, 12, 31)) and not long_2013.is_effective(dt.date(2026, 1, 1))
    assert Organisation.objects.get(name="（个人）李某").kind == "individual"


def test_organisation_rename_by_code_keeps_the_former_name(tmp_path: Path) -> None:
    import_file("organisations", write_csv(tmp_path / "v1.csv", ORG_HEADERS, [org_row()]), actor=ACTOR)
    result = import_file(
        "organisations",
        write_csv(tmp_path / "v2.csv", ORG_HEADERS, [org_row(name="烟台甲新材料集团有限公司")]),
        actor=ACTOR,
    )
    assert (result.created, result.updated) == (0, 1)
    org = Organisation.objects.get(uscc=CODE_1)
    assert org.name == "烟台甲新材料集团有限公司"
    assert list(org.other_names.values_list("kind", "name")) == [("former", "烟台甲新材料有限公司")]
    event = AuditEvent.objects.get(action="organisation.update")
    assert event.before is not None and event.after is not None
    assert event.before["name"] == "烟台甲新材料有限公司" and event.after["other_names"] == [
        "烟台甲新材料有限公司（曾用名）"
    ]
    again = import_file(
        "organisations",
        write_csv(tmp_path / "v3.csv", ORG_HEADERS, [org_row(name="烟台甲新材料集团有限公司")]),
        actor=ACTOR,
    )
    assert (again.updated, again.unchanged) == (0, 1)


def test_organisation_errors(tmp_path: Path) -> None:
    bad_code = CODE_1[:-1] + ("0" if CODE_1[-1] != "0" else "1")
    path = write_csv(
        tmp_path / "bad.csv",
        ORG_HEADERS,
        [
            org_row(bad_code),
            org_row(CODE_2, region="青岛市"),
            org_row(uscc("370602", 3), tags="高新技术企业"),
            org_row(uscc("370602", 4), name="烟台丙公司", certs=("C-1", "2013", "2020-01-01", "2019-01-01")),
        ],
    )
    result = import_file("organisations", path, actor=ACTOR)
    assert result.refused
    assert [(e.row, e.column, e.message) for e in result.errors] == [
        (2, "统一社会信用代码", f"统一社会信用代码校验位错误：应为“{CODE_1[-1]}”，实际为“{bad_code[-1]}”"),
        (3, "所属区市", "不是烟台市的区市或功能区（应如 芝罘区、370602、烟台高新区）"),
        (4, "标签", "标签应写明认定年度，如“高新技术企业（2023）”，实际为“高新技术企业”"),
        (5, "证书有效期至", "有效期至早于发证日期"),
    ]
    assert Organisation.objects.filter(name__startswith="烟台").count() == 0


def test_region_from_zone_name_and_from_the_code(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "z.csv",
        ["统一社会信用代码", "名称", "所属区市", "地址"],
        [[CODE_1, "烟台开发区某公司", "烟台经济技术开发区", ""], [uscc("370683", 5), "莱州某公司", "", ""]],
    )
    import_file("organisations", path, actor=ACTOR)
    assert Organisation.objects.get(name="烟台开发区某公司").region.code == "YT-KFQ"  # type: ignore[union-attr]
    # No region column value and no address: the code's division (positions 3-8) decides.
    assert Organisation.objects.get(name="莱州某公司").region.name == "莱州市"  # type: ignore[union-attr]


def test_trademarks_with_madrid_and_well_known(tmp_path: Path) -> None:
    headers = ["注册号", "商标名称", "国际分类", "注册人", "商标类型", "商标状态", "申请日期", "注册日期", "专用权期限",
               "国际注册号", "指定国家", "驰名商标认定年度"]  # fmt: skip
    rows = [
        ["第12345678号", "海岳", "第1类；17", "烟台甲新材料有限公司", "普通", "注册", "2012-01-05", "2013-02-07",
         "2013-02-07至2033-02-06", "1678901", "US;EU;JP", "2018"],
        ["23456789", "烟台苹果", "31", "烟台苹果协会", "地理标志证明商标", "已注册", "2007-03-01", "2008-05-14", "", "", "", ""],
        ["34567890", "坏例子", "46", "某人", "普通", "已注册", "", "", "", "", "US", ""],
    ]  # fmt: skip
    path = write_xlsx(tmp_path / "tm.xlsx", headers, rows)
    result = import_file("trademarks", path, actor=ACTOR)
    assert result.refused
    assert [(e.row, e.column, e.message) for e in result.errors] == [
        (4, "国际分类", "尼斯分类应为 1–45 的类别号，实际为“46”"),
    ]
    rows[2][2] = "45"
    result = import_file("trademarks", write_xlsx(tmp_path / "tm2.xlsx", headers, rows), actor=ACTOR)
    assert result.refused
    assert [(e.row, e.column, e.message) for e in result.errors] == [
        (4, "指定国家", "有指定国家但没有马德里国际注册号")
    ]
    result = import_file("trademarks", write_xlsx(tmp_path / "tm3.xlsx", headers, rows[:2]), actor=ACTOR)
    assert result.created == 2
    mark = Trademark.objects.get(registration_number="12345678")
    assert (mark.classes, mark.madrid_number, mark.designated_countries) == (
        [1, 17],
        "1678901",
        ["EU", "JP", "US"],
    )
    assert (mark.well_known, mark.well_known_year, mark.expiry_date) == (True, 2018, dt.date(2033, 2, 6))
    assert Trademark.objects.get(registration_number="23456789").kind == "gi_mark"


def test_geographical_indications(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "gi.csv",
        ["产品名称", "地理标志类别", "所属区市", "持有人", "批准日期", "保护示范区"],
        [["烟台苹果", "地理标志证明商标", "芝罘区", "（演示）烟台苹果协会", "2008.05.14", "筹建"],
         ["龙口粉丝", "地理标志保护产品", "龙口", "（演示）龙口粉丝协会", "20020827", "无"]],
    )  # fmt: skip
    assert import_file("gis", path, actor=ACTOR).created == 2
    apple = GeographicalIndication.objects.get(product="烟台苹果")
    assert (apple.kind, apple.region.name, apple.demonstration_zone) == ("gi_mark", "芝罘区", "building")  # type: ignore[union-attr]
    assert GeographicalIndication.objects.get(product="龙口粉丝").region.name == "龙口市"  # type: ignore[union-attr]


PLEDGE_HEADERS = ["质押登记号", "出质人", "质权人", "专利申请号", "担保金额（万元）", "登记日", "质押起始日", "质押到期日",
                  "贷款年利率（%）"]  # fmt: skip


def test_pledges_amounts_in_wan_and_first_pledge_of_each_patent(tmp_path: Path) -> None:
    p1, p2 = app_no(2020, "1", 1), app_no(2021, "1", 2)
    rows = [
        ["Y2023980000002", "烟台甲有限公司", "（演示）烟台海通商业银行", f"{p1};{p2}", "500", "2023-06-01", "2023-06-01", "2024-05-31", "3.65%"],
        ["Y2022980000001", "烟台甲有限公司", "（演示）烟台海通商业银行", p1, "120.5", "2022-03-01", "2022-03-01", "2023-02-28", "4.2"],
    ]  # fmt: skip
    result = import_file("pledges", write_xlsx(tmp_path / "pl.xlsx", PLEDGE_HEADERS, rows), actor=ACTOR)
    assert result.created == 2, result.errors
    pledge = Pledge.objects.get(registration_number="Y2023980000002")
    assert (pledge.amount, pledge.loan_rate) == (Decimal("5000000.00"), Decimal("3.650"))
    assert Pledge.objects.get(registration_number="Y2022980000001").amount == Decimal("1205000.00")
    first = {
        (i.pledge.registration_number, i.identifier): i.is_first_pledge
        for i in PledgeItem.objects.select_related("pledge")
    }
    assert first == {
        ("Y2022980000001", p1): True,  # p1 was pledged first in 2022
        ("Y2023980000002", p1): False,
        ("Y2023980000002", p2): True,
    }
    again = import_file("pledges", write_xlsx(tmp_path / "pl2.xlsx", PLEDGE_HEADERS, rows), actor=ACTOR)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)


def test_pledge_without_items_or_amount_is_refused(tmp_path: Path) -> None:
    rows = [["Y2023980000009", "甲", "乙银行", "", "", "2023-06-01", "", "", ""]]
    result = import_file("pledges", write_csv(tmp_path / "p.csv", PLEDGE_HEADERS, rows), actor=ACTOR)
    assert [(e.row, e.column, e.message) for e in result.errors] == [
        (2, "专利申请号", "质押标的为空：应至少填写一个专利申请号或商标注册号"),
        (2, "担保金额（万元）", "担保金额为空"),
    ]


def test_licences_and_transfers_without_a_number_are_idempotent(tmp_path: Path) -> None:
    headers = [
        "备案号",
        "许可类型",
        "许可人",
        "被许可人",
        "专利申请号",
        "费用（万元）",
        "合同日期",
        "是否备案",
    ]
    rows = [
        ["X2023370000001", "独占实施许可", "（演示）烟台滨海理工学院", "烟台甲有限公司", app_no(2019, "1", 5), "50", "2023-04-01", "是"],
        ["", "专利权转让", "烟台甲有限公司", "烟台乙有限公司", app_no(2018, "1", 6), "", "2023-09-09", "否"],
    ]  # fmt: skip
    path = write_csv(tmp_path / "lic.csv", headers, rows)
    assert import_file("licences", path, actor=ACTOR).created == 2
    transfer = Licence.objects.get(kind="assignment")
    assert transfer.reference.startswith("AUTO-") and transfer.fee is None and not transfer.recorded
    licence = Licence.objects.get(kind="exclusive")
    assert (licence.fee, licence.recorded) == (Decimal("500000.00"), True)
    again = import_file("licences", path, actor=ACTOR)
    assert (again.created, again.unchanged) == (0, 2)


def test_awards_levels_are_checked_against_the_award(tmp_path: Path) -> None:
    design = app_no(2019, "3", 7)
    invention = app_no(2018, "1", 8)
    headers = ["奖项", "等级", "年度", "专利号", "专利名称", "专利权人"]
    rows = [
        ["中国专利银奖", "", "2023", invention, "一种方法", "烟台甲有限公司"],
        ["山东省专利奖", "一等奖", "2022年", invention, "一种方法", "烟台甲有限公司"],
        ["中国外观设计奖", "优秀奖", "2023", design, "包装盒", "烟台乙有限公司"],
        ["山东省专利奖", "金奖", "2023", invention, "一种方法", "烟台甲有限公司"],
        ["中国外观设计奖", "金奖", "2022", invention, "一种方法", "烟台甲有限公司"],
    ]
    result = import_file("awards", write_csv(tmp_path / "aw.csv", headers, rows), actor=ACTOR)
    assert [(e.row, e.column, e.message) for e in result.errors] == [
        (5, "等级", "山东省专利奖没有此等级（可选：特别奖、一等奖、二等奖、三等奖）"),
        (6, "专利号", "中国外观设计奖只授予外观设计专利"),
    ]
    result = import_file("awards", write_csv(tmp_path / "aw2.csv", headers, rows[:3]), actor=ACTOR)
    assert result.created == 3
    assert set(Award.objects.values_list("award", "level", "year")) == {
        ("china_patent", "silver", 2023),
        ("shandong_patent", "first", 2022),
        ("china_design", "excellence", 2023),
    }


def test_names_link_to_organisations_across_kinds(tmp_path: Path) -> None:
    zhifu = Region.objects.get(name="芝罘区")
    org = Organisation.objects.create(name="烟台甲有限公司", kind="enterprise", region=zhifu)
    rows = [
        ["Y2023980000003", "烟台 甲有限公司", "某银行", app_no(2020, "1", 9), "100", "2023-01-01", "", "", ""]
    ]
    import_file("pledges", write_csv(tmp_path / "p.csv", PLEDGE_HEADERS, rows), actor=ACTOR)
    assert Pledge.objects.get().pledgor_id == org.pk


def test_duplicate_organisation_in_one_file(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "dup.csv", ORG_HEADERS, [org_row(), org_row(name="别的名称")])
    result = import_file("organisations", path, actor=ACTOR)
    assert [e.as_dict() for e in result.errors] == [
        {
            "row": 3,
            "column": "统一社会信用代码",
            "value": CODE_1,
            "message": "与第 2 行重复（同一记录在文件中出现两次）",
        }
    ]
