"""The annual decomposition as an Excel workbook in the 任务分工表 layout, and its importer.

Layout (sheet 年度任务分解): a title line, a header line, then for each programme and section a
heading line (as in the annex), and for each row one line per milestone. The row's own columns
(重点任务 … 报送频次) are written on its first line; the following lines of the same row repeat only
its code. A row without milestones has one line with empty milestone columns.

Import is all-or-nothing: every line is checked first, and any problem is reported with its line
number, column and reason; nothing is written then. The file is authoritative for the rows it
contains: their settings and milestones become what the file says, milestones of those rows that
are not in the file are removed (refused if they already have reports). Rows absent from the file
are left alone. Exporting and importing the same file changes nothing (a lossless round trip).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.styles import Font

from ipcity.core.models import Department, Region
from ipcity.lib.excel import BORDER, WRAP, set_widths, write_cell, write_header
from ipcity.lib.text import shorten
from ipcity.lib.uploads import Limits, UploadError, read_sheet
from ipcity.plans.choices import Comparison
from ipcity.plans.exports import ANNEX_TITLE, row_label
from ipcity.plans.models import Plan, Row, Target
from ipcity.plans.selectors import programmes_with_rows
from ipcity.supervision.choices import ReportFrequency
from ipcity.supervision.models import Milestone, ProgressReport, RowSetting

SHEET = "年度任务分解"
TITLE = f"{ANNEX_TITLE}——年度任务分解"
COLUMNS = [
    ("text", "重点任务", 60),
    ("clause", "条款", 13),
    ("code", "代码", 11),
    ("lead", "牵头部门", 14),
    ("co", "配合部门", 24),
    ("key", "重点项目", 8),
    ("frequency", "报送频次", 9),
    ("year", "年度", 7),
    ("position", "节点序号", 8),
    ("title", "节点名称", 36),
    ("department", "责任部门", 14),
    ("region", "责任区市", 10),
    ("start", "开始日期", 12),
    ("due", "完成时限", 12),
    ("comparison", "目标比较", 8),
    ("target_value", "目标值", 10),
    ("target_min", "目标下限", 9),
    ("target_max", "目标上限", 9),
    ("unit", "单位", 8),
    ("target", "对应方案目标", 22),
    ("deliverable", "交付成果", 30),
]
COL = {key: index for index, (key, _title, _width) in enumerate(COLUMNS)}
HEADERS = [title for _key, title, _width in COLUMNS]
COMPARISON_TEXT = {
    Comparison.AT_LEAST: "≥",
    Comparison.AT_MOST: "≤",
    Comparison.EQUAL: "=",
    Comparison.RANGE: "区间",
}
COMPARISON_FROM_TEXT = {v: k for k, v in COMPARISON_TEXT.items()} | {">=": ">=", "<=": "<=", "range": "range"}
FREQUENCY_TEXT = {ReportFrequency.MONTHLY: "按月", ReportFrequency.QUARTERLY: "按季度"}
FREQUENCY_FROM_TEXT = {v: k for k, v in FREQUENCY_TEXT.items()}
YES, NO = "是", "否"
FIRST_DATA_LINE = 3
MILESTONE_KEYS = [key for key, _t, _w in COLUMNS[COL["year"] :]]
MAX_LINES = 20_000  # every line is held in memory while the file is checked
MAX_REASON_SHOWN = 500


def _number(value: Decimal | None) -> int | float | None:
    """Excel stores numbers as doubles: write integers as int, others as float (exact for the
    few decimals a target has)."""
    if value is None:
        return None
    normalized = value.normalize()
    return int(normalized) if normalized == normalized.to_integral_value() else float(normalized)


def decomposition_workbook(plan: Plan, milestones: list[Milestone] | None = None) -> Workbook:
    """The whole decomposition of `plan` (or only the rows of `milestones`, when given)."""
    items = (
        milestones if milestones is not None else list(Milestone.objects.filter(row__plan=plan).with_plan())
    )
    by_row: dict[int, list[Milestone]] = {}
    for m in sorted(items, key=lambda m: (m.year, m.position)):
        by_row.setdefault(m.row_id, []).append(m)
    only_rows = set(by_row) if milestones is not None else None
    settings = {s.row_id: s for s in RowSetting.objects.filter(row__plan=plan)}
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = SHEET
    write_cell(ws, 1, 1, TITLE).font = Font(bold=True, size=14)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(COLUMNS))
    write_header(ws, 2, HEADERS)
    line = FIRST_DATA_LINE

    def put(values: dict[str, Any], *, bold: bool = False) -> None:
        nonlocal line
        for key, value in values.items():
            cell = write_cell(ws, line, COL[key] + 1, value)
            cell.alignment = WRAP
            cell.border = BORDER
            if bold:
                cell.font = Font(bold=True)
            if isinstance(value, dt.date):
                cell.number_format = "yyyy-mm-dd"
        line += 1

    for programme in programmes_with_rows(plan):
        sections = [
            (s, [r for r in s.rows.all() if only_rows is None or r.pk in only_rows])
            for s in programme.sections.all()
        ]
        if not any(rows for _s, rows in sections):
            continue
        put(
            {
                "text": f"{programme.numeral}、{programme.title}",
                "clause": f"附件{programme.numeral}",
                "code": programme.code,
            },
            bold=True,
        )
        for section, rows in sections:
            if not rows:
                continue
            numeral = section.clause[section.clause.index("(") + 1 : section.clause.index(")")]
            put(
                {"text": f"（{numeral}）{section.title}", "clause": section.clause, "code": section.code},
                bold=True,
            )
            for row in rows:
                setting = settings.get(row.pk)
                names = [a.department.name for a in row.assignments.all()]
                head: dict[str, Any] = {
                    "text": row_label(row),
                    "clause": row.clause,
                    "code": row.code,
                    "lead": names[0],
                    "co": "、".join(names[1:]),
                    "key": YES if setting and setting.is_key_project else NO,
                    "frequency": FREQUENCY_TEXT[
                        ReportFrequency(setting.report_frequency if setting else ReportFrequency.QUARTERLY)
                    ],
                }
                row_milestones = by_row.get(row.pk, [])
                if not row_milestones:
                    put(head)
                for index, m in enumerate(row_milestones):
                    values: dict[str, Any] = dict(head) if index == 0 else {"code": row.code}
                    values.update(
                        {
                            "year": m.year,
                            "position": m.position,
                            "title": m.title,
                            "department": m.department.name,
                            "region": m.region.name if m.region else None,
                            "start": m.start,
                            "due": m.due,
                            "comparison": COMPARISON_TEXT.get(Comparison(m.comparison))
                            if m.comparison
                            else None,
                            "target_value": _number(m.target_value),
                            "target_min": _number(m.target_min),
                            "target_max": _number(m.target_max),
                            "unit": m.unit or None,
                            "target": m.target.code if m.target else None,
                            "deliverable": m.deliverable or None,
                        }
                    )
                    put(values)
    ws.freeze_panes = ws.cell(row=FIRST_DATA_LINE, column=COL["year"] + 1)
    set_widths(ws, [w for _k, _t, w in COLUMNS])
    return wb


# ---------------------------------------------------------------------------------------------
# Import


@dataclass(frozen=True)
class Problem:
    line: int
    column: str
    reason: str

    def __post_init__(self) -> None:
        # Reasons quote cells, and a cell may hold a million characters: show at most 500.
        if len(self.reason) > MAX_REASON_SHOWN:
            object.__setattr__(self, "reason", shorten(self.reason, MAX_REASON_SHOWN))

    def __str__(self) -> str:
        where = f"第 {self.line} 行" if self.line else "文件"
        return f"{where}{f'「{self.column}」' if self.column else ''}：{self.reason}"


class DecompositionError(ValueError):
    """The file was refused; `problems` lists every problem found. Nothing was written."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass
