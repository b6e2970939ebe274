"""Excel exports of the support lists: the rows the page lists, every cell through lib.excel (text
stays text). Contact details only for the city office, as on the pages."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils import timezone
from openpyxl import Workbook

from ipcity.lib.excel import simple_table
from ipcity.support.models import Expert, ExpertDraw


def experts_workbook(experts: Iterable[Expert], *, contacts: bool) -> Workbook:
    headers = ["姓名", "职称", "专业领域（产业）", "专业领域（IPC小类）", "专长", "工作单位"]
    if contacts:
        headers += ["联系电话", "电子邮箱", "可参加评审", "在库"]
    rows = []
    for e in experts:
        row = [
            e.name,
            e.get_title_display(),
            e.get_field_display(),
            e.ipc_subclasses,
            e.speciality,
            e.employer_name,
        ]
        if contacts:
            row += [e.phone, e.email, "是" if e.available else "否", "是" if e.active else "否"]
        rows.append(row)
    widths = [10, 12, 16, 20, 20, 30] + ([16, 24, 10, 6] if contacts else [])
    return simple_table("评审专家", headers, rows, widths)


def draws_workbook(draws: Iterable[ExpertDraw]) -> Workbook:
    headers = ["编号", "评审事项", "申报单位", "专业领域", "IPC小类", "抽取人数", "随机种子", "候选人数",
               "回避人数", "抽中专家", "补抽原因", "抽取时间", "抽取人"]  # fmt: skip
    rows = []
    for d in draws:
        picked = "、".join(p.expert.name for p in d.picks.all())
        drawn_at = timezone.localtime(d.drawn_at).strftime("%Y-%m-%d %H:%M")
        rows.append([
            d.number, d.subject, d.applicant.name, d.get_field_display(), d.ipc_subclass, d.count, str(d.seed),
            len(d.candidates), len(d.excluded), picked, d.reason, drawn_at, d.drawn_by,
        ])  # fmt: skip
    return simple_table("专家抽取记录", headers, rows, [14, 30, 28, 14, 8, 8, 22, 8, 8, 30, 30, 18, 14])
