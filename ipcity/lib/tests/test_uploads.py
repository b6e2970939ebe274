"""Bounded reading of uploaded tables: zip bombs, declared and real millions of empty rows, too many
rows or columns, overlong cells and lines are refused (or end) before they cost memory or time."""

from __future__ import annotations

import io
import random
import re
import string
import time
import tracemalloc
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

import openpyxl
import pytest
from openpyxl import Workbook

from ipcity.lib.uploads import (
    EMPTY_ROWS_END,
    Limits,
    UploadError,
    check_size,
    check_xlsx,
    csv_rows,
    open_xlsx,
    read_sheet,
    sheet_rows,
)

LIMITS = Limits(max_rows=1000, max_columns=20, max_cell_chars=100)
SHEET = "xl/worksheets/sheet1.xml"
SHARED = "xl/sharedStrings.xml"


def _workbook(rows: Sequence[Sequence[object]]) -> bytes:
    wb = Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)  # test input, written the plain openpyxl way
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PARTS = {
    "[Content_Types].xml": (
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        '<Override PartName="/xl/sharedStrings.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
        "</Types>"
    ),
    "_rels/.rels": (
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{RELS}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
    ),
    "xl/workbook.xml": (
        f'<workbook xmlns="{MAIN}" xmlns:r="{RELS}"><sheets>'
        '<sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
    ),
    "xl/_rels/workbook.xml.rels": (
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{RELS}/worksheet" Target="worksheets/sheet1.xml"/>'
        f'<Relationship Id="rId2" Type="{RELS}/sharedStrings" Target="sharedStrings.xml"/></Relationships>'
    ),
}


