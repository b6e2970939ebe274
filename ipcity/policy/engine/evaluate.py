"""evaluate(item, facts, on=date, granted=...) -> Decision(eligible, amount, trace, reasons).

Order of work, the same for every item:
1. facts are checked against the item's definitions (FactError names the fact);
2. exactly one rule must apply (none → NoRuleApplies, several → AmbiguousRules: errors, never 0);
3. conditions (credit, registered in Yantai, first pledge, …) — every failure is a reason;
4. the IP right must not have been rewarded under this item already; once-only items; the quota;
5. the rule's shape computes the amount from parameters read at `on`, the date that decides the
   reward, rounding to the fen half-up after each multiplication;
6. the per-application cap, then the beneficiary's annual cap against what was already granted.

`granted` is supplied by the caller (the grants app or a what-if replay): the engine keeps no state.
Each step is recorded in `trace`; `Decision.explain()` renders it as Chinese text citing clauses.
"""

from __future__ import annotations

import datetime as dt
import gc
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from ipcity.policy.engine.catalog import Catalog, Item, Rule, default_catalog
from ipcity.policy.engine.errors import AmbiguousRules, FactError, NoRuleApplies
from ipcity.policy.engine.money import FEN, ZERO, to_fen, yuan
from ipcity.policy.engine.params import Parameter
from ipcity.policy.engine.rights import describe_right

ONE = Decimal(1)


@dataclass(frozen=True, slots=True)
class Granted:
    """What has already been granted, as the caller knows it at decision time.

    - beneficiary_year_total: amount already granted to this beneficiary under this item in the
      calendar year of `on` (for the per-beneficiary annual cap);
    - item_count: grants already made under this item in the quota window (`Item.quota_window`);
    - beneficiary_count: grants ever made to this beneficiary under this item (once-only items);
    - rights: IP rights (right_id) already rewarded under this item.
    """

    beneficiary_year_total: Decimal = ZERO
    item_count: int = 0
    beneficiary_count: int = 0
    rights: frozenset[str] = frozenset()


NOTHING_GRANTED = Granted()

# A trace step is a tuple whose first element names its kind; explain.py renders each kind.
Step = tuple[Any, ...]


class Decision:
    __slots__ = (
        "amount",
        "catalog_version",
        "ceiling",
        "eligible",
        "facts",
        "item",
        "on",
        "reasons",
        "rule",
        "trace",
        "warnings",
    )

    def __init__(self, item: Item, on: dt.date, facts: dict[str, Any], catalog_version: str = "") -> None:
        self.item = item
        self.catalog_version = catalog_version
        self.on = on
        self.facts = facts
        self.eligible = True
        self.amount: Decimal | None = None
        self.ceiling: Decimal | None = None
        self.rule: Rule | None = None
        self.reasons: list[str] = []
        self.trace: list[Step] = []
        self.warnings: list[str] = []

    @property
    def pending(self) -> bool:
        """Eligible, but the amount awaits a decision (择优 review, or an amount the office sets)."""
        return self.eligible and self.amount is None

    @property
    def amount_is_maximum(self) -> bool:
        """The amount is the most the plan allows ("最高", "最多"), computed as that maximum."""
        return self.eligible and self.amount is not None and self.rule is not None and self.rule.up_to

    def explain(self) -> str:
        from ipcity.policy.engine.explain import render

        return render(self)

    def trace_lines(self) -> list[str]:
        from ipcity.policy.engine.explain import render_step

        return [render_step(self, step) for step in self.trace]

    def __repr__(self) -> str:
        return (
            f"<Decision {self.item.code} {self.on.isoformat()} eligible={self.eligible} amount={self.amount}>"
        )

    def parameters_read(self) -> list[dict[str, Any]]:
        out = []
        for step in self.trace:
            if step[0] in ("param", "series"):
                param, value, read_on = step[1], step[2], step[3]
                out.append(
                    {
                        "path": param.path,
                        "label": param.label,
                        "value": None if value.value is None else str(value.value),
                        "to_be_set": value.to_be_set,
                        "from": value.start.isoformat(),
                        "read_on": read_on.isoformat(),
                        "source": value.source.as_dict(),
                    }
                )
        return out

    def cap_checks(self) -> list[tuple[str, bool]]:
        """(parameter path, whether it bound) for every cap, ceiling and quota checked."""
        out: list[tuple[str, bool]] = []
        for step in self.trace:
            if step[0] == "cap" and step[2] is not None:
                out.append((step[2].path, step[5] < step[4]))
            elif step[0] == "annual":
                out.append((step[1].path, step[6]))
            elif step[0] == "quota":
                out.append((step[1].path, step[4]))
        return out

    def as_dict(self) -> dict[str, Any]:
        return {
            "item": self.item.code,
            "name": self.item.name,
            "on": self.on.isoformat(),
            "eligible": self.eligible,
            "amount": None if self.amount is None else str(self.amount),
            "ceiling": None if self.ceiling is None else str(self.ceiling),
            "pending": self.pending,
            "amount_is_maximum": self.amount_is_maximum,
            "rule": None if self.rule is None else self.rule.code,
            "catalog_version": self.catalog_version,
            "facts": {k: _jsonable(v) for k, v in self.facts.items()},
            "reasons": list(self.reasons),
            "warnings": list(self.warnings),
            "parameters": self.parameters_read(),
            "trace": self.trace_lines(),
            "explanation": self.explain(),
        }


