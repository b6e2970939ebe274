"""The 任务分工表 as an Excel workbook, in the annex's layout."""

from __future__ import annotations

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from ipcity.lib.excel import BORDER, WRAP, set_widths, write_cell, write_header
from ipcity.plans.models import Plan, Row
from ipcity.plans.selectors import programmes_with_rows

ANNEX_TITLE = "烟台市建设国家知识产权强市工作任务分工表"
HEADERS = ["重点任务", "责任部门", "条款", "代码"]


def row_label(row: Row) -> str:
    """A numbered row keeps its number ("1.完善…"); a single unnumbered row is just its text."""
    number = row.clause[len(row.section.clause) :]
    return f"{number}.{row.text}" if number else row.text


def task_table_workbook(plan: Plan, rows: list[Row] | None = None) -> Workbook:
    """Programme and section heading lines, then each row with its departments (lead first).

    With `rows`, only those rows (and their headings) are written: the filtered list as shown.
    """
    wanted = {r.pk for r in rows} if rows is not None else None
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "任务分工表"
    write_cell(ws, 1, 1, ANNEX_TITLE).font = Font(bold=True, size=14)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADERS))
    ws.cell(row=1, column=1).alignment = Alignment(horizontal="center")
    write_header(ws, 2, HEADERS)
    line = 3
    for programme in programmes_with_rows(plan):
        sections = [
            (section, [r for r in section.rows.all() if wanted is None or r.pk in wanted])
            for section in programme.sections.all()
        ]
        if not any(section_rows for _section, section_rows in sections):
            continue
        cell = write_cell(ws, line, 1, f"{programme.numeral}、{programme.title}")
        cell.font = Font(bold=True)
        write_cell(ws, line, 3, f"附件{programme.numeral}")
        write_cell(ws, line, 4, programme.code)
        line += 1
        for section, section_rows in sections:
            if not section_rows:
                continue
            numeral = section.clause[section.clause.index("(") + 1 : section.clause.index(")")]
            write_cell(ws, line, 1, f"（{numeral}）{section.title}").font = Font(bold=True)
            write_cell(ws, line, 3, section.clause)
            write_cell(ws, line, 4, section.code)
            line += 1
            for row in section_rows:
                names = [a.department.name for a in row.assignments.all()]
                for col, value in enumerate(
                    [row_label(row), "、".join(names), row.clause, row.code], start=1
                ):
                    c = write_cell(ws, line, col, value)
                    c.alignment = WRAP
                    c.border = BORDER
                line += 1
    ws.freeze_panes = "A3"
    set_widths(ws, [80, 36, 14, 12])
    return wb
