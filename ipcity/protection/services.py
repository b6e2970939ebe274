"""Writes of IP protection: one transaction and one audit event each (docs/protection.md).

Credit records (二(一)3): the city office adds, publishes and ends them and reviews objections and
repair requests; the organisation objects (异议) or asks for repair (信用修复). E-commerce complaints
(电子商务法 arts. 42–43): the rights holder files; the platform takes measures and forwards, records
the merchant's declaration, restores after the waiting period or keeps the measures; deadlines from
data/protection/time-limits.yaml on the working-day calendar."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import URLValidator
from django.db import models, transaction
from django.urls import reverse

from ipcity.accounts.choices import Role
from ipcity.accounts.models import User
from ipcity.accounts.permissions import is_city_admin
from ipcity.core.attachments import store_attachment
from ipcity.core.audit import Actor, delete_audited, record_event, snapshot, upsert
from ipcity.core.models import Region
from ipcity.core.notifications import notify
from ipcity.core.workflow import Refused
from ipcity.lib.identifiers import IdentifierError, normalize_patent_application_number
from ipcity.protection import clock
from ipcity.protection.choices import (
    AidBodyKind,
    CreditKind,
    DisputeKind,
    DisputeStatus,
    MeasureKind,
    OverseasOutcome,
    RightKind,
    RiskCheckPurpose,
    RiskKind,
    SecretSiteKind,
)
from ipcity.protection.config import step_deadline
from ipcity.protection.models import (
    AidBody,
    AidRequest,
    Complaint,
    CreditRecord,
    Dispute,
    DisputeStep,
    MediationBody,
    OverseasDispute,
    RiskAlert,
    RiskCheck,
    RiskSubscription,
    SecretSite,
)
from ipcity.protection.selectors import subscribers_of
from ipcity.protection.workflows import (
    AID_WORKFLOW,
    COMPLAINT_WORKFLOW,
    CREDIT_WORKFLOW,
    DISPUTE_WORKFLOW,
    RISK_CHECK_WORKFLOW,
)
from ipcity.registry.choices import Industry
from ipcity.registry.models import Organisation, Patent


def _accounts(organisation_id: int, *roles: str) -> list[User]:
    """The active accounts bound to an organisation (of the given roles)."""
    return list(
        User.objects.filter(
            membership__organisation_id=organisation_id, is_active=True, role__in=roles
        ).order_by("pk")
    )


def _city_admins() -> list[User]:
    return list(User.objects.filter(role=Role.CITY_ADMIN, is_active=True).order_by("pk"))


def _organisation_accounts(organisation_id: int | None) -> list[User]:
    """An organisation's own accounts (enterprise, university, agency; also those of an aid body or
    a mediation body, which are its registry organisation's accounts)."""
    if organisation_id is None:
        return []
    return _accounts(organisation_id, Role.APPLICANT, Role.AGENCY)


def _tell_complaint(complaint: Complaint, *, to_platform: bool, title: str, actor: Actor) -> None:
    """An in-app notice (and e-mail) to the other side of a complaint."""
    users = (
        _accounts(complaint.platform_id, Role.PLATFORM)
        if to_platform
        else _accounts(complaint.complainant_id, Role.APPLICANT, Role.AGENCY)
    )
    notify(
        users,
        title=f"电商投诉 {complaint.number}：{title}",
        body=f"{complaint.shop}（{complaint.get_status_display()}）",
        url=reverse("protection:complaint", args=[complaint.pk]),
        actor=actor,
    )


CREDIT_FIELDS = ["organisation", "kind", "legal_basis", "source", "start", "end", "note", "public"]
DOCUMENT_KINDS = frozenset({"pdf", "jpg", "png"})

# ------------------------------------------------------------------------------------ credit records


@transaction.atomic
def add_credit_record(
    organisation: Organisation,
    *,
    actor: Actor,
    source: str,
    start: dt.date,
    end: dt.date | None = None,
    kind: str = CreditKind.SERIOUS,
    legal_basis: str = "",
    note: str = "",
    public: bool = False,
    document: UploadedFile | None = None,
    is_demo: bool = False,
) -> CreditRecord:
    if kind not in CreditKind.values:
        raise Refused("类别：请选择信用记录类别")
    if not source.strip():
        raise Refused("认定机关及文号：请填写认定机关及文号")
    if end is not None and end < start:
        raise Refused("终止日期：终止日期不能早于起始日期")
    stored = store_attachment(document, actor=actor, allowed=DOCUMENT_KINDS) if document is not None else None
    record = CreditRecord.objects.create(
        organisation=organisation,
        kind=kind,
        legal_basis=legal_basis.strip(),
        source=source.strip(),
        document=stored,
        start=start,
        end=end,
        note=note.strip(),
        public=public,
        is_demo=is_demo,
    )
    record_event(actor, "credit_record.create", obj=record, after=snapshot(record, CREDIT_FIELDS))
    return record


@transaction.atomic
def end_credit_record(record: CreditRecord, *, actor: Actor, end: dt.date) -> CreditRecord:
    """Set the day the record ends (its term is over, or the deciding body took it off the list):
    from the day after, it no longer blocks payment nor shows on the public list."""
    record = CREDIT_WORKFLOW.lock(record)
    if end < record.start:
        raise Refused("终止日期：终止日期不能早于起始日期")
    before = snapshot(record, ["end"])
    record.end = end
    record.save(update_fields=["end"])
    CREDIT_WORKFLOW.move(
        record, "end", actor=actor, audit_before=before, audit_after=snapshot(record, ["end"])
    )
    return record


