"""Every action the platform can record, every object type and every field has a Chinese label in
the audit log (core.audit_labels). The actions are found by reading the code: the literal actions of
`record_event` calls, the prefixes of `upsert`/`delete_audited`, the workflow tables, and each
action built from a template, which must be one of the templates this test knows how to expand."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib import admin
from django.db import models

import ipcity
from ipcity.core.admin_audit import AuditedAdmin
from ipcity.core.audit_labels import action_label, field_label, object_type_label, value_text
from ipcity.core.workflow import WORKFLOWS
from ipcity.registry.importers import KINDS

SOURCE = Path(ipcity.__file__).parent
CJK = re.compile(r"[\u4e00-\u9fff]")
LATIN = re.compile(r"[a-z_]")  # acronyms (PCT, IPC, SHA-256) are names, not codes


def _strings(node: ast.AST | None) -> list[str] | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        body, orelse = _strings(node.body), _strings(node.orelse)
        return body + orelse if body is not None and orelse is not None else None
    return None


def _scan() -> tuple[set[str], set[str], set[tuple[str, str]], set[str], set[str]]:
    """(literal actions, templates, (upsert/delete prefix, verb), object types, before/after keys)."""
    actions: set[str] = set()
    templates: set[str] = set()
    prefixes: set[tuple[str, str]] = set()
    object_types: set[str] = set()
    keys: set[str] = set()
    for path in SOURCE.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts or path.name == "test.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
            kw = {k.arg: k.value for k in node.keywords}
            if name == "record_event" and path.name != "audit.py":
                arg = node.args[1] if len(node.args) > 1 else kw.get("action")
                found = _strings(arg)
                if found is None:
                    templates.add(f"{path.relative_to(SOURCE)}: {ast.unparse(arg)}")  # type: ignore[arg-type]
                else:
                    actions.update(found)
                object_types.update(_strings(kw.get("object_type")) or [])
            if name in ("upsert", "delete_audited") and "action_prefix" in kw:
                found = _strings(kw["action_prefix"])
                verbs = ("create", "update") if name == "upsert" else ("delete",)
                if found is None:
                    templates.add(f"{path.relative_to(SOURCE)}: {name} {ast.unparse(kw['action_prefix'])}")
                else:
                    prefixes.update((p, v) for p in found for v in verbs)
            if name in ("record_event", "move"):
                for key in ("before", "after", "audit_before", "audit_after"):
                    value = kw.get(key)
                    if isinstance(value, ast.Dict):
                        keys.update(
                            k.value
                            for k in value.keys
                            if isinstance(k, ast.Constant) and isinstance(k.value, str)
                        )
    return actions, templates, prefixes, object_types, keys


def _plans_models() -> list[type[models.Model]]:
    return list(apps.get_app_config("plans").get_models())


# Each action built from a template, and every action it can build.
TEMPLATES = {
    # core.workflow.move: <audit_prefix>.<action>[.<decision>] of every registered table
    "core/workflow.py: f'{self.audit_prefix}.{name}' + (f'.{decision}' if decision else '')": lambda: {
        f"{w.audit_prefix}.{a.name}" + (f".{d}" if d else "")
        for w in WORKFLOWS.values()
        for a in w.actions.values()
        for d in (a.decisions or [""])
    },
    # the admin's saves and deletes of every audited model
    "core/admin_audit.py: f\"{label}.{('update' if change else 'create')}\"": lambda: {
        f"{m._meta.model_name}.{v}"
        for m, a in admin.site._registry.items()
        if isinstance(a, AuditedAdmin)
        for v in ("create", "update")
    },
    "core/admin_audit.py: f'{obj._meta.model_name}.delete'": lambda: {
        f"{m._meta.model_name}.delete" for m, a in admin.site._registry.items() if isinstance(a, AuditedAdmin)
    },
    # contacts of departments and regions
    "core/services.py: f'{obj._meta.model_name}.contacts.update'": lambda: {
        "department.contacts.update",
        "region.contacts.update",
    },
    # the plan loader: every plan model, and its many-to-many fields
    "plans/services.py: upsert label": lambda: {
        f"{m._meta.model_name}.{v}" for m in _plans_models() for v in ("create", "update")
    },
    "plans/services.py: delete_audited label": lambda: {
        f"{m._meta.model_name}.delete" for m in _plans_models()
    },
    "plans/services.py: f'{obj._meta.model_name}.{field}.update'": lambda: {
        f"{m._meta.model_name}.{f.name}.update" for m in _plans_models() for f in m._meta.many_to_many
    },
    # registry imports of every kind
    "registry/importers/engine.py: f'registry.import.{spec.kind}'": lambda: {
        f"registry.import.{k}" for k in KINDS
    },
}


def _all_actions() -> set[str]:
    actions, templates, prefixes, _types, _keys = _scan()
    unknown = templates - set(TEMPLATES)
    assert not unknown, f"an action built from a template this test cannot expand: {sorted(unknown)}"
    expanded = {code for template in templates for code in TEMPLATES[template]()}
    return actions | expanded | {f"{p}.{v}" for p, v in prefixes}


def _reads_in_chinese(label: str) -> bool:
    return bool(CJK.search(label)) and not LATIN.search(label)


def test_every_action_the_code_can_record_has_a_chinese_label() -> None:
    actions = _all_actions()
    assert len(actions) > 150
    missing = sorted(a for a in actions if not _reads_in_chinese(action_label(a)))
    assert not missing, f"actions without a Chinese label (core/audit_labels.py): {missing}"


def test_workflow_actions_are_named_by_their_tables() -> None:
    assert action_label("grant_application.district_review.return") == "区市初审：退回修改"
    assert action_label("grant_application.submit") == "提交申请"
    assert action_label("supervision.escalation.follow_up.interview") == "跟进：约谈"
    assert action_label("reviewitem.resolve") == "确认机构"
    undecided = [
        f"{w.audit_prefix}.{a.name}.{d}"
        for w in WORKFLOWS.values()
        for a in w.actions.values()
        for d, outcome in a.decisions.items()
        if not outcome.label
    ]
    assert not undecided, f"decisions without a label in their table: {undecided}"


def test_every_object_type_and_field_has_a_chinese_label() -> None:
    _actions, _templates, _prefixes, object_types, keys = _scan()
    ours = [m for m in apps.get_models() if m.__module__.startswith("ipcity.")]
    types = object_types | {m._meta.label_lower for m in ours}
    assert not [t for t in types if not _reads_in_chinese(object_type_label(t))]
    fields = [
        (m._meta.label_lower, f.name)
        for m in ours
        for f in m._meta.get_fields()
        if isinstance(f, models.Field) and not f.auto_created
    ]
    missing = [(t, f) for t, f in fields if not _reads_in_chinese(field_label(t, f))]
    assert not missing, f"fields without a Chinese label: {missing}"
    # Keys written into before/after that are not the object's fields.
    missing_keys = sorted(k for k in keys if not _reads_in_chinese(field_label("", k)))
    assert not missing_keys, f"audit keys without a Chinese label (core/audit_labels.FIELDS): {missing_keys}"


@pytest.mark.django_db
def test_values_read_as_labels() -> None:
    assert value_text("grants.application", "status", "approved") == "已核定，待兑现"
    assert (
        value_text("grants.entitlement", "facts", {"award_level": "patent_excellence"})
        == "奖项等级：中国专利优秀奖"
    )
    assert value_text("grants.application", "item_code", "foreign_litigation") == "涉外知识产权诉讼胜诉补贴"
    assert value_text("core.dataset", "is_demo", True) == "是"
    assert (
        value_text(
            "grants.application", "decision", "return", action="grant_application.district_review.return"
        )
        == "退回修改"
    )
    assert (
        value_text("supervision.flagrecord", "changes", [{"colour": "red", "change": "create"}])
        == "（颜色：红；变更：新建）"
    )
    assert value_text("indicators.survey", "group", "right_holders") == "权利人"
    assert field_label("plans.plan", "row departments") == "分工任务的责任部门"
