"""The permission matrix of docs/permissions.md, view by view, for the allowed and the forbidden.

Outcomes: 200 shown, 403 forbidden, 404 hidden (not in the user's scope), "login" redirected to
the login page, "ok" a successful POST (redirect after save).
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from ipcity.core.models import AuditEvent
from ipcity.test import Personas

ALL = [
    "anon",
    "admin",
    "liaison",
    "liaison_other",
    "district_a",
    "district_b",
    "enterprise_a",
    "enterprise_b",
    "agency",
]
SIGNED_IN = ALL[1:]


def everyone(outcome: object) -> dict[str, object]:
    return dict.fromkeys(ALL, outcome)


def only(allowed: list[str], *, yes: object = 200, no: object = 403) -> dict[str, object]:
    return {p: (yes if p in allowed else ("login" if p == "anon" else no)) for p in ALL}


# (name, method, url builder, expected outcome per persona)
MATRIX: list[tuple[str, str, object, dict[str, object]]] = [
    ("home", "get", lambda p: "/", everyone(200)),
    ("plan overview", "get", lambda p: "/plan/", everyone(200)),
    ("programme", "get", lambda p: "/plan/programmes/P1/", everyone(200)),
    ("rows", "get", lambda p: "/plan/rows/", everyone(200)),
    ("row", "get", lambda p: "/plan/rows/P1.S1.R1/", everyone(200)),
    ("departments", "get", lambda p: "/plan/departments/", everyone(200)),
    ("department", "get", lambda p: "/plan/departments/finance/", everyone(200)),
    ("stage", "get", lambda p: "/plan/stages/S2/", everyone(200)),
    ("task table xlsx", "get", lambda p: "/plan/task-table.xlsx", everyone(200)),
    ("regions", "get", lambda p: "/regions/", everyone(200)),
    ("audit log", "get", lambda p: "/audit/", only(["admin"])),
    (
        "audit event",
        "get",
        lambda p: f"/audit/{AuditEvent.objects.values_list('pk', flat=True)[0]}/",
        only(["admin"]),
    ),
    (
        "department contacts form",
        "get",
        lambda p: "/departments/finance/contacts/",
        only(["admin", "liaison"]),
    ),
    (
        "department contacts save",
        "post",
        lambda p: "/departments/finance/contacts/",
        only(["admin", "liaison"], yes="ok"),
    ),
    ("region contacts form", "get", lambda p: "/regions/370602/contacts/", only(["admin", "district_a"])),
    (
        "region contacts save",
        "post",
        lambda p: "/regions/370602/contacts/",
        only(["admin", "district_a"], yes="ok"),
    ),
    ("desk", "get", lambda p: "/desk/", only(SIGNED_IN)),
    ("my account", "get", lambda p: "/accounts/me/", only(SIGNED_IN)),
    ("organisations", "get", lambda p: "/registry/organisations/", only(SIGNED_IN)),
    (
        "organisation profile",
        "get",
        lambda p: f"/registry/organisations/{p.org_a.pk}/",
        only(["admin", "district_a", "enterprise_a"], no=404),
    ),
    (
        "organisation contacts save",
        "post",
        lambda p: f"/registry/organisations/{p.org_a.pk}/contacts/",
        {**only(["admin", "enterprise_a"], yes="ok", no=404), "district_a": 403},
    ),
    (
        "django admin",
        "get",
        lambda p: "/admin/",
        {**only(["admin"], no="admin-login"), "anon": "admin-login"},
    ),
]

POST_DATA = {
    "contact_person": "张三",
    "contact_phone": "0535-1234567",
    "contact_email": "a@example.cn",
    "address": "烟台市芝罘区",
}


def _outcome(response) -> object:
    if response.status_code == 302:
        location = response["Location"]
        if location.startswith(reverse("accounts:login")):
            return "login"
        if location.startswith("/admin/login/"):
            return "admin-login"
        return "ok"
    return response.status_code


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "method", "url", "expected"), MATRIX, ids=[m[0] for m in MATRIX])
def test_permission_matrix(personas: Personas, name, method, url, expected) -> None:
    for persona in ALL:
        user = None if persona == "anon" else getattr(personas, persona)
        client = personas.client(user)
        target = url(personas)
        response = client.post(target, POST_DATA) if method == "post" else client.get(target)
        assert _outcome(response) == expected[persona], f"{name}: {persona}"


@pytest.mark.django_db
def test_organisation_list_is_scoped(personas: Personas) -> None:
    def names(user) -> set[str]:
        response = personas.client(user).get("/registry/organisations/")
        return {o.name for o in response.context["page"]}

    assert names(personas.admin) == {"测试甲公司", "测试乙公司", "测试代理所"}
    assert names(personas.district_a) == {"测试甲公司", "测试代理所"}
    assert names(personas.district_b) == {"测试乙公司"}
    assert names(personas.enterprise_a) == {"测试甲公司"}
    assert names(personas.agency) == {"测试代理所"}
    assert names(personas.liaison) == set()


@pytest.mark.django_db
def test_contacts_are_hidden_from_the_public(personas: Personas) -> None:
    from ipcity.core.audit import Actor
    from ipcity.core.models import Department
    from ipcity.core.services import update_contacts

    finance = Department.objects.get(name="市财政局")
    update_contacts(finance, actor=Actor.web(personas.liaison), values={"contact_phone": "0535-7654321"})
    public = personas.client(None).get("/plan/departments/finance/").content.decode()
    staff = personas.client(personas.liaison_other).get("/plan/departments/finance/").content.decode()
    assert "0535-7654321" not in public
    assert "0535-7654321" in staff
    # Only the department's own liaison (and the admin) get the edit link.
    assert 'data-testid="edit-contacts"' not in staff
    own = personas.client(personas.liaison).get("/plan/departments/finance/").content.decode()
    assert 'data-testid="edit-contacts"' in own
