from __future__ import annotations

from decimal import Decimal

import pytest

from ipcity.lib.numbers import format_count, format_percent, format_quantity, format_yuan, format_yuan_exact


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (0, "0 元"),
        (Decimal("0.01"), "0.01 元"),
        (500, "500 元"),
        (Decimal("1234.5"), "1,234.50 元"),
        (9999, "9,999 元"),
        (Decimal("9999.99"), "9,999.99 元"),
        (Decimal("9999.995"), "1 万元"),  # rounds to the fen first: 10,000.00 元
        (10000, "1 万元"),
        (Decimal("123456.78"), "12.35 万元"),
        (Decimal("12300000"), "1,230 万元"),
        (99999999, "1 亿元"),  # 9,999.9999 万 rounds to 10,000 万: shown as 亿
        (Decimal("99940000"), "9,994 万元"),
        (100000000, "1 亿元"),
        (Decimal("100000000.00"), "1 亿元"),
        (340000000, "3.4 亿元"),
        (Decimal("123456789012.34"), "1,234.57 亿元"),
        (-5, "-5 元"),
        (Decimal("-15000"), "-1.5 万元"),
        (Decimal("-0.001"), "0 元"),
        (Decimal("1E+2"), "100 元"),
        ("25000", "2.5 万元"),
        (None, "—"),
        ("", "—"),
        ("not a number", "—"),
        (Decimal("NaN"), "—"),
    ],
)
def test_format_yuan(value, text) -> None:
    assert format_yuan(value) == text


def test_format_yuan_keeps_decimal_precision_beyond_float() -> None:
    # 0.1 + 0.2 style errors of floats must not reach the page: Decimal in, Decimal arithmetic out.
    assert format_yuan(Decimal("12345678.905")) == "1,234.57 万元"
    assert format_yuan(Decimal("10000.005")) == "1 万元"
    assert format_yuan(Decimal("9999999999999999.99")) == "100,000,000 亿元"


@pytest.mark.parametrize(
    ("n", "unit", "text"),
    [
        (0, "人", "0 人"),
        (9999, "人", "9,999 人"),
        (10000, "人", "1 万人"),
        (6824000, "人", "682.4 万人"),
        (Decimal("6824000.000000"), "人", "682.4 万人"),
        (99999999, "人", "1 亿人"),
        (100000000, "人", "1 亿人"),
        (1324000, "件", "132.4 万件"),
        (12345, "人次", "1.23 万人次"),
        (-20000, "件", "-2 万件"),
        (1500, "", "1,500"),
        (None, "人", "—"),
    ],
)
def test_format_count(n, unit, text) -> None:
    assert format_count(n, unit) == text


@pytest.mark.parametrize(
    ("x", "text"),
    [
        (0, "0.0%"),
        (Decimal("12.345"), "12.3%"),
        (Decimal("12.35"), "12.4%"),  # half up
        (Decimal("99.95"), "100.0%"),
        (60, "60.0%"),
        (Decimal("-3.25"), "-3.3%"),
        (Decimal("-0.04"), "0.0%"),
        (1234.5, "1,234.5%"),
        (None, "—"),
    ],
)
def test_format_percent(x, text) -> None:
    assert format_percent(x) == text


@pytest.mark.parametrize(
    ("value", "unit", "decimals", "text"),
    [
        (Decimal("455000000.00"), "元", 2, "4.55 亿元"),
        (Decimal("1.5"), "万元", 2, "1.5 万元"),
        (Decimal("35.6789"), "%", 2, "35.7%"),
        (Decimal("6824000"), "人", 0, "682.4 万人"),
        (Decimal("12345"), "件", 0, "1.23 万件"),
        (Decimal("9.3751"), "件/万人", 2, "9.38 件/万人"),
        (Decimal("85"), "分", 2, "85.00 分"),
        (Decimal("1234567.891"), "吨", 1, "1,234,567.9 吨"),
        (None, "元", 2, "—"),
    ],
)
def test_format_quantity(value, unit, decimals, text) -> None:
    assert format_quantity(value, unit, decimals) == text


@pytest.mark.parametrize(
    ("amount", "text"),
    [
        ("1000000", "100万元"),
        ("1000000.00", "100万元"),
        ("150000", "15万元"),
        ("20000", "2万元"),
        ("10000", "1万元"),
        ("12345", "12,345元"),  # 1.2345万: not exact to two decimals, so in 元
        ("123456.78", "123,456.78元"),
        ("123400", "12.34万元"),
        ("5000", "5,000元"),
        ("0.5", "0.50元"),
        ("0", "0元"),
        ("100000000", "1亿元"),
        ("250000000", "2.5亿元"),
        ("123450000", "12,345万元"),  # 1.2345亿: not exact to two decimals, so in 万元
        ("1234567890000", "123,456,789万元"),
        ("1234500000000", "12,345亿元"),
        ("-150000", "-15万元"),
    ],
)
def test_format_yuan_exact_uses_the_largest_exact_unit(amount: str, text: str) -> None:
    assert format_yuan_exact(Decimal(amount)) == text
