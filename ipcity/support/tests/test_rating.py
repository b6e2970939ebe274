"""The agencies' yearly quality rating (方案二(六)3): each part computed from the profile, the staff,
the 集聚区 monitoring report and protection's credit grading, scored by data/support/agency-rating.yaml
(hand-checked), ranked; who sees it; the 服务机构 reward facts."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from ipcity.core.audit import Actor
from ipcity.core.models import AuditEvent, Region
from ipcity.grants.evaluation import full_facts, item_or_none
from ipcity.protection import services as protection
from ipcity.registry.services import upsert_organisation
from ipcity.support import selectors, services
from ipcity.support.models import AgencyProfile, AgencyRating
from ipcity.support.tests.helpers import CLI
from ipcity.test import Personas

pytestmark = pytest.mark.django_db


def _agencies(personas: Personas) -> tuple[AgencyProfile, AgencyProfile]:
    agency = Actor.web(personas.agency)
    a = services.save_agency_profile(
        personas.org_agency, actor=agency, kinds=["patent_agency", "legal"], qualifications="执业许可证",
        services="专利代理", phone="0535-1", districts=Region.objects.filter(name__in=["芝罘区", "莱山区"]),
    )  # fmt: skip
    for name, licence in (("甲", "3710001"), ("乙", "3710002"), ("丙", "")):
        services.add_agency_staff(a, actor=agency, name=name, licence_number=licence)
    stay = services.apply_to_cluster(personas.org_agency, actor=agency, on=dt.date(2023, 3, 1))
    services.admit_to_cluster(stay, actor=CLI, on=dt.date(2023, 3, 2))
    services.report_cluster_year(
        stay,
        actor=agency,
        year=2024,
        staff=3,
        revenue=Decimal("3000000"),
        clients=100,
        on=dt.date(2025, 1, 15),
    )
    protection.add_credit_record(
        personas.org_agency,
        actor=CLI,
        source="市市场监管局 2024-08",
        start=dt.date(2024, 8, 1),
        kind="general",
    )
    other, _ = upsert_organisation(actor=CLI, name="测试二号代理所", values={"kind": "service_agency"})
    b = services.save_agency_profile(other, actor=CLI, kinds=["information"])
    return a, b


def test_the_rating_of_a_year_part_by_part(personas: Personas) -> None:
    a, b = _agencies(personas)
    ratings = services.rate_agencies(2024, actor=Actor.web(personas.admin), on=dt.date(2025, 2, 1))
    assert [(r.profile, r.rank) for r in ratings] == [(a, 1), (b, 2)]
    first = AgencyRating.objects.get(profile=a, year=2024)
    points = {p["code"]: p["points"] for p in first.parts}
    # 10×3/3; 20×2/10 (丙 has no licence); 15×300万/500万; 10×100/200; 10×2/4; 5×2/5; 30×85/100 (general −15)
    assert points == {
        "profile_complete": "10.00", "licensed_staff": "4.00", "revenue": "9.00", "clients": "5.00",
        "service_kinds": "5.00", "districts": "2.00", "credit_score": "25.50",
    }  # fmt: skip
    assert first.score == Decimal("60.50") and first.grade == "qualified"
    second = AgencyRating.objects.get(profile=b, year=2024)
    # 10×1/4 + a clean credit record 30; no monitoring report: 0 and said so
    assert second.score == Decimal("32.50") and second.grade == "unqualified"
    assert {p["code"]: p["note"] for p in second.parts}["revenue"] == "无 2024 年集聚区监测报送，计 0 分"
    # Again: the year's ratings are replaced, not doubled; one audit event per run.
    services.rate_agencies(2024, actor=CLI, on=dt.date(2025, 2, 2))
    assert AgencyRating.objects.filter(year=2024).count() == 2
    assert AuditEvent.objects.filter(action="agency_rating.compute").count() == 2


def test_who_sees_the_ratings(personas: Personas, django_assert_max_num_queries) -> None:  # type: ignore[no-untyped-def]
    _agencies(personas)
    admin = personas.client(personas.admin)
    assert (
        personas.client(personas.agency).post(reverse("support:ratings_compute"), {"year": 2024}).status_code
        == 403
    )
    admin.post(reverse("support:ratings_compute"), {"year": 2024})
    assert AgencyRating.objects.count() == 2
    with django_assert_max_num_queries(8):
        page = admin.get(reverse("support:ratings"), {"year": 2024}).content.decode()
    assert "测试代理所" in page and "60.50" in page and "信用评价得分（分）：85，25.50 分" in page
    ws = load_workbook(
        io.BytesIO(admin.get(reverse("support:ratings"), {"year": "2024", "format": "xlsx"}).content)
    ).active
    assert [ws.cell(2, c).value for c in (1, 2, 4)] == [1, "测试代理所", 60.5]
    for user in (personas.agency, personas.enterprise_a, personas.district_a):
        assert personas.client(user).get(reverse("support:ratings")).status_code == 403
    agency_page = reverse("support:agency", args=[personas.org_agency.pk])
    assert "年度质量评级" in personas.client(personas.agency).get(agency_page).content.decode()
    assert "年度质量评级" in admin.get(agency_page).content.decode()
    for anyone in (None, personas.enterprise_a):
        assert "年度质量评级" not in personas.client(anyone).get(agency_page).content.decode()


def test_the_rating_feeds_the_agency_reward(personas: Personas) -> None:
    _agencies(personas)
    on = dt.date(2025, 3, 1)
    assert "service_agency_quality" not in selectors.reward_facts(personas.org_agency, on)
    services.rate_agencies(2024, actor=CLI, on=dt.date(2025, 2, 1))
    item = item_or_none("service_agency_quality")
    assert item is not None
    known = full_facts(item, personas.org_agency, {}, today=on, right_key=None, decided_amount=None)
    assert (known["rating_year"], known["rating_rank"], known["rating_score"], known["rating_grade"]) == (
        2024, 1, 61, "qualified",
    )  # fmt: skip
