"""Reading uploaded tables (.xlsx and .csv) within bounds: every reader of an uploaded or imported
file goes through here, so a small file cannot make the server read gigabytes.

Checked before anything is parsed:
- the file's size in bytes (web uploads: IPCITY_MAX_UPLOAD_BYTES);
- for .xlsx (a zip): the members' total uncompressed size (web uploads:
  IPCITY_MAX_UNCOMPRESSED_BYTES), each large member's compression ratio (a "zip bomb" packs
  hundreds of megabytes of one repeated character into a few hundred kilobytes), and the longest
  text between two XML tags in any member, so no cell longer than IPCITY_MAX_CELL_CHARS reaches
  openpyxl (which loads all shared strings into memory when it opens a workbook). Python's zipfile
  never inflates a member beyond its declared size, so the declared sizes can be trusted.

Checked while reading, row by row (rows are streamed, never all held):
- at most IPCITY_MAX_IMPORT_ROWS rows, IPCITY_MAX_IMPORT_COLUMNS columns and IPCITY_MAX_CELL_CHARS
  characters in a cell; a CSV line is also bounded in length before the csv module parses it;
- the sheet's declared size (<dimension ref="A1:XFD3000000"/>) is ignored: openpyxl would otherwise
  pad every row to the declared width and add the declared empty rows. Rows come as the file has
  them, and reading ends at a run of EMPTY_ROWS_END empty rows (what follows is taken as empty).

Files read from the server's own disk (the CLI, the demo data, the benchmark) are not held to the
two byte limits, which exist to protect the web process; every other limit applies to them too.
Every refusal is an UploadError with a Chinese message naming the row and column at fault.
"""

from __future__ import annotations

import csv
import os
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, TextIO

from django.conf import settings
from openpyxl.utils import get_column_letter

EMPTY_ROWS_END = 1000
MAX_COMPRESSION_RATIO = 100  # uncompressed / compressed, for members larger than RATIO_GRACE_BYTES
RATIO_GRACE_BYTES = 1024 * 1024  # small members (styles, themes) may compress better; they are small
BYTES_PER_CHAR = 10  # an XML text of n characters takes at most ~10n bytes ("&#x10FFFF;"); usually 1-3n
MIN_LINE_CHARS = 1024 * 1024  # a CSV line may hold at least this many characters
SCAN_CHUNK = 1024 * 1024


class UploadError(ValueError):
    """The file is refused; the message is Chinese and says why (and where)."""


@dataclass(frozen=True)
class Limits:
    max_rows: int
    max_columns: int
    max_cell_chars: int
    max_bytes: int | None = None  # the file itself
    max_uncompressed: int | None = None  # an .xlsx's members, inflated

    @classmethod
    def web(cls, *, max_rows: int | None = None) -> Limits:
        """For a file uploaded through the web. `max_rows` lowers the row limit for readers that
        keep every row in memory (small tables)."""
        return cls(
            max_rows=_lower(settings.IPCITY_MAX_IMPORT_ROWS, max_rows),
            max_columns=settings.IPCITY_MAX_IMPORT_COLUMNS,
            max_cell_chars=settings.IPCITY_MAX_CELL_CHARS,
            max_bytes=settings.IPCITY_MAX_UPLOAD_BYTES,
            max_uncompressed=settings.IPCITY_MAX_UNCOMPRESSED_BYTES,
        )

    @classmethod
    def local(cls, *, max_rows: int | None = None) -> Limits:
        """For a file on the server's disk (CLI): no byte limits, every other limit."""
        return cls(
            max_rows=_lower(settings.IPCITY_MAX_IMPORT_ROWS, max_rows),
            max_columns=settings.IPCITY_MAX_IMPORT_COLUMNS,
            max_cell_chars=settings.IPCITY_MAX_CELL_CHARS,
        )

    @property
    def max_line_chars(self) -> int:
        return max(MIN_LINE_CHARS, 2 * self.max_cell_chars)


def _lower(limit: int, other: int | None) -> int:
    return limit if other is None else min(limit, other)


def _mb(n: int) -> str:
    return f"{n / 1048576:.1f} MB" if n < 10 * 1048576 else f"{n / 1048576:.0f} MB"


def check_size(size: int | None, limit: int | None, name: str = "") -> None:
    if limit is not None and size is not None and size > limit:
        what = f"“{name}”" if name else "文件"
        raise UploadError(f"{what}大小为 {_mb(size)}，超过上限 {_mb(limit)}。")


