"""ipcity reference load — departments and regions from data/reference/, and the working-day calendar's
seed years the database does not have yet (data/calendar/)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ipcity.core.audit import Actor
from ipcity.core.services import load_reference_data
from ipcity.lib.datafile import DataFileError


class Command(BaseCommand):
    help = "载入基础数据（责任部门、区市，以及数据库中尚无的工作日历初始年份）"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("load", help="从 data/reference/ 和 data/calendar/ 载入（幂等；已有的日历年份不覆盖）")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = load_reference_data(actor=Actor.cli())
        except DataFileError as exc:
            raise CommandError(f"基础数据文件被拒绝，未写入任何数据：{exc}", returncode=2) from exc
        for kind, counts in result.counts.items():
            self.stdout.write(
                f"{kind}: 新增{counts['created']} 更新{counts['updated']} 未变{counts['unchanged']}"
            )
