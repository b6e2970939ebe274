"""Registry imports within bounds (lib.uploads), and imported text that looks like a formula: refused
files write nothing and say why in Chinese; the CLI's --json never echoes a huge cell whole;
formula-like titles come back as text in the Excel export and in the rejects file."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from ipcity.core.models import Job
from ipcity.registry.importers import import_file
from ipcity.registry.models import ImportRun, Patent
from ipcity.registry.tests.helpers import ACTOR, app_no, write_csv, write_xlsx
from ipcity.test import FORMULA_TEXTS, Personas, assert_text_cells

pytestmark = pytest.mark.django_db

HEADERS = ["申请号", "申请日", "名称", "申请（专利权）人", "主分类号", "法律状态", "地址"]


def row(number: str, title: str = "一种测试装置", filing: str = "2022-03-01") -> list[str]:
    return [number, filing, title, "测试甲公司", "G06F 16/30", "有效", "烟台市芝罘区"]


def upload(personas: Personas, path: Path) -> Job:
    with path.open("rb") as handle:
        personas.client(personas.admin).post("/registry/imports/", {"kind": "patents", "file": handle})
    return Job.objects.get()


def test_imported_formula_titles_come_back_as_text_in_the_patent_excel(
    tmp_path: Path, personas: Personas
) -> None:
    rows = [row(app_no(2022, "1", i + 1), title) for i, title in enumerate(FORMULA_TEXTS)]
    job = upload(personas, write_csv(tmp_path / "formulas.csv", HEADERS, rows))
    assert job.status == "succeeded", job.error
    assert sorted(Patent.objects.values_list("title", flat=True)) == sorted(FORMULA_TEXTS)
    response = personas.client(personas.admin).get("/registry/patents/", {"format": "xlsx"})
    assert_text_cells(response.content, FORMULA_TEXTS)


def test_rejects_file_neutralises_formulas_and_imports_back_unchanged(tmp_path: Path) -> None:
    good = app_no(2022, "1", 1)
    rows = [row(good, "=1+1", filing="2022-13-45"), row(app_no(2022, "1", 2), "-正常行")]
    path = write_csv(tmp_path / "mixed.csv", HEADERS, rows)
    result = import_file("patents", path, actor=ACTOR, skip_invalid=True)
    assert (result.created, result.rejected) == (1, 1)
    with Path(result.rejects_file).open(encoding="utf-8-sig", newline="") as handle:
        rejects = list(csv.reader(handle))
    assert rejects[1][3] == "'=1+1"  # the title, marked as text for spreadsheets
    corrected = [r[1:-1] for r in rejects]  # the original columns, as a user would correct them
    corrected[1][1] = "2022-03-01"
    fixed = write_csv(tmp_path / "fixed.csv", corrected[0], corrected[1:])
    assert import_file("patents", fixed, actor=ACTOR).created == 1
    assert sorted(Patent.objects.values_list("title", flat=True)) == ["-正常行", "=1+1"]


def _bomb(path: Path) -> Path:
    """A real patents workbook whose shared strings hold 150 MB of one letter: ~150 KB on disk."""
    write_xlsx(path, HEADERS, [row(app_no(2022, "1", 1))])
    with zipfile.ZipFile(path) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in parts.items():
            target.writestr(name, data)
        with target.open("xl/padding.xml", "w") as stream:
            stream.write(b"<x>")
            for _ in range(150):
                stream.write(b"A" * (1 << 20))
            stream.write(b"</x>")
    path.write_bytes(out.getvalue())
    return path


def test_a_zip_bomb_upload_is_refused_and_nothing_is_written(tmp_path: Path, personas: Personas) -> None:
    path = _bomb(tmp_path / "bomb.xlsx")
    assert path.stat().st_size < 1_000_000
    job = upload(personas, path)
    assert job.status == "failed"
    assert "文件 bomb.xlsx 被拒绝，未写入任何数据" in job.error and "疑似“压缩炸弹”" in job.error
    assert Patent.objects.count() == 0 and ImportRun.objects.count() == 0
    result = import_file("patents", path, actor=ACTOR)  # the CLI: the same ratio limit
    assert result.refused and "疑似“压缩炸弹”" in result.reason
    assert Patent.objects.count() == 0


@override_settings(IPCITY_MAX_UNCOMPRESSED_BYTES=5000)
def test_a_workbook_beyond_the_uncompressed_limit_is_refused_on_upload_only(
    tmp_path: Path, personas: Personas
) -> None:
    path = write_xlsx(tmp_path / "big.xlsx", HEADERS, [row(app_no(2022, "1", i + 1)) for i in range(40)])
    job = upload(personas, path)
    assert job.status == "failed" and "工作簿解压后为" in job.error
    assert Patent.objects.count() == 0
    assert import_file("patents", path, actor=ACTOR).created == 40  # the CLI reads it


@override_settings(IPCITY_MAX_IMPORT_ROWS=5)
def test_too_many_rows_are_refused_with_nothing_written(tmp_path: Path) -> None:
    rows = [row(app_no(2022, "1", i + 1)) for i in range(5)]
    for path in (
        write_csv(tmp_path / "a.csv", HEADERS, rows),
        write_xlsx(tmp_path / "a.xlsx", HEADERS, rows),
    ):
        result = import_file("patents", path, actor=ACTOR)
        assert result.refused and "文件超过 5 行的上限（第 6 行起未读取）" in result.reason
    assert Patent.objects.count() == 0 and ImportRun.objects.count() == 0
    assert import_file("patents", write_csv(tmp_path / "b.csv", HEADERS, rows[:4]), actor=ACTOR).created == 4


@override_settings(IPCITY_MAX_CELL_CHARS=1000, IPCITY_MAX_IMPORT_COLUMNS=10)
def test_overlong_cells_and_too_many_columns_are_refused_naming_the_place(tmp_path: Path) -> None:
    rows = [row(app_no(2022, "1", 1)), row(app_no(2022, "1", 2), "长" * 1001)]
    result = import_file("patents", write_xlsx(tmp_path / "a.xlsx", HEADERS, rows), actor=ACTOR)
    assert (
        result.refused
        and "第 3 行 C 列的内容有 1001 个字符，超过每个单元格 1000 个字符的上限" in result.reason
    )
    result = import_file("patents", write_csv(tmp_path / "a.csv", HEADERS, rows), actor=ACTOR)
    assert result.refused and "第 3 行有单元格内容超过每个单元格 1000 个字符的上限" in result.reason
    wide = [[*row(app_no(2022, "1", 1)), *["x"] * 4]]
    result = import_file("patents", write_csv(tmp_path / "w.csv", [*HEADERS, *"ABCD"], wide), actor=ACTOR)
    assert result.refused and "第 1 行有 11 列（到 K 列），超过 10 列的上限" in result.reason
    assert Patent.objects.count() == 0


def test_cli_json_does_not_echo_a_huge_cell_whole(tmp_path: Path, capsys) -> None:
    huge = "9" * 500_000
    path = write_csv(tmp_path / "huge.csv", HEADERS, [[huge, *row(app_no(2022, "1", 1))[1:]]])
    with pytest.raises(CommandError) as info:
        call_command("registry", "import", "patents", str(path), "--json", "--no-progress")
    assert info.value.returncode == 2
    out = capsys.readouterr().out
    assert len(out) < 2000
    error = json.loads(out)["errors"][0]
    assert error["row"] == 2 and error["column"] == "申请号"
    assert error["value"] == "9" * 200 + "…（共 500000 个字符）"
    assert huge not in error["message"] and len(error["message"]) < 1000
