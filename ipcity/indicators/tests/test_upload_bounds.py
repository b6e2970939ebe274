"""Data-entry uploads are bounded (size before reading; zip bombs and huge sheets refused, nothing
written), and drill-down exports write patent titles as text, never as formulas."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Sequence

import openpyxl
import pytest
from django.test import override_settings

from ipcity.core.audit import Actor
from ipcity.indicators.models import Snapshot, Survey, TrainingAttendance
from ipcity.indicators.services import compute_snapshots
from ipcity.registry.models import Patent
from ipcity.test import FORMULA_TEXTS, Personas, assert_text_cells

pytestmark = pytest.mark.django_db

TRAINING = [
    ["培训名称", "日期", "主办单位", "区市", "姓名", "单位", "电话"],
    ["专利导航培训", "2024-04-26", "市市场监管局", "芝罘区", "张三", "甲公司", ""],
]


def _file(rows: Sequence[Sequence[object]], *, padding_mb: int = 0) -> io.BytesIO:
    wb = openpyxl.Workbook()
    for row in rows:
        wb.active.append(row)  # test input, written the plain openpyxl way
    buffer = io.BytesIO()
    wb.save(buffer)
    if padding_mb:  # one more part of the zip: megabytes of one letter, deflated to kilobytes
        with (
            zipfile.ZipFile(buffer, "a", zipfile.ZIP_DEFLATED) as archive,
            archive.open("xl/pad.xml", "w") as out,
        ):
            for _ in range(padding_mb):
                out.write(b"A" * (1 << 20))
    upload = io.BytesIO(buffer.getvalue())
    upload.name = "签到表.xlsx"
    return upload


def _post(personas: Personas, upload: io.BytesIO, kind: str = "training") -> str:
    data = {"kind": kind, f"{kind}-file": upload}
    if kind == "survey":
        data |= {"survey-organiser": "市局", "survey-method": "问卷", "survey-source": "报告"}
    return personas.client(personas.admin).post("/indicators/data/", data).content.decode()


@override_settings(IPCITY_MAX_UPLOAD_BYTES=8000)
def test_an_upload_over_the_size_limit_is_refused_before_reading(personas: Personas, plan) -> None:  # type: ignore[no-untyped-def]
    upload = _file(
        TRAINING
        + [["专利导航培训", "2024-04-26", "市局", "芝罘区", f"学员{i}", "甲", ""] for i in range(300)]
    )
    assert len(upload.getvalue()) > 8000 > len(_file(TRAINING).getvalue())
    html = _post(personas, upload)
    assert "“签到表.xlsx”大小为" in html and "超过上限" in html
    assert not TrainingAttendance.objects.exists()
    _post(personas, _file(TRAINING))
    assert TrainingAttendance.objects.count() == 1


def test_a_zip_bomb_upload_is_refused_with_nothing_written(personas: Personas, plan) -> None:  # type: ignore[no-untyped-def]
    for kind in ("training", "survey"):
        html = _post(personas, _file(TRAINING, padding_mb=120), kind)
        assert "文件未导入（未写入任何数据）" in html and "疑似“压缩炸弹”" in html
    assert not TrainingAttendance.objects.exists() and not Survey.objects.exists()


def test_a_sheet_of_too_many_rows_is_refused(personas: Personas, plan, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr("ipcity.indicators.importers.MAX_ROWS", 3)
    html = _post(personas, _file(TRAINING * 2))
    assert "文件超过 3 行的上限（第 4 行起未读取）" in html
    assert not TrainingAttendance.objects.exists()


def test_drilldown_excel_writes_formula_like_titles_as_text(
    personas: Personas, make_patent, indicators
) -> None:  # type: ignore[no-untyped-def]
    for title in FORMULA_TEXTS:
        Patent.objects.filter(pk=make_patent().pk).update(title=title)
    compute_snapshots(year=2024, as_of=dt.date(2024, 12, 31), actor=Actor.cli())
    snapshot = Snapshot.objects.get(indicator__code="invention_patents_valid", region=None, year=2024)
    response = personas.client(personas.admin).get(
        "/indicators/invention_patents_valid/records/", {"snapshot": str(snapshot.pk), "format": "xlsx"}
    )
    assert_text_cells(response.content, FORMULA_TEXTS)
