"""ipcity demo load — the plan, the reference data and the demo data set (idempotent)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ipcity.core.audit import Actor
from ipcity.demo.services import load_demo
from ipcity.lib.datafile import DataFileError


class Command(BaseCommand):
    help = "载入方案、基础数据和演示数据（可重复运行）"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("load", help="载入到当前配置的数据库，不启动服务")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            logins, password = load_demo(actor=Actor.cli("demo load"))
        except DataFileError as exc:
            raise CommandError(f"数据文件被拒绝，未写入任何数据：{exc}", returncode=2) from exc
        self.stdout.write("演示数据已就绪（合成数据，页面顶部会显示“演示数据”标记）。")
        self.stdout.write(f"演示账号（密码均为 {password}）：")
        for login in logins:
            self.stdout.write(f"  {login.username:<20} {login.role:<10} {login.acts_for}")
