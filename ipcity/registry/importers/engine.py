"""The one validate-and-upsert pipeline every import goes through (CLI and web upload alike).

file → TableSource (CSV/XLSX, streamed) → header row found and mapped to columns → each row parsed
and validated (errors name row, column, value and reason) → batches upserted on natural keys →
review queue and derived facts → one ImportRun with one audit event.

All or nothing by default: one invalid row and the transaction is rolled back (nothing written).
With `skip_invalid` the valid rows are imported and the invalid ones written to a rejects file.

Auditing: one audit event per import (counts, file name, SHA-256) plus one audit event per *updated*
record with the changed fields before and after; created records point to their ImportRun
(`created_in`). A first import of a million patents thus writes one audit row, not a million,
while every later change to a record is visible field by field.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
from collections.abc import Callable, Generator, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from ipcity.core.audit import Actor, record_event
from ipcity.lib.datafile import DataFileError, load_data_file
from ipcity.lib.excel import csv_text
from ipcity.lib.text import fold, shorten
from ipcity.lib.uploads import Limits
from ipcity.registry.importers.fields import CellError, cell_text
from ipcity.registry.importers.matching import OrganisationMatcher, RegionResolver
from ipcity.registry.importers.sources import SourceError, TableSource
from ipcity.registry.models import ImportRun

MAX_ERRORS_LISTED = 1000
MAX_VALUE_SHOWN = 200  # characters of a cell's value quoted in an error
MAX_MESSAGE_SHOWN = 1000
HEADER_SEARCH_ROWS = 10
DEFAULT_BATCH = 2000

ProgressCallback = Callable[[int, int | None], None]


def header_key(text: str) -> str:
    """'公开（公告）号 ' and '公开(公告)号' share one key; a trailing '*' (required marker) is ignored."""
    return fold(text).rstrip("*").lower()


@dataclass(frozen=True)
class Column:
    field: str
    label: str  # the canonical Chinese header
    parse: Callable[[Any], Any]
    aliases: tuple[str, ...] = ()
    required: bool = False  # the column must be present and every row must have a value

    def header_keys(self) -> list[str]:
        return [header_key(self.label), *(header_key(a) for a in self.aliases)]


@dataclass
class RowError(Exception):
    row: int | None
    column: str | None
    value: str | None
    message: str

    def __post_init__(self) -> None:
        # A cell may hold a million characters: an error quotes at most MAX_VALUE_SHOWN of them,
        # in its value and in its message (the CLI's --json, the job page, memory for 1,000 errors).
        if self.value is not None and len(self.value) > MAX_VALUE_SHOWN:
            short = shorten(self.value, MAX_VALUE_SHOWN)
            self.message = self.message.replace(self.value, short)
            self.value = short
        if len(self.message) > MAX_MESSAGE_SHOWN:
            self.message = shorten(self.message, MAX_MESSAGE_SHOWN)

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "value": self.value, "message": self.message}

    def __str__(self) -> str:
        where = f"第 {self.row} 行" if self.row else "文件"
        if self.column:
            where += f"“{self.column}”列"
        value = f"（值“{self.value}”）" if self.value not in (None, "") else ""
        return f"{where}{value}：{self.message}"


class RowErrors(Exception):
    def __init__(self, errors: list[RowError]) -> None:
        self.errors = errors
        super().__init__("; ".join(str(e) for e in errors))


@dataclass
class ImportResult:
    kind: str
    file: str
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    rows: int = 0
    errors: list[RowError] = field(default_factory=list)
    error_count: int = 0
    warnings: list[str] = field(default_factory=list)
    refused: bool = False
    reason: str = ""
    dry_run: bool = False
    import_run_id: int | None = None
    rejects_file: str = ""
    reviews_added: int = 0

    def add_error(self, error: RowError) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_ERRORS_LISTED:
            self.errors.append(error)

    def count(self, status: str, n: int = 1) -> None:
        setattr(self, status, getattr(self, status) + n)

    def as_json(self) -> dict[str, Any]:
        """The CLI's --json contract (docs/registry.md): exactly these five keys."""
        return {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejected": self.rejected,
            "errors": [e.as_dict() for e in self.errors],
        }

    def summary(self) -> str:
        if self.refused:
            return f"文件 {self.file} 被拒绝，未写入任何数据：{self.reason}"
        prefix = "试运行（未写入）" if self.dry_run else "导入完成"
        text = (
            f"{prefix}：{self.file} 共 {self.rows} 行，新增 {self.created}，更新 {self.updated}，"
            f"未变 {self.unchanged}，拒收 {self.rejected}"
        )
        if self.reviews_added:
            text += f"；{self.reviews_added} 个名称匹配到多个机构，已加入待确认队列"
        if self.rejects_file:
            text += f"；拒收行已写入 {self.rejects_file}"
        return text


