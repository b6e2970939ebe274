"""Backup and restore: the database, the uploaded files and a manifest, in one tar archive.

`create_backup` takes a consistent snapshot of the configured database while the site runs
(PostgreSQL: pg_dump inside an exported REPEATABLE READ snapshot; SQLite: the online backup API),
adds every file under MEDIA_ROOT and writes manifest.json: versions, the migration state, each
table's row count and content hash, and the SHA-256 of every file in the archive.

`verify_archive` checks an archive against its manifest without touching a database.
`restore_backup` verifies first, refuses a non-empty target, restores, then recomputes every
table's count and hash and compares them with the manifest. docs/backup.md is the operator's guide.

The content hash of a table: each row is turned into the database's own canonical text (PostgreSQL:
the row value as text with the session's time zone, date style and float output fixed; SQLite:
`quote()` of each column joined by commas), each row text is hashed with SHA-256, the row digests
are sorted and the table hash is the SHA-256 of their concatenation. Sorting makes the hash
independent of row order; the texts come from the server, so a restore into the same kind of
database gives the same hash without depending on how the Python driver converts values.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path, PurePosixPath
from typing import IO, Any

import django
import jsonschema
from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone
from tqdm import tqdm

from ipcity.core.audit import Actor, record_event
from ipcity.core.models import Attachment

FORMAT = "ipcity-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
MEDIA_PREFIX = "media/"
DUMP_FILES = {"postgresql": "database.pgdump", "sqlite": "database.sqlite3"}
VENDOR_NAMES = {"postgresql": "PostgreSQL", "sqlite": "SQLite"}
CHUNK = 1024 * 1024
FETCH_ROWS = 5000

MANIFEST_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["format", "format_version", "created_at", "database", "tables", "files"],
    "properties": {
        "format": {"const": FORMAT},
        "format_version": {"type": "integer"},
        "created_at": {"type": "string"},
        "database": {
            "type": "object",
            "required": ["vendor", "file"],
            "properties": {"vendor": {"enum": list(DUMP_FILES)}, "file": {"enum": list(DUMP_FILES.values())}},
        },
        "tables": {
            "type": "object",
            "additionalProperties": {
                "type": "object",
                "required": ["rows", "sha256"],
                "properties": {"rows": {"type": "integer"}, "sha256": {"type": "string"}},
            },
        },
        "files": {
            "type": "object",
            "additionalProperties": {
                "type": "object",
                "required": ["size", "sha256"],
                "properties": {"size": {"type": "integer"}, "sha256": {"type": "string"}},
            },
        },
    },
}


class BackupError(Exception):
    """An archive, a target or a tool refused; the message says why, in Chinese.

    Raised before anything is written, except where the message says otherwise.
    """


Say = Callable[[str], None]


def _silent(_message: str) -> None:
    pass


def _bar(progress: bool, desc: str, total: int | None = None, unit: str = "B", iterable: Any = None) -> Any:
    """A tqdm progress bar on stderr, shown only on a terminal (never in tests or cron mail)."""
    return tqdm(
        iterable,
        total=total,
        desc=desc,
        unit=unit,
        unit_scale=unit == "B",
        disable=None if progress else True,
    )


@dataclass
class BackupResult:
    path: Path
    manifest: dict[str, Any]


@dataclass
class RestoreResult:
    manifest: dict[str, Any]
    mismatches: list[str] = field(default_factory=list)
    attachments_checked: int = 0
    attachment_problems: list[str] = field(default_factory=list)
    known_attachment_problems: int = 0
    pending_migrations: int = 0
    unknown_migrations: list[str] = field(default_factory=list)
    audit_recorded: bool = False

    @property
    def ok(self) -> bool:
        return not self.mismatches and not self.attachment_problems


# --- Table counts and content hashes -------------------------------------------------------


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _tables(cursor: Any, vendor: str) -> list[tuple[str, str]]:
    """(manifest key, quoted SQL name) of every table, in name order."""
    if vendor == "sqlite":
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite!_%' ESCAPE '!' "
            "ORDER BY name"
        )
        return [(name, _quote(name)) for (name,) in cursor.fetchall()]
    cursor.execute(
        "SELECT n.nspname, c.relname FROM pg_catalog.pg_class c "
        "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
        "WHERE c.relkind = 'r' AND n.nspname <> 'information_schema' AND n.nspname NOT LIKE 'pg!_%' ESCAPE '!' "
        "ORDER BY n.nspname, c.relname"
    )
    return [
        (name if schema == "public" else f"{schema}.{name}", f"{_quote(schema)}.{_quote(name)}")
        for schema, name in cursor.fetchall()
    ]


def _row_texts(cursor: Any, vendor: str, table: str) -> Iterator[str]:
    if vendor == "sqlite":
        cursor.execute(f"PRAGMA table_info({table})")
        columns = ", ".join(f"quote({_quote(row[1])})" for row in cursor.fetchall())
        cursor.execute(f"SELECT {columns} FROM {table}")
        while rows := cursor.fetchmany(FETCH_ROWS):
            for row in rows:
                yield ",".join(row)
        return
    # A server-side cursor keeps memory flat on large tables (the caller holds a transaction).
    cursor.execute(f"DECLARE ipcity_backup_rows NO SCROLL CURSOR FOR SELECT ROW(r.*)::text FROM {table} AS r")
    while True:
        cursor.execute(f"FETCH {FETCH_ROWS} FROM ipcity_backup_rows")
        rows = cursor.fetchall()
        if not rows:
            break
        for (text,) in rows:
            yield text
    cursor.execute("CLOSE ipcity_backup_rows")


def table_stats(cursor: Any, vendor: str, *, progress: bool = False) -> dict[str, dict[str, Any]]:
    """Row count and content hash of every table: {"core_region": {"rows": 16, "sha256": "…"}}.

    `cursor` is any DB-API cursor on the database; on PostgreSQL it must be inside a transaction
    (the output settings are set for that transaction only).
    """
    if vendor == "postgresql":
        # The server's text form depends on these session settings: fix them.
        for statement in (
            "SET LOCAL TimeZone TO 'UTC'",
            "SET LOCAL DateStyle TO 'ISO, YMD'",
            "SET LOCAL IntervalStyle TO 'iso_8601'",
            "SET LOCAL extra_float_digits TO 3",
            "SET LOCAL bytea_output TO 'hex'",
        ):
            cursor.execute(statement)
    tables = _tables(cursor, vendor)
    stats: dict[str, dict[str, Any]] = {}
    for key, table in _bar(progress, "计算各表校验值", unit="表", iterable=tables):
        digests = sorted(hashlib.sha256(text.encode()).digest() for text in _row_texts(cursor, vendor, table))
        whole = hashlib.sha256()
        for digest in digests:
            whole.update(digest)
        stats[key] = {"rows": len(digests), "sha256": whole.hexdigest()}
    return stats


def _migration_state(cursor: Any, tables: dict[str, Any]) -> dict[str, str]:
    """The latest applied migration of each app."""
    if "django_migrations" not in tables:
        return {}
    cursor.execute("SELECT app, name FROM django_migrations ORDER BY id")
    return dict(sorted(dict(cursor.fetchall()).items()))


def _attachment_rows(cursor: Any, tables: dict[str, Any]) -> list[tuple[int, str, str]]:
    """(id, stored file name, registered SHA-256) of every attachment."""
    table = Attachment._meta.db_table
    if table not in tables:
        return []
    cursor.execute(f"SELECT id, file, sha256 FROM {_quote(table)} ORDER BY id")
    return [(int(pk), str(name), str(sha)) for pk, name, sha in cursor.fetchall()]


# --- Files ---------------------------------------------------------------------------------------


class _HashingReader:
    """Wraps a file: what is read through it is hashed and counted."""

    def __init__(self, raw: IO[bytes], bar: Any = None) -> None:
        self.raw = raw
        self.digest = hashlib.sha256()
        self.size = 0
        self.bar = bar

    def read(self, size: int = -1) -> bytes:
        data = self.raw.read(size)
        self.digest.update(data)
        self.size += len(data)
        if self.bar is not None:
            self.bar.update(len(data))
        return data


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _media_files(root: Path, *, skip: Path) -> list[tuple[str, Path]]:
    """(archive name, path) of every regular file under MEDIA_ROOT, in name order; nothing under
    `skip` (the output directory, should it be inside MEDIA_ROOT)."""
    if not root.is_dir():
        return []
    found = []
    skip = skip.resolve()
    for directory, _dirs, names in os.walk(root):
        if Path(directory).resolve().is_relative_to(skip):
            continue
        for name in names:
            path = Path(directory) / name
            if path.is_file() and not path.is_symlink():
                found.append((MEDIA_PREFIX + path.relative_to(root).as_posix(), path))
    return sorted(found)


def _add_file(tar: tarfile.TarFile, path: Path, name: str, bar: Any) -> dict[str, Any]:
    stat = path.stat()
    info = tarfile.TarInfo(name)
    info.size = stat.st_size
    info.mtime = int(stat.st_mtime)
    info.mode = 0o600
    with path.open("rb") as fh:
        reader = _HashingReader(fh, bar)
        try:
            tar.addfile(info, reader)  # type: ignore[arg-type]
        except OSError as exc:
            raise BackupError(f"文件在备份过程中被修改或删除：{path}（请重新备份）") from exc
    return {"size": reader.size, "sha256": reader.digest.hexdigest()}


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(timezone.now().timestamp())
    info.mode = 0o600
    tar.addfile(info, io.BytesIO(data))


def _archive_path(out_dir: Path, created: Any) -> Path:
    stem = f"ipcity-backup-{created:%Y%m%d-%H%M%S}"
    path = out_dir / f"{stem}.tar"
    counter = 2
    while path.exists() or path.with_name(path.name + ".partial").exists():
        path = out_dir / f"{stem}-{counter}.tar"
        counter += 1
    return path


# --- PostgreSQL tools ----------------------------------------------------------------------------

# DATABASES OPTIONS that libpq also reads from the environment.
_LIBPQ_ENV = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "connect_timeout": "PGCONNECT_TIMEOUT",
    "options": "PGOPTIONS",
    "application_name": "PGAPPNAME",
    "target_session_attrs": "PGTARGETSESSIONATTRS",
    "passfile": "PGPASSFILE",
    "service": "PGSERVICE",
}


def _libpq_env(settings_dict: dict[str, Any]) -> dict[str, str]:
    """The connection settings as libpq environment variables: the password never appears on a
    command line (where other users of the machine could read it)."""
    env = dict(os.environ)
    for key, var in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"), ("PASSWORD", "PGPASSWORD")):
        if settings_dict.get(key):
            env[var] = str(settings_dict[key])
    for key, value in (settings_dict.get("OPTIONS") or {}).items():
        if key in _LIBPQ_ENV and value not in (None, ""):
            env[_LIBPQ_ENV[key]] = str(value)
    return env


def _conninfo(settings_dict: dict[str, Any]) -> str:
    name = str(settings_dict["NAME"]).replace("\\", "\\\\").replace("'", "\\'")
    return f"dbname='{name}'"


def _pg_tool(name: str) -> tuple[str, str]:
    """(path, version such as "15.20") of pg_dump or pg_restore on PATH."""
    path = shutil.which(name)
    if path is None:
        raise BackupError(
            f"找不到 {name}：请安装 PostgreSQL 客户端（Debian：apt-get install postgresql-client），"
            "并确保它在 PATH 中。"
        )
    out = subprocess.run([path, "--version"], capture_output=True, text=True, check=False).stdout
    match = re.search(r"\(PostgreSQL\)\s+(\d+(?:\.\d+)*)", out)
    if match is None:
        raise BackupError(f"无法识别 {name} 的版本（{path} --version 输出：{out.strip() or '无'}）。")
    return path, match.group(1)


def _major(version: str) -> int:
    return int(version.split(".")[0])


def _run(command: list[str], *, env: dict[str, str], what: str) -> None:
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        detail = (done.stderr or done.stdout).strip()
        raise BackupError(f"{what}失败（退出码 {done.returncode}）：{detail}")


# --- Create --------------------------------------------------------------------------------------


@dataclass
class _Snapshot:
    database: dict[str, Any]
    tables: dict[str, dict[str, Any]]
    migrations: dict[str, str]
    attachments: list[tuple[int, str, str]]


def _snapshot_postgresql(dump: Path, *, progress: bool, say: Say) -> _Snapshot:
    pg_dump, tool_version = _pg_tool("pg_dump")
    connection.ensure_connection()
    server_major, server_minor = divmod(connection.pg_version, 10000)  # type: ignore[attr-defined]
    if _major(tool_version) < server_major:
        raise BackupError(
            f"pg_dump 的版本（{tool_version}）低于数据库服务器（{server_major}）：pg_dump 不能导出更新版本的"
            f"服务器。请安装 PostgreSQL {server_major} 或更新版本的客户端（Debian：postgresql-client-{server_major}）。"
        )
    if connection.in_atomic_block:
        raise BackupError("备份不能在一个已打开的数据库事务中进行。")
    with transaction.atomic(), connection.cursor() as cursor:
        # pg_dump and the hashes below read the same snapshot, so the manifest matches the dump
        # even while the site keeps writing.
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        (snapshot_id,) = cursor.fetchone()
        say(f"正在导出数据库（PostgreSQL {server_major}.{server_minor}，pg_dump {tool_version}）…")
        _run(
            [
                pg_dump,
                "--format=custom",
                "--no-password",
                f"--snapshot={snapshot_id}",
                f"--file={dump}",
                _conninfo(connection.settings_dict),
            ],
            env=_libpq_env(connection.settings_dict),
            what="pg_dump 导出数据库",
        )
        tables = table_stats(cursor, "postgresql", progress=progress)
        migrations = _migration_state(cursor, tables)
        attachments = _attachment_rows(cursor, tables)
    database = {
        "vendor": "postgresql",
        "file": DUMP_FILES["postgresql"],
        "server_version": f"{server_major}.{server_minor}",
        "tool": "pg_dump",
        "tool_version": tool_version,
    }
    return _Snapshot(database, tables, migrations, attachments)


def _snapshot_sqlite(dump: Path, *, progress: bool, say: Say) -> _Snapshot:
    say(f"正在复制数据库（SQLite {sqlite3.sqlite_version}，在线备份）…")
    connection.ensure_connection()
    source: sqlite3.Connection = connection.connection  # type: ignore[assignment]
    target = sqlite3.connect(dump)
    try:
        # One step (pages=-1): the whole copy is read under one read lock, a consistent snapshot.
        source.backup(target)
        # A plain rollback-journal file restores without -wal/-shm companions.
        target.execute("PRAGMA journal_mode=DELETE")
        cursor = target.cursor()
        tables = table_stats(cursor, "sqlite", progress=progress)
        migrations = _migration_state(cursor, tables)
        attachments = _attachment_rows(cursor, tables)
    finally:
        target.close()
    database = {
        "vendor": "sqlite",
        "file": DUMP_FILES["sqlite"],
        "server_version": sqlite3.sqlite_version,
        "tool": "sqlite3 backup",
        "tool_version": sqlite3.sqlite_version,
    }
    return _Snapshot(database, tables, migrations, attachments)


def _attachment_problems(
    attachments: list[tuple[int, str, str]], files: dict[str, Any]
) -> list[dict[str, Any]]:
    problems = []
    for pk, name, sha in attachments:
        entry = files.get(MEDIA_PREFIX + name)
        if entry is None:
            problems.append({"id": pk, "file": name, "problem": "missing"})
        elif entry["sha256"] != sha:
            problems.append({"id": pk, "file": name, "problem": "changed"})
    return problems


def _ipcity_version() -> str:
    try:
        return metadata.version("ipcity")
    except metadata.PackageNotFoundError:
        return "unknown"


def create_backup(out_dir: Path, *, actor: Actor, progress: bool = False, say: Say = _silent) -> BackupResult:
    """Write ipcity-backup-YYYYMMDD-HHMMSS.tar into out_dir and audit it. The site may keep running."""
    vendor = connection.vendor
    if vendor not in DUMP_FILES:
        raise BackupError(f"不支持备份这种数据库：{vendor}（支持 PostgreSQL 和 SQLite）。")
    media_root = Path(settings.MEDIA_ROOT)
    out_dir.mkdir(parents=True, exist_ok=True)
    created = timezone.localtime()
    path = _archive_path(out_dir, created)
    partial = path.with_name(path.name + ".partial")
    with tempfile.TemporaryDirectory(prefix=".ipcity-backup-", dir=out_dir) as work:
        dump = Path(work) / DUMP_FILES[vendor]
        snap = (_snapshot_postgresql if vendor == "postgresql" else _snapshot_sqlite)(
            dump, progress=progress, say=say
        )
        # Files are listed after the database snapshot: every attachment row in the snapshot was
        # written after its file, so its file is found here.
        media = _media_files(media_root, skip=out_dir)
        total = dump.stat().st_size + sum(p.stat().st_size for _name, p in media)
        say(f"正在打包数据库和 {len(media)} 个上传文件…")
        files: dict[str, Any] = {}
        # Only the owner may read the archive: it holds password hashes and personal data.
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "wb") as raw:
                with (
                    tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as tar,
                    _bar(progress, "打包", total) as bar,
                ):
                    files[DUMP_FILES[vendor]] = _add_file(tar, dump, DUMP_FILES[vendor], bar)
                    for name, media_path in media:
                        files[name] = _add_file(tar, media_path, name, bar)
                    manifest = {
                        "format": FORMAT,
                        "format_version": FORMAT_VERSION,
                        "created_at": created.isoformat(timespec="seconds"),
                        "ipcity_version": _ipcity_version(),
                        "django_version": django.get_version(),
                        "database": snap.database,
                        "migrations": snap.migrations,
                        "tables": snap.tables,
                        "attachments": {
                            "count": len(snap.attachments),
                            "problems": _attachment_problems(snap.attachments, files),
                        },
                        "files": files,
                    }
                    _add_bytes(tar, MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1).encode())
                raw.flush()
                os.fsync(raw.fileno())
            os.replace(partial, path)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
    with transaction.atomic():
        record_event(
            actor,
            "backup.create",
            object_type="backup",
            object_id=path.name,
            object_repr=path.name,
            after={
                "tables": len(snap.tables),
                "rows": sum(t["rows"] for t in snap.tables.values()),
                "files": len(media),
                "size": path.stat().st_size,
            },
        )
    return BackupResult(path=path, manifest=manifest)


# --- Verify --------------------------------------------------------------------------------------


def _load_manifest(data: bytes) -> dict[str, Any]:
    try:
        manifest = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BackupError(f"备份清单（{MANIFEST}）无法读取：{exc}") from exc
    version = manifest.get("format_version") if isinstance(manifest, dict) else None
    if isinstance(version, int) and version > FORMAT_VERSION:
        raise BackupError(
            f"这个备份由更新版本的 ipcity（{manifest.get('ipcity_version', '未知')}）创建"
            f"（格式版本 {version}）：请用该版本或更新的版本恢复。"
        )
    try:
        jsonschema.validate(manifest, MANIFEST_SCHEMA)
    except jsonschema.ValidationError as exc:
        where = "/".join(str(p) for p in exc.absolute_path) or "(根)"
        raise BackupError(f"这不是一个有效的 ipcity 备份清单（{where}：{exc.message}）。") from exc
    return manifest


def _check_member(member: tarfile.TarInfo, seen: set[str]) -> None:
    parts = PurePosixPath(member.name).parts
    if not member.isfile() or member.name.startswith("/") or ".." in parts or not parts:
        raise BackupError(f"备份文件中有不允许的条目：{member.name}（只应包含普通文件）。")
    if member.name in seen:
        raise BackupError(f"备份文件中 {member.name} 出现了不止一次。")
    seen.add(member.name)


def _copy_checked(source: IO[bytes], target: IO[bytes] | None, bar: Any) -> tuple[int, str]:
    """Copy (or just read, when target is None) and return (size, SHA-256)."""
    reader = _HashingReader(source, bar)
    while chunk := reader.read(CHUNK):
        if target is not None:
            target.write(chunk)
    return reader.size, reader.digest.hexdigest()


def verify_archive(path: Path, *, progress: bool = False) -> dict[str, Any]:
    """Check every file in the archive against the manifest; return the manifest."""
    if not path.is_file():
        raise BackupError(f"找不到备份文件：{path}")
    try:
        with tarfile.open(path, mode="r:") as tar:
            try:
                member = tar.getmember(MANIFEST)
            except KeyError:
                raise BackupError(
                    f"这不是 ipcity 的备份文件，或备份文件不完整：其中没有 {MANIFEST}。"
                ) from None
            handle = tar.extractfile(member)
            if handle is None:
                raise BackupError(f"备份清单（{MANIFEST}）不是普通文件。")
            manifest = _load_manifest(handle.read())
            expected: dict[str, Any] = manifest["files"]
            seen: set[str] = set()
            members = [m for m in tar.getmembers() if m.name != MANIFEST]
            with _bar(progress, "校验备份文件", sum(m.size for m in members)) as bar:
                for member in members:
                    _check_member(member, seen)
                    entry = expected.get(member.name)
                    if entry is None:
                        raise BackupError(
                            f"备份文件中有清单未列出的文件：{member.name}（备份文件被修改过）。"
                        )
                    handle = tar.extractfile(member)
                    assert handle is not None  # a regular file, checked above
                    size, sha = _copy_checked(handle, None, bar)
                    if size != entry["size"] or sha != entry["sha256"]:
                        raise BackupError(
                            f"校验失败：{member.name} 的内容与清单记录的 SHA-256 不符（备份文件已损坏或被修改）。"
                        )
    except BackupError:
        raise
    except (tarfile.TarError, EOFError, OSError) as exc:
        raise BackupError(f"备份文件已损坏或不完整，无法读取：{exc}") from exc
    missing = sorted(set(expected) - seen)
    if missing:
        shown = "、".join(missing[:5]) + ("……" if len(missing) > 5 else "")
        raise BackupError(f"备份文件不完整：缺少清单列出的 {len(missing)} 个文件（{shown}）。")
    if manifest["database"]["file"] not in expected:
        raise BackupError("备份文件中没有数据库文件。")
    return manifest


# --- Restore -------------------------------------------------------------------------------------


def _existing_tables() -> list[str]:
    if connection.vendor == "sqlite":
        # Read the file directly: opening it through Django would already set it up (WAL mode).
        target = _sqlite_target()
        if not target.exists():
            return []
        with contextlib.closing(sqlite3.connect(target)) as db:
            return [key for key, _quoted in _tables(db.cursor(), "sqlite")]
    with transaction.atomic(), connection.cursor() as cursor:
        return [key for key, _quoted in _tables(cursor, connection.vendor)]


def _media_is_empty(root: Path) -> bool:
    return not root.exists() or not any(p.is_file() or p.is_symlink() for p in root.rglob("*"))


def _sqlite_target() -> Path:
    name = str(connection.settings_dict["NAME"])
    if name == ":memory:" or "mode=memory" in name:
        raise BackupError("当前配置的是内存数据库，不能恢复到内存数据库：请配置一个 SQLite 文件。")
    return Path(name)


def _check_target(manifest: dict[str, Any]) -> None:
    vendor = manifest["database"]["vendor"]
    if vendor != connection.vendor:
        raise BackupError(
            f"这个备份来自 {VENDOR_NAMES[vendor]} 数据库，当前配置的是 "
            f"{VENDOR_NAMES.get(connection.vendor, connection.vendor)}：只能恢复到同一种数据库。"
        )
    try:
        existing = _existing_tables()
    except (DatabaseError, sqlite3.Error) as exc:
        raise BackupError(f"无法读取目标数据库：{exc}") from exc
    if existing:
        shown = "、".join(existing[:3]) + ("……" if len(existing) > 3 else "")
        raise BackupError(
            f"目标数据库不是空的（已有 {len(existing)} 张表：{shown}）：恢复只写入空数据库，不会覆盖现有数据。"
            "请新建一个空数据库（或把现有的 SQLite 文件移走）后再恢复，步骤见 docs/backup.md。"
        )
    media_root = Path(settings.MEDIA_ROOT)
    if not _media_is_empty(media_root):
        raise BackupError(
            f"上传文件目录不是空的：{media_root}。恢复不会覆盖现有文件：请把它移走或换一个空目录后再恢复。"
        )


def _extract(tar: tarfile.TarFile, name: str, expected: dict[str, Any], target: Path, bar: Any) -> None:
    member = tar.getmember(name)
    handle = tar.extractfile(member)
    assert handle is not None  # checked by verify_archive
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("wb") as out:
        size, sha = _copy_checked(handle, out, bar)
        out.flush()
        os.fsync(out.fileno())
    if size != expected["size"] or sha != expected["sha256"]:
        raise BackupError(f"恢复时 {name} 的内容与清单不符（备份文件在校验之后被修改？）。")


def _restore_postgresql(
    tar: tarfile.TarFile, manifest: dict[str, Any], work: Path, bar: Any, say: Say
) -> None:
    pg_restore, version = _pg_tool("pg_restore")
    dumped_with = str(manifest["database"].get("tool_version", "0"))
    if _major(version) < _major(dumped_with):
        raise BackupError(
            f"pg_restore 的版本（{version}）低于创建备份的 pg_dump（{dumped_with}）：请安装 PostgreSQL "
            f"{_major(dumped_with)} 或更新版本的客户端后再恢复。"
        )
    dump = work / DUMP_FILES["postgresql"]
    _extract(tar, DUMP_FILES["postgresql"], manifest["files"][DUMP_FILES["postgresql"]], dump, bar)
    say(f"正在恢复数据库（pg_restore {version}）…")
    # --no-owner/--no-privileges: the tables belong to the user the site connects as.
    _run(
        [
            pg_restore,
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
            "--no-password",
            f"--dbname={_conninfo(connection.settings_dict)}",
            str(dump),
        ],
        env=_libpq_env(connection.settings_dict),
        what="pg_restore 恢复数据库（数据库未作改动）",
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # planner statistics are not part of a dump


def _restore_sqlite(tar: tarfile.TarFile, manifest: dict[str, Any], bar: Any, say: Say) -> None:
    target = _sqlite_target()
    say(f"正在恢复数据库文件 {target} …")
    connection.close()
    # The target has no tables (checked): its journal files, if any, hold nothing worth keeping.
    for suffix in ("-wal", "-shm", "-journal"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    incoming = target.with_name(target.name + ".restoring")
    try:
        _extract(tar, DUMP_FILES["sqlite"], manifest["files"][DUMP_FILES["sqlite"]], incoming, bar)
    except BaseException:
        incoming.unlink(missing_ok=True)
        raise
    os.replace(incoming, target)


def _restore_media(tar: tarfile.TarFile, manifest: dict[str, Any], bar: Any) -> None:
    root = Path(settings.MEDIA_ROOT).resolve()
    for name, entry in manifest["files"].items():
        if not name.startswith(MEDIA_PREFIX):
            continue
        target = (root / name[len(MEDIA_PREFIX) :]).resolve()
        if root not in target.parents:
            raise BackupError(f"备份文件中的 {name} 指向上传文件目录之外，已拒绝。")
        _extract(tar, name, entry, target, bar)


def _compare(expected: dict[str, Any], actual: dict[str, Any]) -> list[str]:
    lines = []
    for table in sorted(set(expected) | set(actual)):
        want, got = expected.get(table), actual.get(table)
        if want is None:
            lines.append(f"表 {table}：恢复后多出这张表（备份中没有）")
        elif got is None:
            lines.append(f"表 {table}：恢复后缺少这张表")
        elif want["rows"] != got["rows"]:
            lines.append(f"表 {table}：行数不一致（备份 {want['rows']}，恢复后 {got['rows']}）")
        elif want["sha256"] != got["sha256"]:
            lines.append(f"表 {table}：行数一致（{got['rows']}），内容校验值不一致")
    return lines


def _check_attachments(
    rows: list[tuple[int, str, str]], manifest: dict[str, Any], result: RestoreResult
) -> None:
    known = {p["id"] for p in manifest.get("attachments", {}).get("problems", [])}
    root = Path(settings.MEDIA_ROOT)
    result.attachments_checked = len(rows)
    for pk, name, sha in rows:
        path = root / name
        try:
            actual = _sha256_file(path)
        except OSError:
            problem = f"附件 {pk}（{name}）：文件打不开"
        else:
            if actual == sha:
                continue
            problem = f"附件 {pk}（{name}）：文件内容与登记的 SHA-256 不符"
        if pk in known:
            result.known_attachment_problems += 1
        else:
            result.attachment_problems.append(problem)


def _check_migrations(result: RestoreResult) -> None:
    loader = MigrationLoader(connection, ignore_no_migrations=True)
    applied = set(loader.applied_migrations)
    result.pending_migrations = len(set(loader.graph.nodes) - applied)
    result.unknown_migrations = sorted(f"{app}.{name}" for app, name in applied - set(loader.graph.nodes))


def restore_backup(path: Path, *, actor: Actor, progress: bool = False, say: Say = _silent) -> RestoreResult:
    """Restore an archive into the configured, empty database and MEDIA_ROOT, then check it.

    Nothing is written unless the archive verifies and the target is empty. The audit event is
    recorded after the check (the restored audit log replaces whatever was there).
    """
    say(f"正在校验备份文件 {path.name} …")
    manifest = verify_archive(path, progress=progress)
    _check_target(manifest)
    result = RestoreResult(manifest=manifest)
    vendor = manifest["database"]["vendor"]
    media_total = sum(e["size"] for n, e in manifest["files"].items() if n.startswith(MEDIA_PREFIX))
    dump_size = manifest["files"][manifest["database"]["file"]]["size"]
    with (
        tarfile.open(path, mode="r:") as tar,
        tempfile.TemporaryDirectory(prefix="ipcity-restore-") as work,
        _bar(progress, "恢复", dump_size + media_total) as bar,
    ):
        if vendor == "postgresql":
            _restore_postgresql(tar, manifest, Path(work), bar, say)
        else:
            _restore_sqlite(tar, manifest, bar, say)
        say("正在恢复上传文件…")
        _restore_media(tar, manifest, bar)
    say("正在核对各表行数与内容校验值…")
    with transaction.atomic(), connection.cursor() as cursor:
        restored = table_stats(cursor, vendor, progress=progress)
        attachments = _attachment_rows(cursor, restored)
    result.mismatches = _compare(manifest["tables"], restored)
    _check_attachments(attachments, manifest, result)
    _check_migrations(result)
    with contextlib.suppress(DatabaseError), transaction.atomic():
        record_event(
            actor,
            "backup.restore",
            object_type="backup",
            object_id=path.name,
            object_repr=path.name,
            after={
                "created_at": manifest["created_at"],
                "ok": result.ok,
                "tables": len(restored),
                "rows": sum(t["rows"] for t in restored.values()),
                "mismatches": result.mismatches[:20],
                "attachment_problems": result.attachment_problems[:20],
            },
        )
        result.audit_recorded = True
    return result
