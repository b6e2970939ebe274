"""Writes from the web are audited; the admin browses the audit log with filters."""

from __future__ import annotations

import io

import openpyxl
import pytest

from ipcity.core.models import AuditEvent, Department, Region
from ipcity.core.tests.visible_text import visible_text
from ipcity.test import FORMULA_TEXTS, Personas, assert_text_cells


@pytest.mark.django_db
def test_liaison_edits_own_department_contacts_and_it_is_audited(personas: Personas) -> None:
    client = personas.client(personas.liaison)
    response = client.post(
        "/departments/finance/contacts/",
        {"contact_person": "李四", "contact_phone": "0535-6688000", "contact_email": "czj@example.cn"},
    )
    assert response.status_code == 302
    finance = Department.objects.get(code="finance")
    assert (finance.contact_person, finance.contact_phone) == ("李四", "0535-6688000")
    event = AuditEvent.objects.get(action="department.contacts.update")
    assert event.actor == personas.liaison
    assert event.source == "web"
    assert event.before == {"contact_person": "", "contact_phone": "", "contact_email": ""}
    assert event.after is not None and event.after["contact_phone"] == "0535-6688000"


@pytest.mark.django_db
def test_invalid_input_gets_a_chinese_error_and_nothing_is_written(personas: Personas) -> None:
    client = personas.client(personas.district_a)
    before = AuditEvent.objects.count()
    response = client.post(
        "/regions/370602/contacts/",
        {"contact_person": "王五", "contact_phone": "call me", "contact_email": "x"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "电话号码只能包含数字" in html
    assert "请输入有效的电子邮箱地址" in html
    assert Region.objects.get(code="370602").contact_person == ""
    assert AuditEvent.objects.count() == before


@pytest.mark.django_db
def test_audit_log_filters_and_export(personas: Personas) -> None:
    personas.client(personas.liaison).post("/departments/finance/contacts/", {"contact_person": "李四"})
    personas.client(personas.district_a).post("/regions/370602/contacts/", {"contact_person": "王五"})
    admin = personas.client(personas.admin)

    page = admin.get("/audit/", {"actor": "t-finance", "action": "contacts"})
    actions = [e.action for e in page.context["page"]]
    assert actions == ["department.contacts.update"]

    page = admin.get("/audit/", {"object_type": "core.region", "actor": "t-zhifu"})
    assert [e.object_repr for e in page.context["page"]] == ["芝罘区"]

    page = admin.get("/audit/", {"action": "row.create"})
    assert page.context["page"].paginator.count == 38
    # The 操作 filter also finds actions by their Chinese label.
    page = admin.get("/audit/", {"action": "修改区市联络信息"})
    assert [e.action for e in page.context["page"]] == ["region.contacts.update"]
    html = page.content.decode()
    assert "<td>修改区市联络信息</td>" in html and "<td>区市 · 芝罘区</td>" in html
    text, _links = visible_text(html)
    assert "region.contacts.update" not in text and "core.region" not in text

    page = admin.get("/audit/", {"date_from": "not-a-date"})
    assert "日期格式应为 YYYY-MM-DD" in page.content.decode()

    event = AuditEvent.objects.get(action="region.contacts.update")
    detail = admin.get(f"/audit/{event.pk}/").content.decode()
    assert (
        "王五" in detail and "<td>联络人</td>" in detail and "contact_person" not in visible_text(detail)[0]
    )

    xlsx = admin.get("/audit/", {"actor": "t-zhifu", "action": "contacts", "format": "xlsx"})
    rows = list(openpyxl.load_workbook(io.BytesIO(xlsx.content)).active.iter_rows(values_only=True))
    assert rows[0] == (
        "时间", "操作人", "来源", "操作", "对象类型", "对象标识", "对象", "变更字段", "操作代码", "对象类型代码"
    )  # fmt: skip
    assert [r[3:5] + r[7:] for r in rows[1:]] == [
        ("修改区市联络信息", "区市", "联络人", "region.contacts.update", "core.region")
    ]


@pytest.mark.django_db
def test_login_and_logout_are_recorded(personas: Personas, client) -> None:
    response = client.post("/accounts/login/", {"username": "t-court", "password": "wrong"})
    assert "用户名或密码不正确" in response.content.decode()
    assert AuditEvent.objects.filter(action="user.login_failed", object_repr="t-court").exists()
    response = client.post("/accounts/login/", {"username": "t-court", "password": "test-password-123"})
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action="user.login", actor=personas.liaison_other).exists()
    assert client.get("/accounts/logout/").status_code == 405  # logging out is a POST
    client.post("/accounts/logout/")
    assert AuditEvent.objects.filter(action="user.logout", actor=personas.liaison_other).exists()


@pytest.mark.django_db
def test_admin_site_writes_are_audited(personas: Personas) -> None:
    admin = personas.client(personas.admin)
    region = Region.objects.get(code="370613")
    response = admin.post(
        f"/admin/core/region/{region.pk}/change/",
        {
            "code": "370613",
            "division_code": "370613",
            "name": "莱山区",
            "kind": "district",
            "position": 3,
            "note": "后台修改",
            "source": region.source,
            "contact_person": "",
            "contact_phone": "",
            "contact_email": "",
        },
    )
    assert response.status_code == 302
    event = AuditEvent.objects.get(action="region.update", note="管理后台")
    assert event.before == {"note": ""}
    assert event.after == {"note": "后台修改"}


@pytest.mark.django_db
def test_failed_login_usernames_come_out_of_the_excel_export_as_text_not_formulas(
    personas: Personas, client
) -> None:
    for username in FORMULA_TEXTS:
        client.post("/accounts/login/", {"username": username, "password": "wrong"})
    xlsx = personas.client(personas.admin).get("/audit/", {"action": "login_failed", "format": "xlsx"})
    assert_text_cells(xlsx.content, FORMULA_TEXTS)
