"""Writes of the support ecosystem: one transaction and one audit event each (docs/support.md).

The expert draw (方案二(七)1): the pool of a field, less the experts kept out by 回避 (`avoidance`),
sorted by id, and `random.Random(seed).sample(candidates, count)`. The seed, the candidates and who was
kept out and why are stored with the draw, so anyone can draw again and get the same experts.
"""

from __future__ import annotations

import datetime as dt
import random
import secrets
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import IO

from django.db import transaction
from django.utils import timezone

from ipcity.core.audit import Actor, record_event, snapshot, upsert
from ipcity.core.models import Region
from ipcity.core.workflow import Refused
from ipcity.lib.text import clean_text, name_key
from ipcity.lib.uploads import Limits, UploadError, read_sheet
from ipcity.registry.choices import Industry, OrganisationKind
from ipcity.registry.models import Organisation, Patent, PatentHolder
from ipcity.support import scoring
from ipcity.support.choices import (
    AgencyKind,
    AllianceRecognitionLevel,
    AvoidReason,
    CentreIndustry,
    ClusterStatus,
    ExpertTitle,
    RelationKind,
    SignInSource,
    TrainingKind,
)
from ipcity.support.config import expert_settings
from ipcity.support.models import (
    AgencyProfile,
    AgencyRating,
    AgencyStaff,
    AllianceRecognition,
    CentreAssessment,
    ClusterMembership,
    ClusterReport,
    Expert,
    ExpertDraw,
    ExpertDrawPick,
    ExpertRelation,
    IndustryAlliance,
    OperationCentre,
    PatentPool,
    TrainingActivity,
    TrainingRegistration,
    TrainingSignIn,
)
from ipcity.support.permissions import can_edit_agency
from ipcity.support.workflows import ASSESSMENT_WORKFLOW, CLUSTER_WORKFLOW

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


# ------------------------------------------------------------------------------------------ training

SIGNIN_HEADERS = ["姓名", "单位", "电话"]
MAX_SIGNIN_ROWS = 5_000  # one training's sign-in sheet


@transaction.atomic
def create_training(
    *,
    actor: Actor,
    title: str,
    organiser: str,
    kind: str,
    start_date: dt.date,
    end_date: dt.date,
    hours: Decimal,
    place: str,
    region: Region | None = None,
    is_demo: bool = False,
) -> TrainingActivity:
    """Register a training (方案二(七)1); its sign-ins count for the 培训人次 indicator."""
    title, organiser, place = clean_text(title), clean_text(organiser), clean_text(place)
    if not title or not organiser or not place:
        raise Refused("请填写培训名称、主办单位和地点")
    if kind not in TrainingKind.values:
        raise Refused("请选择培训类别")
    if end_date < start_date:
        raise Refused("结束日期不能早于开始日期")
    if not Decimal(0) < hours <= Decimal(1000):
        raise Refused("学时应大于 0 且不超过 1000")
    training = TrainingActivity.objects.create(
        title=title,
        organiser=organiser,
        kind=kind,
        start_date=start_date,
        end_date=end_date,
        hours=hours,
        place=place,
        region=region,
        signin_token=secrets.token_urlsafe(18),
        created_by=actor.label,
        is_demo=is_demo,
    )
    record_event(
        actor,
        "training_activity.create",
        obj=training,
        after=snapshot(
            training, ["title", "organiser", "kind", "start_date", "end_date", "hours", "place", "region"]
        ),
    )
    return training


def _person(name: str, organisation_name: str, phone: str) -> tuple[str, str, str]:
    name, organisation_name, phone = clean_text(name), clean_text(organisation_name), clean_text(phone)
    if not name:
        raise Refused("请填写姓名")
    if len(name) > 60 or len(organisation_name) > 200 or len(phone) > 40:
        raise Refused("姓名不超过 60 字、单位不超过 200 字、电话不超过 40 字")
    return name, organisation_name, phone


