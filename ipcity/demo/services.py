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

from ipcity.accounts.backends import DEMO_ACCOUNTS_FILE
from ipcity.accounts.models import User
from ipcity.accounts.services import upsert_user
from ipcity.core.audit import Actor
from ipcity.core.models import DataSet, Department, Region
from ipcity.core.services import load_reference_data, mark_dataset
from ipcity.lib.datafile import DataFileError, load_data_file
from ipcity.plans.services import load_plan_file
from ipcity.registry.models import Organisation, Patent
from ipcity.registry.services import bind_user_to_organisation, upsert_organisation

PLAN_FILE = settings.DATA_DIR / "plans" / "yantai-2022-2024.yaml"

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
                        "enum": [
                            "city_admin",
                            "dept_liaison",
                            "district_officer",
                            "applicant",
                            "agency",
                            "platform",
                        ]
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


class DemoRefused(Exception):
    """The database holds data that is not demo data: the demo set is not loaded into it."""


def non_demo_data(accounts_file: Path = DEMO_ACCOUNTS_FILE) -> list[str]:
    """What in this database is not demo data, one Chinese line per kind (empty: safe to load).

    Demo data is: the users of the demo accounts file, organisations flagged `is_demo`, and
    patents once the registry demo set is marked loaded. The plan and the reference data are
    loaded from reviewed files by the demo loader itself and are not counted.
    """
    data, _checksum = load_data_file(accounts_file, DEMO_SCHEMA)
    demo_usernames = {item["username"] for item in data["users"]}

    def line(label: str, names: list[str], total: int) -> str:
        shown = "、".join(names[:5]) + ("等" if total > 5 else "")
        return f"{label} {total} 个（{shown}）"

    found = []
    users = User.objects.exclude(username__in=demo_usernames).order_by("username")
    if users.exists():
        found.append(line("用户", list(users.values_list("username", flat=True)[:5]), users.count()))
    organisations = Organisation.objects.filter(is_demo=False).order_by("name")
    if organisations.exists():
        names = list(organisations.values_list("name", flat=True)[:5])
        found.append(line("机构", names, organisations.count()))
    if Patent.objects.exists() and not DataSet.objects.filter(code="registry-demo", is_demo=True).exists():
        patents = Patent.objects.order_by("application_number")
        found.append(
            line("专利", list(patents.values_list("application_number", flat=True)[:5]), patents.count())
        )
    return found


def refuse_unless_demo_database(accounts_file: Path = DEMO_ACCOUNTS_FILE) -> None:
    found = non_demo_data(accounts_file)
    if found:
        raise DemoRefused(
            "数据库中已有非演示数据，演示数据只能载入空数据库或演示数据库，未写入任何数据。发现："
            + "；".join(found)
            + "。演示请另用一个数据库（DATABASE_URL，或 SQLite 时另设 IPCITY_VAR_DIR）。"
        )


@dataclass
class DemoLogin:
    username: str
    role: str
    acts_for: str


def load_demo(
    *, actor: Actor, plan_file: Path = PLAN_FILE, accounts_file: Path = DEMO_ACCOUNTS_FILE
) -> tuple[list[DemoLogin], str]:
    """Load reference data, the plan, and the demo accounts. Returns (logins, password).

    Refused (DemoRefused, nothing written) on a database that holds anything but demo data."""
    refuse_unless_demo_database(accounts_file)
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
    from ipcity.market.demo import load_market_demo
    from ipcity.portal.demo import load_portal_demo
    from ipcity.protection.demo import load_protection_demo
    from ipcity.registry.demo import load_registry_demo
    from ipcity.reports.demo import load_reports_demo
    from ipcity.supervision.demo import load_supervision_demo
    from ipcity.support.demo import load_support_demo

    step("方案、基础数据与演示账号")
    logins, password = load_demo(actor=actor)
    step(f"知识产权数据（{patents} 件专利，经导入程序载入）")
    load_registry_demo(actor=actor, patents=patents, seed=seed)
    step("服务支撑：专家库与培训")
    load_support_demo(actor=actor)
    step("指标数据与 2021–2024 年指标快照")
    load_indicator_demo(actor=actor, seed=seed)
    step("督查督办：任务分解与进展历史")
    load_supervision_demo(actor=actor)
    step("奖补：预算、申报与免申即享")
    load_grants_demo(actor=actor)
    step("技术市场：供给、需求与交易")
    load_market_demo(actor=actor)
    step("知识产权保护：信用记录与电商投诉")
    load_protection_demo(actor=actor)
    step("白皮书：2024 年版（演示）")
    load_reports_demo(actor=actor)
    step("门户：通知公告与公开指标")
    load_portal_demo(actor=actor)
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
