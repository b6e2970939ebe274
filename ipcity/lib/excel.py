"""Small helpers for Excel output (openpyxl): styled headers, widths, and an HTTP response."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from typing import Any
from urllib.parse import quote

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
THIN = Side(style="thin", color="999999")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADER_FILL = PatternFill("solid", fgColor="DDE4EE")
WRAP = Alignment(wrap_text=True, vertical="top")


def write_header(ws: Worksheet, row: int, titles: Sequence[str]) -> None:
    for col, title in enumerate(titles, start=1):
        cell = ws.cell(row=row, column=col, value=title)
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
            cell = ws.cell(row=r_index, column=c_index, value=value)
            cell.alignment = WRAP
            cell.border = BORDER
    ws.freeze_panes = "A2"
    set_widths(ws, widths)
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
