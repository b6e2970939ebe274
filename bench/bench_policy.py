"""Policy engine throughput: 100,000 synthetic applications evaluated in one batch.

Prints the engine's time (target ≤ 1 s for 100,000) and, for the three most common shapes (fixed by
level, rate × base with a cap, per piece), the ratio to a plain numpy implementation computed in the
same run on the same applications — and checks the two agree to the fen.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections import Counter
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import numpy as np

from ipcity.policy.engine import Granted, default_catalog, evaluate_many

OK = {"blacklisted": False, "registered_in_yantai": True}
COMMON = ("fixed_by_level", "rate_with_cap", "per_piece")


def _money(rng: random.Random, low: int, high: int) -> Decimal:
    return Decimal(rng.randint(low * 100, high * 100)).scaleb(-2)


def synthetic(n: int, seed: int = 20241231) -> list[tuple[str, dict[str, Any], dt.date, Granted | None]]:
    """A mix shaped like a year of applications: mostly awards, fee subsidies and registrations."""
    rng = random.Random(seed)
    start = dt.date(2022, 1, 1)
    china = [
        "patent_gold",
        "patent_silver",
        "patent_excellence",
        "design_gold",
        "design_silver",
        "design_excellence",
    ]
    shandong = ["special", "first", "second", "third"]
    out: list[tuple[str, dict[str, Any], dt.date, Granted | None]] = []
    for _ in range(n):
        on = start + dt.timedelta(days=rng.randrange(1096))
        base = dict(OK)
        if rng.random() < 0.03:
            base["blacklisted"] = True
        r = rng.random()
        granted: Granted | None = None
        if r < 0.20:
            out.append(("china_patent_award", {**base, "award_level": rng.choice(china)}, on, None))
        elif r < 0.35:
            out.append(("shandong_patent_award", {**base, "award_level": rng.choice(shandong)}, on, None))
        elif r < 0.45:
            facts = {
                **base,
                "patent_pledge_guarantee": True,
                "issue_amount": _money(rng, 1_000_000, 40_000_000),
            }
            out.append(("ip_securitization", facts, on, None))
        elif r < 0.55:
            kind = rng.choice(["insurance_premium", "guarantee_fee"])
            facts = {**base, "fee_kind": kind, "fee": _money(rng, 1_000, 200_000)}
            out.append(("pledge_insurance_guarantee", facts, on, None))
        elif r < 0.65:
            facts = {**base, "foreign_related": True, "judicial_litigation": True, "won": True}
            facts["service_fees"] = _money(rng, 10_000, 1_500_000)
            granted = Granted(beneficiary_year_total=Decimal(rng.randrange(0, 1_100_000, 50_000)))
            out.append(("foreign_litigation", facts, on, granted))
        elif r < 0.75:
            facts = {
                **base,
                "gi_kind": rng.choice(["gi_product", "gi_trademark"]),
                "pieces": rng.randint(1, 3),
            }
            out.append(("gi_registration", facts, on, None))
        elif r < 0.85:
            out.append(("madrid_trademark", {**base, "certificates": rng.randint(1, 5)}, on, None))
        elif r < 0.90:
            facts = {
                **base,
                "own_invention_patent": True,
                "first_pledge": True,
                "sme": True,
                "loan_principal": _money(rng, 500_000, 30_000_000),
                "interest_days": rng.randint(30, 365),
                "interest_paid": _money(rng, 10_000, 1_000_000),
            }
            granted = Granted(beneficiary_year_total=Decimal(rng.randrange(0, 500_000, 10_000)))
            out.append(("patent_pledge_interest", facts, on, granted))
        elif r < 0.95:
            out.append(
                ("regional_brand", {**base, "decided_amount": _money(rng, 100_000, 600_000)}, on, None)
            )
        else:
            facts = {**base, "recognition_level": "provincial", "recognition_kind": "advantage"}
            out.append(("recognised_advantage_enterprise", facts, on, None))
    return out


def _best(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    best = float("inf")
    result = None
    for _ in range(repeat):
        started = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - started)
    return best, result


def _fen(value: Decimal) -> int:
    return int(value * 100)


def numpy_arrays(requests: list[tuple[str, dict[str, Any], dt.date, Granted | None]]) -> dict[str, Any]:
    """The three common shapes as flat integer arrays (fen), with parameters looked up once per item."""
    catalog = default_catalog()
    on = dt.date(2023, 1, 1)  # the synthetic dates all fall where each parameter has one value
    level_items = {"china_patent_award", "shandong_patent_award"}
    levels: dict[tuple[str, str], int] = {}
    table: list[int] = []
    for code in sorted(level_items):
        rule = catalog.items[code].rules[0]
        for name, param in rule.params.items():
            value = param.at(on).value
            assert value is not None
            levels[(code, name.removeprefix("amount."))] = len(table)
            table.append(_fen(value))
    rate_items = {
        "ip_securitization": "issue_amount",
        "pledge_insurance_guarantee": "fee",
        "foreign_litigation": "service_fees",
    }
    piece_items = {"gi_registration": "pieces", "madrid_trademark": "certificates"}
    lv_idx, lv_ok = [], []
    rt_base, rt_num, rt_cap, rt_left, rt_ok = [], [], [], [], []
    pc_count, pc_unit, pc_ok = [], [], []
    for code, facts, _, granted in requests:
        ok = not facts["blacklisted"] and facts["registered_in_yantai"]
        if code in level_items:
            lv_idx.append(levels[(code, facts["award_level"])])
            lv_ok.append(ok)
        elif code in rate_items:
            item = catalog.items[code]
            rule = item.rules[0]
            rate = rule.params["rate"].at(on).value
            assert rate is not None
            cap = rule.params["cap"].at(on).value if "cap" in rule.params else None
            annual = item.limits.beneficiary_annual_cap
            used = granted.beneficiary_year_total if granted else Decimal(0)
            left = (annual.at(on).value or Decimal(0)) - used if annual else None
            rt_base.append(_fen(facts[rate_items[code]]))
            rt_num.append(int(rate * 10000))  # rates here have at most 4 decimals
            rt_cap.append(_fen(cap) if cap is not None else 2**62)
            rt_left.append(_fen(left) if left is not None else 2**62)
            rt_ok.append(ok and (left is None or left > 0))
        elif code in piece_items:
            unit = catalog.items[code].rules[0].params["unit_amount"].at(on).value
            assert unit is not None
            pc_count.append(facts[piece_items[code]])
            pc_unit.append(_fen(unit))
            pc_ok.append(ok and facts[piece_items[code]] >= 1)
    i64 = np.int64
    return {
        "table": np.array(table, dtype=i64),
        "lv_idx": np.array(lv_idx, dtype=np.intp),
        "lv_ok": np.array(lv_ok, dtype=bool),
        "rt_base": np.array(rt_base, dtype=i64),
        "rt_num": np.array(rt_num, dtype=i64),
        "rt_cap": np.array(rt_cap, dtype=i64),
        "rt_left": np.array(rt_left, dtype=i64),
        "rt_ok": np.array(rt_ok, dtype=bool),
        "pc_count": np.array(pc_count, dtype=i64),
        "pc_unit": np.array(pc_unit, dtype=i64),
        "pc_ok": np.array(pc_ok, dtype=bool),
    }


def numpy_amounts(a: dict[str, Any]) -> int:
    """Total in fen: fixed by level; base × rate rounded half-up, capped per item and by what is left
    of the annual cap; count × unit."""
    fixed = np.where(a["lv_ok"], a["table"][a["lv_idx"]], 0)
    raw = (a["rt_base"] * a["rt_num"] * 2 + 10000) // 20000  # half-up to the fen
    rated = np.where(a["rt_ok"], np.minimum(np.minimum(raw, a["rt_cap"]), a["rt_left"]), 0)
    pieces = np.where(a["pc_ok"], a["pc_count"] * a["pc_unit"], 0)
    return int(fixed.sum() + rated.sum() + pieces.sum())


def run(args: Any) -> list[str]:
    n = 2_000 if getattr(args, "quick", False) else 100_000
    repeat = 1 if getattr(args, "quick", False) else 3
    catalog = default_catalog()
    requests = synthetic(n)
    evaluate_many(requests[:100], catalog)  # warm caches (catalog load, imports) outside the timing

    engine_time, decisions = _best(lambda: evaluate_many(requests, catalog), repeat)
    shapes = Counter(catalog.items[code].shape for code, *_ in requests)
    common = [r for r in requests if catalog.items[r[0]].shape in COMMON]
    common_time, common_decisions = _best(lambda: evaluate_many(common, catalog), repeat)
    arrays = numpy_arrays(common)
    numpy_time, numpy_total = _best(lambda: numpy_amounts(arrays), max(repeat, 5))

    engine_total = sum(_fen(d.amount) for d in common_decisions if d.eligible and d.amount is not None)
    paid = sum((d.amount for d in decisions if d.eligible and d.amount is not None), Decimal(0))
    lines = [
        f"policy: {n:,} applications in one batch: {engine_time:.3f} s ({engine_time / n * 1e6:.1f} µs each); "
        f"target ≤ 1 s per 100,000: {'met' if engine_time * 100_000 / n <= 1 else 'NOT met'}",
        "  shapes in the batch: " + ", ".join(f"{k} {v:,}" for k, v in shapes.most_common()),
        f"  total granted: {paid:,.2f} 元; eligible {sum(d.eligible for d in decisions):,}",
        f"three most common shapes ({', '.join(COMMON)}): {len(common):,} applications",
        f"  engine {common_time:.3f} s; numpy {numpy_time * 1000:.2f} ms; ratio engine/numpy {common_time / numpy_time:,.0f}×",
        f"  totals agree to the fen: {engine_total == numpy_total} ({engine_total / 100:,.2f} 元)",
    ]
    for line in lines:
        print(line, flush=True)
    if engine_total != numpy_total:
        raise SystemExit("policy bench: engine and numpy totals differ")
    return lines
