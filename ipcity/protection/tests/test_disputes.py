"""Disputes: an administrative adjudication and a mediation through every stage, with each stage's
days and the cycle time; the count and median per district the indicators read; who may see and act."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.urls import reverse

from ipcity.core.models import AuditEvent, Region
from ipcity.core.workflow import Refused
from ipcity.protection import clock, selectors, services
from ipcity.protection.models import Dispute
from ipcity.protection.tests.helpers import MONDAY, patent, web
from ipcity.test import FORMULA_TEXTS, Personas, assert_text_cells

pytestmark = pytest.mark.django_db


def zhifu() -> Region:
    return Region.objects.get(name="芝罘区")


def adjudication(personas: Personas, **kwargs: object) -> Dispute:
    right = patent(personas.org_a)
    values: dict[str, object] = {
        "kind": "adjudication",
        "region": zhifu(),
        "claimant": personas.org_a,
        "respondent": personas.org_b,
        "patent_numbers": f"CN{right.application_number}",
        "summary": "请求责令停止侵权",
    }
    values.update(kwargs)
    with clock.frozen(MONDAY):
        return services.register_dispute(actor=web(personas.district_a), **values)  # type: ignore[arg-type]


def test_adjudication_through_every_stage_with_cycle_times(personas: Personas) -> None:
    case = adjudication(personas)
    officer = web(personas.district_a)
    assert case.number.startswith("CJ2026") and case.claimant_name == personas.org_a.name
    steps: list[tuple[int, Callable[..., Dispute], dict[str, str]]] = [
        (3, services.accept_dispute, {}),
        (10, services.assign_investigator, {"investigator": "王技术调查官"}),
        (30, services.hold_hearing, {}),
        (45, services.decide_dispute, {"decision": "责令被请求人立即停止侵权"}),
        (60, services.enforce_decision, {"enforcement": "被请求人已下架并销毁库存"}),
    ]
    for days, service, inputs in steps:
        with clock.frozen(MONDAY + dt.timedelta(days=days)):
            case = service(case, actor=officer, **inputs)
    case.refresh_from_db()
    assert case.status == "closed" and case.cycle_days == 60 and case.investigator == "王技术调查官"
    assert case.hearing_on == MONDAY + dt.timedelta(days=30)
    stages = selectors.dispute_stages(case)
    assert [s.label for s in stages] == [
        "立案申请",
        "受理",
        "指派技术调查官",
        "口头审理",
        "作出裁决",
        "执行结案",
    ]
    assert [s.days for s in stages] == [None, 3, 7, 20, 15, 15]
    actions = set(AuditEvent.objects.filter(object_id=str(case.pk)).values_list("action", flat=True))
    assert {"dispute.create", "dispute.accept", "dispute.enforce"} <= actions


def test_mediation_through_agreement_and_judicial_confirmation(personas: Personas) -> None:
    with clock.frozen(MONDAY):
        case = services.register_dispute(
            actor=web(personas.admin),
            kind="mediation",
            region=zhifu(),
            claimant_name="张某（个人）",
            respondent=personas.org_b,
            rights_note="商标 第12345678号",
            summary="商标许可费纠纷",
        )
        # An adjudication step is not a mediation's.
        with pytest.raises(Refused, match="是调解案件"):
            services.accept_dispute(case, actor=web(personas.admin))
        case = services.start_mediation(
            case, actor=web(personas.admin), mediation_body="烟台市知识产权纠纷人民调解委员会"
        )
    with clock.frozen(MONDAY + dt.timedelta(days=20)):
        case = services.record_agreement(
            case, actor=web(personas.admin), agreement="被申请人支付许可费 5 万元"
        )
        case = services.request_judicial_confirmation(case, actor=web(personas.admin), court="芝罘区人民法院")
    with clock.frozen(MONDAY + dt.timedelta(days=35)):
        case = services.close_mediation(case, actor=web(personas.admin))
    assert (case.status, case.cycle_days, case.number[:2]) == ("closed", 35, "TJ")
    assert case.claimant is None and case.claimant_name == "张某（个人）"


def test_registration_checks(personas: Personas) -> None:
    laishan = Region.objects.get(name="莱山区")
    with pytest.raises(Refused, match="只能登记本区市"):
        adjudication(personas, region=laishan)
    with pytest.raises(Refused, match="须写明涉案专利"):
        adjudication(personas, patent_numbers="")
    with pytest.raises(Refused, match="不在本平台的专利数据中"):
        adjudication(personas, patent_numbers="202310000001")
    with pytest.raises(Refused, match="请求人"):
        adjudication(personas, claimant=None, claimant_name="")
    assert not Dispute.objects.exists()


def test_counts_and_median_per_district(personas: Personas) -> None:
    quick, slow, _open = adjudication(personas), adjudication(personas), adjudication(personas)
    with clock.frozen(MONDAY + dt.timedelta(days=5)):
        services.reject_dispute(quick, actor=web(personas.district_a), reason="不属于本局管辖")
    for days, service, inputs in (
        (1, services.accept_dispute, {}),
        (2, services.hold_hearing, {}),
        (3, services.decide_dispute, {"decision": "驳回"}),
        (15, services.enforce_decision, {"enforcement": "无须执行"}),
    ):
        with clock.frozen(MONDAY + dt.timedelta(days=days)):
            slow = service(slow, actor=web(personas.admin), **inputs)
    (row,) = selectors.district_dispute_stats(MONDAY.year)
    assert (row.region, row.filed, row.ended, row.median_cycle_days) == (zhifu(), 3, 2, 10)
    assert selectors.dispute_count(MONDAY.year, zhifu().pk) == 3
    assert selectors.dispute_count(MONDAY.year, Region.objects.get(name="莱山区").pk) == 0
    assert selectors.district_dispute_stats(MONDAY.year - 1) == []


def test_pages_are_scoped(personas: Personas) -> None:
    case = adjudication(personas)
    url = reverse("protection:dispute", args=[case.pk])
    for user in (personas.admin, personas.district_a, personas.enterprise_a, personas.enterprise_b):
        assert personas.client(user).get(url).status_code == 200  # org_b is the respondent
    for user in (personas.district_b, personas.agency):
        assert personas.client(user).get(url).status_code == 404
    assert personas.client(personas.liaison).get(url).status_code == 403
    # A party reads, does not act.
    page = personas.client(personas.enterprise_a).get(url).content.decode()
    assert 'data-action="accept"' not in page and "立案申请" in page
    assert (
        personas.client(personas.enterprise_a)
        .post(reverse("protection:dispute_accept", args=[case.pk]))
        .status_code
        == 403
    )
    assert (
        personas.client(personas.district_b)
        .post(reverse("protection:dispute_accept", args=[case.pk]))
        .status_code
        == 404
    )
    personas.client(personas.district_a).post(reverse("protection:dispute_accept", args=[case.pk]))
    case.refresh_from_db()
    assert case.status == "accepted"
    stats = reverse("protection:dispute_stats") + f"?year={MONDAY.year}"
    assert "芝罘区" in personas.client(personas.liaison).get(stats).content.decode()
    assert personas.client(personas.enterprise_a).get(stats).status_code == 403
    assert personas.client(personas.district_a).get(reverse("protection:dispute_new")).status_code == 200
    assert personas.client(personas.enterprise_a).get(reverse("protection:dispute_new")).status_code == 403


def test_register_on_the_page_and_export(personas: Personas) -> None:
    right = patent(personas.org_a)
    client = personas.client(personas.district_a)
    with clock.frozen(MONDAY):
        response = client.post(
            reverse("protection:dispute_new"),
            {
                "kind": "adjudication",
                "region": zhifu().pk,
                "claimant": personas.org_a.pk,
                "respondent": "",
                "respondent_name": FORMULA_TEXTS[1],
                "patent_numbers": right.application_number,
                "summary": "请求责令停止侵权",
            },
        )
    case = Dispute.objects.get()
    assert response.status_code == 302 and list(case.patents.all()) == [right]
    xlsx = client.get(reverse("protection:disputes") + "?format=xlsx")
    assert_text_cells(xlsx.content, [FORMULA_TEXTS[1]])
    other = personas.client(personas.district_b).get(reverse("protection:disputes") + "?format=xlsx")
    assert FORMULA_TEXTS[1].encode() not in other.content


def test_feedback_and_the_satisfaction_report(personas: Personas) -> None:
    case = adjudication(personas)
    with clock.frozen(MONDAY + dt.timedelta(days=2)):
        case = services.reject_dispute(case, actor=web(personas.district_a), reason="不属于管辖范围")
        with pytest.raises(Refused, match="无权评价办结满意度"):
            services.give_dispute_feedback(case, actor=web(personas.enterprise_b), score=1)  # the respondent
        services.give_dispute_feedback(case, actor=web(personas.enterprise_a), score=3)
        with pytest.raises(Refused, match="已评价"):
            services.give_dispute_feedback(case, actor=web(personas.enterprise_a), score=5)
    rows = selectors.satisfaction_report(MONDAY.year)
    assert [(r.service, r.region, r.scored, r.mean) for r in rows] == [("行政裁决与调解", "芝罘区", 1, 3.0)]
    url = reverse("protection:satisfaction") + f"?year={MONDAY.year}"

    def table(user: object) -> str:
        page = personas.client(user).get(url).content.decode()  # type: ignore[arg-type]
        return page.split('data-testid="satisfaction"')[1]

    assert "<td>行政裁决与调解</td>" in table(personas.admin)
    assert "<td>行政裁决与调解</td>" in table(personas.district_a)
    assert "<td>行政裁决与调解</td>" not in table(personas.district_b)
    assert personas.client(personas.enterprise_a).get(url).status_code == 403
