"""Writes of the support ecosystem: one transaction and one audit event each (docs/support.md).

The expert draw (方案二(七)1): the pool of a field, less the experts kept out by 回避 (`avoidance`),
sorted by id, and `random.Random(seed).sample(candidates, count)`. The seed, the candidates and who was
kept out and why are stored with the draw, so anyone can draw again and get the same experts.
"""

from __future__ import annotations

import datetime as dt
import random
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from ipcity.core.audit import Actor, record_event, snapshot, upsert
from ipcity.core.workflow import Refused
from ipcity.lib.text import clean_text, name_key
from ipcity.registry.choices import Industry
from ipcity.registry.models import Organisation, Patent, PatentHolder
from ipcity.support.choices import AvoidReason, ExpertTitle, RelationKind
from ipcity.support.config import expert_settings
from ipcity.support.models import Expert, ExpertDraw, ExpertDrawPick, ExpertRelation

EXPERT_FIELDS = [
    "title",
    "field",
    "ipc_subclasses",
    "speciality",
    "employer",
    "phone",
    "email",
    "available",
    "active",
    "user",
    "note",
    "is_demo",
]
MAX_DRAW = 50
SEED_BITS = 62  # fits a signed 64-bit column


# ------------------------------------------------------------------------------------------ experts


def _clean_ipc(value: str) -> str:
    codes = [c for c in clean_text(value).upper().replace(",", " ").replace("，", " ").split() if c]
    bad = [c for c in codes if len(c) != 4 or not (c[0].isalpha() and c[1:3].isdigit() and c[3].isalpha())]
    if bad:
        raise Refused(f"专业领域（IPC小类）应为 G06F 这样的四位小类：{'、'.join(bad[:5])}")
    return " ".join(dict.fromkeys(codes))


@transaction.atomic
def save_expert(
    *,
    actor: Actor,
    name: str,
    field: str,
    employer_name: str = "",
    employer: Organisation | None = None,
    title: str = "",
    ipc_subclasses: str = "",
    speciality: str = "",
    phone: str = "",
    email: str = "",
    available: bool = True,
    active: bool = True,
    user: object = None,
    note: str = "",
    is_demo: bool = False,
) -> Expert:
    """Add an expert to the pool or update one (the natural key: name and employer's name)."""
    name = clean_text(name)
    if not name:
        raise Refused("请填写专家姓名")
    if field not in Industry.values:
        raise Refused("请选择专业领域（产业）")
    if title and title not in ExpertTitle.values:
        raise Refused("职称不在可选范围内")
    employer_name = clean_text(employer_name) or (employer.name if employer is not None else "")
    expert, _status = upsert(
        Expert,
        key={"name": name, "employer_name": employer_name},
        values={
            "title": title,
            "field": field,
            "ipc_subclasses": _clean_ipc(ipc_subclasses),
            "speciality": clean_text(speciality),
            "employer": employer,
            "phone": clean_text(phone),
            "email": clean_text(email),
            "available": available,
            "active": active,
            "user": user,
            "note": clean_text(note),
            "is_demo": is_demo,
        },
        actor=actor,
        action_prefix="expert",
    )
    return expert


@transaction.atomic
def update_expert(expert: Expert, *, actor: Actor, **values: object) -> Expert:
    """Change an expert's record (not the name and employer's name, the key)."""
    expert = Expert.objects.select_for_update().get(pk=expert.pk)
    if "ipc_subclasses" in values:
        values["ipc_subclasses"] = _clean_ipc(str(values["ipc_subclasses"] or ""))
    if values.get("field") is not None and values["field"] not in Industry.values:
        raise Refused("请选择专业领域（产业）")
    changed = [k for k in values if k in EXPERT_FIELDS and getattr(expert, k) != values[k]]
    if not changed:
        return expert
    before = snapshot(expert, changed)
    for k in changed:
        setattr(expert, k, values[k])
    expert.save(update_fields=changed)
    record_event(actor, "expert.update", obj=expert, before=before, after=snapshot(expert, changed))
    return expert


