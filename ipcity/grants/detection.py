"""免申即享: find the registry events that entitle an organisation to an exempt-track reward, and turn
each into a pre-computed Entitlement (docs/grants.md §3).

One detector per exempt item reads the registry for one year and yields candidates (or the reason a
record could not be used). `run_detection` evaluates each candidate with the engine and creates the
eligible ones; an event already turned into an entitlement (unique item + event key) is skipped, so
running it again creates nothing new.

Dates: awards and recognitions are registered by year only, so their decisive date is 31 December
of that year (or today, for the current year). Madrid registrations use the trademark's
registration date: the registry keeps no separate international registration date.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse

from ipcity.core.audit import Actor, record_event
from ipcity.core.notifications import notify
from ipcity.grants import clock
from ipcity.grants.choices import EntitlementStatus, LinkKind
from ipcity.grants.evaluation import decide, item_or_none
from ipcity.grants.models import Entitlement, WorkflowStep
from ipcity.grants.records import gi_key, madrid_key, pledge_key, tag_key
from ipcity.policy.engine import PolicyError
from ipcity.policy.engine.money import to_fen, yuan
from ipcity.registry.choices import (
    AwardName,
    GIKind,
    IPKind,
    OrganisationSize,
    OrganisationTagKind,
    PatentType,
    TrademarkStatus,
)
from ipcity.registry.models import (
    Award,
    GeographicalIndication,
    Organisation,
    OrganisationTag,
    PatentHolder,
    Pledge,
    PledgeItem,
    Trademark,
)

# Exempt items the registry cannot yet detect, and why (listed in every run's report).
NOT_DETECTABLE = {
    "ecommerce_platform": "登记数据中还没有“省级知识产权保护规范化电商平台培育项目”名单，暂不能自动比对",
}
SME_SIZES = {OrganisationSize.MEDIUM, OrganisationSize.SMALL, OrganisationSize.MICRO}
DAYS_BASIS = Decimal(360)


@dataclass
class Candidate:
    item_code: str
    event_key: str
    event_label: str
    organisation: Organisation
    decisive_date: dt.date
    facts: dict[str, Any]
    right_id: str
    source_kind: str
    source_id: int
    confirm_facts: list[str] = field(default_factory=list)


@dataclass
class Skipped:
    item_code: str
    event_label: str
    reason: str


Found = Candidate | Skipped


def year_end_date(year: int, today: dt.date) -> dt.date:
    return min(dt.date(year, 12, 31), today)


def _award_candidates(
    year: int, today: dt.date, item: str, awards: tuple[str, ...], facts: Callable[[Award], dict[str, Any]]
) -> Iterator[Found]:
    for award in Award.objects.filter(award__in=awards, year=year).select_related("holder").order_by("pk"):
        label = f"{award.year} 年{award.get_award_display()}{award.get_level_display()}（{award.application_number}）"
        if award.holder is None:
            yield Skipped(item, label, f"获奖专利权人“{award.holder_name}”未关联到登记机构")
            continue
        yield Candidate(
            item_code=item,
            event_key=f"award:{award.award}:{award.year}:{award.application_number}",
            event_label=label,
            organisation=award.holder,
            decisive_date=year_end_date(year, today),
            facts=facts(award),
            right_id=award.application_number,
            source_kind=LinkKind.AWARD,
            source_id=award.pk,
        )


def china_patent_award(year: int, today: dt.date) -> Iterator[Found]:
    def facts(award: Award) -> dict[str, Any]:
        prefix = "patent" if award.award == AwardName.CHINA_PATENT else "design"
        return {"award_level": f"{prefix}_{award.level}"}

    yield from _award_candidates(
        year, today, "china_patent_award", (AwardName.CHINA_PATENT, AwardName.CHINA_DESIGN), facts
    )


def shandong_patent_award(year: int, today: dt.date) -> Iterator[Found]:
    yield from _award_candidates(
        year, today, "shandong_patent_award", (AwardName.SHANDONG_PATENT,), lambda a: {"award_level": a.level}
    )


def city_patent_award(year: int, today: dt.date) -> Iterator[Found]:
    yield from _award_candidates(
        year, today, "city_patent_award", (AwardName.CITY_PATENT,), lambda a: {"won_city_award": True}
    )


def gi_registration(year: int, today: dt.date) -> Iterator[Found]:
    kinds = {GIKind.GI_PRODUCT: "gi_product", GIKind.GI_MARK: "gi_trademark"}
    for gi in GeographicalIndication.objects.filter(approval_date__year=year).select_related("holder"):
        label = f"地理标志 {gi}（{gi.approval_date.isoformat() if gi.approval_date else ''}）"
        if gi.holder is None:
            yield Skipped("gi_registration", label, f"持有人“{gi.holder_name}”未关联到登记机构")
            continue
        assert gi.approval_date is not None
        yield Candidate(
            item_code="gi_registration",
            event_key=gi_key(gi),
            event_label=label,
            organisation=gi.holder,
            decisive_date=gi.approval_date,
            facts={"gi_kind": kinds[GIKind(gi.kind)], "pieces": 1},
            right_id=gi_key(gi),
            source_kind=LinkKind.GI,
            source_id=gi.pk,
        )


def madrid_trademark(year: int, today: dt.date) -> Iterator[Found]:
    marks = Trademark.objects.filter(
        registration_date__year=year, status=TrademarkStatus.REGISTERED, holder__isnull=False
    ).exclude(madrid_number="")
    for mark in marks.select_related("holder").order_by("pk"):
        assert mark.registration_date is not None and mark.holder is not None
        yield Candidate(
            item_code="madrid_trademark",
            event_key=madrid_key(mark),
            event_label=f"马德里国际注册 {mark.madrid_number}（商标 {mark.name}，{mark.registration_number}）",
            organisation=mark.holder,
            decisive_date=mark.registration_date,
            facts={"certificates": 1},
            right_id=madrid_key(mark),
            source_kind=LinkKind.TRADEMARK,
            source_id=mark.pk,
        )


def _interest_period(pledge: Pledge, year: int) -> tuple[dt.date, int]:
    start = pledge.term_start or pledge.registration_date
    end = min(pledge.term_end or dt.date(year, 12, 31), dt.date(year, 12, 31))
    return start, max((end - start).days, 0)


def _estimated_interest(pledge: Pledge, days: int) -> Decimal:
    assert pledge.loan_rate is not None
    return to_fen(pledge.amount * pledge.loan_rate / Decimal(100) * days / DAYS_BASIS)


def patent_pledge_interest(year: int, today: dt.date) -> Iterator[Found]:
    pledges = (
        Pledge.objects.filter(registration_date__year=year)
        .filter(Exists(PledgeItem.objects.filter(pledge=OuterRef("pk"), ip_kind=IPKind.PATENT)))
        .select_related("pledgor")
        .prefetch_related("items__patent")
        .order_by("registration_date", "registration_number")
    )
    for pledge in pledges:
        label = f"专利质押登记 {pledge.registration_number}（{pledge.registration_date.isoformat()}）"
        org = pledge.pledgor
        if org is None:
            yield Skipped("patent_pledge_interest", label, f"出质人“{pledge.pledgor_name}”未关联到登记机构")
            continue
        if not org.size:
            yield Skipped(
                "patent_pledge_interest", label, f"{org.name}的企业规模未登记，无法判断是否中小微企业"
            )
            continue
        if pledge.loan_rate is None:
            yield Skipped("patent_pledge_interest", label, "未登记贷款利率，无法测算应付利息")
            continue
        items = list(pledge.items.all())
        patents = [i for i in items if i.ip_kind == IPKind.PATENT and i.patent is not None]
        owned = {
            pk
            for pk in PatentHolder.objects.filter(
                patent_id__in=[i.patent_id for i in patents], organisation=org
            ).values_list("patent_id", flat=True)
        }
        own_inventions = [
            i
            for i in patents
            if i.patent_id in owned and i.patent.patent_type == PatentType.INVENTION  # type: ignore[union-attr]
        ]
        start, days = _interest_period(pledge, year)
        if days <= 0:
            yield Skipped("patent_pledge_interest", label, f"{year} 年内没有计息天数")
            continue
        confirm = ["loan_principal", "interest_paid"]
        share = Decimal(1)
        if len(patents) != len(items):
            share = (Decimal(len(patents)) / Decimal(len(items))).quantize(Decimal("0.0001"))
            confirm.append("pledge_share")
        yield Candidate(
            item_code="patent_pledge_interest",
            event_key=pledge_key(pledge),
            event_label=label,
            organisation=org,
            decisive_date=start,
            facts={
                "own_invention_patent": bool(own_inventions),
                "first_pledge": any(i.is_first_pledge for i in own_inventions),
                "sme": org.size in SME_SIZES,
                "loan_principal": str(pledge.amount),
                "interest_days": days,
                "interest_paid": str(_estimated_interest(pledge, days)),
                "pledge_share": str(share),
            },
            right_id=pledge_key(pledge),
            source_kind=LinkKind.PLEDGE,
            source_id=pledge.pk,
            confirm_facts=confirm,
        )


def first_trademark_pledge(year: int, today: dt.date) -> Iterator[Found]:
    pledge = (
        Pledge.objects.filter(registration_date__year=year)
        .filter(Exists(PledgeItem.objects.filter(pledge=OuterRef("pk"), ip_kind=IPKind.TRADEMARK)))
        .select_related("pledgor")
        .order_by("registration_date", "registration_number")
        .first()
    )
    if pledge is None:
        return
    label = (
        f"{year} 年全市首单商标质押 {pledge.registration_number}（{pledge.registration_date.isoformat()}）"
    )
    if pledge.pledgor is None:
        yield Skipped("first_trademark_pledge", label, f"出质人“{pledge.pledgor_name}”未关联到登记机构")
        return
    if pledge.loan_rate is None:
        yield Skipped("first_trademark_pledge", label, "未登记贷款利率，无法测算应付利息")
        return
    _start, days = _interest_period(pledge, year)
    yield Candidate(
        item_code="first_trademark_pledge",
        event_key=f"first-tm-pledge:{year}",
        event_label=label,
        organisation=pledge.pledgor,
        decisive_date=pledge.registration_date,
        facts={"city_first_of_year": True, "interest_paid": str(_estimated_interest(pledge, days))},
        right_id=pledge_key(pledge),
        source_kind=LinkKind.PLEDGE,
        source_id=pledge.pk,
        confirm_facts=["interest_paid"],
    )


RECOGNITIONS = {
    OrganisationTagKind.IP_ADVANTAGE_PROVINCE: ("provincial", "advantage"),
    OrganisationTagKind.IP_ADVANTAGE_NATIONAL: ("national", "advantage"),
    OrganisationTagKind.IP_DEMONSTRATION_PROVINCE: ("provincial", "demonstration"),
    OrganisationTagKind.IP_DEMONSTRATION_NATIONAL: ("national", "demonstration"),
}


def recognised_advantage_enterprise(year: int, today: dt.date) -> Iterator[Found]:
    tags = OrganisationTag.objects.filter(year=year, tag__in=list(RECOGNITIONS)).select_related(
        "organisation"
    )
    for tag in tags.order_by("pk"):
        level, kind = RECOGNITIONS[OrganisationTagKind(tag.tag)]
        key = tag_key(tag.organisation, tag.tag, tag.year)
        yield Candidate(
            item_code="recognised_advantage_enterprise",
            event_key=key,
            event_label=f"{tag.year} 年认定为{tag.get_tag_display()}",
            organisation=tag.organisation,
            decisive_date=year_end_date(year, today),
            facts={"recognition_level": level, "recognition_kind": kind},
            right_id=key,
            source_kind="",
            source_id=tag.pk,
        )


DETECTORS: dict[str, Callable[[int, dt.date], Iterator[Found]]] = {
    "china_patent_award": china_patent_award,
    "shandong_patent_award": shandong_patent_award,
    "city_patent_award": city_patent_award,
    "gi_registration": gi_registration,
    "madrid_trademark": madrid_trademark,
    "patent_pledge_interest": patent_pledge_interest,
    "first_trademark_pledge": first_trademark_pledge,
    "recognised_advantage_enterprise": recognised_advantage_enterprise,
}


def candidates_for_organisation(org: Organisation, year: int, today: dt.date) -> list[Candidate]:
    """The exempt-track events of one organisation in a year (the calculator pre-fills from these)."""
    out = []
    for detector in DETECTORS.values():
        for found in detector(year, today):
            if isinstance(found, Candidate) and found.organisation.pk == org.pk:
                out.append(found)
    return out


@dataclass
class DetectionReport:
    year: int
    dry_run: bool
    created: list[Entitlement] = field(default_factory=list)
    would_create: list[tuple[Candidate, str]] = field(default_factory=list)  # dry run: (candidate, amount)
    existing: int = 0
    ineligible: list[tuple[Candidate, str]] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    not_detectable: dict[str, str] = field(default_factory=dict)

    def counts(self) -> dict[str, int]:
        return {
            "新建": len(self.created) if not self.dry_run else len(self.would_create),
            "已存在": self.existing,
            "不符合条件": len(self.ineligible),
            "无法比对": len(self.skipped),
        }

    def summary(self) -> str:
        verb = "将新建" if self.dry_run else "新建"
        c = self.counts()
        return (
            f"{self.year} 年免申即享比对：{verb} {c['新建']} 项，已存在 {c['已存在']} 项，"
            f"不符合条件 {c['不符合条件']} 项，无法比对 {c['无法比对']} 条"
        )


def run_detection(
    year: int,
    *,
    actor: Actor,
    dry_run: bool = False,
    progress: Callable[[int, int, str], None] | None = None,
) -> DetectionReport:
    """Detect, evaluate and (unless dry_run) create entitlements for `year`, in one transaction with
    one audit event for the run. Organisations are notified of their new entitlements."""
    from ipcity.policy.engine import default_catalog

    today = clock.today()
    if year > today.year:
        raise ValueError(f"不能比对未来年度（{year}）")
    report = DetectionReport(year=year, dry_run=dry_run, not_detectable=dict(NOT_DETECTABLE))
    catalog = default_catalog()
    exempt = [code for code, item in catalog.items.items() if item.track.key == "exempt"]
    with transaction.atomic():
        for index, code in enumerate(exempt, start=1):
            if progress is not None:
                progress(index - 1, len(exempt), f"正在比对：{catalog.items[code].name}")
            detector = DETECTORS.get(code)
            if detector is None:
                continue
            for found in detector(year, today):
                if isinstance(found, Skipped):
                    report.skipped.append(found)
                    continue
                _consider(found, report, actor=actor, today=today)
        if progress is not None:
            progress(len(exempt), len(exempt), "比对完成")
        if not dry_run and report.created:
            # Audit what was written; a run that finds nothing new writes nothing.
            record_event(
                actor,
                "grant_entitlement.detect",
                object_type="grants.entitlement",
                object_repr=f"{year} 年免申即享比对",
                after={"year": year, **report.counts(), "created": [e.number for e in report.created][:200]},
                note=report.summary(),
            )
            by_org: Counter[int] = Counter(e.organisation_id for e in report.created)
            orgs = {e.organisation_id: e.organisation for e in report.created}
            for org_id, count in by_org.items():
                from ipcity.grants.services import organisation_users

                notify(
                    organisation_users(orgs[org_id]),
                    title=f"您有 {count} 项免申即享奖补待确认",
                    body="平台根据登记数据为您预先计算了奖补金额，请确认申领意愿。",
                    url=reverse("grants:entitlements"),
                    actor=actor,
                )
    return report


def _consider(candidate: Candidate, report: DetectionReport, *, actor: Actor, today: dt.date) -> None:
    if Entitlement.objects.filter(item_code=candidate.item_code, event_key=candidate.event_key).exists():
        report.existing += 1
        return
    item = item_or_none(candidate.item_code)
    assert item is not None
    org = candidate.organisation
    if not item.is_for(org.kind):  # e.g. a bank holding a recognised tag: not this item's beneficiary
        reason = f"{item.name}的惠及对象为{item.beneficiary}，{org.get_kind_display()}类单位不在其列"
        report.ineligible.append((candidate, reason))
        return
    try:
        decision = decide(
            item,
            candidate.organisation,
            candidate.decisive_date,
            candidate.facts,
            today=today,
            right_key=candidate.right_id or None,
        )
    except PolicyError as exc:
        report.skipped.append(Skipped(candidate.item_code, candidate.event_label, exc.message))
        return
    if not decision.eligible:
        report.ineligible.append((candidate, "；".join(decision.reasons)))
        return
    if decision.amount is not None:
        amount = yuan(decision.amount)
    elif decision.ceiling is not None:
        amount = f"待市局审定（最高 {yuan(decision.ceiling)}）"
    else:
        amount = "待市局审定（方案未规定金额）"
    if report.dry_run:
        report.would_create.append((candidate, amount))
        return
    try:
        with transaction.atomic():
            ent = Entitlement.objects.create(
                item_code=candidate.item_code,
                event_key=candidate.event_key,
                event_label=candidate.event_label[:300],
                source_kind=candidate.source_kind,
                source_id=candidate.source_id,
                organisation=candidate.organisation,
                decisive_date=candidate.decisive_date,
                detection_year=report.year,
                detected_on=today,
                facts=candidate.facts,
                confirm_facts=candidate.confirm_facts,
                right_id=candidate.right_id,
                decision=decision.as_dict(),
                eligible=decision.eligible,
                amount=decision.amount,
                ceiling=decision.ceiling,
                status=EntitlementStatus.PENDING,
                is_demo=candidate.organisation.is_demo,
            )
    except IntegrityError:  # another run created it meanwhile
        report.existing += 1
        return
    WorkflowStep.objects.create(
        entitlement=ent,
        to_status=ent.status,
        actor=actor.user,
        actor_label=actor.label,
        on=clock.today(),
        comment=f"平台比对登记数据发现：{candidate.event_label}；测算金额 {amount}",
    )
    report.created.append(ent)
