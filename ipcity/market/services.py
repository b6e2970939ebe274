"""Writes of the technology market: one transaction and one audit event each (docs/market.md).

Statuses move through market/workflows.py (`lock` → `require` → the market's own checks → `move`).
A confirmed deal becomes a licence or assignment in the registry through the registry's service
(`registry.services.record_licence`), so it shows in the licence list and on both 一企一档.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from ipcity.accounts.permissions import is_city_admin
from ipcity.core.attachments import store_attachment
from ipcity.core.audit import Actor, record_event, snapshot
from ipcity.core.jobs import JobHandle, background_job, start_job
from ipcity.core.models import Attachment, Job
from ipcity.core.workflow import Refused
from ipcity.lib.identifiers import IdentifierError, normalize_patent_application_number
from ipcity.lib.text import clean_text
from ipcity.market import matching
from ipcity.market.choices import (
    DEFAULT_LICENCE_KIND,
    EXCLUSIVE_MODES,
    DealSide,
    DealStatus,
    DualUse,
    MatchKind,
    OfferMode,
    OfferStatus,
)
from ipcity.market.models import AgencyMandate, Deal, DealNote, Need, Offer
from ipcity.market.permissions import (
    acts_in_market_for,
    can_manage_mandates,
    deal_side,
    forget_represented,
    represented_organisation_ids,
)
from ipcity.market.workflows import DEAL_WORKFLOW, NEED_WORKFLOW, OFFER_WORKFLOW
from ipcity.registry.choices import LicenceKind, OrganisationKind, OrganisationSize, PatentType
from ipcity.registry.models import Licence, Organisation, Patent
from ipcity.registry.services import record_licence

# The 专利权评价报告 is a document CNIPA issues: PDF or OFD (or a scan).
REPORT_KINDS = frozenset({"pdf", "ofd", "jpg", "png"})
OFFER_FIELDS = [
    "title",
    "mode",
    "price",
    "negotiable",
    "fee_terms",
    "payment_method",
    "field",
    "applications",
    "description",
    "maturity",
    "region",
    "dual_use",
    "contact_person",
    "contact_phone",
]
NEED_FIELDS = [
    "title",
    "problem",
    "field",
    "budget_min",
    "budget_max",
    "deadline",
    "region",
    "dual_use",
    "contact_person",
    "contact_phone",
]
DEAL_TERMS = ["kind", "amount", "contract_date", "term_end", "licensor_confirmed", "licensee_confirmed"]
MAX_PATENTS = 50
_SEPARATORS = re.compile(r"[\s,，;；、]+")


def today() -> dt.date:
    return timezone.localdate()


def _refuse_unless_acting_for(actor: Actor, organisation: Organisation, what: str) -> None:
    if actor.user is not None and not (
        is_city_admin(actor.user) or acts_in_market_for(actor.user, organisation.pk)
    ):
        raise Refused(f"无权为{organisation.name}{what}")


# ---------------------------------------------------------------------------------------- mandates


@transaction.atomic
def authorise_agency(organisation: Organisation, agency: Organisation, *, actor: Actor) -> AgencyMandate:
    """The organisation authorises a service agency to list offers and needs and to deal for it in
    the market (委托代理), until revoked."""
    if actor.user is not None and not can_manage_mandates(actor.user, organisation.pk):
        raise Refused(f"无权为{organisation.name}委托服务机构")
    if agency.kind != OrganisationKind.SERVICE_AGENCY:
        raise ValidationError(f"“{agency.name}”不是服务机构，不能受托。")
    if agency.pk == organisation.pk:
        raise ValidationError("服务机构不能委托自己。")
    if AgencyMandate.objects.in_force().filter(organisation=organisation, agency=agency).exists():
        raise ValidationError(f"{organisation.name}已委托“{agency.name}”，无需重复委托。")
    mandate = AgencyMandate.objects.create(organisation=organisation, agency=agency, granted_by=actor.label)
    record_event(
        actor,
        "market_mandate.grant",
        obj=mandate,
        after={"organisation": organisation.name, "agency": agency.name},
    )
    forget_represented(actor.user)
    return mandate


@transaction.atomic
def revoke_mandate(mandate: AgencyMandate, *, actor: Actor) -> None:
    """The agency no longer acts for the organisation; what it listed stays the organisation's."""
    mandate = AgencyMandate.objects.select_for_update().get(pk=mandate.pk)
    if actor.user is not None and not can_manage_mandates(actor.user, mandate.organisation_id):
        raise Refused(f"无权撤销{mandate.organisation.name}的委托")
    if mandate.revoked_at is not None:
        raise Refused("该委托已撤销")
    mandate.revoked_at = timezone.now()
    mandate.revoked_by = actor.label
    mandate.save(update_fields=["revoked_at", "revoked_by"])
    record_event(
        actor,
        "market_mandate.revoke",
        obj=mandate,
        before={"organisation": mandate.organisation.name, "agency": mandate.agency.name},
    )
    forget_represented(actor.user)