@transaction.atomic
def register_for_training(
    training: TrainingActivity, *, actor: Actor, name: str, organisation_name: str = "", phone: str = ""
) -> TrainingRegistration:
    name, organisation_name, phone = _person(name, organisation_name, phone)
    if TrainingRegistration.objects.filter(
        event=training, name=name, organisation_name=organisation_name
    ).exists():
        raise Refused(f"{name}已报名")
    registration = TrainingRegistration.objects.create(
        event=training, name=name, organisation_name=organisation_name, phone=phone
    )
    record_event(
        actor,
        "training_activity.register",
        obj=training,
        after={"name": name, "organisation": organisation_name},
    )
    return registration


def _count_in_indicator(training: TrainingActivity, people: list[dict[str, str]], *, actor: Actor) -> None:
    """The sign-ins are the indicator's person-times: recorded through the indicators' service, under
    the training's number so a training reported on the indicator page never merges with it."""
    from ipcity.indicators.services import record_training

    event, _added = record_training(
        actor=actor,
        title=f"{training.title}（{training.number}）",
        date=training.start_date,
        organiser=training.organiser,
        region=training.region,
        attendees=people,
        is_demo=training.is_demo,
    )
    if training.indicator_event_id != event.pk:
        training.indicator_event = event
        training.save(update_fields=["indicator_event"])


@transaction.atomic
def sign_in(
    training: TrainingActivity,
    *,
    actor: Actor,
    name: str,
    organisation_name: str = "",
    phone: str = "",
    on: dt.date | None = None,
) -> TrainingSignIn:
    """A participant signs in on the phone page (only on the training's days)."""
    training = TrainingActivity.objects.select_for_update().get(pk=training.pk)
    on = on or timezone.localdate()
    if not training.start_date <= on <= training.end_date:
        raise Refused(
            f"签到只在培训期间（{training.start_date.isoformat()} 至 {training.end_date.isoformat()}）开放"
        )
    name, organisation_name, phone = _person(name, organisation_name, phone)
    if TrainingSignIn.objects.filter(event=training, name=name, organisation_name=organisation_name).exists():
        raise Refused(f"{name}已签到，无需重复签到")
    signin = TrainingSignIn.objects.create(
        event=training, name=name, organisation_name=organisation_name, phone=phone, source=SignInSource.PHONE
    )
    _count_in_indicator(
        training, [{"name": name, "organisation": organisation_name, "phone": phone}], actor=actor
    )
    record_event(
        actor,
        "training_activity.sign_in",
        obj=training,
        after={"name": name, "organisation": organisation_name},
    )
    return signin


def _sheet_people(file: IO[bytes]) -> list[tuple[int, str, str, str]]:
    try:
        rows = read_sheet(file, Limits.web(max_rows=MAX_SIGNIN_ROWS))
    except UploadError as exc:
        raise Refused(f"签到表：{exc}") from exc
    if not rows or rows[0][0] != 1:
        raise Refused("签到表第 1 行应为表头：姓名、单位、电话")
    header = [str(c).strip() if c is not None else "" for c in rows[0][1]]
    if "姓名" not in header:
        raise Refused("签到表第 1 行缺少“姓名”列（列：姓名、单位、电话）")
    at = {h: header.index(h) for h in SIGNIN_HEADERS if h in header}

    def cell(values: list[object], column: str) -> str:
        i = at.get(column)
        return "" if i is None or i >= len(values) or values[i] is None else str(values[i]).strip()

    people, errors = [], []
    for number, values in rows[1:]:
        name, org, phone = cell(values, "姓名"), cell(values, "单位"), cell(values, "电话")
        if not (name or org or phone):
            continue
        if not name:
            errors.append(f"第 {number} 行“姓名”列：不能为空")
        elif len(name) > 60 or len(org) > 200 or len(phone) > 40:
            errors.append(f"第 {number} 行：姓名不超过 60 字、单位不超过 200 字、电话不超过 40 字")
        else:
            people.append((number, name, org, phone))
    if errors:
        raise Refused("签到表有误，未导入：" + "；".join(errors[:20]))
    if not people:
        raise Refused("签到表没有数据行")
    return people


