"""Matching and full-text search (market/matching.py): jieba terms in the database's full-text index
(PostgreSQL GIN, SQLite FTS5), BM25 + IPC + field + region, each match with its reasons."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command

from ipcity.core.models import AuditEvent, Job, Region
from ipcity.lib.words import document_terms, query_terms
from ipcity.market import matching, selectors, services
from ipcity.market.choices import MatchKind
from ipcity.market.models import MatchDoc, MatchTerm
from ipcity.market.tests.helpers import CLI, make_need, make_offer, patent
from ipcity.registry.models import Organisation, PatentHolder, PatentIPC
from ipcity.test import Personas

pytestmark = pytest.mark.django_db

ABSTRACT = "本发明公开了一种固态电解质膜，由硫化物与聚合物复合而成，用于全固态锂离子电池，提高界面稳定性。"


def _ipc(p, *codes: str) -> None:
    for i, code in enumerate(codes):
        subclass, rest = code[:4], code[4:].strip()
        group = rest.split("/")[0]
        PatentIPC.objects.create(
            patent=p,
            code=f"{subclass} {rest}",
            subclass=subclass,
            main_group=f"{subclass} {group}",
            position=i + 1,
        )


def _battery_offer(personas: Personas, **overrides):
    offer = make_offer(
        personas.org_a, publish=False, title="新型储能材料", description="", applications="", **overrides
    )
    p = offer.patents.get()
    p.title, p.abstract = "一种复合膜及其制备方法", ABSTRACT
    p.save()
    _ipc(p, "H01M 10/0562")
    services.publish_offer(offer, actor=CLI)
    offer.refresh_from_db()
    return offer


def test_words_drop_punctuation_single_characters_and_stopwords() -> None:
    terms = document_terms("一种固态电解质膜及其制备方法，用于锂离子电池。")
    assert "固态" in terms and "电解质" in terms and "锂离子" in terms and "离子" in terms
    assert not {"一种", "，", "膜", "及其", "用于"} & set(terms)
    assert query_terms("固态电解质膜") == ["固态", "电解质"]


def test_a_phrase_only_in_a_patent_abstract_finds_the_offer(personas: Personas) -> None:
    offer = _battery_offer(personas)
    other = make_offer(personas.org_a, title="海水淡化膜组件")
    assert matching.search_ids(MatchKind.OFFER, "固态电解质") == [offer.pk]
    # Every word must be there: a phrase with a word the offer lacks finds nothing.
    assert matching.search_ids(MatchKind.OFFER, "固态电解质 海水淡化") == []
    assert matching.search_ids(MatchKind.OFFER, "海水淡化") == [other.pk]
    assert (
        matching.search_ids(MatchKind.OFFER, "膜") is None
    )  # nothing searchable: the caller searches otherwise


def test_the_index_follows_the_offer_status_and_counts_stay_exact(personas: Personas) -> None:
    offer = _battery_offer(personas)
    row = MatchDoc.objects.get(kind=MatchKind.OFFER, object_id=offer.pk)
    assert "h01m" in row.ipc.split() and "h01m10" in row.ipc.split()
    assert MatchTerm.objects.get(kind=MatchKind.OFFER, term="").docs == 1
    assert MatchTerm.objects.get(kind=MatchKind.OFFER, term="电解质").docs == 1
    services.unlist_offer(offer, actor=CLI)
    assert not MatchDoc.objects.filter(kind=MatchKind.OFFER, object_id=offer.pk).exists()
    assert matching.search_ids(MatchKind.OFFER, "固态电解质") == []
    totals = MatchTerm.objects.get(kind=MatchKind.OFFER, term="")
    assert (totals.docs, totals.length) == (0, 0)
    assert MatchTerm.objects.get(kind=MatchKind.OFFER, term="电解质").docs == 0
    services.publish_offer(offer, actor=CLI)
    # A rebuild from the data gives the same statistics as the step-by-step upkeep.
    live = MatchTerm.objects.filter(kind=MatchKind.OFFER, docs__gt=0)
    kept = sorted(live.values_list("term", "docs", "length"))
    matching.rebuild_index([MatchKind.OFFER])
    assert sorted(live.values_list("term", "docs", "length")) == kept


def test_a_need_ranks_offers_by_text_field_and_region_and_says_why(personas: Personas) -> None:
    battery = _battery_offer(personas, field="clean_energy", region=personas.org_a.region)
    unrelated = make_offer(personas.org_a, title="海水淡化膜组件", field="clean_energy")
    need = services.create_need(
        actor=CLI,
        organisation=personas.org_b,
        values={
            "title": "固态电池电解质",
            "problem": "寻求提高固态电解质界面稳定性的技术，用于动力电池。",
            "field": "clean_energy",
            "budget_min": None,
            "budget_max": None,
            "deadline": None,
            "region": personas.org_a.region,
            "contact_person": "李经理",
            "contact_phone": "0535-7654321",
        },
    )
    services.publish_need(need, actor=CLI)
    found = matching.rank(MatchKind.OFFER, matching.query_of(matching.need_document(need)))
    assert [m.object_id for m in found] == [battery.pk]  # the desalination offer shares no word
    best = found[0]
    assert "电解质" in best.shared_terms and len(best.shared_terms) <= 6
    need_terms = set(document_terms(need.title + need.problem))
    offer_terms = set(MatchDoc.objects.get(kind=MatchKind.OFFER, object_id=battery.pk).terms.split())
    assert set(best.shared_terms) <= need_terms & offer_terms
    assert best.same_field and best.same_region and 0 < best.text <= 1
    assert unrelated.pk not in [m.object_id for m in found]
    # The other way round: the offer finds the need.
    back = matching.rank(MatchKind.NEED, matching.query_of(matching.offer_document(battery)))
    assert [m.object_id for m in back] == [need.pk]


def test_ipc_overlap_alone_finds_an_enterprise_and_is_reported(personas: Personas) -> None:
    offer = _battery_offer(personas)
    org_c = Organisation.objects.create(
        name="测试丙电池公司",
        kind="enterprise",
        region=Region.objects.exclude(pk=personas.org_a.region_id or 0).first(),
    )
    p = patent(org_c, title="电极浆料涂布机")  # no word in common with the offer
    _ipc(p, "H01M 10/04")
    matching.rebuild_index([MatchKind.ORGANISATION])
    found = matching.rank(MatchKind.ORGANISATION, matching.query_of(matching.offer_document(offer)))
    by_id = {m.object_id: m for m in found}
    assert org_c.pk in by_id
    assert by_id[org_c.pk].shared_ipc == ["H01M 10"] and by_id[org_c.pk].text == 0
    assert by_id[org_c.pk].ipc == pytest.approx(1.0)


def test_bm25_prefers_the_rarer_word_and_ranks_ties_by_id(personas: Personas) -> None:
    docs = [
        matching.Document(MatchKind.NEED, 900 + i, text, [])
        for i, text in enumerate(["锂电池 隔膜", "锂电池 外壳", "锂电池 外壳", "锂电池 外壳"])
    ]
    for document in docs:
        matching.put_document(document)
    found = matching.rank(MatchKind.NEED, matching.Query(Counter({"锂电池": 1, "隔膜": 1})))
    assert found[0].object_id == 900  # holds the rare word 隔膜
    assert [m.object_id for m in found[1:]] == [901, 902, 903]
    assert found[0].score > found[1].score and found[1].score == found[2].score


def test_the_demo_need_finds_offers_through_the_page(personas: Personas) -> None:
    offer = _battery_offer(personas)
    need = make_need(personas.org_b)
    need.problem = "需要固态电解质相关技术"
    need.save()
    matching.sync_need(need)
    client = personas.client(personas.enterprise_b)
    page = client.get(f"/market/needs/{need.pk}/matches/")
    assert page.status_code == 200
    text = page.content.decode()
    assert offer.title in text and "电解质" in text


def test_candidate_enterprises_are_shown_to_the_offer_side_only(personas: Personas) -> None:
    offer = _battery_offer(personas)
    p = patent(personas.org_b, title="硫化物固态电解质的制备")
    _ipc(p, "H01M 10/0562")
    matching.rebuild_index([MatchKind.ORGANISATION])
    url = f"/market/offers/{offer.pk}/matches/"
    own = personas.client(personas.enterprise_a).get(url).content.decode()
    assert 'data-testid="matched-enterprises"' in own and personas.org_b.name in own
    assert "相同 IPC：H01M 10" in own
    for user in (personas.enterprise_b, None):
        other = personas.client(user).get(url)
        assert other.status_code == 200 and "可能有意向的企业" not in other.content.decode()
    # The holder itself is never its own candidate.
    found = selectors.offer_matches(personas.admin, offer)["enterprises"]
    assert personas.org_a.pk not in [org.pk for org, _ in found]


def test_matches_of_an_unpublished_offer_are_not_shown_to_others(personas: Personas) -> None:
    offer = make_offer(personas.org_a, publish=False)
    assert (
        personas.client(personas.enterprise_b).get(f"/market/offers/{offer.pk}/matches/").status_code == 404
    )


def test_the_offer_list_search_uses_the_index(personas: Personas) -> None:
    offer = _battery_offer(personas)
    make_offer(personas.org_a, title="海水淡化膜组件")
    page = personas.client(None).get("/market/", {"q": "固态电解质"}).content.decode()
    assert offer.title in page and "海水淡化膜组件" not in page
    number = offer.patents.get().application_number
    assert offer.title in personas.client(None).get("/market/", {"q": number}).content.decode()


def test_the_city_office_rebuilds_the_index_as_a_job_and_it_is_audited(personas: Personas) -> None:
    _battery_offer(personas)
    patent(personas.org_b, title="电极浆料涂布机")
    assert personas.client(personas.enterprise_a).get("/market/index/").status_code in (302, 403)
    assert personas.client(personas.enterprise_a).post("/market/index/").status_code in (302, 403)
    assert not MatchDoc.objects.filter(kind=MatchKind.ORGANISATION).exists()
    client = personas.client(personas.admin)
    page = client.get("/market/index/").content.decode()
    assert "尚未建立" in page
    response = client.post("/market/index/")
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/jobs/{job.pk}/")
    assert job.status == "succeeded", job.error
    organisations = set(
        MatchDoc.objects.filter(kind=MatchKind.ORGANISATION).values_list("object_id", flat=True)
    )
    assert organisations == {personas.org_a.pk, personas.org_b.pk}
    event = AuditEvent.objects.get(action="market_index.rebuild")
    assert event.actor == personas.admin and (event.after or {})["indexed_organisation"] == 2


def test_the_reindex_command_prints_what_it_built(personas: Personas) -> None:
    _battery_offer(personas)
    out = StringIO()
    call_command("market", "reindex", "--kind", "offer", verbosity=0, stdout=out)
    assert "技术供给：1 条" in out.getvalue()
    out = StringIO()
    call_command("market", "reindex", "--dry-run", stdout=out)
    assert (
        "企业：1 条" in out.getvalue()
        and not AuditEvent.objects.filter(
            action="market_index.rebuild", actor_label="market reindex", after__indexed_organisation=1
        ).exists()
    )


def test_a_common_word_beyond_the_budget_is_scored_but_not_searched(
    personas: Personas, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(matching, "CANDIDATE_BUDGET", 2)
    for i, text in enumerate(["锂电池 隔膜", "锂电池 外壳", "锂电池 外壳", "锂电池 外壳"]):
        matching.put_document(matching.Document(MatchKind.NEED, 700 + i, text, []))
    query = matching.Query(Counter({"锂电池": 1, "隔膜": 1}))
    found = matching.plan(MatchKind.NEED, query)
    assert found is not None and found.chosen == ["隔膜"] and set(found.weights) == {"锂电池", "隔膜"}
    ranked = matching.rank(MatchKind.NEED, query)
    assert [m.object_id for m in ranked] == [700]
    assert set(ranked[0].shared_terms) == {"锂电池", "隔膜"}  # both words count in its score


def test_enterprise_documents_are_built_in_batches_from_the_most_recent_patents(
    personas: Personas, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(matching, "ORGANISATION_PATENT_TITLES", 5)
    monkeypatch.setattr(matching, "ORGANISATION_PATENT_ABSTRACTS", 2)
    start = dt.date(2020, 1, 1)
    made = []
    for i in range(7):  # filed one month apart: the last made is the most recent
        p = patent(personas.org_a, filed=start + dt.timedelta(days=31 * i), title=f"第{i}号装置")
        p.abstract = f"摘要{i}号内容"
        p.save()
        _ipc(p, f"H01M {i + 1}/00")
        made.append(p)
    other = patent(personas.org_b, title="乙公司装置")
    _ipc(other, "B65G 1/00")
    # The second patent also names 测试甲公司 again (a second position): counted once.
    PatentHolder.objects.create(
        patent=made[6], position=2, name=personas.org_a.name, name_key="x", organisation=personas.org_a
    )
    both = matching.organisation_documents([personas.org_a, personas.org_b])
    assert [d.object_id for d in both] == [personas.org_a.pk, personas.org_b.pk]
    a, b = both
    assert a.text.split("\n") == [
        "第6号装置",
        "摘要6号内容",
        "第5号装置",
        "摘要5号内容",
        "第4号装置",
        "第3号装置",
        "第2号装置",
    ]
    assert sorted(a.ipc) == sorted(["h01m", *(f"h01m{i}" for i in range(3, 8))])  # the five recent ones
    assert b.text == "乙公司装置" and b.ipc == ["b65g", "b65g1"]
    # One at a time gives the same documents.
    assert matching.organisation_document(personas.org_a) == a
    assert matching.organisation_document(personas.org_b) == b


def test_when_every_word_is_common_candidates_hold_the_rarest_ones_same_field_first(
    personas: Personas, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Eight needs share 电池; three hold 涂层, three others 隔膜. With a budget of 2 documents no
    # word fits: the plan asks for the documents holding the rarest words together.
    monkeypatch.setattr(matching, "CANDIDATE_BUDGET", 2)
    monkeypatch.setattr(matching, "CONJUNCTION_TARGET", 1)
    monkeypatch.setattr(matching, "CONJUNCTION_ENOUGH", 2)
    texts = ["电池 涂层"] * 3 + ["电池 隔膜"] * 3 + ["电池 外壳"] * 2
    fields = ["clean_energy", "other", "clean_energy", *["clean_energy"] * 5]
    for i, (text, field) in enumerate(zip(texts, fields, strict=True)):
        matching.put_document(matching.Document(MatchKind.NEED, 700 + i, text, [], field))
    query = matching.Query(Counter({"电池": 1, "隔膜": 1, "涂层": 1}), field="clean_energy")
    found = matching.plan(MatchKind.NEED, query)
    assert found is not None and found.conjunctive
    # The rarest first (ties by the word), until at most one document is expected: 8 × 3/8 × 3/8
    # × 8/8 is still 1.125, so all three.
    assert found.chosen == ["涂层", "隔膜", "电池"]
    # No document holds them all, nor 涂层 and 隔膜: the last word is dropped twice.
    ids = matching.candidates(MatchKind.NEED, query, found)
    rows = dict(MatchDoc.objects.filter(kind=MatchKind.NEED).values_list("pk", "object_id"))
    assert [rows[i] for i in ids] == [700, 702, 701]  # the same field first, then in order
    monkeypatch.setattr(matching, "CONJUNCTION_LIMIT", 2)
    assert [rows[i] for i in matching.candidates(MatchKind.NEED, query, found)] == [700, 702]
    assert [m.object_id for m in matching.rank(MatchKind.NEED, query)] == [700, 702]