# ------------------------------------------------------------------------------------------ offers


def parse_patent_numbers(text: str) -> tuple[list[str], list[str]]:
    """Application numbers typed one per line (or separated by commas, spaces, 、): each normalised
    (CN/ZL prefixes, a missing check digit accepted; a wrong one not), once each, in the order typed;
    and an error naming each token that is not a patent application number."""
    numbers: list[str] = []
    errors: list[str] = []
    for token in (t for t in _SEPARATORS.split(text or "") if t):
        try:
            number = normalize_patent_application_number(token)
        except IdentifierError as exc:
            errors.append(f"“{token}”：{exc}")
            continue
        if number not in numbers:
            numbers.append(number)
    return numbers, errors


def resolve_patents(text: str) -> list[Patent]:
    """The registry's patents for application numbers typed one per line (or separated by commas):
    CN/ZL prefixes, spaces and a missing check digit are accepted. Refused naming each number that
    is malformed or not in the registry."""
    numbers, errors = parse_patent_numbers(text)
    if errors:
        raise ValidationError(errors)
    if not numbers:
        raise ValidationError("请填写至少一件专利的申请号。")
    if len(numbers) > MAX_PATENTS:
        raise ValidationError(f"一项供给最多包含 {MAX_PATENTS} 件专利。")
    found = {p.application_number: p for p in Patent.objects.filter(application_number__in=numbers)}
    missing = [f"专利 CN{n} 不在本平台的专利数据中" for n in numbers if n not in found]
    if missing:
        raise ValidationError(missing)
    return [found[n] for n in numbers]


def _exclusively_licensed(patents: list[Patent], on: dt.date) -> dict[int, Licence]:
    """Patents under an exclusive or sole licence in force on `on` (专利法 art. 52: no open licence
    declaration for them)."""
    licences: dict[int, Licence] = {}
    for licence in Licence.objects.filter(
        kind__in=[LicenceKind.EXCLUSIVE, LicenceKind.SOLE], items__patent__in=patents, contract_date__lte=on
    ).prefetch_related("items"):
        if licence.term_end is None or licence.term_end >= on:
            for item in licence.items.all():
                if item.patent_id is not None:
                    licences.setdefault(item.patent_id, licence)
    return licences


def listing_problems(
    holder: Organisation, mode: str, patents: list[Patent], *, has_report: bool, on: dt.date
) -> list[str]:
    """Why these patents cannot be offered by `holder` in `mode` on `on` (Chinese, each naming its
    patent): each must be in force (legal status 有效, within its term) and held by the holder; an open
    licence declaration (专利法 arts. 50–52) of a utility model or design needs a 专利权评价报告, and
    cannot cover a patent under an exclusive or sole licence."""
    problems: list[str] = []
    held = set(holder.patent_holdings.filter(patent__in=patents).values_list("patent_id", flat=True))
    exclusive = _exclusively_licensed(patents, on) if mode == OfferMode.OPEN else {}
    for patent in patents:
        refusal = patent.in_force_refusal(on)
        if refusal:
            problems.append(refusal)
        if patent.pk not in held:
            problems.append(
                f"专利 {patent.display_number}（{patent.title}）的专利权人中没有{holder.name}，不能由其挂牌"
            )
        if mode == OfferMode.OPEN:
            if patent.patent_type in (PatentType.UTILITY_MODEL, PatentType.DESIGN) and not has_report:
                problems.append(
                    f"专利 {patent.display_number}（{patent.title}）是{patent.get_patent_type_display()}专利，"
                    "开放许可声明须附专利权评价报告"
                )
            if patent.pk in exclusive:
                problems.append(
                    f"专利 {patent.display_number}（{patent.title}）已有{exclusive[patent.pk].get_kind_display()}"
                    "在有效期内，不能声明开放许可"
                )
    return problems


