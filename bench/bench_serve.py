"""Serving benchmark: the platform under gunicorn on PostgreSQL with the demo data, 32 concurrent
connections on loopback, signed in as the city admin, against a trivial Django view on the same
server measured in the same run.

Steps: a fresh PostgreSQL database `ipcity_bench_serve` (dropped and created; another name with
IPCITY_BENCH_PG_DATABASE), `migrate`, `demo load` (20,000 patents; `--quick`: 2,000), `VACUUM ANALYZE`
(what autovacuum keeps up on a database in use), a session for the demo city admin, gunicorn with production
settings (DEBUG off, persistent database connections), then for each page a warm-up and a timed
run of `wrk` (Debian package; installed with apt when missing and we are root) with a Lua script
that prints p50/p95/p99 and requests/s. The trivial view is `/health/` (no database, but the same
middleware: session and user lookups).

`python -m bench serve [--quick]`. IPCITY_BENCH_SECONDS sets the timed run per page (default 20),
IPCITY_BENCH_WEB_WORKERS the gunicorn workers (default: 2 × cores).
Targets: p95 ≤ 100 ms on every page, and requests/s ≥ 0.5 × the trivial view.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

PG_SERVER = os.environ.get("IPCITY_BENCH_PG", "postgres://postgres@127.0.0.1:5432")
PG_DATABASE = os.environ.get("IPCITY_BENCH_PG_DATABASE", "ipcity_bench_serve")
CONNECTIONS = 32
PAGES = [
    ("trivial view (baseline)", "/health/"),
    ("home", "/"),
    ("indicator dashboard", "/indicators/"),
    ("patent list", "/registry/patents/"),
    ("supervision dashboard", "/supervision/"),
]
P95_TARGET_MS = 100.0
THROUGHPUT_TARGET = 0.5

LUA = """
done = function(summary, latency, requests)
  io.write(string.format("JSON {\\"requests\\": %d, \\"seconds\\": %f, \\"errors\\": %d, \\"non2xx\\": %d, ",
    summary.requests, summary.duration / 1e6,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status))
  io.write(string.format("\\"p50\\": %f, \\"p95\\": %f, \\"p99\\": %f}\\n",
    latency:percentile(50) / 1e3, latency:percentile(95) / 1e3, latency:percentile(99) / 1e3))
