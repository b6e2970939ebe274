"""Pages of the plan: programmes, task rows, departments, stages, and the Excel task table.

The plan is a published document: every page here is readable by everyone (permissions.can_view_plan).
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from ipcity.accounts.permissions import can_edit_department, can_view_department_contacts
from ipcity.core.models import Department
from ipcity.lib.excel import xlsx_response
from ipcity.plans.choices import DepartmentRole
from ipcity.plans.exports import task_table_workbook
from ipcity.plans.forms import RowFilterForm
from ipcity.plans.models import Programme, Stage
from ipcity.plans.selectors import (
    current_plan,
    departments_in_annex_order,
    filter_rows,
    goals_with_targets,
    programmes_with_rows,
    rows_with_departments,
)


@require_GET
def overview(request: HttpRequest) -> HttpResponse:
    plan = current_plan()
    return render(
        request,
        "plans/overview.html",
        {
            "plan": plan,
            "goals": goals_with_targets(plan),
            "programmes": programmes_with_rows(plan),
            "stages": plan.stages.order_by("position"),
            "safeguards": plan.safeguards.order_by("position"),
        },
    )


@require_GET
def programme_detail(request: HttpRequest, code: str) -> HttpResponse:
    plan = current_plan()
    programmes = programmes_with_rows(plan)
    programme = next((p for p in programmes if p.code == code), None)
    if programme is None:
        programme = get_object_or_404(Programme, plan=plan, code=code)  # raises 404
    return render(
        request,
        "plans/programme_detail.html",
        {"plan": plan, "programme": programme, "programmes": programmes},
    )


@require_GET
def row_list(request: HttpRequest) -> HttpResponse:
    plan = current_plan()
    form = RowFilterForm(request.GET or None, plan=plan)
    filters = form.cleaned_data if form.is_valid() else {}
    rows = list(
        filter_rows(
            plan,
            department=filters.get("department"),
            role=filters.get("role", ""),
            programme=filters.get("programme"),
            stage=filters.get("stage"),
            text=filters.get("q", ""),
        )
    )
    if request.GET.get("format") == "xlsx":
        return xlsx_response(task_table_workbook(plan, rows), "烟台市建设国家知识产权强市工作任务分工表.xlsx")
    template = "plans/_row_table.html" if request.headers.get("HX-Request") else "plans/row_list.html"
    return render(
        request, template, {"plan": plan, "form": form, "rows": rows, "query": request.GET.urlencode()}
    )


@require_GET
def row_detail(request: HttpRequest, code: str) -> HttpResponse:
    plan = current_plan()
    row = get_object_or_404(rows_with_departments(plan), code=code)
    stages = plan.stages.order_by("position")
    return render(request, "plans/row_detail.html", {"plan": plan, "row": row, "stages": stages})


@require_GET
def department_list(request: HttpRequest) -> HttpResponse:
    plan = current_plan()
    departments = departments_in_annex_order(plan)
    counts: dict[int, dict[str, int]] = {}
    for row in rows_with_departments(plan):
        for assignment in row.assignments.all():
            bucket = counts.setdefault(assignment.department_id, {"lead": 0, "co": 0})
            bucket[assignment.role] += 1
    items = [(d, counts.get(d.pk, {"lead": 0, "co": 0})) for d in departments]
    return render(request, "plans/department_list.html", {"plan": plan, "items": items})


@require_GET
def department_detail(request: HttpRequest, code: str) -> HttpResponse:
    plan = current_plan()
    department = get_object_or_404(Department, code=code)
    rows = rows_with_departments(plan).filter(assignments__department=department).distinct()
    lead_rows = [r for r in rows if r.lead_department == department]
    co_rows = [r for r in rows if r.lead_department != department]
    return render(
        request,
        "plans/department_detail.html",
        {
            "plan": plan,
            "department": department,
            "lead_rows": lead_rows,
            "co_rows": co_rows,
            "can_edit": can_edit_department(request.user, department),
            "show_contacts": can_view_department_contacts(request.user),
            "lead_role": DepartmentRole.LEAD,
        },
    )


@require_GET
def stage_detail(request: HttpRequest, code: str) -> HttpResponse:
    plan = current_plan()
    stage = get_object_or_404(Stage, plan=plan, code=code)
    rows = rows_with_departments(plan).filter(focus_stages=stage)
    return render(
        request,
        "plans/stage_detail.html",
        {"plan": plan, "stage": stage, "rows": rows, "stages": plan.stages.order_by("position")},
    )


@require_GET
def task_table_xlsx(request: HttpRequest) -> HttpResponse:
    plan = current_plan()
    return xlsx_response(task_table_workbook(plan), "烟台市建设国家知识产权强市工作任务分工表.xlsx")
