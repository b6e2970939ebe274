"""ipcity policy catalog | test | evaluate."""

from __future__ import annotations

import json
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from ipcity.policy.engine import default_catalog
from ipcity.policy.engine.catalog import POLICY_DIR
from ipcity.policy.engine.export import catalog_markdown

DOCS = POLICY_DIR.parents[1] / "docs" / "policy.md"


def test_catalog_json_lists_every_item_with_current_values() -> None:
    out = StringIO()
    call_command("policy", "catalog", "--json", "--on", "2023-09-05", stdout=out)
    data = json.loads(out.getvalue())
    assert len(data["items"]) == 35
    for item in data["items"]:
        assert {"code", "name", "clauses", "shape", "track", "parameters"} <= set(item)
        assert item["clauses"] and all(c["ref"] and c["quote"] for c in item["clauses"])
    by_code = {i["code"]: i for i in data["items"]}
    sec = by_code["ip_securitization"]
    assert sec["shape"] == "rate_with_cap" and sec["track"] == "fast"
    assert sec["parameters"]["ip_securitization.two_percent.rate"]["value"] == "0.02"
    assert sec["parameters"]["ip_securitization.two_percent.cap"]["source"]["clause"] == "附件三(三)4"
    tbd = by_code["city_patent_award"]["parameters"]["city_patent_award.award.cap"]
    assert tbd["to_be_set"] is True and tbd["display"] == "待市局确定"
    assert data["series"]["lpr_1y"]["value"] == "0.0345"


def test_policy_test_ends_with_a_summary_line(tmp_path: Path) -> None:
    out = StringIO()
    call_command("policy", "test", str(POLICY_DIR / "cases"), stdout=out)
    last = out.getvalue().strip().splitlines()[-1]
    passed, failed = last.split(", ")
    assert int(passed.split()[0]) >= 140 and passed.endswith("passed")
    assert failed == "0 failed"


def test_policy_test_exits_non_zero_on_failure(tmp_path: Path) -> None:
    case = tmp_path / "wrong.yaml"
    case.write_text(
        "- item: madrid_trademark\n"
        "  on: 2024-02-02\n"
        "  facts: {blacklisted: false, registered_in_yantai: true, certificates: 3}\n"
        '  expect: {eligible: true, amount: "40000"}\n'
        "- item: madrid_trademark\n"
        "  on: 2024-02-02\n"
        "  facts: {blacklisted: false, registered_in_yantai: true, certificates: 2}\n"
        '  expect: {eligible: true, amount: "40000"}\n',
        encoding="utf-8",
    )
    out = StringIO()
    with pytest.raises(CommandError) as err:
        call_command("policy", "test", str(case), stdout=out)
    assert err.value.returncode == 1
    lines = out.getvalue().strip().splitlines()
    assert lines[-1] == "1 passed, 1 failed"
    assert "amount：应为 40000，实为 60000.00" in out.getvalue()
    # And as a real process: the exit status is non-zero.
    proc = subprocess.run(
        [str(Path(sys.executable).parent / "ipcity"), "policy", "test", str(case)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 1
    assert proc.stdout.strip().splitlines()[-1] == "1 passed, 1 failed"


def test_evaluate_command_explains(tmp_path: Path) -> None:
    out = StringIO()
    facts = {"blacklisted": False, "registered_in_yantai": True, "award_level": "first"}
    call_command(
        "policy",
        "evaluate",
        "shandong_patent_award",
        "--on",
        "2023-01-10",
        "--facts",
        json.dumps(facts),
        stdout=out,
    )
    assert "结论：符合条件，金额 300,000.00 元。" in out.getvalue()
    with pytest.raises(CommandError, match="award_level") as err:
        call_command("policy", "evaluate", "shandong_patent_award", "--on", "2023-01-10", "--facts", "{}")
    assert err.value.returncode == 2


def test_docs_item_reference_matches_the_catalog() -> None:
    text = DOCS.read_text(encoding="utf-8")
    begin = "<!-- BEGIN GENERATED: ipcity policy catalog --markdown -->\n"
    end = "<!-- END GENERATED -->"
    assert begin in text and end in text, "docs/policy.md 缺少生成段落的标记"
    generated = text.split(begin, 1)[1].split(end, 1)[0]
    assert generated.strip() == catalog_markdown(default_catalog()).strip(), (
        "docs/policy.md 的项目参考与目录不一致：运行 ipcity policy catalog --markdown 重新生成"
    )
