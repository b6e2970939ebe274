"""A real worker process, killed with SIGKILL in the middle of a registry import.

Runs against a database of its own, of the vendor the suite runs on (a new SQLite file with its
progress database beside it, or a new PostgreSQL database), everything through the `ipcity`
command as an operator would: migrate, queue an import, start a worker, kill it mid-job, start
another worker, see the job marked failed, retry it and see the retry complete.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from ipcity.registry.demo import write_patents_csv

IPCITY = str(Path(sys.executable).with_name("ipcity"))
PATENTS = 40_000


class Database:
    """Reads the state the worker writes, from outside Django (another process, as the web is)."""

    def __init__(self, env: dict[str, str], var: Path) -> None:
        self.env = env
        self.var = var

    def one(self, sql: str, params: tuple[Any, ...] = (), *, progress: bool = False) -> Any:
        if "DATABASE_URL" in self.env:
            import psycopg

            with psycopg.connect(self.env["DATABASE_URL"], autocommit=True) as conn:
                row = conn.execute(sql.replace("?", "%s"), params).fetchone()  # type: ignore[arg-type]
        else:
            name = "ipcity-jobs.sqlite3" if progress else "ipcity.sqlite3"
            with sqlite3.connect(self.var / name, timeout=30) as conn:
                try:
                    row = conn.execute(sql, params).fetchone()
                except sqlite3.OperationalError as exc:  # the worker has not created it yet
                    if "no such table" not in str(exc):
                        raise
                    row = None
        return row


def run(env: dict[str, str], *args: str) -> str:
    done = subprocess.run([IPCITY, *args], env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def start_worker(env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [IPCITY, "worker", "--no-reload", "--no-startup-delay", "--interval", "0.2"],
        env=env,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
    )


def wait_for(what: str, check: Any, *, timeout: float) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for: {what}")


@pytest.fixture
def operator_env(tmp_path: Path) -> Iterator[dict[str, str]]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("IPCITY_")}
    env.update(
        IPCITY_VAR_DIR=str(tmp_path / "var"),
        IPCITY_MEDIA_ROOT=str(tmp_path / "media"),
        IPCITY_JOB_HEARTBEAT_SECONDS="1",
        IPCITY_JOB_STALE_SECONDS="10",
        IPCITY_MAX_UPLOAD_BYTES=str(200 * 1024 * 1024),  # the file is bigger than a web upload may be
        PYTHONDONTWRITEBYTECODE="1",
    )
    env.pop("DATABASE_URL", None)
    created = None
    if connection.vendor == "postgresql":
        import psycopg

        settings_dict = connection.settings_dict
        created = f"ipcity_worker_{uuid.uuid4().hex[:10]}"
        base = (
            f"postgres://{settings_dict['USER']}"
            + (f":{settings_dict['PASSWORD']}" if settings_dict["PASSWORD"] else "")
            + f"@{settings_dict['HOST'] or '127.0.0.1'}:{settings_dict['PORT'] or 5432}"
        )
        with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{created}"')
        env["DATABASE_URL"] = f"{base}/{created}"
    (tmp_path / "var").mkdir()
    yield env
    if created:
        import psycopg

        with psycopg.connect(env["DATABASE_URL"].rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{created}" WITH (FORCE)')


def test_killed_worker_fails_its_job_and_a_retry_completes(
    operator_env: dict[str, str], tmp_path: Path
) -> None:
    env = operator_env
    db = Database(env, tmp_path / "var")
    run(env, "migrate", "--no-input", "-v", "0")
    source = write_patents_csv(tmp_path / "patents.csv", patents=PATENTS, seed=7)
    job_id = run(
        env,
        "shell",
        "-c",
        "from pathlib import Path\n"
        "from ipcity.core.audit import Actor\n"
        "from ipcity.registry.services import start_import_job\n"
        f"job = start_import_job('patents', Path({str(source)!r}), original_name='专利.csv', actor=Actor.cli('运维'))\n"
        "print(job.pk)",
    ).split()[-1]
    job_key = job_id if "DATABASE_URL" in env else job_id.replace("-", "")
    status = lambda: db.one("SELECT status, error FROM core_job WHERE id = ?", (job_key,))  # noqa: E731
    done = lambda: db.one("SELECT done FROM core_jobprogress WHERE job_id = ?", (job_key,), progress=True)  # noqa: E731
    patents = lambda: db.one("SELECT COUNT(*) FROM registry_patent")[0]  # noqa: E731
    assert status()[0] == "queued"

    log = tmp_path / "worker.log"
    first = start_worker(env, log)
    try:
        # Progress written by the worker is visible here, in another process, while the job runs.
        def progressing() -> bool:
            state = status()
            assert state[0] in ("queued", "running"), state  # fail at once if the import was refused
            return bool((done() or (0,))[0] > 0)

        seen = wait_for("progress from the first worker", progressing, timeout=120)
        assert seen and status()[0] == "running"
        os.kill(first.pid, signal.SIGKILL)
        first.wait(timeout=10)
    finally:
        if first.poll() is None:
            first.kill()
    assert status()[0] == "running"  # nobody has noticed yet
    assert patents() == 0  # the import's transaction died with the process: nothing of it remains

    second = start_worker(env, log)
    try:
        started = time.monotonic()
        failed = wait_for("the reaper", lambda: status()[0] == "failed" and status(), timeout=60)
        assert time.monotonic() - started < 60
        assert "后台进程已停止" in failed[1]
        assert patents() == 0

        retry_id = run(
            env,
            "shell",
            "-c",
            "from ipcity.core.audit import Actor\n"
            "from ipcity.core.jobs import retry_job\n"
            "from ipcity.core.models import Job\n"
            f"print(retry_job(Job.objects.get(pk={job_id!r}), actor=Actor.cli('运维')).pk)",
        ).split()[-1]
        retry_key = retry_id if "DATABASE_URL" in env else retry_id.replace("-", "")
        outcome = wait_for(
            "the retry",
            lambda: (
                row
                if (row := db.one("SELECT status, error FROM core_job WHERE id = ?", (retry_key,)))[0]
                in ("succeeded", "failed")
                else None
            ),
            timeout=240,
        )
        assert outcome[0] == "succeeded", outcome[1]
        assert patents() == PATENTS
        # The progress rows go right after the job's status is committed (on SQLite they live in
        # another database, so not in the same transaction): none is left behind.
        progress_rows = lambda: db.one("SELECT COUNT(*) FROM core_jobprogress", progress=True)[0]  # noqa: E731
        wait_for("the progress rows to go", lambda: progress_rows() == 0, timeout=30)
    finally:
        second.send_signal(signal.SIGTERM)
        try:
            second.wait(timeout=30)
        except subprocess.TimeoutExpired:
            second.kill()
    assert "已标记为失败" in log.read_text(errors="replace") or failed
