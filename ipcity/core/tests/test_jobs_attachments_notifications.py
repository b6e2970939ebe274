"""Background jobs, content-checked attachments and notifications (shared by every app)."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from ipcity.core.attachments import store_attachment
from ipcity.core.audit import Actor
from ipcity.core.jobs import start_job
from ipcity.core.models import Attachment, AuditEvent, Job, Notification
from ipcity.core.notifications import notify
from ipcity.test import Personas


@pytest.mark.django_db
def test_job_records_progress_and_result(personas: Personas) -> None:
    seen: list[int] = []

    def work(handle):  # type: ignore[no-untyped-def]
        for i in range(1, 4):
            handle.progress(i, total=3, message=f"第{i}步")
            seen.append(i)
        return {"created": 3}

    job = start_job(kind="test", label="测试任务", actor=Actor.web(personas.admin), func=work)
    assert job.status == "succeeded"
    assert (job.done, job.total, job.result) == (3, 3, {"created": 3})
    assert seen == [1, 2, 3]
    assert AuditEvent.objects.filter(action="job.finish", object_id=str(job.pk)).exists()


@pytest.mark.django_db
def test_failed_job_keeps_the_error_and_page_is_scoped(personas: Personas) -> None:
    def boom(handle):  # type: ignore[no-untyped-def]
        raise ValueError("第 7 行：申请号校验位错误")

    job = start_job(kind="test", label="会失败的任务", actor=Actor.web(personas.liaison), func=boom)
    assert job.status == "failed" and "校验位错误" in job.error
    own = personas.client(personas.liaison).get(f"/jobs/{job.pk}/")
    assert own.status_code == 200 and "任务失败" in own.content.decode()
    assert personas.client(personas.admin).get(f"/jobs/{job.pk}/").status_code == 200
    assert personas.client(personas.liaison_other).get(f"/jobs/{job.pk}/").status_code == 404
    assert personas.client(None).get(f"/jobs/{job.pk}/").status_code == 302
    partial = personas.client(personas.liaison).get(f"/jobs/{job.pk}/status/", HTTP_HX_REQUEST="true")
    assert partial.content.decode().lstrip().startswith('<div id="job-status"')
    assert Job.objects.count() == 1


def _xlsx() -> bytes:
    wb = openpyxl.Workbook()
    wb.active.append(["a", 1])  # type: ignore[union-attr]
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


@pytest.mark.django_db
def test_attachment_type_is_checked_by_content(personas: Personas, settings) -> None:  # type: ignore[no-untyped-def]
    actor = Actor.web(personas.liaison)
    stored = store_attachment(SimpleUploadedFile("进展.xlsx", _xlsx()), actor=actor)
    assert (stored.kind, stored.original_name) == ("xlsx", "进展.xlsx")
    assert stored.file.read()[:2] == b"PK"
    pdf = store_attachment(SimpleUploadedFile("说明.pdf", b"%PDF-1.7\n%\xe2\xe3\n1 0 obj\n"), actor=actor)
    assert pdf.kind == "pdf"

    with pytest.raises(ValidationError, match="不是允许的类型"):
        store_attachment(SimpleUploadedFile("伪装.pdf", b"MZ\x90\x00 executable"), actor=actor)
    with pytest.raises(ValidationError, match="不是允许的类型"):
        store_attachment(SimpleUploadedFile("表格.xlsx", _xlsx()), actor=actor, allowed={"pdf"})
    settings.IPCITY_MAX_UPLOAD_BYTES = 10
    with pytest.raises(ValidationError, match="超过上限"):
        store_attachment(SimpleUploadedFile("大.pdf", b"%PDF-1.7 and more bytes"), actor=actor)
    assert Attachment.objects.count() == 2
    assert AuditEvent.objects.filter(action="attachment.create").count() == 2


@pytest.mark.django_db
def test_notifications_in_app_and_by_mail(personas: Personas, django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    personas.liaison.email = "finance@example.cn"
    personas.liaison.save()
    with django_capture_on_commit_callbacks(execute=True):
        notify(
            [personas.liaison, personas.liaison_other],
            title="进展报告即将到期",
            body="附件二(二)2 第四季度",
            url="/plan/rows/P2.S2.R2/",
            actor=Actor.cli(),
        )
    assert Notification.objects.filter(read_at__isnull=True).count() == 2
    assert [m.to for m in mail.outbox] == [["finance@example.cn"]]
    client = personas.client(personas.liaison)
    assert 'data-testid="nav-notifications"' in client.get("/").content.decode()
    page = client.get("/notifications/").content.decode()
    assert "进展报告即将到期" in page
    note = Notification.objects.get(recipient=personas.liaison)
    response = client.post(f"/notifications/{note.pk}/read/")
    assert response["Location"] == "/plan/rows/P2.S2.R2/"
    note.refresh_from_db()
    assert note.read_at is not None
    other = Notification.objects.get(recipient=personas.liaison_other)
    assert client.post(f"/notifications/{other.pk}/read/").status_code == 404


@pytest.mark.django_db
def test_live_progress_is_shown_while_the_job_runs(personas: Personas) -> None:
    """A job whose work is one long transaction still shows progress on its page."""
    from ipcity.core import jobs

    job = Job.objects.create(kind="test", label="长任务", created_by=personas.admin, status="running")
    jobs.JobHandle(job).progress(40, total=100, message="第 40 行")
    try:
        html = personas.client(personas.admin).get(f"/jobs/{job.pk}/").content.decode()
        assert "40 / 100" in html and "第 40 行" in html
    finally:
        jobs._LIVE.clear()
