"""Reading import files: CSV (UTF-8, GB18030 or UTF-16 as Excel writes them) and XLSX, streamed.

The format is decided by the file's content, never its name. A file that is empty, not a table, or
an old .xls workbook is refused with a Chinese reason before anything is read further. Sizes, rows,
columns and cell lengths are bounded by ipcity.lib.uploads (the same reader as every upload).
"""

from __future__ import annotations

import codecs
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from ipcity.lib.uploads import Limits, UploadError, check_size, csv_rows, declared_rows, open_xlsx, sheet_rows

SAMPLE_BYTES = 64 * 1024


class SourceError(ValueError):
    """The file cannot be read as a table. The message is Chinese and names the problem."""


@dataclass
class Sniffed:
    format: str  # "csv" or "xlsx"
    encoding: str = ""
    delimiter: str = ","


_NOT_TABLES = [
    (b"%PDF-", "PDF 文档"),
    (b"\x89PNG", "PNG 图片"),
    (b"\xff\xd8\xff", "JPEG 图片"),
    (b"GIF8", "GIF 图片"),
    (b"Rar!", "RAR 压缩包"),
    (b"\x1f\x8b", "gzip 压缩文件"),
    (b"7z\xbc\xaf", "7z 压缩包"),
]


def sniff(path: Path) -> Sniffed:
    """Decide how to read the file, or raise SourceError."""
    with path.open("rb") as handle:
        sample = handle.read(SAMPLE_BYTES)
    if not sample.strip(b" \t\r\n\xef\xbb\xbf"):
        raise SourceError("文件为空")
    if sample.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(path) as archive:
                names = set(archive.namelist())
        except zipfile.BadZipFile as exc:
            raise SourceError("文件已损坏：看起来是 Excel 工作簿，但无法打开") from exc
        if "xl/workbook.xml" not in names:
            kind = "Word 文档" if "word/document.xml" in names else "zip 压缩包"
            raise SourceError(f"不是表格文件（内容是{kind}），请上传 .xlsx 或 .csv 文件")
        return Sniffed("xlsx")
    if sample.startswith(b"\xd0\xcf\x11\xe0"):
        raise SourceError("不支持旧版 Excel 97-2003（.xls）格式：请在 Excel 中另存为 .xlsx 或 .csv 后再导入")
    for magic, label in _NOT_TABLES:
        if sample.startswith(magic):
            raise SourceError(f"不是表格文件（内容是{label}），请上传 .xlsx 或 .csv 文件")
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        # Excel's "Unicode 文本" export: UTF-16 with tabs.
        return Sniffed("csv", encoding="utf-16", delimiter="\t")
    if b"\x00" in sample:
        raise SourceError("不是表格文件（含有二进制内容），请上传 .xlsx 或 .csv 文件")
    encoding = _text_encoding(sample)
    text = codecs.getincrementaldecoder(encoding)().decode(sample, final=False)
    first_line = text.lstrip("\ufeff").split("\n", 1)[0]
    delimiter = "\t" if first_line.count("\t") > first_line.count(",") else ","
    return Sniffed("csv", encoding=encoding, delimiter=delimiter)


def _text_encoding(sample: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            codecs.getincrementaldecoder(encoding)().decode(sample, final=False)
        except UnicodeDecodeError:
            continue
        return encoding
    raise SourceError("无法识别文件的文字编码（应为 UTF-8 或 GBK/GB18030 编码的 CSV）")


class _CountingReader(io.RawIOBase):
    """Counts bytes read, for progress on files whose row count is unknown in advance."""

    def __init__(self, raw: IO[bytes]) -> None:
        self.raw = raw
        self.bytes_read = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self.raw.read(len(buffer))
        n = len(data)
        buffer[:n] = data
        self.bytes_read += n
        return n


class TableSource:
    """Rows of the first worksheet (xlsx) or of a CSV file, as lists of cell values.

    `rows()` yields (file row number starting at 1, cells). `fraction_read()` is the share of the
    file consumed so far (for progress). Use as a context manager.
    """

    def __init__(self, path: Path, limits: Limits | None = None) -> None:
        self.path = path
        self.limits = limits or Limits.local()
        self.size = path.stat().st_size
        try:
            check_size(self.size, self.limits.max_bytes)
        except UploadError as exc:
            raise SourceError(str(exc)) from exc
        self.sniffed = sniff(path)
        self._handle: Any = None
        self._counter: _CountingReader | None = None
        self._workbook: Any = None
        self.total_rows: int | None = None

    def __enter__(self) -> TableSource:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._handle is not None:
            self._handle.close()
            self._handle = None
        if self._workbook is not None:
            self._workbook.close()
            self._workbook = None

    def fraction_read(self) -> float | None:
        if self._counter is not None and self.size:
            return min(1.0, self._counter.bytes_read / self.size)
        return None

    def rows(self) -> Iterator[tuple[int, list[Any]]]:
        if self.sniffed.format == "xlsx":
            yield from self._xlsx_rows()
        else:
            yield from self._csv_rows()

    def _csv_rows(self) -> Iterator[tuple[int, list[Any]]]:
        raw = self.path.open("rb")
        self._counter = _CountingReader(raw)
        buffered = io.BufferedReader(self._counter, buffer_size=1024 * 1024)
        text = io.TextIOWrapper(buffered, encoding=self.sniffed.encoding, newline="")
        self._handle = text
        number = 0
        try:
            # Records, not physical lines: a quoted cell may span lines; Excel shows one row per record.
            for number, cells in csv_rows(text, self.limits, delimiter=self.sniffed.delimiter):
                yield number, cells
        except UnicodeDecodeError as exc:
            raise SourceError(
                f"第 {number + 1} 行附近的文字无法按 {self.sniffed.encoding} 编码读取：文件编码不一致或已损坏"
            ) from exc
        except UploadError as exc:
            raise SourceError(str(exc)) from exc

    def _xlsx_rows(self) -> Iterator[tuple[int, list[Any]]]:
        try:
            self._workbook = open_xlsx(self.path, self.limits)
        except UploadError as exc:
            raise SourceError(str(exc)) from exc
        sheet = self._workbook.worksheets[0]
        self.total_rows = declared_rows(sheet, self.limits)
        try:
            yield from sheet_rows(sheet, self.limits)
        except UploadError as exc:
            raise SourceError(str(exc)) from exc
