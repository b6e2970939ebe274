"""Indicators benchmark: recompute every indicator for every region and three years (2022–2024)
over N synthetic patents, on PostgreSQL and on SQLite, against DuckDB running the same counts over
the same rows exported to Parquet, measured in the same run.

Each backend runs in a child process with a fresh database (SQLite in a temporary directory;
PostgreSQL database `ipcity_bench_indicators`, dropped and created). The patents are written with
bulk inserts (the import path is benchmarked by `registry_import`). Building the patent facts
(`indicators.facts`, incl. the 战略性新兴产业 classification) from scratch is timed separately:
in use it is maintained incrementally as patents change. The classification is shared with DuckDB
as a column; DuckDB reads the registry's own columns.

Both sides are timed after all loading and exports, best of three runs each (every ipcity run
starts with no snapshots, so it computes and writes all of them).

`python -m bench indicators [--quick]` (quick: 20,000 patents). IPCITY_BENCH_PATENTS overrides N.
Target: ipcity ≤ 3 × DuckDB.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

FULL = 1_000_000
QUICK = 20_000
RUNS = 3
YEARS = (2022, 2023, 2024)
PG_SERVER = os.environ.get("IPCITY_BENCH_PG", "postgres://postgres@127.0.0.1:5432")
PG_DATABASE = "ipcity_bench_indicators"
SEI_CODES = [
    "H01M 10/0525",
    "A61K 31/00",
    "G06F 16/30",
    "H04L 1/00",
    "C07D 401/00",
    "B60L 53/00",
    "A23L 2/00",
]
OTHER_CODES = ["A47C 7/00", "B65D 81/00", "E04B 1/00", "F16L 55/00", "A01K 61/00", "B23K 37/00", "H04L 10/00"]


def run(args: argparse.Namespace) -> list[dict[str, Any]]:
    patents = int(os.environ.get("IPCITY_BENCH_PATENTS", QUICK if getattr(args, "quick", False) else FULL))
    results = []
    for backend in ("postgresql", "sqlite"):
        with tempfile.TemporaryDirectory(prefix="ipcity-bench-ind-") as tmp:
            env = dict(os.environ, DJANGO_SETTINGS_MODULE="ipcity.settings", IPCITY_VAR_DIR=tmp)
            if backend == "postgresql":
                _recreate_pg_database()
                env["DATABASE_URL"] = f"{PG_SERVER}/{PG_DATABASE}"
            else:
                env.pop("DATABASE_URL", None)
            out = subprocess.run(
                [sys.executable, "-m", "bench.bench_indicators", "--worker", str(patents), tmp],
                env=env,
                check=True,
                capture_output=True,
                text=True,
            )
            result = json.loads(out.stdout.strip().splitlines()[-1])
            results.append(result)
            print(
                f"{backend:<10} {patents:,} 件专利：生成 {result['load_s']:.1f} s，建专利统计事实表 {result['facts_s']:.1f} s；"
                f"ipcity 计算 {result['ipcity_s']:.2f} s（{result['snapshots']} 项快照），"
                f"DuckDB {result['duckdb_s']:.3f} s，ipcity/DuckDB = {result['ratio']:.1f}×（各取 {RUNS} 次中最快；"
                f"ipcity {', '.join(f'{t:.2f}' for t in result['ipcity_runs'])} s，"
                f"DuckDB {', '.join(f'{t:.3f}' for t in result['duckdb_runs'])} s）",
                flush=True,
            )
            print(
                f"{'':<10} 核对：2024 年全市高价值发明专利 ipcity {result['check'][0]}，DuckDB {result['check'][1]}",
                flush=True,
            )
    print("目标：ipcity ≤ 3 × DuckDB", flush=True)
    return results


def _recreate_pg_database() -> None:
    import psycopg

    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {PG_DATABASE}")
        conn.execute(f"CREATE DATABASE {PG_DATABASE}")


def _worker(patents: int, tmp: str) -> dict[str, Any]:
    import django

    django.setup()
    load_s = _prepare(patents)
    return _measure(patents, tmp) | {"load_s": load_s}


def _prepare(patents: int) -> float:
    """Migrate, load the plan, definitions and demo population, and write N patents. Returns seconds."""
    from django.core.management import call_command

    from ipcity.core.audit import Actor
    from ipcity.core.models import Region
    from ipcity.core.services import load_reference_data
    from ipcity.demo.services import PLAN_FILE
    from ipcity.indicators.services import DEMO_POPULATION_FILE, load_definitions, load_population
    from ipcity.plans.services import load_plan_file
    from ipcity.registry.models import Patent, PatentIPC

    call_command("migrate", verbosity=0)
    actor = Actor.cli("bench")
    load_reference_data(actor=actor)
    load_plan_file(PLAN_FILE, actor=actor)
    load_definitions(actor=actor)
    load_population(actor=actor, path=DEMO_POPULATION_FILE, is_demo=True)

    rng = random.Random(20241128)
    regions = list(Region.objects.all())
    started = time.perf_counter()
    batch_p: list[Patent] = []
    batch_i: list[tuple[int, list[str]]] = []
    for n in range(patents):
        kind = rng.choices(["invention", "utility_model", "design"], [35, 50, 15])[0]
        filed = dt.date(2005, 1, 1) + dt.timedelta(days=rng.randrange(20 * 365))
        granted = filed + dt.timedelta(days=rng.randrange(300, 1500)) if rng.random() < 0.75 else None
        status, status_date = ("pending", None)
        if granted is not None:
            status, status_date = ("valid", granted)
            if rng.random() < 0.3:
                status, status_date = "lapsed", granted + dt.timedelta(days=rng.randrange(200, 3000))
        batch_p.append(
            Patent(
                application_number=f"{filed.year}{'123'[['invention', 'utility_model', 'design'].index(kind)]}{n:07d}.0",
                patent_type=kind,
                title="基准测试专利",
                filing_date=filed,
                grant_date=granted,
                legal_status=status,
                legal_status_date=status_date,
                has_overseas_grant=rng.random() < 0.03,
                is_pct=rng.random() < 0.01,
                region=rng.choice(regions),
                region_rule="organisation",
            )
        )
        codes = rng.sample(SEI_CODES if rng.random() < 0.4 else OTHER_CODES, rng.randint(1, 2))
        batch_i.append((n, codes))
        if len(batch_p) == 10000 or n == patents - 1:
            created = Patent.objects.bulk_create(batch_p)
            PatentIPC.objects.bulk_create(
                PatentIPC(patent_id=p.pk, position=pos, code=c, subclass=c[:4], main_group=c.split("/")[0])
                for p, (_n, codes_) in zip(created, batch_i, strict=True)
                for pos, c in enumerate(codes_)
            )
            batch_p, batch_i = [], []
    return time.perf_counter() - started


def _measure(patents: int, tmp: str) -> dict[str, Any]:
    from ipcity.core.audit import Actor
    from ipcity.indicators.facts import refresh_facts
    from ipcity.indicators.models import PatentFact
    from ipcity.indicators.services import compute_years
    from ipcity.registry.models import Patent

    actor = Actor.cli("bench")
    started = time.perf_counter()
    refresh_facts(full=True)
    facts_s = time.perf_counter() - started

    # DuckDB over Parquet: the same rows, the same counts.
    import duckdb

    csv_path = Path(tmp) / "patents.csv"
    sei = set(PatentFact.objects.filter(is_sei=True).values_list("patent_id", flat=True))
    with csv_path.open("w", encoding="utf-8") as fh:
        fh.write(
            "id,patent_type,filing_date,grant_date,legal_status,legal_status_date,overseas,is_pct,region_id,sei\n"
        )
        for row in Patent.objects.values_list(
            "id",
            "patent_type",
            "filing_date",
            "grant_date",
            "legal_status",
            "legal_status_date",
            "has_overseas_grant",
            "is_pct",
            "region_id",
        ).iterator(chunk_size=20000):
            fh.write(",".join("" if v is None else str(v) for v in row) + f",{row[0] in sei}\n")
    parquet = Path(tmp) / "patents.parquet"
    con = duckdb.connect()
    con.execute(f"COPY (SELECT * FROM read_csv_auto('{csv_path}')) TO '{parquet}' (FORMAT parquet)")

    # Both sides measured after all loading, best of RUNS; each ipcity run starts without snapshots
    # (deleted before the clock starts), so every run computes and writes all 945.
    from ipcity.indicators.models import Snapshot

    ipcity_times = []
    for _run in range(RUNS):
        Snapshot.objects.all().delete()
        started = time.perf_counter()
        snapshots = len(compute_years(list(YEARS), actor=actor))
        ipcity_times.append(time.perf_counter() - started)
    ipcity_s = min(ipcity_times)
    ipcity_hv = int(
        Snapshot.objects.get(indicator__code="hv_invention_patents", region=None, year=2024).value or 0
    )
    duck_times = [_duckdb_counts(con, parquet) for _run in range(RUNS)]
    duckdb_s = min(t for t, _hv in duck_times)
    duck_hv = duck_times[0][1]
    return {
        "patents": patents,
        "facts_s": facts_s,
        "ipcity_s": ipcity_s,
        "ipcity_runs": ipcity_times,
        "duckdb_s": duckdb_s,
        "duckdb_runs": [t for t, _hv in duck_times],
        "ratio": ipcity_s / duckdb_s,
        "snapshots": snapshots,
        "check": [ipcity_hv, duck_hv],
    }


def _duckdb_counts(con: Any, parquet: Path) -> tuple[float, int]:
    """The patent counts for the three years in DuckDB over the Parquet file: (seconds, 2024 city
    high-value count)."""
    started = time.perf_counter()
    duck_hv = 0
    for year in YEARS:
        end = f"DATE '{year}-12-31'"
        limit = f"DATE '{year - 10}-12-31'"
        # Within the twenty-year term on 31 December (专利法 第四十二条; the bench records no extension).
        term = f"DATE '{year - 20}-12-31'"
        valid = (
            f"patent_type = 'invention' AND grant_date <= {end} AND filing_date > {term} AND (legal_status = 'valid' OR "
            f"(legal_status IN ('lapsed','expired','invalidated') AND legal_status_date > {end}))"
        )
        con.execute(
            f"SELECT region_id, count(*) FROM '{parquet}' WHERE {valid} GROUP BY region_id"
        ).fetchall()
        hv = con.execute(
            f"SELECT region_id, count(*), count(*) FILTER (WHERE sei), count(*) FILTER (WHERE overseas), "
            f"count(*) FILTER (WHERE filing_date < {limit}) FROM '{parquet}' "
            f"WHERE {valid} AND (sei OR overseas OR filing_date < {limit}) GROUP BY region_id"
        ).fetchall()
        if year == 2024:
            duck_hv = sum(r[1] for r in hv)
        con.execute(
            f"SELECT region_id, patent_type, count(*) FROM '{parquet}' WHERE year(grant_date) = {year} "
            "GROUP BY region_id, patent_type"
        ).fetchall()
        con.execute(
            f"SELECT region_id, count(*) FROM '{parquet}' WHERE is_pct AND year(filing_date) = {year} "
            "GROUP BY region_id"
        ).fetchall()
    return time.perf_counter() - started, duck_hv


if __name__ == "__main__" and len(sys.argv) == 4 and sys.argv[1] == "--worker":
    print(json.dumps(_worker(int(sys.argv[2]), sys.argv[3])))
