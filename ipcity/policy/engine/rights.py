"""The keys that name an IP right (or a recognition) in 同一知识产权不重复奖补, and how a reader sees
them. Grants builds the keys from registry records (grants/records.py) with these prefixes; the
engine compares keys and, in an explanation, shows `describe_right(key)` instead of the key."""

from __future__ import annotations

TRADEMARK = "TM"
MADRID = "MADRID"
GEOGRAPHICAL_INDICATION = "GI:"
PLEDGE = "PLEDGE:"
RECOGNITION = "TAG:"


def trademark(registration_number: str) -> str:
    return f"{TRADEMARK}{registration_number}"


def madrid(number: str) -> str:
    return f"{MADRID}{number}"


def geographical_indication(kind: str, product: str) -> str:
    return f"{GEOGRAPHICAL_INDICATION}{kind}:{product}"


def pledge(registration_number: str) -> str:
    return f"{PLEDGE}{registration_number}"


def recognition(tag: str, year: int, organisation: str) -> str:
    """A recognition of an organisation in a year (e.g. 省级知识产权优势企业 2024): `organisation` is
    its 统一社会信用代码 (or its number in the registry when it has none)."""
    return f"{RECOGNITION}{tag}:{year}:{organisation}"


def describe_right(key: str) -> str:
    """The key as a reader sees it: 商标第…号, 地理标志“…”, 2024 年度认定（…）; a patent's application
    number and anything typed by hand as they are."""
    if key.startswith(RECOGNITION):
        parts = key[len(RECOGNITION) :].split(":")
        if len(parts) == 3 and parts[1].isdigit():
            return f"{parts[1]} 年度的认定（单位：{parts[2]}）"
        return "认定"
    if key.startswith(GEOGRAPHICAL_INDICATION):
        product = key[len(GEOGRAPHICAL_INDICATION) :].partition(":")[2]
        return f"地理标志“{product}”"
    if key.startswith(PLEDGE):
        return f"质押登记 {key[len(PLEDGE) :]}"
    if key.startswith(MADRID) and key[len(MADRID) :].isdigit():
        return f"马德里国际注册第 {key[len(MADRID) :]} 号"
    if key.startswith(TRADEMARK) and key[len(TRADEMARK) :].isdigit():
        return f"商标第 {key[len(TRADEMARK) :]} 号"
    return key
