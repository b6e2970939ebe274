"""Dated parameters: every value has an effective date and a mandatory source.

A parameter is a series of values ordered by their start date; the value in force on a date is the
last one that started on or before it. A value of `null` ends the series (the parameter is then
not in force); `to_be_set: true` records that the plan names the reward without an amount (给予一定
奖励) and the office has not set one — the engine never invents it.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from dataclasses import dataclass
from decimal import Decimal

from ipcity.policy.engine.errors import ParameterNotInForce
from ipcity.policy.engine.money import percent, yuan

# How each kind of parameter is written and shown.
KIND_MONEY = "money"
KIND_RATE = "rate"
KIND_COUNT = "count"


@dataclass(frozen=True, slots=True)
class Document:
    """A document that values cite: the plan, a provincial rule, a rate announcement."""

    key: str
    title: str
    number: str | None
    issuer: str
    note: str | None = None

    def name(self) -> str:
        return f"《{self.title}》" + (f"（{self.number}）" if self.number else "")


@dataclass(frozen=True, slots=True)
class Source:
    """Where a value comes from: document, clause, when it was last checked and how sure we are."""

    document: Document
    clause: str
    checked: dt.date
    status: str  # verified | unverified | decision | what-if
    quote: str | None = None
    note: str | None = None

    def cite(self) -> str:
        text = f"{self.document.name()}{self.clause}"
        if self.status == "unverified":
            text += "（未经原文核实）"
        elif self.status == "decision":
            text += "（项目决定）"
        elif self.status == "what-if":
            text += "（假设测算）"
        return text

    def as_dict(self) -> dict[str, object]:
        return {
            "document": self.document.key,
            "title": self.document.title,
            "number": self.document.number,
            "issuer": self.document.issuer,
            "clause": self.clause,
            "checked": self.checked.isoformat(),
            "status": self.status,
            "quote": self.quote,
            "note": self.note,
        }


@dataclass(frozen=True, slots=True)
class Value:
    start: dt.date
    value: Decimal | None  # None with to_be_set False: the series ends here
    to_be_set: bool
    source: Source

    @property
    def ended(self) -> bool:
        return self.value is None and not self.to_be_set


@dataclass(slots=True)
class Parameter:
    path: str  # "china_patent_award.by_level.amount.patent_gold"
    label: str
    kind: str  # money | rate | count
    values: list[Value]
    _starts: list[dt.date]
    _ended: list[bool]

    @classmethod
    def build(cls, path: str, label: str, kind: str, values: list[Value]) -> Parameter:
        ordered = sorted(values, key=lambda v: v.start)
        return cls(path, label, kind, ordered, [v.start for v in ordered], [v.ended for v in ordered])

    def at(self, on: dt.date) -> Value:
        """The value in force on `on`; ParameterNotInForce before the first start or after an end."""
        index = bisect_right(self._starts, on) - 1
        if index < 0:
            raise ParameterNotInForce(
                f"参数“{self.label}”（{self.path}）在 {on.isoformat()} 尚未生效"
                f"（最早自 {self._starts[0].isoformat()} 起）"
            )
        value = self.values[index]
        if self._ended[index]:
            raise ParameterNotInForce(
                f"参数“{self.label}”（{self.path}）自 {value.start.isoformat()} 起已终止，"
                f"{on.isoformat()} 无有效取值"
            )
        return value

    def show(self, value: Value) -> str:
        if value.to_be_set:
            return "待市局确定"
        assert value.value is not None
        if self.kind == KIND_RATE:
            return percent(value.value)
        if self.kind == KIND_COUNT:
            return f"{value.value}"
        return yuan(value.value)

    def replaced(self, values: list[Value]) -> Parameter:
        return Parameter.build(self.path, self.label, self.kind, values)


def overlay_source(label: str) -> Source:
    doc = Document(key="what-if", title="假设测算参数", number=None, issuer=label)
    return Source(document=doc, clause="", checked=dt.date.today(), status="what-if")
