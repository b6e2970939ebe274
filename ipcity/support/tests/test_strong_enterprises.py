"""贯标 certificates (GB/T 29490): a 2013-version certificate shows as lapsed after 2025-12-31 and stops
counting for the 贯彻知识产权管理规范市场主体 indicator; 市级优势企业 per year against the plan's cap."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from ipcity.indicators.models import Indicator
from ipcity.indicators.services import compute_snapshots, load_definitions
from ipcity.registry.models import ManagementCertificate, OrganisationTag
from ipcity.support.tests.helpers import CLI
from ipcity.test import Personas

pytestmark = pytest.mark.django_db


def _adopters(year: int) -> Decimal:
    (snapshot,) = compute_snapshots(
        year=year,
        as_of=dt.date(year, 12, 31),
        actor=CLI,
        indicators=[Indicator.objects.get(code="ip_management_standard_adopters_new")],
        regions=[None],
    )
    return snapshot.value or Decimal(0)


def test_a_2013_certificate_lapses_after_2025_and_stops_counting(personas: Personas) -> None:
    load_definitions(actor=CLI)
    # Written as the registry's importer writes them; the 2013 one's own term runs to 2027.
    old = ManagementCertificate.objects.create(
        organisation=personas.org_a, version="2013", number="IPMS-2013-1", issued_on=dt.date(2023, 5, 1),
        expires_on=dt.date(2027, 4, 30), status="valid",
    )  # fmt: skip
    ManagementCertificate.objects.create(
        organisation=personas.org_b, version="2023", number="IPMS-2023-1", issued_on=dt.date(2024, 6, 1),
        expires_on=dt.date(2027, 5, 31), status="valid",
    )  # fmt: skip
    assert _adopters(2025) == 2
    assert _adopters(2026) == 1  # the 2013-version one no longer counts
    admin = personas.client(personas.admin)
    url = reverse("support:strong_enterprises")
    page = admin.get(url, {"on": "2025-12-31"}).content.decode()
    assert "已失效（" not in page
    page = admin.get(url, {"on": "2026-01-01"}).content.decode()
    assert page.count("已失效（2013 版证书 2025-12-31 后不再有效") == 1
    lapsed = admin.get(url, {"on": "2026-01-01", "lapsed": "1"}).content.decode()
    assert f'data-certificate="{old.pk}"' in lapsed and "IPMS-2023-1" not in lapsed
    export = admin.get(url, {"on": "2026-01-01", "format": "xlsx"})
    ws = load_workbook(io.BytesIO(export.content)).active
    states = {ws.cell(r, 5).value: ws.cell(r, 9).value for r in range(2, ws.max_row + 1)}
    assert states["IPMS-2023-1"] == "有效" and states["IPMS-2013-1"].startswith("已失效")


def test_scoped_by_region_and_closed_to_others(personas: Personas) -> None:
    for org, number in ((personas.org_a, "A-1"), (personas.org_b, "B-1")):
        ManagementCertificate.objects.create(
            organisation=org, version="2023", number=number, issued_on=dt.date(2024, 1, 1),
            expires_on=dt.date(2027, 1, 1), status="valid",
        )  # fmt: skip
    OrganisationTag.objects.create(organisation=personas.org_a, tag="ip_advantage_city", year=2023)
    url = reverse("support:strong_enterprises")
    page = personas.client(personas.district_a).get(url).content.decode()  # 芝罘区: org_a only
    assert "A-1" in page and "B-1" not in page and "<td>2023</td><td>1" in page
    for user in (personas.enterprise_a, personas.liaison, personas.agency):
        assert personas.client(user).get(url).status_code == 403
    assert personas.client(None).get(url).status_code == 302
