"""Writes of the talent pool (方案二(七)2) and of strong enterprises (方案二(四)): one transaction and
one audit event each (docs/support.md).

A recognition of a 知识产权优势/示范企业 (national, provincial, or the city's own from a year's
evaluation) is also the registry's organisation tag of that level and kind
(`registry.services.tag_organisation`, with its own audit event): the 新增市知识产权优势企业
indicator and the grants detection of the 国家级、省级认定奖励 read those tags.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from ipcity.core.audit import Actor, record_event, snapshot
from ipcity.core.workflow import Refused
from ipcity.lib.text import clean_text
from ipcity.policy.engine.catalog import default_catalog
from ipcity.policy.engine.errors import ParameterNotInForce
from ipcity.registry import services as registry
from ipcity.registry.choices import Industry, OrganisationKind, OrganisationTagKind
from ipcity.registry.models import Organisation, Patent, PatentHolder
from ipcity.support.choices import AdvantageBatchStatus, RecognitionKind, RecognitionLevel, TalentKind
from ipcity.support.models import (
    AdvantageBatch,
    AdvantageCandidate,
    CoachingEngagement,
    CoachingStation,
    DenseProduct,
    EnterpriseRecognition,
    Talent,
)
from ipcity.support.workflows import ADVANTAGE_WORKFLOW

# ------------------------------------------------------------------------------------------ 人才库

TALENT_FIELDS = [
    "name",
    "kind",
    "employer",
    "field",
    "title",
    "recognised_year",
    "phone",
    "email",
    "active",
    "note",
    "is_demo",
]


@transaction.atomic
def save_talent(
    talent: Talent | None,
    *,
    actor: Actor,
    name: str,
    kind: str,
    employer: Organisation,
    recognised_year: int,
    field: str = "",
    title: str = "",
    phone: str = "",
    email: str = "",
    active: bool = True,
    note: str = "",
    is_demo: bool = False,
) -> Talent:
    """Add a person to the talent pool (`talent` None) or change one; one audit event."""
    name = clean_text(name)
    if not name:
        raise Refused("请填写姓名")
    if kind not in TalentKind.values:
        raise Refused("请选择人才类别")
    if field and field not in Industry.values:
        raise Refused("专业领域不在可选范围内")
    if not 1990 <= int(recognised_year) <= timezone.localdate().year + 1:
        raise Refused("入库年度不正确")
    duplicate = Talent.objects.filter(name=name, employer=employer)
    if talent is not None:
        duplicate = duplicate.exclude(pk=talent.pk)
    if duplicate.exists():
        raise Refused(f"人才库已有{employer.name}的{name}")
    values: dict[str, Any] = {
        "name": name,
        "kind": kind,
        "employer": employer,
        "field": field,
        "title": clean_text(title),
        "recognised_year": int(recognised_year),
        "phone": clean_text(phone),
        "email": clean_text(email),
        "active": active,
        "note": clean_text(note),
        "is_demo": is_demo,
    }
    if talent is None:
        talent = Talent.objects.create(**values)
        record_event(actor, "talent.create", obj=talent, after=snapshot(talent, TALENT_FIELDS))
        return talent
    changed = [k for k, v in values.items() if getattr(talent, k) != v]
    if not changed:
        return talent
    before = snapshot(talent, changed)
    for k in changed:
        setattr(talent, k, values[k])
    talent.save(update_fields=changed)
    record_event(actor, "talent.update", obj=talent, before=before, after=snapshot(talent, changed))
    return talent


# ------------------------------------------------------------------------------------------ 认定

TAGS = {
    (RecognitionLevel.CITY, RecognitionKind.ADVANTAGE): OrganisationTagKind.IP_ADVANTAGE_CITY,
    (RecognitionLevel.PROVINCIAL, RecognitionKind.ADVANTAGE): OrganisationTagKind.IP_ADVANTAGE_PROVINCE,
    (RecognitionLevel.NATIONAL, RecognitionKind.ADVANTAGE): OrganisationTagKind.IP_ADVANTAGE_NATIONAL,
    (RecognitionLevel.CITY, RecognitionKind.DEMONSTRATION): OrganisationTagKind.IP_DEMONSTRATION_CITY,
    (
        RecognitionLevel.PROVINCIAL,
        RecognitionKind.DEMONSTRATION,
    ): OrganisationTagKind.IP_DEMONSTRATION_PROVINCE,
    (RecognitionLevel.NATIONAL, RecognitionKind.DEMONSTRATION): OrganisationTagKind.IP_DEMONSTRATION_NATIONAL,
}
QUOTA_ITEM = "city_advantage_enterprise"  # data/policy/items/city_advantage_enterprise.yaml


@dataclass(frozen=True)
class Quota:
    """The yearly cap of 市级知识产权优势企业 in force on a date, and where it comes from."""

    value: int
    cite: str


def city_advantage_quota(on: dt.date) -> Quota:
    """方案二(四)1 “每年评定不超过20家”: the quota of the reward catalogue's 市级优势企业 item (a dated
    parameter with its source), read on the day of the decision."""
    quota = default_catalog().item(QUOTA_ITEM).limits.quota
    if quota is None:  # pragma: no cover - the catalogue's item has one (policy tests)
        raise Refused("奖补目录中没有市级知识产权优势企业的年度名额")
    try:
        value = quota.at(on)
    except ParameterNotInForce as exc:
        raise Refused(str(exc)) from None
    return Quota(int(value.value or Decimal(0)), value.source.cite())


def _city_advantage_taken(year: int) -> set[int]:
    """The organisations counted against a year's 市级优势企业 quota: recognised, and selected in the
    year's evaluation still under review or 公示."""
    recognised = set(
        EnterpriseRecognition.objects.filter(
            level=RecognitionLevel.CITY, kind=RecognitionKind.ADVANTAGE, year=year
        ).values_list("organisation_id", flat=True)
    )
    selected = set(
        AdvantageCandidate.objects.filter(
            batch__year=year, selected=True, batch__status__in=_OPEN_BATCH
        ).values_list("organisation_id", flat=True)
    )
    return recognised | selected


