"""ipcity support import-recognitions|import-talents FILE — the Excel imports of the 认定名单 and the
人才名单 from the command line, with the same checks as the pages (docs/support.md §13 §14): any
error and nothing is written; the errors are printed with their rows and columns."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ipcity.core.audit import Actor
from ipcity.core.workflow import Refused
from ipcity.support import imports

IMPORTS = {
    "import-recognitions": (imports.import_recognitions, "认定名单"),
    "import-talents": (imports.import_talents, "人才名单"),
}


class Command(BaseCommand):
    help = "支撑体系：从 Excel 导入知识产权优势/示范企业认定名单或人才名单"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        recognitions = sub.add_parser("import-recognitions", help="导入国家级、省级（或往年市级）认定名单")
        recognitions.add_argument("file", type=Path, help="Excel 文件（.xlsx），第 1 行为表头")
        talents = sub.add_parser("import-talents", help="导入人才库名单")
        talents.add_argument("file", type=Path, help="Excel 文件（.xlsx），第 1 行为表头")

    def handle(self, *args: object, **options: object) -> None:
        service, what = IMPORTS[str(options["action"])]
        path = options["file"]
        assert isinstance(path, Path)
        if not path.is_file():
            raise CommandError(f"找不到文件：{path}")
        with path.open("rb") as file:
            try:
                counts = service(file, actor=Actor.cli(f"support {options['action']}"))
            except Refused as exc:
                raise CommandError(str(exc)) from exc
        self.stdout.write(imports.describe(counts, what))
