"""The 工作台 of an aid body's and a mediation body's accounts: what waits for the body (counted in
the badge), overdue acceptance and mediation shown red; the city office and the handling district
see the overdue ones; the desk's queries do not grow with the number of items."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ipcity.accounts.models import User
from ipcity.core.models import Region
from ipcity.portal import selectors as desk
from ipcity.protection import clock, services
from ipcity.protection.tests.helpers import MONDAY, aid_body, mediation_body, patent, web
from ipcity.test import Personas

pytestmark = pytest.mark.django_db


def _html(personas: Personas, user: User) -> str:
    response = personas.client(user).get(reverse("portal:desk"))
    assert response.status_code == 200
    html = response.content.decode()
    return html[html.index("<main") : html.index("</main>")]


def _section(html: str, key: str) -> str:
    start = html.index(f'data-testid="desk-{key}"')
    return html[start : html.find("</section>", start)]


def _queries(personas: Personas, user: User) -> int:
    client = personas.client(user)
    client.get(reverse("portal:desk"))
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("portal:desk")).status_code == 200
    return len(queries)


def _route(personas: Personas, body: object, n: int) -> None:
    for i in range(n):
        request = services.submit_aid_request(
            actor=web(personas.enterprise_a), requester=personas.org_a, summary=f"援助事项{i}"
        )
        services.route_aid_request(request, actor=web(personas.admin), body=body)  # type: ignore[arg-type]


def _mediate(personas: Personas, body: object, n: int) -> None:
    zhifu = Region.objects.get(name="芝罘区")
    for i in range(n):
        case = services.register_dispute(
            actor=web(personas.district_a),
            kind="mediation",
            region=zhifu,
            claimant=personas.org_a,
            respondent=personas.org_b,
            patent_numbers=patent(personas.org_a).application_number,
            summary=f"调解事项{i}",
        )
        services.start_mediation(case, actor=web(personas.district_a), mediator=body)  # type: ignore[arg-type]


def test_body_desk_lists_what_waits_and_counts_it(personas: Personas) -> None:
    aid, aid_user = aid_body()
    mediator, mediator_user = mediation_body()
    with clock.frozen(MONDAY):
        _route(personas, aid, 1)
        _mediate(personas, mediator, 1)
        html = _html(personas, aid_user)
        waiting = _section(html, "aid_requests")
        assert "维权援助：分派给本机构的申请" in waiting and "援助事项0" in waiting
        assert "受理期限" in waiting and "text-danger" not in waiting
        assert 'data-testid="desk-mediations"' not in html  # the aid body mediates nothing
        assert desk.waiting_count(User.objects.get(pk=aid_user.pk)) == 1
        mediations = _section(_html(personas, mediator_user), "mediations")
        assert "测试甲公司 与 测试乙公司" in mediations and "调解期限" in mediations
        assert desk.waiting_count(User.objects.get(pk=mediator_user.pk)) == 1
        # An enterprise that is no body sees neither section; the old "coming later" note is gone.
        other = _html(personas, personas.agency)
        assert 'data-testid="desk-aid_requests"' not in other and "将随相应模块上线" not in other
        assert 'data-testid="desk-aid_overdue"' not in _html(personas, personas.admin)

    # Past the acceptance limit (5 working days) and the mediation limit (30 days): red for the
    # body, an alert for the city office and the handling district, nothing for the other district.
    with clock.frozen(MONDAY + dt.timedelta(days=40)):
        assert "已逾期" in _section(_html(personas, aid_user), "aid_requests")
        admin = _html(personas, personas.admin)
        assert "援助事项0" in _section(admin, "aid_overdue")
        assert "调解：超过调解期限的案件" in _section(admin, "mediations_overdue")
        district = _html(personas, personas.district_a)  # 芝罘区: the requester's and the handler
        assert (
            'data-testid="desk-aid_overdue"' in district
            and 'data-testid="desk-mediations_overdue"' in district
        )
        assert 'data-testid="desk-aid_overdue"' not in _html(personas, personas.district_b)


def test_body_desk_queries_do_not_grow_with_the_items(personas: Personas) -> None:
    aid, aid_user = aid_body()
    mediator, mediator_user = mediation_body()
    with clock.frozen(MONDAY):
        _route(personas, aid, 2)
        _mediate(personas, mediator, 2)
    with clock.frozen(MONDAY + dt.timedelta(days=40)):
        users = [aid_user, mediator_user, personas.admin, personas.district_a]
        before = [_queries(personas, u) for u in users]
    with clock.frozen(MONDAY):
        _route(personas, aid, 3)
        _mediate(personas, mediator, 3)
    with clock.frozen(MONDAY + dt.timedelta(days=40)):
        assert [_queries(personas, u) for u in users] == before


def test_city_desk_lists_requests_to_route_and_checks_to_answer(personas: Personas) -> None:
    with clock.frozen(MONDAY):
        request = services.submit_aid_request(
            actor=web(personas.enterprise_a), requester=personas.org_a, summary="商标被抢注"
        )
        check = services.request_risk_check(
            actor=web(personas.enterprise_a),
            organisation=personas.org_a,
            purpose="export",
            country="巴西",
            products="食品机械",
        )
        admin = User.objects.get(pk=personas.admin.pk)
        before = desk.waiting_count(admin)
        html = _html(personas, personas.admin)
        assert request.number in _section(html, "aid_to_route")
        assert check.number in _section(html, "risk_checks") and "巴西" in _section(html, "risk_checks")
        # Districts and organisations have no such tasks.
        assert 'data-testid="desk-aid_to_route"' not in _html(personas, personas.district_a)
        services.answer_risk_check(check, actor=web(personas.admin), answer="未发现风险")
        assert desk.waiting_count(admin) == before - 1