@transaction.atomic
def import_sign_in_sheet(training: TrainingActivity, file: IO[bytes], *, actor: Actor) -> int:
    """A paper sign-in sheet typed into Excel (姓名、单位、电话): all rows checked first, nothing
    written on an error; a person already signed in is not counted again. Returns the sign-ins added."""
    training = TrainingActivity.objects.select_for_update().get(pk=training.pk)
    people = _sheet_people(file)
    seen = set(TrainingSignIn.objects.filter(event=training).values_list("name", "organisation_name"))
    new = []
    for _number, name, org, phone in people:
        if (name, org) not in seen:
            seen.add((name, org))
            new.append(
                TrainingSignIn(
                    event=training, name=name, organisation_name=org, phone=phone, source=SignInSource.SHEET
                )
            )
    TrainingSignIn.objects.bulk_create(new)
    if new:
        _count_in_indicator(
            training,
            [{"name": s.name, "organisation": s.organisation_name, "phone": s.phone} for s in new],
            actor=actor,
        )
    record_event(
        actor, "training_activity.sheet_import", obj=training, after={"rows": len(people), "added": len(new)}
    )
    return len(new)


@transaction.atomic
def issue_certificates(training: TrainingActivity, *, actor: Actor) -> int:
    """结业证书: a number for every signed-in participant without one (PX…-001, in sign-in order)."""
    training = TrainingActivity.objects.select_for_update().get(pk=training.pk)
    signins = list(training.signins.order_by("id"))
    used = {s.certificate_number for s in signins if s.certificate_number}
    issued = 0
    for index, s in enumerate(signins, start=1):
        if not s.certificate_number:
            number = f"{training.number}-{index:03d}"
            while number in used:
                number += "A"
            s.certificate_number = number
            used.add(number)
            s.save(update_fields=["certificate_number"])
            issued += 1
    if issued:
        record_event(actor, "training_activity.certificates", obj=training, after={"issued": issued})
    return issued


# ------------------------------------------------------------------------------------------ agencies


def _require_agency_editor(organisation: Organisation, actor: Actor) -> None:
    if actor.user is not None and not can_edit_agency(actor.user, organisation.pk):
        raise Refused(f"无权修改{organisation.name}的机构档案")
    if organisation.kind != OrganisationKind.SERVICE_AGENCY:
        raise Refused(f"{organisation.name}在登记中不是服务机构")


@transaction.atomic
def save_agency_profile(
    organisation: Organisation,
    *,
    actor: Actor,
    kinds: Sequence[str],
    qualifications: str = "",
    services: str = "",
    districts: Iterable[Region] = (),
    phone: str = "",
    website: str = "",
    is_demo: bool = False,
) -> AgencyProfile:
    """An agency's directory profile (the registry organisation gives its name, 统一社会信用代码 and region)."""
    _require_agency_editor(organisation, actor)
    kinds = list(dict.fromkeys(kinds))
    if not kinds or any(k not in AgencyKind.values for k in kinds):
        raise Refused("请至少选择一种服务类型")
    profile, _status = upsert(
        AgencyProfile,
        key={"organisation": organisation},
        values={
            "kinds": kinds,
            "qualifications": qualifications.strip(),
            "services": services.strip(),
            "phone": clean_text(phone),
            "website": clean_text(website),
            "is_demo": is_demo,
        },
        actor=actor,
        action_prefix="agency_profile",
    )
    wanted = {r.pk for r in districts}
    if set(profile.districts.values_list("pk", flat=True)) != wanted:
        profile.districts.set(wanted)
        record_event(actor, "agency_profile.districts", obj=profile, after={"districts": sorted(wanted)})
    return profile


