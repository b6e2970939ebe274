"""The drill-down shows each user only the records the registry's lists would show them, on the page
and in its Excel alike, and says how many of the records behind the number it leaves out.

Data: 测试甲公司 (芝罘区, district_a), 测试乙公司 and 测试丙公司 (莱山区, district_b), and a bank in
芝罘区 that took all three pledges — its district must not see the other district's pledges."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from ipcity.core.models import Region
from ipcity.indicators.models import Indicator, Snapshot
from ipcity.indicators.services import compute_snapshots, record_training
from ipcity.indicators.tests.conftest import ACTOR
from ipcity.registry.importers import import_file
from ipcity.registry.services import upsert_organisation
from ipcity.registry.tests.helpers import app_no, write_csv
from ipcity.test import Personas

pytestmark = pytest.mark.django_db

BANK = "测试银行芝罘支行"
PLEDGE_HEADERS = ["质押登记号", "出质人", "质权人", "专利申请号", "担保金额（元）", "登记日"]
PA, PB, PC = "Y2024000001", "Y2024000002", "Y2024000003"  # pledgors 甲 (芝罘), 乙 and 丙 (莱山)
TRAINEES = ["张三", "李四"]


def _organisations() -> None:
    laishan = Region.objects.get(name="莱山区")
    zhifu = Region.objects.get(name="芝罘区")
    upsert_organisation(actor=ACTOR, name="测试丙公司", values={"kind": "enterprise", "region": laishan})
    upsert_organisation(actor=ACTOR, name=BANK, values={"kind": "financial_institution", "region": zhifu})


def _pledges(tmp_path: Path, batch: int = 0) -> None:
    """Three 2024 pledges, all to the bank in 芝罘区; `batch` adds another three like them."""
    rows = [
        [f"Y2024{batch:02d}{i:04d}", pledgor, BANK, app_no(2020, "1", batch * 10 + i), amount, "2024-03-03"]
        for i, (pledgor, amount) in enumerate(
            [("测试甲公司", "3100000"), ("测试乙公司", "5200000"), ("测试丙公司", "7300000")], start=1
        )
    ]
    result = import_file("pledges", write_csv(tmp_path / f"p{batch}.csv", PLEDGE_HEADERS, rows), actor=ACTOR)
    assert not result.refused and result.created == 3, result.errors


def _advantage_enterprises(tmp_path: Path) -> None:
    """Both enterprises recognised (2023, 2024) and first certified to GB/T 29490 in 2024."""
    rows = [
        ["91370602MADEM0001X", "测试甲公司", "市级知识产权优势企业（2023）", "IPMS-1", "2023", "2024-01-01", "2026-12-31"],
        ["91370613MADEM0002Y", "测试乙公司", "市级知识产权优势企业（2024）", "IPMS-2", "2023", "2024-02-02", "2027-02-01"],
    ]  # fmt: skip
    headers = ["统一社会信用代码", "名称", "标签", "贯标证书编号", "贯标标准版本", "发证日期", "证书有效期至"]
    path = write_csv(tmp_path / "o.csv", headers, rows)
    result = import_file("organisations", path, actor=ACTOR)
    assert not result.refused, result.errors


def _training() -> None:
    record_training(
        actor=ACTOR,
        title="专利导航培训",
        date=dt.date(2024, 5, 5),
        organiser="市市场监管局",
        region=Region.objects.get(name="芝罘区"),
        attendees=[{"name": n, "organisation": "测试甲公司"} for n in TRAINEES],
    )


@pytest.fixture
def data(tmp_path: Path, personas: Personas, indicators: None) -> None:
    _organisations()
    _pledges(tmp_path)
    _advantage_enterprises(tmp_path)
    _training()
    codes = [
        "pledge_count",
        "pledge_amount",
        "city_advantage_enterprises_new",
        "ip_management_standard_adopters_new",
        "ip_training_person_times",
    ]
    compute_snapshots(
        year=2024,
        as_of=dt.date(2024, 12, 31),
        actor=ACTOR,
        indicators=list(Indicator.objects.filter(code__in=codes)),
    )


def _url(code: str, region: str | None = None, xlsx: bool = False) -> str:
    snapshot = Snapshot.objects.get(indicator__code=code, year=2024, region__name=region)
    return f"/indicators/{code}/records/?snapshot={snapshot.pk}" + ("&format=xlsx" if xlsx else "")


def _page(client: Any, url: str) -> tuple[list[str], int, str]:
    """(first cell of each row, records left out, html) of a drill-down page."""
    response = client.get(url)
    assert response.status_code == 200
    rows = [str(next(iter(row.values()))) for row in response.context["rows"]]
    return sorted(rows), response.context.get("hidden"), response.content.decode()


def _excel(client: Any, url: str) -> list[str]:
    response = client.get(url)
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    return sorted(str(row[0]) for row in list(sheet.iter_rows(values_only=True))[1:])


def _check(
    personas: Personas, code: str, region: str | None, expected: dict[str, list[str]], total: int
) -> None:
    """Each persona's rows on the page equal those of the Excel, and shown + left out = the total."""
    pages = {}
    for persona, rows in expected.items():
        client = personas.client(getattr(personas, persona))
        pages[persona] = _page(client, _url(code, region))
        shown = pages[persona][0]
        assert shown == sorted(rows), (code, persona)
        assert _excel(client, _url(code, region, xlsx=True)) == shown, (code, persona)
    for persona, (shown, hidden, html) in pages.items():
        assert hidden == total - len(shown), (code, persona)
        if hidden:
            assert f"其中 {hidden} 条记录不在您的查看范围内" in html, (code, persona)
        else:
            assert "不在您的查看范围内" not in html, (code, persona)


