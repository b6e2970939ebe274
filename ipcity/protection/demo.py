"""The protection part of the demo data set — SYNTHETIC: credit records of demo organisations (one
published on the public list, one under objection, an agency's record that lowers its grade),
e-commerce complaints against the demo platform (海购) in every step — filed, overdue, restored after
the waiting period and scored, kept after a suit, rejected and flagged as malicious —, disputes and
mediations (the demo mediation body's account, mediator-yantai, records its steps), 维权援助 (the
demo bodies' accounts aid-center and agency-zhiqiao), overseas risk and the 商业秘密保护 sites — all
made through the real services at past dates on protection's clock, and marked as demo (演示).
Idempotent: a record or complaint already there (by its demo text) is left as it is."""

from __future__ import annotations

import datetime as dt
import logging

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from ipcity.accounts.choices import Role
from ipcity.accounts.models import User
from ipcity.core.audit import Actor
from ipcity.core.models import Region
from ipcity.protection import clock, services
from ipcity.protection.models import AidRequest, Complaint, CreditRecord, Dispute, RiskAlert, SecretSite
from ipcity.registry.models import Organisation, Patent

log = logging.getLogger(__name__)

HAIYUE = "（演示）烟台海岳新材料有限公司"
LANJING = "（演示）烟台蓝鲸生物医药股份有限公司"
AGENCY = "（演示）烟台知桥知识产权代理事务所"
JINSUI = "（演示）龙口金穗食品有限公司"
PLATFORM = "（演示）烟台海购电子商务有限公司"
AID_CENTRE = "（演示）烟台市知识产权维权援助中心"
MEDIATORS = "（演示）烟台市知识产权纠纷人民调解委员会"
DEMO_PDF = b"%PDF-1.4\n% ipcity demo document - synthetic\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _pdf(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, DEMO_PDF, content_type="application/pdf")


def _org(name: str) -> Organisation | None:
    return Organisation.objects.filter(name=name).first()


def _user(role: str, org: Organisation) -> User | None:
    return User.objects.filter(role=role, membership__organisation=org, is_active=True).order_by("pk").first()


@transaction.atomic
def load_protection_demo(*, actor: Actor) -> None:
    today = clock.today()
    _credit(actor, today)
    _complaints(actor, today)
    _disputes(actor, today)
    _aid_overseas_sites(actor, today)


def _credit(actor: Actor, today: dt.date) -> None:
    orgs = {name: _org(name) for name in (JINSUI, LANJING, AGENCY)}
    records = [
        (
            JINSUI,
            "serious",
            "（演示）国家知识产权局公告 第 X 号",
            "知识产权领域严重失信主体名单管理规定（演示）",
            200,
            True,
        ),
        (
            LANJING,
            "abnormal",
            "（演示）烟台市市场监督管理局 经营异常名录决定",
            "企业经营异常名录管理暂行办法（演示）",
            90,
            False,
        ),
        (AGENCY, "general", "（演示）山东省知识产权局 行政处理决定", "专利代理条例（演示）", 60, True),
    ]
    for name, kind, source, basis, days_ago, public in records:
        org = orgs[name]
        if org is None or CreditRecord.objects.filter(organisation=org, source=source).exists():
            continue
        record = services.add_credit_record(
            org,
            actor=actor,
            kind=kind,
            source=source,
            legal_basis=basis,
            start=today - dt.timedelta(days=days_ago),
            note="【演示数据】",
            public=public,
            document=_pdf("认定文书（演示）.pdf") if kind == "serious" else None,
            is_demo=True,
        )
        if name == LANJING:
            owner = _user(Role.APPLICANT, org)
            if owner is not None:
                services.object_to_credit_record(
                    record, actor=Actor.web(owner), reason="【演示】已按期报送年报，请核实"
                )


