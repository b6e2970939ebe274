"""Who is told when a complaint, a dispute, an 维权援助 request or a 风险排查 reaches a step that
waits for them, or a matching overseas alert is published — and that no one else is."""

from __future__ import annotations

import datetime as dt

import pytest

from ipcity.accounts.models import User
from ipcity.core.models import Notification, Region
from ipcity.protection import clock, services
from ipcity.protection.tests.helpers import (
    MONDAY,
    aid_body,
    complaint,
    mediation_body,
    patent,
    platform,
    web,
)
from ipcity.test import Personas

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today():
    with clock.frozen(MONDAY):
        yield


def _told() -> dict[str, list[str]]:
    """Each recipient's notification titles, by username (then cleared)."""
    out: dict[str, list[str]] = {}
    for n in Notification.objects.select_related("recipient").order_by("id"):
        out.setdefault(n.recipient.username, []).append(n.title)
    Notification.objects.all().delete()
    return out


def test_complaint_steps_tell_the_side_that_acts_next(personas: Personas) -> None:
    platform_org, platform_user = platform()
    case = complaint(personas, platform_org)
    told = _told()
    assert list(told) == [platform_user.username] and "收到知识产权投诉" in told[platform_user.username][0]
    case = services.take_measures(case, actor=web(platform_user), measure="delete")
    assert list(_told()) == [personas.enterprise_a.username]
    case = services.record_counter_notice(case, actor=web(platform_user), statement="不侵权")
    told = _told()
    assert list(told) == [personas.enterprise_a.username] and "告知已投诉或起诉" in told["t-ent-a"][0]
    # The rights holder registers its suit: the platform learns the measures stay.
    services.keep_measures(case, actor=web(personas.enterprise_a), reason="已向芝罘区法院起诉")
    told = _told()
    assert list(told) == [platform_user.username] and "措施维持" in told[platform_user.username][0]


def test_aid_request_tells_the_office_the_body_then_the_requester(personas: Personas) -> None:
    body, body_user = aid_body()
    _other, other_user = aid_body("另一援助中心", "t-aid-other")
    request = services.submit_aid_request(
        actor=web(personas.enterprise_a), requester=personas.org_a, summary="被诉侵权"
    )
    assert list(_told()) == [personas.admin.username]  # the city office routes it
    request = services.route_aid_request(request, actor=web(personas.admin), body=body)
    told = _told()
    assert list(told) == [body_user.username] and "请受理" in told[body_user.username][0]
    assert other_user.username not in told
    request = services.accept_aid_request(request, actor=web(body_user))
    assert list(_told()) == [personas.enterprise_a.username]
    services.close_aid_request(request, actor=web(body_user), outcome="和解", successful=True)
    told = _told()
    assert list(told) == [personas.enterprise_a.username] and "欢迎评价" in told["t-ent-a"][0]


def test_mediation_tells_its_body_and_the_claimant_at_the_end(personas: Personas) -> None:
    body, body_user = mediation_body()
    _other, other_user = mediation_body("另一调解委员会", "t-mediator-other")
    case = services.register_dispute(
        actor=web(personas.district_a),
        kind="mediation",
        region=Region.objects.get(name="芝罘区"),
        claimant=personas.org_a,
        respondent=personas.org_b,
        patent_numbers=patent(personas.org_a).application_number,
        summary="许可费纠纷",
    )
    _told()
    case = services.start_mediation(case, actor=web(personas.district_a), mediator=body)
    told = _told()
    assert list(told) == [body_user.username] and other_user.username not in told
    case = services.record_agreement(case, actor=web(body_user), agreement="赔偿 10 万元")
    assert _told() == {}
    services.close_mediation(case, actor=web(body_user))
    told = _told()
    assert list(told) == [personas.enterprise_a.username]  # the claimant, to score it; not the respondent


def test_risk_check_tells_the_office_then_the_enterprise(personas: Personas) -> None:
    check = services.request_risk_check(
        actor=web(personas.enterprise_a),
        organisation=personas.org_a,
        purpose="exhibition",
        country="德国",
        products="锂电池",
        event_on=MONDAY + dt.timedelta(days=30),
    )
    assert list(_told()) == [personas.admin.username]
    services.answer_risk_check(check, actor=web(personas.admin), answer="注意某专利")
    told = _told()
    assert list(told) == [personas.enterprise_a.username] and "已答复" in told["t-ent-a"][0]


def test_an_alert_tells_only_the_subscribers_it_matches(personas: Personas) -> None:
    mine = patent(personas.org_a)
    mine.main_ipc = "H01M 10/052"
    mine.save(update_fields=["main_ipc"])
    services.subscribe_risk_alerts(personas.org_a, actor=web(personas.enterprise_a), own_patents=True)
    services.subscribe_risk_alerts(personas.org_b, actor=web(personas.enterprise_b), country="美国")
    services.subscribe_risk_alerts(personas.org_agency, actor=web(personas.agency), industry="biomedicine")
    admin = web(personas.admin)

    services.publish_risk_alert(
        actor=admin, title="欧洲电池专利诉讼", kind="npe", country="德国", ipc="H01M", body="…"
    )
    assert list(_told()) == [personas.enterprise_a.username]
    services.publish_risk_alert(
        actor=admin, title="美国337调查", kind="section_337", country="美国", body="…"
    )
    assert list(_told()) == [personas.enterprise_b.username]
    services.publish_risk_alert(actor=admin, title="日本展会", kind="exhibition", country="日本", body="…")
    assert _told() == {}
    assert User.objects.filter(notifications__isnull=False).count() == 0
