"""Accounts of 维权援助 bodies and mediation bodies: the accounts of the body's registry organisation
see and act on only their body's requests and cases (acceptance, outcome; agreement, 司法确认,
closing); another body's account gets 404, a party or an officer elsewhere neither sees nor acts."""

from __future__ import annotations

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from ipcity.core.models import AuditEvent, Region
from ipcity.core.workflow import Refused
from ipcity.protection import clock, selectors, services
from ipcity.protection.models import AidRequest, Dispute
from ipcity.protection.tests.helpers import MONDAY, aid_body, mediation_body, patent, web
from ipcity.test import Personas

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today():
    with clock.frozen(MONDAY):
        yield


def _routed(personas: Personas, body: object) -> AidRequest:
    request = services.submit_aid_request(
        actor=web(personas.enterprise_a), requester=personas.org_a, summary="展会上被诉侵权"
    )
    return services.route_aid_request(request, actor=web(personas.admin), body=body)  # type: ignore[arg-type]


def test_aid_body_account_accepts_and_records_the_outcome_of_its_requests(personas: Personas) -> None:
    body, body_user = aid_body()
    other_body, other_user = aid_body("另一援助中心", "t-aid-other")
    request = _routed(personas, body)
    assert request.routed_on == MONDAY and request.due_on is not None and request.due_on > MONDAY
    url = reverse("protection:aid_request", args=[request.pk])

    mine = personas.client(body_user)
    page = mine.get(url)
    assert page.status_code == 200
    assert "受理援助申请" in page.content.decode() and "展会上被诉侵权" in page.content.decode()
    assert "时限：5个工作日（市局决定" in page.content.decode()
    assert [r.pk for r in selectors.aid_request_list(body_user)] == [request.pk]
    # Another body's account, and the accounts of other organisations: not in their scope.
    assert personas.client(other_user).get(url).status_code == 404
    assert (
        personas.client(other_user).post(reverse("protection:aid_accept", args=[request.pk])).status_code
        == 404
    )
    assert personas.client(personas.enterprise_b).get(url).status_code == 404
    assert list(selectors.aid_request_list(other_user)) == []
    # The requester sees it but does not accept it for the body; the routing stays the office's.
    owner = personas.client(personas.enterprise_a)
    assert owner.post(reverse("protection:aid_accept", args=[request.pk])).status_code == 403
    assert (
        mine.post(reverse("protection:aid_route", args=[request.pk]), {"body": other_body.pk}).status_code
        == 403
    )

    assert mine.post(reverse("protection:aid_accept", args=[request.pk])).status_code == 302
    request.refresh_from_db()
    assert (request.status, request.accepted_on, request.due_on) == ("accepted", MONDAY, None)
    assert AuditEvent.objects.filter(action="aid_request.accept", object_id=str(request.pk)).exists()

    # 较大影响力 is the city office's finding: the body's form has no such box, its service refuses.
    assert "具有较大影响力（市局认定" not in mine.get(url).content.decode()
    with pytest.raises(Refused, match="由市局认定"):
        services.close_aid_request(
            request, actor=web(body_user), outcome="胜诉", successful=True, influential=True
        )
    close = reverse("protection:aid_close", args=[request.pk])
    assert mine.post(close, {"outcome": "对方撤诉，达成和解", "successful": "on"}).status_code == 302
    request.refresh_from_db()
    assert (request.status, request.successful, request.influential) == ("closed", True, False)
    assert personas.client(other_user).post(close, {"outcome": "x"}).status_code == 404

    recognise = reverse("protection:aid_recognise_influence", args=[request.pk])
    assert mine.post(recognise, {"reason": ""}).status_code == 403
    assert personas.client(personas.admin).post(recognise, {"reason": "全国首例"}).status_code == 302
    request.refresh_from_db()
    assert request.influential is True
    (facts,) = selectors.aid_body_facts(MONDAY.year)
    assert facts.body == body and facts.influential == [request]

    # The Excel has the page's rows: the body's account gets its body's request, another body none.
    def numbers(user: object) -> list[str]:
        content = personas.client(user).get(reverse("protection:aid") + "?format=xlsx").content  # type: ignore[arg-type]
        sheet = load_workbook(io.BytesIO(content)).active
        assert sheet is not None
        return [str(row[0]) for row in sheet.iter_rows(min_row=2, values_only=True) if row[0]]

    assert numbers(body_user) == [request.number]
    assert numbers(other_user) == []


def test_a_body_without_organisation_has_no_account_acting_for_it(personas: Personas) -> None:
    body = services.upsert_aid_body(
        actor=web(personas.admin), name="无账号援助中心", kind="university", service_scope="咨询"
    )
    request = _routed(personas, body)
    # The agency's account is of no body: it neither sees nor accepts the request.
    assert list(selectors.aid_request_list(personas.agency)) == []
    url = reverse("protection:aid_accept", args=[request.pk])
    assert personas.client(personas.agency).post(url).status_code == 404
    # The city office records the result for the body.
    services.close_aid_request(request, actor=web(personas.admin), outcome="调解结案", successful=True)


