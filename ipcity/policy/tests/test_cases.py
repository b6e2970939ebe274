"""Every YAML case under data/policy/cases/ passes; together they cover every item and both sides
of every cap, ceiling, annual cap and quota whose value is set."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest

from ipcity.policy.engine import default_catalog
from ipcity.policy.engine.cases import check_case, expand_paths, load_cases, run_case_files
from ipcity.policy.engine.catalog import POLICY_DIR

CASE_DIR = POLICY_DIR / "cases"


def _all_cases() -> list[tuple[str, dict[str, Any]]]:
    out = []
    for path in expand_paths([CASE_DIR]):
        for i, case in enumerate(load_cases(path)):
            out.append((f"{path.name}#{i + 1} {case.get('name', '')}", case))
    return out


CASES = _all_cases()


@pytest.mark.parametrize("case", [c for _, c in CASES], ids=[label for label, _ in CASES])
def test_case(case: dict[str, Any]) -> None:
    problems, _ = check_case(case, default_catalog())
    assert not problems, "\n".join(problems)


def test_every_item_has_cases_on_both_sides_of_eligibility() -> None:
    report = run_case_files([CASE_DIR])
    assert report.failed == 0
    outcomes: dict[str, set[bool]] = defaultdict(set)
    for result in report.results:
        if result.decision is not None:
            outcomes[result.item].add(result.decision.eligible)
    for code in default_catalog().items:
        assert outcomes[code] == {True, False}, f"{code}: 需要符合和不符合两类案例，现有 {outcomes[code]}"


def _cap_parameters() -> set[str]:
    """Paths of every cap-like parameter with a value set on some date."""
    out = set()
    for item in default_catalog().items.values():
        params = [p for r in item.rules for n, p in r.params.items() if n in ("cap", "ceiling")]
        params += [p for p in (item.limits.beneficiary_annual_cap, item.limits.quota) if p is not None]
        for param in params:
            if any(v.value is not None for v in param.values):
                out.add(param.path)
    return out


def test_cases_cover_both_sides_of_every_cap() -> None:
    report = run_case_files([CASE_DIR])
    seen: dict[str, set[bool]] = defaultdict(set)
    for result in report.results:
        if result.decision is not None:
            for path, binding in result.decision.cap_checks():
                seen[path].add(binding)
    caps = _cap_parameters()
    assert len(caps) >= 25
    missing = {p: sorted(seen[p]) for p in caps if seen[p] != {True, False}}
    assert not missing, f"以下上限缺少“触及/未触及”两侧的案例：{missing}"


def test_case_runner_reports_failures(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "item: gi_registration\n"
        "on: 2023-05-10\n"
        "facts: {gi_kind: gi_product, pieces: 2, blacklisted: false, registered_in_yantai: true}\n"
        'expect: {eligible: true, amount: "100000"}\n',
        encoding="utf-8",
    )
    report = run_case_files([bad])
    assert (report.passed, report.failed) == (0, 1)
    assert report.results[0].problems == ["amount：应为 100000，实为 200000.00"]
    assert report.summary() == "0 passed, 1 failed"
