"""高价值发明专利: its criteria in one table, read with their parameters from
`data/indicators/high-value.yaml`.

A valid invention patent is high-value when it meets any enabled criterion (it counts once). For
each criterion, `RULES` says how it is decided at a statistics date, on both sides that must agree:

- for the counts, on the patent facts (`PatentFact`): either a condition on the fact row itself
  (`fact`), or — for criteria a small registry table decides (pledges, awards) — the patents that
  table names (`named`), which the counts then check against the facts;
- for the drill-down, on the registry's `Patent` table (`registry`); for a named criterion, the
  patents it names. The tests check that both sides agree, record for record.

The YAML file lists every criterion of the table: whether it is enabled, its Chinese label (what
the drill-down shows for a record that meets it), its parameters and their source. `criteria()`
returns the enabled ones, in the file's order; the counts, their per-criterion breakdown and the
drill-down all iterate it, so switching a criterion off or changing a parameter reaches them all.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet

from ipcity.indicators.models import PatentFact
from ipcity.lib.datafile import load_data_file
from ipcity.registry.choices import AwardName
from ipcity.registry.models import Award, PledgeItem

HIGH_VALUE_FILE = settings.DATA_DIR / "indicators" / "high-value.yaml"

Parameters = Mapping[str, Any]


def maintained_limit(on: dt.date, years: int) -> dt.date:
    """ "More than N years" from the filing date: filed strictly before this day."""
    try:
        return on.replace(year=on.year - years)
    except ValueError:  # 29 February
        return on.replace(year=on.year - years, day=28)


def pledged_patents(on: dt.date, threshold: Decimal) -> QuerySet[Any]:
    """Patents in a pledge of at least `threshold` registered by `on`."""
    return PledgeItem.objects.filter(
        patent__isnull=False, pledge__amount__gte=threshold, pledge__registration_date__lte=on
    ).values("patent_id")


def awarded_patents(on: dt.date, awards: list[str]) -> QuerySet[Any]:
    """Patents that won one of `awards` in `on`'s year or before."""
    return Award.objects.filter(patent__isnull=False, award__in=awards, year__lte=on.year).values("patent_id")


@dataclass(frozen=True)
class Rule:
    """How code decides one criterion. `parameters`: JSON schemas of its own values in the YAML file.
    Exactly one of `fact` (a condition on a `PatentFact` row) and `named` (the patent ids a small
    registry table names) is given; `registry` is a condition on `Patent` (derived from `named`
    when not given)."""

    parameters: dict[str, Any]
    fact: Callable[[dt.date, Parameters], Q] | None = None
    named: Callable[[dt.date, Parameters], QuerySet[Any]] | None = None
    registry: Callable[[dt.date, Parameters], Q] | None = None


RULES: dict[str, Rule] = {
    # IPC-only 战略性新兴产业 classification, kept per patent in the facts (facts.py); the drill-down
    # reads it there too, as the last computation left it.
    "sei": Rule(
        parameters={"method": {"const": "ipc_only"}},
        fact=lambda on, p: Q(is_sei=True),
        registry=lambda on, p: Q(Exists(PatentFact.objects.filter(patent=OuterRef("pk"), is_sei=True))),
    ),
    "overseas_family": Rule(
        parameters={},
        fact=lambda on, p: Q(has_overseas_grant=True),
        registry=lambda on, p: Q(has_overseas_grant=True),
    ),
    "maintained": Rule(
        parameters={"years": {"type": "integer", "minimum": 1}},
        fact=lambda on, p: Q(filing_date__lt=maintained_limit(on, p["years"])),
        registry=lambda on, p: Q(filing_date__lt=maintained_limit(on, p["years"])),
    ),
    "pledge": Rule(
        parameters={
            "threshold": {"type": "string", "pattern": r"^[0-9]+(\.[0-9]{1,2})?$"},
            "status": {"enum": ["unverified", "verified"]},
        },
        named=lambda on, p: pledged_patents(on, Decimal(p["threshold"])),
    ),
    "award": Rule(
        parameters={"awards": {"type": "array", "minItems": 1, "items": {"enum": AwardName.values}}},
        named=lambda on, p: awarded_patents(on, p["awards"]),
    ),
}


@dataclass(frozen=True)
class Criterion:
    """One enabled criterion: its key in `RULES`, label, source and parameters from the YAML file."""

    key: str
    label: str
    source: str
    parameters: Parameters

    @property
    def rule(self) -> Rule:
        return RULES[self.key]

    def fact_condition(self, on: dt.date) -> Q | None:
        """The condition on a fact row at `on`; None when the criterion names its patents."""
        return self.rule.fact(on, self.parameters) if self.rule.fact else None

    def named_patents(self, on: dt.date) -> QuerySet[Any] | None:
        """`values("patent_id")` of the patents meeting it at `on`; None when the facts decide."""
        return self.rule.named(on, self.parameters) if self.rule.named else None

    def registry_condition(self, on: dt.date) -> Q:
        """The condition on the registry's `Patent` at `on` (for the drill-down)."""
        if self.rule.registry is not None:
            return self.rule.registry(on, self.parameters)
        named = self.named_patents(on)
        assert named is not None, self.key
        return Q(pk__in=named)


def schema() -> dict[str, Any]:
    """The file's JSON schema, from the table: every criterion of `RULES` present, no other."""
    common = {
        "enabled": {"type": "boolean"},
        "label": {"type": "string", "minLength": 1},
        "source": {"type": "string", "minLength": 1},
    }
    return {
        "type": "object",
        "required": ["schema_version", "criteria"],
        "additionalProperties": False,
        "properties": {
            "schema_version": {"const": 1},
            "criteria": {
                "type": "object",
                "required": list(RULES),
                "additionalProperties": False,
                "properties": {
                    key: {
                        "type": "object",
                        "required": [*common, *rule.parameters],
                        "additionalProperties": False,
                        "properties": common | rule.parameters,
                    }
                    for key, rule in RULES.items()
                },
            },
        },
    }


def criteria(path: Path | None = None) -> list[Criterion]:
    """The enabled criteria, in the file's order (raises `DataFileError` for an invalid file)."""
    data, _checksum = load_data_file(path or HIGH_VALUE_FILE, schema())
    return [
        Criterion(key=key, label=entry["label"], source=entry["source"], parameters=entry)
        for key, entry in data["criteria"].items()
        if entry["enabled"]
    ]
