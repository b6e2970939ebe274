"""The annual decomposition in Excel: a lossless round trip on a real .xlsx file, a file
with bad rows refused with line numbers and nothing written, and the import as a background job."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from ipcity.core.audit import Actor
from ipcity.core.models import AuditEvent
from ipcity.lib.excel import workbook_bytes
from ipcity.plans.models import Row, Target
from ipcity.supervision import selectors, services
from ipcity.supervision.decomposition import (
    COL,
    HEADERS,
    SHEET,
    DecompositionError,
    decomposition_workbook,
    read_decomposition,
)
from ipcity.supervision.models import FlagComputation, Milestone, RowSetting
from ipcity.test import FORMULA_TEXTS, assert_text_cells

from .conftest import at

CLI = Actor.cli("test")


def cells(path) -> list[tuple]:
    wb = load_workbook(path)
    return [tuple(c.value for c in row) for row in wb[SHEET].iter_rows()]


def write(path, plan) -> None:
    path.write_bytes(workbook_bytes(decomposition_workbook(plan)))


@pytest.fixture
def decomposed(plan, make_milestone):
    """A few milestones of every kind: quantitative with a plan target, a range, a deliverable,
    a district's share, a monthly key project."""
    target = Target.objects.get(plan=plan, code="hv_patent_cultivation_centres")
    make_milestone(
        "P2.S2.R2",
        department="市市场监管局",
        start="2022-03-01",
        due="2022-12-31",
        title="建设高价值专利培育中心",
        comparison="<=",
        target_value=Decimal(10),
        unit="个",
        deliverable="",
        target=target,
        key=True,
        frequency="monthly",
    )
    make_milestone(
        "P2.S2.R2",
        department="市科技局",
        start="2022-03-01",
        due="2022-12-31",
        position=2,
        title="遴选高价值专利组合",
        comparison="range",
        target_min=Decimal(5),
        target_max=Decimal(10),
        unit="个",
        deliverable="",
        frequency="monthly",
        key=True,
    )
    make_milestone(
        "P2.S2.R2",
        department="市财政局",
        start="2023-01-01",
        due="2023-06-30",
        title="专项资金拨付",
        deliverable="资金拨付文件",
        frequency="monthly",
        key=True,
    )
    make_milestone(
        "P3.S2",
        department="各区市局",
        region="芝罘区",
        start="2023-01-01",
        due="2023-12-31",
        title="专利项目落户",
        comparison=">=",
        target_value=Decimal("2.5"),
        unit="项",
        deliverable="",
    )
    make_milestone(
        "P7.S1",
        department="市市场监管局",
        start="2024-01-01",
        due="2024-12-31",
        title="专业培训",
        comparison=">=",
        target_value=Decimal(1000),
        unit="人次",
        deliverable="",
    )
    return Milestone.objects.count()


@pytest.mark.django_db
def test_round_trip_is_lossless(plan, decomposed, tmp_path) -> None:
    first = tmp_path / "decomposition.xlsx"
    write(first, plan)
    rows = cells(first)
    assert list(rows[1][: len(HEADERS)]) == HEADERS
    # Headings as in the annex, the row's columns on its first line only, one line per milestone.
    texts = [r[COL["text"]] for r in rows]
    assert "二、实施知识产权要素配置工程" in texts and "（二）开展高价值专利培育和布局" in texts
    r22 = [r for r in rows if r[COL["code"]] == "P2.S2.R2"]
    assert len(r22) == 3 and r22[0][COL["lead"]] == "市市场监管局" and r22[1][COL["lead"]] is None
    assert r22[0][COL["key"]] == "是" and r22[0][COL["frequency"]] == "按月"
    assert r22[1][COL["comparison"]] == "区间" and r22[1][COL["target_min"]] == 5
    assert r22[0][COL["target"]] == "hv_patent_cultivation_centres"
    assert next(r for r in rows if r[COL["code"]] == "P3.S2" and r[COL["lead"]])[COL["region"]] == "芝罘区"
    assert len([r for r in rows[2:] if r[COL["code"]] and r[COL["lead"]]]) == 38  # every row once

    before = {
        m.pk: (m.title, m.start, m.due, m.target_value, m.target_min, m.target_max, m.unit, m.region_id)
        for m in Milestone.objects.all()
    }
    events = AuditEvent.objects.count()
    result = services.import_decomposition(read_decomposition(first, plan), actor=CLI)
    assert result.as_dict() == {
        "rows": 38,
        "created": 0,
        "updated": 0,
        "unchanged": decomposed,
        "deleted": 0,
        "settings_changed": 0,
    }
    after = {
        m.pk: (m.title, m.start, m.due, m.target_value, m.target_min, m.target_max, m.unit, m.region_id)
        for m in Milestone.objects.all()
    }
    assert after == before
    assert AuditEvent.objects.count() == events + 1  # only the import summary
    second = tmp_path / "again.xlsx"
    write(second, plan)
    assert cells(second) == rows


