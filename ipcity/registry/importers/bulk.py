"""Fast batch writes for the high-volume importers: PostgreSQL COPY, SQLite executemany.

The ORM's bulk_create builds one model instance per row; at a million patents with their IPC codes
and holders (about five million rows) that cost dominates an import. These helpers write plain tuples
in the column order of the model's concrete fields, in the caller's transaction.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from typing import Any

import polars as pl
from django.db import connection, models

from ipcity.core.audit import Actor, json_safe
from ipcity.core.models import AuditEvent


def columns_of(model: type[models.Model], fields: Sequence[str]) -> list[str]:
    return [str(model._meta.get_field(name).column) for name in fields]  # type: ignore[union-attr]


def _sqlite_value(value: Any) -> Any:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, Decimal):
        return str(value)
    return value


def _pg_value(value: Any) -> Any:
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return value


def _json(value: Any) -> Any:
    return None if value is None else json.dumps(value, ensure_ascii=False)


def _iso(value: Any) -> Any:
    if isinstance(value, dt.datetime):  # stored as Django stores it (UTC, "YYYY-MM-DD HH:MM:SS")
        return connection.ops.adapt_datetimefield_value(value)
    return None if value is None else value.isoformat()


def _int(value: Any) -> Any:
    return None if value is None else int(value)


def _decimal_text(value: Any) -> Any:
    return None if value is None else str(value)


def _converters(model: type[models.Model], fields: Sequence[str]) -> list[tuple[int, Callable[[Any], Any]]]:
    """(position, function) for the values the database driver cannot take as they are."""
    out: list[tuple[int, Callable[[Any], Any]]] = []
    for index, name in enumerate(fields):
        field = model._meta.get_field(name)
        if isinstance(field, models.JSONField):
            out.append((index, _json))
        elif connection.vendor == "sqlite" and isinstance(field, models.DateField):
            out.append((index, _iso))
        elif connection.vendor == "sqlite" and isinstance(field, models.BooleanField):
            out.append((index, _int))
        elif connection.vendor == "sqlite" and isinstance(field, models.DecimalField):
            out.append((index, _decimal_text))
    return out


def insert_rows(model: type[models.Model], fields: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """Insert rows (tuples in `fields` order). Fields may include 'id' when ids were allocated."""
    table = model._meta.db_table
    cols = columns_of(model, fields)
    quoted = ", ".join(connection.ops.quote_name(c) for c in cols)
    converters = _converters(model, fields)

    def prepared() -> Iterable[Sequence[Any]]:
        if not converters:
            yield from rows
            return
        for row in rows:
            values = list(row)
            for index, convert in converters:
                values[index] = convert(values[index])
            yield values

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            raw = cursor.cursor  # the psycopg cursor under Django's wrapper
            with raw.copy(f"COPY {connection.ops.quote_name(table)} ({quoted}) FROM STDIN") as copy:
                for values in prepared():  # psycopg's C adaptation: faster than formatting COPY text here
                    copy.write_row(values)
        else:
            placeholders = ", ".join(["%s"] * len(cols))
            sql = f"INSERT INTO {connection.ops.quote_name(table)} ({quoted}) VALUES ({placeholders})"
            cursor.executemany(sql, prepared())  # type: ignore[arg-type]


def json_list(name: str) -> pl.Expr:
    """A list-of-strings column as JSON text (["甲", "乙"]), for a JSONField written from a frame."""
    return pl.struct(pl.col(name).alias("v")).struct.json_encode().str.slice(5).str.head(-1).alias(name)


def insert_frame(model: type[models.Model], fields: Sequence[str], frame: pl.DataFrame) -> None:
    """Insert a frame whose columns are `fields` in order (JSON fields already JSON text).
    PostgreSQL: the frame written as CSV straight into COPY (every text quoted: a null is an
    unquoted empty field, an empty text "" stays empty). SQLite: executemany of its rows."""
    if frame.height == 0:
        return
    table = connection.ops.quote_name(model._meta.db_table)
    quoted = ", ".join(connection.ops.quote_name(c) for c in columns_of(model, fields))
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            buffer = io.BytesIO()
            frame.write_csv(buffer, include_header=False, quote_style="non_numeric")
            with cursor.cursor.copy(f"COPY {table} ({quoted}) FROM STDIN WITH (FORMAT csv)") as copy:
                copy.write(buffer.getbuffer())
            return
        converted = frame.with_columns(
            [pl.col(c).cast(pl.String) for c, t in frame.schema.items() if t == pl.Date]
            + [pl.col(c).cast(pl.Int8) for c, t in frame.schema.items() if t == pl.Boolean]
        )
        placeholders = ", ".join(["%s"] * len(fields))
        cursor.executemany(f"INSERT INTO {table} ({quoted}) VALUES ({placeholders})", converted.iter_rows())  # type: ignore[arg-type]


def update_rows(model: type[models.Model], fields: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """UPDATE by id; each row is (id, *values in `fields` order)."""
    table = connection.ops.quote_name(model._meta.db_table)
    assignments = ", ".join(f"{connection.ops.quote_name(c)} = %s" for c in columns_of(model, fields))
    convert = _sqlite_value if connection.vendor == "sqlite" else _pg_value
    params = [[*(convert(v) for v in row[1:]), row[0]] for row in rows]
    if params:
        with connection.cursor() as cursor:
            cursor.executemany(f"UPDATE {table} SET {assignments} WHERE id = %s", params)


def allocate_ids(model: type[models.Model], count: int) -> list[int]:
    """Reserve `count` primary keys for rows about to be inserted with explicit ids."""
    if count == 0:
        return []
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", [table, count]
            )
            return [row[0] for row in cursor.fetchall()]
        # SQLite: the import holds the write lock (IMMEDIATE transaction), so max+1 is ours. Respect
        # AUTOINCREMENT's high-water mark so deleted ids are never reused.
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {connection.ops.quote_name(table)}")
        top = cursor.fetchone()[0]
        try:
            cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
            row = cursor.fetchone()
            top = max(top, row[0] if row else 0)
        except Exception:  # no sqlite_sequence table before the first AUTOINCREMENT insert
            pass
        return list(range(top + 1, top + 1 + count))


def delete_children(model: type[models.Model], fk_column: str, parent_ids: Sequence[int]) -> None:
    if not parent_ids:
        return
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        for start in range(0, len(parent_ids), 500):
            chunk = list(parent_ids[start : start + 500])
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(
                f"DELETE FROM {table} WHERE {connection.ops.quote_name(fk_column)} IN ({marks})", chunk
            )


def audit_updates(
    actor: Actor,
    action: str,
    object_type: str,
    items: Sequence[tuple[Any, str, dict[str, Any], dict[str, Any]]],
    note: str,
) -> None:
    """One audit event per updated record: (pk, repr, before, after) — as record_event writes them."""
    events = [
        AuditEvent(
            actor=actor.user,
            actor_label=actor.label,
            source=actor.source,
            action=action,
            object_type=object_type,
            object_id=str(pk),
            object_repr=text[:300],
            before=json_safe(before),
            after=json_safe(after),
            note=note[:300],
        )
        for pk, text, before, after in items
    ]
    AuditEvent.objects.bulk_create(events, batch_size=500)