@transaction.atomic
def publish_credit_record(record: CreditRecord, *, actor: Actor) -> CreditRecord:
    record = CREDIT_WORKFLOW.lock(record)
    CREDIT_WORKFLOW.move(
        record, "publish", actor=actor, audit_before={"public": record.public}, audit_after={"public": True}
    )
    record.public = True
    record.save(update_fields=["public"])
    return record


@transaction.atomic
def unpublish_credit_record(record: CreditRecord, *, actor: Actor, reason: str = "") -> CreditRecord:
    record = CREDIT_WORKFLOW.lock(record)
    CREDIT_WORKFLOW.move(
        record,
        "unpublish",
        actor=actor,
        comment=reason,
        audit_before={"public": record.public},
        audit_after={"public": False},
    )
    record.public = False
    record.save(update_fields=["public"])
    return record


@transaction.atomic
def object_to_credit_record(record: CreditRecord, *, actor: Actor, reason: str) -> CreditRecord:
    """异议: the organisation disputes the record; it stays in force until the review."""
    record = CREDIT_WORKFLOW.lock(record)
    CREDIT_WORKFLOW.move(record, "object", actor=actor, reason=reason, comment=reason.strip())
    record.objection_reason = reason.strip()
    record.save(update_fields=["objection_reason"])
    return record


@transaction.atomic
def request_credit_repair(record: CreditRecord, *, actor: Actor, reason: str) -> CreditRecord:
    """信用修复: the organisation states how it corrected the conduct; reviewed by the city office."""
    record = CREDIT_WORKFLOW.lock(record)
    CREDIT_WORKFLOW.move(record, "request_repair", actor=actor, reason=reason, comment=reason.strip())
    record.repair_reason = reason.strip()
    record.save(update_fields=["repair_reason"])
    return record


def _review(record: CreditRecord, action: str, *, actor: Actor, decision: str, comment: str) -> CreditRecord:
    record = CREDIT_WORKFLOW.lock(record)
    CREDIT_WORKFLOW.move(record, action, actor=actor, decision=decision, comment=comment.strip())
    record.review_comment = comment.strip()[:300]
    record.reviewed_on = clock.today()
    record.save(update_fields=["review_comment", "reviewed_on"])
    notify(
        _accounts(record.organisation_id, Role.APPLICANT, Role.AGENCY),
        title=f"信用记录 {record.number}：{record.get_status_display()}",
        body=f"审核意见：{record.review_comment}",
        url=reverse("protection:credit", args=[record.pk]),
        actor=actor,
    )
    return record


@transaction.atomic
def review_credit_objection(
    record: CreditRecord, *, actor: Actor, decision: str, comment: str
) -> CreditRecord:
    """upheld: the record is revoked (no longer blocks, leaves the public list); dismissed: stays."""
    return _review(record, "review_objection", actor=actor, decision=decision, comment=comment)


@transaction.atomic
def review_credit_repair(record: CreditRecord, *, actor: Actor, decision: str, comment: str) -> CreditRecord:
    """approved: the record is repaired (lifts the payment block, leaves the public list)."""
    return _review(record, "review_repair", actor=actor, decision=decision, comment=comment)


# ------------------------------------------------------------------------------ e-commerce complaints


def platform_organisations() -> list[Organisation]:
    """Platforms that act on their complaints here: organisations with an account of role 电商平台."""
    return list(
        Organisation.objects.filter(memberships__user__role=Role.PLATFORM).distinct().order_by("name")
    )


def _resolve_right(
    complainant: Organisation, right_kind: str, right_number: str, has_proof: bool
) -> Patent | None:
    """A patent right from the registry (held by the complainant), else the uploaded proof."""
    if right_kind != RightKind.PATENT:
        if not has_proof:
            raise Refused("权属证明：请上传权利证书或其他权属证明")
        return None
    try:
        number = normalize_patent_application_number(right_number)
    except IdentifierError as exc:
        raise Refused(f"权利证书号或申请号：{exc}") from None
    patent = Patent.objects.filter(application_number=number).first()
    held = patent is not None and patent.holders.filter(organisation=complainant).exists()
    if held:
        return patent
    if has_proof:
        return patent
    if patent is None:
        raise Refused(f"权利证书号或申请号：专利 CN{number} 不在本平台的专利数据中，请上传权属证明")
    raise Refused(f"权利证书号或申请号：专利 CN{number} 的专利权人中没有{complainant.name}，请上传权属证明")


COMPLAINT_FIELDS = [
    "complainant",
    "platform",
    "shop",
    "listing_url",
    "right_kind",
    "right_number",
    "status",
    "due_on",
]