@pytest.mark.django_db
def test_formula_like_text_is_exported_as_text_and_imports_back_unchanged(plan, decomposed, tmp_path) -> None:
    milestones = list(Milestone.objects.order_by("pk")[: len(FORMULA_TEXTS[:4])])
    for m, text in zip(milestones, FORMULA_TEXTS, strict=False):
        Milestone.objects.filter(pk=m.pk).update(title=text, deliverable=f"@{text}")
    path = tmp_path / "formulas.xlsx"
    write(path, plan)
    assert_text_cells(path.read_bytes(), [*FORMULA_TEXTS[:4], *(f"@{t}" for t in FORMULA_TEXTS[:4])])
    result = services.import_decomposition(read_decomposition(path, plan), actor=CLI)
    assert (result.updated, result.unchanged) == (0, decomposed)
    assert sorted(
        Milestone.objects.filter(pk__in=[m.pk for m in milestones]).values_list("title", flat=True)
    ) == sorted(FORMULA_TEXTS[:4])


@pytest.mark.django_db
def test_a_bomb_or_an_oversized_sheet_is_refused_and_nothing_is_written(
    plan, decomposed, tmp_path, monkeypatch
) -> None:
    import zipfile

    path = tmp_path / "bomb.xlsx"
    write(path, plan)
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as archive, archive.open("xl/pad.xml", "w") as out:
        for _ in range(120):
            out.write(b"A" * (1 << 20))
    before = list(Milestone.objects.values_list("pk", "title"))
    with pytest.raises(DecompositionError, match="疑似“压缩炸弹”"):
        read_decomposition(path, plan)
    edited = tmp_path / "long.xlsx"
    write(edited, plan)
    wb = load_workbook(edited)
    ws = wb[SHEET]
    line = next(n for n in range(3, ws.max_row + 1) if ws.cell(row=n, column=COL["department"] + 1).value)
    ws.cell(row=line, column=COL["department"] + 1, value="部" * 200_000)
    wb.save(edited)
    with pytest.raises(DecompositionError) as info:
        read_decomposition(edited, plan)
    assert len(str(info.value)) < 1000 and "未知的责任部门" in str(info.value)
    monkeypatch.setattr("ipcity.supervision.decomposition.MAX_LINES", 50)
    write(path, plan)
    with pytest.raises(DecompositionError, match="文件超过 50 行的上限"):
        read_decomposition(path, plan)
    assert list(Milestone.objects.values_list("pk", "title")) == before


@pytest.mark.django_db
def test_edited_file_is_applied_and_exports_as_edited(plan, decomposed, tmp_path) -> None:
    path = tmp_path / "edited.xlsx"
    write(path, plan)
    wb = load_workbook(path)
    ws = wb[SHEET]
    lines = {
        ws.cell(row=n, column=COL["code"] + 1).value: n
        for n in range(3, ws.max_row + 1)
        if ws.cell(row=n, column=COL["lead"] + 1).value
    }
    p7 = lines["P7.S1"]
    ws.cell(row=p7, column=COL["title"] + 1, value="知识产权专业培训（修订）")
    ws.cell(row=p7, column=COL["target_value"] + 1, value=1200)
    ws.cell(row=p7, column=COL["key"] + 1, value="是")
    s1 = lines["P1.S1.R1"]  # a row without milestones gets one
    for key, value in {
        "year": 2023,
        "position": 1,
        "title": "检验鉴定机构名录",
        "department": "市司法局",
        "start": dt.datetime(2023, 2, 1),
        "due": dt.datetime(2023, 9, 30),
        "deliverable": "名录文件",
    }.items():
        ws.cell(row=s1, column=COL[key] + 1, value=value)
    # Remove the 2023 milestone of P2.S2.R2 (its line), which has no reports.
    r22 = [n for n in range(3, ws.max_row + 1) if ws.cell(row=n, column=COL["code"] + 1).value == "P2.S2.R2"]
    ws.delete_rows(r22[2])
    wb.save(path)
    expected = cells(path)

    result = services.import_decomposition(read_decomposition(path, plan), actor=CLI)
    assert (result.created, result.updated, result.deleted, result.settings_changed) == (1, 1, 1, 1)
    training = Milestone.objects.get(row__code="P7.S1")
    assert training.title == "知识产权专业培训（修订）" and training.target_value == Decimal(1200)
    assert RowSetting.objects.get(row__code="P7.S1").is_key_project
    assert Milestone.objects.get(row__code="P1.S1.R1").department.name == "市司法局"
    assert not Milestone.objects.filter(row__code="P2.S2.R2", year=2023).exists()
    again = tmp_path / "exported.xlsx"
    write(again, plan)
    assert cells(again) == expected