@transaction.atomic
def add_agency_staff(
    profile: AgencyProfile, *, actor: Actor, name: str, licence_number: str = "", position: str = ""
) -> AgencyStaff:
    _require_agency_editor(profile.organisation, actor)
    name = clean_text(name)
    if not name:
        raise Refused("请填写人员姓名")
    if profile.staff.filter(name=name).exists():
        raise Refused(f"{name}已在人员名单中")
    staff = AgencyStaff.objects.create(
        profile=profile, name=name, licence_number=clean_text(licence_number), position=clean_text(position)
    )
    record_event(
        actor,
        "agency_profile.staff_add",
        obj=profile,
        after={"name": name, "licence_number": staff.licence_number},
    )
    return staff


@transaction.atomic
def remove_agency_staff(staff: AgencyStaff, *, actor: Actor) -> None:
    _require_agency_editor(staff.profile.organisation, actor)
    record_event(actor, "agency_profile.staff_remove", obj=staff.profile, before={"name": staff.name})
    staff.delete()


# ------------------------------------------------------------------------------------------ 集聚区


@transaction.atomic
def apply_to_cluster(
    organisation: Organisation,
    *,
    actor: Actor,
    statement: str = "",
    on: dt.date | None = None,
    is_demo: bool = False,
) -> ClusterMembership:
    """A service agency applies to enter the 集聚区 (one application or stay at a time)."""
    _require_agency_editor(organisation, actor)
    live = ClusterMembership.objects.filter(
        organisation=organisation, status__in=[ClusterStatus.APPLIED, ClusterStatus.RESIDENT]
    ).first()
    if live is not None:
        raise Refused(
            f"{organisation.name}已有入驻申请或已入驻（{live.number}，{live.get_status_display()}）"
        )
    membership = ClusterMembership.objects.create(
        organisation=organisation,
        statement=statement.strip(),
        applied_on=on or timezone.localdate(),
        is_demo=is_demo,
    )
    record_event(actor, "cluster_membership.apply", obj=membership, after={"organisation": organisation.name})
    return membership


@transaction.atomic
def admit_to_cluster(membership: ClusterMembership, *, actor: Actor, on: dt.date | None = None) -> None:
    membership = CLUSTER_WORKFLOW.lock(membership)
    CLUSTER_WORKFLOW.require(membership, "admit", actor=actor)
    membership.admitted_on = on or timezone.localdate()
    membership.save(update_fields=["admitted_on"])
    CLUSTER_WORKFLOW.move(
        membership, "admit", actor=actor, audit_after={"admitted_on": membership.admitted_on}
    )


@transaction.atomic
def reject_cluster_application(membership: ClusterMembership, *, actor: Actor, reason: str) -> None:
    membership = CLUSTER_WORKFLOW.lock(membership)
    CLUSTER_WORKFLOW.require(membership, "reject", actor=actor, reason=reason)
    membership.end_reason = clean_text(reason)[:300]
    membership.save(update_fields=["end_reason"])
    CLUSTER_WORKFLOW.move(membership, "reject", actor=actor, comment=reason, reason=reason)


def _leave(
    name: str, membership: ClusterMembership, *, actor: Actor, reason: str, on: dt.date | None
) -> None:
    membership = CLUSTER_WORKFLOW.lock(membership)
    CLUSTER_WORKFLOW.require(membership, name, actor=actor, reason=reason)
    day = on or timezone.localdate()
    if membership.admitted_on and day < membership.admitted_on:
        raise Refused("迁出/退出日期不能早于入驻日期")
    membership.ended_on = day
    membership.end_reason = clean_text(reason)[:300]
    membership.save(update_fields=["ended_on", "end_reason"])
    CLUSTER_WORKFLOW.move(
        membership, name, actor=actor, comment=reason, reason=reason, audit_after={"ended_on": day}
    )


@transaction.atomic
def move_out_of_cluster(
    membership: ClusterMembership, *, actor: Actor, reason: str, on: dt.date | None = None
) -> None:
    """迁出: the agency leaves the cluster (its reason recorded)."""
    _leave("move_out", membership, actor=actor, reason=reason, on=on)


@transaction.atomic
def exit_from_cluster(
    membership: ClusterMembership, *, actor: Actor, reason: str, on: dt.date | None = None
) -> None:
    """退出 (清退): the city office ends the stay (its reason recorded)."""
    _leave("exit", membership, actor=actor, reason=reason, on=on)


