"""Patent facts: the narrow, indexed copy of the registry that the patent indicators count.

A computation refreshes the facts first (`refresh_facts`): the patents the registry announced as
written (id ranges queued in `PatentFactQueue` by its `patents_changed` signal and by Django's
signals on Patent and PatentIPC, in the writing transaction) are rebuilt, and so are rows
bulk-loaded without signals (ids above the highest id the facts hold); nothing else is read.
`refresh_facts(full=True)` rebuilds every row (`ipcity indicators facts --full`). The rules here are the same as the drill-down querysets in `registry_measures`:
valid on day D ⇔ granted by D, (status valid, or ended with a status date after D), and D within
the statutory term (专利法 第四十二条, `registry.terms.term_end`: an export's 有效 is stale once
the term is over).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache
from itertools import islice
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Max
from django.db.models.signals import post_delete, post_save

from ipcity.indicators.ipc import SeiConcordance, load_concordance
from ipcity.indicators.models import PatentFact, PatentFactQueue
from ipcity.registry import terms
from ipcity.registry.choices import LegalStatus, PatentType
from ipcity.registry.models import Patent, PatentIPC
from ipcity.registry.signals import patents_changed

CONCORDANCE_FILE = settings.DATA_DIR / "indicators" / "sei_ipc_2021.csv"
OPEN_END = dt.date(9999, 12, 31)
ENDED = frozenset({LegalStatus.LAPSED, LegalStatus.EXPIRED, LegalStatus.INVALIDATED})
CHUNK = 5000
FACT_FIELDS = [
    "patent_id",
    "region_id",
    "patent_type",
    "filing_date",
    "grant_date",
    "valid_from",
    "valid_until",
    "is_pct",
    "has_overseas_grant",
    "is_sei",
    "sei_branches",
]
SOURCE_FIELDS = [
    "pk",
    "region_id",
    "patent_type",
    "filing_date",
    "grant_date",
    "legal_status",
    "legal_status_date",
    "is_pct",
    "has_overseas_grant",
    "delay_extension_days",
    "drug_extension_days",
]


@lru_cache(maxsize=1)
def concordance() -> SeiConcordance:
    return load_concordance(CONCORDANCE_FILE)


def validity(
    status: str, grant_date: dt.date | None, status_date: dt.date | None, term_end: dt.date | None = None
) -> tuple[Any, Any]:
    """(valid_from, valid_until): valid on D ⇔ valid_from <= D < valid_until; (None, None) never.

    `term_end`: the last day of the statutory term (`registry.terms.term_end`); the patent is not
    valid after it, whatever its stored status says."""
    if grant_date is None:
        return None, None
    if status == LegalStatus.VALID:
        until = OPEN_END
    elif status in ENDED and status_date is not None:
        until = status_date  # ended on its status date: valid the days before
    else:
        return None, None
    if term_end is not None and term_end < until:
        until = term_end + dt.timedelta(days=1)  # protected up to and including its last day
    if until <= grant_date:
        return None, None
    return grant_date, until


def id_ranges(ids: Iterable[int]) -> list[tuple[int, int]]:
    """Sorted ids as contiguous (first, last) runs: a million new patents are one or a few rows."""
    runs: list[tuple[int, int]] = []
    for pk in sorted(set(ids)):
        if runs and pk == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], pk)
        else:
            runs.append((pk, pk))
    return runs


def mark_stale(patent_ids: Iterable[int]) -> None:
    PatentFactQueue.objects.bulk_create(
        [PatentFactQueue(first_id=a, last_id=b) for a, b in id_ranges(patent_ids)], batch_size=CHUNK
    )


def _queued() -> tuple[list[int], list[tuple[int, int]]]:
    """(queue row ids, merged id ranges)."""
    rows = list(PatentFactQueue.objects.order_by("first_id").values_list("pk", "first_id", "last_id"))
    merged: list[tuple[int, int]] = []
    for _pk, first, last in rows:
        if merged and first <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(merged[-1][1], last))
        else:
            merged.append((first, last))
    return [pk for pk, _f, _l in rows], merged


def _up_to_date() -> bool:
    """Nothing queued and no patent above the facts' highest id: three index lookups."""
    if PatentFactQueue.objects.exists():
        return False
    covered = PatentFact.objects.aggregate(top=Max("patent_id"))["top"] or 0
    return (Patent.objects.aggregate(top=Max("pk"))["top"] or 0) <= covered


def pending_count(*, full: bool = False) -> int:
    """How many patents a refresh would (re)build (for progress bars)."""
    if full:
        return Patent.objects.count()
    _rows, ranges = _queued()
    covered = PatentFact.objects.aggregate(top=Max("patent_id"))["top"] or 0
    queued = sum(last - first + 1 for first, last in ranges)  # an upper bound: some ids may be gone
    above = max([covered, *(last for _first, last in ranges)])
    return queued + Patent.objects.filter(pk__gt=above, fact__isnull=True).count()


