"""ipcity plan load FILE | ipcity plan export --format json|xlsx"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ipcity.core.audit import Actor
from ipcity.lib.datafile import DataFileError
from ipcity.lib.excel import workbook_bytes
from ipcity.plans.exports import task_table_workbook
from ipcity.plans.models import Plan
from ipcity.plans.selectors import export_plan
from ipcity.plans.services import load_plan, read_plan_file


class Command(BaseCommand):
    help = "载入或导出工作方案（the plan as data）"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser("load", help="校验并载入方案数据文件（幂等）")
        load.add_argument("file")
        load.add_argument("--dry-run", action="store_true", help="只校验，不写入")
        load.add_argument("--json", action="store_true", help="以 JSON 输出统计")
        export = sub.add_parser("export", help="导出方案")
        export.add_argument("--format", choices=["json", "xlsx"], default="json")
        export.add_argument("--plan", help="方案代码（默认：唯一或第一个已载入的方案）")
        export.add_argument("--output", "-o", help="输出文件（xlsx 必填；json 默认打印到标准输出）")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "load":
            self._load(options)
        else:
            self._export(options)

    def _load(self, options: dict[str, Any]) -> None:
        try:
            plan_file = read_plan_file(options["file"])
        except DataFileError as exc:
            raise CommandError(f"方案文件被拒绝，未写入任何数据：{exc}", returncode=2) from exc
        if options["dry_run"]:
            self.stdout.write(f"校验通过：{plan_file.path}（未写入）")
            return
        result = load_plan(plan_file, actor=Actor.cli())
        if options["json"]:
            self.stdout.write(json.dumps(result.counts, ensure_ascii=False))
            return
        summary = "，".join(
            f"{kind} 新增{c['created']} 更新{c['updated']} 删除{c['deleted']} 未变{c['unchanged']}"
            for kind, c in result.counts.items()
        )
        self.stdout.write(f"已载入 {plan_file.data['plan']['title']}：{summary}")

    def _export(self, options: dict[str, Any]) -> None:
        plans = Plan.objects.all()
        plan = plans.filter(code=options["plan"]).first() if options["plan"] else plans.order_by("id").first()
        if plan is None:
            raise CommandError("没有已载入的方案（先运行 ipcity plan load FILE）", returncode=2)
        if options["format"] == "json":
            text = json.dumps(export_plan(plan), ensure_ascii=False, indent=2)
            if options["output"]:
                with open(options["output"], "w", encoding="utf-8") as fh:
                    fh.write(text + "\n")
            else:
                self.stdout.write(text)
            return
        if not options["output"]:
            raise CommandError("xlsx 导出需要 --output FILE", returncode=2)
        with open(options["output"], "wb") as fh:
            fh.write(workbook_bytes(task_table_workbook(plan)))
        self.stdout.write(f"已写入 {options['output']}")