@transaction.atomic
def file_complaint(
    *,
    actor: Actor,
    complainant: Organisation,
    platform: Organisation,
    shop: str,
    listing_url: str,
    right_kind: str,
    right_number: str,
    evidence: str,
    proof: UploadedFile | None = None,
    is_demo: bool = False,
) -> Complaint:
    """电子商务法 art. 42(1): the notice, with preliminary evidence of infringement."""
    if platform.pk not in {p.pk for p in platform_organisations()}:
        raise Refused(f"电商平台：{platform.name} 尚未在本平台开通电商平台账号")
    if platform.pk == complainant.pk:
        raise Refused("电商平台：不能投诉本机构自己的平台")
    if right_kind not in RightKind.values:
        raise Refused("权利类型：请选择权利类型")
    for label, value in (
        ("店铺名称", shop),
        ("权利证书号或申请号", right_number),
        ("侵权初步证据", evidence),
    ):
        if not value.strip():
            raise Refused(f"{label}：请填写{label}")
    try:
        URLValidator(schemes=["http", "https"])(listing_url)
    except ValidationError:
        raise Refused("商品链接：请填写以 http:// 或 https:// 开头的商品链接") from None
    patent = _resolve_right(complainant, right_kind, right_number, proof is not None)
    stored = store_attachment(proof, actor=actor, allowed=DOCUMENT_KINDS) if proof is not None else None
    today = clock.today()
    complaint = Complaint.objects.create(
        complainant=complainant,
        platform=platform,
        shop=shop.strip(),
        listing_url=listing_url.strip(),
        right_kind=right_kind,
        right_number=patent.application_number if patent is not None else right_number.strip(),
        patent=patent,
        proof=stored,
        evidence=evidence.strip(),
        filed_on=today,
        due_on=step_deadline("platform_measures", today),
        filed_by=actor.user,
        is_demo=is_demo,
    )
    record_event(actor, "complaint.create", obj=complaint, after=snapshot(complaint, COMPLAINT_FIELDS))
    _tell_complaint(complaint, to_platform=True, title="收到知识产权投诉", actor=actor)
    return complaint


def _dates(complaint: Complaint, names: list[str]) -> dict[str, Any]:
    return snapshot(complaint, names)


@transaction.atomic
def reject_complaint(complaint: Complaint, *, actor: Actor, reason: str) -> Complaint:
    complaint = COMPLAINT_WORKFLOW.lock(complaint)
    complaint.rejected_reason = reason.strip()[:300]
    complaint.closed_on = clock.today()
    complaint.due_on = None
    COMPLAINT_WORKFLOW.move(complaint, "reject", actor=actor, reason=reason, comment=reason.strip())
    complaint.save(update_fields=["rejected_reason", "closed_on", "due_on"])
    _tell_complaint(complaint, to_platform=False, title="平台不予受理", actor=actor)
    return complaint


@transaction.atomic
def take_measures(complaint: Complaint, *, actor: Actor, measure: str) -> Complaint:
    """art. 42(2): necessary measures taken and the notice forwarded to the merchant (both today);
    the merchant's declaration is then awaited (time limit counter_notice)."""
    if measure not in MeasureKind.values:
        raise Refused("必要措施：请选择采取的必要措施")
    complaint = COMPLAINT_WORKFLOW.lock(complaint)
    today = clock.today()
    complaint.measure = measure
    complaint.measures_on = complaint.forwarded_on = today
    complaint.due_on = step_deadline("counter_notice", today)
    fields = ["measure", "measures_on", "forwarded_on", "due_on"]
    COMPLAINT_WORKFLOW.move(complaint, "take_measures", actor=actor, audit_after=_dates(complaint, fields))
    complaint.save(update_fields=fields)
    _tell_complaint(complaint, to_platform=False, title="平台已采取必要措施", actor=actor)
    return complaint


@transaction.atomic
def record_counter_notice(complaint: Complaint, *, actor: Actor, statement: str) -> Complaint:
    """art. 43: the merchant's declaration of non-infringement, forwarded to the rights holder
    today; the statutory waiting period runs from today (time limit rights_holder_wait)."""
    if not statement.strip():
        raise Refused("经营者不侵权声明：请填写声明内容")
    complaint = COMPLAINT_WORKFLOW.lock(complaint)
    today = clock.today()
    complaint.counter_statement = statement.strip()
    complaint.counter_forwarded_on = today
    wait_until = step_deadline("rights_holder_wait", today)  # calendar days: always known
    assert wait_until is not None
    complaint.wait_until = wait_until
    complaint.due_on = step_deadline("platform_restore", wait_until)
    fields = ["counter_forwarded_on", "wait_until", "due_on"]
    COMPLAINT_WORKFLOW.move(complaint, "counter_notice", actor=actor, audit_after=_dates(complaint, fields))
    complaint.save(update_fields=[*fields, "counter_statement"])
    _tell_complaint(
        complaint,
        to_platform=False,
        title=f"经营者声明不侵权，请于 {wait_until.isoformat()} 前告知已投诉或起诉",
        actor=actor,
    )
    return complaint


@transaction.atomic
def keep_measures(complaint: Complaint, *, actor: Actor, reason: str) -> Complaint:
    """art. 43(2): within the waiting period the rights holder has complained to an authority or
    sued (the reason names the case); the measures stay."""
    complaint = COMPLAINT_WORKFLOW.lock(complaint)
    complaint.kept_reason = reason.strip()[:300]
    complaint.due_on = None
    COMPLAINT_WORKFLOW.move(complaint, "keep", actor=actor, reason=reason, comment=reason.strip())
    complaint.save(update_fields=["kept_reason", "due_on"])
    # The side that did not register it learns that the measures stay.
    by_platform = actor.user is not None and getattr(actor.user, "role", "") == Role.PLATFORM
    _tell_complaint(
        complaint,
        to_platform=not by_platform,
        title=f"已登记投诉或起诉，措施维持：{complaint.kept_reason}",
        actor=actor,
    )
    return complaint


