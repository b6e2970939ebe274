"""The rules engine for rewards (奖补): plain Python, no Django.

    from ipcity.policy.engine import evaluate, Granted
    decision = evaluate("china_patent_award", {"award_level": "patent_gold", ...}, on=date(2023, 7, 15))
    decision.eligible, decision.amount, decision.explain()

The catalog (data/policy/) is loaded once per process by `default_catalog()`; pass `catalog=` to
evaluate against another one (a what-if overlay, a test catalog).
"""

from ipcity.policy.engine.catalog import Catalog, Item, Rule, default_catalog, load_catalog
from ipcity.policy.engine.errors import (
    AmbiguousRules,
    FactError,
    NoRuleApplies,
    OverlayError,
    ParameterNotInForce,
    PolicyError,
    UnknownItem,
)
from ipcity.policy.engine.evaluate import (
    NOTHING_GRANTED,
    Decision,
    Granted,
    Screening,
    evaluate,
    evaluate_many,
    screen,
)
from ipcity.policy.engine.money import ROUNDING_RULE, to_fen

__all__ = [
    "NOTHING_GRANTED",
    "ROUNDING_RULE",
    "AmbiguousRules",
    "Catalog",
    "Decision",
    "FactError",
    "Granted",
    "Item",
    "NoRuleApplies",
    "OverlayError",
    "ParameterNotInForce",
    "PolicyError",
    "Rule",
    "Screening",
    "UnknownItem",
    "default_catalog",
    "evaluate",
    "evaluate_many",
    "load_catalog",
    "screen",
    "to_fen",
]
