"""ipcity registry import KIND FILE [--dry-run] [--skip-invalid] [--json] [--profile CODE] — import
registry data. The source profile (导入格式, data/registry/sources/) is chosen from the header row
unless --profile names one (its code, or the path of a profile file to try).

Exit status 0 when imported (or validated, with --dry-run); 2 when the file was refused (nothing
written). --json prints exactly {"created", "updated", "unchanged", "rejected", "errors": [...]}.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from ipcity.core.audit import Actor
from ipcity.registry.choices import ImportKind
from ipcity.registry.importers import KINDS, SPECS, import_file


class Command(BaseCommand):
    help = "知识产权数据：导入机构、专利、商标、地理标志、质押、许可/转让、奖项"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import", help="导入一个 .xlsx 或 .csv 文件（可重复导入，不产生重复记录）")
        imp.add_argument("kind", choices=KINDS, help="数据类别")
        imp.add_argument("file", type=Path, help="导出文件（.xlsx 或 .csv）")
        imp.add_argument("--dry-run", action="store_true", help="只校验并统计，不写入")
        imp.add_argument(
            "--skip-invalid", action="store_true", help="跳过错误行（写入拒收行文件），导入其余行"
        )
        imp.add_argument(
            "--rejects", type=Path, help="拒收行文件路径（默认：与导入文件同目录的 *.rejects.csv）"
        )
        imp.add_argument(
            "--profile",
            help="导入格式代码（见 data/registry/sources/，如 incopat、patsnap、cnipa-pss）或导入格式文件路径；"
            "默认按表头自动识别",
        )
        imp.add_argument("--json", action="store_true", help="以 JSON 输出结果")
        imp.add_argument("--no-progress", action="store_true", help="不显示进度条")

    def handle(self, *args: Any, **options: Any) -> None:
        kind, path = options["kind"], options["file"]
        if not path.exists():
            raise CommandError(f"文件不存在：{path}", returncode=2)
        bar = None
        if not options["no_progress"]:
            bar = tqdm(desc=f"导入{SPECS[kind].label}", unit="行", file=sys.stderr, dynamic_ncols=True)

        def progress(done: int, total: int | None) -> None:
            if bar is None:
                return
            if total is not None and total != bar.total:
                bar.total = total
            bar.update(done - bar.n)

        try:
            result = import_file(
                kind,
                path,
                actor=Actor.cli(f"导入{ImportKind(kind).label}数据"),
                dry_run=options["dry_run"],
                skip_invalid=options["skip_invalid"],
                profile=options["profile"],
                rejects_path=options["rejects"],
                progress=progress,
            )
        finally:
            if bar is not None:
                bar.close()
        if result.profile_called:
            self.stderr.write(f"提示：按{result.profile_called}读取")
        for warning in result.warnings:
            self.stderr.write(f"提示：{warning}")
        if options["json"]:
            self.stdout.write(json.dumps(result.as_json(), ensure_ascii=False))
        else:
            for error in result.errors:
                self.stdout.write(f"  {path.name} {error}")
            if result.error_count > len(result.errors):
                self.stdout.write(f"  ……另有 {result.error_count - len(result.errors)} 条错误未列出")
            if not result.refused:
                self.stdout.write(result.summary())
        if result.refused:
            raise CommandError(result.summary(), returncode=2)
