"""`ipcity worker`: run background jobs from the queue (django-tasks-db's worker, plus the reaper).

Before taking work, and every few seconds while it runs, the worker marks failed the jobs whose
worker died (no heartbeat for IPCITY_JOB_STALE_SECONDS), so a killed process never leaves a job
"running" for ever. Several workers may run at once, on one machine or several sharing PostgreSQL.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.db import connections
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from ipcity.core.jobs import reap_dead_jobs

log = logging.getLogger("ipcity.worker")


def _reap_forever(stop: threading.Event, every: float) -> None:
    try:
        while not stop.wait(every):
            try:
                for job in reap_dead_jobs():
                    log.warning("job %s marked failed: its worker stopped", job.pk)
            except Exception:  # a busy database: try again next round
                log.warning("reaper: check failed", exc_info=True)
    finally:
        connections.close_all()


class Command(DbWorkerCommand):
    help = "运行后台任务处理进程（任务队列 + 失联任务巡检）"

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("jobs", "migrate")  # SQLite: the small progress database beside the main one
        for job in reap_dead_jobs():
            self.stdout.write(f"任务 {job.pk}（{job.label}）的处理进程已停止，已标记为失败")
        every = max(1.0, settings.IPCITY_JOB_STALE_SECONDS / 3)
        stop = threading.Event()
        reaper = threading.Thread(target=_reap_forever, args=(stop, every), name="job-reaper", daemon=True)
        reaper.start()
        try:
            super().handle(*args, **options)
        finally:
            stop.set()
