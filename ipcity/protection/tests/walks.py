"""The walks of protection/workflows.py (ipcity/core/tests/walk.py): a credit record, an e-commerce
complaint, an adjudication and a mediation, an 维权援助 request and a 风险排查 request in each status,
reached with the real services. 测试甲公司 (enterprise_a) is the organisation concerned (record
holder, rights holder, claimant, requester); 芝罘区 (district_a) handles the disputes; the complaint's
platform has its own account (`platform`). Each action is tried through its service and through its
page's POST; the detail pages mark each control they offer with `data-action`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Generator
from pathlib import Path
from typing import Any

from django.urls import reverse

from ipcity.core.audit import Actor
from ipcity.core.models import Region
from ipcity.core.tests.walk import Try, Walk, data_actions, rolled_back, take, walk_for
from ipcity.protection import clock, services
from ipcity.protection.models import AidRequest, Complaint, CreditRecord, Dispute, RiskCheck
from ipcity.protection.tests.helpers import (
    CLI,
    MONDAY,
    aid_body,
    complaint,
    mediation_body,
    patent,
    platform,
    web,
)
from ipcity.protection.workflows import (
    AID_WORKFLOW,
    COMPLAINT_WORKFLOW,
    CREDIT_WORKFLOW,
    DISPUTE_WORKFLOW,
    RISK_CHECK_WORKFLOW,
)
from ipcity.test import Personas

REASON = "依据不足"

# ------------------------------------------------------------------------------------ credit

CITY = {"admin"}
CREDIT_EXPECTED: dict[str, dict[str, set[str]]] = {
    "在列（未公示）": {"admin": {"publish", "end"}, "enterprise_a": {"object", "request_repair"}},
    "在列（已公示）": {"admin": {"unpublish", "end"}, "enterprise_a": {"object", "request_repair"}},
    "异议审查中": {"admin": {"publish", "end", "review_objection"}},
    "信用修复审核中": {"admin": {"publish", "end", "review_repair"}},
    "已信用修复": {},
    "异议成立，已撤销": {},
}


@walk_for(CreditRecord)
def credit_walk(personas: Personas, tmp_path: Path) -> Walk[CreditRecord]:
    admin, owner = web(personas.admin), web(personas.enterprise_a)

    def states() -> Generator[tuple[str, CreditRecord], None, None]:
        with clock.frozen(MONDAY):
            record = services.add_credit_record(
                personas.org_a, actor=admin, source="测试公告", start=MONDAY - dt.timedelta(days=10)
            )
            yield "在列（未公示）", record
            with rolled_back():
                services.publish_credit_record(record, actor=admin)
                yield "在列（已公示）", record
            with rolled_back():
                services.object_to_credit_record(record, actor=owner, reason=REASON)
                yield "异议审查中", record
                services.review_credit_objection(record, actor=admin, decision="upheld", comment="成立")
                yield "异议成立，已撤销", record
            services.request_credit_repair(record, actor=owner, reason="已整改")
            yield "信用修复审核中", record
            services.review_credit_repair(record, actor=admin, decision="approved", comment="同意")
            yield "已信用修复", record

    def tries(record: CreditRecord, actor: Actor) -> list[Try]:
        def url(action: str) -> str:
            return reverse(f"protection:credit_{action}", args=[record.pk])

        review = {"decision": "dismissed", "comment": "维持"}
        repair = {"decision": "refused", "comment": "未整改"}
        return [
            take("publish", services.publish_credit_record, url("publish"), actor=actor),
            take("unpublish", services.unpublish_credit_record, url("unpublish"), actor=actor),
            take(
                "end",
                services.end_credit_record,
                url("end"),
                {"end": MONDAY.isoformat()},
                actor=actor,
                end=MONDAY,
            ),
            take(
                "object",
                services.object_to_credit_record,
                url("object"),
                {"reason": REASON},
                actor=actor,
                reason=REASON,
            ),
            take(
                "request_repair",
                services.request_credit_repair,
                url("request_repair"),
                {"reason": REASON},
                actor=actor,
                reason=REASON,
            ),
            take(
                "review_objection",
                services.review_credit_objection,
                url("review_objection"),
                review,
                actor=actor,
                **review,
            ),
            take(
                "review_repair",
                services.review_credit_repair,
                url("review_repair"),
                repair,
                actor=actor,
                **repair,
            ),
        ]

    return Walk(
        CREDIT_WORKFLOW,
        states(),
        tries,
        data_actions(lambda record: reverse("protection:credit", args=[record.pk])),
        CREDIT_EXPECTED,
        cli=CLI,
    )


# ------------------------------------------------------------------------------------ complaints

FLAG = {"admin": {"flag_malicious"}}
COMPLAINT_EXPECTED: dict[str, dict[str, set[str]]] = {
    "已投诉": {**FLAG, "platform": {"reject", "take_measures", "flag_malicious"}},
    "已采取措施": {**FLAG, "platform": {"counter_notice", "close", "flag_malicious"}},
    "等待期内": {**FLAG, "platform": {"keep", "flag_malicious"}, "enterprise_a": {"keep"}},
    "等待期届满": {**FLAG, "platform": {"restore", "flag_malicious"}},
    "措施维持": {**FLAG, "platform": {"close", "flag_malicious"}},
    "已恢复": {**FLAG, "platform": {"close", "flag_malicious"}},
    "已办结": {**FLAG, "platform": {"flag_malicious"}, "enterprise_a": {"feedback"}},
    "不予受理": {**FLAG, "platform": {"flag_malicious"}, "enterprise_a": {"feedback"}},
    "已评价并标记": {},
}


@walk_for(Complaint)
def complaint_walk(personas: Personas, tmp_path: Path) -> Walk[Complaint]:
    with clock.frozen(MONDAY):
        platform_org, platform_user = platform()
    by_platform, owner = web(platform_user), web(personas.enterprise_a)

    def states() -> Generator[tuple[str, Complaint], None, None]:
        with clock.frozen(MONDAY):
            case = complaint(personas, platform_org)
            yield "已投诉", case
            with rolled_back():
                services.reject_complaint(case, actor=by_platform, reason=REASON)
                yield "不予受理", case
            services.take_measures(case, actor=by_platform, measure="delete")
            yield "已采取措施", case
            case = services.record_counter_notice(case, actor=by_platform, statement="不侵权")
            yield "等待期内", case
            with rolled_back():
                services.keep_measures(case, actor=owner, reason="已起诉")
                yield "措施维持", case
            assert case.wait_until is not None
            with clock.frozen(case.wait_until + dt.timedelta(days=1)):
                yield "等待期届满", case
                services.restore_listing(case, actor=by_platform)
                yield "已恢复", case
                services.close_complaint(case, actor=by_platform)
                yield "已办结", case
                services.give_complaint_feedback(case, actor=owner, score=4)
                services.flag_malicious_complaint(case, actor=by_platform, reason=REASON)
                yield "已评价并标记", case

    def tries(case: Complaint, actor: Actor) -> list[Try]:
        def url(action: str) -> str:
            return reverse(f"protection:complaint_{action}", args=[case.pk])

        reason = {"reason": REASON}
        return [
            take("reject", services.reject_complaint, url("reject"), reason, actor=actor, **reason),
            take(
                "take_measures",
                services.take_measures,
                url("take_measures"),
                {"measure": "block"},
                actor=actor,
                measure="block",
            ),
            take(
                "counter_notice",
                services.record_counter_notice,
                url("counter_notice"),
                {"statement": "不侵权"},
                actor=actor,
                statement="不侵权",
            ),
            take("keep", services.keep_measures, url("keep"), reason, actor=actor, **reason),
            take("restore", services.restore_listing, url("restore"), actor=actor),
            take("close", services.close_complaint, url("close"), actor=actor),
            take(
                "flag_malicious",
                services.flag_malicious_complaint,
                url("flag_malicious"),
                reason,
                actor=actor,
                **reason,
            ),
            take(
                "feedback",
                services.give_complaint_feedback,
                url("feedback"),
                {"score": "4", "note": ""},
                actor=actor,
                score=4,
            ),
        ]

    return Walk(
        COMPLAINT_WORKFLOW,
        states(),
        tries,
        data_actions(lambda case: reverse("protection:complaint", args=[case.pk])),
        COMPLAINT_EXPECTED,
        users={"platform": platform_user},
        cli=CLI,
    )


# ------------------------------------------------------------------------------------ disputes


def _handlers(actions: set[str]) -> dict[str, set[str]]:
    return {"admin": set(actions), "district_a": set(actions)}


CLAIMANT = {"enterprise_a": {"feedback"}}
DISPUTE_EXPECTED: dict[str, dict[str, set[str]]] = {
    "裁决：已申请": _handlers({"accept", "reject"}),
    "裁决：已受理": _handlers({"assign_investigator", "hear"}),
    "技术调查中": _handlers({"hear"}),
    "已口头审理": _handlers({"decide"}),
    "已作出裁决": _handlers({"enforce"}),
    "裁决：已结案": CLAIMANT,
    "不予受理": CLAIMANT,
    "调解：已申请": _handlers({"start_mediation", "reject"}),
    # The mediation body's account (its registry organisation's) acts as the handling office does.
    "调解中": {**_handlers({"agree", "fail"}), "mediator": {"agree", "fail"}},
    "已达成调解协议": {
        **_handlers({"request_confirmation", "close_mediation"}),
        "mediator": {"request_confirmation", "close_mediation"},
    },
    "已申请司法确认": {**_handlers({"close_mediation"}), "mediator": {"close_mediation"}},
    "调解不成": CLAIMANT,
    "调解：已结案": CLAIMANT,
}


@walk_for(Dispute)
def dispute_walk(personas: Personas, tmp_path: Path) -> Walk[Dispute]:
    officer = web(personas.district_a)
    zhifu = Region.objects.get(name="芝罘区")
    mediator, mediator_user = mediation_body()

    def register(kind: str) -> Dispute:
        right = patent(personas.org_a)
        return services.register_dispute(
            actor=officer,
            kind=kind,
            region=zhifu,
            claimant=personas.org_a,
            respondent=personas.org_b,
            patent_numbers=right.application_number,
            summary="请求停止侵权",
        )

    def states() -> Generator[tuple[str, Dispute], None, None]:
        with clock.frozen(MONDAY):
            case = register("adjudication")
            yield "裁决：已申请", case
            with rolled_back():
                case = services.reject_dispute(case, actor=officer, reason=REASON)
                yield "不予受理", case
            case = services.accept_dispute(case, actor=officer)
            yield "裁决：已受理", case
            case = services.assign_investigator(case, actor=officer, investigator="王")
            yield "技术调查中", case
            case = services.hold_hearing(case, actor=officer)
            yield "已口头审理", case
            case = services.decide_dispute(case, actor=officer, decision="停止侵权")
            yield "已作出裁决", case
            case = services.enforce_decision(case, actor=officer, enforcement="已执行")
            yield "裁决：已结案", case
            mediation = register("mediation")
            yield "调解：已申请", mediation
            mediation = services.start_mediation(mediation, actor=officer, mediator=mediator)
            yield "调解中", mediation
            with rolled_back():
                mediation = services.record_mediation_failure(mediation, actor=officer, reason=REASON)
                yield "调解不成", mediation
            mediation = services.record_agreement(mediation, actor=officer, agreement="赔偿")
            yield "已达成调解协议", mediation
            mediation = services.request_judicial_confirmation(mediation, actor=officer, court="芝罘区法院")
            yield "已申请司法确认", mediation
            mediation = services.close_mediation(mediation, actor=officer)
            yield "调解：已结案", mediation

    def tries(case: Dispute, actor: Actor) -> list[Try]:
        def url(action: str) -> str:
            return reverse(f"protection:dispute_{action}", args=[case.pk])

        def with_data(action: str, service: Callable[..., Any], **data: object) -> Try:
            return take(
                action, service, url(action), {k: str(v) for k, v in data.items()}, actor=actor, **data
            )

        return [
            take("accept", services.accept_dispute, url("accept"), actor=actor),
            with_data("reject", services.reject_dispute, reason=REASON),
            with_data("assign_investigator", services.assign_investigator, investigator="李"),
            take("hear", services.hold_hearing, url("hear"), actor=actor),
            with_data("decide", services.decide_dispute, decision="驳回"),
            with_data("enforce", services.enforce_decision, enforcement="无须执行"),
            with_data("start_mediation", services.start_mediation, mediation_body="调委会"),
            with_data("agree", services.record_agreement, agreement="和解"),
            with_data("fail", services.record_mediation_failure, reason=REASON),
            with_data("request_confirmation", services.request_judicial_confirmation, court="法院"),
            take("close_mediation", services.close_mediation, url("close_mediation"), actor=actor),
            with_data("feedback", services.give_dispute_feedback, score=4),
        ]

    return Walk(
        DISPUTE_WORKFLOW,
        states(),
        tries,
        data_actions(lambda case: reverse("protection:dispute", args=[case.pk])),
        DISPUTE_EXPECTED,
        users={"mediator": mediator_user},
        cli=CLI,
    )


# ------------------------------------------------------------------------------------ 维权援助, 风险排查

AID_EXPECTED: dict[str, dict[str, set[str]]] = {
    "已申请": {"admin": {"route", "decline"}},
    # The body's account (its registry organisation's) accepts and records the result; the city
    # office may record the result for it, and alone finds 较大影响力.
    "已分派": {"admin": {"route", "close"}, "aid_body": {"accept", "close"}},
    "已受理": {"admin": {"close"}, "aid_body": {"close"}},
    "已办结": {"enterprise_a": {"feedback"}, "admin": {"recognise_influence"}},
    "已认定具有较大影响力": {"enterprise_a": {"feedback"}},
    "不予援助": {},
}


@walk_for(AidRequest)
def aid_walk(personas: Personas, tmp_path: Path) -> Walk[AidRequest]:
    admin = web(personas.admin)
    body, body_user = aid_body()

    def states() -> Generator[tuple[str, AidRequest], None, None]:
        with clock.frozen(MONDAY):
            request = services.submit_aid_request(
                actor=web(personas.enterprise_a), requester=personas.org_a, summary="被诉侵权"
            )
            yield "已申请", request
            with rolled_back():
                request = services.decline_aid_request(request, actor=admin, reason=REASON)
                yield "不予援助", request
            request = services.route_aid_request(request, actor=admin, body=body)
            yield "已分派", request
            request = services.accept_aid_request(request, actor=web(body_user))
            yield "已受理", request
            request = services.close_aid_request(
                request, actor=web(body_user), outcome="和解", successful=True
            )
            yield "已办结", request
            request = services.recognise_aid_influence(request, actor=admin)
            yield "已认定具有较大影响力", request

    def tries(request: AidRequest, actor: Actor) -> list[Try]:
        def url(action: str) -> str:
            return reverse(f"protection:aid_{action}", args=[request.pk])

        return [
            take("accept", services.accept_aid_request, url("accept"), actor=actor),
            take(
                "recognise_influence",
                services.recognise_aid_influence,
                reverse("protection:aid_recognise_influence", args=[request.pk]),
                {"reason": ""},
                actor=actor,
            ),
            take(
                "route",
                services.route_aid_request,
                url("route"),
                {"body": str(body.pk)},
                actor=actor,
                body=body,
            ),
            take(
                "decline",
                services.decline_aid_request,
                url("decline"),
                {"reason": REASON},
                actor=actor,
                reason=REASON,
            ),
            take(
                "close",
                services.close_aid_request,
                url("close"),
                {"outcome": "和解", "successful": "on"},
                actor=actor,
                outcome="和解",
                successful=True,
            ),
            take(
                "feedback",
                services.give_aid_feedback,
                url("feedback"),
                {"score": "5", "note": ""},
                actor=actor,
                score=5,
            ),
        ]

    return Walk(
        AID_WORKFLOW,
        states(),
        tries,
        data_actions(lambda request: reverse("protection:aid_request", args=[request.pk])),
        AID_EXPECTED,
        users={"aid_body": body_user},
        cli=CLI,
    )


@walk_for(RiskCheck)
def risk_check_walk(personas: Personas, tmp_path: Path) -> Walk[RiskCheck]:
    def states() -> Generator[tuple[str, RiskCheck], None, None]:
        with clock.frozen(MONDAY):
            check = services.request_risk_check(
                actor=web(personas.enterprise_a),
                organisation=personas.org_a,
                purpose="export",
                country="美国",
                products="电池",
            )
            yield "已申请", check
            check = services.answer_risk_check(check, actor=web(personas.admin), answer="无风险")
            yield "已答复", check

    def tries(check: RiskCheck, actor: Actor) -> list[Try]:
        url = reverse("protection:risk_check_answer", args=[check.pk])
        return [
            take(
                "answer", services.answer_risk_check, url, {"answer": "无风险"}, actor=actor, answer="无风险"
            )
        ]

    return Walk(
        RISK_CHECK_WORKFLOW,
        states(),
        tries,
        data_actions(lambda check: reverse("protection:risk_check", args=[check.pk])),
        {"已申请": {"admin": {"answer"}}, "已答复": {}},
        cli=CLI,
    )
