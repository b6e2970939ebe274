"""Items by kind of organisation: the catalog filters (everyone may still read every item), the apply
list offers only the items an organisation's kind can be a beneficiary of, and the service that
creates an application refuses the others."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse

from ipcity.core.models import AuditEvent
from ipcity.core.workflow import Refused
from ipcity.grants import services
from ipcity.grants.models import Application
from ipcity.grants.tests.conftest import web
from ipcity.policy.engine import default_catalog
from ipcity.policy.engine.schema import ORGANISATION_KINDS
from ipcity.registry.choices import OrganisationKind

pytestmark = pytest.mark.django_db


def codes(text: str) -> list[str]:
    return re.findall(r'data-item="([a-z_]+)"', text)


def test_the_catalog_names_the_registrys_organisation_kinds() -> None:
    assert set(ORGANISATION_KINDS) == set(OrganisationKind.values)


def test_catalog_filters_by_kind_and_shows_whom_each_item_is_for(client, plan) -> None:
    url = reverse("grants:policies")
    everything = codes(client.get(url).content.decode())
    assert everything == list(default_catalog().items)
    enterprises = codes(client.get(url, {"kind": "enterprise"}).content.decode())
    assert "foreign_litigation" in enterprises and "ecommerce_platform" in enterprises
    for code in ("advanced_park", "pledge_financing_institution", "service_agency_quality"):
        assert code not in enterprises, code
    assert "advanced_park" in codes(client.get(url, {"kind": "other"}).content.decode())
    detail = client.get(reverse("grants:policy", args=["pledge_financing_institution"])).content.decode()
    kinds = detail.split('data-testid="kinds"')[1].split("</dd>")[0]
    assert "服务机构" in kinds and "银行/金融机构" in kinds and "企业" not in kinds
    assert "附件三(三)3" in kinds and "银行、（类）金融机构、服务机构" in kinds


def test_apply_list_offers_only_the_items_for_the_organisations_kind(personas) -> None:
    url = reverse("grants:apply")
    enterprise = personas.client(personas.enterprise_a).get(url).content.decode()
    offered = codes(enterprise)
    assert "foreign_litigation" in offered
    for code in (
        "advanced_park",
        "pledge_financing_institution",
        "public_interest_enforcement",
        "service_cluster",
    ):
        assert code not in offered, code
    agency = codes(personas.client(personas.agency).get(url).content.decode())
    assert "public_interest_enforcement" in agency and "pledge_financing_institution" in agency
    assert "foreign_litigation" not in agency


def test_policy_page_does_not_offer_applying_to_another_kinds_item(personas) -> None:
    page = personas.client(personas.enterprise_a).get(reverse("grants:policy", args=["advanced_park"]))
    text = page.content.decode()
    assert reverse("grants:apply_form", args=["advanced_park"]) not in text
    assert 'data-testid="not-for-kind"' in text and "测试甲公司不能申报" in text


def test_the_service_refuses_an_item_not_for_the_organisations_kind(personas) -> None:
    events = AuditEvent.objects.count()
    with pytest.raises(Refused, match="企业类单位不能申报"):
        services.create_application(
            personas.org_a,
            "pledge_financing_institution",
            actor=web(personas.enterprise_a),
            decisive_date=dt.date(2024, 5, 20),
            facts={"institution_kind": "bank"},
        )
    with pytest.raises(Refused, match="服务机构类单位不能申报"):
        services.create_application(
            personas.org_agency,
            "foreign_litigation",
            actor=web(personas.agency),
            decisive_date=dt.date(2024, 5, 20),
            facts={},
        )
    assert not Application.objects.exists() and AuditEvent.objects.count() == events


def test_the_apply_form_of_another_kinds_item_says_why_and_goes_back_to_the_list(personas) -> None:
    client = personas.client(personas.enterprise_a)
    response = client.get(reverse("grants:apply_form", args=["advanced_park"]), follow=True)
    assert response.redirect_chain == [(reverse("grants:apply"), 302)]
    assert "企业类单位不能申报" in response.content.decode()
    posted = client.post(
        reverse("grants:apply_form", args=["pledge_financing_institution"]),
        {"action": "save", "decisive_date": "2024-05-20", "institution_kind": "bank"},
        follow=True,
    )
    assert "企业类单位不能申报" in posted.content.decode() and not Application.objects.exists()