def _mediation(personas: Personas) -> Dispute:
    zhifu = Region.objects.get(name="芝罘区")
    return services.register_dispute(
        actor=web(personas.district_a),
        kind="mediation",
        region=zhifu,
        claimant=personas.org_a,
        respondent=personas.org_b,
        patent_numbers=patent(personas.org_a).application_number,
        summary="请求调解专利许可费纠纷",
    )


def test_mediation_body_account_records_agreement_and_confirmation(personas: Personas) -> None:
    body, body_user = mediation_body()
    _other, other_user = mediation_body("另一调解委员会", "t-mediator-other")
    case = _mediation(personas)
    url = reverse("protection:dispute", args=[case.pk])
    mine = personas.client(body_user)
    assert mine.get(url).status_code == 404  # not yet assigned to it

    start = reverse("protection:dispute_start_mediation", args=[case.pk])
    assert mine.post(start, {"mediator": body.pk}).status_code == 404
    officer = personas.client(personas.district_a)
    assert officer.post(start, {"mediator": body.pk}).status_code == 302
    case.refresh_from_db()
    assert (case.status, case.mediator, case.mediation_body) == ("mediating", body, body.name)
    assert case.due_on is not None and case.due_on > MONDAY

    page = mine.get(url)
    assert page.status_code == 200 and "登记调解协议" in page.content.decode()
    assert "时限：30日（市局决定" in page.content.decode()
    assert [d.pk for d in selectors.dispute_list(body_user, {})] == [case.pk]
    assert [d.pk for d in selectors.mediations_for_body(body_user)] == [case.pk]
    # Another mediation body's account and the district that does not handle it: 404.
    assert personas.client(other_user).get(url).status_code == 404
    agree = reverse("protection:dispute_agree", args=[case.pk])
    assert personas.client(other_user).post(agree, {"agreement": "x"}).status_code == 404
    assert personas.client(personas.district_b).get(url).status_code == 404
    # A party sees the case but does not record the mediation's steps.
    assert personas.client(personas.enterprise_a).post(agree, {"agreement": "x"}).status_code == 403

    assert mine.post(agree, {"agreement": "被请求人支付许可费 20 万元"}).status_code == 302
    confirm = reverse("protection:dispute_request_confirmation", args=[case.pk])
    assert mine.post(confirm, {"court": "烟台市中级人民法院"}).status_code == 302
    assert mine.post(reverse("protection:dispute_close_mediation", args=[case.pk])).status_code == 302
    case.refresh_from_db()
    assert (case.status, case.confirmation_court, case.due_on) == ("closed", "烟台市中级人民法院", None)
    assert [s.by for s in case.steps.order_by("id")][-3:] == [
        body_user.display_name or body_user.username
    ] * 3
    assert list(selectors.mediations_for_body(body_user)) == []


def test_mediation_body_account_sees_no_adjudication(personas: Personas) -> None:
    _body, body_user = mediation_body()
    zhifu = Region.objects.get(name="芝罘区")
    case = services.register_dispute(
        actor=web(personas.district_a),
        kind="adjudication",
        region=zhifu,
        claimant=personas.org_a,
        respondent=personas.org_b,
        patent_numbers=patent(personas.org_a).application_number,
        summary="请求停止侵权",
    )
    assert list(selectors.dispute_list(body_user, {})) == []
    assert personas.client(body_user).get(reverse("protection:dispute", args=[case.pk])).status_code == 404


def test_mediation_body_register_is_the_city_offices(personas: Personas) -> None:
    url = reverse("protection:mediation_body_new")
    data = {"name": "烟台市知识产权纠纷人民调解委员会", "contact": "张", "phone": "0535-0000000"}
    assert personas.client(personas.district_a).post(url, data).status_code == 403
    assert (
        personas.client(personas.admin)
        .post(url, {**data, "organisation": personas.org_agency.pk})
        .status_code
        == 302
    )
    page = personas.client(personas.district_a).get(reverse("protection:disputes")).content.decode()
    assert "烟台市知识产权纠纷人民调解委员会" in page and "已开通账号办理" in page
    assert AuditEvent.objects.filter(action="mediation_body.create").exists()


def test_body_accounts_list_pages_cost_the_same_queries_whatever_the_rows(personas: Personas) -> None:
    aid, aid_user = aid_body()
    mediator, mediator_user = mediation_body()

    def add(n: int) -> None:
        for _ in range(n):
            _routed(personas, aid)
            case = _mediation(personas)
            services.start_mediation(case, actor=web(personas.district_a), mediator=mediator)

    def queries() -> list[int]:
        counts = []
        for user, url in ((aid_user, "protection:aid"), (mediator_user, "protection:disputes")):
            client = personas.client(user)
            client.get(reverse(url))
            with CaptureQueriesContext(connection) as captured:
                assert client.get(reverse(url)).status_code == 200
            counts.append(len(captured))
        return counts

    add(2)
    before = queries()
    add(3)
    assert queries() == before
