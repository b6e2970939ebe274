"""Industry scopes of the registry (专利导航, 产业专利地图): each of the plan's "9+N" industries and
key industrial chains as a list of IPC subclasses and main groups (data/registry/industry_scopes.yaml,
working definitions the office may edit). A patent is in a scope when any of its IPC codes is; the
registry's patent list filters by a scope (`?scope=`), and the market's industry map counts the same
set, so each number of the map opens the list of the patents behind it."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from django.db.models import Q

from ipcity.lib.text import fold

SCOPES_FILE = Path(__file__).resolve().parents[2] / "data" / "registry" / "industry_scopes.yaml"
_SUBCLASS = re.compile(r"^[A-H]\d{2}[A-Z]$")
_MAIN_GROUP = re.compile(r"^([A-H]\d{2}[A-Z]) ?(\d{1,4})$")


class ScopeError(ValueError):
    """The scopes file is wrong; the message names the scope and the code."""


@dataclass(frozen=True)
class Scope:
    code: str
    name: str
    kind: str  # "industry" (9+N) or "chain" (重点产业链)
    subclasses: tuple[str, ...]
    main_groups: tuple[str, ...]  # "C22B 11"
    industry: str = ""  # a chain's industry

    @property
    def ipc_label(self) -> str:
        return "、".join([*self.subclasses, *self.main_groups])

    def ipc_condition(self, prefix: str = "") -> Q:
        """On PatentIPC rows (or through `prefix`, e.g. "ipc_codes__")."""
        return Q(**{f"{prefix}subclass__in": self.subclasses}) | Q(
            **{f"{prefix}main_group__in": self.main_groups}
        )


def _scope(entry: dict[str, Any], kind: str) -> Scope:
    code, name = str(entry.get("code") or ""), str(entry.get("name") or "")
    if not code or not name:
        raise ScopeError(f"{SCOPES_FILE.name}：每个范围都要有 code 和 name（{entry}）")
    subclasses, groups = [], []
    for raw in entry.get("ipc") or []:
        value = fold(str(raw))
        match = _MAIN_GROUP.match(str(raw).strip().upper())
        if _SUBCLASS.match(value):
            subclasses.append(value)
        elif match:
            groups.append(f"{match.group(1)} {int(match.group(2))}")
        else:
            raise ScopeError(f"{SCOPES_FILE.name}：{name} 的 IPC“{raw}”不是小类（H01M）或大组（C22B 11）")
    if not subclasses and not groups:
        raise ScopeError(f"{SCOPES_FILE.name}：{name} 没有列出 IPC")
    return Scope(code, name, kind, tuple(subclasses), tuple(groups), str(entry.get("industry") or ""))


@cache
def scopes() -> dict[str, Scope]:
    data = yaml.safe_load(SCOPES_FILE.read_text(encoding="utf-8")) or {}
    found: dict[str, Scope] = {}
    for kind, key in (("industry", "industries"), ("chain", "chains")):
        for entry in data.get(key) or []:
            scope = _scope(entry, kind)
            if scope.code in found:
                raise ScopeError(f"{SCOPES_FILE.name}：范围代码 {scope.code} 重复")
            found[scope.code] = scope
    return found


def scope_choices() -> list[tuple[str, str]]:
    return [(s.code, s.name) for s in scopes().values()]
