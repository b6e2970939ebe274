"""Backup and restore on the configured database (SQLite, or PostgreSQL with DATABASE_URL, so CI
covers both): the demo data round-trips into a new empty database with every table's row count and
content hash unchanged and the attachments readable; damaged archives, a non-empty target and a
database of the other kind are refused before anything is written.

pg_dump cannot see rows inside a test's transaction, so these tests commit (transaction=True).
The restore runs as `ipcity backup restore` in a child process configured for the new database,
as an operator runs it.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import tarfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection, connections, transaction
from django.db.utils import load_backend

from ipcity.core.attachments import store_attachment
from ipcity.core.audit import Actor
from ipcity.core.backup import BackupError, create_backup, table_stats
from ipcity.core.models import Attachment, AuditEvent, Region
from ipcity.core.services import load_reference_data
from ipcity.demo.services import load_demo
from ipcity.grants.demo import load_grants_demo
from ipcity.indicators.demo import load_indicator_demo
from ipcity.registry.demo import load_registry_demo
from ipcity.test import load_plan_for_tests

ON_POSTGRES = os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))
ACTOR = Actor.cli("backup tests")
PDF = b"%PDF-1.4\n% ipcity backup test\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(scope="module", autouse=True)
def _reload_session_data(django_db_setup, django_db_blocker) -> Iterator[None]:  # type: ignore[no-untyped-def]
    yield
    # These tests commit, so the database is flushed after each; later modules expect the plan
    # and reference data the session loaded.
    with django_db_blocker.unblock():
        load_plan_for_tests()


def stats_of(alias: str = "default") -> dict[str, dict[str, Any]]:
    target = connections[alias]
    with transaction.atomic(using=alias), target.cursor() as cursor:
        return table_stats(cursor, target.vendor)


@dataclass
class Target:
    """A new, empty database and media directory, for an `ipcity` child process."""

    settings_dict: dict[str, Any]
    url: str
    media: Path
    var: Path

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        env = {**os.environ, "DATABASE_URL": self.url, "IPCITY_MEDIA_ROOT": str(self.media)}
        env["IPCITY_VAR_DIR"] = str(self.var)
        return subprocess.run(
            [sys.executable, "-m", "ipcity.cli", *args],
            env=env,
            cwd=settings.BASE_DIR,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )

    @contextmanager
    def connected(self, alias: str = "restored") -> Iterator[str]:
        """The target as a Django connection alias, for reading it through the models."""
        wrapper = load_backend(self.settings_dict["ENGINE"]).DatabaseWrapper(self.settings_dict, alias)
        connections[alias] = wrapper
        try:
            yield alias
        finally:
            wrapper.close()
            del connections[alias]


def _pg_admin() -> Any:
    import psycopg

    params = {
        "host": connection.settings_dict["HOST"],
        "port": connection.settings_dict["PORT"],
        "user": connection.settings_dict["USER"],
        "password": connection.settings_dict["PASSWORD"],
    }
    return psycopg.connect(dbname="postgres", autocommit=True, **{k: v for k, v in params.items() if v})


@pytest.fixture
def target(tmp_path: Path) -> Iterator[Target]:
    media, var = tmp_path / "restored-media", tmp_path / "restored-var"
    if not ON_POSTGRES:
        path = tmp_path / "restored" / "ipcity.sqlite3"
        settings_dict = {**connection.settings_dict, "NAME": str(path)}
        yield Target(settings_dict, f"sqlite:///{path}", media, var)
        return
    from psycopg import sql

    name = f"{connection.settings_dict['NAME']}_restored"
    drop = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
    with _pg_admin() as admin:
        admin.execute(drop)
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    s = {**connection.settings_dict, "NAME": name}
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    try:
        yield Target(s, f"postgres://{auth}@{s['HOST']}:{s['PORT'] or 5432}/{name}", media, var)
    finally:
        with _pg_admin() as admin:
            admin.execute(drop)


def _pdf(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF + name.encode())


@pytest.mark.django_db  # reads only: no need to commit
def test_the_content_hash_sees_a_changed_value_but_not_the_session_time_zone() -> None:
    load_reference_data(actor=ACTOR)
    before = stats_of()
    if ON_POSTGRES:
        with connection.cursor() as cursor:
            cursor.execute("SET TIME ZONE 'America/New_York'")
        assert stats_of() == before
    Region.objects.filter(code=Region.objects.order_by("pk")[0].code).update(note="改过")
    after = stats_of()
    assert after["core_region"]["rows"] == before["core_region"]["rows"]
    assert after["core_region"]["sha256"] != before["core_region"]["sha256"]
    assert {k: v for k, v in after.items() if k != "core_region"} == {
        k: v for k, v in before.items() if k != "core_region"
    }


def test_the_demo_data_round_trips_into_an_empty_database(plan, tmp_path: Path, target: Target) -> None:
    # The demo set through the real services (the supervision history is left out: it alone takes
    # longer than all the rest); the grants demo stores application materials as attachments.
    load_demo(actor=ACTOR)
    load_registry_demo(actor=ACTOR, patents=150, seed=5)
    load_indicator_demo(actor=ACTOR, seed=5)
    load_grants_demo(actor=ACTOR)
    store_attachment(_pdf("中文名称的材料.pdf"), actor=ACTOR)
    attachments = list(Attachment.objects.order_by("pk").values_list("pk", "file", "sha256"))
    assert len(attachments) >= 2
    before = stats_of()
    assert set(before) >= {m._meta.db_table for m in apps.get_models()}
    assert before["registry_patent"]["rows"] == 150

    result = create_backup(tmp_path / "backups", actor=ACTOR)

    assert result.manifest["tables"] == before
    assert result.manifest["database"]["vendor"] == connection.vendor
    assert result.manifest["attachments"] == {"count": len(attachments), "problems": []}
    assert result.manifest["migrations"]["core"].startswith("00")
    assert result.path.stat().st_mode & 0o077 == 0
    assert AuditEvent.objects.filter(action="backup.create", object_id=result.path.name).count() == 1

    done = target.run("backup", "restore", str(result.path))

    assert done.returncode == 0, done.stdout + done.stderr
    assert f"{len(before)} 张表的行数与内容校验值均与备份清单一致" in done.stdout
    assert f"附件：{len(attachments)} 个，其中 {len(attachments)} 个可以打开" in done.stdout
    with target.connected() as alias:
        restored = list(Attachment.objects.using(alias).order_by("pk"))
        assert [(a.pk, a.file.name, a.sha256) for a in restored] == attachments
        storage = FileSystemStorage(location=target.media)
        for attachment in restored:
            with storage.open(attachment.file.name) as fh:
                assert hashlib.sha256(fh.read()).hexdigest() == attachment.sha256
        event = AuditEvent.objects.using(alias).get(action="backup.restore")
        assert event.source == "cli" and event.after is not None and event.after["ok"] is True

        again = target.run("backup", "restore", str(result.path))

        assert again.returncode == 2
        assert "目标数据库不是空的" in again.stderr
        assert AuditEvent.objects.using(alias).filter(action="backup.restore").count() == 1
        # Apart from the restore's own audit row, every table has the same rows with the same content.
        AuditEvent.objects.using(alias).filter(pk=event.pk).delete()
        assert stats_of(alias) == before


def _flip_byte(archive: Path, member: str, out: Path) -> Path:
    shutil.copy(archive, out)
    with tarfile.open(out) as tar:
        offset = tar.getmember(member).offset_data
    with out.open("r+b") as fh:
        fh.seek(offset + 3)
        byte = fh.read(1)
        fh.seek(offset + 3)
        fh.write(bytes([byte[0] ^ 0x01]))
    return out


def _rewrite_manifest(archive: Path, out: Path, change: Any) -> Path:
    with tarfile.open(archive) as src, tarfile.open(out, "w") as dst:
        for member in src.getmembers():
            data = src.extractfile(member).read()  # type: ignore[union-attr]
            if member.name == "manifest.json":
                manifest = json.loads(data)
                change(manifest)
                data = json.dumps(manifest).encode()
                member.size = len(data)
            dst.addfile(member, io.BytesIO(data))
    return out


def test_a_damaged_or_foreign_archive_is_refused_before_anything_is_written(
    tmp_path: Path, target: Target
) -> None:
    load_reference_data(actor=ACTOR)
    attachment = store_attachment(_pdf("证明.pdf"), actor=ACTOR)
    # An output directory inside the media directory is not backed up into the archive itself.
    backup = create_backup(Path(settings.MEDIA_ROOT) / "backups", actor=ACTOR)
    assert sorted(backup.manifest["files"])[1:] == [f"media/{attachment.file.name}"]
    archive = backup.path
    dump = "database.pgdump" if ON_POSTGRES else "database.sqlite3"
    call_command("backup", "verify", str(archive), stdout=io.StringIO())
    truncated = tmp_path / "truncated.tar"
    truncated.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
    damaged = {
        "dump": (_flip_byte(archive, dump, tmp_path / "dump.tar"), f"校验失败：{dump}"),
        "media": (
            _flip_byte(archive, f"media/{attachment.file.name}", tmp_path / "media.tar"),
            f"校验失败：media/{attachment.file.name}",
        ),
        "truncated": (truncated, "不完整"),
        "manifest": (
            _rewrite_manifest(archive, tmp_path / "manifest.tar", lambda m: m["files"].popitem()),
            "清单未列出的文件",
        ),
    }
    for path, message in damaged.values():
        with pytest.raises(CommandError, match=message) as refused:
            call_command("backup", "verify", str(path), stdout=io.StringIO())
        assert refused.value.returncode == 2
    other = "sqlite" if ON_POSTGRES else "postgresql"
    other_kind = _rewrite_manifest(
        archive, tmp_path / "other.tar", lambda m: m["database"].update(vendor=other)
    )
    call_command("backup", "verify", str(other_kind), stdout=io.StringIO())
    regions = Region.objects.count()
    with pytest.raises(CommandError, match="只能恢复到同一种数据库") as refused:
        call_command("backup", "restore", str(other_kind), stdout=io.StringIO())
    assert refused.value.returncode == 2 and Region.objects.count() == regions

    done = target.run("backup", "restore", str(damaged["dump"][0]))

    assert done.returncode == 2 and f"校验失败：{dump}" in done.stderr
    if ON_POSTGRES:
        with target.connected() as alias:
            assert stats_of(alias) == {}
    else:
        assert not Path(target.settings_dict["NAME"]).exists()
    assert not target.media.exists()


@pytest.mark.django_db  # refused before the snapshot: no need to commit
@pytest.mark.skipif(not ON_POSTGRES, reason="pg_dump is used on PostgreSQL only")
def test_an_old_or_missing_pg_dump_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake = tmp_path / "bin" / "pg_dump"
    fake.parent.mkdir()
    fake.write_text('#!/bin/sh\necho "pg_dump (PostgreSQL) 9.6.24"\n')
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{fake.parent}{os.pathsep}{os.environ['PATH']}")
    with pytest.raises(BackupError, match=r"pg_dump 的版本（9\.6\.24）低于数据库服务器"):
        create_backup(tmp_path / "out", actor=ACTOR)
    monkeypatch.setenv("PATH", str(tmp_path / "nowhere"))
    with pytest.raises(BackupError, match="找不到 pg_dump"):
        create_backup(tmp_path / "out", actor=ACTOR)
    assert not list((tmp_path / "out").glob("*.tar*"))
