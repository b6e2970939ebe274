"""Background jobs: long work started from the web, run by a worker from the task queue.

A job is a top-level function decorated with `@background_job(kind)`. It receives a `JobHandle`
(to report progress), the `Actor` who started it and JSON parameters (ids, the path of a stored
file — never objects or closures), and returns a JSON-able dict that the job page shows.

`start_job` records a `Job` row and enqueues the task (django-tasks, database backend) in the
caller's transaction. A worker (`ipcity worker`) runs it: the Job is marked running, a reporter
thread writes progress and a heartbeat (`JobProgress`) on a connection of its own every few seconds,
and the outcome — the result, or a Chinese reason — is recorded on the Job with an audit event.

A worker killed mid-job leaves its Job running with a stale heartbeat: `reap_dead_jobs` marks it
failed (on worker start and periodically while a worker runs, or `ipcity jobs reap`). Work done in
the job's own transaction is rolled back by the database. The city office may `retry_job` a failed
job: a new Job with the same task and parameters.

With the immediate backend (tests, IPCITY_JOBS_SYNC=1) the job runs inside `start_job`.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import connections, transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks import TaskResultStatus, task
from django_tasks.backends.immediate import ImmediateBackend
from django_tasks.base import Task

from ipcity.core.audit import Actor, record_event
from ipcity.core.models import Job, JobProgress, JobStatus

log = logging.getLogger(__name__)

PROGRESS_INTERVAL = 0.5  # seconds between two progress writes of one job


# (handle, actor, /, **params) -> a JSON-able result shown on the job page
JobFunction = Callable[..., dict[str, Any] | None]


class JobRefused(Exception):
    """A job cannot be started or retried; the message says why, in Chinese."""


class JobHandle:
    """What a job function gets: `progress(done, total, message)`.

    In a worker, progress is handed to the reporter thread, which publishes it from its own
    connection; inline (immediate backend) it is written at most every PROGRESS_INTERVAL seconds."""

    def __init__(self, job_id: uuid.UUID, reporter: _Reporter | None = None) -> None:
        self.job_id = job_id
        self._reporter = reporter
        self._last_write = 0.0
        self.last: tuple[int, int | None, str] | None = None

    def progress(self, done: int, total: int | None = None, message: str = "") -> None:
        self.last = (done, total, message)
        if self._reporter is not None:
            self._reporter.update(done, total, message)
            return
        now = time.monotonic()
        if now - self._last_write < PROGRESS_INTERVAL and not (total is not None and done >= total):
            return
        self._last_write = now
        _write_progress(self.job_id, done, total, message, worker="inline")


def _write_progress(job_id: uuid.UUID, done: int, total: int | None, message: str, *, worker: str) -> None:
    JobProgress.objects.update_or_create(
        job_id=job_id,
        defaults={
            "done": max(0, done),
            "total": total,
            "message": message[:300],
            "worker": worker[:100],
            "heartbeat_at": timezone.now(),
        },
    )


class _Reporter(threading.Thread):
    """Writes a running job's progress (when it changed) and a heartbeat (always) on a timer.

    Runs in its own thread, so it has its own database connection: it is never inside the job's
    transaction, and on SQLite it writes to the separate progress database."""

    def __init__(self, job_id: uuid.UUID, worker: str) -> None:
        super().__init__(name=f"job-reporter-{job_id}", daemon=True)
        self.job_id = job_id
        self.worker = worker
        self._lock = threading.Lock()
        self._state: tuple[int, int | None, str] = (0, None, "")
        self._changed = True
        self._stopping = threading.Event()

    def update(self, done: int, total: int | None, message: str) -> None:
        with self._lock:
            self._state = (done, total, message)
            self._changed = True

    def run(self) -> None:
        heartbeat = float(settings.IPCITY_JOB_HEARTBEAT_SECONDS)
        last_write = 0.0
        try:
            while True:
                stopping = self._stopping.wait(PROGRESS_INTERVAL)
                now = time.monotonic()
                with self._lock:
                    due = self._changed or now - last_write >= heartbeat or stopping
                    state, self._changed = self._state, False
                if due:
                    try:
                        _write_progress(self.job_id, *state, worker=self.worker)
                        last_write = now
                    except Exception:  # a busy database must not end the job; try again next tick
                        log.warning("job %s: progress not written", self.job_id, exc_info=True)
                if stopping:
                    return
        finally:
            connections.close_all()

    def stop(self) -> None:
        self._stopping.set()
        self.join(timeout=30)


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _actor_of(job: Job) -> Actor:
    return Actor(user=job.created_by, source=job.actor_source or "system", label=job.actor_label or "系统")


def execute_job(job_id: str, func: JobFunction) -> None:
    """Run one job (called by the task the worker took from the queue)."""
    claimed = Job.objects.filter(pk=job_id, status=JobStatus.QUEUED).update(
        status=JobStatus.RUNNING, started_at=timezone.now()
    )
    if not claimed:  # reaped or already run (a task delivered twice): nothing to do
        log.warning("job %s is not queued any more; skipped", job_id)
        return
    job = Job.objects.select_related("created_by").get(pk=job_id)
    actor = _actor_of(job)
    inline = isinstance(_task_of(job).get_backend(), ImmediateBackend)
    reporter = None if inline else _Reporter(job.pk, worker_name())
    if reporter is not None:
        reporter.start()
    handle = JobHandle(job.pk, reporter)
    try:
        result = func(handle, actor, **job.params)
    except Exception as exc:  # the job's failure is reported to its user, not raised
        log.exception("job %s (%s) failed", job.pk, job.kind)
        if reporter is not None:
            reporter.stop()
        _finish(job, actor, JobStatus.FAILED, error=str(exc) or exc.__class__.__name__, last=handle.last)
    else:
        if reporter is not None:
            reporter.stop()
        _finish(job, actor, JobStatus.SUCCEEDED, result=result or {}, last=handle.last)


def _finish(
    job: Job,
    actor: Actor,
    status: str,
    *,
    result: dict[str, Any] | None = None,
    error: str = "",
    last: tuple[int, int | None, str] | None = None,
) -> None:
    fields: dict[str, Any] = {"status": status, "finished_at": timezone.now(), "error": error[:5000]}
    if status == JobStatus.SUCCEEDED:
        fields.update(result=result, message="完成")
    if last is not None:
        fields.update(done=max(0, last[0]), total=last[1])
    with transaction.atomic():
        Job.objects.filter(pk=job.pk).update(**fields)
        if status == JobStatus.SUCCEEDED:
            record_event(actor, "job.finish", obj=job, after={"result": result})
        else:
            record_event(actor, "job.fail", obj=job, note=error[:300])
    JobProgress.objects.filter(job_id=job.pk).delete()


def background_job(kind: str) -> Callable[[JobFunction], Task[[str], None]]:
    """Make a top-level function a queued job. The module attribute becomes a django-tasks Task
    taking the Job's id; the function itself gets (handle, actor, **params)."""

    def decorate(func: JobFunction) -> Task[[str], None]:
        def run(job_id: str) -> None:
            execute_job(job_id, func)

        # The worker imports the task by its module path: the task must stand at the function's place.
        run.__module__ = func.__module__
        run.__qualname__ = run.__name__ = getattr(func, "__qualname__", "job")
        run.__doc__ = func.__doc__
        queued: Task[[str], None] = task()(run)
        _KINDS[queued.module_path] = kind
        return queued

    return decorate