def _quota_refusal(year: int, taken: set[int], organisation: Organisation, quota: Quota) -> str:
    """The refusal when `organisation` would pass the year's quota, else ""."""
    if organisation.pk in taken or len(taken) + 1 <= quota.value:
        return ""
    return (
        f"{year} 年度已认定或拟认定市级知识产权优势企业 {len(taken)} 家，每年不超过 {quota.value} 家"
        f"（{quota.cite}），不能再认定{organisation.name}"
    )


def _check_city_quota(year: int, organisation: Organisation, *, on: dt.date) -> None:
    """Refuse when the year's 市级优势企业 (recognised, and selected in the year's evaluation) would pass
    the quota."""
    refusal = _quota_refusal(year, _city_advantage_taken(year), organisation, city_advantage_quota(on))
    if refusal:
        raise Refused(refusal)


_OPEN_BATCH = [AdvantageBatchStatus.REVIEWING, AdvantageBatchStatus.PUBLICISING]


def _tag(rec: EnterpriseRecognition) -> str:
    return TAGS[(RecognitionLevel(rec.level), RecognitionKind(rec.kind))]


RECOGNITION_FIELDS = ["organisation", "level", "kind", "year", "document_number", "issued_on", "is_demo"]


def _create_recognition(
    *,
    actor: Actor,
    organisation: Organisation,
    level: str,
    kind: str,
    year: int,
    document_number: str,
    issued_on: dt.date | None,
    batch: AdvantageBatch | None = None,
    is_demo: bool = False,
) -> EnterpriseRecognition:
    if EnterpriseRecognition.objects.filter(
        organisation=organisation, level=level, kind=kind, year=year
    ).exists():
        raise Refused(
            f"{organisation.name}已登记 {year} 年度{RecognitionLevel(level).label}{RecognitionKind(kind).label}认定"
        )
    rec = EnterpriseRecognition.objects.create(
        organisation=organisation,
        level=level,
        kind=kind,
        year=year,
        document_number=clean_text(document_number),
        issued_on=issued_on,
        batch=batch,
        recorded_by=actor.label,
        is_demo=is_demo,
    )
    registry.tag_organisation(organisation, tag=_tag(rec), year=year, actor=actor)
    return rec


@transaction.atomic
def record_recognition(
    *,
    actor: Actor,
    organisation: Organisation,
    level: str,
    kind: str,
    year: int,
    document_number: str = "",
    issued_on: dt.date | None = None,
    is_demo: bool = False,
) -> EnterpriseRecognition:
    """Record a recognition made by a document (国家级、省级, or a past 市级 list): the city's 优势企业
    within the year's quota. One audit event (and the registry tag's)."""
    if level not in RecognitionLevel.values or kind not in RecognitionKind.values:
        raise Refused("请选择认定级别和类别")
    if organisation.kind != OrganisationKind.ENTERPRISE:
        raise Refused(f"{organisation.name}不是企业，不能认定为优势/示范企业")
    if not 2000 <= int(year) <= timezone.localdate().year:
        raise Refused("认定年度不正确")
    if level == RecognitionLevel.CITY and kind == RecognitionKind.ADVANTAGE:
        _check_city_quota(int(year), organisation, on=issued_on or timezone.localdate())
    rec = _create_recognition(
        actor=actor,
        organisation=organisation,
        level=level,
        kind=kind,
        year=int(year),
        document_number=document_number,
        issued_on=issued_on,
        is_demo=is_demo,
    )
    record_event(actor, "enterprise_recognition.record", obj=rec, after=snapshot(rec, RECOGNITION_FIELDS))
    return rec