@transaction.atomic
def report_cluster_year(
    membership: ClusterMembership,
    *,
    actor: Actor,
    year: int,
    staff: int,
    revenue: Decimal,
    clients: int,
    on: dt.date | None = None,
) -> ClusterReport:
    """The annual monitoring data of a resident agency (as reported); a year reported again is replaced."""
    membership = CLUSTER_WORKFLOW.lock(membership)
    CLUSTER_WORKFLOW.require(membership, "report", actor=actor)
    day = on or timezone.localdate()
    if membership.admitted_on and year < membership.admitted_on.year:
        raise Refused(f"年度不能早于入驻年度（{membership.admitted_on.year}）")
    if year > day.year:
        raise Refused("不能报送未来年度的数据")
    if staff < 0 or clients < 0 or revenue < 0:
        raise Refused("人数、客户数和营业收入不能为负数")
    report, _status = upsert(
        ClusterReport,
        key={"membership": membership, "year": year},
        values={
            "staff": staff,
            "revenue": revenue,
            "clients": clients,
            "reported_on": day,
            "reported_by": actor.label,
        },
        actor=actor,
        action_prefix="cluster_report",
        audit=False,
    )
    CLUSTER_WORKFLOW.move(
        membership,
        "report",
        actor=actor,
        audit_after={"year": year, "staff": staff, "revenue": revenue, "clients": clients},
    )
    return report


# ------------------------------------------------------------------------------------------ 联盟


@transaction.atomic
def save_alliance(
    *,
    actor: Actor,
    name: str,
    industry: str,
    lead: Organisation,
    founded_on: dt.date,
    organisation: Organisation | None = None,
    description: str = "",
    is_demo: bool = False,
) -> IndustryAlliance:
    """Register an industry IP alliance or update one (the natural key: its name)."""
    name = clean_text(name)
    if not name:
        raise Refused("请填写联盟名称")
    if industry not in Industry.values:
        raise Refused("请选择联盟所属产业")
    if founded_on > timezone.localdate():
        raise Refused("成立日期不能晚于今天")
    if organisation is not None:
        taken = IndustryAlliance.objects.filter(organisation=organisation).exclude(name=name).first()
        if taken is not None:
            raise Refused(f"{organisation.name}已登记为联盟“{taken.name}”的登记机构")
    alliance, _status = upsert(
        IndustryAlliance,
        key={"name": name},
        values={
            "industry": industry,
            "lead": lead,
            "organisation": organisation,
            "founded_on": founded_on,
            "description": description.strip(),
            "is_demo": is_demo,
        },
        actor=actor,
        action_prefix="industry_alliance",
    )
    if not alliance.members.filter(pk=lead.pk).exists():
        alliance.members.add(lead)  # the lead is a member (no separate event: the lead is audited)
    return alliance


@transaction.atomic
def add_alliance_members(
    alliance: IndustryAlliance, organisations: Iterable[Organisation], *, actor: Actor
) -> int:
    """Add member organisations (registry); returns how many were new."""
    have = set(alliance.members.values_list("pk", flat=True))
    new = [o for o in organisations if o.pk not in have]
    if not new:
        raise Refused("所选单位均已是联盟成员")
    alliance.members.add(*new)
    record_event(
        actor, "industry_alliance.members_add", obj=alliance, after={"members": [o.name for o in new]}
    )
    return len(new)


@transaction.atomic
def remove_alliance_member(alliance: IndustryAlliance, organisation: Organisation, *, actor: Actor) -> None:
    if organisation.pk == alliance.lead_id:
        raise Refused("牵头单位不能移出联盟（请先更换牵头单位）")
    if not alliance.members.filter(pk=organisation.pk).exists():
        raise Refused(f"{organisation.name}不是联盟成员")
    alliance.members.remove(organisation)
    record_event(
        actor, "industry_alliance.member_remove", obj=alliance, before={"members": [organisation.name]}
    )


