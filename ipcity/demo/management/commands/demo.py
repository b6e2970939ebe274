"""ipcity demo load | ipcity demo generate — the synthetic demo data set (idempotent)."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ipcity.accounts.backends import demo_logins_allowed
from ipcity.core.audit import Actor
from ipcity.demo.services import DemoRefused, load_demo, load_full_demo
from ipcity.lib.datafile import DataFileError


class Command(BaseCommand):
    help = "演示数据：载入（方案、基础数据、账号、知识产权数据、指标、督查、奖补）或生成导入文件"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser("load", help="载入到当前配置的数据库，不启动服务（可重复运行）")
        load.add_argument("--patents", type=int, default=20000, help="合成专利件数（默认 20000）")
        load.add_argument("--seed", type=int, default=2024, help="随机种子（同一种子得到同样的数据）")
        load.add_argument("--base-only", action="store_true", help="只载入方案、基础数据和演示账号")
        generate = sub.add_parser("generate", help="按真实导出格式生成合成的导入文件（不写数据库）")
        generate.add_argument("--patents", type=int, default=20000)
        generate.add_argument("--seed", type=int, default=2024)
        generate.add_argument("--out", help="输出目录（默认：新建临时目录）")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "generate":
            self._generate(options)
            return
        actor = Actor.cli("载入演示数据")
        started = time.monotonic()
        last = [started]

        def step(label: str) -> None:
            now = time.monotonic()
            self.stdout.write(f"[{now - started:6.1f}s] {label}…")
            last[0] = now

        try:
            if options["base_only"]:
                logins, password = load_demo(actor=actor)
            else:
                logins, password = load_full_demo(
                    actor=actor, patents=options["patents"], seed=options["seed"], step=step
                )
        except DemoRefused as exc:
            raise CommandError(str(exc), returncode=2) from exc
        except DataFileError as exc:
            raise CommandError(f"数据文件被拒绝，未写入任何数据：{exc}", returncode=2) from exc
        self.stdout.write(
            f"演示数据已就绪（合成数据，页面顶部显示“演示数据”标记；用时 {time.monotonic() - started:.0f} 秒）。"
        )
        if demo_logins_allowed():
            self.stdout.write(f"演示账号（密码均为 {password}）：")
        else:
            self.stdout.write("演示账号（本站为正式配置：公开的演示密码不能登录，需由管理员另设密码）：")
        for login in logins:
            self.stdout.write(f"  {login.username:<20} {login.role:<10} {login.acts_for}")

    def _generate(self, options: dict[str, Any]) -> None:
        from ipcity.registry.demo import generate_demo_files

        if options["patents"] < 1:
            raise CommandError("--patents 必须大于 0", returncode=2)
        out = Path(options["out"] or tempfile.mkdtemp(prefix="ipcity-demo-"))
        files = generate_demo_files(out, patents=options["patents"], seed=options["seed"])
        for kind, path in files.items():
            self.stdout.write(f"{kind:<14} {path}")