@transaction.atomic
def remove_recognition(rec: EnterpriseRecognition, *, actor: Actor, reason: str) -> None:
    """Remove a recognition recorded in error (and its registry tag). One from a year's evaluation
    stays: it is that batch's decision."""
    if rec.batch_id is not None:
        raise Refused("该认定来自市级优势企业年度评定，不能单独删除")
    if not clean_text(reason):
        raise Refused("删除认定需要填写理由")
    before = snapshot(rec, RECOGNITION_FIELDS)
    registry.untag_organisation(rec.organisation, tag=_tag(rec), year=rec.year, actor=actor)
    record_event(actor, "enterprise_recognition.remove", obj=rec, before=before, note=clean_text(reason))
    rec.delete()


# ------------------------------------------------------------------------------------------ 市级评定


@transaction.atomic
def open_advantage_batch(*, actor: Actor, year: int, note: str = "", is_demo: bool = False) -> AdvantageBatch:
    if AdvantageBatch.objects.filter(year=year).exists():
        raise Refused(f"{year} 年度的市级知识产权优势企业评定已经建立")
    batch = AdvantageBatch.objects.create(
        year=year, note=clean_text(note), created_by=actor.label, is_demo=is_demo
    )
    record_event(actor, "advantage_batch.open", obj=batch, after={"year": year})
    return batch


@transaction.atomic
def add_advantage_candidate(
    batch: AdvantageBatch, *, actor: Actor, organisation: Organisation, applied_on: dt.date | None = None
) -> AdvantageCandidate:
    batch = ADVANTAGE_WORKFLOW.lock(batch)
    ADVANTAGE_WORKFLOW.require(batch, "add_candidate", actor=actor)
    if organisation.kind != OrganisationKind.ENTERPRISE:
        raise Refused(f"{organisation.name}不是企业，不能申报市级知识产权优势企业")
    if batch.candidates.filter(organisation=organisation).exists():
        raise Refused(f"{organisation.name}已在 {batch.year} 年度申报名单中")
    candidate = AdvantageCandidate.objects.create(
        batch=batch, organisation=organisation, applied_on=applied_on or timezone.localdate()
    )
    ADVANTAGE_WORKFLOW.move(
        batch,
        "add_candidate",
        actor=actor,
        audit_after={"organisation": organisation.name, "applied_on": candidate.applied_on},
    )
    return candidate


@transaction.atomic
def start_advantage_review(batch: AdvantageBatch, *, actor: Actor) -> None:
    batch = ADVANTAGE_WORKFLOW.lock(batch)
    ADVANTAGE_WORKFLOW.require(batch, "start_review", actor=actor)
    if not batch.candidates.exists():
        raise Refused(f"{batch.number}还没有申报企业")
    ADVANTAGE_WORKFLOW.move(batch, "start_review", actor=actor)


@transaction.atomic
def evaluate_advantage_candidate(
    batch: AdvantageBatch,
    *,
    actor: Actor,
    candidate: AdvantageCandidate,
    score: Decimal | None,
    selected: bool,
    review_note: str = "",
) -> AdvantageCandidate:
    """The review's result for one candidate: its score (0–100, entered by the city office from the
    experts' sheets) and whether it is selected; the year's quota refuses one selection too many."""
    batch = ADVANTAGE_WORKFLOW.lock(batch)
    ADVANTAGE_WORKFLOW.require(batch, "evaluate", actor=actor)
    candidate = AdvantageCandidate.objects.select_for_update().get(pk=candidate.pk, batch=batch)
    if score is not None and not Decimal(0) <= score <= Decimal(100):
        raise Refused("评审得分应在 0 至 100 之间")
    if selected and score is None:
        raise Refused("拟认定的企业须有评审得分")
    if selected and not candidate.selected:
        _check_city_quota(batch.year, candidate.organisation, on=timezone.localdate())
    before = {"score": candidate.score, "selected": candidate.selected, "review_note": candidate.review_note}
    candidate.score = score
    candidate.selected = selected
    candidate.review_note = clean_text(review_note)[:300]
    candidate.save(update_fields=["score", "selected", "review_note"])
    after = {"score": score, "selected": selected, "review_note": candidate.review_note}
    ADVANTAGE_WORKFLOW.move(
        batch,
        "evaluate",
        actor=actor,
        audit_before={"organisation": candidate.organisation.name, **before},
        audit_after={"organisation": candidate.organisation.name, **after},
    )
    return candidate