@dataclass
class ImportContext:
    actor: Actor
    run: ImportRun
    present: set[str]
    result: ImportResult
    mark_demo: bool = False
    _matcher: OrganisationMatcher | None = None
    _regions: RegionResolver | None = None

    @property
    def matcher(self) -> OrganisationMatcher:
        if self._matcher is None:
            self._matcher = OrganisationMatcher.load()
        return self._matcher

    @property
    def regions(self) -> RegionResolver:
        if self._regions is None:
            self._regions = RegionResolver()
        return self._regions

    @property
    def note(self) -> str:
        return f"导入 #{self.run.pk} {self.run.file_name}"[:300]


class ImportSpec:
    """One kind of record: its columns, how a row becomes a record, and how records are upserted."""

    kind: str = ""
    label: str = ""
    columns: list[Column] = []
    duplicate_field: str = ""  # the field whose repetition inside one file is an error
    # Parse in a second thread while this one writes (build() must not touch the database; the
    # matcher and region resolver are loaded before the thread starts).
    parse_in_thread: bool = False

    def build(self, values: dict[str, Any], row: int, ctx: ImportContext) -> Any:
        raise NotImplementedError

    def key(self, record: Any) -> Any:
        raise NotImplementedError

    def write(self, records: list[Any], ctx: ImportContext) -> None:
        """Upsert a batch; count each record as created/updated/unchanged on ctx.result."""
        raise NotImplementedError

    def finish(self, ctx: ImportContext) -> None:
        """After all batches: derived facts (first pledges, relinking), review queue."""
        if ctx._matcher is not None:
            ctx.result.reviews_added += ctx.matcher.save_reviews(ctx.run)


class _Rollback(Exception):
    pass


MAPPING_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["schema_version", "kind", "name", "columns"],
    "additionalProperties": False,
    "properties": {
        "schema_version": {"const": 1},
        "kind": {"type": "string"},
        "name": {"type": "string"},
        "source": {"type": "string"},
        "columns": {"type": "object", "additionalProperties": {"type": "string"}},
    },
}


def load_mapping(path: Path, kind: str, spec: ImportSpec) -> dict[str, str]:
    """A header-mapping file: the file's header -> the canonical Chinese header. Validated fully."""
    data, _checksum = load_data_file(path, MAPPING_SCHEMA)
    if data["kind"] != kind:
        raise DataFileError(path, "kind", f"映射文件适用于“{data['kind']}”，不能用于导入“{kind}”")
    known = {header_key(c.label): c.label for c in spec.columns}
    mapping: dict[str, str] = {}
    for external, target in data["columns"].items():
        if header_key(target) not in known:
            raise DataFileError(
                path, f"columns.{external}", f"目标列“{target}”不是{spec.label}导入的标准列名"
            )
        mapping[header_key(external)] = known[header_key(target)]
    return mapping


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _is_blank_row(cells: list[Any]) -> bool:
    return all(c is None or (isinstance(c, str) and not c.strip()) for c in cells)


class _HeaderMap:
    def __init__(self, spec: ImportSpec, headers: list[Any], mapping: dict[str, str]) -> None:
        lookup = {key: column for column in spec.columns for key in column.header_keys()}
        self.headers = [cell_text(h) for h in headers]
        self.positions: list[tuple[int, Column, str]] = []
        self.unknown: list[str] = []
        self.duplicates: list[str] = []
        seen: dict[str, str] = {}
        for index, header in enumerate(self.headers):
            if not header:
                continue
            key = header_key(header)
            key = header_key(mapping.get(key, header))
            column = lookup.get(key)
            if column is None:
                self.unknown.append(header)
            elif column.field in seen:
                self.duplicates.append(f"“{header}”与“{seen[column.field]}”")
            else:
                seen[column.field] = header
                self.positions.append((index, column, header))
        self.present = set(seen)
        self.missing = [c.label for c in spec.columns if c.required and c.field not in self.present]

    @property
    def recognised(self) -> int:
        return len(self.positions)