@transaction.atomic
def restore_listing(complaint: Complaint, *, actor: Actor) -> Complaint:
    """art. 43(2): the waiting period is over without notice of a complaint or suit: measures end."""
    complaint = COMPLAINT_WORKFLOW.lock(complaint)
    complaint.restored_on = clock.today()
    complaint.due_on = None
    COMPLAINT_WORKFLOW.move(complaint, "restore", actor=actor, audit_after=_dates(complaint, ["restored_on"]))
    complaint.save(update_fields=["restored_on", "due_on"])
    _tell_complaint(complaint, to_platform=False, title="等待期届满，平台已终止措施", actor=actor)
    return complaint


@transaction.atomic
def close_complaint(complaint: Complaint, *, actor: Actor) -> Complaint:
    complaint = COMPLAINT_WORKFLOW.lock(complaint)
    complaint.closed_on = clock.today()
    complaint.due_on = None
    COMPLAINT_WORKFLOW.move(complaint, "close", actor=actor, audit_after=_dates(complaint, ["closed_on"]))
    complaint.save(update_fields=["closed_on", "due_on"])
    _tell_complaint(complaint, to_platform=False, title="投诉已办结，欢迎评价办结满意度", actor=actor)
    return complaint


@transaction.atomic
def flag_malicious_complaint(complaint: Complaint, *, actor: Actor, reason: str) -> Complaint:
    """The known abuse (恶意投诉, art. 42(3)): flagged with a reason by the platform or the office."""
    complaint = COMPLAINT_WORKFLOW.lock(complaint)
    COMPLAINT_WORKFLOW.move(
        complaint,
        "flag_malicious",
        actor=actor,
        reason=reason,
        comment=reason.strip(),
        audit_after={"malicious": True},
    )
    complaint.malicious = True
    complaint.malicious_note = reason.strip()[:300]
    complaint.save(update_fields=["malicious", "malicious_note"])
    return complaint


@transaction.atomic
def give_complaint_feedback(complaint: Complaint, *, actor: Actor, score: int, note: str = "") -> Complaint:
    """办结满意度 (goal 1): the rights holder scores the handling, 1 to 5."""
    if not 1 <= int(score) <= 5:
        raise Refused("办结满意度：请选择 1 到 5 分")
    complaint = COMPLAINT_WORKFLOW.lock(complaint)
    COMPLAINT_WORKFLOW.move(
        complaint, "feedback", actor=actor, comment=note.strip(), audit_after={"satisfaction": int(score)}
    )
    complaint.satisfaction = int(score)
    complaint.satisfaction_note = note.strip()[:300]
    complaint.save(update_fields=["satisfaction", "satisfaction_note"])
    return complaint


# ------------------------------------------------------------------------------------ disputes

MAX_DISPUTE_PATENTS = 20


def _dispute_patents(numbers: str) -> list[Patent]:
    """Registry patents for application numbers typed one per line or comma-separated (may be none)."""
    found: list[Patent] = []
    tokens = [t for t in numbers.replace("，", ",").replace("\n", ",").split(",") if t.strip()]
    if len(tokens) > MAX_DISPUTE_PATENTS:
        raise Refused(f"涉案专利：一次最多 {MAX_DISPUTE_PATENTS} 件")
    for token in tokens:
        try:
            number = normalize_patent_application_number(token)
        except IdentifierError as exc:
            raise Refused(f"涉案专利：{token.strip()} {exc}") from None
        patent = Patent.objects.filter(application_number=number).first()
        if patent is None:
            raise Refused(f"涉案专利：CN{number} 不在本平台的专利数据中，可在“涉案权利”中说明")
        if patent not in found:
            found.append(patent)
    return found


def _party(org: Organisation | None, name: str, label: str) -> tuple[Organisation | None, str]:
    text = (name or "").strip() or (org.name if org is not None else "")
    if not text:
        raise Refused(f"{label}：请选择机构或填写{label}姓名/名称")
    return org, text[:200]


@transaction.atomic
def register_dispute(
    *,
    actor: Actor,
    kind: str,
    region: Region,
    summary: str,
    claimant: Organisation | None = None,
    claimant_name: str = "",
    respondent: Organisation | None = None,
    respondent_name: str = "",
    patent_numbers: str = "",
    rights_note: str = "",
    is_demo: bool = False,
) -> Dispute:
    """立案申请: a dispute registered by the office that handles it (a district bureau: its own)."""
    if kind not in DisputeKind.values:
        raise Refused("案件类型：请选择行政裁决或调解")
    user = actor.user
    if user is not None and not is_city_admin(user) and getattr(user, "region_id", None) != region.pk:
        raise Refused(f"办理区市：只能登记本区市（{getattr(user.region, 'name', '')}）办理的案件")
    if not summary.strip():
        raise Refused("请求事项：请填写请求事项")
    claimant, claimant_name = _party(claimant, claimant_name, "请求人")
    respondent, respondent_name = _party(respondent, respondent_name, "被请求人")
    patents = _dispute_patents(patent_numbers)
    if kind == DisputeKind.ADJUDICATION and not patents and not rights_note.strip():
        raise Refused("涉案专利：专利侵权纠纷行政裁决须写明涉案专利")
    dispute = Dispute.objects.create(
        kind=kind,
        region=region,
        claimant=claimant,
        claimant_name=claimant_name,
        respondent=respondent,
        respondent_name=respondent_name,
        rights_note=rights_note.strip()[:300],
        summary=summary.strip(),
        filed_on=clock.today(),
        is_demo=is_demo,
    )
    dispute.patents.set(patents)
    DisputeStep.objects.create(
        dispute=dispute,
        action="file",
        label="立案申请",
        status=DisputeStatus.FILED,
        on=dispute.filed_on,
        by=actor.label,
    )
    record_event(
        actor,
        "dispute.create",
        obj=dispute,
        after={
            **snapshot(dispute, ["kind", "region", "claimant_name", "respondent_name", "status", "filed_on"]),
            "patents": [p.application_number for p in patents],
        },
    )
    return dispute


