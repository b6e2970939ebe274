"""The API's registry lists (trademarks, geographical indications, pledges, licences) and the market
(offers, needs): the same rows as the owner's pages, with the pages' filters; unknown addresses under
/api/ answer JSON."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from ipcity.api.tests.data import bearer, tokens_for
from ipcity.market.tests.helpers import make_need, make_offer
from ipcity.registry.tests.test_lists import BUILDERS, SEES
from ipcity.test import Personas

pytestmark = pytest.mark.django_db


def get(secret: str, path: str, **params: Any) -> Any:
    response = Client().get(path, params, **bearer(secret))
    assert response.status_code == 200, response.content
    return response.json()


@pytest.mark.parametrize(("kind", "path"), [("pledges", "pledges"), ("licences", "licences")])
def test_pledges_and_licences_as_the_lists_scope_them(
    tmp_path: Path, personas: Personas, kind: str, path: str
) -> None:
    BUILDERS[kind](tmp_path)
    tokens = tokens_for(personas)
    for persona, expected in SEES[kind].items():
        body = get(tokens[persona], f"/api/registry/{path}", page_size=200)
        assert body["count"] == len(body["items"]) == expected, persona
    own = get(tokens["enterprise_a"], f"/api/registry/{path}")["items"]
    org_a = personas.org_a.pk
    assert all(
        org_a in (x.get("pledgor_id"), x.get("pledgee_id"), x.get("licensor_id"), x.get("licensee_id"))
        for x in own
    )


def test_pledge_amounts_are_exact_strings_and_filters_apply(tmp_path: Path, personas: Personas) -> None:
    BUILDERS["pledges"](tmp_path)
    admin = tokens_for(personas)["admin"]
    body = get(admin, "/api/registry/pledges", year=2024)
    assert sorted(x["amount"] for x in body["items"]) == ["1000000.00", "500000.50"]
    assert {x["item_count"] for x in body["items"]} == {1, 3}
    assert get(admin, "/api/registry/pledges", q="测试乙")["count"] == 1


def test_trademarks_and_geographical_indications_with_the_pages_filters(
    tmp_path: Path, personas: Personas
) -> None:
    BUILDERS["trademarks"](tmp_path)
    BUILDERS["gis"](tmp_path)
    admin = tokens_for(personas)["admin"]
    marks = get(admin, "/api/registry/trademarks", page_size=200)
    assert marks["count"] >= 2
    nine = get(admin, "/api/registry/trademarks", nice_class=9)["items"]
    assert nine and all(9 in t["classes"] for t in nine)
    assert {t["name"] for t in nine} == {"甲星"}
    gis = get(admin, "/api/registry/geographical-indications", q="莱阳")["items"]
    assert [(g["product"], g["region"], g["demonstration_zone_label"]) for g in gis] == [
        ("莱阳梨", "莱山区", "示范区通过验收")
    ]
    refused = Client().get("/api/registry/trademarks", {"kind": "nonsense"}, **bearer(admin))
    assert refused.status_code == 422 and refused.json()["detail"]


def test_market_offers_and_needs_are_the_published_ones(personas: Personas) -> None:
    offer = make_offer(personas.org_a, title="高效海水淡化膜组件", applications="工业废水处理")
    make_offer(personas.org_a, publish=False, title="尚未发布的成果")
    need = make_need(personas.org_b)
    secret = tokens_for(personas)["enterprise_b"]
    offers = get(secret, "/api/market/offers")["items"]
    assert [o["title"] for o in offers] == ["高效海水淡化膜组件"]
    assert offers[0]["patents"] == [offer.patents.get().application_number]
    assert offers[0]["contact_phone"] == "0535-1234567"  # a token is a signed-in user
    assert get(secret, "/api/market/offers", q="废水")["count"] == 1
    assert get(secret, "/api/market/offers", q="电池")["count"] == 0
    needs = get(secret, "/api/market/needs")["items"]
    assert [(n["id"], n["budget_max"]) for n in needs] == [(need.pk, "500000.00")]


def test_an_unknown_api_address_answers_json_404(personas: Personas) -> None:
    secret = tokens_for(personas)["admin"]
    response = Client().get("/api/registry/nothing-here", **bearer(secret))
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert "没有这个接口" in response.json()["detail"]
    assert Client().get("/api/tokens/").status_code == 302  # the token page is still a page