def _find_header(
    rows: Iterator[tuple[int, list[Any]]], spec: ImportSpec, mapping: dict[str, str]
) -> tuple[int, _HeaderMap]:
    """The header is the first row (of the first ten) where at least two columns are recognised;
    exports sometimes put a title or the query above it."""
    first_nonblank: tuple[int, _HeaderMap] | None = None
    for number, cells in rows:
        if _is_blank_row(cells):
            continue
        header = _HeaderMap(spec, cells, mapping)
        if first_nonblank is None:
            first_nonblank = (number, header)
        if header.recognised >= 2:
            return number, header
        if number >= HEADER_SEARCH_ROWS:
            break
    if first_nonblank is None:
        raise RowError(None, None, None, "文件为空")
    labels = "、".join(c.label for c in spec.columns[:6])
    raise RowError(
        first_nonblank[0],
        None,
        None,
        f"未找到表头：前 {HEADER_SEARCH_ROWS} 行中没有可识别的{spec.label}列名（如 {labels}）",
    )


class _Rejects:
    def __init__(self, path: Path | None, headers: list[str]) -> None:
        self.path = path
        self.headers = headers
        self._handle: Any = None
        self._writer: Any = None

    def write(self, row: int, cells: list[Any], errors: list[RowError]) -> None:
        if self.path is None:
            return
        if self._writer is None:
            self._handle = self.path.open("w", encoding="utf-8-sig", newline="")
            self._writer = csv.writer(self._handle)
            self._writer.writerow(["原行号", *(csv_text(h) for h in self.headers), "错误原因"])
        reasons = "；".join(f"{e.column or ''}：{e.message}" if e.column else e.message for e in errors)
        self._writer.writerow([row, *(csv_text(cell_text(c)) for c in cells), csv_text(reasons)])

    def close(self) -> str:
        if self._handle is not None:
            self._handle.close()
            return str(self.path)
        return ""


SQLITE_IMPORT_CACHE_KB = 262_144