@transaction.atomic
def declare_relation(
    expert: Expert,
    organisation: Organisation,
    *,
    actor: Actor,
    kind: str,
    note: str = "",
    declared_on: dt.date | None = None,
) -> ExpertRelation:
    """Record a relation the expert declared: the expert is kept out of that organisation's reviews."""
    if kind not in RelationKind.values:
        raise Refused("请选择关系类型")
    relation, made = ExpertRelation.objects.get_or_create(
        expert=expert,
        organisation=organisation,
        kind=kind,
        defaults={"note": clean_text(note), "declared_on": declared_on or timezone.localdate()},
    )
    if not made:
        raise Refused(f"{expert.name}已申报与{organisation.name}的这一关系")
    record_event(
        actor, "expert_relation.declare", obj=expert, after={"organisation": organisation.name, "kind": kind}
    )
    return relation


@transaction.atomic
def remove_relation(relation: ExpertRelation, *, actor: Actor) -> None:
    record_event(
        actor,
        "expert_relation.remove",
        obj=relation.expert,
        before={"organisation": relation.organisation.name, "kind": relation.kind},
    )
    relation.delete()


# ------------------------------------------------------------------------------------------ 回避


@dataclass
class Avoidance:
    """Who must stay out of a review of `applicant`'s, with every reason (docs/support.md §回避)."""

    reasons: dict[int, list[str]] = field(default_factory=dict)
    details: dict[int, list[str]] = field(default_factory=dict)

    def add(self, expert: Expert, reason: str, detail: str) -> None:
        if reason not in self.reasons.setdefault(expert.pk, []):
            self.reasons[expert.pk].append(reason)
            self.details.setdefault(expert.pk, []).append(detail)


def _person_key(name: str) -> str:
    return "".join(clean_text(name).split())


def avoidance(
    applicant: Organisation,
    experts: Sequence[Expert],
    *,
    named: Iterable[Expert] = (),
    on: dt.date | None = None,
    years: int | None = None,
) -> Avoidance:
    """The 回避 rules, each one checked for every expert:

    1. same employer as the applicant (the registry organisation, or the same name);
    2. co-applicants: the expert's employer applied for a patent together with the applicant, filed
       within the last `years` years (data/support/experts.yaml);
    3. co-inventors: the expert is named as an inventor of one of the applicant's patents filed in
       that period (matched by name: a namesake is kept out too — better one expert too few);
    4. relations the expert declared with the applicant;
    5. experts the applicant named to avoid.
    """
    on = on or timezone.localdate()
    years = years if years is not None else expert_settings().co_patent_years
    since = (
        on.replace(year=on.year - years)
        if not (on.month == 2 and on.day == 29)
        else on.replace(year=on.year - years, day=28)
    )
    result = Avoidance()
    applicant_key = name_key(applicant.name)
    for e in experts:
        if e.employer_id == applicant.pk or (e.employer_name and name_key(e.employer_name) == applicant_key):
            result.add(e, AvoidReason.SAME_EMPLOYER, f"工作单位：{e.employer_name or applicant.name}")

    patent_ids = list(
        PatentHolder.objects.filter(organisation=applicant, patent__filing_date__gte=since).values_list(
            "patent_id", flat=True
        )
    )
    if patent_ids:
        partners: dict[int, str] = {}
        partner_keys: dict[str, str] = {}
        for org_id, holder_name in (
            PatentHolder.objects.filter(patent_id__in=patent_ids)
            .exclude(organisation=applicant)
            .values_list("organisation_id", "name")
        ):
            if org_id is not None:
                partners[org_id] = holder_name
            if name_key(holder_name) != applicant_key:
                partner_keys[name_key(holder_name)] = holder_name
        for e in experts:
            hit = partners.get(e.employer_id) if e.employer_id else None
            hit = hit or (partner_keys.get(name_key(e.employer_name)) if e.employer_name else None)
            if hit:
                result.add(e, AvoidReason.CO_APPLICANT, f"{hit}与申报单位共同申请专利（{years}年内）")
        inventors: dict[str, str] = {}
        for number, names in Patent.objects.filter(pk__in=patent_ids).values_list(
            "application_number", "inventors"
        ):
            for person in names or []:
                inventors.setdefault(_person_key(str(person)), number)
        for e in experts:
            found = inventors.get(_person_key(e.name))
            if found:
                result.add(e, AvoidReason.CO_INVENTOR, f"申报单位专利 CN{found} 的发明人（{years}年内）")

    declared = ExpertRelation.objects.filter(
        organisation=applicant, expert_id__in=[e.pk for e in experts]
    ).values_list("expert_id", "kind")
    by_id = {e.pk: e for e in experts}
    for expert_id, kind in declared:
        result.add(by_id[expert_id], AvoidReason.DECLARED, f"申报关系：{RelationKind(kind).label}")
    for e in named:
        if e.pk in by_id:
            result.add(by_id[e.pk], AvoidReason.NAMED, "申报单位申请回避")
    return result


