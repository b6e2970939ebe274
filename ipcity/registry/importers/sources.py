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

import polars as pl

from ipcity.lib.uploads import (
    EMPTY_ROWS_END,
    Limits,
    UploadError,
    check_size,
    csv_rows,
    declared_rows,
    open_xlsx,
    sheet_rows,
)

SAMPLE_BYTES = 64 * 1024
CHUNK_BYTES = 16 * 1024 * 1024  # what the Polars reader parses at a time


def _record_end(data: bytes) -> int | None:
    """Where the last complete record in `data` ends (after its newline), or None."""
    end = len(data)
    while (newline := data.rfind(b"\n", 0, end)) >= 0:
        if data.count(b'"', 0, newline) % 2 == 0:
            return newline + 1
        end = newline
    return None


def _first_record_end(data: bytes) -> int | None:
    """Where the first complete record in `data` ends (after its newline), or None."""
    start = 0
    while (newline := data.find(b"\n", start)) >= 0:
        if data.count(b'"', 0, newline) % 2 == 0:
            return newline + 1
        start = newline + 1
    return None


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
        self._polars_bytes = 0  # read by the Polars reader so far (for progress)

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
        if self._polars_bytes and self.size:
            return min(1.0, self._polars_bytes / self.size)
        if self._counter is not None and self.size:
            return min(1.0, self._counter.bytes_read / self.size)
        return None

    def polars_readable(self, width: int) -> bool:
        """A CSV Polars can read as the Python reader would: UTF-8, comma or tab, a sane width."""
        return (
            self.sniffed.format == "csv"
            and self.sniffed.encoding == "utf-8-sig"
            and 0 < width <= self.limits.max_columns
        )

    def polars_frames(
        self, header_row: int, width: int, leading: list[tuple[int, list[Any]]], size: int
    ) -> Iterator[tuple[list[int], pl.DataFrame]]:
        """(row numbers, String frame of the non-blank rows) after the header, `size` rows a batch.
        Raises _Fallback(data rows consumed) where the Python reader must take over."""
        schema = {f"c{i}": pl.String for i in range(width)}
        limits = self.limits
        batches = self._polars_chunks(header_row, schema, size)
        consumed = 0  # data rows (records after the header) handed out so far
        empty_run = 0
        expected = [cells for number, cells in leading if number > header_row]
        while True:
            try:
                frame = next(batches)
            except StopIteration:
                return
            except Exception as exc:  # ragged or malformed records, bad UTF-8: Python decides
                raise _Fallback(consumed) from exc
            if frame.height == 0:
                continue
            if consumed == 0 and expected:
                # The records Polars found after the header are those the Python reader found.
                head = [
                    [c if c not in (None, "") else None for c in row]
                    for row in frame.head(len(expected)).rows()
                ]
                want = [
                    [(c if c not in (None, "") else None) for c in [*cells, *[None] * width][:width]]
                    for cells in expected
                ]
                if head != want[: len(head)]:
                    raise _Fallback(0)
            first = header_row + consumed + 1
            if header_row + consumed + frame.height > limits.max_rows:
                raise _Fallback(consumed)
            lengths = frame.select(pl.all().str.len_bytes().fill_null(0))
            if lengths.max().max_horizontal().item() > limits.max_cell_chars:
                raise _Fallback(consumed)  # bytes ≥ characters: the Python reader measures exactly
            if int(lengths.sum_horizontal().max() or 0) + width > limits.max_line_chars:  # type: ignore[arg-type]
                raise _Fallback(consumed)
            blank = blank_rows(frame)
            runs = blank.rle()
            run_lengths = runs.struct.field("len")
            longest = int(runs.filter(runs.struct.field("value")).struct.field("len").max() or 0)  # type: ignore[arg-type]
            leading_blank = int(run_lengths[0]) if blank[0] else 0
            if longest >= EMPTY_ROWS_END or empty_run + leading_blank >= EMPTY_ROWS_END:
                raise _Fallback(consumed)  # a run of empty rows ends the table: as the Python reader does
            empty_run = (int(run_lengths[-1]) if blank[-1] else 0) + (empty_run if blank.all() else 0)
            self._polars_bytes += int(lengths.sum().sum_horizontal().item()) + frame.height * width
            numbers = pl.int_range(first, first + frame.height, eager=True).filter(~blank).to_list()
            consumed += frame.height
            yield numbers, frame.filter(~blank)

    def _polars_chunks(self, header_row: int, schema: dict[str, Any], size: int) -> Iterator[pl.DataFrame]:
        """The records after the header as frames, read CHUNK_BYTES at a time (memory stays bounded
        whatever the file's size): a chunk ends at its last newline outside quotes (an even number
        of quote characters since the chunk began: every record starts outside them). Each chunk
        is parsed under a header line of its own, so a blank line is an all-empty record, as the
        Python reader numbers it. A malformed chunk raises (the caller hands over to Python)."""
        chunk_bytes = max(1 << 20, min(CHUNK_BYTES, size * 2048))
        separator = self.sniffed.delimiter
        names = separator.join(schema).encode() + b"\n"
        with self.path.open("rb") as handle:
            if handle.read(3) != codecs.BOM_UTF8:
                handle.seek(0)
            rest = b""
            eof = False
            skipped = 0
            while skipped < header_row:  # the title rows and the header, record by record
                end = _first_record_end(rest)
                if end is None:
                    if eof:
                        return
                    data = handle.read(chunk_bytes)
                    eof = not data
                    rest += data if data else b"\n"
                    continue
                rest = rest[end:]
                skipped += 1
            while True:
                data = b"" if eof else handle.read(chunk_bytes)
                eof = eof or not data
                rest += data
                end = len(rest) if eof else _record_end(rest)
                if end is None:
                    continue  # a record longer than the chunk: read on (bounded by the line limit)
                block, rest = rest[:end], rest[end:]
                if block:
                    yield pl.read_csv(
                        names + block,
                        has_header=True,
                        separator=separator,
                        schema=schema,
                        infer_schema=False,
                        encoding="utf8",
                        raise_if_empty=False,
                    )
                if eof:
                    return

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


