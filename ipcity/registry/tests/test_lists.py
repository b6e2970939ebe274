"""List pages of trademarks, geographical indications, pledges and licences/transfers: who may see
them, each filter, the Excel export of the filtered list, and query budgets that do not grow with data.

Data comes in through the real importer (as in test_views.py), linked to the personas' organisations
by name: 测试甲公司 (芝罘区), 测试乙公司 (莱山区)."""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from ipcity.core.models import Region
from ipcity.registry.importers import import_file
from ipcity.registry.models import Licence
from ipcity.registry.tests.helpers import ACTOR, app_no, write_csv
from ipcity.test import Personas

pytestmark = pytest.mark.django_db
PUBLIC = ["trademarks", "gis"]  # published registrations: everyone
SCOPED = ["pledges", "licences"]  # amounts and fees: those who may see a party (the 一企一档 rule)


@pytest.fixture
def client(personas: Personas) -> Any:
    """The city office, who sees every row of every list (visibility has its own tests)."""
    return personas.client(personas.admin)


ALL = ["anon", "admin", "liaison", "district_a", "district_b", "enterprise_a", "enterprise_b", "agency"]
URLS = {
    "trademarks": "/registry/trademarks/",
    "gis": "/registry/geographical-indications/",
    "pledges": "/registry/pledges/",
    "licences": "/registry/licences/",
}


def _import(tmp_path: Path, kind: str, headers: list[str], rows: list[list[Any]], batch: int) -> None:
    result = import_file(kind, write_csv(tmp_path / f"{kind}-{batch}.csv", headers, rows), actor=ACTOR)
    assert not result.refused and result.created == len(rows), result.errors


def trademarks(tmp_path: Path, batch: int = 0) -> None:
    """T1 甲星 (甲, classes 9/42, Madrid, 驰名, 2020), T2 乙源 (乙, class 4, collective, 2021),
    T3 烟台苹果 (unlinked holder, GI mark, 2021), T4 甲之星 (甲, class 42, certification, pending)."""
    n = 10_000_000 + batch * 10
    rows = [
        [n + 1, "甲星", "9;42", "测试甲公司", "普通商标", "已注册", "2020-03-01", 1_500_001 + batch, "是"],
        [n + 2, "乙源", "4", "测试乙公司", "集体商标", "已注册", "2021-05-01", "", "否"],
        [n + 3, "烟台苹果", "31", "外地果业协会", "地理标志证明商标", "已注册", "2021-06-01", "", ""],
        [n + 4, "甲之星", "42", "测试甲公司", "证明商标", "申请中", "", "", ""],
    ]
    headers = [
        "注册号",
        "商标名称",
        "国际分类",
        "注册人",
        "商标类型",
        "商标状态",
        "注册日期",
        "国际注册号",
        "驰名商标",
    ]
    _import(tmp_path, "trademarks", headers, rows, batch)


def gis(tmp_path: Path, batch: int = 0) -> None:
    """G1 烟台苹果 (mark, 芝罘区, 甲, 筹建), G2 莱阳梨 (product, 莱山区, unlinked, 验收),
    G3 龙口粉丝 (product, 莱山区, 乙, none)."""
    suffix = f"{batch}" if batch else ""
    rows = [
        [f"烟台苹果{suffix}", "地理标志商标", "芝罘区", "测试甲公司", "GI-001", "2010-01-01", "筹建"],
        [f"莱阳梨{suffix}", "地理标志保护产品", "莱山区", "外地梨业协会", "GI-002", "2012-02-02", "通过验收"],
        [f"龙口粉丝{suffix}", "地理标志保护产品", "莱山区", "测试乙公司", "GI-003", "2014-03-03", "无"],
    ]
    headers = ["产品名称", "地理标志类别", "所属区市", "持有人", "公告号/注册号", "批准日期", "保护示范区"]
    _import(tmp_path, "gis", headers, rows, batch)


