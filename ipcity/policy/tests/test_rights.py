"""A right's key is compared as it is and shown to readers in words (同一知识产权不重复奖补)."""

from __future__ import annotations

import pytest

from ipcity.policy.engine import rights
from ipcity.policy.engine.rights import describe_right


@pytest.mark.parametrize(
    ("key", "shown"),
    [
        (rights.trademark("12345678"), "商标第 12345678 号"),
        (rights.madrid("1234567"), "马德里国际注册第 1234567 号"),
        (rights.geographical_indication("product", "莱阳梨"), "地理标志“莱阳梨”"),
        (rights.pledge("Y2024001"), "质押登记 Y2024001"),
        (
            rights.recognition("ip_advantage_province", 2024, "91370600MA3C000001"),
            "2024 年度的认定（单位：91370600MA3C000001）",
        ),
        ("202310123456.7", "202310123456.7"),  # a patent: its application number
        ("自填项目编号", "自填项目编号"),
    ],
)
def test_keys_read_in_words(key: str, shown: str) -> None:
    assert describe_right(key) == shown


def test_no_code_reaches_the_reader() -> None:
    text = describe_right(rights.recognition("ip_advantage_province", 2024, "91370600MA3C000001"))
    assert "ip_advantage" not in text and "TAG" not in text