def _jsonable(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, tuple):
        return [_jsonable(v) for v in value]
    return value


def evaluate(
    item: str | Item,
    facts: Mapping[str, Any],
    on: dt.date,
    granted: Granted | None = None,
    catalog: Catalog | None = None,
) -> Decision:
    cat = catalog or default_catalog()
    return _evaluate(cat, cat.item(item), facts, on, granted or NOTHING_GRANTED)


def evaluate_many(
    requests: Iterable[tuple[str | Item, Mapping[str, Any], dt.date, Granted | None]],
    catalog: Catalog | None = None,
) -> list[Decision]:
    """Evaluate a batch; the catalog is resolved once. Errors propagate (a batch is all-or-nothing).

    The cyclic garbage collector is paused for the batch: decisions create no reference cycles, and
    on 100,000 applications the collector's repeated scans of the growing result list cost more than
    the evaluation itself.
    """
    cat = catalog or default_catalog()
    items = cat.items
    out: list[Decision] = []
    append = out.append
    collecting = gc.isenabled()
    gc.disable()
    try:
        for code, facts, on, granted in requests:
            item = code if isinstance(code, Item) else items.get(code) or cat.item(code)
            append(_evaluate(cat, item, facts, on, granted or NOTHING_GRANTED))
    finally:
        if collecting:
            gc.enable()
    return out


@dataclass(frozen=True, slots=True)
class Screening:
    """What the facts known so far settle, before every fact is in (the 政策计算器):

    - failed: the conditions that fail on the facts given (each a reason, as Decision.reasons);
    - missing: the required facts not given yet (names, in the item's order).

    With nothing failed and nothing missing, `evaluate` decides the item."""

    failed: tuple[str, ...]
    missing: tuple[str, ...]


def screen(item: str | Item, facts: Mapping[str, Any], catalog: Catalog | None = None) -> Screening:
    """Check the conditions whose facts are given; list the required facts still missing. A fact
    of the wrong type or not defined for the item raises FactError, as in `evaluate`."""
    cat = catalog or default_catalog()
    it = cat.item(item)
    given: dict[str, Any] = {}
    for name, value in facts.items():
        spec = it.facts.get(name)
        if spec is None:
            raise FactError(it.code, name, f"不是本项目定义的事实（可用：{'、'.join(it.facts)}）")
        if value is not None:
            given[name] = spec.coerce(it.code, value)
    for name, value in it.defaults.items():
        given.setdefault(name, value)
    failed = tuple(
        f"不符合条件：{c.message}" for c in it.conditions if c.fact in given and not c.check(given[c.fact])
    )
    missing = tuple(n for n in it.required_facts if n not in given)
    return Screening(failed, missing)


def select_rule(item: Item, facts: Mapping[str, Any]) -> Rule:
    rules = item.rules
    if len(rules) == 1 and not rules[0].when:
        return rules[0]
    applicable = [r for r in rules if all(c.check(facts.get(c.fact)) for c in r.when)]
    if not applicable:
        raise NoRuleApplies(f"{item.name}：没有一条规则适用于所给事实，无法计算（不是零）")
    if len(applicable) > 1:
        names = "、".join(f"{r.label}（{r.clause}）" for r in applicable)
        raise AmbiguousRules(f"{item.name}：同时适用多条规则 {names}，目录有歧义，无法计算")
    return applicable[0]