def within_upload_size(upload: Any) -> Any:
    """For a form's clean_<field>: the uploaded file, if within IPCITY_MAX_UPLOAD_BYTES (checked
    before anything reads it)."""
    from django.core.exceptions import ValidationError

    try:
        check_size(upload.size, settings.IPCITY_MAX_UPLOAD_BYTES, upload.name or "")
    except UploadError as exc:
        raise ValidationError(str(exc)) from exc
    return upload


def source_size(source: str | Path | IO[bytes]) -> int | None:
    if isinstance(source, str | Path):
        return os.stat(source).st_size
    size = getattr(source, "size", None)  # Django's UploadedFile
    if isinstance(size, int):
        return size
    try:
        position = source.tell()
        end = source.seek(0, os.SEEK_END)
        source.seek(position)
    except (AttributeError, OSError):
        return None
    return end


# --- .xlsx ---------------------------------------------------------------------------------------


def check_xlsx(source: str | Path | IO[bytes], limits: Limits) -> None:
    """Refuse a workbook whose zip would inflate beyond the limits, before openpyxl opens it."""
    check_size(source_size(source), limits.max_bytes)
    try:
        archive = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise UploadError("无法读取 Excel 文件（.xlsx）：不是有效的 Excel 工作簿。") from exc
    try:
        members = archive.infolist()
        total = sum(m.file_size for m in members)
        if limits.max_uncompressed is not None and total > limits.max_uncompressed:
            raise UploadError(
                f"工作簿解压后为 {_mb(total)}，超过上限 {_mb(limits.max_uncompressed)}："
                "请删去无关的工作表、列或格式后再上传，或分成几个文件。"
            )
        for member in members:
            if member.file_size > RATIO_GRACE_BYTES:
                ratio = member.file_size / max(member.compress_size, 1)
                if ratio > MAX_COMPRESSION_RATIO:
                    raise UploadError(
                        f"工作簿内容的压缩比异常（解压后为 {_mb(member.file_size)}，"
                        f"是压缩后的 {ratio:.0f} 倍，上限 {MAX_COMPRESSION_RATIO} 倍），"
                        "疑似“压缩炸弹”，未读取。"
                    )
        for member in members:
            if member.filename.endswith(".xml"):
                _check_text_runs(archive, member, limits)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, RuntimeError, NotImplementedError) as exc:
        # A damaged member, an encrypted one, an unknown compression method: not a workbook we read.
        raise UploadError("无法读取 Excel 文件（.xlsx）：工作簿已损坏或已加密。") from exc
    finally:
        archive.close()
        if not isinstance(source, str | Path):
            source.seek(0)


def _check_text_runs(archive: zipfile.ZipFile, member: zipfile.ZipInfo, limits: Limits) -> None:
    """The longest stretch without "<" bounds every text in the XML (a cell's text cannot contain a
    raw "<"): one streamed pass, a megabyte at a time, nothing parsed."""
    limit = limits.max_cell_chars * BYTES_PER_CHAR
    current = 0
    with archive.open(member) as stream:
        while chunk := stream.read(SCAN_CHUNK):
            first = chunk.find(b"<")
            if first < 0:
                current += len(chunk)
            else:
                longest = max(current + first, max(map(len, chunk[first + 1 :].split(b"<"))))
                if longest > limit:
                    break
                current = len(chunk) - chunk.rfind(b"<") - 1
            if current > limit:
                break
        else:
            return
    raise UploadError(
        f"工作簿中有单元格内容过长（超过每个单元格 {limits.max_cell_chars} 个字符的上限），未读取。"
    )