def _complaints(actor: Actor, today: dt.date) -> None:
    holder, platform = _org(HAIYUE), _org(PLATFORM)
    if holder is None or platform is None:
        log.info("protection demo: the demo rights holder or platform is missing")
        return
    owner, platform_user = _user(Role.APPLICANT, holder), _user(Role.PLATFORM, platform)
    if owner is None or platform_user is None:
        log.info("protection demo: the demo accounts are missing")
        return
    by_owner, by_platform = Actor.web(owner), Actor.web(platform_user)
    patent = Patent.objects.filter(holders__organisation=holder).order_by("application_number").first()
    right: dict[str, object] = (
        {"right_kind": "patent", "right_number": patent.application_number}
        if patent is not None
        else {
            "right_kind": "trademark",
            "right_number": "（演示）第 0000001 号",
            "proof": _pdf("商标注册证（演示）.pdf"),
        }
    )

    def file(shop: str, on: dt.date, **overrides: object) -> Complaint | None:
        if Complaint.objects.filter(shop=shop, is_demo=True).exists():
            return None
        values: dict[str, object] = {
            "complainant": holder,
            "platform": platform,
            "shop": shop,
            "listing_url": "https://haigou.example.com/item/demo",
            "evidence": "【演示数据】公证购买的商品与权利保护范围相同。",
            **right,
            **overrides,
        }
        with clock.frozen(on):
            return services.file_complaint(actor=by_owner, is_demo=True, **values)  # type: ignore[arg-type]

    # Filed today: waits for the platform.
    file("（演示）甲店", today)
    # Filed two weeks ago, not acted on: overdue on the desks.
    file("（演示）乙店", today - dt.timedelta(days=14))
    # Measures, declaration, the 15 days pass, measures end, closed and scored.
    start = today - dt.timedelta(days=45)
    restored = file("（演示）丙店", start)
    if restored is not None:
        with clock.frozen(start + dt.timedelta(days=1)):
            services.take_measures(restored, actor=by_platform, measure="disconnect")
        with clock.frozen(start + dt.timedelta(days=5)):
            restored = services.record_counter_notice(
                restored, actor=by_platform, statement="【演示】产品结构不同，不构成侵权。"
            )
        assert restored.wait_until is not None
        with clock.frozen(restored.wait_until + dt.timedelta(days=1)):
            services.restore_listing(restored, actor=by_platform)
            services.close_complaint(restored, actor=by_platform)
            services.give_complaint_feedback(restored, actor=by_owner, score=5, note="【演示】处理及时")
    # A suit within the waiting period keeps the measures.
    start = today - dt.timedelta(days=30)
    kept = file("（演示）丁店", start)
    if kept is not None:
        with clock.frozen(start + dt.timedelta(days=2)):
            services.take_measures(kept, actor=by_platform, measure="delete")
        with clock.frozen(start + dt.timedelta(days=6)):
            services.record_counter_notice(kept, actor=by_platform, statement="【演示】已获得合法授权。")
        with clock.frozen(start + dt.timedelta(days=10)):
            services.keep_measures(kept, actor=by_owner, reason="【演示】已向烟台市中级人民法院起诉")
    # A complaint flagged as malicious and rejected.
    start = today - dt.timedelta(days=20)
    flagged = file(
        "（演示）戊店",
        start,
        right_kind="trademark",
        right_number="（演示）第 0000002 号",
        proof=_pdf("商标注册证（演示）.pdf"),
    )
    if flagged is not None:
        with clock.frozen(start + dt.timedelta(days=1)):
            services.flag_malicious_complaint(
                flagged, actor=by_platform, reason="【演示】短期内对同类商品批量投诉"
            )
            services.reject_complaint(flagged, actor=by_platform, reason="【演示】权属证明与被投诉商品无关")