class MilestoneLine:
    line: int
    year: int
    position: int
    values: dict[str, Any]


@dataclass
class RowPlan:
    row: Row
    line: int
    is_key_project: bool
    report_frequency: str
    milestones: list[MilestoneLine] = field(default_factory=list)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = _text(value)
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text.replace("/", "-").replace(".", "-"))
    except ValueError as exc:
        raise ValueError(f"日期格式应为 YYYY-MM-DD：{text}") from exc


# Target columns are DecimalField(max_digits=20, decimal_places=4): 16 digits before the point.
MAX_WHOLE_DIGITS = 16
SMALL_INT_MAX = 32767


def _decimal(value: Any) -> Decimal | None:
    if value is None or _text(value) == "":
        return None
    if isinstance(value, bool):
        raise ValueError(f"应为数字：{value}")
    try:
        number = Decimal(str(value).strip().replace(",", ""))
    except InvalidOperation as exc:
        raise ValueError(f"应为数字：{value}") from exc
    if not number.is_finite():
        raise ValueError(f"应为数字：{value}")
    if number and number.adjusted() >= MAX_WHOLE_DIGITS:
        raise ValueError(f"数值过大（整数部分最多 {MAX_WHOLE_DIGITS} 位）：{value}")
    return number


def _int(value: Any) -> int | None:
    number = _decimal(value)
    if number is None:
        return None
    if number != number.to_integral_value():
        raise ValueError(f"应为整数：{value}")
    if abs(number) > SMALL_INT_MAX:  # year and position are small-integer columns
        raise ValueError(f"数值过大：{value}")
    return int(number)


