"""ipcity supervision flags|remind|import|export|rules|assess — scheduled and bulk supervision work.

Every subcommand is idempotent; `--dry-run` computes and prints without writing.
Exit status 2 when input is refused (nothing written).
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from collections import Counter
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from ipcity.core.audit import Actor
from ipcity.lib.datafile import DataFileError
from ipcity.lib.excel import workbook_bytes
from ipcity.lib.uploads import Limits
from ipcity.plans.selectors import find_current_plan
from ipcity.supervision import selectors, services
from ipcity.supervision.assessment import assess, assessment_workbook
from ipcity.supervision.choices import RuleKind
from ipcity.supervision.decomposition import (
    MAX_LINES,
    DecompositionError,
    decomposition_workbook,
    read_decomposition,
)


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"日期格式应为 YYYY-MM-DD：{value}", returncode=2) from exc


class Command(BaseCommand):
    help = "督查督办：蓝黄红标记重算、报送提醒、年度任务分解导入导出、规则、考核评比"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        flags = sub.add_parser("flags", help="重算截至某日的蓝黄红标记历史并输出当日标记（幂等）")
        flags.add_argument("--as-of", help="截至日期 YYYY-MM-DD（默认今天）")
        flags.add_argument("--json", action="store_true", help="以 JSON 输出当日标记")
        flags.add_argument("--dry-run", action="store_true", help="只计算并输出，不写入")
        remind = sub.add_parser("remind", help="发送即将到期和已逾期的进度报送提醒（站内通知和邮件，幂等）")
        remind.add_argument("--as-of", help="日期 YYYY-MM-DD（默认今天）")
        remind.add_argument("--dry-run", action="store_true", help="只列出将发送的提醒")
        load = sub.add_parser("import", help="导入年度任务分解表（.xlsx，全部校验通过才写入）")
        load.add_argument("file")
        load.add_argument("--dry-run", action="store_true", help="只校验，不写入")
        export = sub.add_parser("export", help="导出年度任务分解表（.xlsx）")
        export.add_argument("--output", "-o", required=True)
        rules = sub.add_parser("rules", help="从文件保存一版新的标记规则或考核权重")
        rules.add_argument("kind", choices=[k.value for k in RuleKind])
        rules.add_argument("file")
        rules.add_argument("--note", default="命令行导入")
        rules.add_argument("--dry-run", action="store_true", help="只校验，不写入")
        assessment = sub.add_parser("assess", help="年度考核评比")
        assessment.add_argument("--year", type=int, required=True)
        assessment.add_argument("--as-of", help="截至日期（默认该年 12 月 31 日）")
        assessment.add_argument("--json", action="store_true")
        assessment.add_argument("--output", "-o", help="写出 Excel 文件")

    def handle(self, *args: Any, **options: Any) -> None:
        getattr(self, f"_{options['action']}")(options)

    # -- flags ----------------------------------------------------------------------------------

    def _flags(self, options: dict[str, Any]) -> None:
        as_of = _date(options["as_of"]) if options["as_of"] else selectors.today()
        if find_current_plan() is None:
            raise CommandError("没有已载入的方案（先运行 ipcity plan load FILE）", returncode=2)
        if not options["dry_run"]:
            bar = tqdm(total=0, desc="重算标记", unit="节点", file=sys.stderr, disable=None)

            def progress(done: int, total: int) -> None:
                bar.total = total
                bar.n = done
                bar.refresh()

            result = services.recompute_flags(as_of=as_of, actor=Actor.cli(), progress=progress)
            bar.close()
            self.stderr.write(
                f"标记历史已计算至 {result.horizon}：新增 {result.created}，更新 {result.updated}，"
                f"删除 {result.deleted}，新督办单 {result.escalations}"
            )
        flags = selectors.flags_on(as_of)
        if options["json"]:
            self.stdout.write(json.dumps(flags, ensure_ascii=False, indent=2))
            return
        counts = Counter(f["label"] for f in flags)
        summary = "，".join(f"{label} {n}" for label, n in counts.items()) or "无"
        self.stdout.write(f"{as_of} 标记：{summary}")
        for f in flags:
            self.stdout.write(
                f"  [{f['label']}] {f['row']} {f['year']} {f['milestone']}（{f['responsible']}）自 {f['since']}：{f['reason']}"
            )

    # -- reminders ------------------------------------------------------------------------------

    def _remind(self, options: dict[str, Any]) -> None:
        as_of = _date(options["as_of"]) if options["as_of"] else selectors.today()
        if options["dry_run"]:
            planned = selectors.due_reminders(as_of=as_of)
        else:
            planned = services.send_reminders(as_of=as_of, actor=Actor.cli())
        verb = "将发送" if options["dry_run"] else "已发送"
        self.stdout.write(f"{as_of} {verb}报送提醒 {len(planned)} 条")
        for item in planned:
            m = item.milestone
            kind = "即将到期" if item.kind == "due_soon" else "已逾期"
            who = "、".join(item.recipients) or "（无联络员账号）"
            self.stdout.write(
                f"  {kind} {m.row.code} {m.title} {item.period.label}（应报 {item.report_due}）→ {who}"
            )

    # -- decomposition --------------------------------------------------------------------------

    def _import(self, options: dict[str, Any]) -> None:
        plan = find_current_plan()
        if plan is None:
            raise CommandError("没有已载入的方案（先运行 ipcity plan load FILE）", returncode=2)
        try:
            row_plans = read_decomposition(options["file"], plan, limits=Limits.local(max_rows=MAX_LINES))
        except DecompositionError as exc:
            lines = "\n".join(f"  {p}" for p in exc.problems)
            raise CommandError(
                f"文件被拒绝，未写入任何数据：{options['file']}\n{lines}", returncode=2
            ) from exc
        count = sum(len(p.milestones) for p in row_plans)
        if options["dry_run"]:
            self.stdout.write(f"校验通过：{len(row_plans)} 项任务，{count} 个节点（未写入）")
            return
        with tqdm(total=len(row_plans), desc="导入", unit="任务", file=sys.stderr, disable=None) as bar:

            def progress(done: int, total: int) -> None:
                bar.n = done
                bar.refresh()

            result = services.import_decomposition(row_plans, actor=Actor.cli(), progress=progress)
        services.recompute_flags(as_of=selectors.today(), actor=Actor.cli())
        self.stdout.write(
            f"已导入 {result.rows} 项任务：节点新增 {result.created}，更新 {result.updated}，未变 {result.unchanged}，"
            f"删除 {result.deleted}；督查设置变更 {result.settings_changed}"
        )

    def _export(self, options: dict[str, Any]) -> None:
        plan = find_current_plan()
        if plan is None:
            raise CommandError("没有已载入的方案（先运行 ipcity plan load FILE）", returncode=2)
        with open(options["output"], "wb") as fh:
            fh.write(workbook_bytes(decomposition_workbook(plan)))
        self.stdout.write(f"已写入 {options['output']}")

    # -- rules ----------------------------------------------------------------------------------

    def _rules(self, options: dict[str, Any]) -> None:
        try:
            with open(options["file"], encoding="utf-8") as fh:
                text = fh.read()
        except OSError as exc:
            raise CommandError(f"无法读取文件：{exc}", returncode=2) from exc
        try:
            if options["dry_run"]:
                services._parse_rules_text(options["kind"], text, file=options["file"])
                self.stdout.write(f"校验通过：{options['file']}（未写入）")
                return
            rule_set = services.save_rule_set(
                options["kind"], text=text, actor=Actor.cli(), source=options["file"], note=options["note"]
            )
        except DataFileError as exc:
            raise CommandError(f"规则被拒绝，未写入任何数据：{exc}", returncode=2) from exc
        self.stdout.write(f"已保存 {rule_set}")

    # -- assessment -----------------------------------------------------------------------------

    def _assess(self, options: dict[str, Any]) -> None:
        year = options["year"]
        as_of = _date(options["as_of"]) if options["as_of"] else dt.date(year, 12, 31)
        result = assess(year, as_of=as_of)
        if options["output"]:
            with open(options["output"], "wb") as fh:
                fh.write(workbook_bytes(assessment_workbook(result)))
            self.stdout.write(f"已写入 {options['output']}")
            return
        if options["json"]:
            data = {
                kind: [
                    {
                        "rank": s.rank,
                        "code": s.code,
                        "name": s.name,
                        "total": str(s.total),
                        "lines": [
                            {"key": x.key, "label": x.label, "basis": x.basis, "points": str(x.points)}
                            for x in s.lines
                        ],
                    }
                    for s in scores
                ]
                for kind, scores in (("departments", result.departments), ("regions", result.regions))
            }
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
            return
        for title, scores in (("部门", result.departments), ("区市", result.regions)):
            self.stdout.write(f"{year}年{title}考核（截至 {result.evaluated_on}）")
            for s in scores:
                self.stdout.write(f"  {s.rank:>2}. {s.name} {s.total}")
