"""Pages of 维权援助, overseas risk and the 商业秘密保护 sites: who may read and act, forms on the
pages, public lists and exports."""

from __future__ import annotations

import pytest
from django.urls import reverse

from ipcity.core.models import Region
from ipcity.protection import clock, services
from ipcity.protection.models import AidRequest, RiskCheck, RiskSubscription, SecretSite
from ipcity.protection.tests.helpers import MONDAY, web
from ipcity.test import FORMULA_TEXTS, Personas, assert_text_cells

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today():
    with clock.frozen(MONDAY):
        yield


def test_aid_request_on_the_pages(personas: Personas) -> None:
    body = services.upsert_aid_body(
        actor=web(personas.admin), name="某援助中心", kind="association", service_scope="咨询"
    )
    owner = personas.client(personas.enterprise_a)
    assert owner.post(reverse("protection:aid_new"), {"summary": "被诉侵权"}).status_code == 302
    request = AidRequest.objects.get()
    url = reverse("protection:aid_request", args=[request.pk])
    assert owner.get(url).status_code == 200
    assert personas.client(personas.enterprise_b).get(url).status_code == 404
    assert personas.client(personas.district_a).get(url).status_code == 200  # 芝罘区 requester
    assert personas.client(personas.district_b).get(url).status_code == 404
    assert personas.client(personas.liaison).get(reverse("protection:aid")).status_code == 403
    route = reverse("protection:aid_route", args=[request.pk])
    assert owner.post(route, {"body": body.pk}).status_code == 403
    admin = personas.client(personas.admin)
    admin.post(route, {"body": body.pk})
    admin.post(reverse("protection:aid_close", args=[request.pk]), {"outcome": "和解", "successful": "on"})
    request.refresh_from_db()
    assert (request.status, request.body, request.successful) == ("closed", body, True)
    assert "某援助中心" in admin.get(reverse("protection:aid_facts")).content.decode()
    assert owner.get(reverse("protection:aid_facts")).status_code == 403
    assert (
        personas.client(personas.enterprise_b)
        .post(reverse("protection:aid_body_new"), {"name": "x"})
        .status_code
        == 403
    )


def test_alerts_are_public_and_subscriptions_are_the_organisations(personas: Personas) -> None:
    admin = personas.client(personas.admin)
    admin.post(
        reverse("protection:alert_new"),
        {
            "title": FORMULA_TEXTS[1],
            "kind": "squatting",
            "country": "巴西",
            "industry": "",
            "ipc": "",
            "body": "抢注",
        },
    )
    public = personas.client(None).get(reverse("protection:alerts"))
    assert public.status_code == 200 and "巴西" in public.content.decode()
    assert_text_cells(
        personas.client(None).get(reverse("protection:alerts") + "?format=xlsx").content, [FORMULA_TEXTS[1]]
    )
    assert (
        personas.client(personas.enterprise_a)
        .post(reverse("protection:alert_new"), {"title": "x"})
        .status_code
        == 403
    )
    owner = personas.client(personas.enterprise_a)
    owner.post(reverse("protection:subscriptions"), {"country": "巴西"})
    subscription = RiskSubscription.objects.get()
    assert FORMULA_TEXTS[1] in owner.get(reverse("protection:subscriptions")).content.decode()
    # Another organisation cannot cancel it.
    cancel = reverse("protection:subscription_cancel", args=[subscription.pk])
    assert personas.client(personas.enterprise_b).post(cancel).status_code == 404
    assert owner.post(cancel).status_code == 302 and not RiskSubscription.objects.exists()
    for user in (personas.admin, personas.district_a, None):
        assert personas.client(user).get(reverse("protection:subscriptions")).status_code in (302, 403)


def test_risk_check_asked_and_answered_on_the_pages(personas: Personas) -> None:
    owner = personas.client(personas.enterprise_a)
    owner.post(
        reverse("protection:risk_checks"), {"purpose": "export", "country": "美国", "products": "电池"}
    )
    check = RiskCheck.objects.get()
    url = reverse("protection:risk_check", args=[check.pk])
    assert personas.client(personas.enterprise_b).get(url).status_code == 404
    assert (
        owner.post(reverse("protection:risk_check_answer", args=[check.pk]), {"answer": "自答"}).status_code
        == 403
    )
    personas.client(personas.admin).post(
        reverse("protection:risk_check_answer", args=[check.pk]), {"answer": "无风险"}
    )
    assert "无风险" in owner.get(url).content.decode()


def test_overseas_disputes_and_sites_pages(personas: Personas) -> None:
    admin = personas.client(personas.admin)
    admin.post(
        reverse("protection:overseas_disputes"),
        {
            "organisation": personas.org_a.pk,
            "country": "美国",
            "kind": "npe",
            "opponent": "某公司",
            "started_on": "2026-01-05",
        },
    )
    assert (
        "某公司"
        in personas.client(personas.enterprise_a)
        .get(reverse("protection:overseas_disputes"))
        .content.decode()
    )
    assert (
        "某公司"
        not in personas.client(personas.enterprise_b)
        .get(reverse("protection:overseas_disputes"))
        .content.decode()
    )
    assert (
        personas.client(personas.enterprise_a).post(reverse("protection:overseas_disputes"), {}).status_code
        == 403
    )
    zhifu = Region.objects.get(name="芝罘区")
    admin.post(
        reverse("protection:secret_site_new"),
        {"name": "某示范点", "kind": "demonstration", "region": zhifu.pk, "contact": "李", "phone": "0535-1"},
    )
    assert SecretSite.objects.filter(name="某示范点").exists()
    assert "某示范点" in personas.client(None).get(reverse("protection:secret_sites")).content.decode()
    assert (
        personas.client(personas.enterprise_a).post(reverse("protection:secret_site_new"), {}).status_code
        == 403
    )