# ------------------------------------------------------------------------------------------ draw


def new_seed() -> int:
    return secrets.randbits(SEED_BITS)


def pick(candidates: Sequence[int], count: int, seed: int) -> list[int]:
    """The draw itself: the same candidates and seed give the same experts in the same order."""
    return random.Random(seed).sample(sorted(candidates), count)


def _pool(field_code: str, ipc_subclass: str) -> list[Expert]:
    qs = Expert.objects.in_pool().filter(field=field_code, available=True).select_related("employer")
    experts = list(qs.order_by("id"))
    if ipc_subclass:
        experts = [e for e in experts if ipc_subclass in e.ipc_list]
    return experts


def drawn_for(subject_key: str) -> set[int]:
    """Every expert ever picked for one review (a replacement is never one of them again)."""
    return set(
        ExpertDrawPick.objects.filter(draw__subject_key=subject_key).values_list("expert_id", flat=True)
    )


def _draw(
    *,
    actor: Actor,
    subject: str,
    subject_key: str,
    applicant: Organisation,
    field_code: str,
    count: int,
    ipc_subclass: str,
    named_avoid: Sequence[Expert],
    exclude: Iterable[int],
    seed: int | None,
    on: dt.date | None,
    replaces: ExpertDrawPick | None = None,
    reason: str = "",
    is_demo: bool = False,
) -> ExpertDraw:
    if field_code not in Industry.values:
        raise Refused("请选择抽取的专业领域")
    if not 1 <= count <= MAX_DRAW:
        raise Refused(f"抽取人数应在 1 到 {MAX_DRAW} 之间")
    ipc_subclass = _clean_ipc(ipc_subclass)
    if " " in ipc_subclass:
        raise Refused("每次抽取只能按一个 IPC 小类限定")
    years = expert_settings().co_patent_years
    pool = _pool(field_code, ipc_subclass)
    taken = set(exclude) | drawn_for(subject_key)
    pool = [e for e in pool if e.pk not in taken]
    avoided = avoidance(applicant, pool, named=named_avoid, on=on, years=years)
    candidates = [e.pk for e in pool if e.pk not in avoided.reasons]
    label = Industry(field_code).label + (f"（{ipc_subclass}）" if ipc_subclass else "")
    if len(candidates) < count:
        raise Refused(
            f"专业领域“{label}”可抽取的专家不足：需要 {count} 位，在库可评审且无须回避的只有 {len(candidates)} 位"
        )
    seed = new_seed() if seed is None else seed
    by_id = {e.pk: e for e in pool}
    excluded = [
        {"expert": pk, "name": by_id[pk].name, "reasons": reasons, "details": avoided.details[pk]}
        for pk, reasons in sorted(avoided.reasons.items())
    ]
    draw = ExpertDraw.objects.create(
        subject=subject[:200],
        subject_key=subject_key,
        applicant=applicant,
        field=field_code,
        ipc_subclass=ipc_subclass,
        count=count,
        seed=seed,
        co_patent_years=years,
        candidates=sorted(candidates),
        excluded=excluded,
        replaces=replaces,
        reason=reason,
        drawn_by=actor.label,
        is_demo=is_demo,
    )
    draw.named_avoid.set(named_avoid)
    chosen = pick(candidates, count, seed)
    ExpertDrawPick.objects.bulk_create(
        ExpertDrawPick(draw=draw, expert_id=pk, position=i) for i, pk in enumerate(chosen, start=1)
    )
    record_event(
        actor,
        "expert_draw.replace" if replaces is not None else "expert_draw.draw",
        obj=draw,
        after={
            "subject": subject,
            "applicant": applicant.name,
            "field": field_code,
            "ipc_subclass": ipc_subclass,
            "count": count,
            "seed": str(seed),
            "candidates": sorted(candidates),
            "excluded": {str(x["expert"]): x["reasons"] for x in excluded},
            "picked": [by_id[pk].name for pk in chosen],
        },
        note=reason,
    )
    return draw