def open_xlsx(source: str | Path | IO[bytes], limits: Limits) -> Any:
    """A read-only openpyxl workbook (values, not formulas), after check_xlsx."""
    from openpyxl import load_workbook

    check_xlsx(source, limits)
    try:
        return load_workbook(source, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a broken workbook
        raise UploadError("无法读取 Excel 文件（.xlsx）：工作簿已损坏或不是 Excel 工作簿。") from exc


def declared_rows(ws: Any, limits: Limits) -> int | None:
    """The row count a sheet declares (for progress only; not trusted for reading)."""
    rows = ws.max_row
    return min(rows, limits.max_rows) if isinstance(rows, int) else None


def sheet_rows(ws: Any, limits: Limits) -> Iterator[tuple[int, list[Any]]]:
    """(row number, values) of a read-only sheet, within the limits. Rows are as long as the file
    has them (not padded); empty rows are yielded until a run of EMPTY_ROWS_END ends the sheet."""
    ws.reset_dimensions()
    max_rows, max_columns, max_chars = limits.max_rows, limits.max_columns, limits.max_cell_chars
    empty_run = 0
    for number, values in enumerate(ws.iter_rows(values_only=True), start=1):
        if number > max_rows:
            raise _too_many_rows(max_rows)
        cells = list(values)
        width = len(cells)
        if cells.count(None) + cells.count("") == width:
            empty_run += 1
            if empty_run >= EMPTY_ROWS_END:
                return
            yield number, []
            continue
        empty_run = 0
        if width > max_columns:
            cells = _trim(cells, number, max_columns)
        longest = max((len(v) for v in cells if type(v) is str), default=0)
        if longest > max_chars:
            column = next(i for i, v in enumerate(cells) if type(v) is str and len(v) > max_chars)
            raise _too_long(number, column, len(cells[column]), max_chars)
        yield number, cells


def read_sheet(
    source: str | Path | IO[bytes], limits: Limits, *, sheet: str | None = None
) -> list[tuple[int, list[Any]]]:
    """Every non-empty row of a small sheet (the named one, else the first), for readers that need
    them all. The rows are not padded."""
    wb = open_xlsx(source, limits)
    try:
        ws = wb[sheet] if sheet is not None and sheet in wb.sheetnames else wb.worksheets[0]
        return [(number, cells) for number, cells in sheet_rows(ws, limits) if cells]
    finally:
        wb.close()


def _trim(cells: list[Any], number: int, max_columns: int) -> list[Any]:
    """Trailing empty cells do not count; a row with more filled columns is refused."""
    while cells and cells[-1] in (None, ""):
        cells.pop()
    if len(cells) > max_columns:
        raise UploadError(
            f"第 {number} 行有 {len(cells)} 列（到 {get_column_letter(len(cells))} 列），"
            f"超过 {max_columns} 列的上限。"
        )
    return cells


def _too_many_rows(max_rows: int) -> UploadError:
    return UploadError(f"文件超过 {max_rows} 行的上限（第 {max_rows + 1} 行起未读取）：请分成几个文件。")


def _too_long(number: int, column: int, length: int, max_chars: int) -> UploadError:
    return UploadError(
        f"第 {number} 行 {get_column_letter(column + 1)} 列的内容有 {length} 个字符，"
        f"超过每个单元格 {max_chars} 个字符的上限。"
    )


# --- .csv ----------------------------------------------------------------------------------------


def csv_rows(text: TextIO, limits: Limits, *, delimiter: str = ",") -> Iterator[tuple[int, list[str]]]:
    """(record number, fields) of a CSV text stream, within the limits. A record (one row as a
    spreadsheet shows it) may span lines inside quotes. Empty records are yielded as []."""
    csv.field_size_limit(limits.max_cell_chars)
    max_rows, max_columns = limits.max_rows, limits.max_columns
    lines = _bounded_lines(text, limits.max_line_chars)
    reader = csv.reader(lines, delimiter=delimiter)
    number = 0
    empty_run = 0
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            if "field larger than field limit" in str(exc):
                raise UploadError(
                    f"第 {number + 1} 行有单元格内容超过每个单元格 {limits.max_cell_chars} 个字符的上限。"
                ) from exc
            raise UploadError(f"第 {number + 1} 行附近 CSV 格式错误：{exc}") from exc
        number += 1
        if number > max_rows:
            raise _too_many_rows(max_rows)
        if not any(cells):
            empty_run += 1
            if empty_run >= EMPTY_ROWS_END:
                return
            yield number, []
            continue
        empty_run = 0
        if len(cells) > max_columns:
            cells = _trim(cells, number, max_columns)
        yield number, cells


def _bounded_lines(text: TextIO, max_chars: int) -> Iterator[str]:
    readline = text.readline
    number = 0
    while line := readline(max_chars + 1):
        number += 1
        if len(line) > max_chars:
            raise UploadError(f"文件第 {number} 行过长（超过 {max_chars} 个字符），不是正常的表格文件。")
        yield line
