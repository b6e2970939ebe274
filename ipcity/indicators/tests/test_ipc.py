"""IPC parsing and the 战略性新兴产业 concordance: main-group semantics, exclusions, the odd codes."""

from __future__ import annotations

from pathlib import Path

import pytest

from ipcity.indicators.ipc import Ipc, SeiConcordance, SeiRule, load_concordance, parse_ipc, parse_pattern

CONCORDANCE_FILE = Path(__file__).resolve().parents[3] / "data" / "indicators" / "sei_ipc_2021.csv"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("G06F 16/30", Ipc("G06F", 16, "30")),
        ("G06F16/30", Ipc("G06F", 16, "30")),
        ("g06f 16/30 (2019.01)", Ipc("G06F", 16, "30")),
        ("Ｇ０６Ｆ　１／１６", Ipc("G06F", 1, "16")),
        ("H04W 4/00", Ipc("H04W", 4, "00")),
        ("A61K", Ipc("A61K", None, None)),
        ("not an ipc", None),
    ],
)
def test_parse_ipc(text: str, expected: Ipc | None) -> None:
    assert parse_ipc(text) == expected


def test_main_group_pattern_is_not_a_string_prefix() -> None:
    pattern = parse_pattern("G06F1*")
    assert pattern.matches(Ipc("G06F", 1, "16"))
    assert pattern.matches(Ipc("G06F", 1, "00"))
    assert not pattern.matches(Ipc("G06F", 16, "30"))
    assert not pattern.matches(Ipc("G06F", 11, "14"))


def test_exact_group_subclass_and_class_patterns() -> None:
    group = parse_pattern("G06F11/14")
    assert group.matches(Ipc("G06F", 11, "14"))
    assert not group.matches(Ipc("G06F", 11, "1402"))  # a different (lower) subgroup: not "that group"
    assert not group.matches(Ipc("G06F", 11, "10"))
    assert parse_pattern("B41J*").matches(Ipc("B41J", 2, "01"))
    assert parse_pattern("G16H").matches(Ipc("G16H", 10, "60"))  # unnormalised subclass
    assert parse_pattern("G16*").matches(Ipc("G16B", 5, "00"))
    assert not parse_pattern("G16*").matches(Ipc("G06F", 5, "00"))
    assert parse_pattern("H03M13").matches(Ipc("H03M", 13, "05"))  # unnormalised main group
    with pytest.raises(ValueError, match="无法识别"):
        parse_pattern("G06F1/2*")


def test_exclusion_applies_per_code() -> None:
    rule = SeiRule(
        "1", "1.1", "下一代信息网络产业", "1", (parse_pattern("G06F11*"),), (parse_pattern("G06F11/14"),), ()
    )
    concordance = SeiConcordance([rule])
    assert concordance.branches_for(["G06F 11/30"]) == {"1.1"}
    assert concordance.branches_for(["G06F 11/14"]) == set()
    # Another code of the same patent can still qualify it.
    assert concordance.branches_for(["G06F 11/14", "G06F 11/07"]) == {"1.1"}


def test_the_shipped_concordance() -> None:
    concordance = load_concordance(CONCORDANCE_FILE)
    assert len(concordance.rules) == 303
    assert len(concordance.branches) == 40
    # Rule 1.1/1: G06F11* minus G06F11/14 ...
    assert "1.1" in concordance.branches_for(["G06F 11/30"])
    # H01M 10/0525 (lithium-ion secondary batteries): 5.2 新能源汽车装置、配件制造.
    assert concordance.branches_for(["H01M 10/0525"]) == {"5.2"}
    assert concordance.branches_for(["A61K 31/00"]) == {"4.1"}
    assert concordance.branches[("4.1")] == "生物医药产业"
    # A classic mechanical subclass with no SEI rule.
    assert concordance.branches_for(["A47C 7/00"]) == set()
