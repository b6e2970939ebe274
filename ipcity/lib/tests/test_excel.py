"""The one Excel writer: user text stays text (never a formula), typed values keep their types, and
no export writes a cell any other way."""

from __future__ import annotations

import ast
import datetime as dt
import io
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook, load_workbook

from ipcity.lib.excel import (
    EXCEL_CELL_CHARS,
    csv_text,
    simple_table,
    stream_table,
    workbook_bytes,
    write_cell,
)
from ipcity.lib.text import clean_text
from ipcity.test import FORMULA_TEXTS, assert_text_cells

PACKAGE = Path(__file__).resolve().parents[2]
TYPED = [3, -2, -1.5, Decimal("-12.30"), None, dt.date(2024, 5, 1), dt.datetime(2024, 5, 1, 8, 30), True]


def _reloaded(wb: Workbook) -> list[tuple[object, ...]]:
    return list(load_workbook(io.BytesIO(workbook_bytes(wb))).active.iter_rows(values_only=True))


def test_formula_like_text_is_written_as_text_in_both_kinds_of_table() -> None:
    for build in (simple_table, stream_table):
        content = workbook_bytes(build("表", ["标题"], [[text] for text in FORMULA_TEXTS], [20]))
        assert_text_cells(content, FORMULA_TEXTS)


def test_formula_like_text_is_marked_to_stay_text_when_edited() -> None:
    wb = Workbook()
    ws = wb.active
    for row, text in enumerate([*FORMULA_TEXTS, "＝1+1", "\t=1", "普通文字"], start=1):
        write_cell(ws, row, 1, text)
    cells = [row[0] for row in load_workbook(io.BytesIO(workbook_bytes(wb))).active.iter_rows()]
    prefixed = {cell.value: cell.quotePrefix for cell in cells}
    assert prefixed["=1+1"] and prefixed["-2+3"] and prefixed["＝1+1"] and prefixed["\t=1"]
    assert not prefixed["普通文字"] and not prefixed["#N/A"]


def test_numbers_dates_and_booleans_keep_their_types() -> None:
    wb = simple_table("表", ["值"], [[value] for value in TYPED], [10])
    values = [row[0] for row in _reloaded(wb)[1:]]
    assert values == [3, -2, -1.5, -12.3, None, dt.datetime(2024, 5, 1), dt.datetime(2024, 5, 1, 8, 30), True]
    streamed = stream_table("表", ["值"], [[value] for value in TYPED], [10])
    assert [row[0] for row in _reloaded(streamed)[1:]] == values


def test_control_characters_and_overlong_text_cannot_break_an_export() -> None:
    rows: list[list[object]] = [
        ["名称\x00\x07含控制字符"],
        ["长" * (EXCEL_CELL_CHARS + 10)],
        [Path("a") / "b"],
    ]
    for build in (simple_table, stream_table):
        values = [row[0] for row in _reloaded(build("表", ["值"], rows, [10]))[1:]]
        assert values[0] == "名称含控制字符"
        assert isinstance(values[1], str) and len(values[1]) == EXCEL_CELL_CHARS and values[1].endswith("…")
        assert values[2] == str(Path("a") / "b")


def test_csv_fields_get_an_apostrophe_that_the_import_clean_up_removes() -> None:
    assert csv_text("=1+1") == "'=1+1" and csv_text("-5") == "'-5" and csv_text("@x") == "'@x"
    assert csv_text("一种装置") == "一种装置" and csv_text(None) == "" and csv_text(12) == "12"
    for text in FORMULA_TEXTS:
        assert clean_text(csv_text(text)) == text
    assert clean_text("'普通") == "'普通"  # an apostrophe before ordinary text is data


def _direct_cell_writes(path: Path, root: Path = PACKAGE) -> list[str]:
    """Calls that put a value into a cell without lib.excel: ws.cell(..., value=...) or
    ws.cell(r, c, v), .append(...) on a worksheet, WriteOnlyCell(ws, value), cell.value = ..."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        where = f"{path.relative_to(root)}:{getattr(node, 'lineno', 0)}"
        if isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name == "cell" and (len(node.args) >= 3 or any(k.arg == "value" for k in node.keywords)):
                found.append(where)
            if name == "WriteOnlyCell" and (len(node.args) >= 2 or node.keywords):
                found.append(where)
            if name == "append" and isinstance(func, ast.Attribute):
                receiver = ast.unparse(func.value)
                if receiver in {"ws", "sheet", "worksheet"} or receiver.endswith(("_ws", ".active")):
                    found.append(where)
        if isinstance(node, ast.Assign):
            for target in node.targets:
                attribute = isinstance(target, ast.Attribute) and target.attr == "value"
                if attribute and "cell" in ast.unparse(target.value).lower():  # type: ignore[attr-defined]
                    found.append(where)
    return sorted(found, key=lambda w: int(w.rsplit(":", 1)[1]))


def test_no_module_writes_cells_except_through_lib_excel() -> None:
    offenders = []
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE).as_posix()
        if "/tests/" in relative or relative in {"lib/excel.py", "test.py"}:
            continue
        offenders += _direct_cell_writes(path)
    assert offenders == []


def test_the_direct_write_check_finds_direct_writes(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(
        "ws.cell(row=1, column=1, value=x)\nws.cell(1, 2, y)\nws.append([x])\nWriteOnlyCell(ws, value=x)\n"
        "cell.value = x\nws.cell(row=1, column=1).font = f\nitems.append(x)\nsnapshot.value = x\n",
        encoding="utf-8",
    )
    assert [w.split(":")[1] for w in _direct_cell_writes(sample, tmp_path)] == ["1", "2", "3", "4", "5"]