def _dispute_move(
    dispute: Dispute,
    action: str,
    *,
    actor: Actor,
    values: dict[str, Any] | None = None,
    note: str = "",
    close: bool = False,
) -> Dispute:
    """Lock, move (the step is recorded by the workflow), then store the stage's values."""
    dispute = DISPUTE_WORKFLOW.lock(dispute)
    values = dict(values or {})
    if close:
        values["closed_on"] = clock.today()
    DISPUTE_WORKFLOW.move(
        dispute, action, actor=actor, comment=note, reason=note, audit_after=json_values(values)
    )
    for name, value in values.items():
        setattr(dispute, name, value)
    if values:
        dispute.save(update_fields=list(values))
    if close:
        _tell_dispute(
            dispute,
            _organisation_accounts(dispute.claimant_id),
            "案件已结束，欢迎评价办结满意度",
            actor=actor,
        )
    return dispute


def _tell_dispute(dispute: Dispute, users: list[User], title: str, *, actor: Actor) -> None:
    notify(
        users,
        title=f"{dispute.get_kind_display()} {dispute.number}：{title}",
        body=f"{dispute.claimant_name} 与 {dispute.respondent_name}（{dispute.get_status_display()}）",
        url=reverse("protection:dispute", args=[dispute.pk]),
        actor=actor,
    )


def json_values(values: dict[str, Any]) -> dict[str, Any]:
    """Values as the audit event stores them: dates in ISO form, rows by their name."""
    out: dict[str, Any] = {}
    for key, value in values.items():
        if isinstance(value, dt.date):
            value = value.isoformat()
        elif isinstance(value, models.Model):
            value = str(value)
        out[key] = value
    return out


def _required(value: str, label: str) -> str:
    if not (value or "").strip():
        raise Refused(f"{label}：请填写{label}")
    return value.strip()


@transaction.atomic
def accept_dispute(dispute: Dispute, *, actor: Actor) -> Dispute:
    return _dispute_move(dispute, "accept", actor=actor)


@transaction.atomic
def reject_dispute(dispute: Dispute, *, actor: Actor, reason: str) -> Dispute:
    return _dispute_move(
        dispute,
        "reject",
        actor=actor,
        values={"end_reason": reason.strip()[:300]},
        note=reason.strip(),
        close=True,
    )


@transaction.atomic
def assign_investigator(dispute: Dispute, *, actor: Actor, investigator: str) -> Dispute:
    name = _required(investigator, "技术调查官")
    return _dispute_move(
        dispute, "assign_investigator", actor=actor, values={"investigator": name[:100]}, note=name
    )


@transaction.atomic
def hold_hearing(dispute: Dispute, *, actor: Actor) -> Dispute:
    return _dispute_move(dispute, "hear", actor=actor, values={"hearing_on": clock.today()})


@transaction.atomic
def decide_dispute(dispute: Dispute, *, actor: Actor, decision: str) -> Dispute:
    text = _required(decision, "裁决结果")
    return _dispute_move(dispute, "decide", actor=actor, values={"decision": text}, note=text[:300])


@transaction.atomic
def enforce_decision(dispute: Dispute, *, actor: Actor, enforcement: str) -> Dispute:
    text = _required(enforcement, "执行情况")[:300]
    return _dispute_move(dispute, "enforce", actor=actor, values={"enforcement": text}, note=text, close=True)


@transaction.atomic
def start_mediation(
    dispute: Dispute, *, actor: Actor, mediator: MediationBody | None = None, mediation_body: str = ""
) -> Dispute:
    """The handling office assigns the case to a mediation body of the register (whose accounts then
    record the agreement and the 司法确认 request; they are told), or names one not in it. The
    mediation's time limit (data/protection/time-limits.yaml, `mediation`) runs from today."""
    if mediator is not None:
        if not mediator.active:
            raise Refused(f"调解组织：{mediator.name} 已不在册")
        body = mediator.name
    else:
        body = _required(mediation_body, "调解组织")[:200]
    dispute = _dispute_move(
        dispute,
        "start_mediation",
        actor=actor,
        values={
            "mediation_body": body,
            "mediator": mediator,
            "due_on": step_deadline("mediation", clock.today()),
        },
        note=body,
    )
    if mediator is not None:
        _tell_dispute(
            dispute, _organisation_accounts(mediator.organisation_id), "分派给本调解组织调解", actor=actor
        )
    return dispute


@transaction.atomic
def record_agreement(dispute: Dispute, *, actor: Actor, agreement: str) -> Dispute:
    text = _required(agreement, "调解协议")
    return _dispute_move(dispute, "agree", actor=actor, values={"agreement": text}, note=text[:300])


@transaction.atomic
def record_mediation_failure(dispute: Dispute, *, actor: Actor, reason: str) -> Dispute:
    return _dispute_move(
        dispute,
        "fail",
        actor=actor,
        values={"end_reason": reason.strip()[:300], "due_on": None},
        note=reason.strip(),
        close=True,
    )