def pledges(tmp_path: Path, batch: int = 0) -> None:
    """P1 (甲, 2 patents, 3,000,000 元, 2023), P2 (乙, 2 patents + 1 mark, 500,000.50 元, 2024),
    P3 (unlinked pledgor, 1 patent, 1,000,000 元, 2024)."""
    p = [app_no(2020, "1", batch * 10 + i) for i in range(1, 6)]
    rows = [
        [f"Y2023{batch:02d}001", "测试甲公司", "测试银行", f"{p[0]};{p[1]}", "", "3000000", "2023-05-05",
         "2023-05-05", "2025-05-04"],
        [f"Y2024{batch:02d}002", "测试乙公司", "测试甲公司", f"{p[2]};{p[3]}", "12345678", "500000.50",
         "2024-01-02", "", ""],
        [f"Y2024{batch:02d}003", "外地科技公司", "测试银行", p[4], "", "1000000", "2024-06-01", "", ""],
    ]  # fmt: skip
    headers = ["质押登记号", "出质人", "质权人", "专利申请号", "商标注册号", "担保金额（元）", "登记日", "质押起始日",
               "质押到期日"]  # fmt: skip
    _import(tmp_path, "pledges", headers, rows, batch)


def licences(tmp_path: Path, batch: int = 0) -> None:
    """L1 (甲 → 乙, exclusive, 2023, recorded), L2 (乙 → unlinked, assignment, 2024, not recorded, no 备案号),
    L3 (unlinked → 甲, open licence, 2024, recorded, no fee)."""
    p = [app_no(2021, "1", batch * 10 + i) for i in range(1, 5)]
    rows = [
        [f"X2023{batch:02d}01", "独占许可", "测试甲公司", "测试乙公司", p[0], "100000", "2023-03-03", "是"],
        ["", "转让", "测试乙公司", f"外地受让公司{batch}", f"{p[1]};{p[2]}", "50000", "2024-04-04", "否"],
        [f"X2024{batch:02d}02", "开放许可", "外地大学", "测试甲公司", p[3], "", "2024-07-07", "是"],
    ]
    headers = ["备案号", "许可类型", "许可人", "被许可人", "专利申请号", "费用（元）", "合同日期", "是否备案"]
    _import(tmp_path, "licences", headers, rows, batch)


BUILDERS = {"trademarks": trademarks, "gis": gis, "pledges": pledges, "licences": licences}


def outcome(response: Any) -> object:
    if response.status_code == 302:
        return "login" if "/accounts/login/" in response["Location"] else "redirect"
    return response.status_code


def keys(kind: str, objects: Any) -> list[str]:
    """What identifies a row on each page: 注册号, product, 登记号, licensor → licensee."""
    if kind == "trademarks":
        return sorted(o.registration_number for o in objects)
    if kind == "gis":
        return sorted(o.product for o in objects)
    if kind == "pledges":
        return sorted(o.registration_number for o in objects)
    return sorted(f"{o.licensor_name}→{o.licensee_name}" for o in objects)


def excel_rows(response: Any) -> list[tuple[Any, ...]]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))


def excel_keys(kind: str, rows: list[tuple[Any, ...]]) -> list[str]:
    if kind == "licences":
        return sorted(f"{r[2]}→{r[3]}" for r in rows[1:])
    return sorted(str(r[0]) for r in rows[1:])


# ---- who may see ----------------------------------------------------------------------------


@pytest.mark.parametrize("kind", PUBLIC)
@pytest.mark.parametrize("export", [False, True])
def test_everyone_may_see_the_lists_like_the_patent_list(
    tmp_path: Path, personas: Personas, kind: str, export: bool
) -> None:
    BUILDERS[kind](tmp_path)
    url = URLS[kind] + ("?format=xlsx" if export else "")
    for persona in ALL:
        user = None if persona == "anon" else getattr(personas, persona)
        response = personas.client(user).get(url)
        assert outcome(response) == 200, persona
        if export:
            assert len(excel_rows(response)) == 1 + (4 if kind == "trademarks" else 3), persona
        else:
            assert response.context["page"].paginator.count == (4 if kind == "trademarks" else 3), persona


# Rows each persona sees: pledges P1 (甲 → bank), P2 (乙 → 甲), P3 (outsider → bank); licences
# L1 (甲 → 乙), L2 (乙 → outsider), L3 (outsider → 甲). 甲 is in 芝罘区 (district_a), 乙 in 莱山区.
# A pledge belongs to its pledgor's region: 芝罘区 does not see P2, which 甲 took as pledgee.
SEES = {
    "pledges": {"admin": 3, "district_a": 1, "district_b": 1, "enterprise_a": 2, "enterprise_b": 1,
                "liaison": 0, "agency": 0},
    "licences": {"admin": 3, "district_a": 2, "district_b": 2, "enterprise_a": 2, "enterprise_b": 2,
                 "liaison": 0, "agency": 0},
}  # fmt: skip


