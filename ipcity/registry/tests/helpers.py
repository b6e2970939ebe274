"""Helpers for registry tests: write real .csv/.xlsx files, make valid identifiers."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ipcity.core.audit import Actor
from ipcity.lib.identifiers import patent_check_digit, uscc_check_char

ACTOR = Actor.cli("registry tests")


def write_csv(
    path: Path, headers: Sequence[str], rows: Sequence[Sequence[Any]], encoding: str = "utf-8-sig"
) -> Path:
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(headers)
        writer.writerows(rows)
    return path


def write_xlsx(
    path: Path, headers: Sequence[str], rows: Sequence[Sequence[Any]], *, title_rows: int = 0
) -> Path:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    for index in range(title_rows):
        ws.append([f"检索结果导出（第{index + 1}行标题）"])
    ws.append(list(headers))
    for row in rows:
        ws.append(list(row))
    wb.save(path)
    return path


def app_no(year: int, type_digit: str, serial: int) -> str:
    digits = f"{year}{type_digit}{serial:07d}"
    return f"{digits}.{patent_check_digit(digits)}"


def uscc(division: str, serial: int) -> str:
    body = f"91{division}MATET{serial:04d}"
    return body + uscc_check_char(body)
