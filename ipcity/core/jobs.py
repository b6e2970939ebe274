"""Background jobs for long work started from the web, with progress the UI can poll.

`start_job` records a Job and runs the function in a thread (synchronously when
settings.IPCITY_JOBS_SYNC is true, as in tests). Job state is written with plain updates so that
progress is visible while the function's own transactions are still open.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import close_old_connections, connections, transaction
from django.utils import timezone

from ipcity.core.audit import Actor, record_event
from ipcity.core.models import Job, JobStatus

log = logging.getLogger(__name__)

# Progress of jobs running in this process. A job's own work may sit in one long transaction (an
# all-or-nothing import), so its progress rows are not visible to other connections until it
# commits — and SQLite admits no second writer meanwhile. The status page reads this first.
_LIVE: dict[str, tuple[int, int | None, str]] = {}
_LIVE_LOCK = threading.Lock()


def live_progress(job: Job) -> tuple[int, int | None, str] | None:
    with _LIVE_LOCK:
        return _LIVE.get(str(job.pk))


class JobHandle:
    """What a job function gets: report progress; the Job row is updated at most every 0.5 s."""

    def __init__(self, job: Job) -> None:
        self.job = job
        self._last_write = 0.0

    def progress(self, done: int, total: int | None = None, message: str = "") -> None:
        now = timezone.now().timestamp()
        finished = total is not None and done >= total
        if now - self._last_write < 0.5 and not finished:
            return
        self._last_write = now
        with _LIVE_LOCK:
            _LIVE[str(self.job.pk)] = (done, total, message[:300])
        fields: dict[str, Any] = {"done": done}
        if total is not None:
            fields["total"] = total
        if message:
            fields["message"] = message[:300]
        Job.objects.filter(pk=self.job.pk).update(**fields)


def _run(job_id: Any, func: Callable[[JobHandle], dict[str, Any] | None], actor: Actor) -> None:
    job = Job.objects.get(pk=job_id)
    Job.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, started_at=timezone.now())
    try:
        result = func(JobHandle(job))
    except Exception as exc:  # the job's failure is reported to its user, not raised
        log.exception("job %s (%s) failed", job.pk, job.kind)
        Job.objects.filter(pk=job.pk).update(
            status=JobStatus.FAILED, error=str(exc)[:5000], finished_at=timezone.now()
        )
        record_event(actor, "job.fail", obj=job, note=str(exc)[:300])
    else:
        Job.objects.filter(pk=job.pk).update(
            status=JobStatus.SUCCEEDED, result=result or {}, finished_at=timezone.now(), message="完成"
        )
        record_event(actor, "job.finish", obj=job, after={"result": result or {}})


def _run_in_thread(job_id: Any, func: Callable[[JobHandle], dict[str, Any] | None], actor: Actor) -> None:
    close_old_connections()
    try:
        _run(job_id, func, actor)
    finally:
        with _LIVE_LOCK:
            _LIVE.pop(str(job_id), None)
        connections.close_all()


def start_job(
    *, kind: str, label: str, actor: Actor, func: Callable[[JobHandle], dict[str, Any] | None]
) -> Job:
    job = Job.objects.create(kind=kind, label=label[:200], created_by=actor.user)
    record_event(actor, "job.start", obj=job)
    if getattr(settings, "IPCITY_JOBS_SYNC", False):
        _run(job.pk, func, actor)
    else:
        thread = threading.Thread(
            target=_run_in_thread, args=(job.pk, func, actor), name=f"job-{job.pk}", daemon=True
        )
        transaction.on_commit(thread.start)
    job.refresh_from_db()
    return job