_KINDS: dict[str, str] = {}


def _task_of(job: Job) -> Task[[str], None]:
    found = import_string(job.task_path)
    if not isinstance(found, Task) or job.task_path not in _KINDS:
        raise JobRefused(f"任务“{job.label}”的处理程序已不存在")
    return found


def start_job(job_task: Task[[str], None], *, label: str, actor: Actor, params: dict[str, Any]) -> Job:
    """Record a Job and put it on the queue (in the caller's transaction, if any)."""
    kind = _KINDS.get(job_task.module_path)
    if kind is None:
        raise TypeError(f"{job_task.module_path} is not a @background_job")
    json.dumps(params)  # parameters must be JSON: a TypeError here is a programming error
    job = Job.objects.create(
        kind=kind,
        label=label[:200],
        task_path=job_task.module_path,
        params=params,
        created_by=actor.user,
        actor_source=actor.source,
        actor_label=actor.label[:150],
    )
    record_event(actor, "job.start", obj=job)
    return _enqueue(job, job_task)


def _enqueue(job: Job, job_task: Task[[str], None]) -> Job:
    if isinstance(job_task.get_backend(), ImmediateBackend):
        job_task.enqueue(str(job.pk))  # runs now; its result is on the Job row
    else:
        queued = job_task.enqueue(str(job.pk))
        Job.objects.filter(pk=job.pk).update(task_id=str(queued.id))
    job.refresh_from_db()
    return job


