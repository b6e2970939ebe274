"""Registry import benchmark: N patent rows in the export layout through the real importer, on
PostgreSQL and on SQLite, against a baseline measured in the same run on the same file:

- PostgreSQL: `COPY ... FROM STDIN (FORMAT csv)` of the file into a bare table (text columns, no
  constraints, no indexes) — the database's own bulk-load speed;
- SQLite: csv.reader + `executemany` of the same rows into a bare table, one transaction.

Prints rows/s for each, the ipcity/baseline ratio, the time the importer spent in its database
writes, the importer without writes (read, validate, link: "validation alone") and the importer's
peak memory, each against its target (TARGETS, issue #12: PostgreSQL ≤ 20 s and ≥ 0.2 × bare COPY,
SQLite ≤ 40 s, validation alone ≥ 200,000 rows/s, peak < 1 GB), and the machine's load average
(the baselines move with it). Each backend runs in a child process with a fresh database (SQLite in
a temporary directory; PostgreSQL database `ipcity_bench_registry`, dropped and created).

`python -m bench registry_import [--quick]` (quick: 5,000 rows). Environment: IPCITY_BENCH_ROWS
overrides the size; IPCITY_BENCH_PG (default postgres://postgres@127.0.0.1:5432) the server.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

FULL_ROWS = 1_000_000
QUICK_ROWS = 5_000
PG_SERVER = os.environ.get("IPCITY_BENCH_PG", "postgres://postgres@127.0.0.1:5432")
PG_DATABASE = "ipcity_bench_registry"
SEED = 20240601
TARGETS = {
    "postgresql_s": 20.0,  # the whole import of 1,000,000 rows
    "postgresql_ratio": 0.2,  # ipcity rows/s ÷ bare COPY rows/s
    "sqlite_s": 40.0,
    "validation_rows_per_s": 200_000,  # read + validate + link, no writes
    "peak_mb": 1024,
}


def run(args: argparse.Namespace) -> list[dict[str, Any]]:
    rows = int(
        os.environ.get("IPCITY_BENCH_ROWS", QUICK_ROWS if getattr(args, "quick", False) else FULL_ROWS)
    )
    with tempfile.TemporaryDirectory(prefix="ipcity-bench-") as tmp:
        work = Path(tmp)
        csv_path = work / "patents.csv"
        started = time.perf_counter()
        _generate(csv_path, rows)
        size_mb = csv_path.stat().st_size / 1048576
        print(
            f"生成 {rows:,} 行专利导出文件（{size_mb:.0f} MB）用时 {time.perf_counter() - started:.1f} s",
            flush=True,
        )
        results = []
        print(f"开始时系统负载（1/5/15 分钟）：{_load()}", flush=True)
        for backend in ("postgresql", "sqlite"):
            result = _child(backend, csv_path, work)
            results.append(result)
            _report(result)
        print(f"结束时系统负载（1/5/15 分钟）：{_load()}", flush=True)
    print(
        f"目标（{FULL_ROWS:,} 行）：PostgreSQL 全程 ≤ {TARGETS['postgresql_s']:.0f} s 且 ≥ "
        f"{TARGETS['postgresql_ratio']} × 裸 COPY；SQLite 全程 ≤ {TARGETS['sqlite_s']:.0f} s；"
        f"单独校验 ≥ {TARGETS['validation_rows_per_s']:,} 行/s；峰值内存 < {TARGETS['peak_mb']} MB",
        flush=True,
    )
    return results


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def _generate(path: Path, rows: int) -> None:
    """The demo generator's patent rows (the export layout), in a child so Django is configured there."""
    code = (
        "import django, sys; django.setup();"
        "from pathlib import Path; from ipcity.registry.demo import write_patents_csv;"
        f"write_patents_csv(Path(sys.argv[1]), patents={rows}, seed={SEED})"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "ipcity.settings"}
    subprocess.run([sys.executable, "-c", code, str(path)], check=True, env=env)


