"""Matching and full-text search of the technology market (docs/market.md, 方案二(三)1).

The index: one `MatchDoc` per published offer, published need and enterprise holding patents, with
its jieba terms (lib/words.py), its IPC subclasses and main groups, its field and region; the
document frequencies in `MatchTerm`. The database finds the candidates — PostgreSQL through GIN
indexes over the term arrays, SQLite through FTS5 (migration 0002) — so a query reads the documents
that share a term or an IPC code with it, never the whole registry. Python then scores those
candidates:

    score = w_text · text + w_ipc · ipc + w_field · field + w_region · region      (each part 0…1)

- text: BM25 (k1, b from data/market/matching.yaml) of the candidate for the query's terms, divided
  by the BM25 a document holding every query term once at average length would get — so 1 means
  "all the query's words, as often as usual", whatever the query;
- ipc: the share of the query's IPC main groups the candidate shares, and of its subclasses
  (weights in the same file);
- field and region: 1 when the same, else 0.

Every match carries its reasons: the shared terms that weigh most, the shared IPC codes, the same
field or region. Weights are the office's settings, not a standard: data/market/matching.yaml.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from django.db import connection, transaction
from django.db.models import F, Window
from django.db.models.functions import DenseRank
from django.utils import timezone

from ipcity.lib.words import document_terms, query_terms
from ipcity.market.choices import MatchKind, NeedStatus, OfferStatus
from ipcity.market.models import MatchDoc, MatchTerm, Need, Offer
from ipcity.registry.choices import OrganisationKind
from ipcity.registry.models import Organisation, Patent, PatentHolder, PatentIPC

SETTINGS_FILE = Path(__file__).resolve().parents[2] / "data" / "market" / "matching.yaml"
MAX_QUERY_TERMS = 16  # the rarest terms of a long document stand for it in the candidate search
IPC_KEY = "#"  # IPC terms in MatchTerm: "#h01m" (no word of a text starts with "#")
# A query reads the documents holding its rarest terms, adding terms while the documents holding them
# (by their frequencies) stay within this budget: the work of a match is bounded whatever the size
# of the registry; a word held by more documents than this says little about any one of them.
CANDIDATE_BUDGET = 1000
SEARCH_LIMIT = 5000  # a search (every word required) scores at most this many documents
# A conjunctive plan (see Plan) requires the rarest words, at most MAX_CONJUNCTION of them, until
# CONJUNCTION_TARGET documents are expected to hold them all (words are not independent — those of
# one field go together — so more usually do); it drops its last word while fewer than
# CONJUNCTION_ENOUGH hold them all, and scores at most CONJUNCTION_LIMIT of them, same field and
# region first (with a small vocabulary, a synthetic registry, thousands may hold the rarest words).
MAX_CONJUNCTION = 6
CONJUNCTION_TARGET = 200
CONJUNCTION_ENOUGH = 20
CONJUNCTION_LIMIT = 300
ORGANISATION_PATENT_TITLES = 300  # an enterprise is described by its most recent patents
ORGANISATION_PATENT_ABSTRACTS = 20
REBUILD_BATCH = 250  # documents built and written together by a rebuild


@cache
def settings() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(SETTINGS_FILE.read_text(encoding="utf-8"))
    return data


# ------------------------------------------------------------------------------ documents


def ipc_terms(codes: Iterable[tuple[str, str]]) -> list[str]:
    """(subclass, main group) pairs as index terms: "H01M", "H01M 10" -> "h01m", "h01m10"."""
    found: dict[str, None] = {}
    for subclass, main_group in codes:
        if subclass:
            found[subclass.lower()] = None
        if main_group:
            found[main_group.replace(" ", "").lower()] = None
    return list(found)


def _patent_ipc(patent_ids: Sequence[int]) -> list[tuple[str, str]]:
    return list(
        PatentIPC.objects.filter(patent_id__in=patent_ids).values_list("subclass", "main_group").distinct()
    )


@dataclass
class Document:
    kind: str
    object_id: int
    text: str
    ipc: list[str]
    field: str = ""
    region_id: int | None = None


def offer_document(offer: Offer) -> Document:
    patents = list(offer.patents.only("pk", "title", "abstract"))
    text = "\n".join(
        [offer.title, offer.description, offer.applications, *(f"{p.title}\n{p.abstract}" for p in patents)]
    )
    ipc = ipc_terms(_patent_ipc([p.pk for p in patents]))
    return Document(MatchKind.OFFER, offer.pk, text, ipc, offer.field, offer.region_id)


def need_document(need: Need) -> Document:
    return Document(MatchKind.NEED, need.pk, f"{need.title}\n{need.problem}", [], need.field, need.region_id)


def organisation_document(organisation: Organisation) -> Document:
    return organisation_documents([organisation])[0]


def organisation_documents(organisations: Sequence[Organisation]) -> list[Document]:
    """The documents of enterprises: the titles of each one's most recent patents (by filing date),
    the abstracts of the most recent few, and their IPC codes. Three queries for the whole batch,
    whatever its size (the ranking is a window function in the database)."""
    ids = [o.pk for o in organisations]
    recent = (
        PatentHolder.objects.filter(organisation_id__in=ids)
        .annotate(
            rank=Window(
                DenseRank(),  # an organisation named twice on a patent: one rank
                partition_by=F("organisation_id"),
                order_by=[F("patent__filing_date").desc(), F("patent_id").desc()],
            )
        )
        .filter(rank__lte=ORGANISATION_PATENT_TITLES)
        .values_list("organisation_id", "patent_id", "rank", "patent__title")
    )
    held: dict[int, list[tuple[int, int, str]]] = {pk: [] for pk in ids}
    for organisation_id, patent_id, rank, title in recent:
        held[organisation_id].append((rank, patent_id, title))
    wanted = {pid for rows in held.values() for rank, pid, _ in rows if rank <= ORGANISATION_PATENT_ABSTRACTS}
    abstracts = dict(_in_chunks(Patent.objects.values_list("pk", "abstract"), "pk", wanted))
    codes: dict[int, list[tuple[str, str]]] = {}
    everyone = {pid for rows in held.values() for _, pid, _ in rows}
    for patent_id, subclass, main_group in _in_chunks(
        PatentIPC.objects.order_by("patent_id", "position").values_list(
            "patent_id", "subclass", "main_group"
        ),
        "patent_id",
        everyone,
    ):
        codes.setdefault(patent_id, []).append((subclass, main_group))
    documents = []
    for organisation in organisations:
        rows = sorted(held[organisation.pk])
        seen: set[int] = set()
        parts = []
        pairs: list[tuple[str, str]] = []
        for rank, patent_id, title in rows:
            if patent_id in seen:  # one organisation named twice on a patent
                continue
            seen.add(patent_id)
            abstract = abstracts.get(patent_id) if rank <= ORGANISATION_PATENT_ABSTRACTS else None
            parts.append(f"{title}\n{abstract}" if abstract else title)
            pairs.extend(codes.get(patent_id, ()))
        documents.append(
            Document(
                MatchKind.ORGANISATION,
                organisation.pk,
                "\n".join(parts),
                ipc_terms(sorted(set(pairs))),
                organisation.industry,
                organisation.region_id,
            )
        )
    return documents


def _in_chunks(queryset: Any, field: str, values: Iterable[int], size: int = 2000) -> Iterable[Any]:
    ordered = sorted(values)
    for start in range(0, len(ordered), size):
        yield from queryset.filter(**{f"{field}__in": ordered[start : start + size]})


# ------------------------------------------------------------------------------ the index


def _stats_delta(kind: str, delta: Counter[str], docs: int, length: int) -> None:
    """Add `delta` to the document frequencies of `kind` (and `docs`, `length` to its totals):
    missing rows are created, then incremented in the database (two writers never lose a count)."""
    changes = {term: n for term, n in delta.items() if n}
    if docs or length:
        changes[""] = changes.get("", 0)
    if not changes:
        return
    MatchTerm.objects.bulk_create(
        [MatchTerm(kind=kind, term=term) for term in changes], ignore_conflicts=True, batch_size=500
    )
    by_amount: dict[int, list[str]] = {}
    for term, n in changes.items():
        if term:
            by_amount.setdefault(n, []).append(term)
    for n, terms in by_amount.items():
        for start in range(0, len(terms), 500):
            MatchTerm.objects.filter(kind=kind, term__in=terms[start : start + 500]).update(
                docs=F("docs") + n
            )
    if docs or length:
        MatchTerm.objects.filter(kind=kind, term="").update(
            docs=F("docs") + docs, length=F("length") + length
        )


def _stat_keys(row: MatchDoc) -> list[str]:
    """The keys a document adds to the statistics: its terms, and its IPC terms after "#"."""
    return [*row.counts, *(IPC_KEY + t for t in row.ipc.split())]


def _row(document: Document, now: dt.datetime) -> MatchDoc:
    terms = document_terms(document.text)
    counts = Counter(terms)
    return MatchDoc(
        kind=document.kind,
        object_id=document.object_id,
        terms=" ".join(counts),
        counts=dict(counts),
        length=len(terms),
        ipc=" ".join(document.ipc),
        field=document.field or "",
        region_id=document.region_id,
        indexed_at=now,
    )


@transaction.atomic
def put_document(document: Document) -> MatchDoc:
    """Index (or re-index) one document, keeping the term statistics in step."""
    old = (
        MatchDoc.objects.select_for_update().filter(kind=document.kind, object_id=document.object_id).first()
    )
    row = _row(document, timezone.now())
    delta: Counter[str] = Counter(dict.fromkeys(_stat_keys(row), 1))
    docs, length = 1, row.length
    if old is not None:
        delta.subtract(dict.fromkeys(_stat_keys(old), 1))
        docs, length = 0, row.length - old.length
        row.pk = old.pk
    row.save()
    _stats_delta(document.kind, delta, docs, length)
    return row


@transaction.atomic
def drop_document(kind: str, object_id: int) -> None:
    old = MatchDoc.objects.select_for_update().filter(kind=kind, object_id=object_id).first()
    if old is None:
        return
    old.delete()
    delta: Counter[str] = Counter()
    delta.subtract(dict.fromkeys(_stat_keys(old), 1))
    _stats_delta(kind, delta, -1, -old.length)


def sync_offer(offer: Offer) -> None:
    """Published offers are in the index, others not (called by every service that changes one)."""
    if offer.status == OfferStatus.PUBLISHED:
        put_document(offer_document(offer))
    else:
        drop_document(MatchKind.OFFER, offer.pk)


def sync_need(need: Need) -> None:
    if need.status == NeedStatus.PUBLISHED:
        put_document(need_document(need))
    else:
        drop_document(MatchKind.NEED, need.pk)


def indexed_organisations() -> Any:
    """The enterprises matched to offers: those holding at least one patent in the registry."""
    return Organisation.objects.filter(
        kind=OrganisationKind.ENTERPRISE, pk__in=PatentHolder.objects.values("organisation_id")
    )


@transaction.atomic
def rebuild_index(
    kinds: Iterable[str] = tuple(MatchKind.values), progress: Callable[[int, int], None] | None = None
) -> dict[str, int]:
    """Rebuild the index of `kinds` from the data (`ipcity market reindex`, the office's button):
    what is there is replaced, the statistics recounted. Returns the documents per kind."""
    now = timezone.now()
    built: dict[str, int] = {}
    kinds = list(kinds)
    sources: dict[str, tuple[Any, Callable[[list[Any]], list[Document]]]] = {
        MatchKind.OFFER: (
            Offer.objects.filter(status=OfferStatus.PUBLISHED),
            lambda objs: [offer_document(o) for o in objs],
        ),
        MatchKind.NEED: (
            Need.objects.filter(status=NeedStatus.PUBLISHED),
            lambda objs: [need_document(n) for n in objs],
        ),
        MatchKind.ORGANISATION: (indexed_organisations(), organisation_documents),
    }
    total = sum(sources[kind][0].count() for kind in kinds)
    done = 0
    for kind in kinds:
        MatchDoc.objects.filter(kind=kind).delete()
        MatchTerm.objects.filter(kind=kind).delete()
        queryset, build = sources[kind]
        frequencies: Counter[str] = Counter()
        docs = length = 0
        for objs in _batches(queryset.order_by("pk").iterator(chunk_size=REBUILD_BATCH), REBUILD_BATCH):
            batch = [_row(document, now) for document in build(objs)]
            for row in batch:
                frequencies.update(_stat_keys(row))
                docs, length = docs + 1, length + row.length
            MatchDoc.objects.bulk_create(batch)
            done += len(batch)
            if progress:
                progress(done, total)
        MatchTerm.objects.bulk_create(
            [MatchTerm(kind=kind, term="", docs=docs, length=length)]
            + [MatchTerm(kind=kind, term=term, docs=n) for term, n in frequencies.items()],
            batch_size=1000,
        )
        built[kind] = docs
        if progress:
            progress(done, total)
    if sum(built.values()) >= 10_000:  # fresh planner statistics for the queries that follow
        with connection.cursor() as cursor:
            for model in (MatchDoc, MatchTerm):
                cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
    return built


def _batches(items: Iterable[Any], size: int) -> Iterable[list[Any]]:
    batch: list[Any] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


# ------------------------------------------------------------------------------ candidates


# PostgreSQL finds the candidates through the GIN indexes only: the planner cannot estimate how many
# documents hold a set of rare words (they are not among the column's most common elements) and,
# guessing thousands, would rather read every document of the kind (through its b-tree index, or the
# whole table) and split each one's terms. So the kind is compared as an expression no index serves
# (`kind || ''`), and sequential scans are off for the query (`_ids`).
PG_KIND = "kind || '' = %s"


def _fts_phrase(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def _candidate_ids(
    kind: str,
    terms: Sequence[str],
    ipc: Sequence[str],
    *,
    every: bool,
    limit: int,
) -> list[int]:
    """MatchDoc ids of `kind` holding any (every=False) or all (every=True) of `terms`, or (when
    not every) any of the IPC terms; at most `limit` (the plan keeps the set within its budget)."""
    if not terms and not ipc:
        return []
    if connection.vendor == "postgresql":
        conditions: list[str] = []
        params: list[Any] = [kind]
        if terms:
            conditions.append("string_to_array(terms, ' ') " + ("@>" if every else "&&") + " %s::text[]")
            params.append(list(terms))
        if ipc and not every:
            conditions.append("string_to_array(ipc, ' ') && %s::text[]")
            params.append(list(ipc))
        sql = f"SELECT id FROM market_matchdoc WHERE {PG_KIND} AND (" + " OR ".join(conditions) + ") LIMIT %s"
        params.append(limit)
    elif connection.vendor == "sqlite":
        parts = []
        if terms:
            joiner = " AND " if every else " OR "
            parts.append("terms : (" + joiner.join(_fts_phrase(t) for t in terms) + ")")
        if ipc and not every:
            parts.append("ipc : (" + " OR ".join(_fts_phrase(t) for t in ipc) + ")")
        expression = f"kind : {_fts_phrase(kind)} AND (" + " OR ".join(parts) + ")"
        sql = "SELECT rowid FROM market_matchdoc_fts WHERE market_matchdoc_fts MATCH %s LIMIT %s"
        params = [expression, limit]
    else:  # pragma: no cover - the two databases the platform runs on
        raise NotImplementedError(connection.vendor)
    return _ids(sql, params)


def _preferred_ids(
    kind: str, terms: Sequence[str], field_value: str, region_id: int | None, limit: int
) -> list[int]:
    """At most `limit` documents holding every one of `terms`, those of the same field, then of the
    same region first."""
    order = "ORDER BY (d.field = %s) DESC, (d.region_id IS NOT NULL AND d.region_id = %s) DESC, d.id LIMIT %s"
    if connection.vendor == "postgresql":
        sql = (
            f"SELECT d.id FROM market_matchdoc d WHERE d.{PG_KIND} "
            "AND string_to_array(d.terms, ' ') @> %s::text[] " + order
        )
        params: list[Any] = [kind, list(terms)]
    elif connection.vendor == "sqlite":
        expression = (
            f"kind : {_fts_phrase(kind)} AND terms : (" + " AND ".join(_fts_phrase(t) for t in terms) + ")"
        )
        sql = (
            "SELECT d.id FROM market_matchdoc d WHERE d.id IN (SELECT rowid FROM market_matchdoc_fts "
            "WHERE market_matchdoc_fts MATCH %s) " + order
        )
        params = [expression]
    else:  # pragma: no cover - the two databases the platform runs on
        raise NotImplementedError(connection.vendor)
    return _ids(sql, [*params, field_value or "", region_id or 0, limit])


def _ids(sql: str, params: list[Any]) -> list[int]:
    """Run an index query (on PostgreSQL with sequential scans off for it, see PG_KIND)."""
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            cursor.execute(sql, params)
            return [row[0] for row in cursor.fetchall()]
        cursor.execute("SET enable_seqscan = off")
        try:
            cursor.execute(sql, params)
            return [row[0] for row in cursor.fetchall()]
        finally:
            cursor.execute("RESET enable_seqscan")


# ------------------------------------------------------------------------------ scoring


@dataclass
class Query:
    """What is matched: weighted terms (term -> frequency in the source), IPC terms, field, region."""

    terms: Counter[str]
    ipc: list[str] = field(default_factory=list)
    field: str = ""
    region_id: int | None = None
    exclude: tuple[str, int] | None = None  # (kind, object id) never matched to itself


@dataclass
class Match:
    kind: str
    object_id: int
    score: float
    text: float
    ipc: float
    same_field: bool
    same_region: bool
    shared_terms: list[str]
    shared_ipc: list[str]

    @property
    def percent(self) -> int:
        return round(self.score * 100)


def query_of(document: Document) -> Query:
    return Query(Counter(document_terms(document.text)), document.ipc, document.field, document.region_id)


def text_query(text: str) -> Query:
    return Query(Counter(query_terms(text)))


def _frequencies(kind: str, terms: Iterable[str]) -> tuple[int, float, dict[str, int]]:
    """(documents of kind, average length, {term: documents holding it}) in one query."""
    wanted = ["", *terms]
    rows = MatchTerm.objects.filter(kind=kind, term__in=wanted).values_list("term", "docs", "length")
    df: dict[str, int] = {}
    total, total_length = 0, 0
    for term, docs, length in rows:
        if term == "":
            total, total_length = docs, length
        else:
            df[term] = docs
    return total, (total_length / total if total else 0.0), df


def _idf(total: int, docs: int) -> float:
    return math.log(1 + (total - docs + 0.5) / (docs + 0.5))


@dataclass
class Plan:
    """How a query is put to the index: the terms chosen (every word of a search; else the rarest
    words and IPC codes within CANDIDATE_BUDGET) with their inverse document frequencies, and the
    collection's statistics."""

    chosen: list[str]
    chosen_ipc: list[str]
    weights: dict[str, float]
    total: int
    average: float
    # Even the rarest word is held by more documents than the budget: candidates hold all the chosen
    # words (the rarest, as many as CONJUNCTION_TARGET asks for).
    conjunctive: bool = False


def plan(kind: str, query: Query, *, every: bool = False) -> Plan | None:
    """None when nothing can match (a search word no document holds)."""
    ipc_keys = [IPC_KEY + t for t in query.ipc]
    total, average, df = _frequencies(kind, [*query.terms, *ipc_keys])
    weights = {t: _idf(total, df[t]) for t in query.terms if df.get(t)}
    if every:
        if len(weights) < len(query.terms):
            return None
        return Plan(list(weights), [], weights, total, average)
    ranked = sorted(
        [*((t, weights[t] * (1 + math.log(query.terms[t]))) for t in weights),
         *((k, _idf(total, df[k])) for k in ipc_keys if df.get(k))],
        key=lambda pair: (-pair[1], pair[0]),
    )  # fmt: skip
    chosen: list[str] = []
    chosen_ipc: list[str] = []
    spent = 0
    for key, _weight in ranked:
        is_ipc = key.startswith(IPC_KEY)
        full = len(chosen_ipc if is_ipc else chosen) >= MAX_QUERY_TERMS
        if full or (spent and spent + df[key] > CANDIDATE_BUDGET):
            continue
        spent += df[key]
        if is_ipc:
            chosen_ipc.append(key.removeprefix(IPC_KEY))
        else:
            chosen.append(key)
    # The text score still counts every word the query shares with a candidate (up to MAX_QUERY_TERMS).
    scored = sorted(weights, key=lambda t: (-weights[t] * (1 + math.log(query.terms[t])), t))[
        :MAX_QUERY_TERMS
    ]
    conjunctive = False
    if spent > CANDIDATE_BUDGET and weights:
        # Any of these words would bring more documents than the budget, cut off in no particular
        # order: ask for the documents holding all of the rarest few instead, as many as it takes
        # for the expected number in common (words taken as independent) to be CONJUNCTION_TARGET.
        chosen, chosen_ipc, conjunctive = [], [], True
        expected = float(total)
        for term in sorted(weights, key=lambda t: (df[t], t))[:MAX_CONJUNCTION]:
            chosen.append(term)
            expected *= df[term] / total
            if expected <= CONJUNCTION_TARGET:
                break
    return Plan(chosen, chosen_ipc, {t: weights[t] for t in scored}, total, average, conjunctive)


def candidates(kind: str, query: Query, found: Plan, *, every: bool = False) -> list[int]:
    """The index query alone (what the benchmark compares the whole ranking with). A conjunctive
    plan whose words have fewer documents in common than a page of results drops its last word and
    asks again."""
    if every:
        return _candidate_ids(kind, found.chosen, [], every=True, limit=SEARCH_LIMIT)
    if not found.conjunctive:
        return _candidate_ids(kind, found.chosen, found.chosen_ipc, every=False, limit=2 * CANDIDATE_BUDGET)
    required = list(found.chosen)
    while True:
        ids = _preferred_ids(kind, required, query.field, query.region_id, CONJUNCTION_LIMIT)
        if len(ids) >= CONJUNCTION_ENOUGH or len(required) == 1:
            return ids
        required.pop()


def rank(kind: str, query: Query, *, limit: int = 20, every: bool = False) -> list[Match]:
    """The documents of `kind` best matching `query`, best first (ties by object id)."""
    conf = settings()
    k1, b = float(conf["bm25"]["k1"]), float(conf["bm25"]["b"])
    found = plan(kind, query, every=every)
    if found is None:
        return []
    weights, average = found.weights, found.average
    chosen = list(weights)
    ids = candidates(kind, query, found, every=every)
    if not ids:
        return []
    ideal = sum(weights[t] for t in chosen) or 1.0
    groups = [t for t in query.ipc if len(t) > 4]  # main groups ("h01m10"); the rest are subclasses
    subclasses = [t for t in query.ipc if t not in groups]
    w = conf["weights"]
    matches = []
    for object_id, frequencies, length, ipc_text, doc_field, region_id in _candidate_rows(ids, chosen):
        if query.exclude == (kind, object_id):
            continue
        contributions = {}
        for term, tf in zip(chosen, frequencies, strict=True):
            if tf:
                norm = 1 - b + b * (length / average if average else 1)
                contributions[term] = weights[term] * tf * (k1 + 1) / (tf + k1 * norm)
        text = min(1.0, sum(contributions.values()) / ideal)
        doc_ipc = set(ipc_text.split())
        shared_groups = [t for t in groups if t in doc_ipc]
        shared_subclasses = [t for t in subclasses if t in doc_ipc]
        ipc = 0.0
        if groups:
            ipc += float(w["ipc_main_group"]) * len(shared_groups) / len(groups)
        if subclasses:
            ipc += float(w["ipc_subclass"]) * len(shared_subclasses) / len(subclasses)
        ipc = min(1.0, ipc)
        same_field = bool(query.field) and query.field == doc_field
        same_region = query.region_id is not None and query.region_id == region_id
        score = (
            float(w["text"]) * text
            + float(w["ipc"]) * ipc
            + float(w["field"]) * same_field
            + float(w["region"]) * same_region
        )
        top = sorted(contributions, key=lambda t: (-contributions[t], t))[:6]
        shared_ipc = [_ipc_label(t) for t in shared_groups] or [_ipc_label(t) for t in shared_subclasses]
        matches.append(Match(kind, object_id, score, text, ipc, same_field, same_region, top, shared_ipc))
    matches.sort(key=lambda m: (-m.score, m.object_id))
    return matches[:limit]


def _candidate_rows(ids: list[int], terms: list[str]) -> list[tuple[Any, ...]]:
    """(object id, [frequency of each term], length, ipc, field, region) of the candidates: only the
    frequencies of the chosen terms leave the database, not each document's whole term table."""
    vendor = connection.vendor
    if vendor == "postgresql":
        # `counts || '{}'` in a subquery kept apart (OFFSET 0): each row's JSON is read (and
        # decompressed) once, not once per term.
        picks = ", ".join("(c->>%s)::int" for _ in terms)
        params: list[Any] = [*terms]
    else:
        picks = ", ".join("json_extract(counts, %s)" for _ in terms)
        # Django writes JSON with \u escapes, and SQLite compares an object's labels as written.
        params = [f'$."{json.dumps(t)[1:-1]}"' for t in terms]
    placeholders = ", ".join("%s" for _ in ids)
    columns = "object_id, length, ipc, field, region_id"
    if vendor == "postgresql":
        sql = (
            f"SELECT {columns}{', ' + picks if terms else ''} FROM (SELECT {columns}, "
            f"counts || '{{}}'::jsonb AS c FROM market_matchdoc WHERE id IN ({placeholders}) OFFSET 0) d"
        )
    else:
        sql = f"SELECT {columns}{', ' + picks if terms else ''} FROM market_matchdoc WHERE id IN ({placeholders})"
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *ids])
        return [
            (row[0], [int(v or 0) for v in row[5:]], row[1], row[2], row[3], row[4])
            for row in cursor.fetchall()
        ]


def _ipc_label(term: str) -> str:
    """ "h01m10" -> "H01M 10"; "h01m" -> "H01M"."""
    code = term.upper()
    return code if len(code) == 4 else f"{code[:4]} {code[4:]}"


def search_ids(kind: str, text: str, *, limit: int = 1000) -> list[int] | None:
    """Object ids of `kind` whose document holds every word of `text`, most relevant first; None when
    the text has no searchable word (a number, a single character): the caller searches otherwise."""
    query = text_query(text)
    if not query.terms:
        return None
    return [m.object_id for m in rank(kind, query, limit=limit, every=True)]
