"""ipcity reports white-paper --year 2024 --format pdf|docx [--output PATH] — the annual white paper at
the command line: the same content and renderings as the page, written to a file (no edition is
stored; editions are generated and published on the page /reports/)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from ipcity.reports import content, render, services
from ipcity.reports.fonts import FontMissing


class Command(BaseCommand):
    help = "白皮书：按平台数据生成年度知识产权发展与保护状况白皮书"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        paper = sub.add_parser("white-paper", help="生成某年度的白皮书文件（PDF 或 Word）")
        paper.add_argument("--year", type=int, required=True, help="年度（已结束的年度）")
        paper.add_argument("--format", choices=["pdf", "docx"], default="pdf", help="文件格式")
        paper.add_argument("--output", "-o", help="输出文件（默认：当前目录下的“白皮书（年度）.格式”）")

    def handle(self, *args: Any, **options: Any) -> None:
        year, fmt = options["year"], options["format"]
        try:
            services.check_year(year)
            paper = services.build_paper(
                year, progress=lambda done, total, message: self.stderr.write(f"[{done}/{total}] {message}")
            )
            if fmt == "pdf":
                data, pages = render.pdf_document(paper)
            else:
                data, pages = render.docx_bytes(paper), 0
        except ValidationError as exc:
            raise CommandError("；".join(exc.messages), returncode=2) from exc
        except FontMissing as exc:
            raise CommandError(str(exc), returncode=2) from exc
        output = Path(options["output"] or f"{content.TITLE}（{year}）.{fmt}")
        try:
            output.write_bytes(data)
        except OSError as exc:
            raise CommandError(f"不能写入 {output}：{exc.strerror}", returncode=2) from exc
        pages_text = f"，{pages} 页" if pages else ""
        self.stdout.write(f"已生成 {output}（{len(data):,} 字节{pages_text}）")