def _child(backend: str, csv_path: Path, work: Path) -> dict[str, Any]:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "ipcity.settings", "IPCITY_LOG_LEVEL": "ERROR"}
    if backend == "sqlite":
        var = work / "sqlite-var"
        var.mkdir(exist_ok=True)
        env["IPCITY_VAR_DIR"] = str(var)
        env.pop("DATABASE_URL", None)
    else:
        _recreate_pg_database()
        env["DATABASE_URL"] = f"{PG_SERVER}/{PG_DATABASE}"
    out = subprocess.run(
        [sys.executable, "-m", "bench.bench_registry_import", "--worker", backend, str(csv_path)],
        check=True,
        env=env,
        capture_output=True,
        text=True,
    )
    sys.stderr.write(out.stderr[-2000:] if out.returncode else "")
    return json.loads(out.stdout.strip().splitlines()[-1])


def _recreate_pg_database() -> None:
    import psycopg

    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{PG_DATABASE}"')
        conn.execute(f'CREATE DATABASE "{PG_DATABASE}"')


def _report(r: dict[str, Any]) -> None:
    ratio = r["ipcity_rows_per_s"] / r["baseline_rows_per_s"]
    scale = FULL_ROWS / r["rows"]  # targets are for 1,000,000 rows
    pg = r["backend"] == "postgresql"
    limit = TARGETS["postgresql_s"] if pg else TARGETS["sqlite_s"]

    def met(ok: bool) -> str:
        return "达到" if ok else "未达到"

    print(
        f"[{r['backend']}] ipcity 导入 {r['rows']:,} 行：{r['ipcity_s']:.1f} s，{r['ipcity_rows_per_s']:,.0f} 行/s"
        f"（写入专利 {r['patents']:,}、权利人 {r['holders']:,}、IPC {r['ipc_codes']:,} 行）"
        f"（目标 ≤ {limit:.0f} s / {FULL_ROWS:,} 行：{met(r['ipcity_s'] * scale <= limit)}）",
        flush=True,
    )
    print(
        f"[{r['backend']}] 其中写库（主线程等待数据库的时间）：{r['write_s']:.1f} s；"
        f"读取与校验在第二个线程中与写库并行",
        flush=True,
    )
    validation = r["rows"] / r["parse_validate_s"]
    print(
        f"[{r['backend']}] 单独校验（读取、解析、校验、关联，不写库）：{r['parse_validate_s']:.1f} s，"
        f"{validation:,.0f} 行/s（目标 ≥ {TARGETS['validation_rows_per_s']:,}："
        f"{met(validation >= TARGETS['validation_rows_per_s'])}）",
        flush=True,
    )
    print(
        f"[{r['backend']}] 基线（{r['baseline']}）：{r['baseline_s']:.1f} s，{r['baseline_rows_per_s']:,.0f} 行/s",
        flush=True,
    )
    ratio_text = f"ipcity/基线 = {ratio:.3f}"
    if pg:
        ratio_text += f"（目标 ≥ {TARGETS['postgresql_ratio']}：{met(ratio >= TARGETS['postgresql_ratio'])}）"
    print(
        f"[{r['backend']}] {ratio_text}；导入峰值内存 {r['peak_mb']:.0f} MB"
        f"（目标 < {TARGETS['peak_mb']} MB：{met(r['peak_mb'] < TARGETS['peak_mb'])}）",
        flush=True,
    )


# ---- the child process ------------------------------------------------------------------------


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: kilobytes