@contextlib.contextmanager
def _bulk_session() -> Iterator[None]:
    """SQLite: a 256 MB page cache while importing (default 2 MB). Index maintenance on millions of
    rows otherwise thrashes the cache; measured 1.8x faster at 200,000 patents. Restored after."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        previous = cursor.fetchone()[0]
        cursor.execute(f"PRAGMA cache_size = -{SQLITE_IMPORT_CACHE_KB}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(previous)}")


def run_import(
    spec: ImportSpec,
    path: Path,
    *,
    actor: Actor,
    dry_run: bool = False,
    skip_invalid: bool = False,
    mapping_file: Path | None = None,
    rejects_path: Path | None = None,
    progress: ProgressCallback | None = None,
    mark_demo: bool = False,
    batch_size: int = DEFAULT_BATCH,
    file_label: str | None = None,
    limits: Limits | None = None,
) -> ImportResult:
    """Import one file. Never raises for bad input: a refused file comes back with `refused` set.

    `limits` bound the file (lib.uploads); the default is a file on the server's disk (the CLI);
    the upload page passes Limits.web()."""
    path = Path(path)
    result = ImportResult(kind=spec.kind, file=file_label or path.name, dry_run=dry_run)

    def refuse(reason: str, errors: Sequence[RowError] = ()) -> ImportResult:
        result.refused = True
        result.reason = reason
        result.created = result.updated = result.unchanged = 0
        for error in errors:
            result.add_error(error)
        return result

    try:
        mapping = load_mapping(mapping_file, spec.kind, spec) if mapping_file else {}
    except DataFileError as exc:
        return refuse(f"表头映射文件有误：{exc}", [RowError(None, None, None, f"表头映射文件有误：{exc}")])
    try:
        source = TableSource(path, limits)
    except SourceError as exc:
        return refuse(str(exc), [RowError(None, None, None, str(exc))])
    except OSError as exc:
        return refuse(f"无法读取文件：{exc}", [RowError(None, None, None, f"无法读取文件：{exc}")])

    with source:
        rows = source.rows()
        try:
            header_row, header = _find_header(rows, spec, mapping)
        except RowError as exc:
            return refuse(exc.message, [exc])
        except SourceError as exc:
            return refuse(str(exc), [RowError(None, None, None, str(exc))])
        if header.missing or header.duplicates:
            errors = [RowError(header_row, label, "", f"缺少必需的列“{label}”") for label in header.missing]
            errors += [RowError(header_row, None, d, "两列对应同一字段") for d in header.duplicates]
            return refuse("；".join(e.message for e in errors), errors)
        if header.unknown:
            unknown = [shorten(h, MAX_VALUE_SHOWN) for h in header.unknown[:50]]
            more = f" 等 {len(header.unknown)} 列" if len(header.unknown) > 50 else ""
            result.warnings.append("以下列未识别，已忽略：" + "、".join(unknown) + more)
        if skip_invalid and rejects_path is None:
            rejects_path = path.with_name(path.stem + ".rejects.csv")
        rejects = _Rejects(rejects_path if skip_invalid else None, header.headers)
        try:
            with _bulk_session(), transaction.atomic():
                run = ImportRun.objects.create(
                    kind=spec.kind,
                    file_name=result.file[:255],
                    sha256=file_sha256(path),
                    actor=actor.user,
                    actor_label=actor.label,
                    skip_invalid=skip_invalid,
                )
                result.import_run_id = run.pk
                ctx = ImportContext(
                    actor=actor, run=run, present=header.present, result=result, mark_demo=mark_demo
                )
                _process_rows(
                    spec, rows, header, header_row, ctx, rejects, skip_invalid, batch_size, progress, source
                )
                if result.rows == 0:
                    refuse(
                        "文件只有表头，没有数据行",
                        [RowError(header_row, None, None, "文件只有表头，没有数据行")],
                    )
                    raise _Rollback
                if result.rejected and not skip_invalid:
                    refuse(
                        f"文件有 {result.rejected} 行错误，未导入任何数据（可改正后重新导入，或使用“跳过错误行”）"
                    )
                    raise _Rollback
                spec.finish(ctx)
                if not (result.created or result.updated or result.reviews_added):
                    raise _Rollback  # nothing changed: write nothing, not even the import's log
                run.rows, run.created, run.updated = result.rows, result.created, result.updated
                run.unchanged, run.rejected = result.unchanged, result.rejected
                run.finished_at = timezone.now()
                run.rejects_file = str(rejects_path) if result.rejected and rejects_path else ""
                run.note = "；".join(result.warnings)[:300]
                run.save()
                record_event(
                    actor,
                    f"registry.import.{spec.kind}",
                    obj=run,
                    after={
                        "file": run.file_name,
                        "sha256": run.sha256,
                        "rows": result.rows,
                        "created": result.created,
                        "updated": result.updated,
                        "unchanged": result.unchanged,
                        "rejected": result.rejected,
                        "skip_invalid": skip_invalid,
                    },
                    note=f"{spec.label}导入",
                )
                if dry_run:
                    raise _Rollback
        except _Rollback:
            if not result.refused:
                result.import_run_id = None
        except SourceError as exc:
            refuse(str(exc), [RowError(None, None, None, str(exc))])
        finally:
            result.rejects_file = rejects.close()
        if result.refused:
            result.import_run_id = None
    if progress:
        progress(result.rows, result.rows)
    return result


def _process_rows(
    spec: ImportSpec,
    rows: Iterator[tuple[int, list[Any]]],
    header: _HeaderMap,
    header_row: int,
    ctx: ImportContext,
    rejects: _Rejects,
    skip_invalid: bool,
    batch_size: int,
    progress: ProgressCallback | None,
    source: TableSource,
) -> None:
    """Validate every row and write the valid ones in batches.

    With `spec.parse_in_thread` the rows are read, validated and built in a second thread while
    this thread writes: the database work (PostgreSQL's server, SQLite's C code) runs without the
    GIL, so reading the file and writing overlap. Only this thread touches the database."""
    result = ctx.result
    total = (source.total_rows - header_row) if source.total_rows else None
    parsed: Generator[list[Any], None, None] = _parsed_batches(
        spec, rows, header, ctx, rejects, skip_invalid, batch_size
    )
    if spec.parse_in_thread:
        ctx.matcher, ctx.regions  # noqa: B018 — loaded here, on this thread's connection
        parsed = _in_thread(parsed)
    with contextlib.closing(parsed):  # a failed write stops and joins the parser before files close
        for batch in parsed:
            spec.write(batch, ctx)
            if progress:
                if total is None:
                    fraction = source.fraction_read()
                    estimate = int(result.rows / fraction) if fraction else None
                    progress(result.rows, estimate)
                else:
                    progress(result.rows, total)


def _parsed_batches(
    spec: ImportSpec,
    rows: Iterator[tuple[int, list[Any]]],
    header: _HeaderMap,
    ctx: ImportContext,
    rejects: _Rejects,
    skip_invalid: bool,
    batch_size: int,
) -> Generator[list[Any], None, None]:
    """Batches of valid records. Rows with errors are counted, listed and written to the rejects
    file; once a row failed without `skip_invalid` the rest is still validated but not yielded."""
    result = ctx.result
    positions = header.positions
    width = len(header.headers)
    seen: dict[Any, int] = {}
    duplicate_header = next((h for _i, c, h in positions if c.field == spec.duplicate_field), "")
    batch: list[Any] = []
    for number, cells in rows:
        if _is_blank_row(cells):
            continue
        result.rows += 1
        if len(cells) < width:
            cells = [*cells, *([None] * (width - len(cells)))]
        values: dict[str, Any] = {}
        errors: list[RowError] = []
        for index, column, label in positions:
            raw = cells[index]
            if raw is None or (isinstance(raw, str) and (not raw or raw.isspace())):
                if column.required:
                    errors.append(RowError(number, label, "", "不能为空"))
                continue
            try:
                values[column.field] = column.parse(raw)
            except CellError as exc:
                errors.append(RowError(number, label, cell_text(raw), str(exc)))
        record = None
        if not errors:
            try:
                record = spec.build(values, number, ctx)
            except RowError as exc:
                errors.append(exc)
            except RowErrors as exc:
                errors.extend(exc.errors)
        if record is not None and not errors:
            key = spec.key(record)
            if key in seen:
                shown = key[-1] if isinstance(key, tuple) else key
                errors.append(
                    RowError(
                        number,
                        duplicate_header or None,
                        str(shown),
                        f"与第 {seen[key]} 行重复（同一记录在文件中出现两次）",
                    )
                )
            else:
                seen[key] = number
        if errors:
            result.rejected += 1
            for error in errors:
                result.add_error(error)
            rejects.write(number, cells, errors)
            continue
        if result.rejected and not skip_invalid:
            continue  # the file will be refused: keep validating, stop writing
        batch.append(record)
        if len(batch) >= batch_size:
            yield batch
            batch = []
    if batch and not (result.rejected and not skip_invalid):
        yield batch


_END = object()


def _in_thread(batches: Iterator[list[Any]], depth: int = 4) -> Generator[list[Any], None, None]:
    """Run a batch generator in a daemon thread, `depth` batches ahead. Its exception is raised
    here; if the consumer stops early (a write failed), the thread is told to stop and joined."""
    import queue
    import threading

    channel: queue.Queue[Any] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def produce() -> None:
        try:
            for batch in batches:
                while not stop.is_set():
                    try:
                        channel.put(batch, timeout=0.1)
                        break
                    except queue.Full:
                        continue
                if stop.is_set():
                    return
            channel.put(_END)
        except BaseException as exc:  # handed to the consumer, raised there
            channel.put(exc)

    thread = threading.Thread(target=produce, name="import-parse", daemon=True)
    thread.start()
    try:
        while True:
            item = channel.get()
            if item is _END:
                return
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        while thread.is_alive():  # unblock a producer waiting on a full channel
            with contextlib.suppress(queue.Empty):
                channel.get(timeout=0.1)
        thread.join()
