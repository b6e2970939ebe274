"""Patent import from real .csv and .xlsx files in the layout of Chinese patent-search exports."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from ipcity.core.models import AuditEvent, Region
from ipcity.registry.choices import LegalStatus, RegionRule, ReviewStatus
from ipcity.registry.importers import import_file
from ipcity.registry.models import (
    ImportRun,
    Organisation,
    OrganisationName,
    Patent,
    PatentHolder,
    PatentIPC,
    ReviewItem,
)
from ipcity.registry.services import resolve_review_item, upsert_organisation
from ipcity.registry.tests.helpers import ACTOR, app_no, uscc, write_csv, write_xlsx

pytestmark = pytest.mark.django_db

HEADERS = [
    "申请号", "申请日", "公开（公告）号", "公开（公告）日", "授权公告日", "名称", "申请（专利权）人", "发明（设计）人",
    "主分类号", "分类号", "法律状态", "摘要", "地址",
]  # fmt: skip
A = app_no(2022, "1", 1001)  # invention
B = app_no(2021, "2", 2002)  # utility model
C = app_no(2020, "3", 3003)  # design


def row(
    number: str,
    *,
    filing="2022-03-01",
    title="一种测试装置",
    holders="烟台测试甲有限公司",
    status="有效",
    main="G06F 16/30",
    ipc="G06F 16/30;H04L 29/06",
    pubs="",
    pub_dates="",
    grant="",
    address="",
) -> list[str]:
    return [
        f"CN{number}",
        filing,
        pubs,
        pub_dates,
        grant,
        title,
        holders,
        "张三;李四",
        main,
        ipc,
        status,
        "摘要",
        address,
    ]


def counts() -> tuple[int, int, int, int, int]:
    return (
        Patent.objects.count(),
        PatentHolder.objects.count(),
        PatentIPC.objects.count(),
        ImportRun.objects.count(),
        AuditEvent.objects.count(),
    )


def test_csv_import_stores_normalised_patents(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "export.csv",
        HEADERS,
        [
            row(
                A,
                pubs="CN114000001A;CN114000001B",
                pub_dates="2022-07-01;2024-01-05",
                address="山东省烟台市芝罘区南大街1号",
            ),
            row(
                B,
                filing="2021-05-06",
                main="B65D 81/26",
                ipc="",
                pubs="CN216000002U",
                pub_dates="2021-12-01",
                status="未缴年费专利权终止",
                address="烟台市莱山区观海路",
            ),
        ],
    )
    result = import_file("patents", path, actor=ACTOR)
    assert (result.created, result.updated, result.unchanged, result.rejected, result.refused) == (
        2,
        0,
        0,
        0,
        False,
    )
    a = Patent.objects.get(application_number=A)
    assert (a.patent_type, a.is_pct, a.title, a.filing_date) == (
        "invention",
        False,
        "一种测试装置",
        dt.date(2022, 3, 1),
    )
    assert (a.publication_number, a.publication_date) == ("CN114000001A", dt.date(2022, 7, 1))
    assert (a.grant_number, a.grant_date) == ("CN114000001B", dt.date(2024, 1, 5))
    assert a.legal_status == LegalStatus.VALID and a.inventors == ["张三", "李四"]
    assert list(a.ipc_codes.values_list("position", "code", "main_group", "subclass")) == [
        (0, "G06F 16/30", "G06F 16", "G06F"),
        (1, "H04L 29/06", "H04L 29", "H04L"),
    ]
    assert (a.region.name, a.region_rule) == ("芝罘区", RegionRule.ADDRESS_NAME)  # type: ignore[union-attr]
    b = Patent.objects.get(application_number=B)
    # A utility model is published when granted: the one publication is the grant.
    assert (b.patent_type, b.grant_number, b.grant_date, b.legal_status) == (
        "utility_model",
        "CN216000002U",
        dt.date(2021, 12, 1),
        LegalStatus.LAPSED,
    )
    assert b.region.name == "莱山区"  # type: ignore[union-attr]
    run = ImportRun.objects.get()
    assert (run.kind, run.rows, run.created, a.created_in_id) == ("patents", 2, 2, run.pk)
    event = AuditEvent.objects.get(action="registry.import.patents")
    assert event.after is not None
    assert event.after["created"] == 2 and event.after["sha256"] == run.sha256


def test_each_date_format_and_excel_cells_in_xlsx(tmp_path: Path) -> None:
    numbers = [app_no(2022, "1", n) for n in range(1, 7)]
    raw_dates = ["2022-03-01", "2022.03.01", "20220301", "2022年3月1日", 44621, dt.datetime(2022, 3, 1)]
    path = write_xlsx(
        tmp_path / "export.xlsx", HEADERS, [row(n, filing=d) for n, d in zip(numbers, raw_dates, strict=True)]
    )  # type: ignore[arg-type]
    result = import_file("patents", path, actor=ACTOR)
    assert (result.created, result.rejected) == (6, 0)
    assert set(Patent.objects.values_list("filing_date", flat=True)) == {dt.date(2022, 3, 1)}


def test_each_date_format_in_csv(tmp_path: Path) -> None:
    raw_dates = ["2022-03-01", "2022.03.01", "20220301", "2022年3月1日", "44621", "2022/3/1"]
    numbers = [app_no(2022, "1", n) for n in range(11, 17)]
    path = write_csv(
        tmp_path / "dates.csv", HEADERS, [row(n, filing=d) for n, d in zip(numbers, raw_dates, strict=True)]
    )
    result = import_file("patents", path, actor=ACTOR)
    assert (result.created, result.rejected) == (6, 0), result.errors
    assert set(Patent.objects.values_list("filing_date", flat=True)) == {dt.date(2022, 3, 1)}


def test_title_rows_above_the_header_are_skipped(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "export.xlsx", HEADERS, [row(A)], title_rows=2)
    result = import_file("patents", path, actor=ACTOR)
    assert result.created == 1


def test_full_width_punctuation_and_stray_spaces_are_normalised(tmp_path: Path) -> None:
    full_width_number = "ＣＮ" + A.translate(str.maketrans("0123456789.X", "０１２３４５６７８９．Ｘ"))
    path = write_csv(
        tmp_path / "fw.csv",
        HEADERS,
        [[full_width_number, " 2022年3月1日 ", "", "", "", "  一种\u3000测试装置 ", " 烟台 测试甲(集团)有限公司 ；张三 ",
          "李四｜王五", "Ｇ０６Ｆ １６／３０", "G06F16/30；h04l 29/06", " 有效 ", "", ""]],
    )  # fmt: skip
    result = import_file("patents", path, actor=ACTOR)
    assert (result.created, result.rejected) == (1, 0), result.errors
    patent = Patent.objects.get()
    assert patent.application_number == A
    assert patent.title == "一种 测试装置"
    assert list(patent.holders.values_list("name", flat=True)) == ["烟台 测试甲（集团）有限公司", "张三"]
    assert patent.inventors == ["李四", "王五"]
    assert list(patent.ipc_codes.values_list("code", flat=True)) == ["G06F 16/30", "H04L 29/06"]


def test_special_characters_survive_the_bulk_write(tmp_path: Path) -> None:
    title = 'C:\\路径\\N 与 "引号"、制表\t符'
    path = write_xlsx(tmp_path / "chars.xlsx", HEADERS, [row(A, title=title, holders="甲\\乙公司")])
    assert import_file("patents", path, actor=ACTOR).created == 1
    patent = Patent.objects.get()
    assert patent.title == 'C:\\路径\\N 与 "引号"、制表 符'
    assert patent.first_holder_name == "甲\\乙公司" and patent.holders.get().name == "甲\\乙公司"


def test_bad_check_digit_refuses_the_file_and_writes_nothing(tmp_path: Path) -> None:
    bad = A[:-1] + ("0" if A[-1] != "0" else "1")
    path = write_csv(tmp_path / "bad.csv", HEADERS, [row(B, filing="2021-05-06"), row(bad)])
    before = counts()
    result = import_file("patents", path, actor=ACTOR)
    assert result.refused and result.rejected == 1
    assert [e.as_dict() for e in result.errors] == [
        {
            "row": 3,
            "column": "申请号",
            "value": f"CN{bad}",
            "message": f"专利申请号校验位错误：应为“{A[-1]}”，实际为“{bad[-1]}”",
        }
    ]
    assert counts() == before


def test_duplicate_inside_one_file_is_refused(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "dup.csv", HEADERS, [row(A), row(B, filing="2021-05-06"), row(A, title="另一个名称")]
    )
    result = import_file("patents", path, actor=ACTOR)
    assert result.refused
    assert [e.as_dict() for e in result.errors] == [
        {"row": 4, "column": "申请号", "value": A, "message": "与第 2 行重复（同一记录在文件中出现两次）"}
    ]
    assert Patent.objects.count() == 0


def test_duplicates_across_files_update_instead_of_duplicating(tmp_path: Path) -> None:
    first = write_csv(tmp_path / "a.csv", HEADERS, [row(A), row(B, filing="2021-05-06")])
    second = write_csv(
        tmp_path / "b.csv",
        HEADERS,
        [row(A, status="未缴年费专利权终止"), row(C, filing="2020-01-02", main="12-08", ipc="")],
    )
    import_file("patents", first, actor=ACTOR)
    result = import_file("patents", second, actor=ACTOR)
    assert (result.created, result.updated, result.unchanged) == (1, 1, 0)
    assert Patent.objects.count() == 3
    assert Patent.objects.get(application_number=A).legal_status == LegalStatus.LAPSED
    design = Patent.objects.get(application_number=C)
    assert (design.patent_type, design.locarno_class, design.ipc_codes.count()) == ("design", "12-08", 0)
    event = AuditEvent.objects.get(action="patent.update")
    assert (event.before, event.after) == ({"legal_status": "valid"}, {"legal_status": "lapsed"})
    assert event.object_id == str(Patent.objects.get(application_number=A).pk)
    assert event.note.startswith(f"导入 #{result.import_run_id}")


def test_reimporting_the_same_file_changes_nothing(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "a.csv", HEADERS, [row(A), row(B, filing="2021-05-06")])
    import_file("patents", path, actor=ACTOR)
    before = counts()
    result = import_file("patents", path, actor=ACTOR)
    assert (result.created, result.updated, result.unchanged, result.refused) == (0, 0, 2, False)
    assert result.import_run_id is None  # an import that changes nothing writes nothing, not even its log
    assert counts() == before


def test_changed_file_updates_and_audits_each_changed_record(tmp_path: Path) -> None:
    write_csv(tmp_path / "v1.csv", HEADERS, [row(A), row(B, filing="2021-05-06")])
    import_file("patents", tmp_path / "v1.csv", actor=ACTOR)
    write_csv(
        tmp_path / "v2.csv",
        HEADERS,
        [row(A, title="一种改进的测试装置", holders="烟台测试甲有限公司;烟台测试乙有限公司", ipc="G06F 16/30"),
         row(B, filing="2021-05-06")],
    )  # fmt: skip
    result = import_file("patents", tmp_path / "v2.csv", actor=ACTOR)
    assert (result.created, result.updated, result.unchanged) == (0, 1, 1)
    event = AuditEvent.objects.get(action="patent.update")
    assert event.before == {
        "title": "一种测试装置",
        "holders": ["烟台测试甲有限公司"],
        "ipc_codes": ["G06F 16/30", "H04L 29/06"],
    }
    assert event.after == {
        "title": "一种改进的测试装置",
        "holders": ["烟台测试甲有限公司", "烟台测试乙有限公司"],
        "ipc_codes": ["G06F 16/30"],
    }
    patent = Patent.objects.get(application_number=A)
    assert list(patent.holders.values_list("position", "name")) == [
        (0, "烟台测试甲有限公司"),
        (1, "烟台测试乙有限公司"),
    ]
    assert patent.ipc_codes.count() == 1


def test_columns_absent_from_a_file_are_left_as_stored(tmp_path: Path) -> None:
    import_file(
        "patents", write_csv(tmp_path / "full.csv", HEADERS, [row(A, address="烟台市牟平区")]), actor=ACTOR
    )
    slim = write_csv(
        tmp_path / "status.csv",
        ["申请号", "申请日", "名称", "申请（专利权）人", "法律状态"],
        [[A, "2022-03-01", "一种测试装置", "烟台测试甲有限公司", "期限届满"]],
    )
    result = import_file("patents", slim, actor=ACTOR)
    assert result.updated == 1
    patent = Patent.objects.get()
    assert patent.legal_status == LegalStatus.EXPIRED
    assert patent.ipc_codes.count() == 2 and patent.abstract == "摘要"
    assert (patent.address, patent.region.name) == ("烟台市牟平区", "牟平区")  # type: ignore[union-attr]


def test_unknown_columns_are_ignored_and_reported(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "extra.csv", [*HEADERS, "被引证次数", "代理机构"], [[*row(A), "12", "某代理所"]]
    )
    result = import_file("patents", path, actor=ACTOR)
    assert result.created == 1
    assert result.warnings == ["以下列未识别，已忽略：被引证次数、代理机构"]


def test_missing_required_column_is_refused(tmp_path: Path) -> None:
    headers = [h for h in HEADERS if h != "法律状态"]
    path = write_csv(
        tmp_path / "x.csv", headers, [[c for h, c in zip(HEADERS, row(A), strict=True) if h != "法律状态"]]
    )
    result = import_file("patents", path, actor=ACTOR)
    assert result.refused
    assert [e.as_dict() for e in result.errors] == [
        {"row": 1, "column": "法律状态", "value": "", "message": "缺少必需的列“法律状态”"}
    ]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.csv", b"", "文件为空"),
        ("blank.xlsx", b"\r\n  \r\n", "文件为空"),
        (
            "picture.xlsx",
            b"\x89PNG\r\n\x1a\n" + bytes(200),
            "不是表格文件（内容是PNG 图片），请上传 .xlsx 或 .csv 文件",
        ),
        (
            "report.csv",
            b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj",
            "不是表格文件（内容是PDF 文档），请上传 .xlsx 或 .csv 文件",
        ),
        (
            "old.xls",
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100),
            "不支持旧版 Excel 97-2003（.xls）格式：请在 Excel 中另存为 .xlsx 或 .csv 后再导入",
        ),
        ("binary.csv", bytes(range(256)) * 4, "不是表格文件（含有二进制内容），请上传 .xlsx 或 .csv 文件"),
        (
            "notes.csv",
            "这是一份说明\n没有表格\n".encode(),
            "未找到表头：前 10 行中没有可识别的专利列名（如 申请号、申请日、公开（公告）号、公开（公告）日、授权公告日、名称）",
        ),
    ],
)
def test_files_that_are_not_importable_are_refused(
    tmp_path: Path, name: str, content: bytes, message: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    before = counts()
    result = import_file("patents", path, actor=ACTOR)
    assert result.refused and result.reason == message
    assert [e.message for e in result.errors] == [message]
    assert counts() == before


def test_header_only_file_is_refused(tmp_path: Path) -> None:
    result = import_file("patents", write_csv(tmp_path / "h.csv", HEADERS, []), actor=ACTOR)
    assert result.refused and result.reason == "文件只有表头，没有数据行"
    assert ImportRun.objects.count() == 0


def test_gbk_encoded_csv_is_read(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "gbk.csv", HEADERS, [row(A)], encoding="gbk")
    assert import_file("patents", path, actor=ACTOR).created == 1
    assert Patent.objects.get().title == "一种测试装置"


def test_row_errors_name_row_column_value_and_reason(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "errs.csv",
        HEADERS,
        [
            row(A, filing="2022-02-30"),
            row(B, filing="2021-05-06", status="不知道"),
            row(app_no(2022, "1", 77), main="G6F 16/30", grant="2021-01-01"),
            row(app_no(2022, "1", 78), holders=""),
        ],
    )
    result = import_file("patents", path, actor=ACTOR)
    assert result.refused and result.rejected == 4
    assert [e.as_dict() for e in result.errors] == [
        {"row": 2, "column": "申请日", "value": "2022-02-30", "message": "不存在的日期 2022年2月30日"},
        {
            "row": 3,
            "column": "法律状态",
            "value": "不知道",
            "message": "无法识别的法律状态“不知道”（“标准格式”中没有这一写法；市知识产权局可在“导入格式”页为该格式添加同义写法）",
        },
        {"row": 4, "column": "授权公告日", "value": "2021-01-01", "message": "授权公告日早于申请日"},
        {
            "row": 4,
            "column": "主分类号",
            "value": "G6F 16/30",
            "message": "IPC 分类号格式不正确：G6F 16/30（应如 G06F 16/30）",
        },
        {"row": 5, "column": "申请（专利权）人", "value": "", "message": "不能为空"},
    ]


def test_skip_invalid_imports_the_rest_and_writes_rejects(tmp_path: Path) -> None:
    bad = A[:-1] + ("0" if A[-1] != "0" else "1")
    path = write_csv(tmp_path / "mixed.csv", HEADERS, [row(bad), row(B, filing="2021-05-06")])
    result = import_file("patents", path, actor=ACTOR, skip_invalid=True)
    assert (result.created, result.rejected, result.refused) == (1, 1, False)
    rejects = tmp_path / "mixed.rejects.csv"
    assert result.rejects_file == str(rejects)
    lines = rejects.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0].startswith("原行号,申请号,申请日") and lines[0].endswith(",错误原因")
    assert lines[1].startswith(f"2,CN{bad},2022-03-01") and "申请号：专利申请号校验位错误" in lines[1]
    assert ImportRun.objects.get().rejected == 1


def test_dry_run_counts_but_writes_nothing(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "a.csv", HEADERS, [row(A), row(B, filing="2021-05-06")])
    before = counts()
    result = import_file("patents", path, actor=ACTOR, dry_run=True)
    assert (result.created, result.dry_run, result.refused) == (2, True, False)
    assert counts() == before


def test_another_layout_is_read_by_its_source_profile(tmp_path: Path) -> None:
    """English headers (formerly a --mapping file): the 英文表头导出 profile is found from the header,
    or named; the standard layout alone finds no header in this file."""
    headers = [
        "Application Number",
        "Application Date",
        "Title",
        "Applicants",
        "IPC",
        "Legal Status",
        "Inventors",
    ]
    path = write_csv(
        tmp_path / "en.csv",
        headers,
        [[A, "2022-03-01", "A test device", "Yantai Test Co., Ltd.", "G06F 16/30", "Active", "Zhang San"]],
    )
    refused = import_file("patents", path, actor=ACTOR, profile="standard")
    assert refused.refused and refused.reason.startswith("未找到表头：前 10 行中没有可识别的“标准格式”列名")
    result = import_file("patents", path, actor=ACTOR, dry_run=True)
    assert (result.created, result.profile, result.profile_name) == (1, "english", "英文表头导出")
    result = import_file("patents", path, actor=ACTOR, profile="english")
    assert result.created == 1, result.errors
    patent = Patent.objects.get()
    assert (patent.first_holder_name, patent.legal_status) == ("Yantai Test Co., Ltd.", LegalStatus.VALID)
    assert ImportRun.objects.get().profile == "english"


def test_ipc_main_groups_keep_their_semantics(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "ipc.csv",
        HEADERS,
        [row(A, main="G06F1/16", ipc="G06F 16/30;G06F0001200000;A61K 31/4745 (2006.01)")],
    )
    import_file("patents", path, actor=ACTOR)
    assert list(PatentIPC.objects.values_list("code", "main_group")) == [
        ("G06F 1/16", "G06F 1"),
        ("G06F 16/30", "G06F 16"),
        ("G06F 1/20", "G06F 1"),
        ("A61K 31/4745", "A61K 31"),
    ]
    # `G06F1*` means main group G06F 1: two codes, not the G06F 16 one.
    assert PatentIPC.objects.filter(main_group="G06F 1").count() == 2


def test_region_attribution_rules(tmp_path: Path) -> None:
    laishan = Region.objects.get(name="莱山区")
    upsert_organisation(
        actor=ACTOR, name="烟台测试甲有限公司", values={"kind": "enterprise", "region": laishan}
    )
    numbers = [app_no(2022, "1", n) for n in (11, 12, 13, 14, 15)]
    path = write_csv(
        tmp_path / "regions.csv",
        HEADERS,
        [
            row(numbers[0], address="山东省烟台市芝罘区"),  # the organisation's region wins over the address
            row(numbers[1], holders="烟台某某公司", address="山东省烟台高新技术产业开发区蓝海路1号"),
            row(numbers[2], holders="某某公司", address="山东省烟台市某路（邮编264000，区划370683）"),
            row(numbers[3], holders="某某公司", address="北京市海淀区"),
            row(numbers[4], holders="某某公司", address="山东省烟台市福山区"),
        ],
    )
    import_file("patents", path, actor=ACTOR)
    got = {
        p.application_number: (p.region.name if p.region else None, p.region_rule)
        for p in Patent.objects.all()
    }
    assert got == {
        numbers[0]: ("莱山区", RegionRule.ORGANISATION),
        numbers[1]: ("烟台高新区", RegionRule.ADDRESS_NAME),
        numbers[2]: ("莱州市", RegionRule.ADDRESS_CODE),
        numbers[3]: (None, RegionRule.NONE),
        numbers[4]: ("福山区", RegionRule.ADDRESS_NAME),
    }


def test_applicants_link_by_code_then_name_and_aliases(tmp_path: Path) -> None:
    zhifu = Region.objects.get(name="芝罘区")
    code = uscc("370602", 1)
    by_code, _ = upsert_organisation(
        actor=ACTOR, name="烟台甲科技有限公司", values={"uscc": code, "kind": "enterprise", "region": zhifu}
    )
    by_alias, _ = upsert_organisation(
        actor=ACTOR, name="烟台乙股份有限公司", values={"kind": "enterprise", "region": zhifu}
    )
    OrganisationName.objects.create(
        organisation=by_alias, name="烟台乙公司", name_key="烟台乙公司", kind="alias"
    )
    headers = [*HEADERS, "申请人统一社会信用代码"]
    numbers = [app_no(2022, "1", n) for n in (21, 22, 23)]
    path = write_csv(
        tmp_path / "link.csv",
        headers,
        [
            [*row(numbers[0], holders="甲科技（更名前的写法）"), code],
            [*row(numbers[1], holders="烟台 乙股份有限公司;烟台乙公司"), ""],
            [*row(numbers[2], holders="个人发明人"), ""],
        ],
    )
    import_file("patents", path, actor=ACTOR)
    links = {
        (h.patent.application_number, h.position): h.organisation_id
        for h in PatentHolder.objects.select_related("patent")
    }
    assert links == {
        (numbers[0], 0): by_code.pk,
        (numbers[1], 0): by_alias.pk,
        (numbers[1], 1): by_alias.pk,
        (numbers[2], 0): None,
    }
    assert Patent.objects.get(application_number=numbers[0]).first_holder_id == by_code.pk


def test_ambiguous_names_go_to_review_and_the_decision_is_reused(tmp_path: Path, personas) -> None:
    one, _ = upsert_organisation(actor=ACTOR, name="烟台港城甲有限公司", values={"kind": "enterprise"})
    two, _ = upsert_organisation(actor=ACTOR, name="烟台港城乙有限公司", values={"kind": "enterprise"})
    for org in (one, two):
        OrganisationName.objects.create(organisation=org, name="港城公司", name_key="港城公司", kind="alias")
    first = write_csv(
        tmp_path / "a.csv",
        HEADERS,
        [row(A, holders="港城公司"), row(B, filing="2021-05-06", holders="港城公司")],
    )
    result = import_file("patents", first, actor=ACTOR)
    assert result.reviews_added == 1
    item = ReviewItem.objects.get()
    assert (item.name, item.status, item.occurrences) == ("港城公司", ReviewStatus.OPEN, 2)
    assert set(item.candidates.all()) == {one, two}
    assert not PatentHolder.objects.filter(organisation__isnull=False).exists()

    from ipcity.core.audit import Actor

    resolve_review_item(item, organisation=two, actor=Actor.web(personas.admin))
    assert PatentHolder.objects.filter(organisation=two).count() == 2
    assert Patent.objects.filter(first_holder=two).count() == 2
    assert AuditEvent.objects.filter(action="reviewitem.resolve", object_id=str(item.pk)).exists()

    second = write_csv(
        tmp_path / "b.csv", HEADERS, [row(C, filing="2020-01-02", main="12-08", ipc="", holders="港城公司")]
    )
    import_file("patents", second, actor=ACTOR)
    assert Patent.objects.get(application_number=C).first_holder_id == two.pk
    assert ReviewItem.objects.count() == 1


def test_cli_json_output_and_exit_status(tmp_path: Path, capsys) -> None:
    good = write_csv(tmp_path / "good.csv", HEADERS, [row(A)])
    call_command("registry", "import", "patents", str(good), "--json", "--no-progress")
    assert json.loads(capsys.readouterr().out) == {
        "created": 1,
        "updated": 0,
        "unchanged": 0,
        "rejected": 0,
        "errors": [],
    }

    bad = write_csv(tmp_path / "bad.csv", HEADERS, [row(B, filing="2021-05-06", status="???")])
    with pytest.raises(CommandError) as info:
        call_command("registry", "import", "patents", str(bad), "--json", "--no-progress")
    assert info.value.returncode == 2
    assert json.loads(capsys.readouterr().out) == {
        "created": 0,
        "updated": 0,
        "unchanged": 0,
        "rejected": 1,
        "errors": [
            {
                "row": 2,
                "column": "法律状态",
                "value": "???",
                "message": "无法识别的法律状态“???”（“标准格式”中没有这一写法；市知识产权局可在“导入格式”页为该格式添加同义写法）",
            }
        ],
    }
    assert not Patent.objects.filter(application_number=B).exists()


def test_cli_human_output_names_file_row_and_reason(tmp_path: Path, capsys) -> None:
    bad = write_csv(tmp_path / "bad.csv", HEADERS, [row(B, filing="2021-05-06", status="???")])
    with pytest.raises(CommandError) as info:
        call_command("registry", "import", "patents", str(bad), "--no-progress")
    out = capsys.readouterr().out
    assert "bad.csv 第 2 行“法律状态”列（值“???”）：无法识别的法律状态" in out
    assert "文件 bad.csv 被拒绝，未写入任何数据" in str(info.value)


def test_organisation_import_links_earlier_patents(tmp_path: Path) -> None:
    import_file(
        "patents",
        write_csv(tmp_path / "p.csv", HEADERS, [row(A, holders="烟台后来公司", address="烟台市芝罘区")]),
        actor=ACTOR,
    )
    assert Patent.objects.get().first_holder is None
    orgs = write_csv(tmp_path / "o.csv", ["名称", "类型", "所属区市"], [["烟台后来公司", "企业", "海阳市"]])
    result = import_file("organisations", orgs, actor=ACTOR)
    assert result.created == 1
    patent = Patent.objects.select_related("region", "first_holder").get()
    assert patent.first_holder.name == "烟台后来公司"  # type: ignore[union-attr]
    assert (patent.region.name, patent.region_rule) == ("海阳市", RegionRule.ORGANISATION)  # type: ignore[union-attr]
    assert Organisation.objects.get(name="烟台后来公司").patent_holdings.count() == 1
