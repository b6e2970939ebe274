"""Market benchmark: matching and full-text search over the technology market's index, on PostgreSQL
and on SQLite, against the bare index query with the same terms, measured in the same run.

Each backend runs in a child process with a fresh database (SQLite in a temporary directory;
PostgreSQL database `ipcity_bench_market`, dropped and created). The registry is the demo
generator's patents (titles and abstracts in Chinese, IPC codes by industry), written with bulk
inserts; 10,000 offers (one or two of those patents each, their titles and abstracts) and 2,000
needs (problems worded from other patents' titles) are written directly, then the index is built
from scratch (`market.matching.rebuild_index`, timed: the index build time) and its size read. On
PostgreSQL the loader ends with ANALYZE, as autovacuum would minutes after a real import.

Measured per query kind, p50 and p95 over QUERIES queries each, after one warm-up pass:
- match: a need's ranked offers (`rank(offer, need document)`), and an offer's ranked candidate
  enterprises (`rank(organisation, offer document)`);
- search: a phrase from an offer's title (`search_ids`);
- bare: the index query alone with the same chosen terms (`matching.candidates`), the baseline the
  ratios are against: what ranking adds on top of the database's full-text lookup.

`python -m bench market [--quick]` (quick: 20,000 patents, 1,000 offers, 200 needs).
IPCITY_BENCH_PATENTS overrides the patents. Targets: p95 ≤ 50 ms for a match at 1,000,000 patents,
and ≤ 3 × the bare query.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from typing import Any

FULL = (1_000_000, 10_000, 2_000)
QUICK = (20_000, 1_000, 200)
QUERIES = 200
SEED = 20261207
PG_SERVER = os.environ.get("IPCITY_BENCH_PG", "postgres://postgres@127.0.0.1:5432")
PG_DATABASE = "ipcity_bench_market"
TARGET_P95_MS = 50.0
TARGET_RATIO = 3.0


def run(args: argparse.Namespace) -> list[dict[str, Any]]:
    patents, offers, needs = QUICK if getattr(args, "quick", False) else FULL
    patents = int(os.environ.get("IPCITY_BENCH_PATENTS", patents))
    results = []
    for backend in ("postgresql", "sqlite"):
        with tempfile.TemporaryDirectory(prefix="ipcity-bench-market-") as tmp:
            env = dict(
                os.environ,
                DJANGO_SETTINGS_MODULE="ipcity.settings",
                IPCITY_VAR_DIR=tmp,
                IPCITY_LOG_LEVEL="ERROR",
            )
            if backend == "postgresql":
                _recreate_pg_database()
                env["DATABASE_URL"] = f"{PG_SERVER}/{PG_DATABASE}"
            else:
                env.pop("DATABASE_URL", None)
            out = subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "bench.bench_market",
                    "--worker",
                    str(patents),
                    str(offers),
                    str(needs),
                ],
                env=env,
                capture_output=True,
                text=True,
            )
            if out.returncode:
                sys.stderr.write(out.stderr[-3000:])
                raise SystemExit(out.returncode)
            result = json.loads(out.stdout.strip().splitlines()[-1])
            results.append(result)
            _report(result)
    print(
        f"目标：匹配 p95 ≤ {TARGET_P95_MS:.0f} ms（1,000,000 件专利时），且 ≤ {TARGET_RATIO:.0f} × 裸索引查询",
        flush=True,
    )
    return results


def _report(r: dict[str, Any]) -> None:
    print(
        f"{r['backend']:<10} {r['patents']:,} 件专利，{r['offers']:,} 项供给，{r['needs']:,} 项需求，"
        f"{r['organisations']:,} 家企业；生成 {r['load_s']:.1f} s；建索引 {r['index_s']:.1f} s，"
        f"索引 {r['documents']:,} 条、{r['index_mb']:.1f} MB",
        flush=True,
    )
    for name, label in (
        ("need_offers", "需求→供给 匹配"),
        ("offer_organisations", "供给→企业 匹配"),
        ("search", "关键词检索"),
    ):
        q, bare = r[name], r[f"{name}_bare"]
        ratio = q["p95"] / bare["p95"] if bare["p95"] else float("inf")
        met = "达标" if q["p95"] <= TARGET_P95_MS and ratio <= TARGET_RATIO else "未达标"
        print(
            f"{'':<10} {label}：p50 {q['p50']:.1f} ms，p95 {q['p95']:.1f} ms；裸索引查询 p50 {bare['p50']:.1f} ms，"
            f"p95 {bare['p95']:.1f} ms；p95 比值 {ratio:.1f}×（{met}；平均结果 {q['results']:.1f} 条）",
            flush=True,
        )


def _recreate_pg_database() -> None:
    import psycopg

    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{PG_DATABASE}"')
        conn.execute(f'CREATE DATABASE "{PG_DATABASE}"')


# ------------------------------------------------------------------------------ the child


def _worker(patents: int, offers: int, needs: int) -> dict[str, Any]:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from ipcity.core.audit import Actor
    from ipcity.core.services import load_reference_data
    from ipcity.market import matching

    call_command("migrate", verbosity=0)
    load_reference_data(actor=Actor.cli("bench"))
    started = time.perf_counter()
    offer_ids, need_ids, organisations = _load(patents, offers, needs)
    load_s = time.perf_counter() - started
    started = time.perf_counter()
    built = matching.rebuild_index()
    index_s = time.perf_counter() - started
    result: dict[str, Any] = {
        "backend": connection.vendor,
        "patents": patents,
        "offers": len(offer_ids),
        "needs": len(need_ids),
        "organisations": organisations,
        "load_s": load_s,
        "index_s": index_s,
        "documents": sum(built.values()),
        "index_mb": _index_mb(),
    }
    result.update(_measure(offer_ids, need_ids))
    return result


def _load(patents: int, offers: int, needs: int) -> tuple[list[int], list[int], int]:
    """The demo generator's patents and organisations, then offers and needs, written in bulk."""
    import datetime as dt

    from django.db import connection
    from django.utils import timezone

    from ipcity.core.models import Region
    from ipcity.market.models import Need, Offer
    from ipcity.registry.demo import _accounts, _Numbers, _organisations, iter_patent_rows
    from ipcity.registry.models import Organisation, Patent, PatentHolder, PatentIPC

    rnd = random.Random(SEED)
    demo_orgs = _organisations(rnd, max(60, patents // 40), _accounts())
    regions = {r.name: r for r in Region.objects.all()}
    orgs = Organisation.objects.bulk_create(
        [
            Organisation(
                name=o.name,
                name_key=o.name,
                kind=o.kind,
                region=regions.get(o.region),
                industry=getattr(o.industry, "code", "") if o.kind == "enterprise" else "",
                is_demo=True,
            )
            for o in demo_orgs
        ],
        batch_size=2000,
    )
    by_name = {o.name: o for o in orgs}
    from ipcity.registry.demo import PATENT_HEADERS

    column = {name: i for i, name in enumerate(PATENT_HEADERS)}
    batch: list[tuple[Patent, list[str], str]] = []
    sample: list[tuple[int, str, str, int]] = []  # (patent id, title, abstract, holder id)
    type_of = {"1": "invention", "2": "utility_model", "3": "design"}

    def flush() -> None:
        created = Patent.objects.bulk_create([p for p, _c, _h in batch], batch_size=5000)
        PatentIPC.objects.bulk_create(
            [
                PatentIPC(patent_id=p.pk, position=i, code=c, subclass=c[:4], main_group=c.split("/")[0])
                for p, (_p, codes, _h) in zip(created, batch, strict=True)
                for i, c in enumerate(codes)
            ],
            batch_size=5000,
        )
        PatentHolder.objects.bulk_create(
            [
                PatentHolder(patent_id=p.pk, position=1, name=h, name_key=h, organisation=by_name.get(h))
                for p, (_p, _c, h) in zip(created, batch, strict=True)
            ],
            batch_size=5000,
        )
        for p, (_p, _c, h) in zip(created, batch, strict=True):
            holder = by_name.get(h)
            if holder is not None and len(sample) < 50_000 and rnd.random() < 0.2:
                sample.append((p.pk, p.title, p.abstract, holder.pk))
        batch.clear()

    for row in iter_patent_rows(rnd, demo_orgs, patents, _Numbers(rnd)):
        number = str(row[column["申请号"]]).replace("CN", "")
        holder = str(row[column["申请（专利权）人"]]).split(";")[0]
        codes = [c.strip() for c in str(row[column["分类号"]]).split(";") if c.strip()][:4]
        filed = dt.date.fromisoformat(str(row[column["申请日"]]))
        batch.append(
            (
                Patent(
                    application_number=number,
                    patent_type=type_of.get(number[4], "invention"),
                    title=str(row[column["名称"]]),
                    abstract=str(row[column["摘要"]]),
                    filing_date=filed,
                    legal_status="valid",
                    first_holder_name=holder,
                    first_holder=by_name.get(holder),
                    region=by_name[holder].region if holder in by_name else None,
                    region_rule="organisation",
                ),
                codes,
                holder,
            )
        )
        if len(batch) >= 5000:
            flush()
    if batch:
        flush()
    today = timezone.localdate()
    chosen = rnd.sample(sample, min(offers + needs, len(sample)))
    offer_rows = Offer.objects.bulk_create(
        [
            Offer(
                holder_id=holder,
                title=title[:200],
                description=abstract,
                mode="ordinary",
                field="other",
                maturity="pilot",
                contact_person="基准测试",
                contact_phone="0535-0000000",
                status="published",
                created_on=today,
                published_on=today,
            )
            for _pk, title, abstract, holder in chosen[:offers]
        ],
        batch_size=2000,
    )
    Offer.patents.through.objects.bulk_create(
        [
            Offer.patents.through(offer_id=o.pk, patent_id=pk)
            for o, (pk, _t, _a, _h) in zip(offer_rows, chosen[:offers], strict=True)
        ],
        batch_size=5000,
    )
    need_rows = Need.objects.bulk_create(
        [
            Need(
                organisation_id=holder,
                title=f"寻求{title[:60]}相关技术",
                problem=f"需要解决{title}中的关键问题，提高产品性能，降低成本。",
                field="other",
                contact_person="基准测试",
                contact_phone="0535-0000000",
                status="published",
                created_on=today,
                published_on=today,
            )
            for _pk, title, _abstract, holder in chosen[offers:]
        ],
        batch_size=2000,
    )
    if connection.vendor == "postgresql":
        # What autovacuum does minutes after a large import: planner statistics for the new rows.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return [o.pk for o in offer_rows], [n.pk for n in need_rows], len(orgs)


def _index_mb() -> float:
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT pg_total_relation_size('market_matchdoc') + pg_total_relation_size('market_matchterm')"
            )
            return float(cursor.fetchone()[0]) / 2**20
        cursor.execute(
            "SELECT SUM(pgsize) FROM dbstat WHERE name LIKE 'market_match%' OR name LIKE 'sqlite_autoindex_market_match%'"
        )
        row = cursor.fetchone()
        return float(row[0] or 0) / 2**20


def _percentiles(samples: list[float], results: list[int]) -> dict[str, float]:
    ordered = sorted(samples)
    return {
        "p50": statistics.median(ordered) * 1000,
        "p95": ordered[max(0, round(0.95 * len(ordered)) - 1)] * 1000,
        "results": statistics.mean(results) if results else 0.0,
    }


def _measure(offer_ids: list[int], need_ids: list[int]) -> dict[str, Any]:
    from ipcity.market import matching
    from ipcity.market.choices import MatchKind
    from ipcity.market.models import Need, Offer

    rnd = random.Random(SEED + 1)
    need_sample = list(Need.objects.filter(pk__in=rnd.sample(need_ids, min(QUERIES, len(need_ids)))))
    offer_sample = list(Offer.objects.filter(pk__in=rnd.sample(offer_ids, min(QUERIES, len(offer_ids)))))
    cases = {
        "need_offers": [
            (MatchKind.OFFER, matching.query_of(matching.need_document(n)), False) for n in need_sample
        ],
        "offer_organisations": [
            (MatchKind.ORGANISATION, matching.query_of(matching.offer_document(o)), False)
            for o in offer_sample
        ],
        "search": [(MatchKind.OFFER, matching.text_query(o.title[2:12]), True) for o in offer_sample],
    }
    out: dict[str, Any] = {}
    for name, queries in cases.items():
        for kind, query, every in queries[:20]:  # warm-up: caches, jieba, the database's pages
            matching.rank(kind, query, every=every)
        full, bare, sizes = [], [], []
        for kind, query, every in queries:
            started = time.perf_counter()
            found = matching.rank(kind, query, every=every)
            full.append(time.perf_counter() - started)
            sizes.append(len(found))
            plan = matching.plan(kind, query, every=every)
            if plan is not None:
                started = time.perf_counter()
                matching.candidates(kind, query, plan, every=every)
                bare.append(time.perf_counter() - started)
        out[name] = _percentiles(full, sizes)
        out[f"{name}_bare"] = _percentiles(bare or [0.0], [])
    return out


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "--worker":
        print(json.dumps(_worker(int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]))))
    else:
        raise SystemExit("usage: python -m bench.bench_market --worker PATENTS OFFERS NEEDS")
