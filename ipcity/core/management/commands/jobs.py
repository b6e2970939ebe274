"""`ipcity jobs reap`: mark failed the jobs whose worker died (for cron, besides the worker's own
check); `ipcity jobs list`: the latest jobs and their state; `ipcity jobs migrate`: create or update
the progress database where it is separate (SQLite; the worker also does this when it starts)."""

from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from ipcity.core.audit import Actor
from ipcity.core.jobs import live_job, reap_dead_jobs
from ipcity.core.models import Job
from ipcity.core.routers import progress_database


class Command(BaseCommand):
    help = "后台任务：巡检失联任务（reap）或列出最近的任务（list）"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("reap", help="把处理进程已停止的任务标记为失败")
        sub.add_parser("migrate", help="建立或更新单独的任务进度数据库（SQLite）")
        listing = sub.add_parser("list", help="最近的任务")
        listing.add_argument("--limit", type=int, default=20)

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        if action == "migrate":
            if progress_database() != "default":
                call_command("migrate", database=progress_database(), verbosity=0, interactive=False)
            return
        if action == "reap":
            reaped = reap_dead_jobs(actor=Actor.cli("任务巡检"))
            for job in reaped:
                self.stdout.write(f"{job.pk}  {job.label}：已标记为失败")
            self.stdout.write(f"失联任务：{len(reaped)} 个")
            return
        for job in Job.objects.all()[: options["limit"]]:
            job = live_job(job)
            when = timezone.localtime(job.created_at).strftime("%Y-%m-%d %H:%M")
            total = f"/{job.total}" if job.total else ""
            self.stdout.write(
                f"{when}  {job.get_status_display():4}  {job.done}{total}  {job.label}  {job.pk}"
            )
