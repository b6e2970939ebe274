"""ipcity policy catalog | test FILE... | evaluate ITEM | whatif — the reward rules engine at the command line."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from ipcity.lib.datafile import DataFileError
from ipcity.policy.engine import PolicyError, default_catalog, evaluate
from ipcity.policy.engine.cases import read_yaml_checked, run_case_files
from ipcity.policy.engine.export import catalog_as_json, catalog_markdown
from ipcity.policy.engine.money import yuan
from ipcity.policy.engine.whatif import read_applications, read_overlay, what_if


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"日期格式应为 YYYY-MM-DD：{text}", returncode=2) from None


class Command(BaseCommand):
    help = "奖补政策：目录、案例测试、单项计算、假设测算"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        cat = sub.add_parser("catalog", help="列出奖补目录（参数取指定日期的值）")
        cat.add_argument("--json", action="store_true", help="以 JSON 输出")
        cat.add_argument("--markdown", action="store_true", help="输出 docs/policy.md 的项目参考部分")
        cat.add_argument("--on", help="参数取值日期（默认今天）")
        test = sub.add_parser("test", help="运行 YAML 案例文件（可给目录）")
        test.add_argument("files", nargs="+")
        test.add_argument("--verbose", "-V", action="store_true", help="逐条列出通过的案例")
        ev = sub.add_parser("evaluate", help="按给定事实计算一个项目")
        ev.add_argument("item")
        ev.add_argument("--on", required=True, help="决定奖补的日期 YYYY-MM-DD")
        ev.add_argument("--facts", help="事实，JSON 对象")
        ev.add_argument("--facts-file", help="事实，YAML/JSON 文件")
        ev.add_argument("--json", action="store_true")
        wi = sub.add_parser("whatif", help="假设测算：对历史申请按新参数重算，列出新旧金额和差额")
        wi.add_argument("--applications", required=True, help="申请数据文件（YAML/JSON）")
        wi.add_argument("--overlay", required=True, help="假设参数文件（YAML/JSON）")
        wi.add_argument("--year", type=int, help="只测算该年度的申请")
        wi.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            getattr(self, f"_{options['action']}")(options)
        except DataFileError as exc:
            raise CommandError(f"文件被拒绝：{exc}", returncode=2) from exc

    def _catalog(self, options: dict[str, Any]) -> None:
        catalog = default_catalog()
        on = _date(options["on"]) if options["on"] else timezone.localdate()
        if options["markdown"]:
            self.stdout.write(catalog_markdown(catalog), ending="")
            return
        if options["json"]:
            self.stdout.write(json.dumps(catalog_as_json(catalog, on), ensure_ascii=False, indent=2))
            return
        data = catalog_as_json(catalog, on)
        self.stdout.write(f"{data['title']}（参数取 {on.isoformat()} 的值），共 {len(data['items'])} 项")
        for item in data["items"]:
            values = "；".join(
                f"{p['label']} {p.get('display', '未生效')}" for p in item["parameters"].values()
            )
            self.stdout.write(
                f"{item['code']:<34} {item['name']}｜{item['track_label']}｜{item['shape_label']}｜"
                f"{item['applies']['clause']}｜{values}"
            )

    def _test(self, options: dict[str, Any]) -> None:
        report = run_case_files(options["files"])
        for result in report.results:
            if result.passed:
                if options["verbose"]:
                    self.stdout.write(f"通过 {result.label}")
                continue
            self.stdout.write(f"失败 {result.label}")
            for problem in result.problems:
                self.stdout.write(f"    {problem}")
        self.stdout.write(report.summary())
        if report.failed:
            raise CommandError(f"{report.failed} 个案例未通过", returncode=1)

    def _evaluate(self, options: dict[str, Any]) -> None:
        facts: dict[str, Any] = {}
        if options["facts_file"]:
            data = read_yaml_checked(options["facts_file"])
            if not isinstance(data, dict):
                raise CommandError(f"{options['facts_file']}：事实文件应为键值对象", returncode=2)
            facts.update(data)
        if options["facts"]:
            try:
                data = json.loads(options["facts"])
            except json.JSONDecodeError as exc:
                raise CommandError(f"--facts 不是有效的 JSON：{exc}", returncode=2) from exc
            if not isinstance(data, dict):
                raise CommandError("--facts 应为 JSON 对象", returncode=2)
            facts.update(data)
        try:
            decision = evaluate(options["item"], facts, on=_date(options["on"]))
        except PolicyError as exc:
            raise CommandError(f"无法计算（{exc.code}）：{exc.message}", returncode=2) from exc
        if options["json"]:
            self.stdout.write(json.dumps(decision.as_dict(), ensure_ascii=False, indent=2))
        else:
            self.stdout.write(decision.explain())

    def _whatif(self, options: dict[str, Any]) -> None:
        applications = read_applications(Path(options["applications"]), year=options["year"])
        overlay, label = read_overlay(Path(options["overlay"]))
        try:
            report = what_if(applications, overlay, label=label)
        except (PolicyError, ValueError) as exc:
            raise CommandError(f"无法测算：{getattr(exc, 'message', exc)}", returncode=2) from exc
        if options["json"]:
            self.stdout.write(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
            return
        self.stdout.write(f"假设测算“{label}”：{len(report.rows)} 件申请")
        self.stdout.write(f"{'项目':<34} {'件数':>4} {'原金额':>18} {'新金额':>18} {'差额':>18}")
        for t in report.items.values():
            self.stdout.write(
                f"{t.code:<34} {t.count:>4} {t.old:>18,.2f} {t.new:>18,.2f} {t.difference:>+18,.2f}"
            )
        self.stdout.write(
            f"{'合计':<34} {len(report.rows):>4} {report.old_total:>18,.2f} {report.new_total:>18,.2f} "
            f"{report.difference:>+18,.2f}"
        )
        errors = [r for r in report.rows if r.old.error or r.new.error]
        for row in errors:
            self.stdout.write(
                f"申请 {row.application.id}：原 {row.old.error or '—'}；新 {row.new.error or '—'}"
            )
        self.stdout.write(f"差额合计 {yuan(report.difference)}")
