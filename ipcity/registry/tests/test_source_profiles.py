"""Source profiles (导入格式): real export files of three tools, each read with its own columns and
wordings; an unknown wording refused naming it and the profile; the office's synonym (added on the
导入格式 page) makes the same file import; detection from the header; the profile files' schema."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from ipcity.core.audit_labels import action_label
from ipcity.core.models import AuditEvent, Job
from ipcity.lib.datafile import DataFileError
from ipcity.registry.choices import LEGAL_STATUS_PHRASES, LegalStatus, PatentType
from ipcity.registry.importers import SPECS, import_file
from ipcity.registry.importers.profiles import (
    load_profile_file,
    profiles_for,
    sources_dir,
    wording_key,
)
from ipcity.registry.models import ImportRun, Patent, SourceWording
from ipcity.registry.tests.helpers import ACTOR, app_no, write_csv
from ipcity.test import Personas

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).parent / "data" / "sources"
UNKNOWN = "专利权人放弃"


def statuses() -> dict[str, str]:
    return dict(Patent.objects.values_list("title", "legal_status"))


def test_cnipa_search_system_export_imports_with_its_wordings() -> None:
    result = import_file("patents", FIXTURES / "cnipa-pss.xlsx", actor=ACTOR)
    assert (result.refused, result.created, result.profile) == (False, 6, "cnipa-pss"), result.errors
    assert result.profile_name == "专利检索及分析系统导出"
    assert "按“专利检索及分析系统导出”格式读取" in result.summary()
    assert result.warnings == []  # every column is known to the profile (序号, 邮编 … are not read)
    assert statuses() == {
        "一种海水淡化膜组件": LegalStatus.PENDING,  # 实质审查的生效
        "一种果蔬分选装置": LegalStatus.VALID,  # 授权
        "一种保鲜箱": LegalStatus.LAPSED,  # 未缴年费专利权终止
        "一种葡萄酒陈酿方法": LegalStatus.EXPIRED,  # 专利权有效期届满
        "一种电池极片": LegalStatus.REJECTED,  # 发明专利申请公布后的驳回
        "一种海参加工工艺": LegalStatus.WITHDRAWN,  # 发明专利申请公布后的视为撤回
    }
    patent = Patent.objects.get(title="一种果蔬分选装置")
    assert (patent.filing_date, patent.grant_number, patent.grant_date) == (
        dt.date(2021, 5, 6),
        "CN113500002B",
        dt.date(2023, 4, 7),
    )
    assert patent.legal_status_date == dt.date(2023, 4, 7)  # 法律状态公告日, written 2023.04.07
    assert ImportRun.objects.get().profile == "cnipa-pss"


def test_incopat_export_imports_with_its_wordings() -> None:
    result = import_file("patents", FIXTURES / "incopat.xlsx", actor=ACTOR)
    assert (result.refused, result.created, result.profile_name) == (False, 11, "incoPat 导出"), result.errors
    by_title = statuses()
    assert by_title["一种示例装置1"] == LegalStatus.VALID  # 授权
    assert by_title["一种示例装置2"] == by_title["一种示例装置3"] == LegalStatus.PENDING  # 实质审查, 公开
    assert by_title["一种示例装置4"] == by_title["一种示例装置10"] == LegalStatus.LAPSED  # 未缴年费, 放弃
    assert by_title["一种示例装置5"] == LegalStatus.EXPIRED
    assert by_title["一种示例装置6"] == LegalStatus.WITHDRAWN
    assert by_title["一种示例装置7"] == LegalStatus.REJECTED
    assert by_title["一种示例装置8"] == LegalStatus.INVALIDATED
    assert by_title["一种示例装置9"] == by_title["一种示例装置11"] == LegalStatus.VALID  # 部分无效, 权利恢复
    first = Patent.objects.get(title="一种示例装置1")
    assert [h.name for h in first.holders.order_by("position")] == ["烟台示例科技1有限公司", "山东示例大学"]
    assert (first.grant_number, first.patent_type) == ("CN115600001B", PatentType.INVENTION)  # 发明授权


def test_patsnap_export_with_the_query_above_the_header_imports_with_its_wordings() -> None:
    result = import_file("patents", FIXTURES / "patsnap.csv", actor=ACTOR)
    assert (result.refused, result.created, result.profile) == (False, 4, "patsnap"), result.errors
    assert statuses() == {
        "一种船舶焊接机器人": LegalStatus.VALID,  # 有效 (法律状态/事件 "授权 | 权利转移" is not read)
        "一种鲍鱼养殖网箱": LegalStatus.PENDING,  # 审中
        "一种苹果套袋器": LegalStatus.LAPSED,  # 失效
        "酒瓶": LegalStatus.VALID,
    }
    robot = Patent.objects.get(title="一种船舶焊接机器人")
    assert [h.name for h in robot.holders.order_by("position")] == ["烟台示例重工有限公司", "烟台示例研究院"]
    assert list(robot.ipc_codes.values_list("code", flat=True)) == ["B23K 37/02", "B25J 11/00"]
    assert Patent.objects.get(title="酒瓶").locarno_class == "09-01"


def test_the_same_files_are_idempotent_under_their_profiles() -> None:
    for name in ("cnipa-pss.xlsx", "incopat.xlsx", "patsnap.csv"):
        import_file("patents", FIXTURES / name, actor=ACTOR)
    runs, events = ImportRun.objects.count(), AuditEvent.objects.count()
    for name in ("cnipa-pss.xlsx", "incopat.xlsx", "patsnap.csv"):
        again = import_file("patents", FIXTURES / name, actor=ACTOR)
        assert (again.created, again.updated, again.refused) == (0, 0, False)
    assert (ImportRun.objects.count(), AuditEvent.objects.count()) == (runs, events)


def test_an_unknown_wording_is_a_row_error_naming_the_value_column_and_profile() -> None:
    result = import_file("patents", FIXTURES / "incopat-abandoned.xlsx", actor=ACTOR)
    assert result.refused and result.rejected == 1 and Patent.objects.count() == 0  # all or nothing
    [error] = result.errors
    assert error.as_dict() == {
        "row": 12,
        "column": "法律状态",
        "value": UNKNOWN,
        "message": f"无法识别的法律状态“{UNKNOWN}”（“incoPat 导出”格式中没有这一写法；"
        "市知识产权局可在“导入格式”页为该格式添加同义写法）",
    }
    assert str(error).startswith(f"第 12 行“法律状态”列（值“{UNKNOWN}”）：无法识别的法律状态")


def test_a_synonym_added_on_the_page_makes_the_same_file_import(tmp_path: Path, personas: Personas) -> None:
    path = FIXTURES / "incopat-abandoned.xlsx"
    assert import_file("patents", path, actor=ACTOR).refused
    client = personas.client(personas.admin)
    page = client.get("/registry/sources/").content.decode()
    assert "incoPat 导出" in page and "智慧芽导出" in page and "专利检索及分析系统导出" in page
    assert "专利有效性" in page and "未缴年费" in page  # its columns and wordings are listed
    response = client.post(
        "/registry/sources/wordings/add/",
        {
            "kind": "patents",
            "profile": "incopat",
            "field": "legal_status",
            "wording": f" {UNKNOWN} ",
            "value": "lapsed",
        },
    )
    assert (
        response.status_code == 302 and response["Location"] == "/registry/sources/#profile-patents-incopat"
    )
    row = SourceWording.objects.get()
    assert (row.profile, row.field, row.wording, row.value, row.created_by) == (
        "incopat",
        "legal_status",
        UNKNOWN,
        "lapsed",
        personas.admin,
    )
    event = AuditEvent.objects.get(action="registry.wording.add")
    assert event.after == {
        "kind": "专利",
        "profile": "incoPat 导出",
        "field": "legal_status",
        "wording": UNKNOWN,
        "value": "失效（未缴年费或放弃）",
    }
    assert action_label(event.action) == "为导入格式添加同义写法" and event.actor == personas.admin
    page = client.get("/registry/sources/").content.decode()
    assert 'data-testid="added-wording"' in page and UNKNOWN in page

    result = import_file("patents", path, actor=ACTOR)
    assert (result.refused, result.created) == (False, 11), result.errors
    assert Patent.objects.get(title="一种示例装置11").legal_status == LegalStatus.LAPSED

    # The synonym belongs to incoPat's profile only: the standard layout still refuses the wording.
    other = write_csv(
        tmp_path / "std.csv",
        ["申请号", "申请日", "名称", "申请（专利权）人", "法律状态"],
        [[app_no(2022, "1", 9), "2022-03-01", "一种装置", "烟台甲公司", UNKNOWN]],
    )
    refused = import_file("patents", other, actor=ACTOR)
    assert refused.refused and "“标准格式”中没有这一写法" in refused.errors[0].message

    # Removed (audited): the file is refused again.
    response = client.post(f"/registry/sources/wordings/{row.pk}/remove/")
    assert response.status_code == 302 and not SourceWording.objects.exists()
    removed = AuditEvent.objects.get(action="registry.wording.remove")
    assert removed.before is not None and removed.before["wording"] == UNKNOWN
    Patent.objects.all().delete()
    assert import_file("patents", path, actor=ACTOR).refused


def test_the_page_refuses_a_wording_the_profile_already_has(personas: Personas) -> None:
    client = personas.client(personas.admin)
    post = {
        "kind": "patents",
        "profile": "incopat",
        "field": "legal_status",
        "wording": "未缴年费",
        "value": "valid",
    }
    response = client.post("/registry/sources/wordings/add/", post, follow=True)
    assert "已有这一写法，对应“失效（未缴年费或放弃）”" in response.content.decode()
    post["wording"], post["value"] = "有效", "lapsed"  # the registry's own label, in every profile
    response = client.post("/registry/sources/wordings/add/", post, follow=True)
    assert "已有这一写法" in response.content.decode()
    post["wording"], post["field"], post["value"] = "新型", "declared_type", "lapsed"  # not a patent type
    response = client.post("/registry/sources/wordings/add/", post, follow=True)
    assert "请选择对应的值" in response.content.decode()
    assert not SourceWording.objects.exists() and not AuditEvent.objects.filter(
        action__startswith="registry.wording"
    )


def test_only_the_city_office_may_see_or_change_the_profiles(personas: Personas) -> None:
    post = {
        "kind": "patents",
        "profile": "incopat",
        "field": "legal_status",
        "wording": UNKNOWN,
        "value": "lapsed",
    }
    for persona in ("district_a", "enterprise_a", "liaison", "agency"):
        client = personas.client(getattr(personas, persona))
        assert client.get("/registry/sources/").status_code == 403
        assert client.post("/registry/sources/wordings/add/", post).status_code == 403
    assert personas.client(None).get("/registry/sources/").status_code == 302  # to the login page
    assert not SourceWording.objects.exists()
    admin = personas.client(personas.admin)
    admin.post("/registry/sources/wordings/add/", post)
    row = SourceWording.objects.get()
    assert (
        personas.client(personas.district_a).post(f"/registry/sources/wordings/{row.pk}/remove/").status_code
        == 403
    )
    assert SourceWording.objects.filter(pk=row.pk).exists()
    assert 'href="/registry/sources/"' in admin.get("/registry/imports/").content.decode()


def test_the_upload_page_detects_or_forces_the_profile_and_says_which(personas: Personas) -> None:
    client = personas.client(personas.admin)
    with (FIXTURES / "patsnap.csv").open("rb") as handle:
        client.post("/registry/imports/", {"kind": "patents", "file": handle})
    job = Job.objects.get()
    assert job.status == "succeeded" and job.result is not None
    assert job.result["导入格式"] == "按“智慧芽导出”格式读取"
    page = client.get(f"/jobs/{job.pk}/").content.decode()
    assert "按“智慧芽导出”格式读取" in page
    run = ImportRun.objects.get()
    assert "按“智慧芽导出”格式读取" in client.get(f"/registry/imports/{run.pk}/").content.decode()

    # Forced: the CNIPA profile does not read PatSnap's headers — refused, naming the format.
    with (FIXTURES / "patsnap.csv").open("rb") as handle:
        client.post("/registry/imports/", {"kind": "patents", "file": handle, "profile": "patents:cnipa-pss"})
    forced = Job.objects.exclude(pk=job.pk).get()
    assert forced.status == "failed" and "按“专利检索及分析系统导出”格式读取" in forced.error
    # A profile of another kind is refused by the form.
    with (FIXTURES / "patsnap.csv").open("rb") as handle:
        response = client.post(
            "/registry/imports/", {"kind": "trademarks", "file": handle, "profile": "patents:patsnap"}
        )
    assert (
        response.status_code == 200
        and "所选导入格式用于专利数据，与数据类别不符" in response.content.decode()
    )


def test_cli_profile_option(capsys: pytest.CaptureFixture[str]) -> None:
    call_command(
        "registry",
        "import",
        "patents",
        str(FIXTURES / "incopat.xlsx"),
        "--profile",
        "incopat",
        "--no-progress",
    )
    out, err = capsys.readouterr()
    assert "导入完成（按“incoPat 导出”格式读取）" in out and "提示：按“incoPat 导出”格式读取" in err
    with pytest.raises(CommandError) as info:
        call_command(
            "registry",
            "import",
            "patents",
            str(FIXTURES / "incopat.xlsx"),
            "--profile",
            "nope",
            "--no-progress",
        )
    assert "没有代码为“nope”的导入格式" in str(info.value)


def test_no_fitting_profile_names_the_closest_and_the_unread_columns(tmp_path: Path) -> None:
    # incoPat's headers without its 法律状态: every profile lacks a required column.
    path = write_csv(
        tmp_path / "partial.csv",
        ["序号", "标题", "申请号", "申请日", "申请人", "专利有效性", "被引证次数", "某自定义列"],
        [["1", "一种装置", app_no(2022, "1", 3), "2022-03-01", "烟台甲公司", "有效", "0", "x"]],
    )
    result = import_file("patents", path, actor=ACTOR)
    assert result.refused
    assert result.reason.startswith(
        "没有与表头完全相符的导入格式。最接近的是：“incoPat 导出”格式（识别 7 列，缺少必需的列“法律状态”）"
    )
    assert "未识别的列：某自定义列" in result.reason
    assert [e.as_dict() for e in result.errors] == [
        {"row": 1, "column": "法律状态", "value": "", "message": "缺少必需的列“法律状态”"}
    ]


def test_a_profile_reads_its_own_separators_and_date_formats(tmp_path: Path, settings) -> None:
    """A layout whose applicants are split by '、' and dates written 03/01/2022 (a trial profile
    given by path, as `--profile FILE.yaml` does)."""
    profile = tmp_path / "trial.yaml"
    profile.write_text(
        "schema_version: 1\ncode: trial\nkind: patents\nname: 试用格式\n"
        "columns: {号码: 申请号, 日期: 申请日, 题目: 名称, 权利人: 申请（专利权）人, 状态: 法律状态}\n"
        'separators: ["、"]\ndate_formats: ["%m/%d/%Y"]\nwordings: {legal_status: {在保护期: valid}}\n',
        encoding="utf-8",
    )
    path = write_csv(
        tmp_path / "t.csv",
        ["号码", "日期", "题目", "权利人", "状态"],
        [[app_no(2022, "1", 4), "03/01/2022", "一种装置", "烟台甲公司、烟台乙|丙公司", "在保护期"]],
    )
    result = import_file("patents", path, actor=ACTOR, profile=profile)
    assert (result.created, result.profile_name) == (1, "试用格式"), result.errors
    patent = Patent.objects.get()
    assert patent.filing_date == dt.date(2022, 3, 1)
    assert [h.name for h in patent.holders.order_by("position")] == ["烟台甲公司", "烟台乙|丙公司"]


def test_every_profile_file_is_valid_and_codes_are_unique() -> None:
    files = sorted(sources_dir().glob("*.yaml"))
    assert len(files) >= 5
    codes = set()
    for path in files:
        profile = load_profile_file(path)
        assert (profile.kind, profile.code) not in codes
        codes.add((profile.kind, profile.code))
        assert profile.columns and set(profile.columns.values()) <= {
            c.field for c in SPECS[profile.kind]().columns
        }
    assert {"standard", "cnipa-pss", "cnipa-biblio", "incopat", "patsnap", "english"} <= {
        c for _k, c in codes
    }


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("code: X\n", "code"),
        ("columns: {申请号: 不存在的列}\n", "不是专利导入的标准列名"),
        ("wordings: {legal_status: {有效: good}}\n", "不是可用的值"),
        ("wordings: {legal_status: {有 效: valid, 有效: lapsed}}\n", "同一写法对应了两个不同的值"),
    ],
)
def test_an_invalid_profile_file_is_refused_with_the_path(tmp_path: Path, text: str, message: str) -> None:
    base = "schema_version: 1\ncode: trial\nkind: patents\nname: 试用格式\ncolumns: {申请号: 申请号}\n"
    path = tmp_path / "bad.yaml"
    lines = dict(line.split(":", 1) for line in base.splitlines())
    key = text.split(":", 1)[0]
    lines[key] = text.split(":", 1)[1].rstrip("\n")
    path.write_text("\n".join(f"{k}:{v}" for k, v in lines.items()) + "\n", encoding="utf-8")
    with pytest.raises(DataFileError) as info:
        load_profile_file(path)
    assert message in str(info.value)


def test_vocabulary_is_a_plain_dict_of_folded_wordings() -> None:
    incopat = next(p for p in profiles_for("patents") if p.code == "incopat")
    table = incopat.vocabulary("legal_status")
    assert type(table) is dict and table[wording_key("未缴年费")] == "lapsed"
    assert table[wording_key(" 期限 届满 ")] == "expired" and table["valid"] == "valid"
    assert incopat.columns["专利类型"] == "declared_type" and "专利有效性" in incopat.ignored


def test_the_standard_profile_understands_every_former_phrase_as_a_wording() -> None:
    standard = profiles_for("patents")[0]
    assert standard.code == "standard"
    table = standard.vocabulary("legal_status")
    assert {phrase: table.get(wording_key(phrase)) for phrase, _ in LEGAL_STATUS_PHRASES} == {
        phrase: str(status) for phrase, status in LEGAL_STATUS_PHRASES
    }


def test_a_changed_profile_file_is_read_again(tmp_path: Path, settings) -> None:
    directory = tmp_path / "sources"
    shutil.copytree(sources_dir(), directory)
    settings.IPCITY_REGISTRY_SOURCES_DIR = directory
    incopat = directory / "incopat.yaml"
    assert import_file("patents", FIXTURES / "incopat-abandoned.xlsx", actor=ACTOR, dry_run=True).refused
    incopat.write_text(
        incopat.read_text(encoding="utf-8").replace(
            "    放弃: lapsed\n", f"    放弃: lapsed\n    {UNKNOWN}: lapsed\n"
        ),
        encoding="utf-8",
    )
    assert not import_file("patents", FIXTURES / "incopat-abandoned.xlsx", actor=ACTOR, dry_run=True).refused
