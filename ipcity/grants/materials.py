"""Which of the named materials of an item's 申兑指南 an application has, and what is missing.

The item lists its materials (policy `Item.materials`): a kind of file the applicant uploads — each
needs one file at least (an ApplicationMaterial whose label is the kind's name) —, a record the
platform compares itself, or the payee account of the organisation's 一企一档. The `submit` action
of workflows.py is refused while anything is missing (`submit_refusal`); the application page shows
the checklist to the applicant and the missing ones to every reviewer."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from ipcity.grants.evaluation import item_or_none
from ipcity.grants.models import Application, ApplicationMaterial
from ipcity.policy.engine import Item
from ipcity.policy.engine.catalog import MATERIAL_PAYEE_ACCOUNT, MATERIAL_UPLOAD


@dataclass(frozen=True)
class MaterialCheck:
    name: str
    by: str  # upload | platform | payee_account (policy.engine.catalog)
    text: str  # as the guide writes it
    present: bool
    files: list[ApplicationMaterial] = field(default_factory=list)


def material_checklist(
    app: Application, item: Item, files: Iterable[ApplicationMaterial] | None = None
) -> list[MaterialCheck]:
    """One row per material the item names; `files` are the application's materials when the
    caller has them already (else they are read)."""
    uploaded = list(app.materials.select_related("attachment") if files is None else files)
    checks = []
    for material in item.materials:
        mine = [f for f in uploaded if f.label == material.name] if material.by == MATERIAL_UPLOAD else []
        if material.by == MATERIAL_UPLOAD:
            present = bool(mine)
        elif material.by == MATERIAL_PAYEE_ACCOUNT:
            present = app.organisation.has_payee_account
        else:  # the platform compares the registry itself
            present = True
        checks.append(MaterialCheck(material.name, material.by, material.text, present, mine))
    return checks


def missing_materials(checks: Iterable[MaterialCheck]) -> list[MaterialCheck]:
    return [check for check in checks if not check.present]


def missing_text(missing: list[MaterialCheck]) -> str:
    """What is missing, in one Chinese sentence (empty when nothing is)."""
    parts = []
    files = [c.name for c in missing if c.by == MATERIAL_UPLOAD]
    if files:
        parts.append(f"尚缺申报材料：{'、'.join(files)}（每种至少上传一份文件）")
    if any(c.by == MATERIAL_PAYEE_ACCOUNT for c in missing):
        parts.append("尚未在一企一档登记收款账户（银行账户信息：户名、开户行、账号）")
    return "；".join(parts)


def submit_refusal(app: Application, today: dt.date) -> str | None:
    """The condition of `submit`: every named material present (and, for an item that names no
    file, one file at least)."""
    item = item_or_none(app.item_code)
    if item is None:
        return None  # the service refuses an item gone from the catalog
    checks = material_checklist(app, item)
    missing = missing_materials(checks)
    if missing:
        return missing_text(missing) + "，补齐后才能提交"
    if not item.upload_materials and not app.materials.exists():
        return "请至少上传一份申报材料后再提交"
    return None
