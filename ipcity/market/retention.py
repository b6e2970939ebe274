"""专利留烟重点项目 (方案二(三)2): the key core patent projects the city office courts from outside
Yantai, records as settled (落户) with their undertaking organisation, takes into 跟踪培育 (the plan:
2-5 projects) and follows up with the services the clause names (配套服务, 海内外专利布局, 加快专利审批).

Writes (one transaction and one audit event each, statuses through market/workflows.py) and the reads
other apps use: the reward facts of 专利留烟重点项目资助 (grants reads them as it reads the registry's
licences) and the quota the plan sets, from the policy catalogue (data/policy/items/
patent_retention_project.yaml), so the number lives in one place.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, F, Max, Q, QuerySet

from ipcity.core.audit import Actor, record_event, snapshot
from ipcity.core.workflow import Refused
from ipcity.lib.identifiers import IdentifierError, normalize_uscc
from ipcity.lib.text import clean_text, name_key
from ipcity.market.choices import (
    CULTIVATED_STATUSES,
    LIVE_RETENTION_STATUSES,
    RELOCATED_STATUSES,
    RetentionService,
    RetentionStatus,
)
from ipcity.market.models import RetentionFollowUp, RetentionProject
from ipcity.market.permissions import can_moderate
from ipcity.market.services import parse_patent_numbers, today
from ipcity.market.workflows import RETENTION_WORKFLOW
from ipcity.registry.choices import Industry
from ipcity.registry.models import Organisation, Patent

ITEM_CODE = "patent_retention_project"
PROJECT_FIELDS = [
    "name",
    "origin",
    "overseas",
    "industry",
    "description",
    "patent_numbers",
    "contact_person",
    "contact_phone",
]
MAX_PATENTS = 50
# 市局决定 (the plan says 跟踪培育, not how often): a live project without a follow-up for this many
# days is listed on the city office's 工作台.
FOLLOW_UP_DAYS = 90
PLAN_AT_LEAST = 2  # 方案二(三)2: 跟踪培育2-5个重点项目 (the upper bound is the reward item's quota)


def cultivation_quota(on: dt.date) -> int | None:
    """How many key projects the plan tracks at most (跟踪培育2-5个重点项目): the reward item's quota
    on `on`; None when the catalogue has none (then nothing caps the list)."""
    from ipcity.policy.engine import default_catalog

    item = default_catalog().items.get(ITEM_CODE)
    if item is None or item.limits.quota is None:
        return None
    value = item.limits.quota.at(on)
    return None if value.to_be_set or value.value is None else int(value.value)


# ------------------------------------------------------------------------------ writes


def _patent_numbers(text: str) -> tuple[str, list[Patent]]:
    """Application numbers one per line (or separated by commas), each checked with its check digit;
    the normalised list as text, and the registry's patents among them (a project from outside the
    city often has none in the registry yet)."""
    numbers, errors = parse_patent_numbers(text)
    if errors:
        raise ValidationError({"patent_numbers": [f"核心专利{error}" for error in errors]})
    if len(numbers) > MAX_PATENTS:
        raise ValidationError({"patent_numbers": f"一个项目最多登记 {MAX_PATENTS} 件核心专利"})
    found = list(Patent.objects.filter(application_number__in=numbers).order_by("application_number"))
    return "\n".join(numbers), found


def _values(values: dict[str, Any]) -> tuple[dict[str, Any], list[Patent]]:
    data = {key: values.get(key) for key in PROJECT_FIELDS}
    for key in ("name", "origin", "contact_person", "contact_phone"):
        data[key] = clean_text(data[key] or "")
    data["description"] = (data["description"] or "").strip()
    data["overseas"] = bool(data["overseas"])
    if not data["name"]:
        raise ValidationError({"name": "请填写项目名称"})
    if not data["origin"]:
        raise ValidationError({"origin": "请填写项目来源（原权利人或所在地）"})
    if data["industry"] not in Industry.values:
        raise ValidationError({"industry": "请选择所属产业"})
    data["patent_numbers"], patents = _patent_numbers(data["patent_numbers"] or "")
    return data, patents


def _audit_values(project: RetentionProject) -> dict[str, Any]:
    return snapshot(project, PROJECT_FIELDS)


@transaction.atomic
def create_project(*, actor: Actor, values: dict[str, Any], is_demo: bool = False) -> RetentionProject:
    if actor.user is not None and not can_moderate(actor.user):
        raise Refused("只有市知识产权局可以登记专利留烟项目")
    data, patents = _values(values)
    project = RetentionProject.objects.create(created_on=today(), is_demo=is_demo, **data)
    project.patents.set(patents)
    record_event(
        actor,
        "market_retention.create",
        obj=project,
        after={**_audit_values(project), "status": project.status},
    )
    return project


@transaction.atomic
def update_project(project: RetentionProject, *, actor: Actor, values: dict[str, Any]) -> RetentionProject:
    project = RETENTION_WORKFLOW.lock(project)
    RETENTION_WORKFLOW.require(project, "edit", actor=actor)
    data, patents = _values(values)
    before = _audit_values(project)
    for key, value in data.items():
        setattr(project, key, value)
    project.save()
    project.patents.set(patents)
    after = _audit_values(project)
    changed = [key for key in after if before[key] != after[key]]
    RETENTION_WORKFLOW.move(
        project,
        "edit",
        actor=actor,
        audit_before={k: before[k] for k in changed},
        audit_after={k: after[k] for k in changed},
    )
    return project


def find_organisation(text: str) -> Organisation:
    """The registry's organisation for a 统一社会信用代码 (checked with its check digit) or a name as
    registered (half- or full-width brackets alike)."""
    text = clean_text(text)
    if not text:
        raise ValidationError({"organisation": "请填写项目承担单位的统一社会信用代码或名称"})
    if re.fullmatch(r"[0-9A-Za-z]{18}", text):
        try:
            code = normalize_uscc(text)
        except IdentifierError as exc:
            raise ValidationError({"organisation": f"统一社会信用代码 {text}：{exc}"}) from exc
        found = Organisation.objects.filter(uscc=code).first()
    else:
        found = Organisation.objects.filter(name_key=name_key(text)).first()
    if found is None:
        raise ValidationError(
            {"organisation": f"“{text}”不在本平台的一企一档中，请先登记该单位（一企一档 → 新增单位）"}
        )
    return found


@transaction.atomic
def relocate_project(
    project: RetentionProject, *, actor: Actor, organisation: str, relocated_on: dt.date
) -> RetentionProject:
    """登记落户: the undertaking organisation in the registry, with a district, and the date."""
    project = RETENTION_WORKFLOW.lock(project)
    RETENTION_WORKFLOW.require(project, "relocate", actor=actor)
    org = find_organisation(organisation)
    if org.region_id is None:
        raise ValidationError({"organisation": f"{org.name} 在一企一档中没有所属区市，不能登记为落户烟台"})
    if relocated_on is None or relocated_on > today():
        raise ValidationError({"relocated_on": "落户日期应为今天或以前的日期"})
    project.organisation, project.region_id, project.relocated_on = org, org.region_id, relocated_on
    project.save(update_fields=["organisation", "region", "relocated_on"])
    RETENTION_WORKFLOW.move(
        project,
        "relocate",
        actor=actor,
        audit_after={
            "organisation": org.name,
            "region": org.region.name if org.region else "",
            "relocated_on": relocated_on,
        },
    )
    return project


@transaction.atomic
def cultivate_project(project: RetentionProject, *, actor: Actor) -> None:
    # The quota is counted over the projects that could take a place: lock them all (in one order),
    # so that two offices' clicks at once are taken one after the other and never exceed it.
    list(
        RetentionProject.objects.select_for_update()
        .filter(status__in=RELOCATED_STATUSES)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    project = RETENTION_WORKFLOW.lock(project)
    RETENTION_WORKFLOW.require(project, "cultivate", actor=actor)
    project.cultivated_on = today()
    project.save(update_fields=["cultivated_on"])
    RETENTION_WORKFLOW.move(
        project, "cultivate", actor=actor, audit_after={"cultivated_on": project.cultivated_on}
    )


@transaction.atomic
def complete_project(project: RetentionProject, *, actor: Actor) -> None:
    project = RETENTION_WORKFLOW.lock(project)
    RETENTION_WORKFLOW.require(project, "complete", actor=actor)
    project.completed_on = today()
    project.save(update_fields=["completed_on"])
    RETENTION_WORKFLOW.move(
        project, "complete", actor=actor, audit_after={"completed_on": project.completed_on}
    )


@transaction.atomic
def drop_project(project: RetentionProject, *, actor: Actor, reason: str) -> None:
    project = RETENTION_WORKFLOW.lock(project)
    RETENTION_WORKFLOW.require(project, "drop", actor=actor, reason=reason)
    project.ended_reason = clean_text(reason)[:300]
    project.save(update_fields=["ended_reason"])
    RETENTION_WORKFLOW.move(
        project,
        "drop",
        actor=actor,
        comment=reason,
        reason=reason,
        audit_after={"ended_reason": project.ended_reason},
    )


@transaction.atomic
def add_follow_up(
    project: RetentionProject, *, actor: Actor, on: dt.date, service: str, text: str
) -> RetentionFollowUp:
    project = RETENTION_WORKFLOW.lock(project)
    RETENTION_WORKFLOW.require(project, "follow_up", actor=actor)
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": "请填写情况记录"})
    if service not in RetentionService.values:
        raise ValidationError({"service": "请选择服务内容"})
    if on is None or on > today():
        raise ValidationError({"on": "日期应为今天或以前的日期"})
    row = RetentionFollowUp.objects.create(
        project=project, on=on, service=service, text=text[:2000], recorded_by=actor.label
    )
    RETENTION_WORKFLOW.move(
        project,
        "follow_up",
        actor=actor,
        comment=text,
        audit_after={"on": on, "service": row.get_service_display(), "text": row.text},
    )
    return row


# ------------------------------------------------------------------------------ reads


@dataclass(frozen=True)
class Progress:
    """The plan's target for key projects and where the city stands."""

    quota: int | None
    cultivated: int  # in 跟踪培育 or completed
    relocated: int  # settled in Yantai, whatever came after
    negotiating: int

    @property
    def below_target(self) -> bool:
        return self.cultivated < PLAN_AT_LEAST


