"""Dates as they appear in imported spreadsheets.

Accepted: `2022-03-01`, `2022-3-1`, `2022/03/01`, `2022.03.01`, `20220301`, `2022年3月1日`, an Excel
serial number (`44621`, also as a number cell), and date/datetime cells as openpyxl returns them.
Anything else raises `DateFormatError` with a Chinese reason.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache

from ipcity.lib.text import fold

# Excel's day 0 is 1899-12-30 for every serial after its fictitious 1900-02-29 (serial 60).
EXCEL_EPOCH = dt.date(1899, 12, 30)
EXCEL_MIN_SERIAL = 61  # 1900-03-01; earlier serials are off by one in Excel and never occur here
EXCEL_MAX_SERIAL = 2958465  # 9999-12-31

_SEPARATED = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[T ]?\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?")
_CHINESE = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日?")
_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})")
_SERIAL = re.compile(r"(\d{2,7})(?:\.0+)?")
FORMATS_HELP = "2022-03-01、2022.03.01、20220301、2022年3月1日 或 Excel 日期序号"


class DateFormatError(ValueError):
    """A cell is not a date in one of the accepted formats."""


def from_excel_serial(serial: float) -> dt.date:
    if serial != int(serial):
        serial = int(serial)  # a time of day in the fraction: the date is the integer part
    if not EXCEL_MIN_SERIAL <= serial <= EXCEL_MAX_SERIAL:
        raise DateFormatError(f"Excel 日期序号 {serial:g} 超出范围")
    return EXCEL_EPOCH + dt.timedelta(days=int(serial))


def _make(year: str, month: str, day: str) -> dt.date:
    try:
        return dt.date(int(year), int(month), int(day))
    except ValueError as exc:
        raise DateFormatError(f"不存在的日期 {year}年{int(month)}月{int(day)}日") from exc


@lru_cache(maxsize=65536)
def parse_date_text(text: str) -> dt.date:
    """Parse one date written as text (cached: exports repeat the same dates many times)."""
    value = fold(text)
    if not value:
        raise DateFormatError("日期为空")
    for pattern in (_SEPARATED, _CHINESE):
        match = pattern.fullmatch(value)
        if match:
            return _make(*match.groups())
    match = _COMPACT.fullmatch(value)
    if match:
        return _make(*match.groups())
    match = _SERIAL.fullmatch(value)
    if match:
        return from_excel_serial(int(match.group(1)))
    raise DateFormatError(f"无法识别的日期“{text}”（可用格式：{FORMATS_HELP}）")


def parse_date(value: object) -> dt.date:
    """A date from a spreadsheet cell of any accepted form."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, bool):
        raise DateFormatError(f"无法识别的日期“{value}”")
    if isinstance(value, int | float):
        if 19000101 <= value <= 99991231 and value == int(value):
            return parse_date_text(str(int(value)))
        return from_excel_serial(value)
    return parse_date_text(str(value))