# ---- batches for the column-wise importer ---------------------------------------------------------

# One batch of data rows: their numbers (as Excel numbers them; blank rows left out) and their cells,
# either Polars String columns (a UTF-8 CSV read by Polars) or the rows as lists (anything else).
RowBatch = tuple[list[int], "pl.DataFrame | list[list[Any]]"]


class _Fallback(Exception):
    """The Polars reader met something the Python reader must decide (a bound, a ragged or
    malformed record, bad UTF-8): continue with the Python reader after `consumed` data rows."""

    def __init__(self, consumed: int) -> None:
        super().__init__(consumed)
        self.consumed = consumed


def blank_rows(frame: pl.DataFrame) -> pl.Series:
    """Rows whose every cell is empty or whitespace (str.isspace), as the Python reader skips them."""
    from ipcity.registry.importers.columnar import BLANK

    if frame.width == 0:
        return pl.repeat(True, frame.height, eager=True)
    return frame.select(
        pl.all_horizontal(pl.all().is_null() | pl.all().str.contains(BLANK)).alias("blank")
    ).to_series()


def _python_batches(rows: Iterator[tuple[int, list[Any]]], size: int) -> Iterator[RowBatch]:
    numbers: list[int] = []
    cells: list[list[Any]] = []
    for number, row in rows:
        if not row or _is_blank_row(row):
            continue
        numbers.append(number)
        cells.append(row)
        if len(numbers) >= size:
            yield numbers, cells
            numbers, cells = [], []
    if numbers:
        yield numbers, cells


def _is_blank_row(cells: list[Any]) -> bool:
    for cell in cells:  # noqa: SIM110 — a loop, not all(…): called once per row of a million-row file
        if cell is not None and (type(cell) is not str or cell.strip()):
            return False
    return True


def row_batches(
    source: TableSource,
    rows: Iterator[tuple[int, list[Any]]],
    header_row: int,
    width: int,
    leading: list[tuple[int, list[Any]]],
    size: int,
) -> Iterator[RowBatch]:
    """The data rows after the header, `size` at a time, blank rows left out.

    A UTF-8 CSV is read by Polars (all columns as text, in the same records as Python's csv
    module: quoted cells may span lines; a blank line is an all-empty record), checked against the
    bounds batch by batch; anything the fast reader cannot vouch for — another encoding, an .xlsx,
    a record with more cells than the header, a cell or line past a bound, a run of empty rows
    that ends the table, bytes that are not UTF-8 — is read by the Python reader (`rows`), from
    that point on, with its exact errors."""
    if not source.polars_readable(width):
        yield from _python_batches(rows, size)
        return
    try:
        for numbers, frame in source.polars_frames(header_row, width, leading, size):
            if numbers:
                yield numbers, frame
        return
    except _Fallback as fallback:
        consumed = fallback.consumed
    rest = source.rows()
    yield from _python_batches(((n, c) for n, c in rest if n > header_row + consumed), size)
