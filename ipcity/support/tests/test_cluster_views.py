"""The agency directory (public) and the 集聚区 pages: who sees and changes what, the monitoring
report and the exports."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from ipcity.core.audit import Actor
from ipcity.support import services
from ipcity.support.models import AgencyProfile, ClusterMembership
from ipcity.test import Personas

pytestmark = pytest.mark.django_db


def _profile(personas: Personas) -> AgencyProfile:
    profile = services.save_agency_profile(
        personas.org_agency,
        actor=Actor.web(personas.agency),
        kinds=["patent_agency"],
        services="专利申请与复审代理",
    )
    services.add_agency_staff(
        profile, actor=Actor.web(personas.agency), name="王代理", licence_number="37101234567"
    )
    return profile


def test_the_directory_is_public_and_searchable(personas: Personas) -> None:
    _profile(personas)
    anonymous = personas.client(None)
    page = anonymous.get(reverse("support:agencies"), {"q": "复审"}).content.decode()
    assert "测试代理所" in page
    assert "测试代理所" not in anonymous.get(reverse("support:agencies"), {"kind": "legal"}).content.decode()
    detail = anonymous.get(reverse("support:agency", args=[personas.org_agency.pk])).content.decode()
    assert "37101234567" in detail and "91370600MADEM0004A" in detail and "修改档案" not in detail
    export = anonymous.get(reverse("support:agencies"), {"format": "xlsx"})
    ws = load_workbook(io.BytesIO(export.content)).active
    assert ws.cell(2, 1).value == "测试代理所" and ws.cell(2, 8).value == 1


def test_only_the_agency_and_the_city_edit_its_profile(personas: Personas) -> None:
    url = reverse("support:agency_edit", args=[personas.org_agency.pk])
    form = {"kinds": ["legal", "information"], "services": "维权", "phone": "0535-1"}
    for user in (personas.enterprise_a, personas.district_a, personas.liaison):
        assert personas.client(user).post(url, form).status_code == 403
    assert personas.client(personas.agency).post(url, form).status_code == 302
    assert AgencyProfile.objects.get().kinds == ["legal", "information"]
    assert personas.client(personas.admin).get(url).status_code == 200
    # An enterprise is not a service agency: no profile page to edit.
    assert (
        personas.client(personas.admin)
        .get(reverse("support:agency_edit", args=[personas.org_a.pk]))
        .status_code
        == 404
    )
    staff = reverse("support:agency_staff_add", args=[personas.org_agency.pk])
    assert personas.client(personas.enterprise_b).post(staff, {"name": "x"}).status_code == 403


def test_the_cluster_pages_by_persona(personas: Personas) -> None:
    agency = personas.client(personas.agency)
    assert personas.client(None).get(reverse("support:cluster")).status_code == 302
    for user in (personas.enterprise_a, personas.district_a, personas.liaison):
        assert personas.client(user).get(reverse("support:cluster")).status_code == 403
        assert (
            personas.client(user).post(reverse("support:cluster_apply"), {"statement": "x"}).status_code
            == 403
        )
        assert personas.client(user).get(reverse("support:cluster_monitor")).status_code == 403
    assert "提交入驻申请" in agency.get(reverse("support:cluster")).content.decode()
    agency.post(reverse("support:cluster_apply"), {"statement": "拟入驻开展专利代理"})
    stay = ClusterMembership.objects.get()
    assert "提交入驻申请" not in agency.get(reverse("support:cluster")).content.decode()
    page = agency.get(reverse("support:stay", args=[stay.pk])).content.decode()
    assert 'data-action="admit"' not in page
    assert agency.post(reverse("support:stay_admit", args=[stay.pk])).status_code == 403
    admin = personas.client(personas.admin)
    admin.post(reverse("support:stay_admit", args=[stay.pk]))
    year = timezone.localdate().year
    agency.post(
        reverse("support:stay_report", args=[stay.pk]),
        {"year": year, "staff": "8", "revenue": "1200000", "clients": "40"},
    )
    assert stay.reports.get().revenue == Decimal("1200000")
    assert (
        personas.client(personas.enterprise_a).get(reverse("support:stay", args=[stay.pk])).status_code == 404
    )
    monitor = admin.get(reverse("support:cluster_monitor"), {"year": year}).content.decode()
    assert 'data-testid="admitted">1 家' in monitor and 'data-testid="resident">1 家' in monitor
    agency.post(reverse("support:stay_move_out", args=[stay.pk]), {"reason": "迁往总部"})
    stay.refresh_from_db()
    assert stay.status == "moved_out"
    monitor = admin.get(reverse("support:cluster_monitor"), {"year": year}).content.decode()
    assert 'data-testid="left">1 家' in monitor and 'data-testid="resident">0 家' in monitor
    export = admin.get(reverse("support:cluster"), {"format": "xlsx"})
    ws = load_workbook(io.BytesIO(export.content)).active
    assert ws.cell(2, 4).value == "已迁出" and ws.cell(2, 8).value == "迁往总部"
