"""`ipcity plan export --format json` (a public contract) and the Excel task table."""

from __future__ import annotations

import io
import json
from pathlib import Path

import openpyxl
import pytest
import yaml
from django.core.management import call_command

from ipcity.plans.models import Plan
from ipcity.test import PLAN_FILE


def _export() -> dict:
    out = io.StringIO()
    call_command("plan", "export", "--format", "json", stdout=out)
    return json.loads(out.getvalue())


@pytest.mark.django_db
def test_json_export_has_the_contract_shape(plan: Plan, capsys) -> None:
    call_command("plan", "export", "--format", "json")
    data = json.loads(capsys.readouterr().out)
    assert set(data) >= {"plan", "goals", "programmes", "stages", "departments"}
    assert data["plan"]["title"] == plan.title
    assert len(data["programmes"]) == 7
    for programme in data["programmes"]:
        assert set(programme) >= {"code", "clause", "title", "sections"}
        for section in programme["sections"]:
            assert set(section) >= {"code", "clause", "title", "rows"}
            for row in section["rows"]:
                assert set(row) >= {
                    "code",
                    "clause",
                    "text",
                    "lead_department",
                    "co_departments",
                    "implements",
                }
    assert [s["name"] for s in data["stages"]] == ["动员部署阶段", "全面建设阶段", "巩固提升阶段"]
    assert data["stages"][1] | {"text": ""} == {
        "code": "S2",
        "clause": "三(二)",
        "name": "全面建设阶段",
        "start": "2023-01-01",
        "end": "2023-12-31",
        "text": "",
    }
    assert data["departments"][0] == "市市场监管局"
    assert len(data["departments"]) == 19


@pytest.mark.django_db
def test_every_annex_row_keeps_its_departments_lead_first(plan: Plan) -> None:
    data = _export()
    source = yaml.safe_load(Path(PLAN_FILE).read_text(encoding="utf-8"))
    expected = {
        row["clause"]: row["departments"]
        for p in source["programmes"]
        for s in p["sections"]
        for row in s["rows"]
    }
    exported = {
        row["clause"]: [row["lead_department"], *row["co_departments"]]
        for p in data["programmes"]
        for s in p["sections"]
        for row in s["rows"]
    }
    assert exported == expected
    assert len(exported) == 38
    row = next(
        r
        for p in data["programmes"]
        for s in p["sections"]
        for r in s["rows"]
        if r["clause"] == "附件一(三)1"
    )
    assert row["lead_department"] == "市市场监管局"
    assert row["co_departments"] == ["市教育局", "市司法局", "市人社局", "市商务局", "市文旅局", "市法院"]
    assert row["implements"] == ["二(一)3"]
    names = {n for d in exported.values() for n in d}
    assert set(data["departments"]) == names


@pytest.mark.django_db
def test_goal_targets_are_exported_with_values(plan: Plan) -> None:
    goals = {g["clause"]: g for g in _export()["goals"]}
    target = next(t for t in goals["一(二)2"]["targets"] if t["code"] == "hv_invention_patents_per_10k")
    assert (target["comparison"], target["value"], target["unit"], target["year"]) == (
        ">=",
        "8.1",
        "件",
        2024,
    )


@pytest.mark.django_db
def test_excel_task_table_in_the_annex_layout(plan: Plan, client) -> None:
    response = client.get("/plan/task-table.xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    ws = openpyxl.load_workbook(io.BytesIO(response.content)).active
    values = list(ws.iter_rows(values_only=True))
    assert values[0][0] == "烟台市建设国家知识产权强市工作任务分工表"
    assert values[1] == ("重点任务", "责任部门", "条款", "代码")
    row_lines = [v for v in values[2:] if (v[2] and v[2][-1].isdigit()) or (v[1] and v[2])]
    assert len(row_lines) == 38
    assert ("一、实施知识产权保护强化工程", None, "附件一", "P1") in values
    first = next(v for v in values if v[2] == "附件一(一)1")
    assert first[0].startswith("1.完善知识产权侵权纠纷检验鉴定工作体系。")
    assert first[1] == "市市场监管局、市司法局、市法院"


@pytest.mark.django_db
def test_filtered_excel_holds_only_the_filtered_rows(plan: Plan, client) -> None:
    from ipcity.core.models import Department

    court = Department.objects.get(name="市法院")
    response = client.get("/plan/rows/", {"department": court.pk, "format": "xlsx"})
    ws = openpyxl.load_workbook(io.BytesIO(response.content)).active
    departments = [v[1] for v in ws.iter_rows(min_row=3, values_only=True) if v[1]]
    assert departments and all("市法院" in d for d in departments)
    assert len(departments) == 3
