"""Scoring tables kept as dated data (data/support/centre-assessment.yaml for the operation centres'
绩效考评, data/support/agency-rating.yaml for the agencies' quality rating), and the one way both
are scored: each indicator gives weight × min(value ÷ target, 1), rounded to 0.01; the total's band
gives the grade. Plain Python (no models), so the tests check it with hand-made numbers."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.conf import settings

from ipcity.lib.datafile import load_data_file
from ipcity.support.choices import ScoreGrade

CENTRE_FILE = settings.DATA_DIR / "support" / "centre-assessment.yaml"
RATING_FILE = settings.DATA_DIR / "support" / "agency-rating.yaml"
CENT = Decimal("0.01")

_SOURCE = {
    "type": "object",
    "required": ["document", "clause", "checked", "status"],
    "additionalProperties": False,
    "properties": {
        "document": {"type": "string", "minLength": 1},
        "clause": {"type": "string", "minLength": 1},
        "checked": {"type": "string", "format": "date"},
        "status": {"enum": ["verified", "unverified", "decision"]},
        "note": {"type": "string"},
    },
}
_GRADES = {
    "type": "array",
    "minItems": 1,
    "items": {
        "type": "object",
        "required": ["grade", "min"],
        "additionalProperties": False,
        "properties": {"grade": {"enum": list(ScoreGrade.values)}, "min": {"type": "number", "minimum": 0}},
    },
}


def _schema(indicator_props: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    indicator = {
        "type": "object",
        "required": ["code", "label", "weight", "target", *indicator_props],
        "additionalProperties": False,
        "properties": {
            "code": {"type": "string", "pattern": "^[a-z_]+$"},
            "label": {"type": "string", "minLength": 1},
            "weight": {"type": "number", "exclusiveMinimum": 0},
            "target": {"type": "number", "exclusiveMinimum": 0},
            **indicator_props,
        },
    }
    version = {
        "type": "object",
        "required": ["from", "indicators", "grades", "source"],
        "additionalProperties": False,
        "properties": {
            "from": {"type": "string", "format": "date"},
            "indicators": {"type": "array", "minItems": 1, "items": indicator},
            "grades": _GRADES,
            "source": _SOURCE,
            **extra,
        },
    }
    return {
        "type": "object",
        "required": ["schema_version", "versions"],
        "additionalProperties": False,
        "properties": {
            "schema_version": {"const": 1},
            "versions": {"type": "array", "minItems": 1, "items": version},
        },
    }


CENTRE_SCHEMA = _schema(
    {"source": {"enum": ["data", "reported"]}},
    {"scopes": {"type": "object", "additionalProperties": {"type": "string"}}},
)
RATING_SCHEMA = _schema({"part": {"enum": ["base", "team", "operation", "capacity", "credit"]}}, {})
PART_LABELS = {
    "base": "基本条件",
    "team": "团队",
    "operation": "运营",
    "capacity": "服务能力",
    "credit": "信用",
}


class ScoringError(ValueError):
    """No version in force, or a table whose weights do not add up to 100."""


@dataclass(frozen=True)
class Indicator:
    code: str
    label: str
    weight: Decimal
    target: Decimal
    source: str = "data"  # centres: "data" | "reported"
    part: str = ""  # agencies: base/team/operation/capacity/credit


@dataclass(frozen=True)
class Table:
    starts: dt.date
    indicators: tuple[Indicator, ...]
    grades: tuple[tuple[str, Decimal], ...]  # (grade, minimum), highest first
    source: dict[str, Any]
    scopes: dict[str, str]

    def grade(self, score: Decimal) -> str:
        for grade, minimum in self.grades:
            if score >= minimum:
                return grade
        return self.grades[-1][0]

    def version(self) -> dict[str, Any]:
        """What a result stores about the table it was scored by."""
        return {"from": self.starts.isoformat(), **self.source}

    @property
    def basis(self) -> str:
        kind = "市局决定" if self.source["status"] == "decision" else "依据"
        return f"{kind}：{self.source['document']}（{self.source['clause']}，自 {self.starts:%Y-%m-%d} 起）"


@dataclass(frozen=True)
class Line:
    """One indicator's part of a score (the trace a page shows)."""

    code: str
    label: str
    value: Decimal | None
    target: Decimal
    weight: Decimal
    points: Decimal
    note: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "label": self.label,
            "value": None if self.value is None else str(self.value),
            "target": str(self.target),
            "weight": str(self.weight),
            "points": str(self.points),
            "note": self.note,
        }


def _dec(value: Any) -> Decimal:
    return Decimal(str(value))


def _table(version: dict[str, Any], file: Path) -> Table:
    indicators = tuple(
        Indicator(
            code=i["code"],
            label=i["label"],
            weight=_dec(i["weight"]),
            target=_dec(i["target"]),
            source=i.get("source", "data"),
            part=i.get("part", ""),
        )
        for i in version["indicators"]
    )
    total = sum((i.weight for i in indicators), Decimal(0))
    if total != 100:
        raise ScoringError(f"{file.name}（{version['from']} 起）：各项权重之和应为 100，实为 {total}")
    if len({i.code for i in indicators}) != len(indicators):
        raise ScoringError(f"{file.name}（{version['from']} 起）：指标代码重复")
    grades = tuple(sorted(((g["grade"], _dec(g["min"])) for g in version["grades"]), key=lambda g: -g[1]))
    return Table(
        starts=dt.date.fromisoformat(version["from"]),
        indicators=indicators,
        grades=grades,
        source=version["source"],
        scopes=dict(version.get("scopes") or {}),
    )


@lru_cache(maxsize=8)
def _tables(path: str, which: str) -> tuple[Table, ...]:
    schema = CENTRE_SCHEMA if which == "centre" else RATING_SCHEMA
    data, _ = load_data_file(path, schema)
    return tuple(_table(v, Path(path)) for v in data["versions"])


def _in_force(tables: tuple[Table, ...], on: dt.date, what: str) -> Table:
    found = [t for t in tables if t.starts <= on]
    if not found:
        raise ScoringError(f"{on.isoformat()} 没有生效的{what}参数")
    return max(found, key=lambda t: t.starts)


def centre_table(on: dt.date, *, path: str | Path = CENTRE_FILE) -> Table:
    return _in_force(_tables(str(path), "centre"), on, "运营中心绩效考评")


def rating_table(on: dt.date, *, path: str | Path = RATING_FILE) -> Table:
    return _in_force(_tables(str(path), "rating"), on, "服务机构质量评级")


def score(
    table: Table, values: dict[str, Decimal | None], notes: dict[str, str] | None = None
) -> tuple[Decimal, str, list[Line]]:
    """(total, grade, lines): a missing value (None) scores 0 and says so."""
    notes = notes or {}
    lines = []
    for i in table.indicators:
        value = values.get(i.code)
        if value is None:
            points = Decimal(0)
            note = notes.get(i.code) or "未填报，计 0 分"
        else:
            share = min(max(value, Decimal(0)) / i.target, Decimal(1))
            points = (i.weight * share).quantize(CENT, rounding=ROUND_HALF_UP)
            note = notes.get(i.code, "")
        lines.append(Line(i.code, i.label, value, i.target, i.weight, points, note))
    total = sum((line.points for line in lines), Decimal(0)).quantize(CENT)
    return total, table.grade(total), lines