@transaction.atomic
def request_judicial_confirmation(dispute: Dispute, *, actor: Actor, court: str) -> Dispute:
    name = _required(court, "司法确认法院")[:200]
    return _dispute_move(
        dispute, "request_confirmation", actor=actor, values={"confirmation_court": name}, note=name
    )


@transaction.atomic
def close_mediation(dispute: Dispute, *, actor: Actor) -> Dispute:
    return _dispute_move(dispute, "close_mediation", actor=actor, values={"due_on": None}, close=True)


@transaction.atomic
def upsert_mediation_body(
    *,
    actor: Actor,
    name: str,
    region: Region | None = None,
    organisation: Organisation | None = None,
    contact: str = "",
    phone: str = "",
    is_demo: bool = False,
) -> MediationBody:
    """A mediation body (调解组织) in the register; its accounts are those of `organisation`."""
    if not name.strip():
        raise Refused("名称：请填写调解组织名称")
    body, _status = upsert(
        MediationBody,
        key={"name": name.strip()},
        values={
            "region": region,
            "organisation": organisation,
            "contact": contact.strip(),
            "phone": phone.strip(),
            "active": True,
            "is_demo": is_demo,
        },
        actor=actor,
        action_prefix="mediation_body",
    )
    return body


@transaction.atomic
def give_dispute_feedback(dispute: Dispute, *, actor: Actor, score: int, note: str = "") -> Dispute:
    """办结满意度 (goal 1): the claimant scores the handling of its ended case, 1 to 5."""
    if not 1 <= int(score) <= 5:
        raise Refused("办结满意度：请选择 1 到 5 分")
    return _dispute_move(
        dispute, "feedback", actor=actor, values={"satisfaction": int(score)}, note=note.strip()
    )


# ------------------------------------------------------------------------------------ 维权援助


@transaction.atomic
def upsert_aid_body(
    *,
    actor: Actor,
    name: str,
    kind: str,
    service_scope: str,
    region: Region | None = None,
    organisation: Organisation | None = None,
    contact: str = "",
    phone: str = "",
    is_demo: bool = False,
) -> AidBody:
    if not name.strip():
        raise Refused("名称：请填写援助机构名称")
    if not service_scope.strip():
        raise Refused("服务范围：请填写服务范围")
    if kind not in AidBodyKind.values:
        raise Refused("类型：请选择援助机构类型")
    body, _status = upsert(
        AidBody,
        key={"name": name.strip()},
        values={
            "kind": kind,
            "service_scope": service_scope.strip(),
            "region": region,
            "organisation": organisation,
            "contact": contact.strip(),
            "phone": phone.strip(),
            "active": True,
            "is_demo": is_demo,
        },
        actor=actor,
        action_prefix="aid_body",
    )
    return body


def _tell_aid(request: AidRequest, users: list[User], title: str, *, actor: Actor) -> None:
    notify(
        users,
        title=f"维权援助 {request.number}：{title}",
        body=f"{request.requester.name}：{request.summary[:100]}（{request.get_status_display()}）",
        url=reverse("protection:aid_request", args=[request.pk]),
        actor=actor,
    )


@transaction.atomic
def submit_aid_request(
    *, actor: Actor, requester: Organisation, summary: str, is_demo: bool = False
) -> AidRequest:
    """The request waits for the city office, which routes it to a body (the office is told)."""
    if not summary.strip():
        raise Refused("援助事项：请填写需要援助的事项")
    request = AidRequest.objects.create(
        requester=requester, summary=summary.strip(), submitted_on=clock.today(), is_demo=is_demo
    )
    record_event(
        actor, "aid_request.create", obj=request, after=snapshot(request, ["requester", "summary", "status"])
    )
    _tell_aid(request, _city_admins(), "新的维权援助申请，待分派援助机构", actor=actor)
    return request


@transaction.atomic
def route_aid_request(request: AidRequest, *, actor: Actor, body: AidBody) -> AidRequest:
    """Routed to a body: its accounts (those of its registry organisation) are told and are to
    accept it within the time limit `aid_acceptance` (data/protection/time-limits.yaml)."""
    if not body.active:
        raise Refused(f"援助机构：{body.name} 已不在册")
    request = AID_WORKFLOW.lock(request)
    today = clock.today()
    request.body = body
    request.routed_on = today
    request.due_on = step_deadline("aid_acceptance", today)
    AID_WORKFLOW.move(
        request,
        "route",
        actor=actor,
        audit_after={"body": body.name, **json_values({"routed_on": today, "due_on": request.due_on})},
    )
    request.save(update_fields=["body", "routed_on", "due_on"])
    _tell_aid(request, _organisation_accounts(body.organisation_id), "分派给本援助机构，请受理", actor=actor)
    return request


@transaction.atomic
def accept_aid_request(request: AidRequest, *, actor: Actor) -> AidRequest:
    """The body accepts the request (its account); the requester is told."""
    request = AID_WORKFLOW.lock(request)
    request.accepted_on = clock.today()
    request.due_on = None
    AID_WORKFLOW.move(
        request, "accept", actor=actor, audit_after=json_values({"accepted_on": request.accepted_on})
    )
    request.save(update_fields=["accepted_on", "due_on"])
    _tell_aid(request, _organisation_accounts(request.requester_id), "援助机构已受理", actor=actor)
    return request


