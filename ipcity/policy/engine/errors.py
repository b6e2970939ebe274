"""Errors of the rules engine. Each carries a stable `code` (used by case files) and a Chinese message."""

from __future__ import annotations


class PolicyError(Exception):
    """Base: the question put to the engine cannot be answered as asked."""

    code = "policy"

    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)


class UnknownItem(PolicyError):
    code = "unknown_item"


class FactError(PolicyError):
    """A fact is missing, undefined for the item, or of the wrong type."""

    code = "fact"

    def __init__(self, item: str, fact: str, reason: str) -> None:
        self.item = item
        self.fact = fact
        super().__init__(f"{item}：事实“{fact}”{reason}")


class NoRuleApplies(PolicyError):
    """None of the item's rules applies to the facts: an error, never a silent zero."""

    code = "no_rule"


class AmbiguousRules(PolicyError):
    """More than one rule applies: the catalog is ambiguous for these facts."""

    code = "ambiguous"


class ParameterNotInForce(PolicyError):
    """A parameter has no value on the date that decides the reward."""

    code = "not_in_force"


class OverlayError(PolicyError):
    code = "overlay"