@pytest.mark.django_db
def test_bad_rows_are_reported_with_line_numbers_and_nothing_is_written(plan, decomposed, tmp_path) -> None:
    path = tmp_path / "bad.xlsx"
    write(path, plan)
    wb = load_workbook(path)
    ws = wb[SHEET]
    line_of = {}
    for n in range(3, ws.max_row + 1):
        code = ws.cell(row=n, column=COL["code"] + 1).value
        if ws.cell(row=n, column=COL["lead"] + 1).value:
            line_of[code] = n
    ws.cell(row=line_of["P7.S1"], column=COL["title"] + 1, value="会被忽略的修改")  # a valid change elsewhere
    bad = {
        line_of["P1.S1.R2"]: {
            "year": 2023,
            "title": "x",
            "department": "市不存在局",
            "start": "2023-01-01",
            "due": "2023-06-30",
            "deliverable": "y",
        },
        line_of["P1.S3.R1"]: {
            "year": 2023,
            "title": "x",
            "department": "市法院",
            "start": "2023-06-30",
            "due": "2023-01-01",
            "deliverable": "y",
        },
        line_of["P1.S3.R2"]: {
            "year": 2023,
            "title": "x",
            "department": "市市场监管局",
            "start": "2023-01-01",
            "due": "明年",
            "deliverable": "y",
        },
        line_of["P1.S4"]: {
            "year": 2023,
            "title": "x",
            "department": "市教育局",
            "start": "2023-01-01",
            "due": "2023-06-30",
            "deliverable": "y",
        },
        line_of["P1.S5"]: {
            "year": 2023,
            "title": "x",
            "department": "市财政局",
            "start": "2023-01-01",
            "due": "2023-06-30",
            "comparison": "≥",
            "deliverable": None,
        },
    }
    for n, values in bad.items():
        for key, value in values.items():
            ws.cell(row=n, column=COL[key] + 1, value=value)
    ws.cell(row=line_of["P2.S1"], column=COL["lead"] + 1, value="市财政局")
    ws.cell(row=line_of["P2.S3.R1"], column=COL["frequency"] + 1, value="每周")
    ws.cell(row=ws.max_row + 1, column=COL["code"] + 1, value="P9.S9")
    wb.save(path)

    before = list(Milestone.objects.values_list("pk", "title").order_by("pk"))
    events = AuditEvent.objects.count()
    with pytest.raises(DecompositionError) as info:
        read_decomposition(path, plan)
    problems = [(p.line, p.column, p.reason) for p in info.value.problems]
    lines = {p[0] for p in problems}
    assert lines == {*bad, line_of["P2.S1"], line_of["P2.S3.R1"], ws.max_row}
    text = "\n".join(str(p) for p in info.value.problems)
    assert f"第 {line_of['P1.S1.R2']} 行「责任部门」：未知的责任部门“市不存在局”" in text
    assert "完成时限 2023-01-01 早于开始日期 2023-06-30" in text
    assert "日期格式应为 YYYY-MM-DD：明年" in text
    assert "责任部门“市教育局”不是该任务的牵头或配合部门" in text
    assert "量化目标需要目标值" in text
    assert "牵头部门应为“市市场监管局”" in text
    assert "应填“按月”或“按季度”：每周" in text
    assert "工作方案中没有任务代码“P9.S9”" in text
    assert list(Milestone.objects.values_list("pk", "title").order_by("pk")) == before
    assert AuditEvent.objects.count() == events


@pytest.mark.django_db
def test_changes_that_would_orphan_reports_are_refused(plan, make_milestone, tmp_path) -> None:
    m = make_milestone("P1.S2", start="2023-01-01", due="2023-06-30")
    services.submit_report(
        m,
        period_code="2023-Q1",
        percent_complete=40,
        narrative="x",
        actor=CLI,
        at=at("2023-03-01"),
        recompute=False,
    )
    path = tmp_path / "orphan.xlsx"
    write(path, plan)
    wb = load_workbook(path)
    ws = wb[SHEET]
    n = next(
        n
        for n in range(3, ws.max_row + 1)
        if ws.cell(row=n, column=COL["code"] + 1).value == "P1.S2"
        and ws.cell(row=n, column=COL["lead"] + 1).value
    )
    ws.cell(row=n, column=COL["department"] + 1, value="市商务局")
    ws.cell(row=n, column=COL["frequency"] + 1, value="按月")
    wb.save(path)
    with pytest.raises(DecompositionError) as info:
        read_decomposition(path, plan)
    reasons = {(p.line, p.column): p.reason for p in info.value.problems}
    assert reasons[(n, "报送频次")] == "该任务已有进度报告，不能再修改报送频次"
    assert reasons[(n, "责任部门")] == "该节点已有进度报告，不能更换责任部门或区市"