@transaction.atomic
def decline_aid_request(request: AidRequest, *, actor: Actor, reason: str) -> AidRequest:
    request = AID_WORKFLOW.lock(request)
    AID_WORKFLOW.move(request, "decline", actor=actor, reason=reason, comment=reason.strip())
    request.outcome = reason.strip()[:300]
    request.closed_on = clock.today()
    request.save(update_fields=["outcome", "closed_on"])
    _tell_aid(request, _organisation_accounts(request.requester_id), "不予援助", actor=actor)
    return request


@transaction.atomic
def close_aid_request(
    request: AidRequest, *, actor: Actor, outcome: str, successful: bool, influential: bool = False
) -> AidRequest:
    """The body's result (its account, or the city office for it). A successful case of 较大影响力
    feeds the 公益维权 reward item (二(一)3): that finding is the city office's only."""
    if influential and not successful:
        raise Refused("具有较大影响力：只有维权成功的案件才能标记为具有较大影响力")
    if influential and actor.user is not None and not is_city_admin(actor.user):
        raise Refused("具有较大影响力：由市局认定，援助机构登记办理结果时不能标记")
    request = AID_WORKFLOW.lock(request)
    AID_WORKFLOW.move(
        request,
        "close",
        actor=actor,
        reason=outcome,
        comment=outcome.strip(),
        audit_after={"successful": successful, "influential": influential},
    )
    request.outcome = outcome.strip()[:300]
    request.successful = successful
    request.influential = influential
    request.closed_on = clock.today()
    request.due_on = None
    request.save(update_fields=["outcome", "successful", "influential", "closed_on", "due_on"])
    _tell_aid(
        request, _organisation_accounts(request.requester_id), "已办结，欢迎评价办结满意度", actor=actor
    )
    return request


@transaction.atomic
def recognise_aid_influence(request: AidRequest, *, actor: Actor, reason: str = "") -> AidRequest:
    """The city office finds a successful case to be of 较大影响力 (二(一)3)."""
    request = AID_WORKFLOW.lock(request)
    AID_WORKFLOW.move(
        request,
        "recognise_influence",
        actor=actor,
        comment=reason.strip(),
        audit_before={"influential": request.influential},
        audit_after={"influential": True},
    )
    request.influential = True
    request.save(update_fields=["influential"])
    return request


@transaction.atomic
def give_aid_feedback(request: AidRequest, *, actor: Actor, score: int, note: str = "") -> AidRequest:
    if not 1 <= int(score) <= 5:
        raise Refused("办结满意度：请选择 1 到 5 分")
    request = AID_WORKFLOW.lock(request)
    AID_WORKFLOW.move(
        request, "feedback", actor=actor, comment=note.strip(), audit_after={"satisfaction": int(score)}
    )
    request.satisfaction = int(score)
    request.save(update_fields=["satisfaction"])
    return request


# ------------------------------------------------------------------------------------ overseas risk


@transaction.atomic
def publish_risk_alert(
    *,
    actor: Actor,
    title: str,
    kind: str,
    country: str,
    body: str,
    industry: str = "",
    ipc: str = "",
    is_demo: bool = False,
) -> RiskAlert:
    for label, value in (("标题", title), ("国家或地区", country), ("预警内容", body)):
        if not value.strip():
            raise Refused(f"{label}：请填写{label}")
    if kind not in RiskKind.values:
        raise Refused("风险类型：请选择风险类型")
    if industry and industry not in Industry.values:
        raise Refused("产业：请选择产业")
    alert = RiskAlert.objects.create(
        title=title.strip(),
        kind=kind,
        country=country.strip(),
        industry=industry,
        ipc=ipc.strip().upper().replace(" ", ""),
        body=body.strip(),
        published_on=clock.today(),
        is_demo=is_demo,
    )
    record_event(
        actor,
        "risk_alert.create",
        obj=alert,
        after=snapshot(alert, ["title", "kind", "country", "industry", "ipc"]),
    )
    subscribers = subscribers_of(alert)
    if subscribers:
        notify(
            User.objects.filter(
                membership__organisation__in=subscribers,
                is_active=True,
                role__in=[Role.APPLICANT, Role.AGENCY],
            ).order_by("pk"),
            title=f"海外风险预警：{alert.title}",
            body=f"{alert.country}，{alert.get_kind_display()}（符合本单位的预警订阅）",
            url=reverse("protection:subscriptions"),
            actor=actor,
        )
    return alert


@transaction.atomic
def subscribe_risk_alerts(
    organisation: Organisation,
    *,
    actor: Actor,
    industry: str = "",
    country: str = "",
    own_patents: bool = False,
) -> RiskSubscription:
    if not (industry or country.strip() or own_patents):
        raise Refused("订阅条件：请至少选择产业、国家或地区、本单位专利的分类号之一")
    subscription = RiskSubscription.objects.create(
        organisation=organisation,
        industry=industry,
        country=country.strip(),
        own_patents=own_patents,
        created_on=clock.today(),
    )
    record_event(
        actor,
        "risk_subscription.create",
        obj=subscription,
        after=snapshot(subscription, ["organisation", "industry", "country", "own_patents"]),
    )
    return subscription


@transaction.atomic
def cancel_risk_subscription(subscription: RiskSubscription, *, actor: Actor) -> None:
    delete_audited(
        subscription,
        actor=actor,
        action_prefix="risk_subscription",
        fields=["organisation", "industry", "country", "own_patents"],
    )


