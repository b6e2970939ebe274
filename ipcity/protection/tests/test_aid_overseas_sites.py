"""维权援助 (bodies, requests routed and closed, facts for 公益维权), overseas risk (alerts matched to
subscriptions by industry, country and the subscriber's own patents' IPC; 风险排查 answered;
涉外纠纷 outcomes as facts) and the 商业秘密保护 sites register — through the services."""

from __future__ import annotations

import datetime as dt

import pytest

from ipcity.core.models import AuditEvent, Region
from ipcity.core.workflow import Refused
from ipcity.protection import clock, selectors, services
from ipcity.protection.models import SecretSite
from ipcity.protection.tests.helpers import MONDAY, patent, web
from ipcity.test import Personas

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today():
    with clock.frozen(MONDAY):
        yield


def test_aid_request_routed_closed_and_counted(personas: Personas) -> None:
    admin = web(personas.admin)
    body = services.upsert_aid_body(
        actor=admin,
        name="烟台大学知识产权维权援助中心",
        kind="university",
        service_scope="专利侵权咨询、证据保全",
    )
    request = services.submit_aid_request(
        actor=web(personas.enterprise_a), requester=personas.org_a, summary="展会被诉侵权"
    )
    with pytest.raises(Refused, match="无权分派援助机构"):
        services.route_aid_request(request, actor=web(personas.enterprise_a), body=body)
    request = services.route_aid_request(request, actor=admin, body=body)
    with pytest.raises(Refused, match="只有维权成功的案件"):
        services.close_aid_request(request, actor=admin, outcome="败诉", successful=False, influential=True)
    request = services.close_aid_request(
        request, actor=admin, outcome="胜诉，获赔 50 万元", successful=True, influential=True
    )
    assert request.status == "closed" and request.closed_on == MONDAY
    with pytest.raises(Refused, match="无权评价"):
        services.give_aid_feedback(request, actor=web(personas.enterprise_b), score=1)
    services.give_aid_feedback(request, actor=web(personas.enterprise_a), score=5)
    (facts,) = selectors.aid_body_facts(MONDAY.year)
    assert (facts.body, facts.closed, facts.successful, facts.influential) == (body, 1, 1, [request])
    assert list(selectors.aid_request_list(personas.enterprise_b)) == []
    assert AuditEvent.objects.filter(action="aid_request.close", object_id=str(request.pk)).exists()


def test_alerts_reach_matching_subscribers(personas: Personas) -> None:
    admin = web(personas.admin)
    mine = patent(personas.org_a)
    mine.main_ipc = "H01M 10/052"
    mine.save(update_fields=["main_ipc"])
    battery = services.publish_risk_alert(
        actor=admin, title="美国 337 调查：锂电池", kind="section_337", country="美国", ipc="H01M", body="……"
    )
    food = services.publish_risk_alert(
        actor=admin,
        title="欧盟展会：食品机械",
        kind="exhibition",
        country="德国",
        industry="food_processing",
        body="……",
    )
    with pytest.raises(Refused, match="至少选择"):
        services.subscribe_risk_alerts(personas.org_a, actor=web(personas.enterprise_a))
    services.subscribe_risk_alerts(personas.org_a, actor=web(personas.enterprise_a), own_patents=True)
    assert list(selectors.alerts_for(personas.org_a)) == [battery]
    sub = services.subscribe_risk_alerts(personas.org_b, actor=web(personas.enterprise_b), country="德国")
    assert list(selectors.alerts_for(personas.org_b)) == [food]
    services.cancel_risk_subscription(sub, actor=web(personas.enterprise_b))
    assert list(selectors.alerts_for(personas.org_b)) == []
    assert AuditEvent.objects.filter(action="risk_subscription.delete").exists()


def test_risk_check_is_answered_by_the_office(personas: Personas) -> None:
    check = services.request_risk_check(
        actor=web(personas.enterprise_a),
        organisation=personas.org_a,
        purpose="exhibition",
        country="德国",
        products="锂电池",
    )
    with pytest.raises(Refused, match="需要填写意见"):
        services.answer_risk_check(check, actor=web(personas.admin), answer=" ")
    with pytest.raises(Refused, match="无权答复排查意见"):
        services.answer_risk_check(check, actor=web(personas.enterprise_a), answer="自查")
    check = services.answer_risk_check(check, actor=web(personas.admin), answer="未发现在德有效的相关专利")
    assert check.status == "answered" and check.answered_by == "t-admin"
    assert list(selectors.risk_check_list(personas.enterprise_b)) == []


def test_overseas_disputes_feed_the_litigation_facts(personas: Personas) -> None:
    admin = web(personas.admin)
    won = services.record_overseas_dispute(
        actor=admin, organisation=personas.org_a, country="美国", kind="npe", opponent="某专利运营公司",
        started_on=MONDAY - dt.timedelta(days=300),
    )  # fmt: skip
    with pytest.raises(Refused, match="请填写结束日期"):
        services.record_overseas_outcome(won, actor=admin, outcome="won", ended_on=None)
    services.record_overseas_outcome(won, actor=admin, outcome="won", ended_on=MONDAY)
    lost = services.record_overseas_dispute(
        actor=admin, organisation=personas.org_a, country="印度", kind="squatting", opponent="某贸易公司",
        started_on=MONDAY - dt.timedelta(days=100),
    )  # fmt: skip
    services.record_overseas_outcome(lost, actor=admin, outcome="lost", ended_on=MONDAY)
    assert selectors.overseas_litigation_facts(personas.org_a, MONDAY.year) == [won]
    assert list(selectors.overseas_dispute_list(personas.district_b)) == []
    assert len(selectors.overseas_dispute_list(personas.district_a)) == 2


def test_secret_sites_register(personas: Personas) -> None:
    admin = web(personas.admin)
    zhifu = Region.objects.get(name="芝罘区")
    site = services.upsert_secret_site(
        actor=admin,
        name="芝罘区商业秘密保护指导站",
        kind="guidance",
        region=zhifu,
        contact="李",
        phone="0535-1",
    )
    services.upsert_secret_site(
        actor=admin,
        name="芝罘区商业秘密保护指导站",
        kind="guidance",
        region=zhifu,
        contact="王",
        phone="0535-1",
    )
    site.refresh_from_db()
    assert SecretSite.objects.count() == 1 and site.contact == "王"
    assert AuditEvent.objects.filter(action="secret_site.update", object_id=str(site.pk)).exists()
    with pytest.raises(Refused, match="联系电话"):
        services.upsert_secret_site(
            actor=admin, name="某示范点", kind="demonstration", region=zhifu, contact="李", phone=""
        )
