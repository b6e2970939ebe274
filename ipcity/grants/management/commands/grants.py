"""ipcity grants entitlements | budget | whatif | ledger — reward fulfilment at the command line."""

from __future__ import annotations

import json
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from ipcity.core.audit import Actor
from ipcity.core.workflow import Refused
from ipcity.grants import clock, selectors, services
from ipcity.grants.detection import run_detection
from ipcity.grants.exports import ledger_workbook
from ipcity.grants.models import Budget, Grant, Payment
from ipcity.lib.datafile import DataFileError
from ipcity.lib.excel import workbook_bytes
from ipcity.policy.engine import PolicyError
from ipcity.policy.engine.money import yuan
from ipcity.policy.engine.whatif import Application as WhatIfApplication
from ipcity.policy.engine.whatif import read_overlay, what_if


def _refuse(message: str) -> CommandError:
    return CommandError(message, returncode=2)


class Command(BaseCommand):
    help = "奖补兑现：免申即享比对、预算、假设测算、兑现台账"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        ent = sub.add_parser("entitlements", help="比对登记数据，生成免申即享事项（可重复运行，不重复生成）")
        ent.add_argument("--year", type=int, required=True, help="比对哪一年的登记事件")
        ent.add_argument("--dry-run", action="store_true", help="只列出将生成的事项，不写入")
        ent.add_argument("--json", action="store_true")
        budget = sub.add_parser("budget", help="设置或查看年度预算")
        bsub = budget.add_subparsers(dest="budget_action", required=True)
        bset = bsub.add_parser("set", help="设置一个项目某年度的预算（不能低于已核定金额）")
        bset.add_argument("item")
        bset.add_argument("year", type=int)
        bset.add_argument("amount", help="元，最多两位小数")
        bset.add_argument("--note", default="")
        blist = bsub.add_parser("list", help="列出某年度的预算执行情况")
        blist.add_argument("--year", type=int, required=True)
        wi = sub.add_parser("whatif", help="假设测算：按新参数重算某年度已核定的奖补")
        wi.add_argument("--year", type=int, required=True, help="判定日期所在年度")
        wi.add_argument("--overlay", required=True, help="假设参数文件（格式见 docs/policy.md 第5节）")
        wi.add_argument("--json", action="store_true")
        led = sub.add_parser("ledger", help="兑现台账（按项目、区市、年度）")
        led.add_argument("--year", type=int)
        led.add_argument("-o", "--output", help="写出 Excel 文件")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            getattr(self, f"_{options['action']}")(options)
        except Refused as exc:
            raise _refuse(str(exc)) from exc
        except DataFileError as exc:
            raise _refuse(f"文件被拒绝：{exc}") from exc
        except PolicyError as exc:
            raise _refuse(exc.message) from exc

    def _entitlements(self, options: dict[str, Any]) -> None:
        year, dry_run = options["year"], options["dry_run"]
        if year > clock.today().year:
            raise _refuse(f"不能比对未来年度（{year}）")
        bar = tqdm(total=None, desc="免申即享比对", unit="项", disable=options["json"], file=self.stderr._out)

        def progress(done: int, total: int, message: str) -> None:
            bar.total = total
            bar.n = done
            bar.set_postfix_str(message)
            bar.refresh()

        report = run_detection(year, actor=Actor.cli("免申即享比对"), dry_run=dry_run, progress=progress)
        bar.close()
        if options["json"]:
            self.stdout.write(
                json.dumps(
                    {
                        "year": year,
                        "dry_run": dry_run,
                        "counts": report.counts(),
                        "created": [
                            {
                                "number": e.number,
                                "item": e.item_code,
                                "organisation": e.organisation.name,
                                "amount": None if e.amount is None else str(e.amount),
                            }
                            for e in report.created
                        ],
                        "would_create": [
                            {
                                "item": c.item_code,
                                "event": c.event_key,
                                "organisation": c.organisation.name,
                                "amount": amount,
                            }
                            for c, amount in report.would_create
                        ],
                        "ineligible": [
                            {"item": c.item_code, "event": c.event_key, "reasons": r}
                            for c, r in report.ineligible
                        ],
                        "skipped": [
                            {"item": s.item_code, "event": s.event_label, "reason": s.reason}
                            for s in report.skipped
                        ],
                        "not_detectable": report.not_detectable,
                    },
                    ensure_ascii=False,
                    indent=2,
                )
            )
            return
        for c, amount in report.would_create:
            self.stdout.write(
                f"将新建  {selectors.item_name(c.item_code)}｜{c.organisation.name}｜{c.event_label}｜{amount}"
            )
        for e in report.created:
            amount = yuan(e.amount) if e.amount is not None else "待审定"
            self.stdout.write(
                f"新建  {e.number}｜{selectors.item_name(e.item_code)}｜{e.organisation.name}｜{amount}"
            )
        for c, reasons in report.ineligible:
            self.stdout.write(f"不符合条件  {c.organisation.name}｜{c.event_label}｜{reasons}")
        for s in report.skipped:
            self.stdout.write(f"无法比对  {selectors.item_name(s.item_code)}｜{s.event_label}｜{s.reason}")
        for code, reason in report.not_detectable.items():
            self.stdout.write(f"未自动比对  {selectors.item_name(code)}：{reason}")
        self.stdout.write(report.summary())

    def _budget(self, options: dict[str, Any]) -> None:
        if options["budget_action"] == "set":
            try:
                amount = Decimal(options["amount"].replace(",", ""))
            except InvalidOperation:
                raise _refuse(f"预算金额不是数字：{options['amount']}") from None
            budget = services.set_budget(
                options["item"],
                options["year"],
                amount,
                actor=Actor.cli("设置奖补预算"),
                note=options["note"],
            )
            self.stdout.write(
                f"{budget.year} 年 {selectors.item_name(budget.item_code)} 预算 {yuan(budget.amount)}"
            )
            return
        year = options["year"]
        for line in selectors.budget_execution(year):
            self.stdout.write(
                f"{line.item_code:<34} {line.name}｜预算 {yuan(line.budget)}｜已核定 {yuan(line.committed)}｜"
                f"已兑现 {yuan(line.paid)}｜余额 {yuan(line.remaining)}"
            )
        if not Budget.objects.filter(year=year).exists():
            self.stdout.write(f"{year} 年度尚未设置预算")

    def _whatif(self, options: dict[str, Any]) -> None:
        overlay, label = read_overlay(options["overlay"])
        grants = Grant.objects.filter(decisive_date__year=options["year"]).select_related(
            "organisation", "application", "entitlement"
        )
        apps = [
            WhatIfApplication(
                id=g.source.number,
                item=g.item_code,
                beneficiary=g.organisation.uscc or str(g.organisation_id),
                on=g.decisive_date,
                facts=g.decision["facts"],
            )
            for g in grants.order_by("decisive_date", "pk")
        ]
        report = what_if(apps, overlay, label=label)
        if options["json"]:
            self.stdout.write(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
            return
        self.stdout.write(f"假设测算：{label}（{options['year']} 年度已核定 {len(apps)} 笔）")
        for t in report.items.values():
            self.stdout.write(
                f"{t.name}｜{t.count} 笔｜原 {yuan(t.old)}｜新 {yuan(t.new)}｜差额 {yuan(t.difference)}"
            )
        self.stdout.write(
            f"合计｜原 {yuan(report.old_total)}｜新 {yuan(report.new_total)}｜差额 {yuan(report.difference)}"
        )

    def _ledger(self, options: dict[str, Any]) -> None:
        payments = Payment.objects.select_related(
            "organisation", "region", "grant", "grant__application", "grant__entitlement"
        )
        if options["year"]:
            payments = payments.filter(paid_on__year=options["year"])
        table = selectors.ledger_table(payments)
        if options["output"]:
            Path(options["output"]).write_bytes(workbook_bytes(ledger_workbook(table, payments)))
            self.stdout.write(f"已写出 {options['output']}（{table.count} 笔，{yuan(table.total)}）")
            return
        for row in table.rows:
            self.stdout.write(
                f"{row['year']}｜{row['item']}｜{row['region']}｜{row['count']} 笔｜{yuan(row['amount'])}"
            )
        self.stdout.write(f"合计 {table.count} 笔，{yuan(table.total)}")
