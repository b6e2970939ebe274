"""What-if: replay past applications under the catalog and under a parameter overlay; report old
amount, new amount and the difference, per application, per item and in total.

Applications are data (the grants app exports them, or a YAML/JSON file):

    applications:
      - {id: A-2024-001, item: foreign_litigation, beneficiary: "91370602MADEM0001X", on: 2024-03-01,
         facts: {...}}

Both runs are replays in date order: what each beneficiary has already received under an item in
the year, how many grants an item has made in its quota window, and which IP rights were rewarded
are accumulated from the earlier applications of the same run, so annual caps and quotas bind in
the new run exactly as they would have.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from ipcity.lib.datafile import DataFileError, validate
from ipcity.policy.engine.cases import read_yaml_checked, restore_on_keys
from ipcity.policy.engine.catalog import Catalog, default_catalog
from ipcity.policy.engine.errors import PolicyError
from ipcity.policy.engine.evaluate import Decision, Granted, _evaluate
from ipcity.policy.engine.money import ZERO

APPLICATIONS_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["applications"],
    "additionalProperties": False,
    "properties": {
        "applications": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["id", "item", "beneficiary", "on", "facts"],
                "additionalProperties": False,
                "properties": {
                    "id": {"type": ["string", "integer"]},
                    "item": {"type": "string"},
                    "beneficiary": {"type": "string", "minLength": 1},
                    "on": {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$"},
                    "facts": {"type": "object"},
                },
            },
        }
    },
}
OVERLAY_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["overlay"],
    "additionalProperties": False,
    "properties": {
        "label": {"type": "string"},
        "overlay": {
            "type": "object",
            "minProperties": 1,
            "additionalProperties": {
                "oneOf": [
                    {"type": ["string", "null"], "pattern": r"^\d+(\.\d+)?$"},
                    {
                        "type": "array",
                        "minItems": 1,
                        "items": {
                            "type": "object",
                            "required": ["from", "value"],
                            "additionalProperties": False,
                            "properties": {
                                "from": {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$"},
                                "value": {"type": ["string", "null"], "pattern": r"^\d+(\.\d+)?$"},
                            },
                        },
                    },
                ]
            },
        },
    },
}


@dataclass(frozen=True)
class Application:
    id: str
    item: str
    beneficiary: str
    on: dt.date
    facts: Mapping[str, Any]


@dataclass
class Outcome:
    """One application under one catalog: the decision, or the error that stopped it."""

    decision: Decision | None
    error: str | None = None

    @property
    def amount(self) -> Decimal:
        if self.decision is None or not self.decision.eligible or self.decision.amount is None:
            return ZERO
        return self.decision.amount


@dataclass
class Row:
    application: Application
    old: Outcome
    new: Outcome

    @property
    def difference(self) -> Decimal:
        return self.new.amount - self.old.amount


@dataclass
class ItemTotals:
    code: str
    name: str
    count: int = 0
    old: Decimal = ZERO
    new: Decimal = ZERO

    @property
    def difference(self) -> Decimal:
        return self.new - self.old


@dataclass
class WhatIfReport:
    rows: list[Row] = field(default_factory=list)
    items: dict[str, ItemTotals] = field(default_factory=dict)

    @property
    def old_total(self) -> Decimal:
        return sum((t.old for t in self.items.values()), ZERO)

    @property
    def new_total(self) -> Decimal:
        return sum((t.new for t in self.items.values()), ZERO)

    @property
    def difference(self) -> Decimal:
        return self.new_total - self.old_total

    def as_dict(self) -> dict[str, Any]:
        def outcome(o: Outcome) -> dict[str, Any]:
            d = o.decision
            return {
                "eligible": None if d is None else d.eligible,
                "amount": str(o.amount),
                "pending": bool(d and d.pending),
                "error": o.error,
            }

        return {
            "total": {
                "old": str(self.old_total),
                "new": str(self.new_total),
                "difference": str(self.difference),
            },
            "items": [
                {
                    "item": t.code,
                    "name": t.name,
                    "applications": t.count,
                    "old": str(t.old),
                    "new": str(t.new),
                    "difference": str(t.difference),
                }
                for t in self.items.values()
            ],
            "applications": [
                {
                    "id": r.application.id,
                    "item": r.application.item,
                    "beneficiary": r.application.beneficiary,
                    "on": r.application.on.isoformat(),
                    "old": outcome(r.old),
                    "new": outcome(r.new),
                    "difference": str(r.difference),
                }
                for r in self.rows
            ],
        }


def replay(applications: Iterable[Application], catalog: Catalog) -> dict[str, Outcome]:
    """Decide each application in date order, accumulating what was granted; keyed by id."""
    year_totals: dict[tuple[str, str, int], Decimal] = defaultdict(lambda: ZERO)
    counts: dict[tuple[str, dt.date], int] = defaultdict(int)
    per_beneficiary: dict[tuple[str, str], int] = defaultdict(int)
    rights: dict[str, set[str]] = defaultdict(set)
    out: dict[str, Outcome] = {}
    ordered = sorted(enumerate(applications), key=lambda pair: (pair[1].on, pair[0]))
    for _, app in ordered:
        try:
            item = catalog.item(app.item)
            window = item.quota_window(app.on, catalog.plan_period)
            granted = Granted(
                beneficiary_year_total=year_totals[(app.item, app.beneficiary, app.on.year)],
                item_count=counts[(app.item, window[0])],
                beneficiary_count=per_beneficiary[(app.item, app.beneficiary)],
                rights=frozenset(rights[app.item]),
            )
            decision = _evaluate(catalog, item, app.facts, app.on, granted)
        except PolicyError as exc:
            out[app.id] = Outcome(None, f"{exc.code}：{exc.message}")
            continue
        out[app.id] = Outcome(decision)
        if decision.eligible:
            if decision.amount is not None:
                year_totals[(app.item, app.beneficiary, app.on.year)] += decision.amount
            counts[(app.item, window[0])] += 1
            per_beneficiary[(app.item, app.beneficiary)] += 1
            right = decision.facts.get("right_id")
            if right:
                rights[app.item].add(right)
    return out


def what_if(
    applications: Iterable[Application],
    overlay: Mapping[str, Any],
    catalog: Catalog | None = None,
    label: str = "what-if",
) -> WhatIfReport:
    base = catalog or default_catalog()
    changed = base.with_overlay(overlay, label=label)
    apps = list(applications)
    ids = [a.id for a in apps]
    if len(set(ids)) != len(ids):
        raise ValueError("申请编号（id）重复")
    old = replay(apps, base)
    new = replay(apps, changed)
    report = WhatIfReport()
    for app in apps:
        row = Row(app, old[app.id], new[app.id])
        report.rows.append(row)
        name = base.items[app.item].name if app.item in base.items else app.item
        totals = report.items.setdefault(app.item, ItemTotals(app.item, name))
        totals.count += 1
        totals.old += row.old.amount
        totals.new += row.new.amount
    return report


def read_applications(path: str | Path, year: int | None = None) -> list[Application]:
    data = restore_on_keys(read_yaml_checked(path))
    validate(data, APPLICATIONS_SCHEMA, file=path)
    apps = []
    for i, raw in enumerate(data["applications"]):
        try:
            on = dt.date.fromisoformat(raw["on"])
        except ValueError:
            raise DataFileError(path, f"applications[{i}].on", f"日期无效：{raw['on']}") from None
        if year is not None and on.year != year:
            continue
        apps.append(Application(str(raw["id"]), raw["item"], raw["beneficiary"], on, raw["facts"]))
    return apps


def read_overlay(path: str | Path) -> tuple[dict[str, Any], str]:
    data = read_yaml_checked(path)
    validate(data, OVERLAY_SCHEMA, file=path)
    return data["overlay"], data.get("label", Path(path).name)