@pytest.mark.parametrize("kind", SCOPED)
@pytest.mark.parametrize("export", [False, True])
def test_pledges_and_licences_only_where_the_user_may_see_a_party(
    tmp_path: Path, personas: Personas, kind: str, export: bool
) -> None:
    BUILDERS[kind](tmp_path)
    url = URLS[kind] + ("?format=xlsx" if export else "")
    assert outcome(personas.client(None).get(url)) == "login"
    for persona, expected in SEES[kind].items():
        response = personas.client(getattr(personas, persona)).get(url)
        rows = len(excel_rows(response)) - 1 if export else response.context["page"].paginator.count
        assert rows == expected, persona
    if not export:  # a party links to its profile only when the user may open it
        own = personas.client(personas.enterprise_a).get(url).content.decode()
        assert f'href="/registry/organisations/{personas.org_a.pk}/"' in own
        assert f'href="/registry/organisations/{personas.org_b.pk}/"' not in own and "测试乙公司" in own
    if kind == "pledges":  # the total covers only what the user sees
        response = personas.client(personas.district_b).get(url if not export else URLS[kind])
        assert response.context["total"] == Decimal("500000.50")


def test_pages_are_in_the_navigation(personas: Personas) -> None:
    public = personas.client(None).get("/registry/patents/").content.decode()
    signed_in = personas.client(personas.enterprise_a).get("/registry/patents/").content.decode()
    for kind, url in URLS.items():
        assert f'class="dropdown-item" href="{url}"' in signed_in
        assert (f'class="dropdown-item" href="{url}"' in public) == (kind in PUBLIC)


@pytest.mark.parametrize(("kind", "column"), [("trademarks", 2), ("gis", 3)])
def test_parties_link_to_profiles_only_when_the_user_may_see_them(
    tmp_path: Path, personas: Personas, kind: str, column: int
) -> None:
    BUILDERS[kind](tmp_path)
    link_a = f'href="/registry/organisations/{personas.org_a.pk}/"'
    link_b = f'href="/registry/organisations/{personas.org_b.pk}/"'
    own = personas.client(personas.enterprise_a).get(URLS[kind]).content.decode()
    assert link_a in own and link_b not in own and "测试乙公司" in own
    admin = personas.client(personas.admin).get(URLS[kind]).content.decode()
    assert link_a in admin and link_b in admin
    public = personas.client(None).get(URLS[kind]).content.decode()
    assert "测试甲公司" in public and "/registry/organisations/" not in public.split("<table", 1)[1]


# ---- filters --------------------------------------------------------------------------------

T1, T2, T3, T4 = "10000001", "10000002", "10000003", "10000004"
P1, P2, P3 = "Y202300001", "Y202400002", "Y202400003"
L1, L2, L3 = "测试甲公司→测试乙公司", "测试乙公司→外地受让公司0", "外地大学→测试甲公司"