def _dual_use(data: dict[str, Any], errors: dict[str, str]) -> None:
    """军民双向转化 (方案二(三)1): 军转民, 民参军 or not at all (the default)."""
    data["dual_use"] = data.get("dual_use") or ""
    if data["dual_use"] not in DualUse.values:
        errors["dual_use"] = "军民双向转化的方向只能是“军转民”“民参军”或“不涉及”。"


def _clean_offer_values(values: dict[str, Any]) -> dict[str, Any]:
    """Price terms by mode: a free licence costs 0 元; an open licence declares its fee (a yearly or
    one-off amount in 元, and how it is paid) and is never 面议; other modes give a price or 面议."""
    data = {key: values.get(key) for key in OFFER_FIELDS}
    for key in ("title", "fee_terms", "payment_method", "contact_person", "contact_phone"):
        data[key] = clean_text(data.get(key) or "")
    for key in ("applications", "description"):
        data[key] = (data.get(key) or "").strip()
    data["negotiable"] = bool(data.get("negotiable"))
    price = data.get("price")
    errors: dict[str, str] = {}
    _dual_use(data, errors)
    if not data["title"]:
        errors["title"] = "请填写成果名称。"
    if price is not None and Decimal(price) < 0:
        errors["price"] = "价格不能为负数。"
    mode = data.get("mode")
    if mode == OfferMode.FREE_SME:
        data["price"], data["negotiable"] = Decimal("0.00"), False
    elif mode == OfferMode.OPEN:
        if data["negotiable"]:
            errors["negotiable"] = "开放许可须声明许可费，不能面议。"
        if price is None:
            errors["price"] = "开放许可声明须写明许可费（元，可为 0）。"
        if not data["payment_method"]:
            errors["payment_method"] = "开放许可声明须写明许可费的支付方式。"
    elif price is None and not data["negotiable"]:
        errors["price"] = "请填写价格或许可费，或选择面议。"
    elif price is not None and data["negotiable"]:
        errors["negotiable"] = "已填写价格时不能同时选择面议。"
    if not data["contact_person"] or not data["contact_phone"]:
        errors["contact_person"] = "请填写联系人和联系电话。"
    if errors:
        raise ValidationError(errors)
    return data


def _store_report(upload: UploadedFile | None, *, actor: Actor) -> Attachment | None:
    return store_attachment(upload, actor=actor, allowed=REPORT_KINDS) if upload is not None else None


@transaction.atomic
def create_offer(
    *,
    actor: Actor,
    holder: Organisation,
    values: dict[str, Any],
    patent_numbers: str,
    evaluation_report: UploadedFile | None = None,
    is_demo: bool = False,
    demo_key: str = "",
) -> Offer:
    """A draft offer of the holder's patents (by an account of the holder, or of an agency it
    authorised). The listing checks run now and again at publication."""
    _refuse_unless_acting_for(actor, holder, "挂牌")
    data = _clean_offer_values(values)
    patents = resolve_patents(patent_numbers)
    report = _store_report(evaluation_report, actor=actor)
    problems = listing_problems(holder, data["mode"], patents, has_report=report is not None, on=today())
    if problems:
        raise ValidationError(problems)
    listed_by = None
    if actor.user is not None and not is_city_admin(actor.user):
        own = getattr(getattr(actor.user, "membership", None), "organisation", None)
        listed_by = own if own is not None and own.pk != holder.pk else None
    offer = Offer.objects.create(
        holder=holder,
        listed_by=listed_by,
        evaluation_report=report,
        created_on=today(),
        is_demo=is_demo,
        demo_key=demo_key,
        **data,
    )
    offer.patents.set(patents)
    record_event(
        actor,
        "market_offer.create",
        obj=offer,
        after={
            **snapshot(offer, OFFER_FIELDS),
            "holder": holder.name,
            "patents": [p.application_number for p in patents],
            "status": offer.status,
        },
    )
    return offer