def _disputes(actor: Actor, today: dt.date) -> None:
    """An adjudication closed after every stage, one under investigation, and a mediation confirmed
    by a court, handled by 芝罘区 (the demo district with accounts)."""
    region = Region.objects.filter(name="芝罘区").first()
    holder, respondent = _org(HAIYUE), _org(LANJING)
    if (
        region is None
        or holder is None
        or respondent is None
        or Dispute.objects.filter(is_demo=True).exists()
    ):
        return
    patent = Patent.objects.filter(holders__organisation=holder).order_by("application_number").first()
    rights = (
        {"patent_numbers": patent.application_number}
        if patent is not None
        else {"rights_note": "（演示）发明专利 一种耐腐蚀涂层"}
    )

    def register(kind: str, on: dt.date, summary: str) -> Dispute:
        with clock.frozen(on):
            return services.register_dispute(
                actor=actor,
                kind=kind,
                region=region,
                claimant=holder,
                respondent=respondent,
                summary=summary,
                is_demo=True,
                **rights,  # type: ignore[arg-type]
            )

    start = today - dt.timedelta(days=90)
    closed = register("adjudication", start, "【演示】请求责令停止制造、销售侵权产品")
    for days, service, inputs in (
        (5, services.accept_dispute, {}),
        (12, services.assign_investigator, {"investigator": "（演示）李技术调查官"}),
        (40, services.hold_hearing, {}),
        (55, services.decide_dispute, {"decision": "【演示】责令立即停止侵权"}),
        (70, services.enforce_decision, {"enforcement": "【演示】已停止销售并销毁库存"}),
    ):
        with clock.frozen(start + dt.timedelta(days=days)):
            closed = service(closed, actor=actor, **inputs)  # type: ignore[operator]
    start = today - dt.timedelta(days=20)
    open_case = register("adjudication", start, "【演示】请求认定侵权并责令停止")
    with clock.frozen(start + dt.timedelta(days=3)):
        open_case = services.accept_dispute(open_case, actor=actor)
        services.assign_investigator(open_case, actor=actor, investigator="（演示）赵技术调查官")
    # The mediation body of the register, with its organisation's account (mediator-yantai): the
    # handling district assigns it; the body's account records the agreement and the 司法确认 request
    # (the closing then waits on its 工作台).
    mediators_org = _org(MEDIATORS)
    mediator = services.upsert_mediation_body(
        actor=actor,
        name=MEDIATORS,
        organisation=mediators_org,
        region=region,
        contact="（演示）孙",
        phone="0535-0000003",
        is_demo=True,
    )
    mediator_user = _user(Role.AGENCY, mediators_org) if mediators_org is not None else None
    by_mediator = Actor.web(mediator_user) if mediator_user is not None else actor
    start = today - dt.timedelta(days=60)
    mediation = register("mediation", start, "【演示】专利许可费纠纷调解")
    with clock.frozen(start + dt.timedelta(days=2)):
        mediation = services.start_mediation(mediation, actor=actor, mediator=mediator)
    with clock.frozen(start + dt.timedelta(days=25)):
        mediation = services.record_agreement(
            mediation, actor=by_mediator, agreement="【演示】一次性支付许可费"
        )
        services.request_judicial_confirmation(mediation, actor=by_mediator, court="（演示）芝罘区人民法院")
    start = today - dt.timedelta(days=45)
    waiting = register("mediation", start, "【演示】商标许可合同纠纷调解")
    with clock.frozen(start + dt.timedelta(days=1)):
        services.start_mediation(waiting, actor=actor, mediator=mediator)  # past its 30 days: red


