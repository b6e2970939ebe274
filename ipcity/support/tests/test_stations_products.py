"""上市辅导站 (方案二(四)2) with the enterprises they coach, and 专利密集型产品 备案/认定 (方案二(五)1):
who sees what, the city office's writes with their audit rows, and the exports."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from ipcity.core.models import AuditEvent
from ipcity.core.workflow import Refused
from ipcity.support import services_strong as strong
from ipcity.support.models import CoachingEngagement, CoachingStation, DenseProduct
from ipcity.support.tests.helpers import CLI, patent
from ipcity.test import FORMULA_TEXTS, Personas, assert_text_cells

pytestmark = pytest.mark.django_db


def station(personas: Personas) -> CoachingStation:
    return strong.save_coaching_station(
        None, actor=CLI, name="烟台大学上市知识产权辅导站", host=personas.org_agency,
        established_on=dt.date(2023, 3, 1), contact_person="刘老师", phone="0535-6900000",
    )  # fmt: skip


def test_stations_are_public_the_coached_enterprises_are_not(personas: Personas) -> None:
    s = station(personas)
    strong.start_coaching(s, actor=CLI, enterprise=personas.org_a, started_on=dt.date(2023, 5, 1))
    strong.start_coaching(s, actor=CLI, enterprise=personas.org_b, started_on=dt.date(2024, 1, 2))
    url = reverse("support:stations")
    public = personas.client(None).get(url).content.decode()
    assert "烟台大学上市知识产权辅导站" in public and "测试代理所" in public
    assert "测试甲公司" not in public and "0535-6900000" not in public
    detail = personas.client(None).get(reverse("support:station", args=[s.pk])).content.decode()
    assert "测试甲公司" not in detail and "刘老师" not in detail
    ws = load_workbook(io.BytesIO(personas.client(None).get(url, {"format": "xlsx"}).content)).active
    assert [c.value for c in ws[2]] == [
        "烟台大学上市知识产权辅导站",
        "测试代理所",
        dt.datetime(2023, 3, 1),
        "是",
    ]
    assert personas.client(None).get(url, {"format": "xlsx", "list": "coaching"}).status_code == 302
    own = personas.client(personas.enterprise_a).get(url).content.decode()
    assert "测试甲公司" in own and "测试乙公司" not in own
    district = (
        personas.client(personas.district_b).get(reverse("support:station", args=[s.pk])).content.decode()
    )
    assert "测试乙公司" in district and "测试甲公司" not in district
    admin = personas.client(personas.admin)
    page = admin.get(reverse("support:station", args=[s.pk])).content.decode()
    assert "测试甲公司" in page and "测试乙公司" in page and "刘老师" in page
    ws = load_workbook(io.BytesIO(admin.get(url, {"format": "xlsx", "list": "coaching"}).content)).active
    assert {ws.cell(r, 3).value for r in range(2, ws.max_row + 1)} == {"测试甲公司", "测试乙公司"}


def test_the_city_office_records_coaching_with_dates(personas: Personas) -> None:
    admin = personas.client(personas.admin)
    admin.post(
        reverse("support:station_new"),
        {
            "name": "服务业联合会辅导站",
            "host": personas.org_agency.pk,
            "established_on": "2024-02-01",
            "active": "on",
        },
    )
    s = CoachingStation.objects.get(name="服务业联合会辅导站")
    assert AuditEvent.objects.filter(action="coaching_station.create", object_id=str(s.pk)).count() == 1
    early = admin.post(
        reverse("support:coaching_add", args=[s.pk]),
        {"enterprise": personas.org_a.pk, "started_on": "2024-01-15"},
        follow=True,
    ).content.decode()
    assert "开始辅导日期早于辅导站设立日期 2024-02-01" in early
    admin.post(
        reverse("support:coaching_add", args=[s.pk]),
        {"enterprise": personas.org_a.pk, "started_on": "2024-03-01"},
    )
    e = CoachingEngagement.objects.get(station=s)
    assert e.started_on == dt.date(2024, 3, 1) and e.ended_on is None
    with pytest.raises(Refused, match="正在辅导"):
        strong.start_coaching(s, actor=CLI, enterprise=personas.org_a, started_on=dt.date(2024, 4, 1))
    admin.post(
        reverse("support:coaching_end", args=[e.pk]), {"ended_on": "2025-06-30", "outcome": "已在北交所上市"}
    )
    e.refresh_from_db()
    assert e.ended_on == dt.date(2025, 6, 30) and e.outcome == "已在北交所上市"
    assert AuditEvent.objects.filter(action="coaching_station.end_coaching").count() == 1
    for user in (personas.enterprise_a, personas.district_a, personas.agency):
        client = personas.client(user)
        assert client.post(reverse("support:station_new"), {"name": "x"}).status_code == 403
        assert client.post(reverse("support:coaching_add", args=[s.pk]), {}).status_code == 403
        assert client.post(reverse("support:coaching_end", args=[e.pk]), {}).status_code == 403


def test_dense_products_are_filed_with_the_enterprises_patents_and_recognised(personas: Personas) -> None:
    own = patent([personas.org_a], filed=dt.date(2020, 1, 1), inventors=["甲"])
    foreign = patent([personas.org_b], filed=dt.date(2020, 1, 1), inventors=["乙"])
    with pytest.raises(Refused, match=f"专利 {foreign.display_number} 的专利权人不是测试甲公司"):
        strong.file_dense_product(
            actor=CLI,
            enterprise=personas.org_a,
            name="高端轴承",
            filed_on=dt.date(2024, 5, 1),
            patents=[own, foreign],
        )
    admin = personas.client(personas.admin)
    admin.post(
        reverse("support:dense_product_new"),
        {
            "enterprise": personas.org_a.pk,
            "name": "高端轴承",
            "filed_on": "2024-05-01",
            "patents": f"CN{own.application_number}",
        },
    )
    product = DenseProduct.objects.get(name="高端轴承")
    assert list(product.patents.all()) == [own] and product.recognised_year is None
    filed = AuditEvent.objects.get(action="dense_product.file").after
    assert filed is not None and filed["patents"] == [own.application_number]
    url = reverse("support:dense_products")
    assert "高端轴承" not in personas.client(None).get(url).content.decode()  # 备案 only: not public
    assert "高端轴承" in personas.client(personas.enterprise_a).get(url).content.decode()
    assert "高端轴承" not in personas.client(personas.enterprise_b).get(url).content.decode()
    assert (
        personas.client(personas.enterprise_a)
        .post(reverse("support:dense_product_recognise", args=[product.pk]), {"year": "2025"})
        .status_code
        == 403
    )
    admin.post(reverse("support:dense_product_recognise", args=[product.pk]), {"year": "2025"})
    product.refresh_from_db()
    assert product.recognised_year == 2025
    assert "高端轴承" in personas.client(None).get(url).content.decode()
    with pytest.raises(Refused, match="已于 2025 年度认定"):
        strong.recognise_dense_product(product, actor=CLI, year=2025)


def test_the_products_export_keeps_text_as_text(personas: Personas) -> None:
    own = patent([personas.org_a], filed=dt.date(2020, 1, 1))
    for i, text in enumerate(FORMULA_TEXTS):
        strong.file_dense_product(
            actor=CLI,
            enterprise=personas.org_a,
            name=f"产品{i}",
            filed_on=dt.date(2024, 5, 1),
            patents=[own],
            note=text,
        )
    export = personas.client(personas.admin).get(reverse("support:dense_products"), {"format": "xlsx"})
    assert_text_cells(export.content, FORMULA_TEXTS)