FILTERS: list[tuple[str, dict[str, Any], list[str]]] = [
    ("trademarks", {}, [T1, T2, T3, T4]),
    ("trademarks", {"q": "甲"}, [T1, T4]),
    ("trademarks", {"q": "第10000002号"}, [T2]),
    ("trademarks", {"q": "外地果业"}, [T3]),
    ("trademarks", {"region": "芝罘区"}, [T1, T4]),
    ("trademarks", {"region": "莱山区"}, [T2]),
    ("trademarks", {"kind": "collective"}, [T2]),
    ("trademarks", {"kind": "gi_mark"}, [T3]),
    ("trademarks", {"nice_class": 4}, [T2]),  # not 42
    ("trademarks", {"nice_class": 42}, [T1, T4]),
    ("trademarks", {"nice_class": 9}, [T1]),
    ("trademarks", {"nice_class": 2}, []),  # not 42
    ("trademarks", {"madrid": "yes"}, [T1]),
    ("trademarks", {"madrid": "no"}, [T2, T3, T4]),
    ("trademarks", {"well_known": "yes"}, [T1]),
    ("trademarks", {"well_known": "no"}, [T2, T3, T4]),
    ("trademarks", {"status": "pending"}, [T4]),
    ("trademarks", {"status": "registered"}, [T1, T2, T3]),
    ("trademarks", {"year": 2021}, [T2, T3]),
    ("trademarks", {"year": 2021, "region": "莱山区"}, [T2]),
    ("gis", {}, ["烟台苹果", "莱阳梨", "龙口粉丝"]),
    ("gis", {"q": "梨"}, ["莱阳梨"]),
    ("gis", {"q": "测试乙"}, ["龙口粉丝"]),
    ("gis", {"q": "GI-001"}, ["烟台苹果"]),
    ("gis", {"region": "莱山区"}, ["莱阳梨", "龙口粉丝"]),
    ("gis", {"kind": "gi_product"}, ["莱阳梨", "龙口粉丝"]),
    ("gis", {"kind": "gi_mark"}, ["烟台苹果"]),
    ("gis", {"demonstration_zone": "building"}, ["烟台苹果"]),
    ("gis", {"demonstration_zone": "accepted"}, ["莱阳梨"]),
    ("gis", {"demonstration_zone": "none"}, ["龙口粉丝"]),
    ("pledges", {}, [P1, P2, P3]),
    ("pledges", {"q": "Y2024"}, [P2, P3]),
    ("pledges", {"q": "测试乙"}, [P2]),
    ("pledges", {"q": "测试甲"}, [P1, P2]),  # pledgor or pledgee
    ("pledges", {"region": "芝罘区"}, [P1]),
    ("pledges", {"region": "莱山区"}, [P2]),
    ("pledges", {"year": 2024}, [P2, P3]),
    ("pledges", {"min_amount": "1000000"}, [P1, P3]),
    ("pledges", {"min_amount": "1000000.01"}, [P1]),
    ("pledges", {"min_amount": "500000.50"}, [P1, P2, P3]),
    ("pledges", {"year": 2024, "min_amount": "600000"}, [P3]),
    ("licences", {}, [L1, L2, L3]),
    ("licences", {"q": "X2024"}, [L3]),
    ("licences", {"q": "测试乙"}, [L1, L2]),
    ("licences", {"kind": "assignment"}, [L2]),
    ("licences", {"kind": "exclusive"}, [L1]),
    ("licences", {"kind": "sole"}, []),
    ("licences", {"year": 2024}, [L2, L3]),
    ("licences", {"recorded": "yes"}, [L1, L3]),
    ("licences", {"recorded": "no"}, [L2]),
]


def _params(params: dict[str, Any]) -> dict[str, Any]:
    """Region names → ids, as the form's select sends them."""
    if "region" in params:
        params = {**params, "region": Region.objects.get(name=params["region"]).pk}
    return params


@pytest.mark.parametrize(("kind", "params", "expected"), FILTERS)
def test_each_filter_narrows_the_rows(
    tmp_path: Path, personas: Personas, kind: str, params: dict[str, Any], expected: list[str]
) -> None:
    BUILDERS[kind](tmp_path)
    params = _params(params)
    response = personas.client(personas.admin).get(URLS[kind], params)
    assert response.status_code == 200
    assert keys(kind, response.context["page"].object_list) == sorted(expected)
    assert response.context["page"].paginator.count == len(expected)


@pytest.mark.parametrize(("kind", "params", "expected"), FILTERS)
def test_excel_export_has_the_filtered_rows(
    tmp_path: Path, personas: Personas, kind: str, params: dict[str, Any], expected: list[str]
) -> None:
    BUILDERS[kind](tmp_path)
    response = personas.client(personas.admin).get(URLS[kind], {**_params(params), "format": "xlsx"})
    assert excel_keys(kind, excel_rows(response)) == sorted(expected)


def test_trademark_excel_columns(tmp_path: Path, personas: Personas, client: Any) -> None:
    trademarks(tmp_path)
    rows = excel_rows(client.get(URLS["trademarks"], {"madrid": "yes", "format": "xlsx"}))
    assert rows == [
        ("注册号", "商标名称", "注册人", "区市", "类别", "种类", "注册日", "状态", "马德里国际注册号"),
        (T1, "甲星", "测试甲公司", "芝罘区", "9、42", "普通商标", rows[1][6], "已注册", "1500001"),
    ]
    assert rows[1][6].date().isoformat() == "2020-03-01"


def test_pledge_excel_columns_and_amounts(tmp_path: Path, personas: Personas, client: Any) -> None:
    pledges(tmp_path)
    rows = excel_rows(client.get(URLS["pledges"], {"q": "测试乙", "format": "xlsx"}))
    assert rows[0] == (
        "登记号",
        "出质人",
        "质权人",
        "担保金额（元）",
        "登记日",
        "质押期限自",
        "质押期限至",
        "质押物（件）",
    )
    assert rows[1][:4] == (P2, "测试乙公司", "测试甲公司", 500000.5) and rows[1][-1] == 3


