"""Loading the plan file: idempotent, audited, and all-or-nothing on a bad file."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml
from django.core.management import call_command
from django.core.management.base import CommandError

from ipcity.core.audit import Actor
from ipcity.core.models import AuditEvent
from ipcity.lib.datafile import DataFileError
from ipcity.plans.models import Goal, Plan, Programme, Row, RowDepartment, Section, Stage, Target, Task
from ipcity.plans.services import load_plan_file
from ipcity.test import PLAN_FILE

PLAN_MODELS = [Plan, Goal, Target, Programme, Task, Section, Row, RowDepartment, Stage]


def _counts() -> dict[str, int]:
    counts = {m.__name__: m._default_manager.count() for m in PLAN_MODELS}
    counts["AuditEvent"] = AuditEvent.objects.count()
    return counts


def _data() -> dict:
    return yaml.safe_load(PLAN_FILE.read_text(encoding="utf-8"))


def _write(tmp_path: Path, data: dict, name: str = "plan.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


@pytest.mark.django_db
def test_first_load_creates_the_whole_plan(plan: Plan) -> None:
    assert plan.title == "烟台市建设国家知识产权强市工作方案（2022-2024年）"
    assert Programme.objects.count() == 7
    assert Task.objects.count() == 25
    assert Row.objects.count() == 38
    assert Goal.objects.count() == 5
    assert Stage.objects.count() == 3
    row = Row.objects.get(clause="附件一(一)2")
    assert row.lead_department.name == "市市场监管局"
    assert [d.name for d in row.co_departments] == ["烟台海关", "市公安局", "市法院"]
    assert [t.clause for t in row.implements.all()] == ["二(一)1"]
    # Every created item left an audit row naming the command-line actor.
    assert AuditEvent.objects.filter(action="row.create", source="cli").count() == 38
    assert AuditEvent.objects.filter(action="plan.load").count() == 1


@pytest.mark.django_db
def test_second_load_changes_nothing(plan: Plan) -> None:
    before = _counts()
    result = load_plan_file(PLAN_FILE, actor=Actor.cli())
    assert not result.changed
    assert result.total("unchanged") > 100
    assert _counts() == before


@pytest.mark.django_db
def test_changed_file_updates_and_is_audited(plan: Plan, tmp_path: Path) -> None:
    data = _data()
    rows = data["programmes"][0]["sections"][0]["rows"]
    rows[0]["text"] = rows[0]["text"] + "（修订）"
    rows[1]["departments"] = ["市市场监管局", "市法院"]
    removed = data["programmes"][6]["sections"].pop()  # 附件七(三)
    data["goals"][1]["targets"][-1]["value"] = "8.5"
    result = load_plan_file(_write(tmp_path, data), actor=Actor.cli("reviewer"))

    assert result.counts["row"]["updated"] == 1
    assert result.counts["row"]["deleted"] == 1
    row = Row.objects.get(code=rows[0]["code"])
    assert row.text.endswith("（修订）")
    event = AuditEvent.objects.get(action="row.update", object_id=str(row.pk))
    assert event.actor_label == "reviewer"
    assert event.before == {"text": rows[0]["text"].removesuffix("（修订）")}
    assert event.after == {"text": rows[0]["text"]}
    dept_event = AuditEvent.objects.get(action="row.departments.update", actor_label="reviewer")
    assert dept_event.before == {"departments": ["市市场监管局", "烟台海关", "市公安局", "市法院"]}
    assert dept_event.after == {"departments": ["市市场监管局", "市法院"]}
    assert not Row.objects.filter(code=removed["rows"][0]["code"]).exists()
    assert AuditEvent.objects.filter(action="row.delete", actor_label="reviewer").count() == 1
    assert AuditEvent.objects.filter(action="section.delete", actor_label="reviewer").count() == 1
    target = Target.objects.get(code="hv_invention_patents_per_10k")
    assert target.value is not None and str(target.value.normalize()) == "8.5"
    assert AuditEvent.objects.filter(action="target.update", object_id=str(target.pk)).exists()


def _bad_files() -> list[tuple[str, object, str, str]]:
    """(name, mutation, expected path, expected reason fragment)."""

    def missing_title(d: dict) -> None:
        del d["plan"]["title"]

    def unknown_department(d: dict) -> None:
        d["programmes"][2]["sections"][1]["rows"][0]["departments"][1] = "市外星局"

    def bad_implements(d: dict) -> None:
        d["programmes"][0]["sections"][0]["rows"][0]["implements"] = ["二(一)9"]

    def duplicate_row_code(d: dict) -> None:
        rows = d["programmes"][0]["sections"][0]["rows"]
        rows[1]["code"] = rows[0]["code"]

    def bad_clause(d: dict) -> None:
        d["programmes"][1]["sections"][0]["clause"] = "附件三(一)"

    def range_inverted(d: dict) -> None:
        target = d["programmes"][1]["tasks"][1]["targets"][2]
        target["min"], target["max"] = "10", "5"

    def stage_dates(d: dict) -> None:
        d["stages"][0]["end"] = "2021-12-31"

    return [
        ("missing title", missing_title, "plan", "title"),
        (
            "unknown department",
            unknown_department,
            "programmes[2].sections[1].rows[0].departments[1]",
            "市外星局",
        ),
        ("bad implements", bad_implements, "programmes[0].sections[0].rows[0].implements[0]", "二(一)9"),
        ("duplicate row code", duplicate_row_code, "programmes[0].sections[0].rows[1].code", "重复"),
        ("bad section clause", bad_clause, "programmes[1].sections[0].clause", "附件二"),
        ("range inverted", range_inverted, "programmes[1].tasks[1].targets[2].min", "下限大于上限"),
        ("stage dates", stage_dates, "stages[0].end", "早于"),
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "mutate", "path", "reason"), _bad_files(), ids=[b[0] for b in _bad_files()])
def test_bad_file_is_rejected_and_nothing_is_written(
    plan: Plan, tmp_path: Path, name: str, mutate, path: str, reason: str
) -> None:
    data = copy.deepcopy(_data())
    data["programmes"][0]["sections"][0]["rows"][0]["text"] = "这一改动不应被写入"
    mutate(data)
    file = _write(tmp_path, data)
    before = _counts()
    with pytest.raises(DataFileError) as info:
        load_plan_file(file, actor=Actor.cli())
    assert info.value.path == path
    assert reason in info.value.reason
    assert str(file) in str(info.value)
    assert _counts() == before
    assert not Row.objects.filter(text="这一改动不应被写入").exists()


@pytest.mark.django_db
def test_yaml_syntax_error_names_the_line(plan: Plan, tmp_path: Path) -> None:
    file = tmp_path / "broken.yaml"
    file.write_text("schema_version: 1\nplan: [unclosed\n", encoding="utf-8")
    with pytest.raises(DataFileError) as info:
        load_plan_file(file, actor=Actor.cli())
    assert "YAML 语法错误" in info.value.reason
    assert "行" in info.value.path


@pytest.mark.django_db
def test_cli_refuses_a_bad_file_with_exit_status_2(plan: Plan, tmp_path: Path) -> None:
    data = _data()
    del data["stages"]
    before = _counts()
    with pytest.raises(CommandError) as info:
        call_command("plan", "load", str(_write(tmp_path, data)))
    assert info.value.returncode == 2
    assert "未写入任何数据" in str(info.value)
    assert "stages" in str(info.value)
    assert _counts() == before


@pytest.mark.django_db
def test_a_failure_midway_rolls_back_everything(plan: Plan, tmp_path: Path, monkeypatch) -> None:
    """A database error after some rows were written leaves the previous plan intact."""
    from ipcity.plans import services

    data = _data()
    data["programmes"][0]["sections"][0]["rows"][0]["text"] = "中途失败前写入的修改"
    file = _write(tmp_path, data)
    original = services._Loader._sync_m2m

    def explode(self, obj, field, wanted, label):
        if field == "focus_rows":
            raise RuntimeError("simulated failure")
        return original(self, obj, field, wanted, label)

    monkeypatch.setattr(services._Loader, "_sync_m2m", explode)
    before = _counts()
    with pytest.raises(RuntimeError):
        load_plan_file(file, actor=Actor.cli())
    assert _counts() == before
    assert not Row.objects.filter(text="中途失败前写入的修改").exists()
