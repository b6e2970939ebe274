"""Reads of the plan for views, the CLI export and the Excel export."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import Prefetch, QuerySet
from django.http import Http404

from ipcity.core.models import Department
from ipcity.plans.models import Plan, Programme, Row, RowDepartment, Section, Stage, Target, Task


def find_current_plan() -> Plan | None:
    """The plan this deployment runs (settings.IPCITY_PLAN_CODE), else the first loaded, else None."""
    return Plan.objects.filter(code=settings.IPCITY_PLAN_CODE).first() or Plan.objects.order_by("id").first()


def current_plan() -> Plan:
    """As find_current_plan, but 404 until a plan is loaded."""
    plan = find_current_plan()
    if plan is None:
        raise Http404("工作方案尚未载入，请联系系统管理员载入工作方案。")
    return plan


def rows_with_departments(plan: Plan) -> QuerySet[Row]:
    return (
        Row.objects.filter(plan=plan)
        .select_related("section__programme")
        .prefetch_related(
            Prefetch(
                "assignments",
                queryset=RowDepartment.objects.select_related("department").order_by("position"),
            ),
            Prefetch("implements", queryset=Task.objects.order_by("programme__position", "position")),
            Prefetch("focus_stages", queryset=Stage.objects.order_by("position")),
        )
    )


def programmes_with_rows(plan: Plan) -> list[Programme]:
    """Programmes with their tasks, sections and rows prefetched, in the plan's order."""
    return list(
        Programme.objects.filter(plan=plan).prefetch_related(
            Prefetch("tasks", queryset=Task.objects.order_by("position").prefetch_related("targets")),
            Prefetch(
                "sections",
                queryset=Section.objects.order_by("position").prefetch_related(
                    Prefetch("rows", queryset=rows_with_departments(plan).order_by("position"))
                ),
            ),
        )
    )


def goals_with_targets(plan: Plan) -> QuerySet[Any]:
    return plan.goals.prefetch_related(Prefetch("targets", queryset=Target.objects.order_by("position")))


def filter_rows(
    plan: Plan,
    *,
    department: Department | None = None,
    role: str = "",
    programme: Programme | None = None,
    stage: Stage | None = None,
    text: str = "",
) -> QuerySet[Row]:
    rows = rows_with_departments(plan)
    if department is not None:
        # One filter() call so that department and role apply to the same assignment.
        lookup: dict[str, Any] = {"assignments__department": department}
        if role:
            lookup["assignments__role"] = role
        rows = rows.filter(**lookup)
    if programme is not None:
        rows = rows.filter(section__programme=programme)
    if stage is not None:
        rows = rows.filter(focus_stages=stage)
    if text:
        rows = rows.filter(text__icontains=text)
    return rows.distinct().order_by("section__programme__position", "section__position", "position")


def departments_in_annex_order(plan: Plan) -> list[Department]:
    """Departments as they first appear in the annex (lead before co within a row)."""
    seen: dict[int, Department] = {}
    for row in rows_with_departments(plan).order_by(
        "section__programme__position", "section__position", "position"
    ):
        for assignment in row.assignments.all():
            seen.setdefault(assignment.department_id, assignment.department)
    return list(seen.values())


def _target_json(target: Target) -> dict[str, Any]:
    return {
        "code": target.code,
        "kind": target.kind,
        "name": target.name,
        "comparison": target.comparison or None,
        "value": str(target.value.normalize()) if target.value is not None else None,
        "min": str(target.min_value.normalize()) if target.min_value is not None else None,
        "max": str(target.max_value.normalize()) if target.max_value is not None else None,
        "unit": target.unit or None,
        "year": target.year,
        "period": target.period or None,
        "quote": target.quote,
    }


def export_plan(plan: Plan) -> dict[str, Any]:
    """The plan as JSON-ready data. The shape is a public contract (docs/cli.md): keep it stable."""
    programmes = programmes_with_rows(plan)
    departments = departments_in_annex_order(plan)
    return {
        "plan": {
            "code": plan.code,
            "title": plan.title,
            "subtitle": plan.subtitle,
            "status": plan.status,
            "period_start": plan.period_start.isoformat(),
            "period_end": plan.period_end.isoformat(),
            "preamble": plan.preamble,
            "guiding": {"clause": plan.guiding_clause, "text": plan.guiding_text},
            "goals_intro": {"clause": plan.goals_clause, "text": plan.goals_intro},
            "source_sha256": plan.source_sha256,
        },
        "goals": [
            {
                "code": goal.code,
                "clause": goal.clause,
                "title": goal.title,
                "text": goal.text,
                "targets": [_target_json(t) for t in goal.targets.all()],
            }
            for goal in goals_with_targets(plan)
        ],
        "programmes": [
            {
                "code": programme.code,
                "clause": programme.clause,
                "numeral": programme.numeral,
                "title": programme.title,
                "tasks": [
                    {
                        "code": task.code,
                        "clause": task.clause,
                        "title": task.title,
                        "text": task.text,
                        "targets": [_target_json(t) for t in task.targets.all()],
                    }
                    for task in programme.tasks.all()
                ],
                "sections": [
                    {
                        "code": section.code,
                        "clause": section.clause,
                        "title": section.title,
                        "rows": [
                            {
                                "code": row.code,
                                "clause": row.clause,
                                "text": row.text,
                                "lead_department": row.lead_department.name,
                                "co_departments": [d.name for d in row.co_departments],
                                "implements": [task.clause for task in row.implements.all()],
                                "focus_stages": [stage.clause for stage in row.focus_stages.all()],
                            }
                            for row in section.rows.all()
                        ],
                    }
                    for section in programme.sections.all()
                ],
            }
            for programme in programmes
        ],
        "stages": [
            {
                "code": stage.code,
                "clause": stage.clause,
                "name": stage.name,
                "start": stage.start.isoformat(),
                "end": stage.end.isoformat(),
                "text": stage.text,
            }
            for stage in plan.stages.order_by("position")
        ],
        "safeguards": [
            {"code": s.code, "clause": s.clause, "title": s.title, "text": s.text}
            for s in plan.safeguards.order_by("position")
        ],
        "departments": [d.name for d in departments],
        "department_details": [
            {
                "code": d.code,
                "name": d.name,
                "full_name": d.full_name,
                "kind": d.kind,
                "is_lead_ip_authority": d.is_lead_ip_authority,
            }
            for d in departments
        ],
    }