@transaction.atomic
def record_alliance_recognition(
    alliance: IndustryAlliance,
    *,
    actor: Actor,
    level: str,
    recognised_on: dt.date,
    issuer: str,
    document_number: str = "",
) -> AllianceRecognition:
    """A recognition (省级重点产业知识产权联盟 …): the 联盟 reward item reads it as a fact."""
    if level not in AllianceRecognitionLevel.values:
        raise Refused("请选择认定类别")
    issuer = clean_text(issuer)
    if not issuer:
        raise Refused("请填写认定机关")
    if recognised_on < alliance.founded_on:
        raise Refused("认定日期不能早于联盟成立日期")
    if recognised_on > timezone.localdate():
        raise Refused("认定日期不能晚于今天")
    if AllianceRecognition.objects.filter(alliance=alliance, level=level).exists():
        raise Refused(f"{alliance.name}已登记{AllianceRecognitionLevel(level).label}认定")
    recognition = AllianceRecognition.objects.create(
        alliance=alliance,
        level=level,
        recognised_on=recognised_on,
        issuer=issuer,
        document_number=clean_text(document_number),
    )
    record_event(
        actor,
        "industry_alliance.recognise",
        obj=alliance,
        after={
            "level": level,
            "recognised_on": recognised_on,
            "issuer": issuer,
            "document_number": recognition.document_number,
        },
    )
    return recognition


def _pool_patents(numbers: Iterable[str]) -> list[Patent]:
    wanted = list(dict.fromkeys(clean_text(n).upper().removeprefix("CN") for n in numbers if clean_text(n)))
    found = {p.application_number: p for p in Patent.objects.filter(application_number__in=wanted)}
    missing = [n for n in wanted if n not in found]
    if missing:
        raise Refused(f"登记中没有这些专利申请号：{'、'.join(missing[:10])}")
    return [found[n] for n in wanted]


@transaction.atomic
def save_patent_pool(
    alliance: IndustryAlliance,
    *,
    actor: Actor,
    name: str,
    established_on: dt.date,
    licensing_terms: str,
    patent_numbers: Iterable[str] = (),
    is_demo: bool = False,
) -> PatentPool:
    """A patent pool of the alliance (or an update of one, by name): its licensing terms and its
    patents, given by application number (registry patents; every number must be found)."""
    name, terms = clean_text(name), licensing_terms.strip()
    if not name or not terms:
        raise Refused("请填写专利池名称和许可条件")
    other = PatentPool.objects.filter(name=name).exclude(alliance=alliance).first()
    if other is not None:
        raise Refused(f"专利池“{name}”已属于联盟“{other.alliance.name}”")
    patents = _pool_patents(patent_numbers)
    pool, _status = upsert(
        PatentPool,
        key={"name": name},
        values={
            "alliance": alliance,
            "established_on": established_on,
            "licensing_terms": terms,
            "is_demo": is_demo,
        },
        actor=actor,
        action_prefix="patent_pool",
    )
    have = set(pool.patents.values_list("application_number", flat=True))
    wanted = {p.application_number for p in patents}
    if have != wanted:
        pool.patents.set(patents)
        record_event(
            actor,
            "patent_pool.patents",
            obj=pool,
            before={"patents": sorted(have)},
            after={"patents": sorted(wanted)},
        )
    return pool


# ------------------------------------------------------------------------------------------ 运营中心


@transaction.atomic
def save_operation_centre(
    *,
    actor: Actor,
    industry: str,
    name: str,
    organisation: Organisation,
    established_on: dt.date | None = None,
    services: str = "",
    is_demo: bool = False,
) -> OperationCentre:
    """Register one of the six centres or update it (one centre per industry, 方案二(五)3)."""
    if industry not in CentreIndustry.values:
        raise Refused("请选择运营中心的产业")
    name = clean_text(name)
    if not name:
        raise Refused("请填写运营中心名称")
    centre, _status = upsert(
        OperationCentre,
        key={"industry": industry},
        values={
            "name": name,
            "organisation": organisation,
            "established_on": established_on,
            "services": services.strip(),
            "is_demo": is_demo,
        },
        actor=actor,
        action_prefix="operation_centre",
    )
    return centre


