"""Cell parsers shared by the importers. Each takes a raw cell (str, number, date or None that is not
blank) and returns a clean value or raises CellError with a Chinese reason."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

from ipcity.lib.dates import DateFormatError, parse_date
from ipcity.lib.identifiers import (
    PATENT_TYPES,
    IdentifierError,
    normalize_patent_application_number,
    normalize_uscc,
    patent_check_digit,
)
from ipcity.lib.text import clean_name, clean_text, fold, split_values

_SEPARATORS = re.compile(r"[;；|｜]")


class CellError(ValueError):
    """A cell's value is invalid; the message says why, in Chinese."""


def cell_text(value: Any) -> str:
    """A cell as text; integral numbers without '.0' (Excel stores 2023 as 2023.0)."""
    if type(value) is str:
        return clean_text(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()[:10]
    return clean_text(value)


def text(value: Any) -> str:
    return cell_text(value)


# Names repeat across rows (the same applicants and inventors): clean each spelling once.
_clean_name = lru_cache(maxsize=200_000)(clean_name)


def name(value: Any) -> str:
    return _clean_name(cell_text(value))


# Multi-valued parsers take a cell, or its parts already split by a source profile's separators.


def _parts(value: Any) -> list[str]:
    if isinstance(value, list):
        return [cell_text(part) for part in value]
    return _SEPARATORS.split(cell_text(value))


def names(value: Any) -> list[str]:
    parts = (_clean_name(part) for part in _parts(value))
    return [part for part in parts if part]


def texts(value: Any) -> list[str]:
    if isinstance(value, list):
        return [part for part in (cell_text(p) for p in value) if part]
    return split_values(cell_text(value))


def date(value: Any) -> dt.date:
    try:
        return parse_date(value)
    except DateFormatError as exc:
        raise CellError(str(exc)) from exc


def dates(value: Any) -> list[dt.date]:
    if isinstance(value, list):
        return [date(part) for part in texts(value)]
    if isinstance(value, dt.date | int | float):
        return [date(value)]
    if isinstance(value, str) and not _SEPARATORS.search(value):
        return [date(value)]
    return [date(part) for part in split_values(cell_text(value))]


def date_range_end(value: Any) -> dt.date:
    """'2014-01-07至2024-01-06' or '2014.01.07-2024.01.06' -> the end; a single date -> that date."""
    if isinstance(value, dt.date | int | float):
        return date(value)
    raw = cell_text(value)
    parts = [p for p in re.split(r"至|~|～|—|--|(?<=\d)\s*-\s*(?=\d{4}[-./年])", raw) if p.strip()]
    return date(parts[-1].strip()) if parts else date(raw)


_PLAIN_NUMBER = re.compile(r"(?:CN|ZL)?(\d{12})\.?([0-9X])")


def application_number(value: Any) -> str:
    raw = cell_text(value)
    plain = _PLAIN_NUMBER.fullmatch(raw)
    if plain and plain.group(2) == patent_check_digit(plain.group(1)) and plain.group(1)[4] in PATENT_TYPES:
        return f"{plain.group(1)}.{plain.group(2)}"  # the common, already clean form
    try:
        return normalize_patent_application_number(raw)
    except IdentifierError as exc:
        raise CellError(str(exc)) from exc


def application_numbers(value: Any) -> list[str]:
    return [application_number(part) for part in split_values(cell_text(value))]


def patent_type_of(number: str) -> tuple[str, bool]:
    """('invention' | 'utility_model' | 'design', is_pct) from a normalised application number."""
    digit = number[4] if len(number) == 14 else number[2]
    return PATENT_TYPES[digit], digit in "89"


def uscc(value: Any) -> str:
    try:
        return normalize_uscc(cell_text(value))
    except IdentifierError as exc:
        raise CellError(str(exc)) from exc


def usccs(value: Any) -> list[str]:
    """Aligned with a multi-valued names cell: an empty part ('-', '—', '无') means 'not known'."""
    out = []
    for part in _parts(value):
        part = part.strip()
        out.append("" if part in {"", "-", "—", "无", "/"} else uscc(part))
    return out


_IPC = re.compile(r"([A-H])(\d{2})([A-Z])(\d{1,4})/(\d{1,6})")
_IPC_14 = re.compile(r"([A-H])(\d{2})([A-Z])(\d{4})(\d{6})")  # 'G06F0016300000' (the 14-character form)
_LOCARNO = re.compile(r"(\d{1,2})-(\d{1,2})")


@lru_cache(maxsize=65536)
def ipc_parts(raw: str) -> tuple[str, str, str]:
    """'G06F16/30', 'g06f 16/30 (2019.01)', 'G06F0016300000' -> ('G06F 16/30', 'G06F 16', 'G06F')."""
    value = re.sub(r"\(.*?\)|（.*?）", "", fold(raw))
    match = _IPC.fullmatch(value)
    if match:
        section, klass, sub, group, subgroup = match.groups()
        if len(subgroup) < 2:
            raise CellError(f"IPC 分类号格式不正确：{raw}（小组号至少两位，应如 G06F 16/30）")
        group = str(int(group))
    else:
        match = _IPC_14.fullmatch(value)
        if not match:
            raise CellError(f"IPC 分类号格式不正确：{raw}（应如 G06F 16/30）")
        section, klass, sub, group, subgroup = match.groups()
        group = str(int(group))
        subgroup = subgroup.rstrip("0").ljust(2, "0")  # '300000' -> '30', '000000' -> '00'
    subclass = f"{section}{klass}{sub}"
    return f"{subclass} {group}/{subgroup}", f"{subclass} {group}", subclass


def locarno(raw: str) -> str:
    match = _LOCARNO.fullmatch(fold(raw).removeprefix("LOC").strip("()"))
    if not match:
        raise CellError(f"外观设计分类号格式不正确：{raw}（应如 12-08）")
    return f"{int(match.group(1)):02d}-{int(match.group(2)):02d}"


def ipc_list(value: Any) -> list[str]:
    return texts(value)


def integer(value: Any) -> int:
    if isinstance(value, str) and value.isascii() and value.isdigit():
        return int(value)
    raw = fold(cell_text(value))
    if not re.fullmatch(r"\d+", raw):
        raise CellError(f"应为非负整数，实际为“{cell_text(value)}”")
    return int(raw)


def decimal(value: Any) -> Decimal:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return Decimal(str(value))
    raw = fold(cell_text(value)).replace(",", "").removesuffix("元")
    try:
        result = Decimal(raw)
    except InvalidOperation as exc:
        raise CellError(f"应为数字，实际为“{cell_text(value)}”") from exc
    if not result.is_finite() or result < 0:
        raise CellError(f"应为非负数，实际为“{cell_text(value)}”")
    return result


def percent(value: Any) -> Decimal:
    raw = fold(cell_text(value)).removesuffix("%")
    result = decimal(raw)
    if result > 100:
        raise CellError(f"利率应为百分数（如 3.65），实际为“{cell_text(value)}”")
    return result


_TRUE = {"是", "Y", "YES", "TRUE", "1", "√", "✓", "有", "已备案", "已登记", "备案"}
_FALSE = {"否", "N", "NO", "FALSE", "0", "×", "✗", "无", "未备案", "未登记", "-"}


def boolean(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    raw = fold(cell_text(value))
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return False
    raise CellError(f"应为“是”或“否”，实际为“{cell_text(value)}”")


def year(value: Any) -> int:
    raw = fold(cell_text(value)).removesuffix("年").removesuffix("年度")
    if not re.fullmatch(r"(19|20)\d{2}", raw):
        raise CellError(f"年度应为四位年份（如 2023），实际为“{cell_text(value)}”")
    return int(raw)


def choice(
    options: Iterable[tuple[str, Any]], *, synonyms: Mapping[str, str] | None = None
) -> Callable[[Any], str]:
    """A parser accepting a TextChoices value, its Chinese label, or a listed synonym (exact after folding)."""
    table: dict[str, str] = {}
    labels = []
    for value, label in options:
        table[fold(value)] = value
        table[fold(str(label))] = value
        labels.append(str(label))
    for word, value in (synonyms or {}).items():
        table[fold(word)] = value

    @lru_cache(maxsize=256)
    def parse_text(text: str) -> str:
        key = fold(text)
        if key in table:
            return table[key]
        raise CellError(f"无法识别的值“{text}”（可选：{'、'.join(labels)}）")

    def parse(cell: Any) -> str:
        return parse_text(cell_text(cell))

    return parse