def _evaluate(
    cat: Catalog, item: Item, raw_facts: Mapping[str, Any], on: dt.date, granted: Granted
) -> Decision:
    facts = item.coerce_facts(raw_facts)
    decision = Decision(item, on, facts, cat.version)
    trace = decision.trace
    rule = select_rule(item, facts)
    decision.rule = rule
    trace.append(("rule", rule, len(item.rules)))
    start, end = cat.plan_period
    if not start <= on <= end:
        decision.warnings.append(
            f"判定日期 {on.isoformat()} 不在方案期（{start.isoformat()} 至 {end.isoformat()}）内，"
            "参数按最近一次公布的取值沿用；是否适用由市局确认"
        )

    reasons = decision.reasons
    append = trace.append
    get = facts.get
    for cond in item.conditions:
        value = get(cond.fact)
        ok = cond.check(value)
        append(("cond", cond, value, ok))
        if not ok:
            reasons.append(f"不符合条件：{cond.message}")
    right = facts.get("right_id")
    if right is not None:
        seen = right in granted.rights
        trace.append(("right", right, seen))
        if seen:
            reasons.append(
                f"知识产权/项目 {describe_right(right)} 已在本项目获得奖补，同一知识产权不重复奖补"
            )
    if item.limits.once_per_beneficiary:
        trace.append(("once", granted.beneficiary_count))
        if granted.beneficiary_count:
            reasons.append("本项目每个对象只奖补一次，该对象已获奖补")
    quota = item.limits.quota
    if quota is not None:
        value = quota.at(on)
        trace.append(("param", quota, value, on))
        if not value.to_be_set:
            assert value.value is not None
            full = granted.item_count >= value.value
            trace.append(("quota", quota, value, granted.item_count, full, item.limits.quota_period))
            if full:
                period = "方案期内" if item.limits.quota_period == "plan" else f"{on.year} 年度"
                reasons.append(f"{period}名额 {value.value} 个已满（已评定 {granted.item_count} 个）")
    if reasons:
        decision.eligible = False
        decision.amount = ZERO
        decision.ceiling = ZERO
        return decision

    amount, ceiling, ceiling_param = SHAPE_FUNCTIONS[rule.shape](cat, rule, facts, on, trace, decision)
    decided = facts.get("decided_amount")
    if amount is None:
        trace.append(("decided", rule.decided_by, decided, ceiling))
        if decided is not None:
            amount = decided
            if ceiling is not None:
                amount = _cap(trace, "审定金额上限", ceiling_param, ceiling, decided)
    elif decided is not None:
        raise FactError(item.code, "decided_amount", "不适用：本项目金额按公式计算，不接受审定金额")

    cap_param = item.limits.beneficiary_annual_cap
    if cap_param is not None:
        value = cap_param.at(on)
        trace.append(("param", cap_param, value, on))
        if not value.to_be_set:
            assert value.value is not None
            used = granted.beneficiary_year_total
            remaining = value.value - used
            if remaining <= 0:
                trace.append(("annual", cap_param, value, used, remaining, amount, True, ZERO))
                reasons.append(f"本年度已获本项目奖补 {yuan(used)}，已达年度上限 {yuan(value.value)}")
                decision.eligible = False
                decision.amount = ZERO
                decision.ceiling = ZERO
                return decision
            if amount is not None:
                capped = amount if amount <= remaining else remaining
                trace.append(("annual", cap_param, value, used, remaining, amount, capped < amount, capped))
                amount = capped
            elif ceiling is None or ceiling > remaining:
                ceiling = remaining
    if amount is not None:
        amount = amount.quantize(FEN, ROUND_HALF_UP)
    decision.amount = amount
    decision.ceiling = amount if amount is not None else ceiling
    if amount is None:
        by = "专家评审" if rule.decided_by == "expert_review" else "市局审定"
        limit = f"，最高 {yuan(ceiling)}" if ceiling is not None else "（方案未规定金额，待市局确定）"
        reasons.append(f"符合条件；金额由{by}确定{limit}")
    return decision


# ---------------------------------------------------------------- shapes
# Each returns (amount, ceiling, ceiling parameter): amount None means it is decided outside the
# formula (择优, or an amount the plan leaves to the office); ceiling is then the most it may be, if
# known, and the parameter it comes from (None when the bound is a fact such as the actual cost).


def _read(trace: list[Step], param: Parameter, on: dt.date) -> Decimal | None:
    value = param.at(on)
    trace.append(("param", param, value, on))
    return value.value  # None when to be set


def _cap(trace: list[Step], label: str, param: Parameter | None, limit: Decimal, before: Decimal) -> Decimal:
    after = before if before <= limit else limit
    trace.append(("cap", label, param, limit, before, after))
    return after


def _optional_cap(trace: list[Step], rule: Rule, on: dt.date, amount: Decimal) -> Decimal:
    param = rule.params.get("cap")
    if param is None:
        return amount
    limit = _read(trace, param, on)
    if limit is None:
        return amount
    return _cap(trace, "单项上限", param, limit, amount)


def _fixed(cat: Catalog, rule: Rule, facts: dict[str, Any], on: dt.date, trace: list[Step], d: Decision):  # type: ignore[no-untyped-def]
    param = rule.params["amount"]
    amount = _read(trace, param, on)
    return amount, amount, param


