"""Public figures and open data: only the indicators the city office marks public, with their data
dates; CSV and Excel per district and year, formulas neutralised; a data dictionary."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from ipcity.core.audit import Actor
from ipcity.core.models import AuditEvent
from ipcity.indicators.models import Indicator, Snapshot
from ipcity.indicators.services import compute_snapshots, load_definitions
from ipcity.portal import services
from ipcity.test import Personas

pytestmark = pytest.mark.django_db
CLI = Actor.cli("portal tests")


@pytest.fixture
def snapshots(plan: Any) -> list[Indicator]:
    load_definitions(actor=CLI)
    chosen = list(Indicator.objects.filter(code__in=["patent_grants_invention", "pct_filings"]))
    compute_snapshots(year=2024, actor=CLI, indicators=chosen)
    return chosen


def test_only_public_indicators_are_shown_and_downloaded(
    personas: Personas, snapshots: list[Indicator]
) -> None:
    public = personas.client(None)
    assert "暂无公开指标" in public.get("/").content.decode()
    office = personas.client(personas.admin)
    response = office.post("/public-indicators/", {"indicators": ["patent_grants_invention"]})
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action="portal.public_indicators").count() == 1
    shown, hidden = (Indicator.objects.get(code=c) for c in ("patent_grants_invention", "pct_filings"))
    home = public.get("/").content.decode()
    city = Snapshot.objects.get(indicator=shown, region__isnull=True, year=2024)
    assert shown.name in home and hidden.name not in home
    assert f"数据日期 {city.as_of:%Y-%m-%d}" in home
    body = public.get("/open-data/indicators.csv?year=2024").content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0][:4] == ["指标代码", "指标名称", "区划代码", "区市"]
    assert {r[0] for r in rows[1:]} == {"patent_grants_invention"}
    regions = {r[3] for r in rows[1:]}
    assert "全市" in regions and "芝罘区" in regions
    assert Snapshot.objects.filter(indicator=shown, year=2024).count() == len(rows) - 1
    xlsx = public.get("/open-data/indicators.xlsx")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    dictionary = public.get("/open-data/dictionary.xlsx")
    assert dictionary.status_code == 200
    assert "CSV" in public.get("/open-data/").content.decode()


def test_setting_public_indicators_is_for_the_office(personas: Personas, snapshots: list[Indicator]) -> None:
    for who in ("district_a", "enterprise_a"):
        assert (
            personas.client(getattr(personas, who))
            .post("/public-indicators/", {"indicators": ["pct_filings"]})
            .status_code
            == 403
        )
    with pytest.raises(ValidationError):
        services.set_public_indicators(["nope"], actor=CLI)
    assert services.public_indicator_codes() == []


def test_csv_neutralises_formulas(personas: Personas, snapshots: list[Indicator]) -> None:
    indicator = Indicator.objects.get(code="pct_filings")
    Indicator.objects.filter(pk=indicator.pk).update(source='=HYPERLINK("http://evil.example","x")')
    services.set_public_indicators(["pct_filings"], actor=CLI)
    body = personas.client(None).get("/open-data/indicators.csv").content.decode("utf-8-sig")
    assert "'=HYPERLINK" in body and "\n=HYPERLINK" not in body and ",=HYPERLINK" not in body


def test_the_home_page_lists_published_white_papers_only(client: Any, plan: Any) -> None:
    from ipcity.reports import services as reports

    html = client.get("/").content.decode()
    assert "暂无已发布的白皮书" in html
    edition = reports.generate_edition(2024, actor=CLI)
    assert edition.title not in client.get("/").content.decode()  # a draft is not public
    reports.publish_edition(edition, actor=CLI)
    html = client.get("/").content.decode()
    assert edition.title in html and f"/reports/editions/{edition.pk}/pdf/" in html
    assert client.get(f"/reports/editions/{edition.pk}/pdf/").status_code == 200
