"""The plan data file says exactly what the plan says.

The annex is parsed here independently from the seed text (../shared/seed) and compared row by
row; every text in the data file must occur verbatim in the seed.
"""

from __future__ import annotations

import os
import re

import pytest
import yaml

from ipcity.test import PLAN_FILE, SEED_FILE

NUMERALS = "一二三四五六七八九十"


def _seed_text() -> str:
    if not SEED_FILE.exists():
        if os.environ.get("CI"):
            pytest.fail(f"seed file missing in CI: {SEED_FILE}")
        pytest.skip(f"seed not present beside the project ({SEED_FILE})")
    return SEED_FILE.read_text(encoding="utf-8")


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def parse_annex(seed: str) -> list[dict[str, object]]:
    """Rows of the 任务分工表 as (clause, text, departments), straight from the seed's layout."""
    annex = seed[seed.index("烟台市建设国家知识产权强市工作任务分工表", seed.index("附件：") + 10) :]
    lines = [line.strip() for line in annex.splitlines() if line.strip()]
    rows: list[dict[str, object]] = []
    programme = section = ""
    pending: dict[str, object] | None = None
    for line in lines:
        if m := re.fullmatch(rf"([{NUMERALS}]+)、.*", line):
            programme = m.group(1)
        elif m := re.fullmatch(rf"（([{NUMERALS}]+)）.*", line):
            section = m.group(1)
        elif m := re.fullmatch(r"(\d+)\.(.*)", line):
            pending = {"clause": f"附件{programme}({section}){m.group(1)}", "text": m.group(2)}
        elif line in {"重 点 任 务", "责 任 部 门"}:
            continue
        elif _is_department_line(line):
            assert pending is not None, f"departments without a row: {line}"
            pending["departments"] = line.split("、")
            rows.append(pending)
            pending = None
        else:
            pending = {"clause": f"附件{programme}({section})", "text": line}
    return rows


def _is_department_line(line: str) -> bool:
    # A list of short names joined by 、 with no sentence punctuation: "市市场监管局、市司法局、市法院".
    parts = line.split("、")
    return not re.search(r"[，。；：]", line) and all(0 < len(p) <= 10 for p in parts)


def _plan_data() -> dict:
    return yaml.safe_load(PLAN_FILE.read_text(encoding="utf-8"))


def _all_rows(data: dict) -> list[dict]:
    return [row for p in data["programmes"] for s in p["sections"] for row in s["rows"]]


def test_annex_rows_match_the_seed_exactly() -> None:
    seed_rows = parse_annex(_seed_text())
    file_rows = _all_rows(_plan_data())
    assert len(seed_rows) == 38
    assert [r["clause"] for r in file_rows] == [r["clause"] for r in seed_rows]
    for ours, theirs in zip(file_rows, seed_rows, strict=True):
        assert _squash(ours["text"]) == _squash(str(theirs["text"])), ours["clause"]
        assert ours["departments"] == theirs["departments"], ours["clause"]


def test_every_text_is_verbatim_from_the_seed() -> None:
    seed = _squash(_seed_text())
    data = _plan_data()
    texts: list[tuple[str, str]] = []

    def collect(node: object, path: str) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key in {"text", "title", "quote", "preamble"} and isinstance(value, str):
                    texts.append((f"{path}.{key}", value))
                else:
                    collect(value, f"{path}.{key}")
        elif isinstance(node, list):
            for index, value in enumerate(node):
                collect(value, f"{path}[{index}]")

    collect(data, "")
    assert len(texts) > 150
    missing = [path for path, text in texts if _squash(text) not in seed]
    assert missing == []


def test_programmes_and_tasks_follow_the_main_text() -> None:
    seed = _seed_text()
    data = _plan_data()
    main = seed[seed.index("二、主要任务") : seed.index("三、实施步骤")]
    headings = re.findall(rf"（([{NUMERALS}])）(实施[^。\n]+工程)", main)
    assert [(p["numeral"], p["title"]) for p in data["programmes"]] == headings
    task_titles = re.findall(r"^\s*(\d+)\.([^。]+)。", main, flags=re.MULTILINE)
    ours = [(t["clause"][-1], t["title"]) for p in data["programmes"] for t in p["tasks"]]
    assert ours == task_titles
    implemented = {c for row in _all_rows(data) for c in row["implements"]}
    assert implemented == {t["clause"] for p in data["programmes"] for t in p["tasks"]}


def test_stages_goals_and_quantitative_targets() -> None:
    data = _plan_data()
    assert [(s["clause"], s["name"], s["start"], s["end"]) for s in data["stages"]] == [
        ("三(一)", "动员部署阶段", _d("2022-01-01"), _d("2022-12-31")),
        ("三(二)", "全面建设阶段", _d("2023-01-01"), _d("2023-12-31")),
        ("三(三)", "巩固提升阶段", _d("2024-01-01"), _d("2024-12-31")),
    ]
    assert [g["clause"] for g in data["goals"]] == [f"一(二){i}" for i in range(1, 6)]
    targets = {t["code"]: t for g in data["goals"] for t in g["targets"]}
    for p in data["programmes"]:
        for task in p["tasks"]:
            targets.update({t["code"]: t for t in task.get("targets", [])})
    expected = {
        "protection_satisfaction": (">=", "85", "分"),
        "hv_invention_patents_per_10k": (">=", "8.1", "件"),
        "pledge_amount_growth": (">=", "30", "%"),
        "pledge_count_growth": (">=", "30", "%"),
        "city_advantage_enterprises_new": (">=", "40", "家"),
        "ip_management_standard_adopters_new": (">=", "80", "家"),
        "ip_training_person_times": (">=", "1000", "人次"),
        "hv_patent_cultivation_centres": ("<=", "10", "个"),
        "city_advantage_enterprises_rated_annual": ("<=", "20", "家"),
    }
    for code, (comparison, value, unit) in expected.items():
        t = targets[code]
        assert (t["comparison"], t["value"], t["unit"]) == (comparison, value, unit), code


def _d(text: str):
    import datetime as dt

    return dt.date.fromisoformat(text)
