"""The demo data set: the plan, the reference data and synthetic users/organisations for every role.

Loaded through the same services as real data; idempotent; marked as demo so the UI says so.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction

from ipcity.accounts.services import upsert_user
from ipcity.core.audit import Actor
from ipcity.core.models import Department, Region
from ipcity.core.services import load_reference_data, mark_dataset
from ipcity.lib.datafile import DataFileError, load_data_file
from ipcity.plans.services import load_plan_file
from ipcity.registry.models import Organisation
from ipcity.registry.services import bind_user_to_organisation, upsert_organisation

PLAN_FILE = settings.DATA_DIR / "plans" / "yantai-2022-2024.yaml"
DEMO_ACCOUNTS_FILE = settings.DATA_DIR / "demo" / "accounts.yaml"

DEMO_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["schema_version", "password", "organisations", "users"],
    "additionalProperties": False,
    "properties": {
        "schema_version": {"const": 1},
        "password": {"type": "string", "minLength": 10},
        "organisations": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["name", "uscc", "kind", "region"],
                "additionalProperties": False,
                "properties": {
                    "name": {"type": "string"},
                    "uscc": {"type": "string"},
                    "kind": {"type": "string"},
                    "region": {"type": "string"},
                    "address": {"type": "string"},
                },
            },
        },
        "users": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["username", "display_name", "role"],
                "additionalProperties": False,
                "properties": {
                    "username": {"type": "string", "pattern": "^[a-z][a-z0-9-]*$"},
                    "display_name": {"type": "string"},
                    "role": {
                        "enum": ["city_admin", "dept_liaison", "district_officer", "applicant", "agency"]
                    },
                    "staff": {"type": "boolean"},
                    "department": {"type": "string"},
                    "region": {"type": "string"},
                    "organisation": {"type": "string"},
                },
            },
        },
    },
}


@dataclass
class DemoLogin:
    username: str
    role: str
    acts_for: str


def load_demo(
    *, actor: Actor, plan_file: Path = PLAN_FILE, accounts_file: Path = DEMO_ACCOUNTS_FILE
) -> tuple[list[DemoLogin], str]:
    """Load reference data, the plan, and the demo accounts. Returns (logins, password)."""
    load_reference_data(actor=actor)
    load_plan_file(plan_file, actor=actor)
    return _load_accounts(accounts_file, actor=actor)


def load_full_demo(
    *, actor: Actor, patents: int = 20000, seed: int = 2024, step: Callable[[str], None] = lambda _label: None
) -> tuple[list[DemoLogin], str]:
    """Everything `make run` shows: the base demo, a synthetic registry loaded through the real
    importers, indicator data and snapshots, a supervision history and reward applications.

    Each part is idempotent; `step` is told which part starts (for progress output).
    """
    from ipcity.grants.demo import load_grants_demo
    from ipcity.indicators.demo import load_indicator_demo
    from ipcity.registry.demo import load_registry_demo
    from ipcity.supervision.demo import load_supervision_demo

    step("方案、基础数据与演示账号")
    logins, password = load_demo(actor=actor)
    step(f"知识产权数据（{patents} 件专利，经导入程序载入）")
    load_registry_demo(actor=actor, patents=patents, seed=seed)
    step("指标数据与 2021–2024 年指标快照")
    load_indicator_demo(actor=actor, seed=seed)
    step("督查督办：任务分解与进展历史")
    load_supervision_demo(actor=actor)
    step("奖补：预算、申报与免申即享")
    load_grants_demo(actor=actor)
    return logins, password


@transaction.atomic
def _load_accounts(path: Path, *, actor: Actor) -> tuple[list[DemoLogin], str]:
    data, checksum = load_data_file(path, DEMO_SCHEMA)
    regions = {r.code: r for r in Region.objects.all()}
    departments = {d.name: d for d in Department.objects.all()}
    orgs: dict[str, Organisation] = {}
    for index, item in enumerate(data["organisations"]):
        region = regions.get(item["region"])
        if region is None:
            raise DataFileError(path, f"organisations[{index}].region", f"未知的区市代码 {item['region']}")
        org, _status = upsert_organisation(
            actor=actor,
            name=item["name"],
            values={
                "uscc": item["uscc"],
                "kind": item["kind"],
                "region": region,
                "address": item.get("address", ""),
                "is_demo": True,
            },
        )
        orgs[org.name] = org
    logins = []
    for index, item in enumerate(data["users"]):
        department = departments.get(item["department"]) if "department" in item else None
        region = regions.get(item["region"]) if "region" in item else None
        if "department" in item and department is None:
            raise DataFileError(path, f"users[{index}].department", f"未知的部门 {item['department']}")
        if "region" in item and region is None:
            raise DataFileError(path, f"users[{index}].region", f"未知的区市代码 {item['region']}")
        staff = item.get("staff", False)
        user, _status = upsert_user(
            item["username"],
            actor=actor,
            role=item["role"],
            display_name=item["display_name"],
            department=department,
            region=region,
            password=data["password"],
            is_staff=staff,
            is_superuser=staff,
        )
        acts_for = ""
        if "organisation" in item:
            member_of = orgs.get(item["organisation"])
            if member_of is None:
                raise DataFileError(
                    path, f"users[{index}].organisation", f"未知的机构 {item['organisation']}"
                )
            bind_user_to_organisation(user, member_of, actor=actor)
            acts_for = member_of.name
        logins.append(
            DemoLogin(user.username, user.get_role_display(), acts_for or str(department or region or "全市"))
        )
    mark_dataset(
        code="demo", name="演示数据（合成）", is_demo=True, source=path.name, checksum=checksum, actor=actor
    )
    return logins, data["password"]
