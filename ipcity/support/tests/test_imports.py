"""Excel import of recognition lists (方案二(四)1) and of the talent pool (方案二(七)2): real .xlsx
files written by openpyxl; every row checked before anything is written; the registry tags, the
city's quota and the audit as when one row is recorded by hand."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from ipcity.core.models import AuditEvent
from ipcity.core.workflow import Refused
from ipcity.grants.detection import recognised_advantage_enterprise
from ipcity.indicators.models import Indicator
from ipcity.indicators.services import compute_snapshots, load_definitions
from ipcity.lib.identifiers import uscc_check_char
from ipcity.registry.models import Organisation, OrganisationTag
from ipcity.registry.services import upsert_organisation
from ipcity.support import imports
from ipcity.support import services_strong as strong
from ipcity.support.models import EnterpriseRecognition, Talent
from ipcity.support.tests.helpers import CLI
from ipcity.test import Personas

pytestmark = pytest.mark.django_db
YEAR = timezone.localdate().year
RECOGNITION_HEADER = [
    "统一社会信用代码",
    "企业名称",
    "认定级别",
    "认定类别",
    "认定年度",
    "认定文号",
    "印发日期",
]
TALENT_HEADER = ["姓名", "人才类别", "工作单位", "专业领域", "职称/职务", "入库年度", "联系电话", "电子邮箱"]


def xlsx(path: Path, header: list[str], rows: list[list[Any]]) -> Path:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(header)
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def run(service: Any, path: Path) -> imports.ImportCounts:
    with path.open("rb") as f:
        counts: imports.ImportCounts = service(f, actor=CLI)
    return counts


def code(n: int) -> str:
    first17 = f"91370602MAEMP{n:04d}"
    return first17 + uscc_check_char(first17)


def enterprises(personas: Personas, n: int) -> list[Organisation]:
    return [
        upsert_organisation(
            actor=CLI,
            name=f"测试导入企业{i:02d}",
            values={"kind": "enterprise", "uscc": code(i), "region": personas.org_a.region},
        )[0]
        for i in range(1, n + 1)
    ]


def new_city_advantage(year: int) -> Decimal:
    (snapshot,) = compute_snapshots(
        year=year,
        as_of=dt.date(year, 12, 31),
        actor=CLI,
        indicators=[Indicator.objects.get(code="city_advantage_enterprises_new")],
        regions=[None],
    )
    return snapshot.value or Decimal(0)


# ------------------------------------------------------------------------------------------ 认定名单


def test_a_recognition_list_imports_with_tags_indicator_and_audit(personas: Personas, tmp_path: Path) -> None:
    load_definitions(actor=CLI)
    a, b = personas.org_a, personas.org_b
    path = xlsx(
        tmp_path / "认定.xlsx",
        RECOGNITION_HEADER,
        [
            [a.uscc, "", "国家级", "知识产权优势企业", 2024, "国知发〔2024〕12号", dt.datetime(2024, 11, 3)],
            [None, b.name, "省级", "示范企业", "2025", "鲁知发〔2025〕3号", "2025年10月8日"],
            [a.uscc.lower(), None, "市级", "优势企业", YEAR, "烟知发〔2026〕1号", None],  # type: ignore[union-attr]
            [None, None, None, None, None, None, None],  # an empty row is not an error
        ],
    )
    assert new_city_advantage(YEAR) == 0
    counts = run(imports.import_recognitions, path)
    assert (counts.rows, counts.added, counts.skipped) == (3, 3, 0)
    got = set(
        EnterpriseRecognition.objects.values_list("organisation__name", "level", "kind", "year", "issued_on")
    )
    assert got == {
        (a.name, "national", "advantage", 2024, dt.date(2024, 11, 3)),
        (b.name, "provincial", "demonstration", 2025, dt.date(2025, 10, 8)),
        (a.name, "city", "advantage", YEAR, None),
    }
    tags = set(OrganisationTag.objects.values_list("organisation__name", "tag", "year"))
    assert tags == {
        (a.name, "ip_advantage_national", 2024),
        (b.name, "ip_demonstration_province", 2025),
        (a.name, "ip_advantage_city", YEAR),
    }
    assert new_city_advantage(YEAR) == 1  # the indicator counts the imported 市级 one
    (found,) = recognised_advantage_enterprise(2025, dt.date(2026, 3, 1))
    assert found.organisation == b  # type: ignore[union-attr]
    assert AuditEvent.objects.filter(action="enterprise_recognition.record").count() == 3
    (summary,) = AuditEvent.objects.filter(action="enterprise_recognition.import")
    assert summary.after == {"file": str(path), "rows": 3, "added": 3, "skipped": 0}
    # The same list again: every row already recorded, skipped and counted, not an error.
    again = run(imports.import_recognitions, path)
    assert (again.added, again.skipped) == (0, 3)
    assert EnterpriseRecognition.objects.count() == 3


def test_a_list_with_two_bad_rows_writes_nothing_and_names_both(personas: Personas, tmp_path: Path) -> None:
    wrong = personas.org_a.uscc[:17] + ("0" if personas.org_a.uscc[17] != "0" else "1")  # type: ignore[index]
    path = xlsx(
        tmp_path / "认定.xlsx",
        RECOGNITION_HEADER,
        [
            [personas.org_b.uscc, "", "国家级", "优势企业", 2024, "国知发〔2024〕12号", ""],
            [personas.org_b.uscc, "", "区级", "优势企业", 2024, "国知发〔2024〕12号", ""],
            [None, personas.org_a.name, "省级", "示范企业", 2025, "鲁知发〔2025〕3号", ""],
            [wrong, "", "省级", "优势企业", 2025, "鲁知发〔2025〕3号", "2025-13-01"],
        ],
    )
    with pytest.raises(Refused) as refused:
        run(imports.import_recognitions, path)
    message = str(refused.value)
    assert message.startswith("认定名单有误，未导入任何一行：")
    assert "第 3 行“认定级别”列：应为 国家级、省级 或 市级" in message
    assert "第 5 行“统一社会信用代码”列：统一社会信用代码校验位错误" in message
    assert "第 5 行“印发日期”列：不存在的日期" in message
    assert "第 2 行" not in message and "第 4 行" not in message
    assert not EnterpriseRecognition.objects.exists() and not OrganisationTag.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="enterprise_recognition").exists()


def test_unknown_enterprises_non_enterprises_and_a_bad_header_are_refused(
    personas: Personas, tmp_path: Path
) -> None:
    path = xlsx(
        tmp_path / "a.xlsx",
        RECOGNITION_HEADER,
        [
            [code(99), "", "国家级", "优势企业", 2024, "国知发〔2024〕12号", ""],
            ["", "没有登记的公司", "国家级", "优势企业", 2024, "国知发〔2024〕12号", ""],
            [personas.org_agency.uscc, "", "国家级", "优势企业", 2024, "国知发〔2024〕12号", ""],
            [personas.org_a.uscc, "", "国家级", "优势企业", YEAR + 1, "", ""],
        ],
    )
    with pytest.raises(Refused) as refused:
        run(imports.import_recognitions, path)
    message = str(refused.value)
    assert f"第 2 行“统一社会信用代码”列：机构登记中没有统一社会信用代码为 {code(99)} 的机构" in message
    assert "第 3 行“企业名称”列：机构登记中没有名为“没有登记的公司”的机构" in message
    assert "第 4 行“统一社会信用代码”列：测试代理所在机构登记中不是企业" in message
    assert "第 5 行“认定年度”列" in message and "第 5 行“认定文号”列：不能为空" in message
    bad_header = xlsx(tmp_path / "b.xlsx", ["企业", "级别"], [["测试甲公司", "国家级"]])
    with pytest.raises(Refused, match="认定名单第 1 行缺少“统一社会信用代码”或“企业名称”"):
        run(imports.import_recognitions, bad_header)
    not_excel = tmp_path / "c.xlsx"
    not_excel.write_bytes(b"not a workbook")
    with pytest.raises(Refused, match="认定名单：无法读取 Excel 文件"):
        run(imports.import_recognitions, not_excel)
    assert not EnterpriseRecognition.objects.exists()


def test_the_21st_city_advantage_enterprise_of_a_year_is_refused_in_the_import_too(
    personas: Personas, tmp_path: Path
) -> None:
    orgs = enterprises(personas, 21)
    for org in orgs[:19]:
        strong.record_recognition(actor=CLI, organisation=org, level="city", kind="advantage", year=YEAR)
    path = xlsx(
        tmp_path / "市级.xlsx",
        RECOGNITION_HEADER,
        [
            [orgs[0].uscc, "", "市级", "优势企业", YEAR, "烟知发〔2026〕1号", ""],  # already: skipped
            [orgs[19].uscc, "", "市级", "优势企业", YEAR, "烟知发〔2026〕1号", ""],  # the 20th
            [orgs[20].uscc, "", "市级", "优势企业", YEAR, "烟知发〔2026〕1号", ""],  # the 21st
            [orgs[20].uscc, "", "省级", "优势企业", YEAR, "鲁知发〔2026〕1号", ""],
        ],
    )
    with pytest.raises(Refused) as refused:
        run(imports.import_recognitions, path)
    message = str(refused.value)
    assert f"第 4 行：{YEAR} 年度已认定或拟认定市级知识产权优势企业 20 家，每年不超过 20 家" in message
    assert "第 3 行" not in message and "第 2 行" not in message
    assert EnterpriseRecognition.objects.count() == 19
    # Without the 21st the list goes in: the 20th added, the one already recorded skipped.
    path = xlsx(
        tmp_path / "市级2.xlsx",
        RECOGNITION_HEADER,
        [[o.uscc, "", "市级", "优势企业", YEAR, "烟知发〔2026〕1号", ""] for o in orgs[:20]],
    )
    counts = run(imports.import_recognitions, path)
    assert (counts.added, counts.skipped) == (1, 19)


# ------------------------------------------------------------------------------------------ 人才名单


def test_a_talent_list_imports_and_a_second_import_updates(personas: Personas, tmp_path: Path) -> None:
    existing = strong.save_talent(
        None, actor=CLI, name="张三", kind="key", employer=personas.org_a, recognised_year=2023,
        phone="0535-1234567", note="原有备注",
    )  # fmt: skip
    path = xlsx(
        tmp_path / "人才.xlsx",
        TALENT_HEADER,
        [
            ["张三", "领军人才", personas.org_a.uscc, "高端装备", "总工程师", 2024, "", "zs@example.com"],
            [
                "李四",
                "企业知识产权总监",
                personas.org_b.name,
                "",
                "知识产权部部长",
                "2025年",
                "13800000000",
                "",
            ],
            ["孙八", "青年拔尖人才", "测试丙(集团)有限公司", "", "", 2025, "", ""],  # half-width brackets
        ],
    )
    bracketed = upsert_organisation(actor=CLI, name="测试丙（集团）有限公司", values={"kind": "enterprise"})[
        0
    ]
    counts = run(imports.import_talents, path)
    assert (counts.rows, counts.added, counts.updated, counts.skipped) == (3, 2, 1, 0)
    assert Talent.objects.get(name="孙八").employer == bracketed
    existing.refresh_from_db()
    assert (existing.kind, existing.field, existing.title, existing.recognised_year) == (
        "leading", "high_end_equipment", "总工程师", 2024,
    )  # fmt: skip
    assert (existing.phone, existing.note, existing.email) == ("0535-1234567", "原有备注", "zs@example.com")
    li = Talent.objects.get(name="李四")
    assert (li.employer, li.kind, li.recognised_year) == (personas.org_b, "ip_director", 2025)
    assert AuditEvent.objects.filter(action="talent.create").count() == 3  # 张三 by hand; 李四, 孙八
    assert AuditEvent.objects.filter(action="talent.update").count() == 1
    (summary,) = AuditEvent.objects.filter(action="talent.import")
    assert summary.after == {"file": str(path), "rows": 3, "added": 2, "updated": 1, "skipped": 0}
    again = run(imports.import_talents, path)
    assert (again.added, again.updated, again.skipped) == (0, 0, 3)
    assert Talent.objects.count() == 3


def test_a_talent_list_with_bad_rows_writes_nothing(personas: Personas, tmp_path: Path) -> None:
    wrong = personas.org_a.uscc[:17] + ("0" if personas.org_a.uscc[17] != "0" else "1")  # type: ignore[index]
    path = xlsx(
        tmp_path / "人才.xlsx",
        TALENT_HEADER,
        [
            ["王五", "领军人才", personas.org_a.uscc, "", "", 2024, "", ""],
            ["赵六", "院士", personas.org_b.name, "", "", 2024, "", ""],
            ["钱七", "重点人才", wrong, "", "", 2024, "", "not-an-email"],
            ["王五", "重点人才", personas.org_a.name, "", "", 2024, "", ""],
        ],
    )
    with pytest.raises(Refused) as refused:
        run(imports.import_talents, path)
    message = str(refused.value)
    assert message.startswith("人才名单有误，未导入任何一行：")
    assert "第 3 行“人才类别”列：应为 领军人才、重点人才、青年拔尖人才、企业知识产权总监 之一" in message
    assert "第 4 行“工作单位”列：统一社会信用代码校验位错误" in message
    assert "第 4 行“电子邮箱”列：“not-an-email”不是有效的电子邮箱地址" in message
    assert "第 5 行“姓名”列：与第 2 行重复（同一工作单位的同一人）" in message
    assert not Talent.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="talent").exists()


# ------------------------------------------------------------------------------------------ pages


def _said(response: Any) -> str:
    """The message the page shows after the redirect (the test client keeps earlier ones)."""
    return [str(m) for m in get_messages(response.wsgi_request)][-1]


def _post(client: Any, url: str, path: Path) -> Any:
    with path.open("rb") as f:
        return client.post(url, {"file": f})


def test_the_city_office_imports_from_the_pages(personas: Personas, tmp_path: Path) -> None:
    admin = personas.client(personas.admin)
    recognitions = xlsx(
        tmp_path / "认定.xlsx",
        RECOGNITION_HEADER,
        [[personas.org_a.uscc, "", "国家级", "优势企业", 2024, "国知发〔2024〕12号", ""]],
    )
    page = admin.get(reverse("support:recognitions")).content.decode()
    assert 'data-testid="recognition-import"' in page and reverse("support:recognition_template") in page
    response = _post(admin, reverse("support:recognition_import"), recognitions)
    assert response.status_code == 302 and response["Location"] == reverse("support:recognitions")
    assert _said(response) == "认定名单已导入（共 1 行）：新增 1 条。"
    response = _post(admin, reverse("support:recognition_import"), recognitions)
    assert _said(response) == "认定名单已导入（共 1 行）：新增 0 条，已有而跳过 1 条。"
    talents = xlsx(
        tmp_path / "人才.xlsx", TALENT_HEADER, [["张三", "院士", personas.org_a.uscc, "", "", 2024, "", ""]]
    )
    page = admin.get(reverse("support:talents")).content.decode()
    assert 'data-testid="talent-import"' in page and reverse("support:talent_template") in page
    response = _post(admin, reverse("support:talent_import"), talents)
    assert response["Location"] == reverse("support:talents")
    assert _said(response).startswith("人才名单有误，未导入任何一行：第 2 行“人才类别”列")
    assert not Talent.objects.exists()
    response = admin.post(reverse("support:talent_import"), {})  # no file chosen
    assert response.status_code == 302 and "Excel 文件" in _said(response) and not Talent.objects.exists()


def test_other_users_may_neither_import_nor_see_the_forms(personas: Personas, tmp_path: Path) -> None:
    recognitions = xlsx(
        tmp_path / "认定.xlsx",
        RECOGNITION_HEADER,
        [[personas.org_a.uscc, "", "国家级", "优势企业", 2024, "国知发〔2024〕12号", ""]],
    )
    talents = xlsx(
        tmp_path / "人才.xlsx",
        TALENT_HEADER,
        [["张三", "领军人才", personas.org_a.uscc, "", "", 2024, "", ""]],
    )
    for user in (personas.district_a, personas.enterprise_a, personas.agency, personas.liaison):
        client = personas.client(user)
        assert _post(client, reverse("support:recognition_import"), recognitions).status_code == 403
        assert _post(client, reverse("support:talent_import"), talents).status_code == 403
        assert client.get(reverse("support:recognition_template")).status_code == 403
        assert client.get(reverse("support:talent_template")).status_code == 403
        assert (
            'data-testid="recognition-import"'
            not in client.get(reverse("support:recognitions")).content.decode()
        )
        assert 'data-testid="talent-import"' not in client.get(reverse("support:talents")).content.decode()
    anonymous = personas.client(None)
    assert _post(anonymous, reverse("support:recognition_import"), recognitions).status_code == 302
    assert _post(anonymous, reverse("support:talent_import"), talents).status_code == 302
    assert anonymous.get(reverse("support:talent_template")).status_code == 302
    assert anonymous.get(reverse("support:recognition_import")).status_code == 405
    assert not EnterpriseRecognition.objects.exists() and not Talent.objects.exists()


def test_the_templates_download_with_the_header_row_only(personas: Personas, tmp_path: Path) -> None:
    admin = personas.client(personas.admin)
    for name, header, service in (
        ("support:recognition_template", RECOGNITION_HEADER, imports.import_recognitions),
        ("support:talent_template", TALENT_HEADER, imports.import_talents),
    ):
        response = admin.get(reverse(name))
        assert response.status_code == 200
        assert "filename*=UTF-8''" in response["Content-Disposition"]
        ws = load_workbook(io.BytesIO(response.content)).active
        assert [c.value for c in ws[1]] == header and ws.max_row == 1
        blank = tmp_path / f"{name}.xlsx"
        blank.write_bytes(response.content)
        with pytest.raises(Refused, match="没有数据行"):  # the empty template reads back
            run(service, blank)


# ------------------------------------------------------------------------------------------ command line


def test_the_command_imports_a_talent_list_and_refuses_a_bad_one(personas: Personas, tmp_path: Path) -> None:
    good = xlsx(
        tmp_path / "人才.xlsx",
        TALENT_HEADER,
        [["王五", "领军人才", personas.org_a.uscc, "", "", 2024, "", ""]],
    )
    out = io.StringIO()
    call_command("support", "import-talents", str(good), stdout=out)
    assert out.getvalue().strip() == "人才名单已导入（共 1 行）：新增 1 条。"
    assert Talent.objects.get().employer == personas.org_a
    assert AuditEvent.objects.get(action="talent.import").source == "cli"
    bad = xlsx(
        tmp_path / "坏.xlsx", TALENT_HEADER, [["赵六", "院士", personas.org_b.name, "", "", 2024, "", ""]]
    )
    with pytest.raises(CommandError, match="第 2 行“人才类别”列"):
        call_command("support", "import-talents", str(bad))
    with pytest.raises(CommandError, match="找不到文件"):
        call_command("support", "import-recognitions", str(tmp_path / "没有.xlsx"))
    assert Talent.objects.count() == 1
