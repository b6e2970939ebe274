from __future__ import annotations

import pytest

from ipcity.lib.identifiers import (
    IdentifierError,
    mask_bank_account,
    normalize_bank_account,
    normalize_patent_application_number,
    normalize_uscc,
    uscc_check_char,
    uscc_division_code,
)


def test_uscc_valid_code_normalised() -> None:
    # Full-width characters, spaces and lower case are folded before checking.
    assert normalize_uscc(" ９１３７０６０２madem0001x ") == "91370602MADEM0001X"
    assert uscc_division_code("91370602MADEM0001X") == "370602"


def test_uscc_check_character_is_computed_per_gb32100() -> None:
    # Hand-checked: Σ cᵢ·wᵢ over "91370602MADEM0001" = 1831; 1831 mod 31 = 2; 31 - 2 = 29 -> "X"..
    assert uscc_check_char("91370602MADEM0001") == "X"


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        ("91370602MADEM0001Y", "校验位错误：应为“X”"),
        ("91370602MADEM0001", "应为18位"),
        ("91370602MADEMO001X", "非法字符“O”"),
        ("91370602MADEM0001XX", "应为18位"),
    ],
)
def test_uscc_errors_say_why(code: str, reason: str) -> None:
    with pytest.raises(IdentifierError, match=reason):
        normalize_uscc(code)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("200710308494", "200710308494.X"),  # DOMAIN.md worked example
        ("CN200710308494.X", "200710308494.X"),
        ("ZL 2007 1 0308494 X", "200710308494.X"),
        ("０３１０２９７０.１", "03102970.1"),  # pre-2004: 8 digits, weights 2..9
    ],
)
def test_patent_application_numbers(raw: str, expected: str) -> None:
    assert normalize_patent_application_number(raw) == expected


def test_patent_wrong_check_digit_rejected() -> None:
    with pytest.raises(IdentifierError, match="校验位错误"):
        normalize_patent_application_number("200710308494.1")
    with pytest.raises(IdentifierError, match="缺少校验位"):
        normalize_patent_application_number("200710308494", require_check=True)
    with pytest.raises(IdentifierError, match="专利类型位"):
        normalize_patent_application_number("200750308494")


def test_bank_account_is_digits_only_between_8_and_30() -> None:
    # Spaces and hyphens as people type them, full-width digits: kept as the digits alone.
    assert normalize_bank_account(" 6222 0216-0200 0１２３４ ") == "62220216020001234"
    assert normalize_bank_account("12345678") == "12345678"
    assert normalize_bank_account("1" * 30) == "1" * 30
    # No check digit is verified: a number that fails the Luhn rule is still an account number.
    assert normalize_bank_account("6222021602000123") == "6222021602000123"


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("", "请填写账号"),
        ("1234567", "应为 8 到 30 位数字，实际为 7 位"),
        ("1" * 31, "实际为 31 位"),
        ("6222O21602", "不能含有“O”"),
        ("١٢٣٤٥٦٧٨٩", "不能含有“١”"),  # digits of another script are not account digits
    ],
)
def test_bad_bank_account_is_refused_in_chinese(value: str, reason: str) -> None:
    with pytest.raises(IdentifierError, match=reason):
        normalize_bank_account(value)


def test_bank_account_masked_to_its_last_four_digits() -> None:
    assert mask_bank_account("62220216020001234") == "****1234"
    assert mask_bank_account("") == ""
