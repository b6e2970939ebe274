"""The catalog as JSON (`ipcity policy catalog --json`) and as Markdown (the item reference in
docs/policy.md, kept in step with the data by a test)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ipcity.policy.engine.catalog import Catalog, Condition, Item, Rule
from ipcity.policy.engine.errors import ParameterNotInForce
from ipcity.policy.engine.params import Parameter
from ipcity.policy.engine.schema import SHAPES

OPS = {"equals": "=", "in": "属于", "at_least": "≥", "at_most": "≤"}


def _jsonable(value: Any) -> Any:
    if isinstance(value, frozenset):
        return sorted(_jsonable(v) for v in value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool | int | str) or value is None:
        return value
    return str(value)


def parameter_at(param: Parameter, on: dt.date) -> dict[str, Any]:
    try:
        value = param.at(on)
    except ParameterNotInForce:
        return {"label": param.label, "kind": param.kind, "in_force": False, "value": None}
    return {
        "label": param.label,
        "kind": param.kind,
        "in_force": True,
        "value": None if value.value is None else str(value.value),
        "to_be_set": value.to_be_set,
        "display": param.show(value),
        "from": value.start.isoformat(),
        "source": value.source.as_dict(),
    }


def _condition(c: Condition) -> dict[str, Any]:
    return {
        "fact": c.fact,
        "op": c.op,
        "value": _jsonable(c.operand),
        "message": c.message,
        "clause": c.clause,
    }


def _rule(rule: Rule, on: dt.date) -> dict[str, Any]:
    out: dict[str, Any] = {
        "code": rule.code,
        "label": rule.label,
        "clause": rule.clause,
        "shape": rule.shape,
        "when": [_condition(c) for c in rule.when],
        "parameters": {p.path: parameter_at(p, on) for p in rule.params.values()},
    }
    for name in ("decided_by", "level_fact", "base_fact", "count_fact", "cost_fact", "base_rate", "up_to"):
        if getattr(rule, name):
            out[name] = getattr(rule, name)
    return out


def item_as_json(item: Item, on: dt.date) -> dict[str, Any]:
    limits: dict[str, Any] = {"once_per_beneficiary": item.limits.once_per_beneficiary}
    if item.limits.beneficiary_annual_cap is not None:
        limits["beneficiary_annual_cap"] = parameter_at(item.limits.beneficiary_annual_cap, on)
    if item.limits.quota is not None:
        limits["quota"] = {**parameter_at(item.limits.quota, on), "period": item.limits.quota_period}
    return {
        "code": item.code,
        "name": item.name,
        "clauses": [{"ref": c.ref, "quote": c.quote} for c in item.clauses],
        "applies": {"clause": item.applies_clause, "reason": item.applies_reason},
        "shape": item.shape,
        "shape_label": SHAPES.get(item.shape, "多种"),
        "track": item.track.key,
        "track_label": item.track.label,
        "beneficiary": item.beneficiary,
        "beneficiary_kinds": item.beneficiary_kinds,
        "beneficiary_basis": {
            "clause": item.beneficiary_basis.clause,
            "quote": item.beneficiary_basis.quote,
            "reading": item.beneficiary_basis.reading,
        },
        "organisation_kinds": sorted(item.organisation_kinds),
        "decisive_date": item.decisive_date,
        "parameters": {p.path: parameter_at(p, on) for p in item.parameters()},
        "facts": [
            {
                "name": f.name,
                "type": f.type,
                "label": f.label,
                "required": f.required and f.default is None,
                "choices": f.choices,
                "default": f.default,
            }
            for f in item.facts.values()
        ],
        "conditions": [_condition(c) for c in item.conditions],
        "rules": [_rule(r, on) for r in item.rules],
        "limits": limits,
        "guide": {
            "beneficiaries": item.guide["beneficiaries"],
            "requirements": item.guide["requirements"],
            "time_limit": item.guide["time_limit"],
            "address": item.guide["address"],
            "phone": item.guide["phone"],
            "materials": [m.text for m in item.materials],
        },
        "materials": [{"name": m.name, "by": m.by, "note": m.note} for m in item.materials],
        "notes": item.notes,
    }


def catalog_as_json(catalog: Catalog, on: dt.date) -> dict[str, Any]:
    return {
        "title": catalog.title,
        "on": on.isoformat(),
        "plan_period": {"from": catalog.plan_period[0].isoformat(), "to": catalog.plan_period[1].isoformat()},
        "tracks": {
            k: {"label": t.label, "time_limit": t.time_limit, "sla_working_days": t.sla_working_days}
            for k, t in catalog.tracks.items()
        },
        "items": [item_as_json(item, on) for item in catalog.items.values()],
        "series": {
            code: {**parameter_at(p, on), "entered_until": catalog.series_entered_until[code].isoformat()}
            for code, p in catalog.series.items()
        },
    }


# ---------------------------------------------------------------- markdown


def _md_values(param: Parameter) -> str:
    parts = []
    for v in param.values:
        shown = "终止" if v.ended else param.show(v)
        parts.append(f"{shown}（自 {v.start.isoformat()}，{v.source.cite()}）")
    return "；".join(parts)


def _md_condition(item: Item, c: Condition) -> str:
    spec = item.facts[c.fact]
    value = c.operand
    if isinstance(value, frozenset):
        shown = "、".join(sorted(spec.choices.get(v, str(v)) if spec.choices else str(v) for v in value))
    elif isinstance(value, bool):
        shown = "是" if value else "否"
    elif spec.choices and value in spec.choices:
        shown = spec.choices[value]
    else:
        shown = str(value)
    where = f"（{c.clause}）" if c.clause else ""
    return f"`{c.fact}` {OPS[c.op]} {shown}：{c.message}{where}"


def catalog_markdown(catalog: Catalog) -> str:
    lines: list[str] = []
    for item in catalog.items.values():
        lines.append(f"### `{item.code}` {item.name}")
        lines.append("")
        lines.append(
            f"- 办理方式：{item.track.label}；金额形态：{SHAPES.get(item.shape, '多种')}；判定日期：{item.decisive_date}"
        )
        lines.append(f"- 惠及对象：{item.beneficiary}")
        basis = item.beneficiary_basis
        kinds = "、".join(catalog.beneficiary_kinds[k] for k in item.beneficiary_kinds)
        reading = f"。{basis.reading}" if basis.reading else ""
        lines.append(f"- 对象类型：{kinds}（{basis.clause}“{basis.quote}”）{reading}")
        lines.append(f"- 条款：{'；'.join(f'{c.ref}“{c.quote}”' for c in item.clauses)}")
        lines.append(f"- 适用：{item.applies_clause}。{item.applies_reason}")
        lines.append("- 事实（facts）：")
        lines.append("")
        lines.append("  | 事实 | 类型 | 含义 | 必填 |")
        lines.append("  |---|---|---|---|")
        for f in item.facts.values():
            required = (
                "是" if f.required and f.default is None else f"否（默认 {f.default}）" if f.default else "否"
            )
            lines.append(f"  | `{f.name}` | {f.describe_type()} | {f.label} | {required} |")
        lines.append("")
        lines.append("- 条件：")
        for c in item.conditions:
            lines.append(f"  - {_md_condition(item, c)}")
        for rule in item.rules:
            when = "；".join(_md_condition(item, c) for c in rule.when)
            maximum = "，按方案规定的最高额计算" if rule.up_to else ""
            head = f"- 规则 `{rule.code}` {rule.label}（{rule.clause}，{SHAPES[rule.shape]}{maximum}）"
            lines.append(head + (f"，适用于：{when}" if when else ""))
            for name, param in rule.params.items():
                lines.append(f"  - `{name}` {param.label}：{_md_values(param)}")
        lim = item.limits
        if lim.beneficiary_annual_cap is not None:
            lines.append(
                f"- 年度上限 `beneficiary_annual_cap` {lim.beneficiary_annual_cap.label}：{_md_values(lim.beneficiary_annual_cap)}"
            )
        if lim.quota is not None:
            period = "方案期" if lim.quota_period == "plan" else "每年"
            lines.append(f"- 名额 `quota`（{period}）{lim.quota.label}：{_md_values(lim.quota)}")
        if lim.once_per_beneficiary:
            lines.append("- 每个对象只奖补一次")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"