@transaction.atomic
def publicise_advantage_batch(batch: AdvantageBatch, *, actor: Actor, on: dt.date | None = None) -> None:
    batch = ADVANTAGE_WORKFLOW.lock(batch)
    ADVANTAGE_WORKFLOW.require(batch, "publicise", actor=actor)
    if not batch.candidates.filter(selected=True).exists():
        raise Refused(f"{batch.number}还没有拟认定的企业")
    if batch.candidates.filter(score__isnull=True).exists():
        raise Refused(f"{batch.number}还有企业没有评审得分")
    batch.publicised_on = on or timezone.localdate()
    batch.save(update_fields=["publicised_on"])
    ADVANTAGE_WORKFLOW.move(
        batch, "publicise", actor=actor, audit_after={"publicised_on": batch.publicised_on}
    )


@transaction.atomic
def reopen_advantage_batch(batch: AdvantageBatch, *, actor: Actor, reason: str) -> None:
    """Back to review after an objection during 公示 (the reason is kept in the audit log)."""
    batch = ADVANTAGE_WORKFLOW.lock(batch)
    ADVANTAGE_WORKFLOW.move(batch, "reopen", actor=actor, comment=clean_text(reason), reason=reason)


@transaction.atomic
def recognise_advantage_batch(
    batch: AdvantageBatch, *, actor: Actor, document_number: str, on: dt.date | None = None
) -> list[EnterpriseRecognition]:
    """认定: each selected candidate becomes a 市级知识产权优势企业 of the year (a recognition and the
    registry tag the indicator counts)."""
    batch = ADVANTAGE_WORKFLOW.lock(batch)
    ADVANTAGE_WORKFLOW.require(batch, "recognise", actor=actor)
    number = clean_text(document_number)
    if not number:
        raise Refused("发文认定需要填写认定文号")
    day = on or timezone.localdate()
    chosen = list(batch.candidates.filter(selected=True).select_related("organisation").order_by("id"))
    already = set(
        EnterpriseRecognition.objects.filter(
            level=RecognitionLevel.CITY, kind=RecognitionKind.ADVANTAGE, year=batch.year
        ).values_list("organisation_id", flat=True)
    )
    quota = city_advantage_quota(day)
    if len(already | {c.organisation_id for c in chosen}) > quota.value:
        raise Refused(f"{batch.year} 年度市级知识产权优势企业将超过每年 {quota.value} 家（{quota.cite}）")
    recognitions = [
        _create_recognition(
            actor=actor,
            organisation=c.organisation,
            level=RecognitionLevel.CITY,
            kind=RecognitionKind.ADVANTAGE,
            year=batch.year,
            document_number=number,
            issued_on=day,
            batch=batch,
            is_demo=batch.is_demo,
        )
        for c in chosen
        if c.organisation_id not in already
    ]
    batch.document_number = number
    batch.recognised_on = day
    batch.save(update_fields=["document_number", "recognised_on"])
    ADVANTAGE_WORKFLOW.move(
        batch,
        "recognise",
        actor=actor,
        audit_after={
            "document_number": number,
            "recognised_on": day,
            "recognised": [r.organisation.name for r in recognitions],
        },
    )
    return recognitions


# ------------------------------------------------------------------------------------------ 上市辅导站

STATION_FIELDS = ["name", "host", "established_on", "contact_person", "phone", "active", "is_demo"]


