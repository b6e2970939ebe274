"""The column-wise cell stage: a batch of file rows becomes one Polars frame of parsed values.

One implementation of each rule, whatever the size of the file (a 10-row upload and a
1,000,000-row export run the same code). Each rule stays the Python function of `fields.py` (or the
source profile's parser); the cell stage decides *how often* it runs:

- **Per distinct value** (the default): the column's unique cell texts are parsed once each by the
  Python rule and joined back (statuses, types, dates, names, 统一社会信用代码, claims …: a million rows
  hold a few thousand distinct values). Messages come from the rule itself, so they are the same.
- **Fast path** for high-cardinality columns: a vectorised expression accepts the cells it can
  prove clean (an application number with the right check digit, a title without anything
  `clean_text` would change, the parts of a clean multi-valued cell); every cell it does not
  accept goes through the Python rule, per distinct value. A fast path never rejects: rejection,
  and its message, is always the rule's.

Cells that are not text (numbers, dates of an .xlsx) are parsed by the rule one by one.
Errors name the row (as Excel numbers it), the column (as the file writes it), the value and the
rule's Chinese message, exactly as the row-wise loop did.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import polars as pl

from ipcity.lib.text import _DIRTY
from ipcity.registry.importers import fields as f
from ipcity.registry.importers.fields import CellError, cell_text

if TYPE_CHECKING:
    from ipcity.registry.importers.engine import Column, RowError


def rust_pattern(pattern: str) -> str:
    """A Python regex as the Rust regex engine (Polars) reads it: control and non-ASCII characters
    written as \\x{…} escapes (the syntax is otherwise the same for these patterns)."""
    return "".join(c if 0x20 <= ord(c) < 0x7F else f"\\x{{{ord(c):X}}}" for c in pattern)


# A cell is blank when it is empty or str.isspace() (the row-wise rule); the same set of characters.
_SPACE_CLASS = "".join(f"\\x{{{c:X}}}" for c in range(0x110000) if chr(c).isspace())
BLANK = f"^[{_SPACE_CLASS}]*$"
# Anything lib.text.clean_text would change.
DIRTY = rust_pattern(_DIRTY.pattern)
# One part of a multi-valued cell between the default separators (fields._SEPARATORS: ; ； | ｜).
PART = "[^;；|｜]+"
# A part of a clean cell that clean_text would still change: spaces at its ends, a formula mark.
_PART_DIRTY = rust_pattern(r"^ | $|^'[=+\-@＝＋－＠]")
# … and one clean_name would change: brackets other than （）, spaces next to a bracket.
_NAME_DIRTY = rust_pattern(r"^ | $|^'[=+\-@＝＋－＠]|[()\[\]【】]|\s[（）]|[（）]\s")

DTYPES: dict[Callable[[Any], Any], pl.DataType | type[pl.DataType]] = {
    f.text: pl.String,
    f.name: pl.String,
    f.application_number: pl.String,
    f.uscc: pl.String,
    f.date: pl.Date,
    f.date_range_end: pl.Date,
    f.integer: pl.Int64,
    f.year: pl.Int64,
    f.boolean: pl.Boolean,
    f.texts: pl.List(pl.String),
    f.names: pl.List(pl.String),
    f.ipc_list: pl.List(pl.String),
    f.usccs: pl.List(pl.String),
    f.dates: pl.List(pl.Date),
    f.application_numbers: pl.List(pl.String),
}


def dtype_of(column: Column) -> pl.DataType | type[pl.DataType]:
    if column.vocabulary:
        return pl.String
    if column.dtype is not None:
        return column.dtype  # type: ignore[no-any-return]
    return DTYPES.get(column.parse, pl.Object)


MEMO_ROWS = 300_000  # distinct values remembered per rule across an import's batches

Memos = dict[Any, pl.DataFrame]


def python_map(
    raw: pl.Series,
    parse: Callable[[Any], Any],
    dtype: pl.DataType | type[pl.DataType],
    memos: Memos | None = None,
) -> tuple[pl.Series, pl.Series]:
    """The rule once per distinct non-null value, joined back: (values, error messages). With
    `memos` (one per import) a value met in an earlier batch is not parsed again (rules are pure)."""
    uniq = raw.drop_nulls().unique()
    key = (parse, str(dtype))
    known = memos.get(key) if memos is not None else None
    if known is not None:
        uniq = uniq.filter(~uniq.is_in(known["raw"].implode()))
    values: list[Any] = []
    errors: list[str | None] = []
    for text in uniq.to_list():
        try:
            values.append(parse(text))
            errors.append(None)
        except CellError as exc:
            values.append(None)
            errors.append(str(exc))
    table = pl.DataFrame(
        {
            "raw": uniq,
            "value": pl.Series(values, dtype=dtype),
            "error": pl.Series(errors, dtype=pl.String),
        }
    )
    if known is not None:
        table = pl.concat([known, table])
    if memos is not None and table.height <= MEMO_ROWS:
        memos[key] = table
    joined = raw.rename("raw").to_frame().join(table, on="raw", how="left", maintain_order="left")
    return joined["value"], joined["error"]


def put(values: pl.Series, index: pl.Series | list[int], new: pl.Series) -> pl.Series:
    """`values` with the positions `index` set to `new` (Series.scatter, also for list and object
    columns)."""
    if values.dtype == pl.Object:
        items = values.to_list()
        for position, item in zip(list(index), new.to_list(), strict=True):
            items[position] = item
        return pl.Series(values.name, items, dtype=pl.Object)
    if not values.dtype.is_nested():
        return values.scatter(index, new)
    n = len(values)
    patch = pl.DataFrame({"i": pl.Series(index, dtype=pl.Int64), "new": new, "hit": True})
    base = pl.DataFrame({"i": pl.int_range(0, n, eager=True, dtype=pl.Int64), "old": values})
    joined = base.join(patch, on="i", how="left", maintain_order="left")
    return joined.select(
        pl.when(pl.col("hit").fill_null(False))
        .then(pl.col("new"))
        .otherwise(pl.col("old"))
        .alias(values.name)
    ).to_series()


def python_map_fields(
    raw: pl.Series, rule: Callable[[Any], Sequence[str]], names: list[str], memos: Memos | None = None
) -> pl.DataFrame:
    """A rule that returns several texts (a tuple) once per distinct value, joined back: a frame
    aligned with `raw` with one String column per name and "error" (the rule's CellError message)."""
    uniq = raw.drop_nulls().unique()
    key = (rule, tuple(names))
    known = memos.get(key) if memos is not None else None
    if known is not None:
        uniq = uniq.filter(~uniq.is_in(known["raw"].implode()))
    columns: list[list[str | None]] = [[] for _ in names]
    errors: list[str | None] = []
    for text in uniq.to_list():
        try:
            got = rule(text)
        except CellError as exc:
            for column in columns:
                column.append(None)
            errors.append(str(exc))
            continue
        for column, value in zip(columns, got, strict=True):
            column.append(value)
        errors.append(None)
    table = pl.DataFrame(
        {
            "raw": uniq,
            **{name: pl.Series(column, dtype=pl.String) for name, column in zip(names, columns, strict=True)},
            "error": pl.Series(errors, dtype=pl.String),
        }
    )
    if known is not None:
        table = pl.concat([known, table])
    if memos is not None and table.height <= MEMO_ROWS:
        memos[key] = table
    return raw.rename("raw").to_frame().join(table, on="raw", how="left", maintain_order="left").drop("raw")


def positions(group: str = "_i") -> pl.Expr:
    """0, 1, 2 … within each run of equal `group` values (rows sorted by it, as explode leaves
    them): a row's position in its list, without a window over the groups."""
    number = pl.int_range(pl.len(), dtype=pl.Int64)
    start = pl.when(pl.col(group) != pl.col(group).shift(1)).then(number).otherwise(None).forward_fill()
    return (number - start.fill_null(0)).alias("position")


def _text_values(raw: pl.Series, memos: Memos | None = None) -> tuple[pl.Series, pl.Series]:
    """f.text: a clean cell is its own value; the others go through clean_text."""
    dirty = raw.str.contains(DIRTY).fill_null(False)
    no_errors = pl.repeat(None, len(raw), dtype=pl.String, eager=True)
    if not dirty.any():
        return raw, no_errors
    fixed, _errors = python_map(raw.filter(dirty), f.text, pl.String, memos)  # clean_text never fails
    return raw.scatter(dirty.arg_true(), fixed), no_errors


def _application_numbers(raw: pl.Series, memos: Memos | None = None) -> tuple[pl.Series, pl.Series]:
    """f.application_number: 'CN202210001001.5', '202210001001.5' … with the right check digit and
    type digit are read by expressions; every other cell by the rule (which words the error).
    (Step by step: an expression used twice in one select is computed twice.)"""
    parts = (
        raw.str.extract_groups(r"^(?:CN|ZL)?(\d{12})\.?([0-9X])$")
        .struct.rename_fields(["digits", "check"])
        .struct.unnest()
        .with_columns(pl.col("digits").cast(pl.Int64, strict=False).alias("n"))
    )
    weights = (2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5)  # lib.identifiers.patent_check_digit
    parts = parts.with_columns(
        (
            pl.sum_horizontal([(pl.col("n") // 10 ** (11 - i) % 10) * w for i, w in enumerate(weights)]) % 11
        ).alias("remainder")
    )
    expected = (
        pl.when(pl.col("remainder") == 10).then(pl.lit("X")).otherwise(pl.col("remainder").cast(pl.String))
    )
    type_digit = pl.col("n") // 10**7 % 10
    fast = parts.select(
        pl.when((pl.col("check") == expected) & type_digit.is_in([1, 2, 3, 8, 9]))
        .then(pl.col("digits") + "." + pl.col("check"))
        .otherwise(None)
        .alias("v")
    )["v"]
    rest = fast.is_null() & raw.is_not_null()
    if not rest.any():
        return fast, pl.repeat(None, len(raw), dtype=pl.String, eager=True)
    values, errors = python_map(raw.filter(rest), f.application_number, pl.String, memos)
    index = rest.arg_true()
    all_errors = pl.repeat(None, len(raw), dtype=pl.String, eager=True).scatter(index, errors)
    return fast.scatter(index, values), all_errors


def _clean_parts(
    raw: pl.Series, part_rule: Callable[[str], str], part_dirty: str, memos: Memos | None
) -> tuple[pl.DataFrame, pl.Series, pl.DataFrame]:
    """The cells without anything clean_text would change ("ok"), split into their parts by the
    default separators: a part matching `part_dirty` is read by `part_rule` (per distinct part),
    empty parts dropped. Returns the frame of cells (i, raw, ok), ok, and the parts (i, part)."""
    ok = ~raw.str.contains(DIRTY).fill_null(True)
    frame = pl.DataFrame({"i": pl.int_range(0, len(raw), eager=True, dtype=pl.UInt32), "raw": raw, "ok": ok})
    parts = (
        frame.filter(pl.col("ok"))
        .select("i", pl.col("raw").str.extract_all(PART).alias("part"))
        .explode("part")
        .drop_nulls("part")
    )
    dirty = parts["part"].str.contains(part_dirty)
    if dirty.any():
        fixed, _errors = python_map(parts["part"].filter(dirty), part_rule, pl.String, memos)
        parts = parts.with_columns(parts["part"].scatter(dirty.arg_true(), fixed))
    return frame, ok, parts.filter(pl.col("part") != "")


def _multi_values(
    raw: pl.Series,
    whole: Callable[[Any], Any],
    part_rule: Callable[[str], str],
    part_dirty: str,
    memos: Memos | None = None,
) -> tuple[pl.Series, pl.Series]:
    """A multi-valued cell with the default separators. A cell without anything clean_text would
    change is split by expressions; a part matching `part_dirty` (something `part_rule` would
    change) is read by the rule, per distinct part, the others are their own value; any other
    cell goes through the column's own rule whole."""
    n = len(raw)
    frame, ok, parts = _clean_parts(raw, part_rule, part_dirty, memos)
    lists = parts.group_by("i", maintain_order=True).agg(pl.col("part"))
    values = (
        frame.select("i", "ok")
        .join(lists, on="i", how="left", maintain_order="left")
        .select(
            pl.when(pl.col("ok"))
            .then(pl.col("part").fill_null(pl.lit([], dtype=pl.List(pl.String))))
            .otherwise(None)
        )
        .to_series()
    )
    errors = pl.repeat(None, n, dtype=pl.String, eager=True)
    rest = ~ok & raw.is_not_null()
    if rest.any():
        index = rest.arg_true()
        slow, slow_errors = python_map(raw.filter(rest), whole, pl.List(pl.String), memos)
        values = put(values, index, slow)
        errors = errors.scatter(index, slow_errors)
    return values, errors


_ISO_DATE = r"^\d{4}-\d{2}-\d{2}$"


def _date_values(raw: pl.Series, memos: Memos | None = None) -> tuple[pl.Series, pl.Series]:
    """f.date on text: 2022-03-01 by strptime; every other form (and an impossible date, for its
    message) by the rule, per distinct value."""
    iso = raw.str.contains(_ISO_DATE).fill_null(False)
    fast = pl.select(
        pl.when(pl.lit(iso)).then(pl.lit(raw).str.strptime(pl.Date, "%Y-%m-%d", strict=False))
    ).to_series()
    rest = fast.is_null() & raw.is_not_null()
    errors = pl.repeat(None, len(raw), dtype=pl.String, eager=True)
    if not rest.any():
        return fast, errors
    index = rest.arg_true()
    values, messages = python_map(raw.filter(rest), f.date, pl.Date, memos)
    return fast.scatter(index, values), errors.scatter(index, messages)


def _dates_values(raw: pl.Series, memos: Memos | None = None) -> tuple[pl.Series, pl.Series]:
    """f.dates: the parts of a clean cell, cleaned and read as dates (the first bad part's message
    is the cell's); any other cell by the rule whole."""
    frame, ok, parts = _clean_parts(raw, _clean_part, _PART_DIRTY, memos)
    when, messages = _date_values(parts["part"], memos)
    parts = parts.with_columns(when.alias("date"), messages.alias("error"))
    lists = parts.group_by("i", maintain_order=True).agg(
        pl.col("date"), pl.col("error").drop_nulls().first().alias("error")
    )
    got = frame.select("i", "ok").join(lists, on="i", how="left", maintain_order="left")
    values = got.select(
        pl.when(pl.col("ok") & pl.col("error").is_null())
        .then(pl.col("date").fill_null(pl.lit([], dtype=pl.List(pl.Date))))
        .otherwise(None)
    ).to_series()
    errors = got["error"]
    rest = ~ok & raw.is_not_null()
    if rest.any():
        index = rest.arg_true()
        slow, slow_errors = python_map(raw.filter(rest), f.dates, pl.List(pl.Date), memos)
        values = put(values, index, slow)
        errors = errors.scatter(index, slow_errors)
    return values, errors


def _clean_part(part: str) -> str:
    return f.cell_text(part)


def _name_part(part: str) -> str:
    return f._clean_name(part)  # fields.names cleans each part of the cell's text as a name


@dataclass
class ColumnCells:
    """One column of a batch after the cell stage."""

    values: pl.Series  # parsed (null where blank or invalid)
    errors: pl.Series  # the rule's message, or null
    blank: pl.Series  # empty cell (str.isspace or None)


def parse_column(
    cells: Sequence[Any] | pl.Series,
    column: Column,
    parser: Callable[[Any], Any],
    default_separators: bool,
    memos: Memos | None = None,
) -> ColumnCells:
    """The cell stage for one column of a batch: strings by Polars (+ the rule), anything else by
    the rule cell by cell."""
    n = len(cells)
    dtype = dtype_of(column)
    others: list[int] = []
    if isinstance(cells, pl.Series):
        raw = cells
    else:
        try:
            raw = pl.Series(cells, dtype=pl.String, strict=True)
        except TypeError:
            texts = []
            for index, cell in enumerate(cells):
                if cell is None or type(cell) is str:
                    texts.append(cell)
                else:
                    texts.append(None)
                    others.append(index)
            raw = pl.Series(texts, dtype=pl.String)
    blank = raw.is_null() | raw.str.contains(BLANK).fill_null(True)
    if others:
        blank = blank.scatter(others, False)
    text = pl.select(pl.when(blank).then(None).otherwise(raw)).to_series() if blank.any() else raw
    own = parser is column.parse  # the profile reads this column with the column's own rule
    if own and column.parse is f.application_number:
        values, errors = _application_numbers(text, memos)
    elif own and column.parse is f.text:
        values, errors = _text_values(text, memos)
    elif own and column.parse is f.date:
        values, errors = _date_values(text, memos)
    elif own and default_separators and column.parse is f.dates:
        values, errors = _dates_values(text, memos)
    elif own and default_separators and column.parse in (f.texts, f.ipc_list):
        values, errors = _multi_values(text, column.parse, _clean_part, _PART_DIRTY, memos)
    elif own and default_separators and column.parse is f.names:
        values, errors = _multi_values(text, column.parse, _name_part, _NAME_DIRTY, memos)
    else:
        values, errors = python_map(text, parser, dtype, memos)
    if others:
        parsed: list[Any] = []
        messages: list[str | None] = []
        for index in others:
            try:
                parsed.append(parser(cells[index]))  # type: ignore[index]
                messages.append(None)
            except CellError as exc:
                parsed.append(None)
                messages.append(str(exc))
        values = put(values, others, pl.Series(parsed, dtype=values.dtype))
        errors = errors.scatter(others, pl.Series(messages, dtype=pl.String))
    assert len(values) == n
    return ColumnCells(values=values, errors=errors, blank=blank)


@dataclass
class CellBatch:
    """A batch of file rows after the cell stage."""

    numbers: list[int]  # each row's number as Excel shows it
    table: pl.DataFrame | list[list[Any]]  # the rows as read (rejects file, values quoted in errors)
    frame: pl.DataFrame  # one column per field read (null: blank or invalid); "_row" = the row number
    present: set[str]  # the fields the file has a column for
    errors: dict[int, list[RowError]] = field(default_factory=dict)  # batch index → the row's errors

    def row(self, index: int) -> list[Any]:
        """The cells of one row as read (None: an empty cell)."""
        if isinstance(self.table, pl.DataFrame):
            return list(self.table.row(index))
        return self.table[index]

    def fail(self, index: int, error: RowError) -> None:
        self.errors.setdefault(index, []).append(error)

    @property
    def ok(self) -> pl.Series:
        """Rows without an error so far."""
        bad = [False] * len(self.numbers)
        for index in self.errors:
            bad[index] = True
        return ~pl.Series(bad, dtype=pl.Boolean)


def cell_stage(
    numbers: list[int],
    table: pl.DataFrame | list[list[Any]],
    positions: list[tuple[int, Column, str]],
    parsers: list[Callable[[Any], Any]],
    default_separators: bool,
    error_type: type[RowError],
    memos: Memos | None = None,
) -> CellBatch:
    """Parse every read column of these rows column-wise (`table`: Polars String columns c0, c1 …
    in the file's order, or the rows as lists). Errors are listed per row in the file's column
    order, as the row-wise loop listed them."""
    width = max((index for index, _c, _h in positions), default=-1) + 1
    if isinstance(table, pl.DataFrame):
        frame = table
        cells: list[list[Any]] | None = None

        def column_cells(index: int) -> Any:
            return (
                frame[f"c{index}"]
                if index < frame.width
                else pl.repeat(None, frame.height, dtype=pl.String, eager=True)
            )
    else:
        cells = table
        for row in cells:
            if len(row) < width:
                row.extend([None] * (width - len(row)))
        transposed = list(zip(*cells, strict=False)) if cells else [() for _ in range(width)]

        def column_cells(index: int) -> Any:
            return transposed[index]

    columns: dict[str, pl.Series] = {"_row": pl.Series(numbers, dtype=pl.Int64)}
    batch = CellBatch(numbers=numbers, table=table, frame=pl.DataFrame(), present=set())
    for (index, column, label), parser in zip(positions, parsers, strict=True):
        got = parse_column(column_cells(index), column, parser, default_separators, memos)
        columns[column.field] = got.values
        batch.present.add(column.field)
        if column.required and got.blank.any():
            for i in got.blank.arg_true().to_list():
                batch.fail(i, error_type(numbers[i], label, "", "不能为空"))
        bad = got.errors.is_not_null()
        if bad.any():
            for i, message in zip(bad.arg_true().to_list(), got.errors.filter(bad).to_list(), strict=True):
                batch.fail(i, error_type(numbers[i], label, cell_text(batch.row(i)[index]), message))
    batch.frame = pl.DataFrame(columns)
    return batch