def _fixed_by_level(
    cat: Catalog, rule: Rule, facts: dict[str, Any], on: dt.date, trace: list[Step], d: Decision
):  # type: ignore[no-untyped-def]
    assert rule.level_fact is not None
    param = rule.params["amount." + facts[rule.level_fact]]
    amount = _read(trace, param, on)
    return amount, amount, param


def _rate_with_cap(
    cat: Catalog, rule: Rule, facts: dict[str, Any], on: dt.date, trace: list[Step], d: Decision
):  # type: ignore[no-untyped-def]
    assert rule.base_fact is not None
    base = facts[rule.base_fact]
    rate = _read(trace, rule.params["rate"], on)
    if rate is None:
        cap = rule.params.get("cap")
        return None, (_read(trace, cap, on) if cap is not None else None), cap
    raw = to_fen(base * rate)
    trace.append(("calc", "rate", rule.base_fact, base, rate, raw))
    amount = _optional_cap(trace, rule, on, raw)
    return amount, amount, None


def _per_piece(cat: Catalog, rule: Rule, facts: dict[str, Any], on: dt.date, trace: list[Step], d: Decision):  # type: ignore[no-untyped-def]
    assert rule.count_fact is not None
    count = facts[rule.count_fact]
    unit = _read(trace, rule.params["unit_amount"], on)
    if unit is None:
        return None, None, None
    raw = to_fen(unit * count)
    trace.append(("calc", "per_piece", rule.count_fact, count, unit, raw))
    amount = _optional_cap(trace, rule, on, raw)
    return amount, amount, None


def _actual_cost(
    cat: Catalog, rule: Rule, facts: dict[str, Any], on: dt.date, trace: list[Step], d: Decision
):  # type: ignore[no-untyped-def]
    assert rule.cost_fact is not None
    costs = facts[rule.cost_fact]
    if not isinstance(costs, tuple):
        costs = (costs,)
    param = rule.params["ceiling"]
    ceiling = _read(trace, param, on)
    total_cost = sum(costs, ZERO)
    if ceiling is None:
        # The plan bounds the amount by the actual cost only; the amount itself is the office's.
        trace.append(("calc", "cost_total", rule.cost_fact, costs, total_cost))
        return None, total_cost, None
    total = ZERO
    for cost in costs:
        total += _cap(trace, "每件费用上限", param, ceiling, cost)
    trace.append(("calc", "cost_sum", rule.cost_fact, costs, total))
    amount = _optional_cap(trace, rule, on, total)
    return amount, amount, None


def _interest_subsidy(
    cat: Catalog, rule: Rule, facts: dict[str, Any], on: dt.date, trace: list[Step], d: Decision
):  # type: ignore[no-untyped-def]
    assert rule.base_rate is not None
    code = rule.base_rate["series"]
    series = cat.series[code]
    read_on = (
        on.replace(day=1) - dt.timedelta(days=1) if rule.base_rate["read"] == "end_of_previous_month" else on
    )
    value = series.at(read_on)
    trace.append(("series", series, value, read_on, rule.base_rate["label"]))
    entered = cat.series_entered_until[code]
    if read_on > entered:
        d.warnings.append(
            f"{series.label}只录入到 {entered.isoformat()} 的公告；{read_on.isoformat()} 取最近一次录入的值，"
            "请核对之后是否有新公告"
        )
    base_rate = value.value
    ratio = _read(trace, rule.params["subsidy_ratio"], on)
    basis = _read(trace, rule.params["day_basis"], on)
    if base_rate is None or ratio is None or basis is None:
        return None, None, None
    principal = facts["loan_principal"]
    share = facts.get("pledge_share") or ONE
    days = facts["interest_days"]
    paid = facts["interest_paid"]
    rate = ratio * base_rate
    computed = to_fen(principal * share * rate * days / basis)
    trace.append(("calc", "interest", principal, share, ratio, base_rate, rate, days, basis, computed))
    limit = to_fen(paid * share)
    amount = _cap(trace, "实际支付利息（按专利质押所占比例）", None, limit, computed)
    amount = _optional_cap(trace, rule, on, amount)
    return amount, amount, None


def _decided(cat: Catalog, rule: Rule, facts: dict[str, Any], on: dt.date, trace: list[Step], d: Decision):  # type: ignore[no-untyped-def]
    param = rule.params["cap"]
    return None, _read(trace, param, on), param


SHAPE_FUNCTIONS = {
    "fixed": _fixed,
    "fixed_by_level": _fixed_by_level,
    "rate_with_cap": _rate_with_cap,
    "per_piece": _per_piece,
    "actual_cost": _actual_cost,
    "interest_subsidy": _interest_subsidy,
    "decided": _decided,
}
