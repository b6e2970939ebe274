"""Supervision rules as data: the 蓝黄红 flag rules and the assessment weights.

Both are YAML documents validated against a JSON schema (data/supervision/*.yaml seeds them; the
city office edits new versions in the web UI). This module is plain Python: it parses a validated
document into typed rules and describes conditions in Chinese. No Django imports.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

CONDITIONS = (
    "overdue",
    "behind",
    "missing_periods",
    "returned_report",
    "due_within",
    "indicator_off_track",
)

# Percentage points, scores, weights and penalties are all on a 0–100 scale; the bounds keep absurd
# numbers (a 4,000-digit integer is valid YAML) out of the date and Decimal arithmetic.
_NUMBER = {"type": "number", "minimum": 0, "maximum": 100}
_DAYS = {"type": "integer", "minimum": 0, "maximum": 366}
_TEXT = {"type": "string", "minLength": 1}

FLAG_RULES_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["schema_version", "name", "source", "effective_from", "colours", "reporting", "escalation"],
    "additionalProperties": False,
    "properties": {
        "schema_version": {"const": 1},
        "name": _TEXT,
        "source": _TEXT,
        "effective_from": {"type": "string", "format": "date"},
        "colours": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["code", "label", "meaning", "colour", "when"],
                "additionalProperties": False,
                "properties": {
                    "code": {"type": "string", "pattern": "^[a-z][a-z0-9_]{0,19}$"},
                    "label": _TEXT,
                    "meaning": _TEXT,
                    "colour": {"type": "string", "pattern": "^#[0-9a-fA-F]{6}$"},
                    "when": {
                        "type": "array",
                        "minItems": 1,
                        "items": {
                            "type": "object",
                            "required": ["condition"],
                            "additionalProperties": False,
                            "properties": {
                                "condition": {"enum": list(CONDITIONS)},
                                "at_least": _NUMBER,
                                "above": _NUMBER,
                                "at_most": _NUMBER,
                                "below": _NUMBER,
                                "days": _DAYS,
                            },
                        },
                    },
                },
            },
        },
        "reporting": {
            "type": "object",
            "required": ["report_due_days", "reminder_days_before", "overdue_reminder_days"],
            "additionalProperties": False,
            "properties": {
                "report_due_days": {"type": "integer", "minimum": 0, "maximum": 60},
                "reminder_days_before": {"type": "integer", "minimum": 0, "maximum": 60},
                "overdue_reminder_days": {"type": "integer", "minimum": 0, "maximum": 366},
            },
        },
        "escalation": {
            "type": "object",
            "required": ["colour", "rectification_days"],
            "additionalProperties": False,
            "properties": {
                "colour": {"type": "string"},
                "rectification_days": {"type": "integer", "minimum": 1, "maximum": 365},
            },
        },
    },
}

ASSESSMENT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": [
        "schema_version",
        "name",
        "source",
        "effective_from",
        "weights",
        "penalties",
        "commendation",
    ],
    "additionalProperties": False,
    "properties": {
        "schema_version": {"const": 1},
        "name": _TEXT,
        "source": _TEXT,
        "effective_from": {"type": "string", "format": "date"},
        "weights": {
            "type": "object",
            "required": ["completion", "timeliness", "indicators"],
            "additionalProperties": False,
            "properties": {"completion": _NUMBER, "timeliness": _NUMBER, "indicators": _NUMBER},
        },
        "penalties": {
            "type": "object",
            "required": ["returned_report", "flags"],
            "additionalProperties": False,
            "properties": {
                "basis": {"enum": ["per_milestone", "total"]},
                "returned_report": _NUMBER,
                "flags": {"type": "object", "additionalProperties": _NUMBER},
            },
        },
        "commendation": {
            "type": "object",
            "required": ["top", "min_score"],
            "additionalProperties": False,
            "properties": {"top": {"type": "integer", "minimum": 0, "maximum": 100}, "min_score": _NUMBER},
        },
    },
}


# What each name in a rules text means, for the page where the office edits it (规则文本的写法):
# every name the schemas accept, and the values of `condition` and `basis`.
RULE_KEYS: dict[str, tuple[tuple[str, str], ...]] = {
    "flags": (
        ("schema_version", "格式版本，保持为 1"),
        ("name", "规则名称"),
        ("source", "依据（文件、文号或会议纪要）"),
        ("effective_from", "生效日期（年-月-日）：此日起的标记按本版规则计算"),
        ("colours", "各颜色标记，最严重的写在最前：节点取第一个满足条件的颜色"),
        ("code", "颜色代码（小写字母），考核评比的扣分按它对应"),
        ("label", "颜色名称（红、黄、蓝）"),
        ("meaning", "含义，显示在标记旁"),
        ("colour", "显示颜色（#加六位十六进制数）"),
        ("when", "条件，满足任一条即标记此颜色"),
        ("condition", "条件类型，取下列之一"),
        ("overdue", "条件类型：已过完成时限且未完成"),
        ("behind", "条件类型：落后序时进度的百分点数，用 at_least/above 和 at_most/below 限定范围"),
        ("missing_periods", "条件类型：最近连续未报送进度的周期数，用 at_least 限定"),
        ("returned_report", "条件类型：进度报告被退回且尚未重新报送"),
        ("due_within", "条件类型：距完成时限不足若干天且未完成，用 days 限定"),
        ("indicator_off_track", "条件类型：节点关联的方案指标偏离目标进度"),
        ("at_least", "不少于（含）"),
        ("above", "多于（不含）"),
        ("at_most", "不多于（含）"),
        ("below", "少于（不含）"),
        ("days", "天数"),
        ("reporting", "进度报送"),
        ("report_due_days", "报送周期结束后几天内报送"),
        ("reminder_days_before", "截止前几天提醒"),
        ("overdue_reminder_days", "逾期多少天内继续提醒"),
        ("escalation", "督办"),
        ("rectification_days", "督办单的整改期限（天）"),
    ),
    "assessment": (
        ("schema_version", "格式版本，保持为 1"),
        ("name", "权重方案名称"),
        ("source", "依据（文件、文号或会议纪要）"),
        ("effective_from", "生效日期（年-月-日）：此日起的考核按本版权重计算"),
        ("weights", "各项权重（分）"),
        ("completion", "完成进度：单位各节点的平均完成进度"),
        ("timeliness", "按时率：按时报送的报告和按期完成的节点所占比例"),
        ("indicators", "指标达成：方案指标的进度情况"),
        ("penalties", "扣分"),
        ("basis", "扣分方式，取下列之一"),
        ("per_milestone", "扣分方式：扣分按单位节点数平均"),
        ("total", "扣分方式：扣分直接累计"),
        ("returned_report", "每次进度报告被退回扣的分"),
        ("flags", "每次被标记扣的分，每种颜色一行，写作“颜色代码: 分数”（颜色代码即标记规则中的 code）"),
        ("commendation", "表彰名单"),
        ("top", "部门、区市各取前几名"),
        ("min_score", "入选的最低分"),
    ),
}


class RulesError(ValueError):
    """A rules document that passed the schema but is inconsistent. `path` names the field."""

    def __init__(self, path: str, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"{path}: {reason}")


def _dec(value: Any) -> Decimal | None:
    # YAML numbers arrive as int/float; str() keeps the written decimal (10, 30, 9.9) exact.
    return None if value is None else Decimal(str(value))


@dataclass(frozen=True)
class Condition:
    kind: str
    at_least: Decimal | None = None
    above: Decimal | None = None
    at_most: Decimal | None = None
    below: Decimal | None = None
    days: int | None = None

    def describe(self) -> str:
        """The condition in the words the office uses; stable, so equal states read the same."""
        if self.kind == "overdue":
            return "已超过完成时限仍未完成"
        if self.kind == "returned_report":
            return "进度报告被退回（质量不合格），尚未重新报送"
        if self.kind == "due_within":
            return f"距完成时限不足{self.days}天且未完成"
        if self.kind == "missing_periods":
            return f"连续{_num(self.at_least)}个报送周期未报送进度"
        if self.kind == "indicator_off_track":
            return "关联指标偏离目标进度"
        low = f"{_num(self.at_least)}" if self.at_least is not None else None
        if self.above is not None:
            low = f"超过{_num(self.above)}"
        high = None
        if self.at_most is not None:
            high = _num(self.at_most)
        elif self.below is not None:
            high = f"不足{_num(self.below)}"
        if low and high:
            return f"落后序时进度{low}至{high}个百分点"
        if low:
            return f"落后序时进度{low}个百分点{'以上' if self.at_least is not None else ''}"
        return f"落后序时进度{high}个百分点以内"


def _num(value: Decimal | None) -> str:
    if value is None:
        return ""
    return f"{value.normalize():f}"


@dataclass(frozen=True)
class Colour:
    code: str
    label: str
    meaning: str
    hex: str
    when: tuple[Condition, ...]


@dataclass(frozen=True)
class FlagRules:
    """A validated flag rule document. Colours are listed most severe first."""

    name: str
    source: str
    effective_from: dt.date
    colours: tuple[Colour, ...]
    report_due_days: int
    reminder_days_before: int
    overdue_reminder_days: int
    escalation_colour: str
    rectification_days: int

    def colour(self, code: str) -> Colour | None:
        return next((c for c in self.colours if c.code == code), None)

    @property
    def escalation_label(self) -> str:
        """The name of the colour that issues a 督办单 (红), not its code."""
        colour = self.colour(self.escalation_colour)
        return colour.label if colour is not None else self.escalation_colour


def parse_flag_rules(data: dict[str, Any]) -> FlagRules:
    """Turn a schema-valid document into FlagRules, checking what the schema cannot say."""
    colours = []
    seen: set[str] = set()
    for index, item in enumerate(data["colours"]):
        if item["code"] in seen:
            raise RulesError(f"colours[{index}].code", f"颜色代码重复：{item['code']}")
        seen.add(item["code"])
        conditions = []
        for c_index, when in enumerate(item["when"]):
            path = f"colours[{index}].when[{c_index}]"
            conditions.append(_parse_condition(when, path))
        colours.append(
            Colour(item["code"], item["label"], item["meaning"], item["colour"], tuple(conditions))
        )
    escalation = data["escalation"]
    if escalation["colour"] not in seen:
        raise RulesError("escalation.colour", f"未定义的颜色代码：{escalation['colour']}")
    reporting = data["reporting"]
    return FlagRules(
        name=data["name"],
        source=data["source"],
        effective_from=dt.date.fromisoformat(data["effective_from"]),
        colours=tuple(colours),
        report_due_days=reporting["report_due_days"],
        reminder_days_before=reporting["reminder_days_before"],
        overdue_reminder_days=reporting["overdue_reminder_days"],
        escalation_colour=escalation["colour"],
        rectification_days=escalation["rectification_days"],
    )


def _parse_condition(when: dict[str, Any], path: str) -> Condition:
    kind = when["condition"]
    allowed = {
        "overdue": set(),
        "returned_report": set(),
        "due_within": {"days"},
        "missing_periods": {"at_least"},
        "behind": {"at_least", "above", "at_most", "below"},
        "indicator_off_track": set(),
    }[kind]
    extra = set(when) - {"condition"} - allowed
    if extra:
        raise RulesError(path, f"条件 {kind} 不接受参数：{'、'.join(sorted(extra))}")
    if kind == "due_within" and "days" not in when:
        raise RulesError(path, "条件 due_within 需要 days")
    if kind == "missing_periods" and (
        "at_least" not in when or int(when["at_least"]) != when["at_least"] or when["at_least"] < 1
    ):
        raise RulesError(path, "条件 missing_periods 需要正整数 at_least")
    condition = Condition(
        kind=kind,
        at_least=_dec(when.get("at_least")),
        above=_dec(when.get("above")),
        at_most=_dec(when.get("at_most")),
        below=_dec(when.get("below")),
        days=when.get("days"),
    )
    if kind == "behind":
        for name in ("at_least", "above", "at_most", "below"):
            value = getattr(condition, name)
            if value is not None and value != value.quantize(Decimal("0.01")):
                raise RulesError(f"{path}.{name}", "百分点阈值最多保留两位小数")
        if condition.at_least is not None and condition.above is not None:
            raise RulesError(path, "at_least 与 above 只能二选一")
        if condition.at_most is not None and condition.below is not None:
            raise RulesError(path, "at_most 与 below 只能二选一")
        low = condition.at_least if condition.at_least is not None else condition.above
        high = condition.at_most if condition.at_most is not None else condition.below
        if low is None and high is None:
            raise RulesError(path, "条件 behind 至少需要一个阈值")
        if low is not None and high is not None and low > high:
            raise RulesError(path, "下限大于上限")
    return condition


@dataclass(frozen=True)
class AssessmentRules:
    name: str
    source: str
    effective_from: dt.date
    weights: dict[str, Decimal]
    penalty_basis: str  # "per_milestone": averaged over the unit's milestones; "total": summed
    returned_penalty: Decimal
    flag_penalties: dict[str, Decimal]
    commendation_top: int
    commendation_min_score: Decimal


def parse_assessment_rules(data: dict[str, Any], *, colour_codes: set[str] | None = None) -> AssessmentRules:
    if colour_codes is not None:
        for code in data["penalties"]["flags"]:
            if code not in colour_codes:
                raise RulesError(f"penalties.flags.{code}", f"标记规则中没有颜色代码 {code}")
    return AssessmentRules(
        name=data["name"],
        source=data["source"],
        effective_from=dt.date.fromisoformat(data["effective_from"]),
        weights={k: Decimal(str(v)) for k, v in data["weights"].items()},
        penalty_basis=data["penalties"].get("basis", "per_milestone"),
        returned_penalty=Decimal(str(data["penalties"]["returned_report"])),
        flag_penalties={k: Decimal(str(v)) for k, v in data["penalties"]["flags"].items()},
        commendation_top=data["commendation"]["top"],
        commendation_min_score=Decimal(str(data["commendation"]["min_score"])),
    )
