"""Excel exports of registry lists, streamed (openpyxl write-only): tens of thousands of rows in seconds."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter


def stream_table(
    title: str, headers: Sequence[str], rows: Iterable[Sequence[Any]], widths: Sequence[float]
) -> Workbook:
    """A one-sheet workbook: bold header, frozen; rows written as they come (no per-cell styling)."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title[:31])
    for index, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    ws.freeze_panes = "A2"
    header = []
    for text in headers:
        cell = WriteOnlyCell(ws, value=text)
        cell.font = Font(bold=True)
        header.append(cell)
    ws.append(header)
    for row in rows:
        ws.append(list(row))
    return wb
