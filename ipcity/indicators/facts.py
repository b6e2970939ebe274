"""Patent facts: the narrow, indexed copy of the registry that the patent indicators count.

A computation refreshes the facts first (`refresh_facts`): patents added since the last refresh
(found by id above the highest id the facts hold) and patents changed in place (queued in
`PatentFactStale` by the registry's signals and by Django's save/delete signals) are rebuilt;
nothing else is read. `refresh_facts(full=True)` rebuilds every row (`ipcity indicators facts
--full`). The rules here are the same as the drill-down querysets in `registry_measures`:
valid on day D ⇔ granted by D and (status valid, or ended with a status date after D).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Max
from django.db.models.signals import post_delete, post_save

from ipcity.indicators.ipc import SeiConcordance, load_concordance
from ipcity.indicators.models import PatentFact, PatentFactStale
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
]


@lru_cache(maxsize=1)
def concordance() -> SeiConcordance:
    return load_concordance(CONCORDANCE_FILE)


def validity(status: str, grant_date: dt.date | None, status_date: dt.date | None) -> tuple[Any, Any]:
    """(valid_from, valid_until): valid on D ⇔ valid_from <= D < valid_until; (None, None) never."""
    if grant_date is None:
        return None, None
    if status == LegalStatus.VALID:
        return grant_date, OPEN_END
    if status in ENDED and status_date is not None:
        return grant_date, status_date  # ended on its status date: valid the days before
    return None, None


def mark_stale(patent_ids: Iterable[int]) -> None:
    ids = sorted(set(patent_ids))
    if ids:
        PatentFactStale.objects.bulk_create(
            [PatentFactStale(patent_id=pk) for pk in ids], ignore_conflicts=True, batch_size=CHUNK
        )


def pending() -> tuple[list[int], int]:
    """Patents whose facts must be rebuilt: (queued ids, highest id the facts already cover)."""
    covered = PatentFact.objects.aggregate(top=Max("patent_id"))["top"] or 0
    queued = list(PatentFactStale.objects.values_list("patent_id", flat=True))
    return queued, covered


def pending_count(*, full: bool = False) -> int:
    """How many patents a refresh would (re)build (for progress bars)."""
    if full:
        return Patent.objects.count()
    queued, covered = pending()
    return len([pk for pk in queued if pk <= covered]) + Patent.objects.filter(pk__gt=covered).count()


def refresh_facts(*, full: bool = False, progress: Callable[[int], None] | None = None) -> int:
    """Bring the facts up to date. Returns how many patents were (re)built."""
    queued, covered = pending()
    with transaction.atomic():
        if full:
            PatentFact.objects.all().delete()
            PatentFactStale.objects.all().delete()
            built = _build(Patent.objects.order_by("pk"), progress)
        else:
            new = Patent.objects.filter(pk__gt=covered)
            top = Patent.objects.aggregate(top=Max("pk"))["top"] or 0  # an index lookup, not a scan
            if not queued and top <= covered:
                return 0
            changed = [pk for pk in queued if pk <= covered]  # ids above `covered` are built as new
            built = 0
            for start in range(0, len(changed), CHUNK):
                chunk = changed[start : start + CHUNK]
                PatentFact.objects.filter(patent_id__in=chunk).delete()
                built += _build(Patent.objects.filter(pk__in=chunk).order_by("pk"), progress)
            built += _build(new.order_by("pk"), progress)
            for start in range(0, len(queued), CHUNK):
                PatentFactStale.objects.filter(patent_id__in=queued[start : start + CHUNK]).delete()
        _analyze(built)
    return built


def _build(patents: Any, progress: Callable[[int], None] | None) -> int:
    """Insert facts for these patents (in id order), CHUNK at a time."""
    from ipcity.registry.importers.bulk import insert_rows

    rules = concordance()
    cache: dict[str, frozenset[str]] = {}
    built = 0
    batch: list[tuple[Any, ...]] = []
    for row in patents.values_list(*SOURCE_FIELDS).iterator(chunk_size=CHUNK):
        batch.append(row)
        if len(batch) == CHUNK:
            insert_rows(PatentFact, FACT_FIELDS, _facts(batch, rules, cache))
            built += len(batch)
            if progress is not None:
                progress(len(batch))
            batch = []
    if batch:
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
    for pk, region_id, patent_type, filed, granted, status, status_date, is_pct, overseas in rows:
        branches: set[str] = set()
        for code in codes.get(pk, ()):
            if code not in cache:
                cache[code] = frozenset(rules.branches_for([code]))
            branches |= cache[code]
        valid_from, valid_until = validity(status, granted, status_date)
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
    """Fresh planner statistics after a large rebuild, so the covering indexes are chosen."""
    if built < 10_000:
        return
    table = connection.ops.quote_name(PatentFact._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {table}")


# ---- Invalidation: the registry tells us what changed in place ----


def _on_patents_changed(sender: Any, patent_ids: Iterable[int], **kwargs: Any) -> None:
    mark_stale(patent_ids)


def _on_patent_saved(sender: Any, instance: Patent, created: bool = False, **kwargs: Any) -> None:
    if not created:  # a new patent is found by its id
        mark_stale([instance.pk])


def _on_ipc_changed(sender: Any, instance: PatentIPC, **kwargs: Any) -> None:
    mark_stale([instance.patent_id])


def connect() -> None:
    patents_changed.connect(_on_patents_changed, dispatch_uid="indicators.facts.changed")
    post_save.connect(_on_patent_saved, sender=Patent, dispatch_uid="indicators.facts.patent")
    post_save.connect(_on_ipc_changed, sender=PatentIPC, dispatch_uid="indicators.facts.ipc_saved")
    post_delete.connect(_on_ipc_changed, sender=PatentIPC, dispatch_uid="indicators.facts.ipc_deleted")
