"""The support pages: the public expert directory without contacts, the city office's records,
relations and draws, who may see and change what, and the Excel exports."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from ipcity.core.models import AuditEvent
from ipcity.support.models import Expert, ExpertRelation
from ipcity.support.tests.helpers import draw, expert, pool
from ipcity.test import FORMULA_TEXTS, Personas, assert_text_cells

pytestmark = pytest.mark.django_db


def test_the_public_directory_shows_fields_without_contacts(personas: Personas) -> None:
    e = expert("公开专家", phone="0535-1234567", speciality="焊接")
    hidden = expert("出库专家", active=False)
    other = expert("生物专家", field="biomedicine")
    anonymous = personas.client(None)
    page = anonymous.get(reverse("support:experts")).content.decode()
    assert "公开专家" in page and "焊接" in page and "高端装备" in page
    assert "0535-1234567" not in page and "出库专家" not in page
    assert reverse("support:expert", args=[e.pk]) not in page
    page = anonymous.get(reverse("support:experts"), {"field": "biomedicine"}).content.decode()
    assert f'data-expert="{other.pk}"' in page and f'data-expert="{e.pk}"' not in page
    for user in (personas.enterprise_a, personas.district_a, personas.agency):
        assert "0535-1234567" not in personas.client(user).get(reverse("support:experts")).content.decode()
    page = personas.client(personas.admin).get(reverse("support:experts")).content.decode()
    assert "0535-1234567" in page and "出库专家" in page
    assert f'data-expert="{hidden.pk}"' in page


def test_the_export_has_contacts_for_the_city_only_and_text_stays_text(personas: Personas) -> None:
    for i, text in enumerate(FORMULA_TEXTS):
        expert(f"专家{i}", speciality=text, phone="0535-7654321")
    public = personas.client(None).get(reverse("support:experts"), {"format": "xlsx"})
    assert_text_cells(public.content, FORMULA_TEXTS)
    ws = load_workbook(io.BytesIO(public.content)).active
    assert "联系电话" not in [c.value for c in ws[1]]
    city = personas.client(personas.admin).get(reverse("support:experts"), {"format": "xlsx"})
    ws = load_workbook(io.BytesIO(city.content)).active
    assert "联系电话" in [c.value for c in ws[1]] and ws.cell(2, 7).value == "0535-7654321"


def test_only_the_city_adds_and_edits_experts(personas: Personas) -> None:
    new = reverse("support:expert_new")
    form = {"name": "新专家", "field": "aerospace", "employer_name": "烟台航天所", "ipc_subclasses": "B64C",
            "available": "on", "active": "on"}  # fmt: skip
    assert personas.client(None).get(new).status_code == 302
    for user in (personas.enterprise_a, personas.district_a, personas.liaison, personas.agency):
        assert personas.client(user).post(new, form).status_code == 403
    assert not Expert.objects.exists()
    admin = personas.client(personas.admin)
    response = admin.post(new, {**form, "ipc_subclasses": "航天"})
    assert "四位小类" in response.content.decode() and not Expert.objects.exists()
    admin.post(new, form)
    e = Expert.objects.get(name="新专家")
    assert e.field == "aerospace" and e.ipc_subclasses == "B64C"
    assert AuditEvent.objects.filter(action="expert.create", object_id=str(e.pk)).exists()
    edit = reverse("support:expert_edit", args=[e.pk])
    assert personas.client(personas.enterprise_a).post(edit, {"field": "other"}).status_code == 403
    admin.post(edit, {"field": "aerospace", "phone": "0535-1", "active": "on"})
    e.refresh_from_db()
    assert e.phone == "0535-1" and not e.available
    assert AuditEvent.objects.filter(action="expert.update", object_id=str(e.pk)).exists()


def test_relations_are_the_citys(personas: Personas) -> None:
    e = expert("关系专家")
    url = reverse("support:relation_add", args=[e.pk])
    data = {"organisation": personas.org_a.pk, "kind": "adviser", "note": "技术顾问"}
    assert personas.client(personas.enterprise_a).post(url, data).status_code == 403
    admin = personas.client(personas.admin)
    admin.post(url, data)
    relation = ExpertRelation.objects.get()
    page = admin.get(reverse("support:expert", args=[e.pk])).content.decode()
    assert "技术顾问" in page and "顾问" in page
    assert personas.client(personas.district_a).get(reverse("support:expert", args=[e.pk])).status_code == 403
    remove = reverse("support:relation_remove", args=[relation.pk])
    assert personas.client(personas.agency).post(remove).status_code == 403
    admin.post(remove)
    assert not ExpertRelation.objects.exists()
    assert AuditEvent.objects.filter(action="expert_relation.remove").exists()


def test_draw_records_are_the_citys_and_explain_the_avoidance(
    personas: Personas, django_assert_max_num_queries
) -> None:
    pool(4)
    kept = expert("回避者", employer=personas.org_a, employer_name="")
    for key in ("a", "b", "c"):
        d = draw(personas.org_a, 2, seed=42, key=key)
    for user in (None, personas.enterprise_a, personas.district_a, personas.liaison, personas.agency):
        expected = 302 if user is None else 403
        assert personas.client(user).get(reverse("support:draws")).status_code == expected
        assert personas.client(user).get(reverse("support:draw", args=[d.pk])).status_code == expected
    admin = personas.client(personas.admin)
    with django_assert_max_num_queries(12):
        page = admin.get(reverse("support:draws")).content.decode()
    assert d.number in page
    page = admin.get(reverse("support:draw", args=[d.pk])).content.decode()
    assert "42" in page and kept.name in page and "与申报单位为同一工作单位" in page
    export = admin.get(reverse("support:draws"), {"format": "xlsx"})
    ws = load_workbook(io.BytesIO(export.content)).active
    assert ws.max_row == 4 and ws.cell(2, 7).value == "42"
