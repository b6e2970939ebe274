"""专利导航 (market/navigation.py): the industry map counts the same patents as the registry's list
with the same scope, and each count opens that list."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from ipcity.market import navigation
from ipcity.market.tests.helpers import patent
from ipcity.registry.choices import Industry
from ipcity.registry.industries import SCOPES_FILE, ScopeError, _scope, scopes
from ipcity.registry.models import Organisation, PatentIPC
from ipcity.test import Personas

pytestmark = pytest.mark.django_db


def _ipc(p, code: str) -> None:
    subclass, rest = code[:4], code[4:].strip()
    PatentIPC.objects.create(
        patent=p,
        code=f"{subclass} {rest}",
        subclass=subclass,
        main_group=f"{subclass} {rest.split('/')[0]}",
        position=0,
    )


def test_the_scopes_file_names_the_platforms_industries_and_refuses_bad_codes() -> None:
    found = scopes()
    assert {s.code for s in found.values() if s.kind == "industry"} == set(Industry.values) - {"other"}
    assert (
        found["gold_processing"].main_groups == ("C22B 11", "C22C 5")
        and "A44C" in found["gold_processing"].subclasses
    )
    assert all(found[s.industry].kind == "industry" for s in found.values() if s.kind == "chain")
    with pytest.raises(ScopeError, match="不是小类"):
        _scope({"code": "x", "name": "错", "ipc": ["C22B11/00x"]}, "chain")
    assert SCOPES_FILE.exists()


def test_the_map_of_a_chain_counts_what_the_registry_list_shows(personas: Personas) -> None:
    today = timezone.localdate()
    inside = []
    for i, (code, kind, year) in enumerate(
        [
            ("C22B 11/02", "invention", 2019),
            ("C22B 11/04", "invention", 2021),
            ("C22C 5/02", "utility_model", 2021),
            ("A44C 27/00", "design", 2022),
        ]
    ):
        p = patent(personas.org_a if i < 3 else personas.org_b, kind=kind, filed=dt.date(year, 3, 1))
        _ipc(p, code)
        inside.append(p)
    for code in ("C22B 3/04", "C22C 1/00"):  # the same subclasses, other main groups: outside
        _ipc(patent(personas.org_a), code)
    user = Organisation.objects.create(
        name="测试黄金饰品公司", kind="enterprise", industry="nonferrous_precious"
    )
    scope = scopes()["gold_processing"]
    found = navigation.industry_map(None, scope, on=today)
    assert found.total == 4
    assert {(r["year"], r["type"], r["count"]) for r in found.year_type_rows} == {
        (2019, "发明", 1),
        (2021, "发明", 1),
        (2021, "实用新型", 1),
        (2022, "外观设计", 1),
    }
    assert [(h["name"], h["count"]) for h in found.holders] == [("测试甲公司", 3), ("测试乙公司", 1)]
    assert {r["main_group"]: r["count"] for r in found.ipc} == {"C22B 11": 2, "C22C 5": 1, "A44C 27": 1}
    assert [u["name"] for u in found.users] == [user.name]
    # Each number equals the registry's patent list opened by its link.
    client = personas.client(personas.admin)

    def listed(url: str) -> int:
        page = client.get(url).content.decode()
        return int(re.search(r"共\s*([\d,]+)\s*件", page).group(1).replace(",", ""))  # type: ignore[union-attr]

    assert listed(found.url) == found.total
    for row in found.year_type_rows + found.ipc:
        assert listed(row["url"]) == row["count"], row
    page = client.get(f"/market/navigation/{scope.code}/").content.decode()
    assert 'data-testid="map-total"' in page and "industry-map-data" in page
    assert client.get(f"/market/navigation/{scope.code}/", {"format": "xlsx"}).status_code == 200
    assert client.get("/market/navigation/no_such_scope/").status_code == 404
    assert personas.client(None).get("/market/navigation/").status_code == 200