@transaction.atomic
def retry_job(job: Job, *, actor: Actor) -> Job:
    """Start a failed job again with the same task and parameters, as a new Job."""
    job = Job.objects.select_for_update().get(pk=job.pk)
    if job.status != JobStatus.FAILED:
        raise JobRefused("只有失败的任务可以重试")
    if job.retries.exists():
        raise JobRefused("该任务已经重试过，请查看最新的一次")
    job_task = _task_of(job)
    retry = Job.objects.create(
        kind=job.kind,
        label=job.label,
        task_path=job.task_path,
        params=job.params,
        retry_of=job,
        created_by=actor.user,
        actor_source=actor.source,
        actor_label=actor.label[:150],
    )
    record_event(actor, "job.retry", obj=retry, note=f"重试失败的任务 {job.pk}")
    return _enqueue(retry, job_task)


def live_job(job: Job) -> Job:
    """The job with the progress its worker last published (for the status page)."""
    if job.status in {JobStatus.QUEUED, JobStatus.RUNNING}:
        progress = JobProgress.objects.filter(job_id=job.pk).first()
        if progress is not None:
            job.done, job.total = progress.done, progress.total
            job.message = progress.message or job.message
            job.heartbeat_at = progress.heartbeat_at  # type: ignore[attr-defined]
    return job


DEAD_REASON = "处理该任务的后台进程已停止（最后心跳：{beat}），任务未完成；本次任务未提交的写入已由数据库撤销。市局管理员可以重试。"


def reap_dead_jobs(*, actor: Actor | None = None) -> list[Job]:
    """Mark failed every running job whose worker stopped sending heartbeats. Returns those jobs."""
    from django_tasks_db.models import DBTaskResult

    actor = actor or Actor.system("任务巡检")
    stale_before = timezone.now() - dt.timedelta(seconds=settings.IPCITY_JOB_STALE_SECONDS)
    running = list(Job.objects.filter(status=JobStatus.RUNNING))
    if not running:
        return []
    beats = dict(
        JobProgress.objects.filter(job_id__in=[j.pk for j in running]).values_list("job_id", "heartbeat_at")
    )
    reaped = []
    for job in running:
        beat = beats.get(job.pk) or job.started_at or job.created_at
        if beat >= stale_before:
            continue
        reason = DEAD_REASON.format(beat=timezone.localtime(beat).strftime("%Y-%m-%d %H:%M:%S"))
        with transaction.atomic():
            updated = Job.objects.filter(pk=job.pk, status=JobStatus.RUNNING).update(
                status=JobStatus.FAILED, error=reason, finished_at=timezone.now()
            )
            if not updated:
                continue
            if job.task_id:
                DBTaskResult.objects.filter(pk=job.task_id, status=TaskResultStatus.RUNNING).update(
                    status=TaskResultStatus.FAILED,
                    finished_at=timezone.now(),
                    exception_class_path="",
                    traceback=reason,
                )
            record_event(actor, "job.reap", obj=job, note=reason)
        JobProgress.objects.filter(job_id=job.pk).delete()
        reaped.append(job)
    return reaped