@transaction.atomic
def update_offer(
    offer: Offer,
    *,
    actor: Actor,
    values: dict[str, Any],
    patent_numbers: str,
    evaluation_report: UploadedFile | None = None,
) -> Offer:
    """Edit a draft or a taken-down offer (the workflow's `edit`); a new report replaces the old."""
    offer = OFFER_WORKFLOW.lock(offer)
    OFFER_WORKFLOW.require(offer, "edit", actor=actor)
    data = _clean_offer_values(values)
    patents = resolve_patents(patent_numbers)
    report = _store_report(evaluation_report, actor=actor) or offer.evaluation_report
    problems = listing_problems(
        offer.holder, data["mode"], patents, has_report=report is not None, on=today()
    )
    if problems:
        raise ValidationError(problems)
    before = {
        **snapshot(offer, OFFER_FIELDS),
        "patents": sorted(offer.patents.values_list("application_number", flat=True)),
    }
    for key, value in data.items():
        setattr(offer, key, value)
    offer.evaluation_report = report
    offer.save()
    offer.patents.set(patents)
    after = {**snapshot(offer, OFFER_FIELDS), "patents": sorted(p.application_number for p in patents)}
    changed = [key for key in after if before.get(key) != after[key]]
    OFFER_WORKFLOW.move(
        offer,
        "edit",
        actor=actor,
        audit_before={k: before[k] for k in changed},
        audit_after={k: after[k] for k in changed},
    )
    return offer


@transaction.atomic
def publish_offer(offer: Offer, *, actor: Actor) -> None:
    """Publish (again): the patents are checked in the registry as of today."""
    offer = OFFER_WORKFLOW.lock(offer)
    OFFER_WORKFLOW.require(offer, "publish", actor=actor)
    problems = listing_problems(
        offer.holder,
        offer.mode,
        list(offer.patents.all()),
        has_report=offer.evaluation_report_id is not None,
        on=today(),
    )
    if problems:
        raise ValidationError(problems)
    offer.published_on = today()
    offer.save(update_fields=["published_on"])
    OFFER_WORKFLOW.move(offer, "publish", actor=actor, audit_after={"published_on": offer.published_on})
    matching.sync_offer(offer)


def _offer_step(name: str, offer: Offer, *, actor: Actor, reason: str = "") -> None:
    offer = OFFER_WORKFLOW.lock(offer)
    OFFER_WORKFLOW.require(offer, name, actor=actor, reason=reason)
    extra: dict[str, Any] = {}
    if name == "hide":
        offer.hidden_reason = clean_text(reason)
        offer.save(update_fields=["hidden_reason"])
        extra = {"hidden_reason": offer.hidden_reason}
    OFFER_WORKFLOW.move(offer, name, actor=actor, comment=reason, reason=reason, audit_after=extra)
    matching.sync_offer(offer)


@transaction.atomic
def unlist_offer(offer: Offer, *, actor: Actor) -> None:
    _offer_step("unlist", offer, actor=actor)


@transaction.atomic
def close_offer(offer: Offer, *, actor: Actor) -> None:
    _offer_step("close", offer, actor=actor)


@transaction.atomic
def withdraw_offer(offer: Offer, *, actor: Actor) -> None:
    """Withdraw an open licence declaration (专利法 art. 51(3)): no new licences; the licences already
    granted, and the deals under way, are not affected."""
    _offer_step("withdraw", offer, actor=actor)


