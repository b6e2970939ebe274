"""Exact money: Decimal 元, rounded to the fen (0.01) half-up at each step that multiplies."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

FEN = Decimal("0.01")
ZERO = Decimal("0.00")
ROUNDING_RULE = "每一步乘除运算后四舍五入到分（0.01 元）"


def to_fen(value: Decimal) -> Decimal:
    """Round to the fen, half up (0.005 → 0.01)."""
    return value.quantize(FEN, rounding=ROUND_HALF_UP)


def yuan(value: Decimal | None) -> str:
    """'1,234,567.80 元' — the form every explanation uses."""
    if value is None:
        return "（待定）"
    return f"{value:,.2f} 元"


def percent(rate: Decimal) -> str:
    """Decimal('0.6') → '60%'; Decimal('0.0207') → '2.07%'."""
    text = format((rate * 100).normalize(), "f")
    return f"{text}%"
