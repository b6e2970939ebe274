"""The one validate-and-upsert pipeline every import goes through (CLI and web upload alike).

file → TableSource (CSV/XLSX, streamed) → header row found and mapped to columns → batches of rows
(sources.row_batches: UTF-8 CSV read by Polars) → cells parsed and validated column-wise
(columnar.cell_stage; errors name row, column, value and reason) → cross-field rules (patents:
column-wise, PatentSpec.check; other kinds: build() per row) → batches upserted on natural keys →
review queue and derived facts → one ImportRun with one audit event (ADR 0004).

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
import itertools
from collections.abc import Callable, Generator, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from ipcity.core.audit import Actor, record_event
from ipcity.lib.datafile import DataFileError
from ipcity.lib.excel import csv_text
from ipcity.lib.text import fold, shorten
from ipcity.lib.uploads import Limits
from ipcity.registry.importers.columnar import CellBatch, cell_stage
from ipcity.registry.importers.fields import cell_text
from ipcity.registry.importers.matching import OrganisationMatcher, RegionResolver
from ipcity.registry.importers.profiles import (
    Profile,
    ProfileError,
    profiles_for,
    resolve_profile,
    synonyms_by_profile,
)
from ipcity.registry.importers.sources import (
    RowBatch,
    SourceError,
    TableSource,
    _is_blank_row,
    row_batches,
)
from ipcity.registry.models import ImportRun

MAX_ERRORS_LISTED = 1000
MAX_VALUE_SHOWN = 200  # characters of a cell's value quoted in an error
MAX_MESSAGE_SHOWN = 1000
HEADER_SEARCH_ROWS = 10
DEFAULT_BATCH = 2000
# Rows per batch of the column-wise cell stage (large enough for vectorised work, small enough that
# a batch's cells and frames stay well under the import's memory budget).
COLUMNAR_BATCH = 20_000

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
    # A coded column read by the source profile's vocabulary (choices.VocabularyField), not `parse`.
    vocabulary: str = ""
    # A multi-valued cell: a profile with its own separators splits it before `parse` (a list).
    multi: bool = False
    # The Polars type of `parse`'s result in the column-wise stage, for a parser that
    # columnar.DTYPES does not know (a spec's own parser); None: looked up there.
    dtype: Any = None

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
    profile: str = ""  # the source profile the file was read with (its code)
    profile_name: str = ""  # … and its Chinese name
    profile_called: str = ""  # … as messages name it: “incoPat 导出”格式

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
        if self.profile_called:
            prefix += f"（按{self.profile_called}读取）"
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
    # The column-wise stage's memory of parsed distinct values, per rule (columnar.python_map).
    memos: dict[Any, Any] = field(default_factory=dict)
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
    # Parse in a second thread while this one writes (build()/check() must not touch the database;
    # the matcher and region resolver are loaded before the thread starts).
    parse_in_thread: bool = False
    # Column-wise: the cells of a batch are parsed by columnar.cell_stage and the spec's check()
    # applies the cross-field rules to the whole batch; else each row goes through build().
    columnar: bool = False

    def check(self, batch: CellBatch, ctx: ImportContext) -> Any:
        """Column-wise kinds: the cross-field rules over a batch's rows without cell errors (errors
        added to the batch); returns the valid records, an object with len(), keys() — a frame of
        ("_i", "key") for duplicate detection —, drop(batch indices) and slices(size)."""
        raise NotImplementedError

    def build(self, values: dict[str, Any], row: int, ctx: ImportContext) -> Any:
        raise NotImplementedError

    def key(self, record: Any) -> Any:
        raise NotImplementedError

    def write(self, records: Any, ctx: ImportContext) -> None:
        """Upsert a batch (a list of build()'s records, or check()'s); count each record as
        created/updated/unchanged on ctx.result."""
        raise NotImplementedError

    def finish(self, ctx: ImportContext) -> None:
        """After all batches: derived facts (first pledges, relinking), review queue."""
        if ctx._matcher is not None:
            ctx.result.reviews_added += ctx.matcher.save_reviews(ctx.run)


class _Rollback(Exception):
    pass


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest()


class _HeaderMap:
    """A row read as the header of one profile: which column of the file is which field.

    The profile's own headers come first; with `standard_columns` the spec's canonical headers and
    aliases fill fields the profile does not map (one that it does map is ignored and listed)."""

    def __init__(self, spec: ImportSpec, headers: list[Any], profile: Profile) -> None:
        by_field = {c.field: c for c in spec.columns}
        self.profile = profile
        self.headers = [cell_text(h) for h in headers]
        self.positions: list[tuple[int, Column, str]] = []
        self.unknown: list[str] = []
        self.duplicates: list[str] = []
        own_hits: list[tuple[int, str, str]] = []
        fallback_hits: list[tuple[int, str, str]] = []
        self.ignored = 0
        for index, header in enumerate(self.headers):
            if not header:
                continue
            key = header_key(header)
            if key in profile.own_columns:
                target = profile.own_columns[key]
                if target is None:
                    self.ignored += 1
                else:
                    own_hits.append((index, target, header))
            elif key in profile.fallback_columns:
                fallback_hits.append((index, profile.fallback_columns[key], header))
            else:
                self.unknown.append(header)
        seen: dict[str, str] = {}
        for index, name, header in own_hits:
            if name in seen:
                self.duplicates.append(f"“{header}”与“{seen[name]}”")
            else:
                seen[name] = header
                self.positions.append((index, by_field[name], header))
        own_fields = set(seen)
        for index, name, header in fallback_hits:
            if name in own_fields:
                self.unknown.append(header)  # the profile reads this field from another column
            elif name in seen:
                self.duplicates.append(f"“{header}”与“{seen[name]}”")
            else:
                seen[name] = header
                self.positions.append((index, by_field[name], header))
        self.positions.sort(key=lambda p: p[0])
        self.own = len(own_hits) + self.ignored  # the headers this profile knows by itself
        self.present = set(seen)
        self.missing = [c.label for c in spec.columns if c.required and c.field not in self.present]
        self.parsers: list[Callable[[Any], Any]] = []

    @property
    def recognised(self) -> int:
        return len(self.positions) + self.ignored

    @property
    def fits(self) -> bool:
        return not (self.missing or self.duplicates)

    def score(self) -> tuple[bool, int, int]:
        return (self.fits, self.own, self.recognised)

    def prepare(self) -> None:
        """The parser of each read column under this profile (vocabularies folded once)."""
        self.parsers = [self.profile.parser(column) for _i, column, _h in self.positions]

    def misfit(self) -> str:
        parts = [f"缺少必需的列“{label}”" for label in self.missing]
        parts += [f"{d}对应同一字段" for d in self.duplicates]
        return "、".join(parts)


def _header_candidate(
    rows: list[tuple[int, list[Any]]], spec: ImportSpec, profile: Profile
) -> tuple[int, _HeaderMap] | None:
    """The profile's header: the first row (of the first ten) where at least two columns are
    recognised; exports sometimes put a title or the query above it."""
    for number, cells in rows:
        header = _HeaderMap(spec, cells, profile)
        if header.recognised >= 2:
            return number, header
    return None


def _leading_rows(rows: Iterator[tuple[int, list[Any]]]) -> list[tuple[int, list[Any]]]:
    """The non-blank rows among the first HEADER_SEARCH_ROWS of the file (read once, replayed)."""
    leading: list[tuple[int, list[Any]]] = []
    for number, cells in rows:
        if not _is_blank_row(cells):
            leading.append((number, cells))
        if number >= HEADER_SEARCH_ROWS:
            break
    return leading


def _choose_profile(
    leading: list[tuple[int, list[Any]]], spec: ImportSpec, profiles: list[Profile], forced: bool
) -> tuple[int, _HeaderMap]:
    """The best-fitting profile's header: complete first, then the most headers the profile knows
    by itself, then the most recognised in all; a tie goes to the earlier (the standard first).
    Raises RowError when no profile finds a header, or when the best one lacks required columns
    (naming the closest profiles and the headers none of them read)."""
    if not leading:
        raise RowError(None, None, None, "文件为空")
    candidates = []
    for order, profile in enumerate(profiles):
        found = _header_candidate(leading, spec, profile)
        if found is not None:
            candidates.append((found[1].score(), -order, found))
    if not candidates:
        labels = "、".join(c.label for c in spec.columns[:6])
        within = profiles[0].called if forced else f"{spec.label}"
        raise RowError(
            leading[0][0],
            None,
            None,
            f"未找到表头：前 {HEADER_SEARCH_ROWS} 行中没有可识别的{within}列名（如 {labels}）",
        )
    candidates.sort(key=lambda c: (c[0], c[1]), reverse=True)
    number, header = candidates[0][2]
    if header.fits:
        return number, header
    errors = [RowError(number, label, "", f"缺少必需的列“{label}”") for label in header.missing]
    errors += [RowError(number, None, d, "两列对应同一字段") for d in header.duplicates]
    if forced or len(profiles) == 1:
        reason = f"按{header.profile.called}读取：" + "；".join(e.message for e in errors)
    else:
        closest = "；".join(
            f"{h.profile.called}（识别 {h.recognised} 列，{h.misfit()}）"
            for _s, _o, (_n, h) in candidates[:3]
        )
        reason = f"没有与表头完全相符的导入格式。最接近的是：{closest}"
    if header.unknown:
        unknown = [shorten(h, MAX_VALUE_SHOWN) for h in header.unknown[:30]]
        more = f" 等 {len(header.unknown)} 列" if len(header.unknown) > 30 else ""
        reason += "。未识别的列：" + "、".join(unknown) + more
    reason += "。可改正表头后重新导入，或指定导入格式；新的导出格式请联系市知识产权局添加"
    raise _Misfit(reason, errors)


class _Misfit(Exception):
    def __init__(self, reason: str, errors: list[RowError]) -> None:
        super().__init__(reason)
        self.reason = reason
        self.errors = errors


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
    profile: str | Path | None = None,
    rejects_path: Path | None = None,
    progress: ProgressCallback | None = None,
    mark_demo: bool = False,
    batch_size: int = DEFAULT_BATCH,
    file_label: str | None = None,
    limits: Limits | None = None,
) -> ImportResult:
    """Import one file. Never raises for bad input: a refused file comes back with `refused` set.

    `limits` bound the file (lib.uploads); the default is a file on the server's disk (the CLI);
    the upload page passes Limits.web(). `profile` forces a source profile (its code, or the path
    of a profile file); by default the best-fitting one is chosen from the header row."""
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
        profiles = [resolve_profile(spec.kind, profile, spec)] if profile else profiles_for(spec.kind)
    except (ProfileError, DataFileError) as exc:
        return refuse(str(exc), [RowError(None, None, None, str(exc))])
    synonyms = synonyms_by_profile(spec.kind)  # one query; the importer then only looks up dicts
    profiles = [p.with_synonyms(synonyms.get(p.code, {})) for p in profiles]
    try:
        source = TableSource(path, limits)
    except SourceError as exc:
        return refuse(str(exc), [RowError(None, None, None, str(exc))])
    except OSError as exc:
        return refuse(f"无法读取文件：{exc}", [RowError(None, None, None, f"无法读取文件：{exc}")])

    with source:
        file_rows = source.rows()
        try:
            leading = _leading_rows(file_rows)
            header_row, header = _choose_profile(leading, spec, profiles, forced=bool(profile))
        except RowError as exc:
            return refuse(exc.message, [exc])
        except _Misfit as exc:
            return refuse(exc.reason, exc.errors)
        except SourceError as exc:
            return refuse(str(exc), [RowError(None, None, None, str(exc))])
        header.prepare()
        result.profile, result.profile_name = header.profile.code, header.profile.name
        result.profile_called = header.profile.called
        # The rows after the header among those read to find it, then the rest of the file.
        rows = itertools.chain(((n, c) for n, c in leading if n > header_row), file_rows)
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
                    profile=header.profile.code[:50],
                )
                result.import_run_id = run.pk
                ctx = ImportContext(
                    actor=actor, run=run, present=header.present, result=result, mark_demo=mark_demo
                )
                _process_rows(
                    spec,
                    rows,
                    header,
                    header_row,
                    ctx,
                    rejects,
                    skip_invalid,
                    batch_size,
                    progress,
                    source,
                    leading,
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
                        "profile": header.profile.name,
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
    leading: list[tuple[int, list[Any]]],
) -> None:
    """Validate every row and write the valid ones in batches.

    With `spec.parse_in_thread` the rows are read, validated and built in a second thread while
    this thread writes: the database work (PostgreSQL's server, SQLite's C code) runs without the
    GIL, so reading the file and writing overlap. Only this thread touches the database."""
    result = ctx.result
    total = (source.total_rows - header_row) if source.total_rows else None
    parsed: Generator[Any, None, None]
    chunks = row_batches(source, rows, header_row, len(header.headers), leading, COLUMNAR_BATCH)
    if spec.columnar:
        parsed = _columnar_batches(spec, chunks, header, ctx, rejects, skip_invalid, batch_size)
    else:
        parsed = _parsed_batches(spec, chunks, header, ctx, rejects, skip_invalid, batch_size)
    if spec.parse_in_thread:
        ctx.matcher, ctx.regions  # noqa: B018 — loaded here, on this thread's connection
        parsed = _in_thread(parsed, depth=4)
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
    batches: Iterator[RowBatch],
    header: _HeaderMap,
    ctx: ImportContext,
    rejects: _Rejects,
    skip_invalid: bool,
    batch_size: int,
) -> Generator[list[Any], None, None]:
    """Kinds whose cross-field rules are still row-wise: the cells go through the same column-wise
    cell stage, then each row without a cell error through `spec.build()`; batches of `batch_size`
    valid records. Rows with errors are counted, listed and written to the rejects file; once a
    row failed without `skip_invalid` the rest is still validated but not yielded."""
    result = ctx.result
    seen: dict[Any, int] = {}
    duplicate_header = next((h for _i, c, h in header.positions if c.field == spec.duplicate_field), "")
    default_separators = not header.profile.custom_separators
    fields = [column.field for _i, column, _h in header.positions]
    records: list[Any] = []
    for numbers, table in batches:
        result.rows += len(numbers)
        cells = cell_stage(
            numbers, table, header.positions, header.parsers, default_separators, RowError, ctx.memos
        )
        for i, row in enumerate(cells.frame.select(fields).iter_rows()):
            number = numbers[i]
            errors = cells.errors.get(i, [])
            record = None
            if not errors:
                values = {name: value for name, value in zip(fields, row, strict=True) if value is not None}
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
                rejects.write(number, cells.row(i), errors)
                continue
            if result.rejected and not skip_invalid:
                continue  # the file will be refused: keep validating, stop writing
            records.append(record)
            if len(records) >= batch_size:
                yield records
                records = []
    if records and not (result.rejected and not skip_invalid):
        yield records


def _columnar_batches(
    spec: ImportSpec,
    batches: Iterator[RowBatch],
    header: _HeaderMap,
    ctx: ImportContext,
    rejects: _Rejects,
    skip_invalid: bool,
    batch_size: int,
) -> Generator[Any, None, None]:
    """The column-wise pipeline: batches of rows (sources.row_batches) through the cell stage and
    the spec's check(); a record twice in the file is an error on its second row (across batches).
    Valid records are handed to the writer `batch_size` at a time (progress as before). Errors,
    the rejects file and all-or-nothing as in `_parsed_batches`."""
    import polars as pl

    result = ctx.result
    seen = pl.DataFrame(schema={"key": pl.String, "first": pl.Int64})
    duplicate_header = next((h for _i, c, h in header.positions if c.field == spec.duplicate_field), "")
    default_separators = not header.profile.custom_separators
    for numbers, table in batches:
        result.rows += len(numbers)
        batch = cell_stage(
            numbers, table, header.positions, header.parsers, default_separators, RowError, ctx.memos
        )
        records = spec.check(batch, ctx)
        rows = pl.DataFrame(
            {
                "_i": pl.int_range(0, len(numbers), eager=True, dtype=pl.Int64),
                "row": pl.Series(numbers, dtype=pl.Int64),
            }
        )
        keys = (
            records.keys()
            .join(rows, on="_i", how="left", maintain_order="left")
            .with_columns(
                pl.col("key").is_first_distinct().alias("first_here"),
                pl.col("row").first().over("key").alias("first_row"),
            )
            .join(seen, on="key", how="left", maintain_order="left")
        )
        twice = keys.filter(pl.col("first").is_not_null() | ~pl.col("first_here"))
        for i, key, first, first_row in twice.select("_i", "key", "first", "first_row").iter_rows():
            batch.fail(
                i,
                RowError(
                    numbers[i],
                    duplicate_header or None,
                    str(key),
                    f"与第 {first if first is not None else first_row} 行重复（同一记录在文件中出现两次）",
                ),
            )
        new_keys = keys.filter(pl.col("first").is_null() & pl.col("first_here"))
        seen = pl.concat([seen, new_keys.select("key", pl.col("row").alias("first"))])
        for index in sorted(batch.errors):
            errors = batch.errors[index]
            result.rejected += 1
            for error in errors:
                result.add_error(error)
            rejects.write(numbers[index], batch.row(index), errors)
        records = records.drop(twice["_i"].to_list())
        if len(records) and not (result.rejected and not skip_invalid):
            yield from records.slices(batch_size)


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