def progress(on: dt.date) -> Progress:
    counts = dict(
        RetentionProject.objects.values_list("status").annotate(n=Count("id")).values_list("status", "n")
    )
    return Progress(
        quota=cultivation_quota(on),
        cultivated=sum(counts.get(s, 0) for s in CULTIVATED_STATUSES),
        relocated=sum(counts.get(s, 0) for s in RELOCATED_STATUSES),
        negotiating=counts.get(RetentionStatus.NEGOTIATING, 0),
    )


def project_list(user: Any, data: dict[str, Any]) -> QuerySet[RetentionProject]:
    rows = (
        RetentionProject.objects.visible_to(user)
        .select_related("organisation", "region")
        .annotate(follow_up_count=Count("follow_ups"))
    )
    if data.get("status"):
        rows = rows.filter(status=data["status"])
    if data.get("industry"):
        rows = rows.filter(industry=data["industry"])
    if data.get("region"):
        rows = rows.filter(region=data["region"])
    if data.get("q"):
        rows = rows.filter(name__icontains=data["q"])
    return rows.order_by("-created_on", "-id")


def projects_to_follow_up(user: Any, on: dt.date) -> QuerySet[RetentionProject]:
    """Live projects the user may see whose last follow-up (or, without one, whose registration) is
    more than FOLLOW_UP_DAYS before `on`: the longest waiting first."""
    cutoff = on - dt.timedelta(days=FOLLOW_UP_DAYS)
    return (
        RetentionProject.objects.visible_to(user)
        .filter(status__in=LIVE_RETENTION_STATUSES)
        .annotate(last_follow_up=Max("follow_ups__on"))
        .filter(Q(last_follow_up__lt=cutoff) | Q(last_follow_up__isnull=True, created_on__lt=cutoff))
        .order_by(F("last_follow_up").asc(nulls_first=True), "created_on", "id")
    )


def reward_facts(organisation: Organisation, on: dt.date) -> dict[str, dict[str, Any]]:
    """The facts of 专利留烟重点项目资助 that the register answers for `organisation`: a project it
    undertakes settled in Yantai on or before `on` (项目是否已落户烟台), and whether its industry is one
    of the nine named industries of 9+N (是否属于“9+N”重点产业; 其他 — perhaps an "N" — stays a
    question for the applicant and the reviewers)."""
    project = (
        RetentionProject.objects.filter(
            organisation=organisation, status__in=RELOCATED_STATUSES, relocated_on__lte=on
        )
        .order_by("-relocated_on", "-id")
        .first()
    )
    if project is None:
        return {}
    facts: dict[str, Any] = {"project_relocated": True}
    if project.industry != Industry.OTHER:
        facts["key_industry"] = True
    return {ITEM_CODE: facts}