@pytest.mark.django_db
def test_not_a_workbook_is_refused(plan, tmp_path) -> None:
    path = tmp_path / "x.xlsx"
    path.write_bytes(b"not a zip")
    with pytest.raises(DecompositionError, match="无法读取 Excel 文件"):
        read_decomposition(path, plan)
    assert Row.objects.count() == 38


@pytest.mark.django_db
def test_cli_import_and_export(plan, decomposed, tmp_path) -> None:
    import io

    from django.core.management import CommandError, call_command

    path = tmp_path / "cli.xlsx"
    out = io.StringIO()
    call_command("supervision", "export", "-o", str(path), stdout=out)
    out = io.StringIO()
    call_command("supervision", "import", str(path), "--dry-run", stdout=out)
    assert f"校验通过：38 项任务，{decomposed} 个节点（未写入）" in out.getvalue()
    out = io.StringIO()
    call_command("supervision", "import", str(path), stdout=out, stderr=io.StringIO())
    assert f"未变 {decomposed}" in out.getvalue()
    wb = load_workbook(path)
    wb[SHEET].cell(row=4, column=COL["code"] + 1, value="P0")
    wb[SHEET].cell(row=4, column=COL["lead"] + 1, value="市市场监管局")
    wb.save(path)
    with pytest.raises(CommandError) as info:
        call_command("supervision", "import", str(path), stdout=io.StringIO())
    assert info.value.returncode == 2 and "第 4 行" in str(info.value)


def lines_by_code(ws) -> dict[str, int]:
    """Line number of each row's first line (the one carrying the row's own columns)."""
    return {
        ws.cell(row=n, column=COL["code"] + 1).value: n
        for n in range(3, ws.max_row + 1)
        if ws.cell(row=n, column=COL["lead"] + 1).value
    }


@pytest.mark.django_db
def test_import_job_writes_the_file_then_recomputes_flags(plan, decomposed, tmp_path) -> None:
    path = tmp_path / "job.xlsx"
    write(path, plan)
    wb = load_workbook(path)
    ws = wb[SHEET]
    ws.cell(row=lines_by_code(ws)["P7.S1"], column=COL["title"] + 1, value="知识产权专业培训（修订）")
    wb.save(path)

    job = services.start_decomposition_import_job(path, plan, actor=CLI)
    job.refresh_from_db()  # under tests the job runs synchronously, inside start_job
    assert (job.kind, job.label, job.status) == ("supervision.import", "导入年度任务分解", "succeeded")
    assert job.result == {
        "rows": 38,
        "created": 0,
        "updated": 1,
        "unchanged": decomposed - 1,
        "deleted": 0,
        "settings_changed": 0,
    }
    assert (job.done, job.total) == (38, 38)
    assert Milestone.objects.get(row__code="P7.S1").title == "知识产权专业培训（修订）"
    assert FlagComputation.objects.filter(horizon=selectors.today()).exists()  # flags recomputed after
    actions = list(AuditEvent.objects.filter(object_id=str(job.pk)).values_list("action", flat=True))
    assert sorted(actions) == ["job.finish", "job.start"]
    assert AuditEvent.objects.filter(action="supervision.decomposition.import").count() == 1


@pytest.mark.django_db
def test_a_failing_import_job_is_reported_and_writes_nothing(plan, decomposed, tmp_path) -> None:
    path = tmp_path / "stale.xlsx"
    write(path, plan)
    wb = load_workbook(path)
    ws = wb[SHEET]
    lines = lines_by_code(ws)
    ws.cell(row=lines["P2.S2.R2"], column=COL["title"] + 1, value="改过的标题")  # an earlier row
    ws.cell(row=lines["P3.S2"], column=COL["region"] + 1, value="莱山区")
    wb.save(path)
    row_plans = read_decomposition(path, plan)  # valid when read ...
    assert "改过的标题" in [line.values["title"] for p in row_plans for line in p.milestones]
    zhifu = Milestone.objects.get(row__code="P3.S2")
    services.submit_report(  # ... but a report arrives before the job writes it
        zhifu,
        period_code="2023-Q1",
        percent_complete=20,
        actual_value=1,
        narrative="x",
        actor=CLI,
        at=at("2023-02-01"),
        recompute=False,
    )

    job = services.start_decomposition_import_job(path, plan, actor=CLI)
    job.refresh_from_db()
    assert job.status == "failed" and "不能更换责任部门或区市" in job.error
    assert (
        Milestone.objects.get(row__code="P2.S2.R2", year=2022, position=1).title == "建设高价值专利培育中心"
    )
    assert Milestone.objects.filter(pk=zhifu.pk, region__name="芝罘区").exists()
    assert not AuditEvent.objects.filter(action="supervision.decomposition.import").exists()
    assert not FlagComputation.objects.exists()
