"""Numbers as people read them on a page: money in 元/万元/亿元, counts in 万 above ten thousand,
percentages to one decimal, thousands separators throughout (docs/architecture.md, "Numbers").

Pages and charts show these forms; exact values stay in the database, the Excel exports and the
detail pages that need them (a payment's amount to the fen is shown beside its rounded form).
Rounding is half up (`format_yuan_exact` never rounds: for reward amounts and ceilings). A value that rounds up to the next unit is shown in that unit (99,999,999 元 is
"1 亿元", not "10,000 万元"). Nothing (None or "") is "—".
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

WAN = Decimal(10_000)
YI = Decimal(100_000_000)
DASH = "—"
# Units of things counted one by one: shown in 万 from ten thousand up (682.4 万人, 1.32 万件).
COUNT_UNITS = frozenset({"人", "人次", "件", "家", "项", "个", "场", "次", "户", "条", "份"})


def _decimal(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    if isinstance(value, Decimal):
        return value
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def _round(value: Decimal, places: int) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def _trimmed(value: Decimal, places: int = 2) -> str:
    """'1,234.5' — rounded to `places` decimals, trailing zeros dropped, thousands separated."""
    text = f"{_round(value, places):,.{places}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _scaled(magnitude: Decimal, places: int = 2) -> tuple[str, str] | None:
    """(number, prefix) in 亿 or 万, or None below ten thousand (after rounding)."""
    if _round(magnitude / WAN, places) >= WAN:
        return _trimmed(magnitude / YI, places), "亿"
    if _round(magnitude, places) >= WAN:
        return _trimmed(magnitude / WAN, places), "万"
    return None


def _signed(value: Decimal, text: str) -> str:
    return f"-{text}" if value < 0 and text.strip("0.,") else text


def format_yuan(value: Any) -> str:
    """Money: '9,999.50 元' under ten thousand (to the fen, '.00' dropped), '12.35 万元' up to a
    hundred million, '3.4 亿元' from there (two decimals at most, trailing zeros dropped)."""
    amount = _decimal(value)
    if amount is None or not amount.is_finite():
        return DASH
    magnitude = abs(amount)
    scaled = _scaled(magnitude)
    if scaled is not None:
        number, prefix = scaled
        return f"{_signed(amount, number)} {prefix}元"
    fen = _round(magnitude, 2)
    number = f"{fen:,.0f}" if fen == fen.to_integral_value() else f"{fen:,.2f}"
    return f"{_signed(amount, number)} 元"


def format_count(n: Any, unit: str = "") -> str:
    """A count: '9,999 人' under ten thousand, '682.4 万人' up to a hundred million, then '1.2 亿人'."""
    count = _decimal(n)
    if count is None or not count.is_finite():
        return DASH
    magnitude = abs(count)
    scaled = _scaled(magnitude)
    if scaled is not None:
        number, prefix = scaled
        return f"{_signed(count, number)} {prefix}{unit}".rstrip()
    return f"{_signed(count, _trimmed(magnitude))} {unit}".rstrip()


def format_percent(x: Any) -> str:
    """A percentage given in percent points, to one decimal: 12.345 → '12.3%'."""
    value = _decimal(x)
    if value is None or not value.is_finite():
        return DASH
    rounded = _round(value, 1)
    return f"{_signed(value, f'{abs(rounded):,.1f}')}%"


def format_quantity(value: Any, unit: str, decimals: int = 2) -> str:
    """A value in its unit, in the form that unit reads best: money and counts as above, '%' as a
    percentage, anything else (件/万人, 分) with `decimals` places and thousands separators."""
    number = _decimal(value)
    if number is None or not number.is_finite():
        return DASH
    if unit == "元":
        return format_yuan(number)
    if unit == "万元":
        return format_yuan(number * WAN)
    if unit == "%":
        return format_percent(number)
    if unit in COUNT_UNITS:
        return format_count(number, unit)
    rounded = _round(number, decimals)
    return f"{_signed(number, f'{abs(rounded):,.{decimals}f}')} {unit}".rstrip()


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


def format_yuan_exact(value: Decimal) -> str:
    """An amount in 元 that must not be rounded (a reward amount, a ceiling): 亿元 or 万元 only when
    that unit shows it exactly with at most two decimals, else 元 to the fen — "100万元",
    "123,456.78元", "2.5亿元"."""
    sign = "-" if value < 0 else ""
    value = abs(value)
    if value >= YI and _exact_in(value, YI):
        return f"{sign}{_plain(value / YI)}亿元"
    if value >= WAN and _exact_in(value, WAN):
        return f"{sign}{_plain(value / WAN)}万元"
    if value == value.to_integral_value():
        return f"{sign}{int(value):,}元"
    return f"{sign}{value.quantize(_CENT):,}元"