def _worker(backend: str, csv_path: Path) -> dict[str, Any]:
    import django

    django.setup()
    from django.core.management import call_command

    from ipcity.core.audit import Actor
    from ipcity.core.services import load_reference_data
    from ipcity.registry.importers.engine import ImportContext, run_import
    from ipcity.registry.importers.patents import PatentSpec
    from ipcity.registry.models import Patent, PatentHolder, PatentIPC

    class Timed(PatentSpec):
        """The importer as import_file runs it, timing its writes (the main thread's database work)."""

        write_s = 0.0

        def write(self, records: Any, ctx: ImportContext) -> None:
            started = time.perf_counter()
            super().write(records, ctx)
            Timed.write_s += time.perf_counter() - started

    call_command("migrate", verbosity=0)
    load_reference_data(actor=Actor.cli("bench"))
    before_mb = _peak_mb()
    started = time.perf_counter()
    result = run_import(Timed(), csv_path, actor=Actor.cli("bench registry_import"))
    ipcity_s = time.perf_counter() - started
    if result.refused:
        raise SystemExit(f"import refused: {result.summary()} {[str(e) for e in result.errors[:5]]}")
    peak_mb = _peak_mb()
    counts = (Patent.objects.count(), PatentHolder.objects.count(), PatentIPC.objects.count())
    parse_s = _parse_only(csv_path)
    if backend == "postgresql":
        baseline, baseline_s = "PostgreSQL COPY 到无约束的裸表", _pg_copy_baseline(csv_path)
    else:
        baseline, baseline_s = "SQLite executemany，单个事务，无约束的裸表", _sqlite_baseline(csv_path)
    return {
        "backend": backend,
        "rows": result.rows,
        "created": result.created,
        "patents": counts[0],
        "holders": counts[1],
        "ipc_codes": counts[2],
        "ipcity_s": ipcity_s,
        "ipcity_rows_per_s": result.rows / ipcity_s,
        "baseline": baseline,
        "baseline_s": baseline_s,
        "baseline_rows_per_s": result.rows / baseline_s,
        "peak_mb": peak_mb,
        "write_s": Timed.write_s,
        "parse_validate_s": parse_s,
        "memory_before_import_mb": before_mb,
    }


def _parse_only(csv_path: Path) -> float:
    """The importer without its writes: read, parse, validate, link (for the breakdown)."""
    from ipcity.core.audit import Actor
    from ipcity.registry.importers.engine import ImportContext, run_import
    from ipcity.registry.importers.patents import PatentFrames, PatentSpec

    class ParseOnly(PatentSpec):
        def write(self, records: PatentFrames, ctx: ImportContext) -> None:
            ctx.result.count("created", len(records))

    started = time.perf_counter()
    run_import(ParseOnly(), csv_path, actor=Actor.cli("bench parse only"), dry_run=True)
    return time.perf_counter() - started


def _header(csv_path: Path) -> list[str]:
    import csv

    with csv_path.open(encoding="utf-8-sig", newline="") as handle:
        return next(csv.reader(handle))


def _pg_copy_baseline(csv_path: Path) -> float:
    from django.db import connection

    columns = ", ".join(f"c{i} text" for i in range(len(_header(csv_path))))
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_bare_patents")
        cursor.execute(f"CREATE TABLE bench_bare_patents ({columns})")
        started = time.perf_counter()
        raw = cursor.cursor
        copy_sql = "COPY bench_bare_patents FROM STDIN WITH (FORMAT csv, HEADER true)"
        with raw.copy(copy_sql) as copy, csv_path.open("rb") as handle:
            handle.read(3)  # the UTF-8 BOM
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                copy.write(chunk)
        elapsed = time.perf_counter() - started
        cursor.execute("DROP TABLE bench_bare_patents")
    return elapsed


def _sqlite_baseline(csv_path: Path) -> float:
    import csv
    import sqlite3

    db = csv_path.with_name("baseline.sqlite3")
    width = len(_header(csv_path))
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute(f"CREATE TABLE bare ({', '.join(f'c{i} text' for i in range(width))})")
    started = time.perf_counter()
    with csv_path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        next(reader)
        conn.execute("BEGIN")
        conn.executemany(f"INSERT INTO bare VALUES ({', '.join('?' * width)})", reader)
        conn.execute("COMMIT")
    elapsed = time.perf_counter() - started
    conn.close()
    return elapsed


if __name__ == "__main__" and len(sys.argv) == 4 and sys.argv[1] == "--worker":
    print(json.dumps(_worker(sys.argv[2], Path(sys.argv[3]))), flush=True)