@transaction.atomic
def hide_offer(offer: Offer, *, actor: Actor, reason: str) -> None:
    """The city office takes a listing off the public pages, telling the holder why."""
    _offer_step("hide", offer, actor=actor, reason=reason)


@transaction.atomic
def unhide_offer(offer: Offer, *, actor: Actor) -> None:
    _offer_step("unhide", offer, actor=actor)


# ------------------------------------------------------------------------------------------- needs


def _clean_need_values(values: dict[str, Any]) -> dict[str, Any]:
    data = {key: values.get(key) for key in NEED_FIELDS}
    for key in ("title", "contact_person", "contact_phone"):
        data[key] = clean_text(data.get(key) or "")
    data["problem"] = (data.get("problem") or "").strip()
    errors: dict[str, str] = {}
    _dual_use(data, errors)
    if not data["title"]:
        errors["title"] = "请填写需求名称。"
    if not data["problem"]:
        errors["problem"] = "请填写需要解决的技术问题。"
    low, high = data.get("budget_min"), data.get("budget_max")
    if (low is not None and low < 0) or (high is not None and high < 0):
        errors["budget_min"] = "预算不能为负数。"
    elif low is not None and high is not None and low > high:
        errors["budget_max"] = "预算上限不能低于下限。"
    if not data["contact_person"] or not data["contact_phone"]:
        errors["contact_person"] = "请填写联系人和联系电话。"
    if errors:
        raise ValidationError(errors)
    return data


@transaction.atomic
def create_need(
    *,
    actor: Actor,
    organisation: Organisation,
    values: dict[str, Any],
    is_demo: bool = False,
    demo_key: str = "",
) -> Need:
    _refuse_unless_acting_for(actor, organisation, "发布需求")
    data = _clean_need_values(values)
    need = Need.objects.create(
        organisation=organisation, created_on=today(), is_demo=is_demo, demo_key=demo_key, **data
    )
    record_event(
        actor,
        "market_need.create",
        obj=need,
        after={**snapshot(need, NEED_FIELDS), "organisation": organisation.name, "status": need.status},
    )
    return need


@transaction.atomic
def update_need(need: Need, *, actor: Actor, values: dict[str, Any]) -> Need:
    need = NEED_WORKFLOW.lock(need)
    NEED_WORKFLOW.require(need, "edit", actor=actor)
    data = _clean_need_values(values)
    before = snapshot(need, NEED_FIELDS)
    for key, value in data.items():
        setattr(need, key, value)
    need.save()
    after = snapshot(need, NEED_FIELDS)
    changed = [key for key in after if before[key] != after[key]]
    NEED_WORKFLOW.move(
        need,
        "edit",
        actor=actor,
        audit_before={k: before[k] for k in changed},
        audit_after={k: after[k] for k in changed},
    )
    return need


def _need_step(name: str, need: Need, *, actor: Actor, reason: str = "") -> None:
    need = NEED_WORKFLOW.lock(need)
    NEED_WORKFLOW.require(need, name, actor=actor, reason=reason)
    extra: dict[str, Any] = {}
    if name == "publish":
        need.published_on = today()
        need.save(update_fields=["published_on"])
        extra = {"published_on": need.published_on}
    if name == "hide":
        need.hidden_reason = clean_text(reason)
        need.save(update_fields=["hidden_reason"])
        extra = {"hidden_reason": need.hidden_reason}
    NEED_WORKFLOW.move(need, name, actor=actor, comment=reason, reason=reason, audit_after=extra)
    matching.sync_need(need)


@transaction.atomic
def publish_need(need: Need, *, actor: Actor) -> None:
    _need_step("publish", need, actor=actor)


@transaction.atomic
def close_need(need: Need, *, actor: Actor) -> None:
    _need_step("close", need, actor=actor)


@transaction.atomic
def hide_need(need: Need, *, actor: Actor, reason: str) -> None:
    _need_step("hide", need, actor=actor, reason=reason)


