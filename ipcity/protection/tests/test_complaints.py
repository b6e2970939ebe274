"""E-commerce complaints (电子商务法 arts. 42–43): notice → necessary measures and forwarding →
counter-notice → the statutory 15-day wait → measures ended or kept; deadlines from the dated
parameters on the working-day calendar; who may act; the malicious flag; feedback; platform facts."""

from __future__ import annotations

import datetime as dt

import pytest

from ipcity.core.models import AuditEvent
from ipcity.core.workdays import add_working_days
from ipcity.core.workflow import Refused
from ipcity.protection import clock, config, selectors, services
from ipcity.protection.models import Complaint
from ipcity.protection.tests.helpers import MONDAY, complaint, patent, pdf, platform, web
from ipcity.test import Personas

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop(personas: Personas):
    with clock.frozen(MONDAY):
        yield platform()


def test_time_limits_are_dated_and_sourced() -> None:
    limits = {limit.step: limit for limit in config.all_time_limits(MONDAY)}
    wait = limits["rights_holder_wait"]
    assert (wait.days, wait.unit, wait.statutory) == (15, "days", True)
    assert "第四十三条" in wait.source["clause"]
    for step in ("platform_measures", "counter_notice", "platform_restore"):
        assert limits[step].source["status"] == "decision" and "市局决定" in limits[step].describe()
    with pytest.raises(config.ParameterError):
        config.time_limit("platform_measures", dt.date(2018, 12, 31))


def test_the_whole_flow_restores_after_the_waiting_period(personas: Personas, shop) -> None:
    platform_org, platform_user = shop
    with clock.frozen(MONDAY):
        case = complaint(personas, platform_org)
    assert case.status == "filed" and case.patent is not None
    assert case.due_on == add_working_days(MONDAY, config.time_limit("platform_measures", MONDAY).days)
    day = MONDAY + dt.timedelta(days=1)
    with clock.frozen(day):
        # Only the platform concerned takes measures.
        with pytest.raises(Refused, match="无权采取必要措施"):
            services.take_measures(case, actor=web(personas.enterprise_a), measure="delete")
        services.take_measures(case, actor=web(platform_user), measure="disconnect")
    case.refresh_from_db()
    assert (case.status, case.measures_on, case.forwarded_on) == ("measures", day, day)
    assert case.due_on == add_working_days(day, 10)
    with clock.frozen(day):
        services.record_counter_notice(case, actor=web(platform_user), statement="产品结构不同，不构成侵权")
    case.refresh_from_db()
    assert case.status == "counter" and case.wait_until == day + dt.timedelta(days=15)
    # Within the 15 days the platform cannot end the measures.
    with clock.frozen(case.wait_until), pytest.raises(Refused, match="届满前不能终止措施"):
        services.restore_listing(case, actor=web(platform_user))
    after = case.wait_until + dt.timedelta(days=1)
    with clock.frozen(after):
        with pytest.raises(Refused, match="不能再登记投诉或起诉"):
            services.keep_measures(case, actor=web(personas.enterprise_a), reason="（2026）鲁06民初1号")
        services.restore_listing(case, actor=web(platform_user))
        services.close_complaint(case, actor=web(platform_user))
        with pytest.raises(Refused, match="无权评价办结满意度"):
            services.give_complaint_feedback(case, actor=web(platform_user), score=5)
        services.give_complaint_feedback(case, actor=web(personas.enterprise_a), score=4, note="处理及时")
        with pytest.raises(Refused, match="已评价"):
            services.give_complaint_feedback(case, actor=web(personas.enterprise_a), score=5)
    case.refresh_from_db()
    assert (case.status, case.restored_on, case.closed_on, case.satisfaction) == ("closed", after, after, 4)
    actions = set(AuditEvent.objects.filter(object_id=str(case.pk)).values_list("action", flat=True))
    assert {
        "complaint.create", "complaint.take_measures", "complaint.counter_notice", "complaint.restore",
        "complaint.close", "complaint.feedback",
    } <= actions  # fmt: skip


