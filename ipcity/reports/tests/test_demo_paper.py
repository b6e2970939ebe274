"""The white paper of the demo data, as `ipcity reports white-paper` writes it: the PDF's pages render
to non-blank images, it holds Chinese text, charts and a table of contents whose page numbers are
right; the Word file has the same headings; every number of the KPI table is the indicator's own."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pypdfium2
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.test import override_settings
from docx import Document

from ipcity.core.audit import Actor
from ipcity.indicators.models import Indicator, Snapshot
from ipcity.lib.numbers import format_quantity
from ipcity.reports import content, services

YEAR = 2024


@pytest.fixture(scope="module")
def demo(django_db_setup: Any, django_db_blocker: Any, tmp_path_factory: Any) -> Iterator[dict[str, Any]]:
    """The demo data set and the 2024 white paper in both formats, once for the module."""
    from ipcity.demo.services import load_full_demo

    out = tmp_path_factory.mktemp("paper")
    with (
        django_db_blocker.unblock(),
        override_settings(
            PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
            TASKS={"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}},
            IPCITY_JOB_PROGRESS_DB="default",
            MEDIA_ROOT=out / "media",
        ),
        transaction.atomic(),
    ):
        load_full_demo(actor=Actor.cli("载入演示数据"), patents=300, seed=7)
        pdf, docx = out / "paper.pdf", out / "paper.docx"
        call_command("reports", "white-paper", "--year", str(YEAR), "--format", "pdf", "--output", str(pdf))
        call_command("reports", "white-paper", "--year", str(YEAR), "--format", "docx", "--output", str(docx))
        yield {"pdf": pdf, "docx": docx, "paper": services.build_paper(YEAR)}
        transaction.set_rollback(True)


def _pages(path: Path) -> list[str]:
    document = pypdfium2.PdfDocument(str(path))
    return [document[i].get_textpage().get_text_range() for i in range(len(document))]


@pytest.mark.django_db
def test_the_pdf_renders_with_chinese_text_charts_and_a_table_of_contents(demo: dict[str, Any]) -> None:
    document = pypdfium2.PdfDocument(str(demo["pdf"]))
    assert 8 <= len(document) <= 40
    for index in range(len(document)):
        image = document[index].render(scale=0.5).to_pil().convert("L")
        dark = sum(image.histogram()[:200])  # pixels darker than light grey
        assert dark > 200, f"第 {index + 1} 页几乎空白"
        # Every page but the cover has its page number at the foot.
        if index:
            assert f"— {index + 1} —" in document[index].get_textpage().get_text_range()
    pages = _pages(demo["pdf"])
    assert "烟台市知识产权发展与保护状况白皮书" in pages[0]
    toc = pages[1]
    assert toc.startswith("目录")
    paper: content.WhitePaper = demo["paper"]
    for heading in paper.headings:
        found = re.search(re.escape(heading) + r"[·\s]*(\d+)", toc)
        assert found, f"目录缺少 {heading}"
        page = int(found.group(1))
        assert pages[page - 1].lstrip().startswith(heading), f"{heading} 不在第 {page} 页开头"
        # The running header names the chapter on its pages.
        assert pages[page - 1].rstrip().splitlines()[-2].endswith(heading)
    text = "\n".join(pages)
    for caption in ("图1 各区市每万人口高价值发明专利拥有量", "图2 2024 年各月末蓝黄红标记节点数"):
        assert caption in text
    # The charts are images in the PDF.
    images = sum(
        1
        for index in range(len(document))
        for obj in document[index].get_objects()
        if obj.type == pypdfium2.raw.FPDF_PAGEOBJ_IMAGE
    )
    assert images >= 2


@pytest.mark.django_db
def test_the_docx_has_the_same_headings_and_tables(demo: dict[str, Any]) -> None:
    document = Document(str(demo["docx"]))
    headings = [p.text for p in document.paragraphs if p.style is not None and p.style.name == "Heading 1"]
    paper: content.WhitePaper = demo["paper"]
    assert headings == paper.headings
    pdf_text = "\n".join(_pages(demo["pdf"]))
    assert all(heading in pdf_text for heading in headings)
    captions = [p.text for p in document.paragraphs if p.style is not None and p.style.name == "Heading 2"]
    assert captions == [
        title
        for s in paper.sections
        for title in [*(t.title for t in s.tables), *(c.title for c in s.charts)]
    ]
    assert len(document.tables) == sum(len(s.tables) for s in paper.sections)
    assert len(document.inline_shapes) == sum(len(s.charts) for s in paper.sections)
    kpi = document.tables[0]
    assert [c.text for c in kpi.rows[0].cells][:2] == ["指标", f"{YEAR} 年数值"]


@pytest.mark.django_db
def test_every_number_of_the_kpi_table_is_the_indicators_value(demo: dict[str, Any]) -> None:
    paper: content.WhitePaper = demo["paper"]
    targeted = Indicator.objects.filter(target__isnull=False)
    assert [k.code for k in paper.kpis] == [i.code for i in targeted]
    pdf_text = "\n".join(_pages(demo["pdf"]))
    docx_kpi = Document(str(demo["docx"])).tables[0]
    docx_rows = {row.cells[0].text: row.cells[1].text for row in docx_kpi.rows[1:]}
    checked = 0
    for kpi, indicator in zip(paper.kpis, targeted, strict=True):
        snapshot = (
            Snapshot.objects.filter(indicator=indicator, region__isnull=True, year=YEAR)
            .order_by("-as_of")
            .first()
        )
        assert snapshot is not None and kpi.snapshot_id == snapshot.pk
        assert kpi.value == snapshot.value
        if snapshot.value is not None:
            expected = format_quantity(snapshot.value, indicator.unit, indicator.decimals)
            assert kpi.value_text == expected
            checked += 1
        assert docx_rows[indicator.name] == kpi.value_text
        assert f"{indicator.name} {kpi.value_text} " in pdf_text.replace("\r", "")
    assert checked >= 5


@pytest.mark.django_db
def test_the_command_refuses_a_year_not_over(demo: dict[str, Any], tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="已结束的年度"):
        call_command("reports", "white-paper", "--year", "2099", "--output", str(tmp_path / "x.pdf"))
    assert not (tmp_path / "x.pdf").exists()
