from __future__ import annotations

from pathlib import Path

import pytest

from ipcity.lib.datafile import DataFileError, parse_yaml, read_yaml, validate


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("2024-02-30", "无效的日期：2024-02-30"),
        ("9" * 5000, "整数位数过多"),
        (".nan", "不是有限的数：.nan"),
        ("-.inf", "不是有限的数"),
        ("1.0e+400", "不是有限的数：1.0e+400"),
    ],
    ids=["impossible date", "5000 digits", "nan", "infinity", "overflowing float"],
)
def test_values_yaml_cannot_build_are_errors_at_their_line(tmp_path: Path, value: str, reason: str) -> None:
    file = tmp_path / "x.yaml"
    file.write_text(f"name: x\nstart: {value}\n", encoding="utf-8")
    with pytest.raises(DataFileError) as info:
        read_yaml(file)
    assert info.value.path == "第 2 行第 8 列"
    assert info.value.reason.startswith(reason)


def test_nesting_too_deep_for_the_parser_is_an_error() -> None:
    with pytest.raises(DataFileError, match="嵌套层级过深"):
        parse_yaml("a: " + "[" * 5000, file="规则")


def test_schema_error_names_the_path(tmp_path: Path) -> None:
    schema = {"type": "object", "properties": {"rows": {"type": "array", "items": {"type": "integer"}}}}
    with pytest.raises(DataFileError) as info:
        validate({"rows": [1, "two"]}, schema, file=tmp_path / "f.yaml")
    assert info.value.path == "rows[1]"
    assert "类型不符" in info.value.reason