def read_decomposition(
    source: str | Path | IO[bytes], plan: Plan, *, limits: Limits | None = None
) -> list[RowPlan]:
    """Parse and check a decomposition workbook against the plan and the current data.

    Raises DecompositionError with every problem (line, column, reason); writes nothing.
    `limits` bound the file (lib.uploads); the default is an upload's.
    """
    try:
        lines = read_sheet(source, limits or Limits.web(max_rows=MAX_LINES), sheet=SHEET)
    except UploadError as exc:
        raise DecompositionError([Problem(0, "", str(exc))]) from exc
    problems: list[Problem] = []
    header = next((cells for number, cells in lines if number == 2), [])
    if [_text(v) for v in header[: len(HEADERS)]] != HEADERS:
        raise DecompositionError([Problem(2, "", f"表头不符，应为：{'、'.join(HEADERS)}")])

    rows = {r.code: r for r in Row.objects.filter(plan=plan).prefetch_related("assignments__department")}
    departments = {d.name: d for d in Department.objects.all()}
    regions = {r.name: r for r in Region.objects.all()}
    targets = {t.code: t for t in Target.objects.filter(plan=plan)}
    heading_codes = {p.code for p in plan.programmes.all()} | {s.code for s in plan.sections.all()}
    plans: dict[str, RowPlan] = {}
    seen_keys: dict[tuple[str, int, int], int] = {}

    for number, raw in lines:
        if number < FIRST_DATA_LINE:
            continue
        cells = list(raw) + [None] * (len(COLUMNS) - len(raw))
        value = {key: cells[index] for key, index in COL.items()}
        if all(_text(v) == "" for v in cells):
            continue
        code = _text(value["code"])
        has_milestone = any(_text(value[k]) for k in MILESTONE_KEYS)
        is_row_head = bool(_text(value["lead"]))
        if not is_row_head and not has_milestone and code in heading_codes:
            continue  # a programme or section heading line
        row = rows.get(code)
        if row is None:
            problems.append(
                Problem(number, "代码", f"工作方案中没有任务代码“{code}”" if code else "缺少任务代码")
            )
            continue

        def problem(column: str, reason: str, number: int = number) -> None:
            problems.append(Problem(number, column, reason))

        plan_row = plans.get(code)
        if is_row_head:
            if plan_row is not None:
                problem("代码", f"任务“{code}”的任务信息重复出现（首次在第 {plan_row.line} 行）")
                continue
            names = [a.department.name for a in sorted(row.assignments.all(), key=lambda a: a.position)]
            if _text(value["clause"]) and _text(value["clause"]) != row.clause:
                problem("条款", f"条款“{_text(value['clause'])}”与工作方案（{row.clause}）不一致")
            if _text(value["lead"]) != names[0]:
                problem("牵头部门", f"牵头部门应为“{names[0]}”（责任部门以工作方案为准，不能在此修改）")
            co = [n for n in _text(value["co"]).replace("，", "、").split("、") if n]
            if co != names[1:]:
                problem("配合部门", f"配合部门应为“{'、'.join(names[1:]) or '（无）'}”（以工作方案为准）")
            key_text = _text(value["key"]) or NO
            if key_text not in (YES, NO):
                problem("重点项目", f"应填“是”或“否”：{key_text}")
            frequency_text = _text(value["frequency"]) or FREQUENCY_TEXT[ReportFrequency.QUARTERLY]
            frequency = FREQUENCY_FROM_TEXT.get(frequency_text)
            if frequency is None:
                problem("报送频次", f"应填“按月”或“按季度”：{frequency_text}")
                frequency = ReportFrequency.QUARTERLY
            plan_row = RowPlan(row, number, key_text == YES, frequency)
            plans[code] = plan_row
        elif plan_row is None:
            problem("代码", f"任务“{code}”的第一行须填写牵头部门等任务信息")
            continue
        if not has_milestone:
            continue

        parsed: dict[str, Any] = {}
        try:
            year = _int(value["year"])
        except ValueError as exc:
            problem("年度", str(exc))
            year = None
        try:
            position = _int(value["position"]) or 1
        except ValueError as exc:
            problem("节点序号", str(exc))
            position = 1
        if year is None:
            problem("年度", "缺少年度")
            continue
        if not (plan.period_start.year <= year <= plan.period_end.year):
            problem("年度", f"年度 {year} 不在方案期内（{plan.period_start.year}–{plan.period_end.year}）")
        if position < 1:
            problem("节点序号", "节点序号应为正整数")
        key = (code, year, position)
        if key in seen_keys:
            problem("节点序号", f"{code} {year}年节点{position} 重复（首次在第 {seen_keys[key]} 行）")
            continue
        seen_keys[key] = number
        parsed["title"] = _text(value["title"])
        for column, name in (("start", "开始日期"), ("due", "完成时限")):
            try:
                parsed[column] = _date(value[column])
            except ValueError as exc:
                problem(name, str(exc))
                parsed[column] = None
            if parsed[column] is None and not any(p.line == number and p.column == name for p in problems):
                problem(name, f"缺少{name}")
        department_name = _text(value["department"])
        parsed["department"] = departments.get(department_name)
        if parsed["department"] is None:
            problem("责任部门", f"未知的责任部门“{department_name}”" if department_name else "缺少责任部门")
        region_name = _text(value["region"])
        parsed["region"] = regions.get(region_name) if region_name else None
        if region_name and parsed["region"] is None:
            problem("责任区市", f"未知的区市“{region_name}”")
        comparison_text = _text(value["comparison"])
        parsed["comparison"] = COMPARISON_FROM_TEXT.get(comparison_text, "") if comparison_text else ""
        if comparison_text and not parsed["comparison"]:
            problem("目标比较", f"应填 ≥、≤、= 或 区间：{comparison_text}")
        for column, name in (
            ("target_value", "目标值"),
            ("target_min", "目标下限"),
            ("target_max", "目标上限"),
        ):
            try:
                parsed[column] = _decimal(value[column])
            except ValueError as exc:
                problem(name, str(exc))
                parsed[column] = None
        parsed["unit"] = _text(value["unit"])
        target_code = _text(value["target"])
        parsed["target"] = targets.get(target_code) if target_code else None
        if target_code and parsed["target"] is None:
            problem("对应方案目标", f"工作方案中没有目标“{target_code}”")
        parsed["deliverable"] = _text(value["deliverable"])
        if all(parsed[k] is not None for k in ("start", "due")) and parsed["department"] is not None:
            from ipcity.supervision.services import check_milestone

            for reason in check_milestone(row, year, parsed):
                problem("", reason)
        plan_row.milestones.append(MilestoneLine(number, year, position, parsed))

    problems.extend(_check_against_reports(plans))
    if problems:
        raise DecompositionError(sorted(problems, key=lambda p: p.line))
    return list(plans.values())