def _aid_overseas_sites(actor: Actor, today: dt.date) -> None:
    """A 维权援助 body with a closed case of 较大影响力 and an open one; an overseas alert, a
    subscription, an answered 风险排查 and a 涉外纠纷 won; two 商业秘密保护 sites."""
    holder, zhifu = _org(HAIYUE), Region.objects.filter(name="芝罘区").first()
    if holder is None or zhifu is None:
        return
    owner = _user(Role.APPLICANT, holder)
    # Two bodies whose organisations have accounts: the centre (aid-center) and the agency 知桥's
    # work station (agency-zhiqiao). 知桥's successful case, found of 较大影响力 by the city office,
    # is the fact of its 公益维权 reward (二(一)3); the centre has a request waiting for acceptance.
    centre_org, agency = _org(AID_CENTRE), _org(AGENCY)
    centre = services.upsert_aid_body(
        actor=actor,
        name="（演示）烟台市知识产权维权援助中心",
        kind="association",
        service_scope="专利、商标侵权纠纷咨询，证据保全指导",
        region=zhifu,
        organisation=centre_org,
        phone="0535-0000000",
        is_demo=True,
    )
    station = services.upsert_aid_body(
        actor=actor,
        name="（演示）知桥维权援助工作站",
        kind="agency",
        service_scope="专利侵权判定、维权方案",
        region=zhifu,
        organisation=agency,
        phone="0535-0000004",
        is_demo=True,
    )
    station_user = _user(Role.AGENCY, agency) if agency is not None else None
    by_station = Actor.web(station_user) if station_user is not None else actor
    if owner is not None and not AidRequest.objects.filter(is_demo=True).exists():
        by_owner = Actor.web(owner)
        with clock.frozen(today - dt.timedelta(days=40)):
            done = services.submit_aid_request(
                actor=by_owner, requester=holder, summary="【演示】海外展会被诉侵权，请求援助", is_demo=True
            )
            done = services.route_aid_request(done, actor=actor, body=station)
        with clock.frozen(today - dt.timedelta(days=38)):
            done = services.accept_aid_request(done, actor=by_station)
        with clock.frozen(today - dt.timedelta(days=5)):
            done = services.close_aid_request(
                done, actor=by_station, outcome="【演示】对方撤诉，企业产品恢复参展", successful=True
            )
            done = services.recognise_aid_influence(done, actor=actor, reason="【演示】涉及行业龙头企业")
            services.give_aid_feedback(done, actor=by_owner, score=5)
        waiting = services.submit_aid_request(
            actor=by_owner, requester=holder, summary="【演示】电商平台被恶意投诉", is_demo=True
        )
        services.route_aid_request(waiting, actor=actor, body=centre)
        services.submit_aid_request(
            actor=by_owner, requester=holder, summary="【演示】商标被抢注，请求指导", is_demo=True
        )
    if not RiskAlert.objects.filter(is_demo=True).exists():
        services.publish_risk_alert(
            actor=actor,
            title="（演示）美国 337 调查：锂离子电池",
            kind="section_337",
            country="美国",
            industry="clean_energy",
            ipc="H01M",
            body="【演示数据】某企业对多家中国电池企业提起 337 调查，相关出口企业请开展自查。",
            is_demo=True,
        )
        services.publish_risk_alert(
            actor=actor,
            title="（演示）德国展会：食品机械外观设计",
            kind="exhibition",
            country="德国",
            industry="food_processing",
            body="【演示数据】展会期间权利人可申请临时禁令，参展前请核查外观设计。",
            is_demo=True,
        )
        if owner is not None:
            services.subscribe_risk_alerts(holder, actor=Actor.web(owner), country="美国")
            check = services.request_risk_check(
                actor=Actor.web(owner),
                organisation=holder,
                purpose="exhibition",
                country="德国",
                products="（演示）耐腐蚀涂层材料",
                is_demo=True,
            )
            services.answer_risk_check(
                check, actor=actor, answer="【演示】未发现在德国有效的相关专利，建议携带专利证书参展。"
            )
        won = services.record_overseas_dispute(
            actor=actor,
            organisation=holder,
            country="美国",
            kind="npe",
            opponent="（演示）某专利运营公司",
            started_on=today - dt.timedelta(days=200),
            is_demo=True,
        )
        services.record_overseas_outcome(
            won, actor=actor, outcome="settled", ended_on=today - dt.timedelta(days=10)
        )
    if not SecretSite.objects.filter(is_demo=True).exists():
        services.upsert_secret_site(
            actor=actor, name="（演示）芝罘区商业秘密保护指导站", kind="guidance", region=zhifu,
            contact="（演示）李", phone="0535-0000001", is_demo=True,
        )  # fmt: skip
        services.upsert_secret_site(
            actor=actor, name="（演示）海岳新材料商业秘密保护示范点", kind="demonstration", region=zhifu,
            organisation=holder, contact="（演示）王", phone="0535-0000002", is_demo=True,
        )  # fmt: skip
