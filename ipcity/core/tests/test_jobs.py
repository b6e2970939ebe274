"""Background jobs: recording, progress from the database, the reaper, retry and the job pages.

These run jobs with the immediate backend; test_worker.py runs a real worker process and kills it.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from ipcity.core import jobs
from ipcity.core.audit import Actor
from ipcity.core.models import AuditEvent, Job, JobProgress, JobStatus
from ipcity.core.tests.job_samples import plain_task, steps_job
from ipcity.test import Personas


def _start(personas: Personas, **params: int) -> Job:
    return jobs.start_job(steps_job, label="测试任务", actor=Actor.web(personas.admin), params=params)


@pytest.mark.django_db
def test_job_records_its_task_parameters_progress_and_result(personas: Personas) -> None:
    job = _start(personas, steps=3)
    assert job.status == JobStatus.SUCCEEDED
    assert (job.kind, job.task_path) == ("test.steps", "ipcity.core.tests.job_samples.steps_job")
    assert job.params == {"steps": 3}
    assert (job.done, job.total, job.result) == (3, 3, {"步数": 3, "操作人": personas.admin.username})
    assert job.actor_label == personas.admin.username and job.created_by == personas.admin
    assert not JobProgress.objects.exists()  # live progress is dropped once the outcome is on the Job
    actions = list(AuditEvent.objects.filter(object_id=str(job.pk)).values_list("action", flat=True))
    assert sorted(actions) == ["job.finish", "job.start"]


def test_parameters_must_be_json_and_the_task_a_background_job(personas: Personas) -> None:
    with pytest.raises(TypeError):
        jobs.start_job(steps_job, label="x", actor=Actor.cli(), params={"steps": object()})
    with pytest.raises(TypeError):
        jobs.start_job(plain_task, label="x", actor=Actor.cli(), params={})


@pytest.mark.django_db
def test_failed_job_keeps_the_error_and_page_is_scoped(personas: Personas) -> None:
    job = jobs.start_job(
        steps_job, label="会失败的任务", actor=Actor.web(personas.liaison), params={"steps": 9, "fail_at": 7}
    )
    assert job.status == JobStatus.FAILED and "第 7 行" in job.error and job.done == 6
    own = personas.client(personas.liaison).get(f"/jobs/{job.pk}/")
    assert own.status_code == 200 and "任务失败" in own.content.decode()
    assert "重试该任务" not in own.content.decode()  # only the city office retries
    assert "重试该任务" in personas.client(personas.admin).get(f"/jobs/{job.pk}/").content.decode()
    assert personas.client(personas.liaison_other).get(f"/jobs/{job.pk}/").status_code == 404
    assert personas.client(None).get(f"/jobs/{job.pk}/").status_code == 302
    partial = personas.client(personas.liaison).get(f"/jobs/{job.pk}/status/", HTTP_HX_REQUEST="true")
    assert partial.content.decode().lstrip().startswith('<div id="job-status"')
    assert AuditEvent.objects.filter(action="job.fail", object_id=str(job.pk)).exists()


@pytest.mark.django_db
def test_page_shows_the_progress_a_worker_published(personas: Personas) -> None:
    """The status page reads progress from the database, whichever process wrote it."""
    job = Job.objects.create(kind="test.steps", label="长任务", created_by=personas.admin, status="running")
    JobProgress.objects.create(
        job_id=job.pk, done=40, total=100, message="第 40 行", heartbeat_at=timezone.now()
    )
    html = personas.client(personas.admin).get(f"/jobs/{job.pk}/").content.decode()
    assert "40 / 100" in html and "第 40 行" in html and 'hx-trigger="every 1s"' in html


@pytest.mark.django_db
def test_queued_job_says_it_waits_and_warns_when_no_worker_takes_it(personas: Personas, settings) -> None:  # type: ignore[no-untyped-def]
    job = Job.objects.create(kind="test.steps", label="排队任务", created_by=personas.admin)
    client = personas.client(personas.admin)
    assert "等待后台处理程序接手" in client.get(f"/jobs/{job.pk}/").content.decode()
    Job.objects.filter(pk=job.pk).update(created_at=timezone.now() - dt.timedelta(minutes=5))
    assert "后台处理程序可能未在运行" in client.get(f"/jobs/{job.pk}/").content.decode()


def _running(personas: Personas, *, beat_seconds_ago: float | None) -> Job:
    job = Job.objects.create(
        kind="test.steps",
        label="处理中的任务",
        task_path="ipcity.core.tests.job_samples.steps_job",
        params={"steps": 2},
        created_by=personas.admin,
        status=JobStatus.RUNNING,
        started_at=timezone.now() - dt.timedelta(minutes=10),
    )
    if beat_seconds_ago is not None:
        JobProgress.objects.create(
            job_id=job.pk,
            done=5,
            total=10,
            heartbeat_at=timezone.now() - dt.timedelta(seconds=beat_seconds_ago),
        )
    return job


@pytest.mark.django_db
def test_reaper_fails_jobs_whose_worker_stopped_and_only_those(personas: Personas, settings) -> None:  # type: ignore[no-untyped-def]
    settings.IPCITY_JOB_STALE_SECONDS = 30
    alive = _running(personas, beat_seconds_ago=3)
    dead = _running(personas, beat_seconds_ago=31)
    never_beat = _running(personas, beat_seconds_ago=None)  # started 10 minutes ago, no heartbeat at all
    reaped = jobs.reap_dead_jobs()
    assert {j.pk for j in reaped} == {dead.pk, never_beat.pk}
    for job in (alive, dead, never_beat):
        job.refresh_from_db()
    assert alive.status == JobStatus.RUNNING
    assert dead.status == JobStatus.FAILED and "后台进程已停止" in dead.error and dead.finished_at
    assert AuditEvent.objects.filter(action="job.reap", object_id=str(dead.pk)).exists()
    assert not JobProgress.objects.filter(job_id=dead.pk).exists()
    assert jobs.reap_dead_jobs() == []  # idempotent


@pytest.mark.django_db
def test_city_office_retries_a_failed_job_once(personas: Personas, settings) -> None:  # type: ignore[no-untyped-def]
    dead = _running(personas, beat_seconds_ago=999)
    jobs.reap_dead_jobs()
    assert personas.client(personas.district_a).post(f"/jobs/{dead.pk}/retry/").status_code == 403
    response = personas.client(personas.admin).post(f"/jobs/{dead.pk}/retry/")
    retry = Job.objects.get(retry_of=dead)
    assert response["Location"] == f"/jobs/{retry.pk}/"
    assert (retry.status, retry.params) == (JobStatus.SUCCEEDED, {"steps": 2})
    assert retry.result == {"步数": 2, "操作人": personas.admin.username}  # run as the retrying user
    assert AuditEvent.objects.filter(action="job.retry", object_id=str(retry.pk)).exists()
    with pytest.raises(jobs.JobRefused, match="已经重试过"):
        jobs.retry_job(dead, actor=Actor.web(personas.admin))
    with pytest.raises(jobs.JobRefused, match="只有失败的任务"):
        jobs.retry_job(retry, actor=Actor.web(personas.admin))
    page = personas.client(personas.admin).get(f"/jobs/{dead.pk}/").content.decode()
    assert "该任务已重试" in page and "重试该任务" not in page


@pytest.mark.django_db
def test_job_list_is_for_the_city_office(personas: Personas) -> None:
    _start(personas, steps=1)
    jobs.start_job(
        steps_job, label="失败任务", actor=Actor.web(personas.admin), params={"steps": 2, "fail_at": 1}
    )
    client = personas.client(personas.admin)
    assert client.get("/jobs/").content.decode().count('data-testid="job-row"') == 2
    failed = client.get("/jobs/?status=failed").content.decode()
    assert failed.count('data-testid="job-row"') == 1 and "失败任务" in failed
    for user in (personas.liaison, personas.district_a, personas.enterprise_a):
        assert personas.client(user).get("/jobs/").status_code == 403
    assert personas.client(None).get("/jobs/").status_code == 302
