"""Background jobs used by the job tests (top-level, so a worker process can import them)."""

from __future__ import annotations

from typing import Any

from django_tasks import task

from ipcity.core.audit import Actor
from ipcity.core.jobs import JobHandle, background_job


@background_job("test.steps")
def steps_job(handle: JobHandle, actor: Actor, /, *, steps: int, fail_at: int = 0) -> dict[str, Any]:
    """Report progress for each step; raise a row error at step `fail_at`."""
    for step in range(1, steps + 1):
        if step == fail_at:
            raise ValueError(f"第 {step} 行：申请号校验位错误")
        handle.progress(step, steps, f"第 {step} 步")
    return {"步数": steps, "操作人": actor.label}


@task()
def plain_task(job_id: str) -> None:
    """A queued task that is not a background job (start_job must refuse it)."""