def _assessment_values(assessment: CentreAssessment) -> tuple[dict[str, Decimal | None], dict[str, str]]:
    """The values scored: computed indicators, and the reported ones (a data indicator the platform
    cannot compute for this centre is taken from the report)."""
    from ipcity.support.selectors import centre_data

    table = scoring.centre_table(dt.date(assessment.year, 12, 31))
    computed, notes = centre_data(assessment.centre, assessment.year, table)
    values: dict[str, Decimal | None] = {}
    for indicator in table.indicators:
        raw = computed.get(indicator.code) if indicator.source == "data" else None
        if raw is None:
            reported = assessment.reported.get(indicator.code)
            raw = None if reported in (None, "") else Decimal(str(reported))
        values[indicator.code] = raw
    return values, notes


def _rescore(assessment: CentreAssessment) -> None:
    from ipcity.support.selectors import centre_data

    table = scoring.centre_table(dt.date(assessment.year, 12, 31))
    computed, _notes = centre_data(assessment.centre, assessment.year, table)
    values, notes = _assessment_values(assessment)
    total, grade, lines = scoring.score(table, values, notes)
    assessment.computed = {k: (None if v is None else str(v)) for k, v in computed.items()}
    assessment.score = total
    assessment.grade = grade
    assessment.trace = [line.as_dict() for line in lines]
    assessment.parameters = table.version()


@transaction.atomic
def open_assessment(
    centre: OperationCentre, *, actor: Actor, year: int, is_demo: bool = False
) -> CentreAssessment:
    """The city office opens a centre's 绩效考评 of a past or the current year; the indicators from
    data are computed at once (and again when it is submitted and confirmed)."""
    if year > timezone.localdate().year:
        raise Refused("不能考评未来年度")
    if CentreAssessment.objects.filter(centre=centre, year=year).exists():
        raise Refused(f"{centre.name}的 {year} 年度考评已发起")
    try:
        scoring.centre_table(dt.date(year, 12, 31))
    except scoring.ScoringError as exc:
        raise Refused(str(exc)) from exc
    assessment = CentreAssessment(centre=centre, year=year, opened_by=actor.label, is_demo=is_demo)
    _rescore(assessment)
    assessment.save()
    record_event(
        actor,
        "centre_assessment.open",
        obj=assessment,
        after={"centre": centre.name, "year": year, "computed": assessment.computed},
    )
    return assessment


@transaction.atomic
def report_assessment_items(
    assessment: CentreAssessment, *, actor: Actor, values: Mapping[str, Decimal | None]
) -> CentreAssessment:
    """The centre (or the office for it) enters the reported items; only the table's reported
    indicators and the data ones the platform cannot compute for this centre are accepted."""
    assessment = ASSESSMENT_WORKFLOW.lock(assessment)
    ASSESSMENT_WORKFLOW.require(assessment, "report", actor=actor)
    allowed = set(reportable_codes(assessment))
    unknown = set(values) - allowed
    if unknown:
        raise Refused("以下事项不需填报：" + "、".join(sorted(unknown)))
    if any(v is not None and v < 0 for v in values.values()):
        raise Refused("填报的数值不能为负数")
    before = dict(assessment.reported)
    assessment.reported = {**before, **{k: (None if v is None else str(v)) for k, v in values.items()}}
    _rescore(assessment)
    assessment.save(update_fields=["reported", "computed", "score", "grade", "trace", "parameters"])
    ASSESSMENT_WORKFLOW.move(
        assessment,
        "report",
        actor=actor,
        audit_before={"reported": before},
        audit_after={"reported": assessment.reported},
    )
    return assessment


def reportable_codes(assessment: CentreAssessment) -> list[str]:
    table = scoring.centre_table(dt.date(assessment.year, 12, 31))
    return [
        i.code
        for i in table.indicators
        if i.source == "reported" or assessment.computed.get(i.code, "missing") is None
    ]