def test_licence_excel_leaves_generated_keys_out(tmp_path: Path, client: Any) -> None:
    licences(tmp_path)
    assert Licence.objects.get(kind="assignment").reference.startswith("AUTO-")
    rows = excel_rows(client.get(URLS["licences"], {"format": "xlsx"}))
    by_parties = {f"{r[2]}→{r[3]}": r for r in rows[1:]}
    assert by_parties[L2][0] is None and by_parties[L2][1] == "转让" and by_parties[L2][-2:] == ("否", 2)
    assert by_parties[L1][0] == "X20230001" and by_parties[L1][4] == 100000
    assert by_parties[L3][4] is None
    html = client.get(URLS["licences"]).content.decode()
    assert "AUTO-" not in html.split("<table", 1)[1].replace('data-licence="AUTO-', "")


# ---- what the pages show --------------------------------------------------------------------


def test_pledge_total_and_money_are_formatted_in_yuan(tmp_path: Path, client: Any) -> None:
    pledges(tmp_path)
    response = client.get(URLS["pledges"])
    assert response.context["total"] == Decimal("4500000.50")
    html = response.content.decode()
    assert '<strong data-testid="pledge-total">4,500,000.50 元</strong>' in html
    assert "3,000,000.00 元" in html and "2023-05-05–2025-05-04" in html
    response = client.get(URLS["pledges"], {"year": 2024})
    assert response.context["total"] == Decimal("1500000.50")
    assert "1,500,000.50 元" in response.content.decode()
    assert client.get(URLS["pledges"], {"year": 2019}).context["total"] == Decimal("0")


def test_item_counts(tmp_path: Path, client: Any) -> None:
    pledges(tmp_path)
    licences(tmp_path)
    counts = {p.registration_number: p.item_count for p in client.get(URLS["pledges"]).context["page"]}
    assert counts == {P1: 2, P2: 3, P3: 1}
    counts = {x.licensor_name: x.item_count for x in client.get(URLS["licences"]).context["page"]}
    assert counts == {"测试甲公司": 1, "测试乙公司": 2, "外地大学": 1}


@pytest.mark.parametrize("kind", list(URLS))
def test_htmx_request_gets_only_the_table(tmp_path: Path, client: Any, kind: str) -> None:
    BUILDERS[kind](tmp_path)
    html = client.get(URLS[kind], headers={"HX-Request": "true"}).content.decode()
    assert "<html" not in html and 'data-testid="result-count"' in html and "<table" in html
    assert "<html" in client.get(URLS[kind]).content.decode()


def test_invalid_filter_value_is_shown_not_applied(tmp_path: Path, client: Any) -> None:
    pledges(tmp_path)
    response = client.get(URLS["pledges"], {"min_amount": "很多"})
    assert response.status_code == 200 and response.context["form"].errors
    assert response.context["page"].paginator.count == 3


# ---- query budgets --------------------------------------------------------------------------

# The patent list's 8, + the parties' profile links (one query), + the pledge total. Measured as the
# city admin, whose pages also read the working-day calendar's version for its banner (one query).
BUDGETS = {
    "/registry/trademarks/": 9,
    "/registry/trademarks/?nice_class=42&madrid=no&year=2021": 9,
    "/registry/geographical-indications/": 9,
    "/registry/pledges/": 10,
    "/registry/pledges/?min_amount=100&year=2024": 10,
    "/registry/licences/": 8,  # no region choices in its form
    "/registry/licences/?recorded=yes&kind=exclusive": 8,
}


def test_list_pages_stay_within_query_budgets(
    tmp_path: Path, personas: Personas, django_assert_max_num_queries: Any
) -> None:
    for build in BUILDERS.values():
        build(tmp_path)
    admin = personas.client(personas.admin)

    def counts() -> dict[str, int]:
        out = {}
        for url, budget in BUDGETS.items():
            with django_assert_max_num_queries(budget) as captured:
                assert admin.get(url).status_code == 200
            out[url] = len(captured.captured_queries)
        return out

    small = counts()
    for build in BUILDERS.values():
        build(tmp_path, batch=1)  # twice the data, every party linked as before
    assert counts() == small
