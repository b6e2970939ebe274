"""YAML test cases for the catalog: `ipcity policy test FILE...` and the pytest module run these.

A case file is either one case, a list of cases, or a mapping with shared defaults and `cases`:

    item: gi_registration            # default item for the cases below
    facts: {blacklisted: false, registered_in_yantai: true}   # merged into every case's facts
    cases:
      - name: 注册1件地理标志商标
        on: 2023-05-10
        facts: {gi_kind: gi_trademark, pieces: 1}
        expect: {eligible: true, amount: "100000.00"}

`expect` may hold eligible, amount (a string; null = amount awaits a decision), ceiling, error (an
engine error code such as no_rule), reasons_include and explanation_includes (lists of fragments).
Format in docs/policy.md.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from ipcity.lib.datafile import DataFileError, read_yaml, validate
from ipcity.policy.engine.catalog import Catalog, default_catalog
from ipcity.policy.engine.errors import PolicyError
from ipcity.policy.engine.evaluate import Decision, Granted, evaluate

_DATE = {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$"}
_AMOUNT = {"type": ["string", "integer", "null"], "pattern": r"^\d+(\.\d{1,2})?$"}
_CASE = {
    "type": "object",
    "required": ["on", "expect"],
    "additionalProperties": False,
    "properties": {
        "name": {"type": "string"},
        "item": {"type": "string"},
        "on": _DATE,
        "facts": {"type": "object"},
        "granted": {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "beneficiary_year_total": _AMOUNT,
                "item_count": {"type": "integer", "minimum": 0},
                "beneficiary_count": {"type": "integer", "minimum": 0},
                "rights": {"type": "array", "items": {"type": "string"}},
            },
        },
        "expect": {
            "type": "object",
            "minProperties": 1,
            "additionalProperties": False,
            "properties": {
                "eligible": {"type": "boolean"},
                "amount": _AMOUNT,
                "ceiling": _AMOUNT,
                "error": {"type": "string"},
                "reasons_include": {"type": "array", "items": {"type": "string"}},
                "explanation_includes": {"type": "array", "items": {"type": "string"}},
            },
        },
    },
}
LIST_SCHEMA: dict[str, Any] = {"type": "array", "items": {**_CASE, "required": ["item", "on", "expect"]}}
FILE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["cases"],
    "additionalProperties": False,
    "properties": {
        "item": {"type": "string"},
        "facts": {"type": "object"},
        "cases": {"type": "array", "minItems": 1, "items": _CASE},
    },
}
SINGLE_SCHEMA: dict[str, Any] = {**_CASE, "required": ["item", "on", "expect"]}


def restore_on_keys(value: Any) -> Any:
    """YAML 1.1 reads an unquoted key `on:` as the boolean True; the case format means the word."""
    if isinstance(value, dict):
        return {("on" if k is True else k): restore_on_keys(v) for k, v in value.items()}
    if isinstance(value, list):
        return [restore_on_keys(v) for v in value]
    return value


@dataclass
class CaseResult:
    file: str
    index: int
    name: str
    item: str
    passed: bool
    problems: list[str] = field(default_factory=list)
    decision: Decision | None = None

    @property
    def label(self) -> str:
        return f"{self.file} #{self.index + 1} {self.item} {self.name}".rstrip()


@dataclass
class CaseReport:
    results: list[CaseResult] = field(default_factory=list)

    @property
    def passed(self) -> int:
        return sum(1 for r in self.results if r.passed)

    @property
    def failed(self) -> int:
        return sum(1 for r in self.results if not r.passed)

    def summary(self) -> str:
        return f"{self.passed} passed, {self.failed} failed"


def expand_paths(paths: Iterable[str | Path]) -> list[Path]:
    """Files as given; directories become their *.yaml files, sorted."""
    out: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            out.extend(sorted(path.glob("*.yaml")))
        else:
            out.append(path)
    return out


def read_yaml_checked(path: str | Path) -> Any:
    """read_yaml, with impossible dates (2024-02-30) refused as a DataFileError too."""
    try:
        raw, _ = read_yaml(path)
    except ValueError as exc:
        if isinstance(exc, DataFileError):
            raise
        raise DataFileError(path, "", f"YAML 中有无效的日期或数值：{exc}") from exc
    return raw


def load_cases(path: Path) -> list[dict[str, Any]]:
    """The cases of one file with the file's defaults merged in; DataFileError if malformed."""
    raw = read_yaml_checked(path)
    data = restore_on_keys(raw)
    if isinstance(data, list):
        validate(data, LIST_SCHEMA, file=path)
        return data
    if not isinstance(data, dict):
        raise DataFileError(path, "", "案例文件应为一个案例、案例列表或含 cases 的对象")
    if "cases" not in data:
        validate(data, SINGLE_SCHEMA, file=path)
        return [data]
    validate(data, FILE_SCHEMA, file=path)
    cases = []
    for i, case in enumerate(data["cases"]):
        merged = dict(case)
        merged["facts"] = {**data.get("facts", {}), **case.get("facts", {})}
        if "item" not in merged:
            if "item" not in data:
                raise DataFileError(path, f"cases[{i}]", "没有指明项目（item）")
            merged["item"] = data["item"]
        cases.append(merged)
    return cases