@transaction.atomic
def submit_assessment(assessment: CentreAssessment, *, actor: Actor) -> None:
    assessment = ASSESSMENT_WORKFLOW.lock(assessment)
    ASSESSMENT_WORKFLOW.require(assessment, "submit", actor=actor)
    missing = [c for c in reportable_codes(assessment) if assessment.reported.get(c) in (None, "")]
    if missing:
        table = scoring.centre_table(dt.date(assessment.year, 12, 31))
        labels = [i.label for i in table.indicators if i.code in missing]
        raise Refused("请先填报：" + "、".join(labels))
    _rescore(assessment)
    assessment.save(update_fields=["computed", "score", "grade", "trace", "parameters"])
    ASSESSMENT_WORKFLOW.move(assessment, "submit", actor=actor, audit_after={"score": assessment.score})


@transaction.atomic
def return_assessment(assessment: CentreAssessment, *, actor: Actor, reason: str) -> None:
    assessment = ASSESSMENT_WORKFLOW.lock(assessment)
    ASSESSMENT_WORKFLOW.require(assessment, "return", actor=actor, reason=reason)
    assessment.return_reason = clean_text(reason)[:300]
    assessment.save(update_fields=["return_reason"])
    ASSESSMENT_WORKFLOW.move(assessment, "return", actor=actor, comment=reason, reason=reason)


@transaction.atomic
def confirm_assessment(assessment: CentreAssessment, *, actor: Actor, on: dt.date | None = None) -> None:
    """The city office confirms: the score and grade are fixed (the data indicators computed once
    more) and feed the 运营中心 reward item."""
    assessment = ASSESSMENT_WORKFLOW.lock(assessment)
    ASSESSMENT_WORKFLOW.require(assessment, "confirm", actor=actor)
    _rescore(assessment)
    assessment.confirmed_on = on or timezone.localdate()
    assessment.save(update_fields=["computed", "score", "grade", "trace", "parameters", "confirmed_on"])
    ASSESSMENT_WORKFLOW.move(
        assessment,
        "confirm",
        actor=actor,
        audit_after={
            "score": assessment.score,
            "grade": assessment.grade,
            "confirmed_on": assessment.confirmed_on,
        },
    )


# ------------------------------------------------------------------------------------------ 质量评级


@transaction.atomic
def rate_agencies(year: int, *, actor: Actor, on: dt.date | None = None) -> list[AgencyRating]:
    """The quality rating of every agency with a directory profile for `year` (by the table in force
    on 31 December of that year), ranked by score; running it again replaces the year's ratings.
    One audit event for the run."""
    from ipcity.support.selectors import agency_rating_values

    day = on or timezone.localdate()
    if year > day.year:
        raise Refused("不能评级未来年度")
    try:
        table = scoring.rating_table(dt.date(year, 12, 31))
    except scoring.ScoringError as exc:
        raise Refused(str(exc)) from exc
    results = []
    for profile, values, notes in agency_rating_values(year, table):
        total, grade, lines = scoring.score(table, values, notes)
        results.append((profile, total, grade, lines))
    results.sort(key=lambda r: (-r[1], r[0].organisation.name))
    AgencyRating.objects.filter(year=year).delete()
    ratings = AgencyRating.objects.bulk_create(
        AgencyRating(
            profile=profile,
            year=year,
            score=total,
            grade=grade,
            rank=rank,
            parts=[line.as_dict() for line in lines],
            parameters=table.version(),
            computed_on=day,
            computed_by=actor.label,
        )
        for rank, (profile, total, grade, lines) in enumerate(results, start=1)
    )
    record_event(
        actor,
        "agency_rating.compute",
        object_type="support.agencyrating",
        object_repr=f"{year} 年度服务机构质量评级",
        after={"year": year, "ratings": {p.organisation.name: str(t) for p, t, _g, _l in results}},
    )
    return ratings
