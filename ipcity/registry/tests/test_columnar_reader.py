"""The Polars reader of UTF-8 CSV files sees the same rows, numbered the same way, as the Python
reader; where it cannot vouch for a file it hands over to the Python reader mid-way."""

from __future__ import annotations

from pathlib import Path

import pytest

from ipcity.registry.importers import import_file
from ipcity.registry.importers.sources import TableSource
from ipcity.registry.models import Patent
from ipcity.registry.tests.helpers import ACTOR, app_no

pytestmark = pytest.mark.django_db

HEADER = "申请号,申请日,名称,申请（专利权）人,法律状态\n"


def line(serial: int, title: str = "一种装置", date: str = "2022-03-01") -> str:
    return f"CN{app_no(2022, '1', serial)},{date},{title},烟台读取测试有限公司,有效\n"


def outcome(path: Path, *, python_only: bool, monkeypatch: pytest.MonkeyPatch) -> dict:
    with monkeypatch.context() as patch:
        if python_only:
            patch.setattr(TableSource, "polars_readable", lambda self, width: False)
        result = import_file("patents", path, actor=ACTOR, dry_run=True, skip_invalid=True)
    return {
        "rows": result.rows,
        "created": result.created,
        "rejected": result.rejected,
        "errors": [e.as_dict() for e in result.errors],
        "refused": result.reason,
    }


@pytest.mark.parametrize(
    "body",
    [
        # blank lines, a quoted cell over two lines, a row of spaces, an error after them
        line(1)
        + "\n"
        + line(2, '"两行\n的标题"')
        + ",,  ,,\n"
        + line(3, date="2022-02-30")
        + "\n\n"
        + line(4),
        # a short row (fewer cells than the header) and one with a cell more than the header
        line(5) + f"CN{app_no(2022, '1', 6)},2022-03-01,短行\n" + line(7).rstrip("\n") + ",多余\n" + line(8),
        # a duplicate across the Polars reader's batches is still a duplicate (small batch below)
        "".join(line(n) for n in range(10, 40)) + line(12),
        # bad UTF-8 in the middle
        line(41) + line(42),
        # Windows line ends, a blank line, a quoted cell with a line end inside, no final newline
        (line(70) + "\n" + line(71, '"甲\n乙"') + line(72, date="2022-13-01")).replace("\n", "\r\n").rstrip(),
    ],
)
def test_polars_and_python_readers_agree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, body: str) -> None:
    from ipcity.registry.importers import engine

    monkeypatch.setattr(engine, "COLUMNAR_BATCH", 7)
    path = tmp_path / "read.csv"
    data = ("\ufeff" + HEADER + body).encode()
    if "CN" + app_no(2022, "1", 41) in body:
        data = data.replace(
            "烟台读取测试有限公司,有效\nCN".encode(), b"\xff\xfe,\xe6\x9c\x89\xe6\x95\x88\nCN", 1
        )
    path.write_bytes(data)
    fast = outcome(path, python_only=False, monkeypatch=monkeypatch)
    slow = outcome(path, python_only=True, monkeypatch=monkeypatch)
    assert fast == slow
    assert fast["rows"] > 0 or "编码" in fast["refused"]


def test_a_thousand_empty_rows_end_the_table_as_before(tmp_path: Path) -> None:
    path = tmp_path / "gap.csv"
    path.write_text(HEADER + line(51) + "\n" * 1000 + line(52), encoding="utf-8-sig")
    result = import_file("patents", path, actor=ACTOR)
    assert (result.rows, result.created) == (1, 1)
    assert list(Patent.objects.values_list("application_number", flat=True)) == [app_no(2022, "1", 51)]


def test_row_numbers_count_records_not_lines(tmp_path: Path) -> None:
    path = tmp_path / "lines.csv"
    path.write_text(
        "检索结果\n" + HEADER + line(61, '"跨\n三\n行"') + "\n" + line(62, date="明天"), encoding="utf-8-sig"
    )
    result = import_file("patents", path, actor=ACTOR)
    assert result.refused
    assert [(e.row, e.column) for e in result.errors] == [(5, "申请日")]