def _granted(raw: dict[str, Any] | None) -> Granted:
    if not raw:
        return Granted()
    return Granted(
        beneficiary_year_total=Decimal(str(raw.get("beneficiary_year_total", "0"))),
        item_count=raw.get("item_count", 0),
        beneficiary_count=raw.get("beneficiary_count", 0),
        rights=frozenset(raw.get("rights", [])),
    )


def _amount(raw: Any) -> Decimal | None:
    return None if raw is None else Decimal(str(raw))


def check_case(case: dict[str, Any], catalog: Catalog) -> tuple[list[str], Decision | None]:
    """Problems found (empty = passed) and the decision, if one was made."""
    expect = case["expect"]
    on = dt.date.fromisoformat(case["on"])
    try:
        decision = evaluate(
            case["item"], case.get("facts", {}), on=on, granted=_granted(case.get("granted")), catalog=catalog
        )
    except PolicyError as exc:
        if expect.get("error") == exc.code:
            return [], None
        return [f"引擎报错 {exc.code}：{exc.message}"], None
    problems: list[str] = []
    if "error" in expect:
        problems.append(
            f"应报错 {expect['error']}，实际得出结果（符合条件：{decision.eligible}，金额：{decision.amount}）"
        )
    if "eligible" in expect and decision.eligible != expect["eligible"]:
        problems.append(
            f"是否符合条件：应为 {expect['eligible']}，实为 {decision.eligible}（{'；'.join(decision.reasons)}）"
        )
    for key in ("amount", "ceiling"):
        if key in expect:
            try:
                wanted = _amount(expect[key])
            except InvalidOperation:
                problems.append(f"{key} 的期望值不是数字：{expect[key]!r}")
                continue
            actual = getattr(decision, key)
            if wanted != actual:
                problems.append(f"{key}：应为 {wanted}，实为 {actual}")
    for fragment in expect.get("reasons_include", []):
        if not any(fragment in r for r in decision.reasons):
            problems.append(f"理由中应包含“{fragment}”，实为：{'；'.join(decision.reasons) or '（无）'}")
    text = decision.explain() if expect.get("explanation_includes") else ""
    for fragment in expect.get("explanation_includes", []):
        if fragment not in text:
            problems.append(f"说明中应包含“{fragment}”")
    return problems, decision


def run_case_files(paths: Iterable[str | Path], catalog: Catalog | None = None) -> CaseReport:
    cat = catalog or default_catalog()
    report = CaseReport()
    for path in expand_paths(paths):
        try:
            cases = load_cases(path)
        except DataFileError as exc:
            report.results.append(CaseResult(str(path), 0, "（文件无效）", "", False, [str(exc)]))
            continue
        for i, case in enumerate(cases):
            problems, decision = check_case(case, cat)
            report.results.append(
                CaseResult(
                    file=str(path),
                    index=i,
                    name=case.get("name", ""),
                    item=case.get("item", ""),
                    passed=not problems,
                    problems=problems,
                    decision=decision,
                )
            )
    return report