def _refused(personas: Personas, code: str) -> None:
    """Enterprises and agencies are refused the drill-down and its Excel; the public must sign in."""
    for xlsx in (False, True):
        url = _url(code, xlsx=xlsx)
        for user in (personas.enterprise_a, personas.enterprise_b, personas.agency):
            assert personas.client(user).get(url).status_code == 403
        anonymous = personas.client(None).get(url)
        assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]


def test_pledges_as_the_pledge_list_shows_them(personas: Personas, data: None) -> None:
    """A pledge belongs to its pledgor's region: the bank's district sees only its own enterprise's
    pledge; liaisons see no pledge at all (no parties, no amounts)."""
    expected = {"admin": [PA, PB, PC], "district_a": [PA], "district_b": [PB, PC], "liaison": []}
    for code in ("pledge_count", "pledge_amount"):
        _check(personas, code, None, expected, total=3)
        _refused(personas, code)
    # The region's own number: district_b may not open 芝罘区's pledges either.
    _check(personas, "pledge_count", "芝罘区", {"admin": [PA], "district_a": [PA], "district_b": []}, total=1)
    _shown, _hidden, html = _page(personas.client(personas.liaison), _url("pledge_amount"))
    assert BANK not in html and "测试乙公司" not in html and "5200000" not in html
    # The registry's own list agrees, row for row.
    for persona in ("admin", "district_a", "district_b", "liaison"):
        response = personas.client(getattr(personas, persona)).get("/registry/pledges/")
        listed = sorted(p.registration_number for p in response.context["page"])
        assert listed == sorted(expected[persona]), persona


def test_trainee_names_only_for_the_city_office(personas: Personas, data: None) -> None:
    expected = {"admin": ["专利导航培训", "专利导航培训"], "district_a": [], "district_b": [], "liaison": []}
    _check(personas, "ip_training_person_times", None, expected, total=2)
    _check(personas, "ip_training_person_times", "芝罘区", expected, total=2)
    _refused(personas, "ip_training_person_times")
    for persona in ("district_a", "liaison"):
        client = personas.client(getattr(personas, persona))
        _shown, _hidden, html = _page(client, _url("ip_training_person_times", "芝罘区"))
        assert all(name not in html for name in TRAINEES), persona
        sheet = client.get(_url("ip_training_person_times", "芝罘区", xlsx=True)).content
        cells = [
            c
            for row in openpyxl.load_workbook(io.BytesIO(sheet)).active.iter_rows(values_only=True)
            for c in row
        ]
        assert all(name not in cells for name in TRAINEES), persona


def test_organisations_as_the_organisation_list_shows_them(personas: Personas, data: None) -> None:
    expected = {
        "admin": ["测试甲公司", "测试乙公司"],
        "district_a": ["测试甲公司"],
        "district_b": ["测试乙公司"],
        "liaison": [],
    }
    for code in ("city_advantage_enterprises_new", "ip_management_standard_adopters_new"):
        _check(personas, code, None, expected, total=2)
        _refused(personas, code)


def test_published_patents_are_shown_to_every_government_user(
    personas: Personas, make_patent: Any, indicators: None
) -> None:
    make_patent(region="370602")
    make_patent(region="370613")
    indicator = Indicator.objects.get(code="invention_patents_valid")
    compute_snapshots(year=2024, as_of=dt.date(2024, 12, 31), actor=ACTOR, indicators=[indicator])
    for persona in ("admin", "district_a", "district_b", "liaison"):
        client = personas.client(getattr(personas, persona))
        shown, hidden, _html = _page(client, _url("invention_patents_valid"))
        assert len(shown) == 2 and hidden == 0, persona
        assert _excel(client, _url("invention_patents_valid", xlsx=True)) == shown, persona


def test_drilldown_query_budget_does_not_grow_with_the_records(
    tmp_path: Path, personas: Personas, data: None, django_assert_max_num_queries: Any
) -> None:
    """Session, user, indicator, snapshot, the rows, the count of all records when some are left out,
    and the page's two (demo data flag, notifications); organisation rows add their visibility."""
    cases = [
        ("district_a", "pledge_count", 8),
        ("liaison", "pledge_count", 8),  # nothing to see: no rows query
        ("admin", "pledge_count", 8),  # sees all: nothing to count; + the calendar banner's version
        ("district_b", "city_advantage_enterprises_new", 8),
        ("district_b", "ip_training_person_times", 7),
    ]

    def measure() -> dict[tuple[str, str], tuple[int, int | None]]:
        out = {}
        for persona, code, budget in cases:
            client = personas.client(getattr(personas, persona))
            url = _url(code)
            with django_assert_max_num_queries(budget) as captured:
                response = client.get(url)
            out[(persona, code)] = (len(captured.captured_queries), response.context.get("hidden"))
        return out

    small = measure()
    _pledges(tmp_path, batch=1)
    compute_snapshots(
        year=2024,
        as_of=dt.date(2024, 12, 31),
        actor=ACTOR,
        indicators=list(Indicator.objects.filter(code="pledge_count")),
    )
    large = measure()
    for key, (queries, _hidden) in large.items():
        assert queries == small[key][0], key
    assert large[("district_a", "pledge_count")][1] == 4  # twice the other district's pledges
    assert large[("liaison", "pledge_count")][1] == 6
