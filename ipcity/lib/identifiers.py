"""Check digits of Chinese identifiers (rules and sources in ../shared/docs/DOMAIN.md).

- 统一社会信用代码 (GB 32100-2015): 18 characters; the last is a check character.
- 专利申请号 (since 2004: 12 digits + check; before: 8 digits + check).
- 银行账号 (a payee's account number): digits only, 8–30 of them. There is no check digit to verify:
  Chinese banks number their accounts each in their own way (card numbers often end in a Luhn
  digit, company settlement accounts mostly do not) and no single public rule covers them, so a
  wrong digit is caught by the bank at payment, not here.
"""

from __future__ import annotations

import re
import unicodedata

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


class IdentifierError(ValueError):
    """An identifier is malformed or its check character does not match."""


def _fold(value: str) -> str:
    # Full-width letters/digits to ASCII, spaces removed, upper case.
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", value)).upper()


def uscc_check_char(first17: str) -> str:
    total = 0
    for char, weight in zip(first17, USCC_WEIGHTS, strict=True):
        index = USCC_ALPHABET.find(char)
        if index < 0:
            raise IdentifierError(f"统一社会信用代码含有非法字符“{char}”")
        total += index * weight
    return USCC_ALPHABET[(31 - total % 31) % 31]


def normalize_uscc(value: str) -> str:
    """Return the canonical 18-character code, or raise IdentifierError with a Chinese reason."""
    code = _fold(value)
    if len(code) != 18:
        raise IdentifierError(f"统一社会信用代码应为18位，实际为{len(code)}位")
    for char in code:
        if char not in USCC_ALPHABET:
            raise IdentifierError(f"统一社会信用代码含有非法字符“{char}”（不使用 I、O、S、V、Z）")
    expected = uscc_check_char(code[:17])
    if code[17] != expected:
        raise IdentifierError(f"统一社会信用代码校验位错误：应为“{expected}”，实际为“{code[17]}”")
    return code


BANK_ACCOUNT_MIN, BANK_ACCOUNT_MAX = 8, 30


def normalize_bank_account(value: str) -> str:
    """The account number as digits only (spaces and hyphens people type are dropped; full-width
    digits become ASCII), or IdentifierError with a Chinese reason. No check digit (see above)."""
    number = re.sub(r"[\s\-]+", "", unicodedata.normalize("NFKC", value))
    if not number:
        raise IdentifierError("请填写账号")
    wrong = next((char for char in number if not ("0" <= char <= "9")), None)
    if wrong is not None:
        raise IdentifierError(f"账号只能由数字组成，不能含有“{wrong}”")
    if not BANK_ACCOUNT_MIN <= len(number) <= BANK_ACCOUNT_MAX:
        raise IdentifierError(
            f"账号应为 {BANK_ACCOUNT_MIN} 到 {BANK_ACCOUNT_MAX} 位数字，实际为 {len(number)} 位"
        )
    return number


def mask_bank_account(number: str) -> str:
    """What those who may not read an account number see: its last four digits (****1234)."""
    return f"****{number[-4:]}" if number else ""


def uscc_division_code(code: str) -> str:
    """Positions 3–8: the administrative division code of the registering authority."""
    return code[2:8]


PATENT_TYPES = {"1": "invention", "2": "utility_model", "3": "design", "8": "invention", "9": "utility_model"}
_WEIGHTS_NEW = (2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5)
_WEIGHTS_OLD = (2, 3, 4, 5, 6, 7, 8, 9)


def patent_check_digit(digits: str) -> str:
    weights = _WEIGHTS_NEW if len(digits) == 12 else _WEIGHTS_OLD
    if len(digits) not in (8, 12) or not digits.isdigit():
        raise IdentifierError("专利申请号应为8位（2004年前）或12位数字加校验位")
    remainder = sum(int(d) * w for d, w in zip(digits, weights, strict=True)) % 11
    return "X" if remainder == 10 else str(remainder)


def normalize_patent_application_number(value: str, *, require_check: bool = False) -> str:
    """'CN200710308494.X', 'ZL 2007 1 0308494X', '200710308494' -> '200710308494.X'.

    A check digit present must match; a missing one is computed unless require_check.
    """
    text = _fold(value)
    text = re.sub(r"^(CN|ZL)", "", text).replace(".", "")
    match = re.fullmatch(r"(\d{12}|\d{8})([0-9X]?)", text)
    if not match:
        raise IdentifierError(f"专利申请号格式不正确：{value}")
    digits, check = match.groups()
    expected = patent_check_digit(digits)
    if check:
        if check != expected:
            raise IdentifierError(f"专利申请号校验位错误：应为“{expected}”，实际为“{check}”")
    elif require_check:
        raise IdentifierError(f"专利申请号缺少校验位：{value}")
    type_digit = digits[4] if len(digits) == 12 else digits[2]
    if type_digit not in PATENT_TYPES:
        raise IdentifierError(f"专利申请号的专利类型位“{type_digit}”无效（应为1、2、3、8或9）")
    return f"{digits}.{expected}"
