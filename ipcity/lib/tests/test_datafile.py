from __future__ import annotations

from pathlib import Path

import pytest

from ipcity.lib.datafile import DataFileError, read_yaml, validate


def test_impossible_date_is_a_data_file_error(tmp_path: Path) -> None:
    file = tmp_path / "x.yaml"
    file.write_text("start: 2024-02-30\n", encoding="utf-8")
    with pytest.raises(DataFileError, match="无法解析的值"):
        read_yaml(file)


def test_schema_error_names_the_path(tmp_path: Path) -> None:
    schema = {"type": "object", "properties": {"rows": {"type": "array", "items": {"type": "integer"}}}}
    with pytest.raises(DataFileError) as info:
        validate({"rows": [1, "two"]}, schema, file=tmp_path / "f.yaml")
    assert info.value.path == "rows[1]"
    assert "类型不符" in info.value.reason
