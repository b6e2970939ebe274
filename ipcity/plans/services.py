"""Loading a plan data file into the database: validate everything first, then one transaction
that upserts by stable code, removes what the file no longer has, and audits every change."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import models, transaction

from ipcity.core.audit import Actor, delete_audited, record_event, upsert
from ipcity.core.models import Department
from ipcity.core.services import LoadResult, mark_dataset
from ipcity.lib.datafile import DataFileError, load_data_file
from ipcity.plans.choices import DepartmentRole
from ipcity.plans.models import (
    Goal,
    Plan,
    Programme,
    Row,
    RowDepartment,
    Safeguard,
    Section,
    Stage,
    Target,
    Task,
)
from ipcity.plans.schema import PLAN_SCHEMA


@dataclass(frozen=True)
class PlanFile:
    path: Path
    data: dict[str, Any]
    checksum: str


def read_plan_file(path: str | Path) -> PlanFile:
    """Parse and validate a plan file (schema and cross-references). Writes nothing."""
    file = Path(path)
    data, checksum = load_data_file(file, PLAN_SCHEMA)
    check_plan(data, file=file, department_names=set(Department.objects.values_list("name", flat=True)))
    return PlanFile(path=file, data=data, checksum=checksum)


def check_plan(data: dict[str, Any], *, file: Path, department_names: set[str]) -> None:
    """Cross-reference checks the JSON schema cannot express. Raises DataFileError."""

    def fail(path: str, reason: str) -> None:
        raise DataFileError(file, path, reason)

    plan = data["plan"]
    if plan["period_start"] > plan["period_end"]:
        fail("plan.period_end", "截止日期早于起始日期")
    seen: dict[str, dict[str, str]] = {}

    def unique(kind: str, code: str, path: str) -> None:
        bucket = seen.setdefault(kind, {})
        if code in bucket:
            fail(path, f"代码 {code} 重复（首次出现于 {bucket[code]}）")
        bucket[code] = path

    def check_targets(targets: list[dict[str, Any]], path: str) -> None:
        for t_index, target in enumerate(targets):
            t_path = f"{path}.targets[{t_index}]"
            unique("target", target["code"], t_path)
            if target.get("comparison") == "range" and Decimal(target["min"]) > Decimal(target["max"]):
                fail(f"{t_path}.min", "区间下限大于上限")

    for g_index, goal in enumerate(data["goals"]):
        path = f"goals[{g_index}]"
        unique("goal", goal["code"], f"{path}.code")
        unique("goal clause", goal["clause"], f"{path}.clause")
        check_targets(goal["targets"], path)

    task_clauses: set[str] = set()
    for p_index, programme in enumerate(data["programmes"]):
        p_path = f"programmes[{p_index}]"
        unique("programme", programme["code"], f"{p_path}.code")
        if programme["clause"] != f"二({programme['numeral']})":
            fail(f"{p_path}.clause", f"条款 {programme['clause']} 与序号 {programme['numeral']} 不一致")
        for t_index, task in enumerate(programme["tasks"]):
            t_path = f"{p_path}.tasks[{t_index}]"
            unique("task", task["code"], f"{t_path}.code")
            if not task["clause"].startswith(programme["clause"]):
                fail(f"{t_path}.clause", f"条款 {task['clause']} 不属于 {programme['clause']}")
            unique("task clause", task["clause"], f"{t_path}.clause")
            task_clauses.add(task["clause"])
            check_targets(task.get("targets", []), t_path)
    for p_index, programme in enumerate(data["programmes"]):
        p_path = f"programmes[{p_index}]"
        annex_prefix = f"附件{programme['numeral']}("
        for s_index, section in enumerate(programme["sections"]):
            s_path = f"{p_path}.sections[{s_index}]"
            unique("section", section["code"], f"{s_path}.code")
            if not section["clause"].startswith(annex_prefix):
                fail(f"{s_path}.clause", f"条款 {section['clause']} 不属于 附件{programme['numeral']}")
            for r_index, row in enumerate(section["rows"]):
                r_path = f"{s_path}.rows[{r_index}]"
                unique("row", row["code"], f"{r_path}.code")
                unique("row clause", row["clause"], f"{r_path}.clause")
                if not re.fullmatch(re.escape(section["clause"]) + r"[0-9]*", row["clause"]):
                    fail(f"{r_path}.clause", f"条款 {row['clause']} 不属于栏目 {section['clause']}")
                for d_index, name in enumerate(row["departments"]):
                    if name not in department_names:
                        fail(
                            f"{r_path}.departments[{d_index}]",
                            f"未知的责任部门“{name}”（请先载入 data/reference/departments.yaml 或在其中补充）",
                        )
                for i_index, clause in enumerate(row["implements"]):
                    if clause not in task_clauses:
                        fail(f"{r_path}.implements[{i_index}]", f"正文中没有条款 {clause}")
    row_codes = seen.get("row", {})
    for st_index, stage in enumerate(data["stages"]):
        st_path = f"stages[{st_index}]"
        unique("stage", stage["code"], f"{st_path}.code")
        if stage["start"] > stage["end"]:
            fail(f"{st_path}.end", "阶段结束日期早于开始日期")
        for f_index, code in enumerate(stage.get("focus_rows", [])):
            if code not in row_codes:
                fail(f"{st_path}.focus_rows[{f_index}]", f"分工表中没有任务 {code}")
    for sg_index, safeguard in enumerate(data["safeguards"]):
        unique("safeguard", safeguard["code"], f"safeguards[{sg_index}].code")


def _date(value: str) -> dt.date:
    return dt.date.fromisoformat(value)


def _decimal(value: str | None) -> Decimal | None:
    return Decimal(value) if value is not None else None


class _Loader:
    """State of one load: the plan, what was kept, and the counts."""

    def __init__(self, plan_file: PlanFile, actor: Actor) -> None:
        self.file = plan_file
        self.data = plan_file.data
        self.actor = actor
        self.result = LoadResult()
        self.kept: dict[type[models.Model], set[int]] = {}

    def put(self, model: type[models.Model], label: str, code: str, values: dict[str, Any]) -> Any:
        obj, status = upsert(
            model, key={"plan": self.plan, "code": code}, values=values, actor=self.actor, action_prefix=label
        )
        self.kept.setdefault(model, set()).add(obj.pk)
        self.result.add(label, status)
        return obj

    def run(self) -> LoadResult:
        head = self.data["plan"]
        self.plan, status = upsert(
            Plan,
            key={"code": head["code"]},
            values={
                "title": head["title"],
                "subtitle": head.get("subtitle", ""),
                "status": head.get("status", ""),
                "period_start": _date(head["period_start"]),
                "period_end": _date(head["period_end"]),
                "preamble": head.get("preamble", ""),
                "guiding_clause": head["guiding"]["clause"],
                "guiding_text": head["guiding"]["text"],
                "goals_clause": head["goals_intro"]["clause"],
                "goals_intro": head["goals_intro"]["text"],
                "source_file": self.file.path.name,
                "source_sha256": self.file.checksum,
            },
            actor=self.actor,
            action_prefix="plan",
        )
        self.result.add("plan", status)
        target_position = 0
        for position, goal_data in enumerate(self.data["goals"]):
            goal = self.put(
                Goal,
                "goal",
                goal_data["code"],
                {
                    "clause": goal_data["clause"],
                    "title": goal_data["title"],
                    "text": goal_data["text"],
                    "position": position,
                },
            )
            for target_data in goal_data["targets"]:
                self._put_target(target_data, goal=goal, task=None, position=target_position)
                target_position += 1
        tasks_by_clause: dict[str, Task] = {}
        rows_by_code: dict[str, Row] = {}
        departments = {d.name: d for d in Department.objects.all()}
        for p_position, p_data in enumerate(self.data["programmes"]):
            programme = self.put(
                Programme,
                "programme",
                p_data["code"],
                {
                    "clause": p_data["clause"],
                    "numeral": p_data["numeral"],
                    "title": p_data["title"],
                    "position": p_position,
                },
            )
            for t_position, t_data in enumerate(p_data["tasks"]):
                task = self.put(
                    Task,
                    "task",
                    t_data["code"],
                    {
                        "programme": programme,
                        "clause": t_data["clause"],
                        "title": t_data["title"],
                        "text": t_data["text"],
                        "position": t_position,
                    },
                )
                tasks_by_clause[task.clause] = task
                for target_data in t_data.get("targets", []):
                    self._put_target(target_data, goal=None, task=task, position=target_position)
                    target_position += 1
        for p_data in self.data["programmes"]:
            programme = Programme.objects.get(plan=self.plan, code=p_data["code"])
            for s_position, s_data in enumerate(p_data["sections"]):
                section = self.put(
                    Section,
                    "section",
                    s_data["code"],
                    {
                        "programme": programme,
                        "clause": s_data["clause"],
                        "title": s_data["title"],
                        "position": s_position,
                    },
                )
                for r_position, r_data in enumerate(s_data["rows"]):
                    row = self.put(
                        Row,
                        "row",
                        r_data["code"],
                        {
                            "section": section,
                            "clause": r_data["clause"],
                            "text": r_data["text"],
                            "position": r_position,
                        },
                    )
                    rows_by_code[row.code] = row
                    self._sync_departments(row, [departments[name] for name in r_data["departments"]])
                    self._sync_m2m(
                        row, "implements", [tasks_by_clause[c] for c in r_data["implements"]], "clause"
                    )
        for position, st_data in enumerate(self.data["stages"]):
            stage = self.put(
                Stage,
                "stage",
                st_data["code"],
                {
                    "clause": st_data["clause"],
                    "name": st_data["name"],
                    "start": _date(st_data["start"]),
                    "end": _date(st_data["end"]),
                    "text": st_data["text"],
                    "position": position,
                },
            )
            self._sync_m2m(
                stage, "focus_rows", [rows_by_code[c] for c in st_data.get("focus_rows", [])], "code"
            )
        for position, sg_data in enumerate(self.data["safeguards"]):
            self.put(
                Safeguard,
                "safeguard",
                sg_data["code"],
                {
                    "clause": sg_data["clause"],
                    "title": sg_data["title"],
                    "text": sg_data["text"],
                    "position": position,
                },
            )
        # Remove what the file no longer contains, leaves first so each removal is audited.
        for model, label in [
            (Target, "target"),
            (Row, "row"),
            (Section, "section"),
            (Task, "task"),
            (Goal, "goal"),
            (Programme, "programme"),
            (Stage, "stage"),
            (Safeguard, "safeguard"),
        ]:
            stale = model._default_manager.filter(plan=self.plan).exclude(pk__in=self.kept.get(model, set()))
            for obj in stale:
                delete_audited(
                    obj,
                    actor=self.actor,
                    action_prefix=label,
                    fields=["code", "clause"] if label != "target" else ["code", "name"],
                )
                self.result.add(label, "deleted")
        mark_dataset(
            code=f"plan-{self.plan.code}",
            name=self.plan.title,
            is_demo=False,
            source=self.file.path.name,
            checksum=self.file.checksum,
            actor=self.actor,
        )
        if self.result.changed:
            record_event(
                self.actor,
                "plan.load",
                obj=self.plan,
                after={
                    "file": self.file.path.name,
                    "sha256": self.file.checksum,
                    "counts": self.result.counts,
                },
            )
        return self.result

    def _put_target(self, t: dict[str, Any], *, goal: Goal | None, task: Task | None, position: int) -> None:
        self.put(
            Target,
            "target",
            t["code"],
            {
                "goal": goal,
                "task": task,
                "kind": t["kind"],
                "name": t["name"],
                "comparison": t.get("comparison", ""),
                "value": _decimal(t.get("value")),
                "min_value": _decimal(t.get("min")),
                "max_value": _decimal(t.get("max")),
                "unit": t.get("unit", ""),
                "year": t.get("year"),
                "period": t.get("period", ""),
                "quote": t["quote"],
                "position": position,
            },
        )

    def _sync_departments(self, row: Row, wanted: list[Department]) -> None:
        current = list(row.assignments.order_by("position").select_related("department"))
        if [a.department_id for a in current] == [d.pk for d in wanted]:
            return
        row.assignments.all().delete()
        RowDepartment.objects.bulk_create(
            RowDepartment(
                row=row,
                department=department,
                role=DepartmentRole.LEAD if position == 0 else DepartmentRole.CO,
                position=position,
            )
            for position, department in enumerate(wanted)
        )
        record_event(
            self.actor,
            "row.departments.update",
            obj=row,
            before={"departments": [a.department.name for a in current]},
            after={"departments": [d.name for d in wanted]},
        )
        self.result.add("row departments", "updated")

    def _sync_m2m(self, obj: models.Model, field: str, wanted: list[Any], label_attr: str) -> None:
        manager = getattr(obj, field)
        current = list(manager.all())
        if {o.pk for o in current} == {o.pk for o in wanted}:
            return
        manager.set(wanted)
        record_event(
            self.actor,
            f"{obj._meta.model_name}.{field}.update",
            obj=obj,
            before={field: sorted(getattr(o, label_attr) for o in current)},
            after={field: sorted(getattr(o, label_attr) for o in wanted)},
        )
        self.result.add(f"{obj._meta.model_name} {field}", "updated")


def load_plan(plan_file: PlanFile, *, actor: Actor) -> LoadResult:
    with transaction.atomic():
        return _Loader(plan_file, actor).run()


def load_plan_file(path: str | Path, *, actor: Actor) -> LoadResult:
    """Validate the whole file, then load it in one transaction. A bad file writes nothing."""
    return load_plan(read_plan_file(path), actor=actor)
