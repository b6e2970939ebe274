"""Numbers for readers: money in 万元/亿元 and counts with thousands separators.

Never rounds: an amount is written in 万元 or 亿元 only when that unit shows it exactly with at most
two decimals; otherwise it is written in 元 with thousands separators and its fen.

    format_yuan(Decimal("1000000"))    -> "100万元"
    format_yuan(Decimal("150000"))     -> "15万元"
    format_yuan(Decimal("123456.78"))  -> "123,456.78元"
    format_yuan(Decimal("250000000"))  -> "2.5亿元"
    format_count(12345)                -> "12,345"
"""

from __future__ import annotations

from decimal import Decimal

WAN = Decimal(10_000)
YI = Decimal(100_000_000)
_CENT = Decimal("0.01")


def _plain(value: Decimal) -> str:
    """'12,345', '1.5', '0.25' — thousands separators, no trailing zeros, no exponent."""
    if value == value.to_integral_value():
        return f"{int(value):,}"
    text = f"{value:,f}".rstrip("0")
    return text.rstrip(".")


def _exact_in(value: Decimal, unit: Decimal) -> bool:
    scaled = value / unit
    return scaled == scaled.quantize(_CENT)


def format_yuan(value: Decimal) -> str:
    """An amount in 元 as a reader writes it: 亿元 or 万元 when exact to two decimals, else 元."""
    sign = "-" if value < 0 else ""
    value = abs(value)
    if value >= YI and _exact_in(value, YI):
        return f"{sign}{_plain(value / YI)}亿元"
    if value >= WAN and _exact_in(value, WAN):
        return f"{sign}{_plain(value / WAN)}万元"
    if value == value.to_integral_value():
        return f"{sign}{int(value):,}元"
    return f"{sign}{value.quantize(_CENT):,}元"


def format_count(value: int) -> str:
    """A count with thousands separators: 12345 -> '12,345'."""
    return f"{value:,}"