@transaction.atomic
def unhide_need(need: Need, *, actor: Actor) -> None:
    _need_step("unhide", need, actor=actor)


# ------------------------------------------------------------------------------------------- deals


def interest_refusal(offer: Offer, organisation: Organisation) -> str | None:
    """Why `organisation` cannot express interest in the offer now (Chinese), or None."""
    if offer.status != OfferStatus.PUBLISHED:
        return f"{offer.number} 当前状态为“{offer.get_status_display()}”，不能表达意向"
    if organisation.pk == offer.holder_id:
        return "不能对本单位的供给表达意向"
    not_sme = organisation.kind != OrganisationKind.ENTERPRISE or organisation.size == OrganisationSize.LARGE
    if offer.mode == OfferMode.FREE_SME and not_sme:
        return f"{offer.number} 是面向中小微企业的免费许可，{organisation.name}不是中小微企业"
    live = offer.deals.filter(
        licensee=organisation, status__in=[DealStatus.INTEREST, DealStatus.NEGOTIATING, DealStatus.SIGNED]
    )
    if live.exists():
        return f"{organisation.name}对 {offer.number} 已有进行中的交易 {live.first().number}"  # type: ignore[union-attr]
    return None


@transaction.atomic
def express_interest(
    offer: Offer,
    *,
    actor: Actor,
    organisation: Organisation,
    message: str = "",
    is_demo: bool = False,
    demo_key: str = "",
) -> Deal:
    """An organisation tells the holder it is interested (意向). For an open licence declaration this
    is the written notice of 专利法 art. 51: the deal starts signed on the declared terms, confirmed
    by the licensee, and the licensor (or the city office) confirms once the fee is paid."""
    offer = Offer.objects.select_for_update().get(pk=offer.pk)
    _refuse_unless_acting_for(actor, organisation, "表达意向")
    if (
        actor.user is not None
        and is_city_admin(actor.user)
        and not acts_in_market_for(actor.user, organisation.pk)
    ):
        raise Refused("市知识产权局不代表企业表达意向")
    refusal = interest_refusal(offer, organisation)
    if refusal:
        raise Refused(refusal)
    deal = Deal(
        offer=offer,
        licensor=offer.holder,
        licensee=organisation,
        message=(message or "").strip(),
        kind=DEFAULT_LICENCE_KIND[OfferMode(offer.mode)],
        created_on=today(),
        created_by=actor.user,
        is_demo=is_demo,
        demo_key=demo_key,
    )
    if offer.is_open_licence:
        deal.status = DealStatus.SIGNED
        deal.amount = offer.price
        deal.contract_date = today()
        deal.signed_by_side = DealSide.LICENSEE
        deal.licensee_confirmed = actor.label
    elif offer.mode == OfferMode.FREE_SME:
        deal.amount = Decimal("0.00")
    deal.save()
    record_event(
        actor,
        "market_deal.create",
        obj=deal,
        after={
            "offer": offer.number,
            "licensor": offer.holder.name,
            "licensee": organisation.name,
            "status": deal.status,
            "message": deal.message,
        },
    )
    return deal


def _side_label(actor: Actor, deal: Deal) -> str:
    side = deal_side(actor.user, deal) if actor.user is not None else None
    return side or DealSide.CITY


@transaction.atomic
def add_deal_note(deal: Deal, *, actor: Actor, text: str) -> DealNote:
    """A note of the negotiation, kept on the deal and in the audit trail."""
    deal = DEAL_WORKFLOW.lock(deal)
    text = (text or "").strip()
    DEAL_WORKFLOW.require(deal, "note", actor=actor)
    if not text:
        raise ValidationError("请填写洽谈记录的内容。")
    note = DealNote.objects.create(
        deal=deal,
        text=text[:2000],
        author=actor.user,
        author_label=actor.label,
        side=_side_label(actor, deal),
    )
    DEAL_WORKFLOW.move(deal, "note", actor=actor, comment=text, audit_after={"text": note.text})
    return note