def _xlsx(sheet: Iterable[bytes], shared: Iterable[bytes] = ()) -> bytes:
    """A workbook written part by part (streamed, deflated), so a test can shape any part."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in PARTS.items():
            archive.writestr(name, text)
        for name, chunks in ((SHEET, sheet), (SHARED, shared or _shared())):
            with archive.open(name, "w") as stream:
                for chunk in chunks:
                    stream.write(chunk)
    return out.getvalue()


def _shared(*texts: Iterable[bytes]) -> Iterator[bytes]:
    """A shared-string table; each text is given as chunks (a huge string need not exist whole)."""
    yield f'<sst xmlns="{MAIN}">'.encode()
    for chunks in texts:
        yield b"<si><t>"
        yield from chunks
        yield b"</t></si>"
    yield b"</sst>"


def _sheet_xml(dimension: str, rows: str, empty_rows: int = 0) -> Iterator[bytes]:
    yield f'<worksheet xmlns="{MAIN}"><dimension ref="{dimension}"/><sheetData>{rows}'.encode()
    batch = 100_000
    for start in range(3, 3 + empty_rows, batch):
        yield "".join(f'<row r="{n}"/>' for n in range(start, min(start + batch, 3 + empty_rows))).encode()
    yield b"</sheetData></worksheet>"


ROWS = (
    '<row r="1"><c r="A1" t="inlineStr"><is><t>名称</t></is></c></row>'
    '<row r="2"><c r="A2" t="inlineStr"><is><t>一种装置</t></is></c></row>'
)


CELL_ROWS = '<row r="1"><c r="A1" t="s"><v>0</v></c></row>'


def test_the_bomb_shape_is_a_real_workbook_that_openpyxl_reads() -> None:
    # The same construction as the bomb below, small: openpyxl reads the shared string into the cell.
    small = _xlsx(_sheet_xml("A1", CELL_ROWS), _shared([b"A" * 50_000]))
    wb = openpyxl.load_workbook(io.BytesIO(small), read_only=True)
    assert next(wb.worksheets[0].iter_rows(values_only=True)) == ("A" * 50_000,)


def test_a_zip_bomb_is_refused_before_openpyxl_opens_it(monkeypatch: pytest.MonkeyPatch) -> None:
    # One 200 MB cell packed into a few hundred kilobytes: the shape of the filed 300 KB workbook
    # holding one 300 MB cell (openpyxl would load the whole string, and then some, into memory).
    bomb = _xlsx(_sheet_xml("A1", CELL_ROWS), _shared(b"A" * (1 << 20) for _ in range(200)))
    assert len(bomb) < 1_000_000

    def not_called(*args: object, **kwargs: object) -> None:
        raise AssertionError("openpyxl must not open a refused file")

    monkeypatch.setattr(openpyxl, "load_workbook", not_called)
    tracemalloc.start()
    try:
        with pytest.raises(UploadError, match="疑似“压缩炸弹”"):
            open_xlsx(io.BytesIO(bomb), Limits.local())
        with pytest.raises(UploadError, match=r"工作簿解压后为 200 MB，超过上限"):
            open_xlsx(io.BytesIO(bomb), Limits.web())
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 20 * 1024 * 1024


def test_a_long_cell_that_compresses_normally_is_refused_before_parsing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    rnd = random.Random(1)
    text = "".join(rnd.choices(string.ascii_letters, k=2_000_000)).encode()
    big = _xlsx(_sheet_xml("A1", CELL_ROWS), _shared([text]))
    monkeypatch.setattr(openpyxl, "load_workbook", lambda *a, **k: pytest.fail("opened"))
    with pytest.raises(UploadError, match="单元格内容过长（超过每个单元格 100000 个字符的上限）"):
        check_xlsx(io.BytesIO(big), Limits(max_rows=10, max_columns=10, max_cell_chars=100_000))


def test_uncompressed_size_and_file_size_limits_for_web_uploads(tmp_path: Path) -> None:
    content = _workbook([["名称"], ["一种装置" * 20]])
    path = tmp_path / "a.xlsx"
    path.write_bytes(content)
    with pytest.raises(UploadError, match=r"工作簿解压后为 .* MB，超过上限"):
        check_xlsx(path, Limits(max_rows=10, max_columns=10, max_cell_chars=100, max_uncompressed=2000))
    with pytest.raises(UploadError, match=r"文件大小为 .* MB，超过上限"):
        check_xlsx(path, Limits(max_rows=10, max_columns=10, max_cell_chars=100, max_bytes=1000))
    check_xlsx(path, Limits(max_rows=10, max_columns=10, max_cell_chars=100))  # the CLI: no byte limits
    with pytest.raises(UploadError, match=re.escape("“a.xlsx”大小为 0.1 MB，超过上限 0.0 MB")):
        check_size(100_000, 10, "a.xlsx")


def test_three_million_empty_rows_end_the_sheet_quickly() -> None:
    content = _xlsx(_sheet_xml("A1:A3000002", ROWS, empty_rows=3_000_000))
    assert len(content) < 20_000_000
    started = time.perf_counter()
    rows = read_sheet(io.BytesIO(content), Limits.web())
    assert time.perf_counter() - started < 15
    assert rows == [(1, ["名称"]), (2, ["一种装置"])]


def test_a_declared_size_of_millions_of_rows_and_columns_is_ignored() -> None:
    content = _xlsx(_sheet_xml("A1:XFD3000000", ROWS))
    started = time.perf_counter()
    wb = open_xlsx(io.BytesIO(content), LIMITS)
    rows = list(sheet_rows(wb.worksheets[0], LIMITS))
    assert time.perf_counter() - started < 5
    assert rows == [(1, ["名称"]), (2, ["一种装置"])]  # not padded to 16,384 columns


def test_a_jump_to_the_last_row_ends_at_the_run_of_empty_rows() -> None:
    rows = ROWS + '<row r="1048576"><c r="A1048576" t="inlineStr"><is><t>末行</t></is></c></row>'
    content = _xlsx(_sheet_xml("A1:A1048576", rows))
    read = read_sheet(io.BytesIO(content), Limits.web())
    assert read == [(1, ["名称"]), (2, ["一种装置"])]
    assert EMPTY_ROWS_END < 1048576 - 2


def test_rows_columns_and_cell_length_are_bounded_with_the_place_named() -> None:
    with pytest.raises(UploadError, match="文件超过 1000 行的上限（第 1001 行起未读取）"):
        read_sheet(io.BytesIO(_workbook([["x"]] * 1001)), LIMITS)
    assert len(read_sheet(io.BytesIO(_workbook([["x"]] * 1000)), LIMITS)) == 1000
    wide = [["x"] * 21]
    with pytest.raises(UploadError, match="第 1 行有 21 列（到 U 列），超过 20 列的上限"):
        read_sheet(io.BytesIO(_workbook(wide)), LIMITS)
    trailing_empty = [["x"] * 20 + [None] * 30 + [""]]
    assert read_sheet(io.BytesIO(_workbook(trailing_empty)), LIMITS) == [(1, ["x"] * 20)]
    with pytest.raises(UploadError, match="第 2 行 B 列的内容有 101 个字符，超过每个单元格 100 个字符的上限"):
        read_sheet(io.BytesIO(_workbook([["a", "b"], ["a", "长" * 101]])), LIMITS)


def test_not_a_workbook() -> None:
    with pytest.raises(UploadError, match=re.escape("无法读取 Excel 文件（.xlsx）")):
        open_xlsx(io.BytesIO(b"not a zip"), LIMITS)


def _csv(text: str, limits: Limits = LIMITS) -> list[tuple[int, list[str]]]:
    return list(csv_rows(io.StringIO(text, newline=""), limits))


def test_csv_rows_are_bounded() -> None:
    assert _csv('名称,摘要\n"一种\n装置",x\n') == [(1, ["名称", "摘要"]), (2, ["一种\n装置", "x"])]
    with pytest.raises(UploadError, match="第 2 行有单元格内容超过每个单元格 100 个字符的上限"):
        _csv("名称\n" + "长" * 101 + "\n")
    with pytest.raises(UploadError, match="文件超过 1000 行的上限"):
        _csv("x\n" * 1001)
    with pytest.raises(UploadError, match="第 1 行有 21 列"):
        _csv(",".join("x" * 21) + "\n")
    assert _csv("x" + "," * 40 + "\n") == [(1, ["x"])]  # trailing empty fields do not count
    with pytest.raises(UploadError, match="文件第 2 行过长（超过 1048576 个字符）"):
        _csv("x\n" + "," * 2_000_000 + "\n", Limits(max_rows=10, max_columns=10**7, max_cell_chars=100))


def test_csv_empty_lines_end_the_file() -> None:
    rows = _csv("名称\n一种装置\n" + "\n" * 3_000_000 + "末行\n", Limits.local())
    assert rows[:2] == [(1, ["名称"]), (2, ["一种装置"])]
    assert all(cells == [] for _n, cells in rows[2:]) and len(rows) < EMPTY_ROWS_END + 2


def test_a_damaged_workbook_is_refused_with_a_reason() -> None:
    content = bytearray(_xlsx(_sheet_xml("A1", ROWS)))
    member = zipfile.ZipFile(io.BytesIO(bytes(content))).getinfo(SHEET)
    start = member.header_offset + 30 + len(member.filename) + 10  # into the deflated data
    content[start : start + 20] = bytes(20)
    with pytest.raises(UploadError, match="工作簿已损坏或已加密"):
        check_xlsx(io.BytesIO(bytes(content)), LIMITS)