@transaction.atomic
def draw_experts(
    *,
    actor: Actor,
    subject: str,
    subject_key: str,
    applicant: Organisation,
    field: str,
    count: int,
    ipc_subclass: str = "",
    named_avoid: Sequence[Expert] = (),
    exclude: Iterable[int] = (),
    seed: int | None = None,
    on: dt.date | None = None,
    is_demo: bool = False,
) -> ExpertDraw:
    """Draw `count` experts of a field at random for the review `subject_key` of `applicant`'s
    application, every 回避 rule applied; experts in `exclude` or already drawn for the same review
    stay out. `seed` None: a fresh random seed (stored)."""
    return _draw(
        actor=actor,
        subject=subject,
        subject_key=subject_key,
        applicant=applicant,
        field_code=field,
        count=count,
        ipc_subclass=ipc_subclass,
        named_avoid=named_avoid,
        exclude=exclude,
        seed=seed,
        on=on,
        is_demo=is_demo,
    )


@transaction.atomic
def replace_pick(
    pick_: ExpertDrawPick, *, actor: Actor, reason: str, seed: int | None = None, on: dt.date | None = None
) -> ExpertDraw:
    """An expert who cannot serve leaves the review; one replacement is drawn the same way (same
    field, same 回避, never an expert already drawn for this review)."""
    pick_ = (
        ExpertDrawPick.objects.select_for_update().select_related("draw", "draw__applicant").get(pk=pick_.pk)
    )
    reason = clean_text(reason)
    if not reason:
        raise Refused("请填写专家退出评审的原因")
    if pick_.withdrawn_at is not None:
        raise Refused(f"{pick_.expert.name}已退出本次评审")
    draw = pick_.draw
    pick_.withdrawn_at = timezone.now()
    pick_.withdrawn_reason = reason[:300]
    pick_.save(update_fields=["withdrawn_at", "withdrawn_reason"])
    return _draw(
        actor=actor,
        subject=draw.subject,
        subject_key=draw.subject_key,
        applicant=draw.applicant,
        field_code=draw.field,
        count=1,
        ipc_subclass=draw.ipc_subclass,
        named_avoid=list(draw.named_avoid.all()),
        exclude=(),
        seed=seed,
        on=on,
        replaces=pick_,
        reason=f"{pick_.expert.name}退出：{reason}"[:300],
        is_demo=draw.is_demo,
    )


def picked_experts(draw: ExpertDraw) -> list[Expert]:
    return [p.expert for p in draw.picks.select_related("expert", "expert__user").order_by("position")]
