"""Protection records as the facts of the reward items (二(一)3–5), end to end through grants: the
facts it builds for an organisation (grants.public.profile_facts → the calculator; the application
form's prefill), the engine's decision on them, and the records shown on the application and
entitlement pages."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from ipcity.grants import clock as grants_clock
from ipcity.grants import services as grants
from ipcity.grants.evaluation import decide, item_or_none
from ipcity.grants.protection_facts import protection_evidence, protection_facts
from ipcity.grants.public import profile_facts
from ipcity.protection import clock, services
from ipcity.protection.tests.helpers import MONDAY, complaint, platform, web
from ipcity.test import Personas

pytestmark = pytest.mark.django_db

LATER = MONDAY + dt.timedelta(days=30)


@pytest.fixture(autouse=True)
def _today():
    with clock.frozen(MONDAY), grants_clock.frozen(LATER):
        yield


def _influential_case(personas: Personas) -> object:
    """The agency (测试代理所) is an aid body; one of its cases is successful and found influential."""
    admin = web(personas.admin)
    body = services.upsert_aid_body(
        actor=admin,
        name="测试代理所维权援助工作站",
        kind="agency",
        service_scope="专利侵权维权",
        organisation=personas.org_agency,
    )
    request = services.submit_aid_request(
        actor=web(personas.enterprise_a), requester=personas.org_a, summary="外地企业仿冒"
    )
    services.route_aid_request(request, actor=admin, body=body)
    services.accept_aid_request(request, actor=web(personas.agency))
    services.close_aid_request(
        request, actor=web(personas.agency), outcome="侵权方停止销售并赔偿", successful=True
    )
    return request


def test_public_interest_enforcement_reads_the_bodys_influential_cases(personas: Personas) -> None:
    request = _influential_case(personas)
    # Successful but not yet found influential by the city office: no fact.
    assert "public_interest_enforcement" not in profile_facts(personas.org_agency, LATER)
    services.recognise_aid_influence(request, actor=web(personas.admin))  # type: ignore[arg-type]

    facts = profile_facts(personas.org_agency, LATER)["public_interest_enforcement"]
    assert facts == {
        "pro_bono": True,
        "enforcement_succeeded": True,
        "significant_influence": True,
        "ip_in_yantai": True,
    }
    assert "public_interest_enforcement" not in profile_facts(personas.org_a, LATER)  # the requester
    item = item_or_none("public_interest_enforcement")
    assert item is not None
    decision = decide(item, personas.org_agency, LATER, facts, today=LATER)
    assert decision.eligible and decision.amount is None  # expert review decides, at most 10万元

    # The application form of the agency's account is prefilled with them.
    client = personas.client(personas.agency)
    form = client.get(reverse("grants:apply_form", args=["public_interest_enforcement"])).content.decode()
    assert form.count('value="true" selected') == 4
    app = grants.create_application(
        personas.org_agency,
        "public_interest_enforcement",
        actor=web(personas.agency),
        decisive_date=LATER,
        facts=protection_facts(personas.org_agency, LATER)["public_interest_enforcement"],
    )
    assert app.eligible is True
    page = client.get(reverse("grants:application", args=[app.pk])).content.decode()
    evidence = page[page.index('data-testid="evidence"') :]
    assert request.number in evidence and "市局认定具有较大影响力" in evidence  # type: ignore[attr-defined]


def test_foreign_litigation_reads_the_won_overseas_disputes(personas: Personas) -> None:
    admin = web(personas.admin)
    won = services.record_overseas_dispute(
        actor=admin,
        organisation=personas.org_a,
        country="美国",
        kind="npe",
        opponent="某专利运营公司",
        forum="美国得克萨斯州东区联邦地区法院",
        started_on=MONDAY - dt.timedelta(days=400),
    )
    assert "foreign_litigation" not in profile_facts(personas.org_a, LATER)  # pending
    settled = services.record_overseas_dispute(
        actor=admin,
        organisation=personas.org_a,
        country="德国",
        kind="exhibition",
        opponent="某公司",
        started_on=MONDAY - dt.timedelta(days=100),
    )
    services.record_overseas_outcome(settled, actor=admin, outcome="settled", ended_on=MONDAY)
    assert "foreign_litigation" not in profile_facts(personas.org_a, LATER)  # 和解 is no 胜诉
    services.record_overseas_outcome(won, actor=admin, outcome="won", ended_on=MONDAY)

    facts = profile_facts(personas.org_a, LATER)["foreign_litigation"]
    assert facts == {"foreign_related": True, "won": True}
    assert "foreign_litigation" not in profile_facts(personas.org_b, LATER)
    app = grants.create_application(
        personas.org_a,
        "foreign_litigation",
        actor=web(personas.enterprise_a),
        decisive_date=MONDAY,
        facts={**facts, "judicial_litigation": True, "service_fees": "200000"},
    )
    assert app.eligible is True and str(app.amount) == "100000.00"
    page = personas.client(personas.enterprise_a).get(reverse("grants:application", args=[app.pk]))
    evidence = page.content.decode()[page.content.decode().index('data-testid="evidence"') :]
    assert "某专利运营公司" in evidence and "胜诉" in evidence and "和解" in evidence


def test_ecommerce_platform_evidence_is_its_complaint_handling(personas: Personas) -> None:
    platform_org, platform_user = platform()
    case = complaint(personas, platform_org)
    services.take_measures(case, actor=web(platform_user), measure="delete")
    complaint(personas, platform_org, listing_url="https://shop.example.com/item/2")
    (line,) = protection_evidence("ecommerce_platform", platform_org, MONDAY)
    assert line.startswith(f"{MONDAY.year} 年电商投诉处理：收到 2 件，已处理 1 件，按时处理 1 件")
    assert protection_evidence("ecommerce_platform", personas.org_a, MONDAY) == []
    assert protection_evidence("china_patent_award", platform_org, MONDAY) == []