def _check_against_reports(plans: dict[str, RowPlan]) -> list[Problem]:
    """Changes that would orphan filed reports are refused, with the line that asks for them."""
    problems = []
    row_ids = [p.row.pk for p in plans.values()]
    existing = {
        (m.row_id, m.year, m.position): m
        for m in Milestone.objects.filter(row_id__in=row_ids).select_related("row__supervision_setting")
    }
    reported = set(
        ProgressReport.objects.filter(milestone__row_id__in=row_ids).values_list("milestone_id", flat=True)
    )
    settings = {s.row_id: s for s in RowSetting.objects.filter(row_id__in=row_ids)}
    for plan_row in plans.values():
        row = plan_row.row
        current_frequency = (
            settings[row.pk].report_frequency if row.pk in settings else ReportFrequency.QUARTERLY
        )
        has_reports = any(m.pk in reported for key, m in existing.items() if key[0] == row.pk)
        if plan_row.report_frequency != current_frequency and has_reports:
            problems.append(Problem(plan_row.line, "报送频次", "该任务已有进度报告，不能再修改报送频次"))
        wanted = {(row.pk, m.year, m.position) for m in plan_row.milestones}
        for key, m in existing.items():
            if key[0] != row.pk or m.pk not in reported:
                continue
            if key not in wanted:
                problems.append(
                    Problem(
                        plan_row.line,
                        "",
                        f"{row.code} {m.year}年节点{m.position}已有进度报告，文件中不能删除",
                    )
                )
        for line in plan_row.milestones:
            current = existing.get((row.pk, line.year, line.position))
            if current is not None and current.pk in reported and line.values["department"] is not None:
                same = current.department_id == line.values["department"].pk and current.region_id == (
                    line.values["region"].pk if line.values["region"] else None
                )
                if not same:
                    problems.append(
                        Problem(line.line, "责任部门", "该节点已有进度报告，不能更换责任部门或区市")
                    )
    return problems
