"""督办单 as a Word document (python-docx), built from the escalation's stored data."""

from __future__ import annotations

import io

from django.conf import settings
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt

from ipcity.supervision.models import Escalation

ISSUER = "烟台市知识产权强市建设工作领导小组办公室（市市场监管局）"


def _cjk(run: object, size: int | None = None, bold: bool = False) -> None:
    font = run.font  # type: ignore[attr-defined]
    font.name = "仿宋"
    font.bold = bold
    if size:
        font.size = Pt(size)
    rpr = run._element.get_or_add_rPr()  # type: ignore[attr-defined]
    rpr.get_or_add_rFonts().set(qn("w:eastAsia"), "仿宋")


def escalation_docx(escalation: Escalation) -> bytes:
    milestone = escalation.milestone
    row = milestone.row
    doc = Document()
    title = doc.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _cjk(title.add_run("知识产权强市建设重点项目督办单"), size=20, bold=True)
    number = doc.add_paragraph()
    number.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _cjk(number.add_run(escalation.number), size=14)

    table = doc.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    lines = [
        ("督办对象", milestone.responsible),
        ("任务条款", f"{row.clause}（{row.code}）"),
        ("任务内容", row.text),
        ("年度节点", f"{milestone.year}年：{milestone.title}"),
        ("目标/成果", milestone.display_target or "—"),
        ("计划期限", f"{milestone.start:%Y年%m月%d日} 至 {milestone.due:%Y年%m月%d日}"),
        ("挂牌情况", f"{escalation.raised_on:%Y年%m月%d日} 挂红牌"),
        ("督办事由", escalation.reason),
        ("整改期限", f"{escalation.deadline:%Y年%m月%d日}前"),
        (
            "整改要求",
            "请责任单位对照督办事由认真分析原因，制定整改措施，于整改期限前完成整改，"
            "并通过平台报送最新进度及书面说明。逾期未整改的，将在年度考核评比中予以扣分。",
        ),
    ]
    for label, text in lines:
        cells = table.add_row().cells
        _cjk(cells[0].paragraphs[0].add_run(label), size=12, bold=True)
        _cjk(cells[1].paragraphs[0].add_run(text), size=12)
    follow_ups = list(escalation.follow_ups.all())
    if follow_ups:
        doc.add_paragraph()
        _cjk(doc.add_paragraph().add_run("跟进记录"), size=14, bold=True)
        for f in follow_ups:
            _cjk(doc.add_paragraph().add_run(f"{f.on:%Y-%m-%d} {f.get_kind_display()}：{f.note}"), size=12)
    doc.add_paragraph()
    issuer = doc.add_paragraph()
    issuer.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _cjk(issuer.add_run(ISSUER), size=12)
    date = doc.add_paragraph()
    date.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _cjk(date.add_run(f"{escalation.raised_on:%Y年%m月%d日}"), size=12)
    footer = doc.sections[0].footer.paragraphs[0]
    _cjk(footer.add_run(f"{settings.IPCITY_SITE_NAME} 生成"), size=9)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