@transaction.atomic
def request_risk_check(
    *,
    actor: Actor,
    organisation: Organisation,
    purpose: str,
    country: str,
    products: str,
    event_on: dt.date | None = None,
    is_demo: bool = False,
) -> RiskCheck:
    if purpose not in RiskCheckPurpose.values:
        raise Refused("事由：请选择参加境外展会或产品出口")
    for label, value in (("目的国家或地区", country), ("产品", products)):
        if not value.strip():
            raise Refused(f"{label}：请填写{label}")
    check = RiskCheck.objects.create(
        organisation=organisation,
        purpose=purpose,
        country=country.strip(),
        products=products.strip(),
        event_on=event_on,
        submitted_on=clock.today(),
        is_demo=is_demo,
    )
    record_event(
        actor, "risk_check.create", obj=check, after=snapshot(check, ["organisation", "purpose", "country"])
    )
    _tell_risk_check(check, _city_admins(), "新的风险排查申请，待答复", actor=actor)
    return check


def _tell_risk_check(check: RiskCheck, users: list[User], title: str, *, actor: Actor) -> None:
    notify(
        users,
        title=f"风险排查 {check.number}：{title}",
        body=f"{check.organisation.name}：{check.get_purpose_display()}，{check.country}",
        url=reverse("protection:risk_check", args=[check.pk]),
        actor=actor,
    )


@transaction.atomic
def answer_risk_check(check: RiskCheck, *, actor: Actor, answer: str) -> RiskCheck:
    """The guidance centre's officer answers (the city office's account)."""
    check = RISK_CHECK_WORKFLOW.lock(check)
    RISK_CHECK_WORKFLOW.move(check, "answer", actor=actor, comment=answer.strip())
    check.answer = answer.strip()
    check.answered_on = clock.today()
    check.answered_by = actor.label
    check.save(update_fields=["answer", "answered_on", "answered_by"])
    _tell_risk_check(check, _organisation_accounts(check.organisation_id), "已答复排查意见", actor=actor)
    return check


OVERSEAS_FIELDS = [
    "organisation",
    "country",
    "kind",
    "opponent",
    "forum",
    "started_on",
    "outcome",
    "ended_on",
    "note",
]


@transaction.atomic
def record_overseas_dispute(
    *,
    actor: Actor,
    organisation: Organisation,
    country: str,
    kind: str,
    opponent: str,
    started_on: dt.date,
    forum: str = "",
    note: str = "",
    is_demo: bool = False,
) -> OverseasDispute:
    for label, value in (("国家或地区", country), ("对方当事人", opponent)):
        if not value.strip():
            raise Refused(f"{label}：请填写{label}")
    if kind not in RiskKind.values:
        raise Refused("纠纷类型：请选择纠纷类型")
    if started_on > clock.today():
        raise Refused("开始日期：不能晚于今天")
    dispute = OverseasDispute.objects.create(
        organisation=organisation,
        country=country.strip(),
        kind=kind,
        opponent=opponent.strip(),
        forum=forum.strip(),
        started_on=started_on,
        note=note.strip(),
        is_demo=is_demo,
    )
    record_event(actor, "overseas_dispute.create", obj=dispute, after=snapshot(dispute, OVERSEAS_FIELDS))
    return dispute


@transaction.atomic
def record_overseas_outcome(
    dispute: OverseasDispute, *, actor: Actor, outcome: str, ended_on: dt.date | None
) -> OverseasDispute:
    if outcome not in OverseasOutcome.values:
        raise Refused("结果：请选择结果")
    if outcome != OverseasOutcome.PENDING and ended_on is None:
        raise Refused("结束日期：已有结果的纠纷请填写结束日期")
    if ended_on is not None and ended_on < dispute.started_on:
        raise Refused("结束日期：不能早于开始日期")
    dispute = OverseasDispute.objects.select_for_update().get(pk=dispute.pk)
    before = snapshot(dispute, ["outcome", "ended_on"])
    dispute.outcome = outcome
    dispute.ended_on = ended_on if outcome != OverseasOutcome.PENDING else None
    dispute.save(update_fields=["outcome", "ended_on"])
    record_event(
        actor,
        "overseas_dispute.outcome",
        obj=dispute,
        before=before,
        after=snapshot(dispute, ["outcome", "ended_on"]),
    )
    return dispute


# ------------------------------------------------------------------------------------ 商业秘密保护站点


@transaction.atomic
def upsert_secret_site(
    *,
    actor: Actor,
    name: str,
    kind: str,
    region: Region,
    contact: str,
    phone: str,
    organisation: Organisation | None = None,
    designated_on: dt.date | None = None,
    is_demo: bool = False,
) -> SecretSite:
    for label, value in (("名称", name), ("联系人", contact), ("联系电话", phone)):
        if not value.strip():
            raise Refused(f"{label}：请填写{label}")
    if kind not in SecretSiteKind.values:
        raise Refused("类型：请选择示范点或指导站")
    site, _status = upsert(
        SecretSite,
        key={"name": name.strip()},
        values={
            "kind": kind,
            "region": region,
            "organisation": organisation,
            "contact": contact.strip(),
            "phone": phone.strip(),
            "designated_on": designated_on,
            "is_demo": is_demo,
        },
        actor=actor,
        action_prefix="secret_site",
    )
    return site
