from __future__ import annotations

from decimal import Decimal

import pytest

from ipcity.lib.numbers import format_count, format_yuan


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
def test_format_yuan_uses_the_largest_exact_unit(amount: str, text: str) -> None:
    assert format_yuan(Decimal(amount)) == text


def test_format_count() -> None:
    assert format_count(0) == "0"
    assert format_count(999) == "999"
    assert format_count(1234567) == "1,234,567"
