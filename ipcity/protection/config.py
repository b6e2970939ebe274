"""Parameters kept as data, each value dated and with its source: the time limits of the e-commerce
complaint steps, of an aid body's acceptance and of a mediation (data/protection/time-limits.yaml) and the credit grading of service agencies
(data/protection/credit-grading.yaml). A value is read at the date that decides it: the day its
step starts, the grading day."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.conf import settings

from ipcity.core.workdays import WorkdayCalendarError, add_working_days
from ipcity.lib.datafile import load_data_file

TIME_LIMITS_FILE = settings.DATA_DIR / "protection" / "time-limits.yaml"
GRADING_FILE = settings.DATA_DIR / "protection" / "credit-grading.yaml"

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
_LIMIT_VERSION = {
    "type": "object",
    "required": ["from", "days", "unit", "source"],
    "additionalProperties": False,
    "properties": {
        "from": {"type": "string", "format": "date"},
        "days": {"type": "integer", "minimum": 1, "maximum": 90},
        "unit": {"enum": ["working_days", "days"]},
        "source": _SOURCE,
    },
}
COMPLAINT_STEPS = ("platform_measures", "counter_notice", "rights_holder_wait", "platform_restore")
# The 维权援助 body's acceptance of a routed request, and a mediation from its start to its end.
CASE_STEPS = ("aid_acceptance", "mediation")
STEPS = COMPLAINT_STEPS + CASE_STEPS
TIME_LIMITS_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["schema_version", "limits"],
    "additionalProperties": False,
    "properties": {
        "schema_version": {"const": 1},
        "limits": {
            "type": "object",
            "required": list(STEPS),
            "additionalProperties": False,
            "properties": {
                step: {
                    "type": "object",
                    "required": ["label", "versions"],
                    "additionalProperties": False,
                    "properties": {
                        "label": {"type": "string", "minLength": 1},
                        "versions": {"type": "array", "minItems": 1, "items": _LIMIT_VERSION},
                    },
                }
                for step in STEPS
            },
        },
    },
}
_POINTS = {"type": "integer", "minimum": 0, "maximum": 100}
GRADING_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["schema_version", "versions"],
    "additionalProperties": False,
    "properties": {
        "schema_version": {"const": 1},
        "versions": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["from", "base", "deductions", "grades", "source"],
                "additionalProperties": False,
                "properties": {
                    "from": {"type": "string", "format": "date"},
                    "base": _POINTS,
                    "deductions": {
                        "type": "object",
                        "required": ["serious", "general", "abnormal", "other"],
                        "additionalProperties": False,
                        "properties": {k: _POINTS for k in ("serious", "general", "abnormal", "other")},
                    },
                    "grades": {
                        "type": "array",
                        "minItems": 1,
                        "items": {
                            "type": "object",
                            "required": ["grade", "min"],
                            "additionalProperties": False,
                            "properties": {"grade": {"type": "string"}, "min": _POINTS},
                        },
                    },
                    "source": _SOURCE,
                },
            },
        },
    },
}


class ParameterError(ValueError):
    """No version of a parameter is in force on the day asked for."""


@dataclass(frozen=True)
class TimeLimit:
    step: str
    label: str
    starts: dt.date
    days: int
    unit: str  # "working_days" | "days"
    source: dict[str, Any]

    @property
    def statutory(self) -> bool:
        return self.source["status"] == "verified"

    def describe(self) -> str:
        """“15日（法定：中华人民共和国电子商务法第四十三条第二款…）” for pages and traces."""
        amount = f"{self.days}个工作日" if self.unit == "working_days" else f"{self.days}日"
        basis = "法定" if self.statutory else "市局决定"
        return f"{amount}（{basis}：{self.source['document']}{self.source['clause']}）"


@dataclass(frozen=True)
class Grading:
    starts: dt.date
    base: int
    deductions: dict[str, int]
    grades: tuple[tuple[str, int], ...]  # (grade, minimum score), highest first
    source: dict[str, Any]

    def grade(self, score: int) -> str:
        for grade, minimum in self.grades:
            if score >= minimum:
                return grade
        return self.grades[-1][0]


def _in_force(versions: list[Any], on: dt.date, what: str) -> Any:
    found = [v for v in versions if dt.date.fromisoformat(v["from"]) <= on]
    if not found:
        raise ParameterError(f"{on.isoformat()} 没有生效的{what}参数")
    return max(found, key=lambda v: v["from"])


@lru_cache(maxsize=4)
def _time_limits(path: str) -> dict[str, Any]:
    data, _ = load_data_file(path, TIME_LIMITS_SCHEMA)
    return dict(data["limits"])


def time_limit(step: str, on: dt.date, *, path: str | Path = TIME_LIMITS_FILE) -> TimeLimit:
    entry = _time_limits(str(path))[step]
    version = _in_force(entry["versions"], on, entry["label"])
    return TimeLimit(
        step=step,
        label=entry["label"],
        starts=dt.date.fromisoformat(version["from"]),
        days=version["days"],
        unit=version["unit"],
        source=version["source"],
    )


def all_time_limits(on: dt.date, steps: tuple[str, ...] = COMPLAINT_STEPS) -> list[TimeLimit]:
    """The time limits in force on `on` (by default the complaint's steps, as its pages list them)."""
    return [time_limit(step, on) for step in steps]


@lru_cache(maxsize=4)
def _grading_versions(path: str) -> list[Any]:
    data, _ = load_data_file(path, GRADING_SCHEMA)
    return list(data["versions"])


def grading(on: dt.date, *, path: str | Path = GRADING_FILE) -> Grading:
    version = _in_force(_grading_versions(str(path)), on, "信用等级评价")
    grades = sorted(((g["grade"], g["min"]) for g in version["grades"]), key=lambda g: -g[1])
    return Grading(
        starts=dt.date.fromisoformat(version["from"]),
        base=version["base"],
        deductions=dict(version["deductions"]),
        grades=tuple(grades),
        source=version["source"],
    )


def step_deadline(step: str, start: dt.date) -> dt.date | None:
    """The last day of a step that starts on `start`, by the time limit in force on `start`:
    working days on the calendar (core/workdays.py), calendar days for statutory day counts. None
    when the calendar does not cover the days needed yet (the office enters a year when its holiday
    notice is published; the calendar does not guess): the step then shows no deadline."""
    limit = time_limit(step, start)
    if limit.unit == "working_days":
        try:
            return add_working_days(start, limit.days)
        except WorkdayCalendarError:
            return None
    return start + dt.timedelta(days=limit.days)
