"""Excel output (openpyxl): the one place that puts values into cells, plus styled headers, widths,
streamed tables and the HTTP response.

Every export writes its cells through `write_cell` (ordinary sheets) or `stream_row` (write-only
sheets), and every CSV cell through `csv_text`, so user-supplied text can never become a live formula:

- openpyxl turns any string that starts with "=" into a formula (and "#N/A"-like strings into
  error values). `put` stores every string as a string cell instead. A string cell in an .xlsx is
  shown verbatim and never evaluated by Excel, LibreOffice or WPS: the file has no formula in it.
- Text that starts with a character a spreadsheet reads as the start of a formula when the cell is
  typed or re-entered (= + - @, tab, CR, LF) also gets the cell style's "quotePrefix": what Excel
  stores when a user types a leading apostrophe. The reader sees the original text with no
  apostrophe, and a user who edits the cell (F2, Enter) keeps text, not a formula. The full-width
  ＝ ＋ － ＠ of Chinese input methods are treated the same: a string cell never evaluates them, but
  whether an application turns a re-entered "＝…" into a formula depends on its input settings,
  and the mark is invisible, so it costs nothing. No literal "'" is put into the text: Excel would
  show it, and the exported file would no longer import back unchanged (the decomposition workbook
  is exported, edited and imported again).
- A CSV file has no cell types, so `csv_text` does put a leading "'" before such text: spreadsheets
  then read the field as text (the apostrophe may show). The importers' text clean-up
  (`lib.text.clean_text`) removes it again, so a corrected rejects file imports the original text.

Numbers (int, float, Decimal), dates, times and booleans keep their types: a negative number stays
a number. Characters an .xlsx cannot hold (control characters) are dropped and text longer than an
Excel cell holds (32,767 characters) is cut with "…", so no user text can make an export fail.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any
from urllib.parse import quote

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
THIN = Side(style="thin", color="999999")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADER_FILL = PatternFill("solid", fgColor="DDE4EE")
WRAP = Alignment(wrap_text=True, vertical="top")

FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")
EXCEL_CELL_CHARS = 32_767  # the most characters an Excel cell holds
_TYPED = (bool, int, float, Decimal, dt.date, dt.time, dt.timedelta)


def starts_like_formula(text: str) -> bool:
    return text.startswith(FORMULA_LEADS)


def _text(value: Any) -> str:
    text = value if isinstance(value, str) else str(value)
    if ILLEGAL_CHARACTERS_RE.search(text):
        text = ILLEGAL_CHARACTERS_RE.sub("", text)
    if len(text) > EXCEL_CELL_CHARS:
        text = text[: EXCEL_CELL_CHARS - 1] + "…"
    return text


def put(cell: Cell, value: Any) -> Cell:
    """Store `value` in `cell`: typed values as they are, anything else as text that stays text."""
    if value is None or isinstance(value, _TYPED):
        cell.value = value
        return cell
    text = _text(value)
    cell.value = text  # openpyxl may take it for a formula or an error value ...
    cell.data_type = "s"  # ... it is text
    if starts_like_formula(text):
        cell.quotePrefix = True
    return cell


def write_cell(ws: Worksheet, row: int, column: int, value: Any) -> Cell:
    """Write one cell of an ordinary (not write-only) sheet; returns it for styling."""
    return put(ws.cell(row=row, column=column), value)


def _needs_cell(value: Any) -> bool:
    if value is None or isinstance(value, _TYPED):
        return False
    if not isinstance(value, str):
        return True
    return (
        value.startswith(FORMULA_LEADS)
        or value.startswith("#")  # openpyxl's error values: "#N/A", "#REF!", ...
        or len(value) > EXCEL_CELL_CHARS
        or ILLEGAL_CHARACTERS_RE.search(value) is not None
    )


def stream_row(ws: Any, values: Iterable[Any]) -> None:
    """Append one row to a write-only sheet. Plain values are appended as they are (fast); text
    that needs care goes in a cell made by `put`, or a cell already made (a styled header)."""
    ws.append(
        [put(WriteOnlyCell(ws), v) if _needs_cell(v) and not isinstance(v, Cell) else v for v in values]
    )


def csv_text(value: Any) -> str:
    """One CSV field: text, with "'" before text that a spreadsheet would read as a formula."""
    text = "" if value is None else value if isinstance(value, str) else str(value)
    return "'" + text if starts_like_formula(text) else text


def write_header(ws: Worksheet, row: int, titles: Sequence[str]) -> None:
    for col, title in enumerate(titles, start=1):
        cell = write_cell(ws, row, col, title)
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.border = BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)


def set_widths(ws: Worksheet, widths: Sequence[float]) -> None:
    for index, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width


def simple_table(
    title: str, headers: Sequence[str], rows: Iterable[Sequence[Any]], widths: Sequence[float]
) -> Workbook:
    """A one-sheet workbook: header row then data rows, wrapped text, frozen header."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = title[:31]
    write_header(ws, 1, headers)
    for r_index, values in enumerate(rows, start=2):
        for c_index, value in enumerate(values, start=1):
            cell = write_cell(ws, r_index, c_index, value)
            cell.alignment = WRAP
            cell.border = BORDER
    ws.freeze_panes = "A2"
    set_widths(ws, widths)
    return wb


def stream_table(
    title: str, headers: Sequence[str], rows: Iterable[Sequence[Any]], widths: Sequence[float]
) -> Workbook:
    """A one-sheet write-only workbook (tens of thousands of rows in seconds): bold frozen header,
    rows written as they come, no per-cell styling."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title[:31])
    for index, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    ws.freeze_panes = "A2"
    header = []
    for text in headers:
        cell = put(WriteOnlyCell(ws), text)
        cell.font = Font(bold=True)
        header.append(cell)
    stream_row(ws, header)
    for row in rows:
        stream_row(ws, row)
    return wb


def workbook_bytes(wb: Workbook) -> bytes:
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def xlsx_response(wb: Workbook, filename: str) -> HttpResponse:
    response = HttpResponse(workbook_bytes(wb), content_type=XLSX_MIME)
    # RFC 6266/5987: an ASCII fallback plus the UTF-8 Chinese name.
    response["Content-Disposition"] = (
        f"attachment; filename=\"export.xlsx\"; filename*=UTF-8''{quote(filename)}"
    )
    return response