@transaction.atomic
def save_coaching_station(
    station: CoachingStation | None,
    *,
    actor: Actor,
    name: str,
    host: Organisation,
    established_on: dt.date,
    contact_person: str = "",
    phone: str = "",
    active: bool = True,
    is_demo: bool = False,
) -> CoachingStation:
    name = clean_text(name)
    if not name:
        raise Refused("请填写辅导站名称")
    duplicate = CoachingStation.objects.filter(name=name)
    if station is not None:
        duplicate = duplicate.exclude(pk=station.pk)
    if duplicate.exists():
        raise Refused(f"已有名为“{name}”的辅导站")
    values: dict[str, Any] = {
        "name": name,
        "host": host,
        "established_on": established_on,
        "contact_person": clean_text(contact_person),
        "phone": clean_text(phone),
        "active": active,
        "is_demo": is_demo,
    }
    if station is None:
        station = CoachingStation.objects.create(**values)
        record_event(actor, "coaching_station.create", obj=station, after=snapshot(station, STATION_FIELDS))
        return station
    changed = [k for k, v in values.items() if getattr(station, k) != v]
    if changed:
        before = snapshot(station, changed)
        for k in changed:
            setattr(station, k, values[k])
        station.save(update_fields=changed)
        record_event(
            actor, "coaching_station.update", obj=station, before=before, after=snapshot(station, changed)
        )
    return station


@transaction.atomic
def start_coaching(
    station: CoachingStation, *, actor: Actor, enterprise: Organisation, started_on: dt.date
) -> CoachingEngagement:
    if enterprise.kind != OrganisationKind.ENTERPRISE:
        raise Refused(f"{enterprise.name}不是企业")
    if started_on < station.established_on:
        raise Refused(f"开始辅导日期早于辅导站设立日期 {station.established_on:%Y-%m-%d}")
    if station.engagements.filter(enterprise=enterprise, ended_on__isnull=True).exists():
        raise Refused(f"{station.name}正在辅导{enterprise.name}")
    engagement = CoachingEngagement.objects.create(
        station=station, enterprise=enterprise, started_on=started_on
    )
    record_event(
        actor,
        "coaching_station.coach",
        obj=station,
        after={"enterprise": enterprise.name, "started_on": started_on},
    )
    return engagement


@transaction.atomic
def end_coaching(
    engagement: CoachingEngagement, *, actor: Actor, ended_on: dt.date, outcome: str = ""
) -> None:
    engagement = CoachingEngagement.objects.select_for_update().get(pk=engagement.pk)
    if engagement.ended_on is not None:
        raise Refused("该企业的辅导已经结束")
    if ended_on < engagement.started_on:
        raise Refused("结束辅导日期早于开始日期")
    engagement.ended_on = ended_on
    engagement.outcome = clean_text(outcome)[:300]
    engagement.save(update_fields=["ended_on", "outcome"])
    record_event(
        actor,
        "coaching_station.end_coaching",
        obj=engagement.station,
        after={"enterprise": engagement.enterprise.name, "ended_on": ended_on, "outcome": engagement.outcome},
    )


# ------------------------------------------------------------------------------------------ 专利密集型产品


@transaction.atomic
def file_dense_product(
    *,
    actor: Actor,
    enterprise: Organisation,
    name: str,
    filed_on: dt.date,
    patents: Iterable[Patent],
    note: str = "",
    is_demo: bool = False,
) -> DenseProduct:
    """备案 of a 专利密集型产品: the patents behind it must be the enterprise's (a holder in the
    registry)."""
    name = clean_text(name)
    if not name:
        raise Refused("请填写产品名称")
    patents = list(patents)
    if not patents:
        raise Refused("请至少填写一件支撑专利")
    held = set(
        PatentHolder.objects.filter(patent__in=patents, organisation=enterprise).values_list(
            "patent_id", flat=True
        )
    )
    foreign = [p.display_number for p in patents if p.pk not in held]
    if foreign:
        raise Refused(f"专利 {'、'.join(foreign[:5])} 的专利权人不是{enterprise.name}")
    if DenseProduct.objects.filter(enterprise=enterprise, name=name).exists():
        raise Refused(f"{enterprise.name}已备案产品“{name}”")
    product = DenseProduct.objects.create(
        name=name, enterprise=enterprise, filed_on=filed_on, note=clean_text(note), is_demo=is_demo
    )
    product.patents.set(patents)
    record_event(
        actor,
        "dense_product.file",
        obj=product,
        after={
            "name": name,
            "enterprise": enterprise.name,
            "filed_on": filed_on,
            "patents": [p.application_number for p in patents],
        },
    )
    return product


@transaction.atomic
def recognise_dense_product(product: DenseProduct, *, actor: Actor, year: int) -> None:
    product = DenseProduct.objects.select_for_update().get(pk=product.pk)
    if product.recognised_year is not None:
        raise Refused(f"“{product.name}”已于 {product.recognised_year} 年度认定")
    if year < product.filed_on.year or year > timezone.localdate().year:
        raise Refused("认定年度应在备案年度与今年之间")
    product.recognised_year = year
    product.save(update_fields=["recognised_year"])
    record_event(actor, "dense_product.recognise", obj=product, after={"recognised_year": year})
