"""Content-checked attachments and notifications (shared by every app); jobs are in test_jobs.py."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from ipcity.core.attachments import store_attachment
from ipcity.core.audit import Actor
from ipcity.core.models import Attachment, AuditEvent, Notification
from ipcity.core.notifications import notify
from ipcity.test import Personas


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