@transaction.atomic
def accept_deal(deal: Deal, *, actor: Actor) -> None:
    deal = DEAL_WORKFLOW.lock(deal)
    DEAL_WORKFLOW.move(deal, "accept", actor=actor)


@transaction.atomic
def sign_deal(
    deal: Deal,
    *,
    actor: Actor,
    kind: str,
    amount: Decimal,
    contract_date: dt.date,
    term_end: dt.date | None = None,
) -> None:
    """Record the signed contract's terms; the party recording them confirms them by doing so, the
    other party (or the city office) confirms next."""
    deal = DEAL_WORKFLOW.lock(deal)
    DEAL_WORKFLOW.require(deal, "sign", actor=actor)
    errors: dict[str, str] = {}
    if kind not in LicenceKind.values:
        errors["kind"] = "请选择合同类型。"
    if amount is None or amount < 0:
        errors["amount"] = "请填写合同金额（元，不能为负数）。"
    elif deal.offer.mode == OfferMode.FREE_SME and amount != 0:
        errors["amount"] = "面向中小微企业的免费许可，合同金额应为 0 元。"
    if contract_date is None:
        errors["contract_date"] = "请填写合同签订日期。"
    elif contract_date > today():
        errors["contract_date"] = "合同签订日期不能晚于今天。"
    if term_end is not None and contract_date is not None and term_end < contract_date:
        errors["term_end"] = "许可期限不能早于合同签订日期。"
    if kind == LicenceKind.ASSIGNMENT and term_end is not None:
        errors["term_end"] = "转让没有许可期限。"
    if errors:
        raise ValidationError(errors)
    before = snapshot(deal, DEAL_TERMS)
    side = _side_label(actor, deal)
    deal.kind, deal.amount, deal.contract_date, deal.term_end = kind, amount, contract_date, term_end
    deal.signed_by_side = side
    deal.licensor_confirmed = actor.label if side == DealSide.LICENSOR else ""
    deal.licensee_confirmed = actor.label if side == DealSide.LICENSEE else ""
    deal.save(update_fields=[*DEAL_TERMS, "signed_by_side"])
    DEAL_WORKFLOW.move(deal, "sign", actor=actor, audit_before=before, audit_after=snapshot(deal, DEAL_TERMS))


@transaction.atomic
def confirm_deal(deal: Deal, *, actor: Actor) -> Licence:
    """The second confirmation (or the city office's) concludes the deal: the licence or assignment
    is recorded in the registry (`record_licence`), and an offer for an assignment, an exclusive
    licence or 作价入股 is closed (已成交). The patents must still be in force on the contract date."""
    deal = DEAL_WORKFLOW.lock(deal)
    DEAL_WORKFLOW.require(deal, "confirm", actor=actor)
    offer = deal.offer
    patents = list(offer.patents.all())
    assert deal.contract_date is not None and deal.kind
    problems = [r for p in patents if (r := p.in_force_refusal(deal.contract_date))]
    if problems:
        raise ValidationError(problems)
    fields = ["licensor_confirmed", "licensee_confirmed", "confirmed_on"]
    before = snapshot(deal, fields)
    side = _side_label(actor, deal)
    confirmation: dict[str, Any] = {"confirmed_on": today()}
    if side == DealSide.LICENSOR:
        confirmation["licensor_confirmed"] = actor.label
    elif side == DealSide.LICENSEE:
        confirmation["licensee_confirmed"] = actor.label
    licence = record_licence(
        actor=actor,
        reference=deal.number,
        kind=deal.kind,
        licensor=deal.licensor,
        licensee=deal.licensee,
        fee=deal.amount,
        contract_date=deal.contract_date,
        term_end=deal.term_end,
        patents=patents,
        note=f"技术市场交易 {deal.number}（{offer.number}）",
    )
    # The move first: who may confirm is read from the confirmations as they were.
    DEAL_WORKFLOW.move(
        deal,
        "confirm",
        actor=actor,
        audit_before=before,
        audit_after={**confirmation, "licence": licence.reference},
    )
    for key, value in confirmation.items():
        setattr(deal, key, value)
    deal.licence = licence
    deal.save(update_fields=[*fields, "licence"])
    exclusive = offer.mode in EXCLUSIVE_MODES or deal.kind in (LicenceKind.ASSIGNMENT, LicenceKind.EXCLUSIVE)
    if exclusive and offer.status == OfferStatus.PUBLISHED and not offer.is_open_licence:
        # The platform closes the offer as a consequence of the deal (whoever confirmed it).
        closed = OFFER_WORKFLOW.lock(offer)
        OFFER_WORKFLOW.move(
            closed,
            "close",
            actor=Actor.system(f"{actor.label}（确认交易 {deal.number}）"),
            comment=f"交易 {deal.number} 已确认成交",
        )
        matching.sync_offer(closed)
    return licence