def test_a_suit_within_the_wait_keeps_the_measures(personas: Personas, shop) -> None:
    platform_org, platform_user = shop
    with clock.frozen(MONDAY):
        case = complaint(personas, platform_org)
        services.take_measures(case, actor=web(platform_user), measure="delete")
        services.record_counter_notice(case, actor=web(platform_user), statement="不侵权")
    with clock.frozen(MONDAY + dt.timedelta(days=15)):
        services.keep_measures(
            case, actor=web(personas.enterprise_a), reason="已向烟台中院起诉（2026）鲁06民初1号"
        )
    case.refresh_from_db()
    assert case.status == "kept" and case.due_on is None and "鲁06民初1号" in case.kept_reason


def test_filing_checks_the_right_and_the_platform(personas: Personas, shop) -> None:
    platform_org, _user = shop
    with clock.frozen(MONDAY):
        # A patent not held by the complainant needs proof; with proof it is accepted.
        others = patent(personas.org_b)
        with pytest.raises(Refused, match="专利权人中没有测试甲公司"):
            complaint(personas, platform_org, right_number=others.application_number)
        with pytest.raises(Refused, match="不在本平台的专利数据中"):
            complaint(personas, platform_org, right_number="202310000001")
        with pytest.raises(Refused, match="权属证明"):
            complaint(personas, platform_org, right_kind="trademark", right_number="第12345678号")
        with pytest.raises(Refused, match="商品链接"):
            complaint(personas, platform_org, listing_url="javascript:alert(1)")
        with pytest.raises(Refused, match="尚未在本平台开通电商平台账号"):
            complaint(personas, personas.org_b)
        assert not Complaint.objects.exists()
        case = complaint(
            personas, platform_org, right_kind="trademark", right_number="第12345678号", proof=pdf()
        )
    assert case.proof is not None and case.patent is None


def test_malicious_flag_and_rejection(personas: Personas, shop) -> None:
    platform_org, platform_user = shop
    with clock.frozen(MONDAY):
        case = complaint(personas, platform_org)
        with pytest.raises(Refused, match="无权标记疑似恶意投诉"):
            services.flag_malicious_complaint(case, actor=web(personas.enterprise_a), reason="x")
        services.flag_malicious_complaint(
            case, actor=web(platform_user), reason="同一权利人三日内重复投诉20家店铺"
        )
        services.reject_complaint(case, actor=web(platform_user), reason="权利已失效")
    case.refresh_from_db()
    assert case.malicious and case.status == "rejected" and case.closed_on == MONDAY


def test_overdue_steps_and_platform_facts(personas: Personas, shop) -> None:
    platform_org, platform_user = shop
    with clock.frozen(MONDAY):
        late = complaint(personas, platform_org, shop="迟办店")
        prompt = complaint(personas, platform_org, shop="及时店")
        services.take_measures(prompt, actor=web(platform_user), measure="delete")
    deadline = late.due_on
    assert deadline is not None
    after = deadline + dt.timedelta(days=1)
    assert list(selectors.overdue_complaints(personas.admin, deadline)) == []
    assert list(selectors.overdue_complaints(personas.admin, after)) == [late]
    assert list(selectors.overdue_complaints(platform_user, after)) == [late]
    assert list(selectors.overdue_complaints(personas.district_a, after)) == [late]  # org_a is in 芝罘区
    assert list(selectors.overdue_complaints(personas.district_b, after)) == []
    assert list(selectors.overdue_complaints(personas.enterprise_b, after)) == []
    with clock.frozen(after):
        services.take_measures(late, actor=web(platform_user), measure="block")
    (facts,) = selectors.platform_handling_facts(MONDAY.year)
    assert (facts.received, facts.acted, facts.on_time) == (2, 2, 1)
    assert facts.platform == platform_org


def test_each_side_is_notified(personas: Personas, shop) -> None:
    from ipcity.core.models import Notification

    platform_org, platform_user = shop
    with clock.frozen(MONDAY):
        case = complaint(personas, platform_org)
        assert Notification.objects.filter(
            recipient=platform_user, title__contains="收到知识产权投诉"
        ).exists()
        services.take_measures(case, actor=web(platform_user), measure="delete")
        services.record_counter_notice(case, actor=web(platform_user), statement="不侵权")
    titles = list(
        Notification.objects.filter(recipient=personas.enterprise_a).values_list("title", flat=True)
    )
    assert any("已采取必要措施" in t for t in titles)
    assert any("2026-03-17 前告知已投诉或起诉" in t for t in titles)
    assert not Notification.objects.filter(recipient=personas.enterprise_b).exists()