end
"""


def _ipcity() -> str:
    return str(Path(sys.executable).with_name("ipcity"))


def _ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() == 0:
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True, capture_output=True)
        found = shutil.which("wrk")
    if not found:
        raise SystemExit("this benchmark needs wrk (Debian: apt-get install wrk)")
    return found


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _recreate_database() -> None:
    import psycopg

    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{PG_DATABASE}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{PG_DATABASE}"')


def _analyze_database() -> None:
    """Table statistics and visibility maps, as autovacuum keeps them on a database in use: right
    after the load the planner has none (a count would read the table, not an index)."""
    import psycopg

    with psycopg.connect(f"{PG_SERVER}/{PG_DATABASE}", autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")


def _session_for_admin(env: dict[str, str]) -> str:
    code = (
        "from django.contrib.auth import get_user_model, SESSION_KEY, BACKEND_SESSION_KEY, HASH_SESSION_KEY\n"
        "from django.contrib.sessions.backends.db import SessionStore\n"
        "u = get_user_model().objects.get(username='admin')\n"
        "s = SessionStore()\n"
        "s[SESSION_KEY] = str(u.pk)\n"
        "s[BACKEND_SESSION_KEY] = 'ipcity.accounts.backends.PasswordBackend'\n"  # as a login would
        "s[HASH_SESSION_KEY] = u.get_session_auth_hash()\n"
        "s.set_expiry(24 * 3600)\n"
        "s.create()\n"
        "print('SESSION', s.session_key)\n"
    )
    out = subprocess.run(
        [_ipcity(), "shell", "-c", code], env=env, check=True, capture_output=True, text=True
    )
    return next(line.split()[1] for line in out.stdout.splitlines() if line.startswith("SESSION "))


def _wait_until_up(base: str, proc: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit("gunicorn exited before it answered")
        try:
            with urllib.request.urlopen(f"{base}/health/", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise SystemExit("gunicorn did not answer within 60 s")


def _check_page(base: str, path: str, cookie: str) -> None:
    request = urllib.request.Request(f"{base}{path}", headers={"Cookie": cookie})
    with urllib.request.urlopen(request, timeout=60) as response:
        body = response.read().decode()
    if response.status != 200 or ("退出" not in body and path != "/health/"):
        raise SystemExit(f"{path}: not a signed-in page (status {response.status})")


def _wrk(wrk: str, url: str, cookie: str, seconds: int, script: Path) -> dict[str, Any]:
    out = subprocess.run(
        [
            wrk,
            "-t",
            "2",
            "-c",
            str(CONNECTIONS),
            "-d",
            f"{seconds}s",
            "--timeout",
            "10s",
            "-s",
            str(script),
            "-H",
            f"Cookie: {cookie}",
            url,
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    line = next(line for line in out.stdout.splitlines() if line.startswith("JSON "))
    data: dict[str, Any] = json.loads(line[5:])
    data["rps"] = data["requests"] / data["seconds"]
    return data


def run(args: argparse.Namespace) -> list[dict[str, Any]]:
    quick = getattr(args, "quick", False)
    seconds = int(os.environ.get("IPCITY_BENCH_SECONDS", 5 if quick else 20))
    workers = int(os.environ.get("IPCITY_BENCH_WEB_WORKERS", 2 * (os.cpu_count() or 1)))
    wrk = _ensure_wrk()
    _recreate_database()
    with tempfile.TemporaryDirectory(prefix="ipcity-bench-serve-") as tmp:
        env = dict(
            {k: v for k, v in os.environ.items() if not k.startswith("IPCITY_")},
            DJANGO_SETTINGS_MODULE="ipcity.settings",
            DATABASE_URL=f"{PG_SERVER}/{PG_DATABASE}",
            IPCITY_VAR_DIR=tmp,
            IPCITY_DB_CONN_MAX_AGE="600",
            IPCITY_SECRET_KEY=secrets.token_urlsafe(48),  # sessions are signed: one key for all steps
        )
        started = time.perf_counter()
        subprocess.run([_ipcity(), "migrate", "--no-input", "-v", "0"], env=env, check=True)
        subprocess.run([_ipcity(), "collectstatic", "--no-input", "-v", "0"], env=env, check=True)
        subprocess.run(
            [_ipcity(), "demo", "load", "--patents", "2000" if quick else "20000"],
            env=env,
            check=True,
            capture_output=True,
        )
        _analyze_database()
        print(f"数据准备（迁移、演示数据）：{time.perf_counter() - started:.0f} s", flush=True)
        port = _free_port()
        base = f"http://127.0.0.1:{port}"
        serve_env = dict(
            env,
            IPCITY_DEBUG="0",
            IPCITY_SECRET_KEY=secrets.token_urlsafe(48),
            IPCITY_ALLOWED_HOSTS="127.0.0.1",
        )
        # The session is signed with the server's secret key: made with another, it reads as corrupt.
        cookie = f"sessionid={_session_for_admin(serve_env)}"
        server = subprocess.Popen(
            [
                str(Path(sys.executable).with_name("gunicorn")),
                "ipcity.wsgi:application",
                "--workers",
                str(workers),
                "--bind",
                f"127.0.0.1:{port}",
                "--log-level",
                "warning",
            ],
            env=serve_env,
        )
        results = []
        try:
            _wait_until_up(base, server)
            script = Path(tmp) / "report.lua"
            script.write_text(LUA)
            for label, path in PAGES:
                _check_page(base, path, cookie)
                _wrk(wrk, f"{base}{path}", cookie, 3, script)  # warm-up: connections, caches
                data = _wrk(wrk, f"{base}{path}", cookie, seconds, script)
                data.update(label=label, path=path)
                results.append(data)
        finally:
            server.terminate()
            server.wait(timeout=30)
    baseline = results[0]["rps"]
    print(
        f"gunicorn {workers} 个工作进程，{CONNECTIONS} 个并发连接，每页 {seconds} s（环回地址，市局管理员已登录）"
    )
    print(f"{'page':<26}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'× trivial':>11}  errors")
    for r in results:
        ratio = r["rps"] / baseline
        r["ratio"] = ratio
        verdict = ""
        if r["path"] != "/health/":
            ok = r["p95"] <= P95_TARGET_MS and ratio >= THROUGHPUT_TARGET
            verdict = "  meets targets" if ok else "  MISSES target"
        print(
            f"{r['label']:<26}{r['rps']:>9.1f}{r['p50']:>9.1f}{r['p95']:>9.1f}{r['p99']:>9.1f}{ratio:>10.2f}×"
            f"  {r['errors'] + r['non2xx']}{verdict}"
        )
    print(
        f"targets: p95 ≤ {P95_TARGET_MS:.0f} ms per page; throughput ≥ {THROUGHPUT_TARGET} × the trivial view"
    )
    return results