@transaction.atomic
def reopen_deal(deal: Deal, *, actor: Actor, reason: str) -> None:
    """Back to negotiation: the recorded terms are not what was signed; both confirm again."""
    deal = DEAL_WORKFLOW.lock(deal)
    DEAL_WORKFLOW.require(deal, "reopen", actor=actor, reason=reason)
    before = snapshot(deal, ["licensor_confirmed", "licensee_confirmed"])
    deal.licensor_confirmed = deal.licensee_confirmed = ""
    deal.save(update_fields=["licensor_confirmed", "licensee_confirmed"])
    DEAL_WORKFLOW.move(
        deal,
        "reopen",
        actor=actor,
        comment=reason,
        reason=reason,
        audit_before=before,
        audit_after=snapshot(deal, ["licensor_confirmed", "licensee_confirmed"]),
    )


@transaction.atomic
def end_deal(deal: Deal, *, actor: Actor, reason: str) -> None:
    deal = DEAL_WORKFLOW.lock(deal)
    DEAL_WORKFLOW.require(deal, "end", actor=actor, reason=reason)
    deal.end_reason = clean_text(reason)[:300]
    deal.save(update_fields=["end_reason"])
    DEAL_WORKFLOW.move(
        deal, "end", actor=actor, comment=reason, reason=reason, audit_after={"end_reason": deal.end_reason}
    )


def represented_choices(user: Any) -> list[Organisation]:
    """The organisations the user may act for in a form (its own first)."""
    ids = represented_organisation_ids(user)
    own = getattr(getattr(user, "membership", None), "organisation_id", None)
    return sorted(Organisation.objects.filter(pk__in=ids), key=lambda o: (o.pk != own, o.name))


# ------------------------------------------------------------------------------ the matching index


def rebuild_match_index(
    *, actor: Actor, kinds: list[str] | None = None, progress: Any = None
) -> dict[str, int]:
    """Rebuild the matching index from the data (offers and needs are kept in step as they change;
    enterprises after each registry import: `ipcity market reindex`, or the office's button)."""
    if actor.user is not None and not is_city_admin(actor.user):
        raise Refused("只有市知识产权局可以重建匹配索引")
    chosen = kinds or list(MatchKind.values)
    with transaction.atomic():
        built = matching.rebuild_index(chosen, progress=progress)
        record_event(actor, "market_index.rebuild", after={f"indexed_{kind}": n for kind, n in built.items()})
    return built


@background_job("market.reindex")
def reindex_job(handle: JobHandle, actor: Actor, /, *, kinds: list[str]) -> dict[str, Any]:
    """rebuild_match_index, run by a worker with its progress on the job page."""
    built = rebuild_match_index(
        actor=actor, kinds=kinds, progress=lambda done, total: handle.progress(done, total, "建立匹配索引")
    )
    return {"documents": built}


def start_reindex_job(*, actor: Actor, kinds: list[str] | None = None) -> Job:
    if actor.user is not None and not is_city_admin(actor.user):
        raise Refused("只有市知识产权局可以重建匹配索引")
    return start_job(
        reindex_job,
        label="重建技术市场匹配索引",
        actor=actor,
        params={"kinds": kinds or list(MatchKind.values)},
    )
