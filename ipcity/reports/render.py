"""The white paper's two renderings of one `WhitePaper`: a PDF through WeasyPrint (the HTML template
templates/reports/document.html with the print style static/css/white-paper-print.css: page numbers,
a table of contents with page numbers by `target-counter`, running headers) and an editable Word file
through python-docx with the same headings, paragraphs, tables and charts."""

from __future__ import annotations

import io
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from ipcity.reports.content import WhitePaper
from ipcity.reports.fonts import cjk_font_path

PRINT_CSS = Path(settings.BASE_DIR) / "static" / "css" / "white-paper-print.css"
BODY_FONT = "宋体"  # what Word and WPS on an office desktop show; the PDF embeds Noto CJK
HEADING_FONT = "黑体"


def document_html(paper: WhitePaper, *, edition_number: str = "") -> str:
    """The standalone HTML the PDF is made from."""
    return render_to_string("reports/document.html", {"paper": paper, "edition_number": edition_number})


def pdf_document(paper: WhitePaper, *, edition_number: str = "") -> tuple[bytes, int]:
    """The PDF and its number of pages."""
    from weasyprint import CSS, HTML

    cjk_font_path()  # a clear message (FontMissing) instead of boxes where the characters should be
    html = HTML(string=document_html(paper, edition_number=edition_number), base_url=str(settings.BASE_DIR))
    document = html.render(stylesheets=[CSS(filename=str(PRINT_CSS))])
    return document.write_pdf(), len(document.pages)


def _east_asian(run_or_style: object, name: str) -> None:
    """Set the East Asian font of a run or a style (python-docx sets only the Latin one)."""
    element = run_or_style.element  # type: ignore[attr-defined]
    properties = element.get_or_add_rPr()
    fonts = properties.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        properties.append(fonts)
    fonts.set(qn("w:eastAsia"), name)


def _field(paragraph: object, instruction: str, placeholder: str = "") -> None:
    """A Word field (PAGE, TOC …) that Word or WPS fills in when the document is opened or updated."""
    run = paragraph.add_run()  # type: ignore[attr-defined]
    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    begin.set(qn("w:dirty"), "true")
    text = OxmlElement("w:instrText")
    text.set(qn("xml:space"), "preserve")
    text.text = instruction
    separate = OxmlElement("w:fldChar")
    separate.set(qn("w:fldCharType"), "separate")
    shown = OxmlElement("w:t")
    shown.text = placeholder
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    for element in (begin, text, separate, shown, end):
        run._r.append(element)


def docx_bytes(paper: WhitePaper, *, edition_number: str = "") -> bytes:
    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Cm(2.2))
    normal = document.styles["Normal"]
    normal.font.size = Pt(11)
    _east_asian(normal, BODY_FONT)
    for name in ("Title", "Heading 1", "Heading 2"):
        _east_asian(document.styles[name], HEADING_FONT)
    header = section.header.paragraphs[0]
    header.text = paper.title
    header.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.add_run("第 ")
    _field(footer, "PAGE", "1")
    footer.add_run(" 页")

    document.add_paragraph(paper.title, style="Title")
    byline = document.add_paragraph(
        f"烟台市市场监督管理局（知识产权局）　数据截至 {paper.as_of.year}年{paper.as_of.month}月{paper.as_of.day}日"
    )
    if edition_number:
        byline.add_run(f"　版次 {edition_number}")
    toc = document.add_paragraph("目录", style="TOC Heading" if "TOC Heading" in document.styles else None)
    toc.runs[0].bold = True
    _field(document.add_paragraph(), 'TOC \\o "1-1" \\h \\z \\u', "（打开文档后右键“更新域”生成页码）")
    document.add_page_break()

    if paper.foreword:
        document.add_heading("前言", level=1)
        for text in paper.foreword:
            document.add_paragraph(text)
    if paper.highlights:
        document.add_heading("年度亮点", level=1)
        for text in paper.highlights:
            document.add_paragraph(text, style="List Bullet")
    for part in paper.sections:
        document.add_heading(part.title, level=1)
        for text in part.paragraphs:
            document.add_paragraph(text)
        for table in part.tables:
            document.add_heading(table.title, level=2)
            grid = document.add_table(rows=1, cols=len(table.headers))
            grid.style = "Table Grid"
            for cell, text in zip(grid.rows[0].cells, table.headers, strict=True):
                cell.text = text
                for run in cell.paragraphs[0].runs:
                    run.bold = True
            for row in table.rows:
                cells = grid.add_row().cells
                for cell, text in zip(cells, row, strict=True):
                    cell.text = text
            note = document.add_paragraph(table.source)
            for run in note.runs:
                run.font.size = Pt(9)
        for chart in part.charts:
            document.add_heading(chart.title, level=2)
            document.add_picture(io.BytesIO(chart.png), width=Cm(16))
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