def refresh_facts(*, full: bool = False, progress: Callable[[int], None] | None = None) -> int:
    """Bring the facts up to date. Returns how many patents were (re)built.

    Rebuilt: the queued id ranges (every write the registry announced, new patents included), and —
    for rows written without signals (bulk loads) — patents above the highest id the facts hold."""
    if not full and _up_to_date():
        return 0  # checked before opening a (write) transaction: reading pages stay lock-free
    with transaction.atomic():
        _lock()
        rows, ranges = _queued()
        if full:
            PatentFact.objects.all().delete()
            built = _build(Patent.objects.order_by("pk"), progress)
        else:
            covered = PatentFact.objects.aggregate(top=Max("patent_id"))["top"] or 0
            built = 0
            scattered: list[int] = []  # short ranges (in-place updates) go by id lists, CHUNK at a time
            for first, last in ranges:
                if last - first < 100:
                    scattered.extend(range(first, last + 1))
                    continue
                PatentFact.objects.filter(pk__gte=first, pk__lte=last).delete()
                built += _build(Patent.objects.filter(pk__range=(first, last)).order_by("pk"), progress)
            for start in range(0, len(scattered), CHUNK):
                ids = scattered[start : start + CHUNK]
                PatentFact.objects.filter(pk__in=ids).delete()
                built += _build(Patent.objects.filter(pk__in=ids).order_by("pk"), progress)
            unsignalled = Patent.objects.filter(pk__gt=covered, fact__isnull=True).order_by("pk")
            built += _build(unsignalled, progress)
        for start in range(0, len(rows), CHUNK):
            PatentFactQueue.objects.filter(pk__in=rows[start : start + CHUNK]).delete()
    _analyze(built)
    return built


FACTS_LOCK = 0x1FAC7  # PostgreSQL advisory lock key of the facts refresh


def _lock() -> None:
    """One refresh at a time: on PostgreSQL two refreshes would rebuild the same queued patents and
    collide on their keys (SQLite already serialises writing transactions). Held until commit."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [FACTS_LOCK])


def _build(patents: Any, progress: Callable[[int], None] | None) -> int:
    """Insert facts for these patents (in id order), CHUNK at a time."""
    from ipcity.registry.importers.bulk import insert_rows

    rules = concordance()
    cache: dict[str, frozenset[str]] = {}
    built = 0
    rows = patents.values_list(*SOURCE_FIELDS).iterator(chunk_size=CHUNK)
    while batch := list(islice(rows, CHUNK)):
        insert_rows(PatentFact, FACT_FIELDS, _facts(batch, rules, cache))
        built += len(batch)
        if progress is not None:
            progress(len(batch))
    return built


def _facts(
    rows: Sequence[tuple[Any, ...]], rules: SeiConcordance, cache: dict[str, frozenset[str]]
) -> list[tuple[Any, ...]]:
    inventions = [row[0] for row in rows if row[2] == PatentType.INVENTION]
    codes: dict[int, list[str]] = {}
    if inventions:
        for patent_id, code in (
            PatentIPC.objects.filter(patent_id__in=inventions)
            .order_by("patent_id", "position")
            .values_list("patent_id", "code")
        ):
            codes.setdefault(patent_id, []).append(code)
    out = []
    for (
        pk,
        region_id,
        patent_type,
        filed,
        granted,
        status,
        status_date,
        is_pct,
        overseas,
        *extensions,
    ) in rows:
        branches: set[str] = set()
        for code in codes.get(pk, ()):
            if code not in cache:
                cache[code] = frozenset(rules.branches_for([code]))
            branches |= cache[code]
        term = terms.term_end(patent_type, filed, sum(days or 0 for days in extensions))
        valid_from, valid_until = validity(status, granted, status_date, term)
        out.append(
            (
                pk,
                region_id,
                patent_type,
                filed,
                granted,
                valid_from,
                valid_until,
                is_pct,
                overseas,
                bool(branches),
                ",".join(sorted(branches))[:200],
            )
        )
    return out


def _analyze(built: int) -> None:
    """Fresh planner statistics after a large rebuild, so the covering indexes are chosen; on
    PostgreSQL also VACUUM (when not inside a transaction) so they are read without the table."""
    if built < 10_000:
        return
    table = connection.ops.quote_name(PatentFact._meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql" and not connection.in_atomic_block:
            cursor.execute(f"VACUUM (ANALYZE) {table}")
        else:
            cursor.execute(f"ANALYZE {table}")


# ---- Invalidation: the registry tells us what changed in place ----


def _on_patents_changed(sender: Any, patent_ids: Iterable[int], **kwargs: Any) -> None:
    mark_stale(patent_ids)


def _on_patent_saved(sender: Any, instance: Patent, **kwargs: Any) -> None:
    mark_stale([instance.pk])


def _on_ipc_changed(sender: Any, instance: PatentIPC, **kwargs: Any) -> None:
    mark_stale([instance.patent_id])


def connect() -> None:
    patents_changed.connect(_on_patents_changed, dispatch_uid="indicators.facts.changed")
    post_save.connect(_on_patent_saved, sender=Patent, dispatch_uid="indicators.facts.patent")
    post_save.connect(_on_ipc_changed, sender=PatentIPC, dispatch_uid="indicators.facts.ipc_saved")
    post_delete.connect(_on_ipc_changed, sender=PatentIPC, dispatch_uid="indicators.facts.ipc_deleted")
