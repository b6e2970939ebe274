"""The trace of a decision rendered as a Chinese explanation that cites clauses and parameter values."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from ipcity.policy.engine.money import ROUNDING_RULE, percent, yuan
from ipcity.policy.engine.rights import describe_right

if TYPE_CHECKING:
    from ipcity.policy.engine.catalog import Item
    from ipcity.policy.engine.evaluate import Decision, Step


def show_fact(item: Item, name: str, value: Any) -> str:
    spec = item.facts.get(name)
    if value is None:
        return "（未填）"
    if spec is None:
        return str(value)
    if spec.type == "bool":
        return "是" if value else "否"
    if spec.type == "choice" and spec.choices:
        return spec.choices.get(value, str(value))
    if spec.type == "money":
        return yuan(value)
    if spec.type == "money_list":
        return "、".join(yuan(v) for v in value)
    if spec.type == "rate":
        return percent(value)
    if spec.type == "date":
        return value.isoformat()
    return str(value)


def _fact_label(item: Item, name: str) -> str:
    spec = item.facts.get(name)
    return spec.label if spec else name


def _by(decided_by: str | None) -> str:
    return "专家评审" if decided_by == "expert_review" else "市局审定"


def render_step(decision: Decision, step: Step) -> str:
    item = decision.item
    kind = step[0]
    if kind == "rule":
        rule, count = step[1], step[2]
        prefix = f"在 {count} 条规则中适用：" if count > 1 else "适用规则："
        return f"{prefix}{rule.label}（{rule.clause}）"
    if kind == "cond":
        cond, value, ok = step[1], step[2], step[3]
        mark = "符合" if ok else "不符合"
        where = f"（{cond.clause}）" if cond.clause else ""
        return f"条件：{cond.message}{where}——{_fact_label(item, cond.fact)}：{show_fact(item, cond.fact, value)}，{mark}"
    if kind == "right":
        right, seen = step[1], step[2]
        state = "已在本项目获奖补，不再奖补" if seen else "此前未在本项目获奖补"
        return f"同一知识产权不重复奖补：{describe_right(right)} {state}"
    if kind == "once":
        return f"每个对象只奖补一次：此前已获 {step[1]} 次"
    if kind == "param":
        param, value, read_on = step[1], step[2], step[3]
        src = value.source
        return (
            f"参数：{param.label} = {param.show(value)}（{read_on.isoformat()} 适用的取值，自 {value.start.isoformat()} 起；"
            f"依据{src.cite()}，核对于 {src.checked.isoformat()}）"
        )
    if kind == "series":
        param, value, read_on, label = step[1], step[2], step[3], step[4]
        src = value.source
        return (
            f"参考利率：{label} = {param.show(value)}（{read_on.isoformat()} 时有效，自 {value.start.isoformat()} 起；"
            f"依据{src.cite()}，核对于 {src.checked.isoformat()}）"
        )
    if kind == "quota":
        param, value, used, full, period = step[1], step[2], step[3], step[4], step[5]
        when = "方案期内" if period == "plan" else f"{decision.on.year} 年度"
        state = "名额已满" if full else "尚有名额"
        return f"名额：{when}不超过 {value.value} 个，已评定 {used} 个，{state}"
    if kind == "calc":
        return "计算：" + _calc(decision, step)
    if kind == "cap":
        label, limit, before, after = step[1], step[3], step[4], step[5]
        if after < before:
            return f"上限：{label} {yuan(limit)}；{yuan(before)} 超过上限，按 {yuan(after)}"
        return f"上限：{label} {yuan(limit)}；{yuan(before)} 未超过上限"
    if kind == "annual":
        param, value, used, remaining, before, binding, after = step[1:8]
        head = f"年度累计上限：{param.label} {param.show(value)}，本年度已获 {yuan(used)}，尚余 {yuan(max(remaining, Decimal(0)))}"
        if before is None:
            return head
        if binding:
            return f"{head}；本次 {yuan(before)} 超过余额，按 {yuan(after)}"
        return f"{head}；本次 {yuan(before)} 未超过余额"
    if kind == "decided":
        by, decided, ceiling = step[1], step[2], step[3]
        limit = f"，最高 {yuan(ceiling)}" if ceiling is not None else "，方案未规定金额上限"
        if decided is None:
            return f"金额：由{_by(by)}确定{limit}；尚未提供审定金额"
        return f"金额：由{_by(by)}确定{limit}；审定金额 {yuan(decided)}"
    return str(step)


def _calc(decision: Decision, step: Step) -> str:
    item = decision.item
    what = step[1]
    if what == "rate":
        fact, base, rate, raw = step[2], step[3], step[4], step[5]
        return f"{_fact_label(item, fact)} {yuan(base)} × {percent(rate)} = {yuan(raw)}"
    if what == "per_piece":
        fact, count, unit, raw = step[2], step[3], step[4], step[5]
        return f"{_fact_label(item, fact)} {count} × {yuan(unit)} = {yuan(raw)}"
    if what == "cost_sum":
        return f"各件按上限计入后合计 {yuan(step[4])}"
    if what == "cost_total":
        return f"实际费用合计 {yuan(step[4])}；方案只规定不超过实际费用，具体金额待定"
    if what == "interest":
        principal, share, ratio, base_rate, rate, days, basis, computed = step[2:10]
        share_text = "" if share == 1 else f" × 专利质押占比 {percent(share)}"
        return (
            f"贴息利率 = {percent(ratio)} × {percent(base_rate)} = {percent(rate)}；"
            f"贴息 = 贷款本金 {yuan(principal)}{share_text} × {percent(rate)} × {days} 天 ÷ {basis} = {yuan(computed)}"
        )
    return str(step)


def render(decision: Decision) -> str:
    item = decision.item
    lines = [
        item.name,
        f"判定日期：{decision.on.isoformat()}（{item.decisive_date}）；办理方式：{item.track.label}",
        f"适用条款：{item.applies_clause}。{item.applies_reason}",
    ]
    for number, step in enumerate(decision.trace, start=1):
        lines.append(f"{number}. {render_step(decision, step)}")
    if not decision.eligible:
        lines.append("结论：不符合条件，不予奖补。" + "；".join(decision.reasons))
    elif decision.amount is None:
        lines.append("结论：" + "；".join(decision.reasons))
    else:
        lines.append(f"结论：符合条件，金额 {yuan(decision.amount)}。")
        if decision.amount_is_maximum:
            lines.append(
                "金额为方案规定的最高额（方案写“最高”“最多”），按最高额计算；实际金额以审核核定为准。"
            )
    lines.append(f"取整：{ROUNDING_RULE}。")
    for warning in decision.warnings:
        lines.append(f"注意：{warning}")
    return "\n".join(lines)
