"""通知公告: the city office writes, publishes and withdraws notices with attachments (audited);
the public reads the published ones and their files, nothing else."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from ipcity.core.audit import Actor
from ipcity.core.models import AuditEvent
from ipcity.core.workflow import Refused
from ipcity.portal import services
from ipcity.portal.choices import NoticeStatus
from ipcity.portal.models import Notice
from ipcity.test import Personas

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n% ipcity test\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_the_office_writes_publishes_and_withdraws_a_notice(personas: Personas) -> None:
    office = personas.client(personas.admin)
    response = office.post(
        "/notices/new/",
        {"kind": "notice", "title": "关于申报2024年度专利奖补的通知", "body": "各有关单位：……",
         "attachment": SimpleUploadedFile("申报指南.pdf", PDF)},
    )  # fmt: skip
    notice = Notice.objects.get()
    assert response.status_code == 302 and notice.status == NoticeStatus.DRAFT
    assert notice.attachments.get().original_name == "申报指南.pdf"
    public = personas.client(None)
    assert public.get(f"/notices/{notice.pk}/").status_code == 404  # a draft is not public
    assert "关于申报2024年度专利奖补的通知" not in public.get("/").content.decode()
    assert office.post(f"/notices/{notice.pk}/publish/").status_code == 302
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.PUBLISHED and notice.published_at is not None
    home = public.get("/").content.decode()
    assert "关于申报2024年度专利奖补的通知" in home
    page = public.get(f"/notices/{notice.pk}/").content.decode()
    assert "申报指南.pdf" in page and 'data-testid="notice-actions"' not in page  # no buttons for the public
    assert 'data-testid="notice-actions"' in office.get(f"/notices/{notice.pk}/").content.decode()
    file = public.get(f"/notices/{notice.pk}/files/{notice.attachments.get().pk}/")
    assert file.status_code == 200 and b"".join(file.streaming_content).startswith(b"%PDF")  # type: ignore[attr-defined]
    office.post(f"/notices/{notice.pk}/withdraw/")
    assert public.get(f"/notices/{notice.pk}/").status_code == 404
    actions = set(
        AuditEvent.objects.filter(object_id=str(notice.pk), object_type="portal.notice").values_list(
            "action", flat=True
        )
    )
    assert {"portal_notice.create", "portal_notice.publish", "portal_notice.withdraw"} <= actions


@pytest.mark.parametrize("who", ["district_a", "liaison", "enterprise_a", "agency"])
def test_only_the_office_manages_notices(personas: Personas, who: str) -> None:
    notice = services.create_notice(kind="news", title="动态", body="内容", actor=Actor.web(personas.admin))
    client = personas.client(getattr(personas, who))
    assert client.get("/notices/manage/").status_code == 403
    assert client.post("/notices/new/", {"kind": "news", "title": "x", "body": "y"}).status_code == 403
    assert client.post(f"/notices/{notice.pk}/publish/").status_code in (403, 404)
    assert Notice.objects.get().status == NoticeStatus.DRAFT
    with pytest.raises(Refused):
        services.create_notice(kind="news", title="x", body="y", actor=Actor.web(getattr(personas, who)))
    assert personas.client(None).get("/notices/manage/").status_code == 302


def test_bad_notice_input_is_refused_in_chinese(personas: Personas) -> None:
    office = personas.client(personas.admin)
    html = office.post(
        "/notices/new/",
        {
            "kind": "notice",
            "title": "通知",
            "body": "x",
            "attachment": SimpleUploadedFile("a.pdf", b"not a pdf"),
        },
    ).content.decode()
    assert not Notice.objects.exists() and "PDF" in html
    html = office.post("/notices/new/", {"kind": "notice", "title": "", "body": ""}).content.decode()
    assert "标题" in html and not Notice.objects.exists()


def test_public_notice_list(personas: Personas, client: Any) -> None:
    for n in range(3):
        notice = services.create_notice(
            kind="notice", title=f"通知{n}", body="内容", actor=Actor.web(personas.admin)
        )
        if n:
            services.publish_notice(notice, actor=Actor.web(personas.admin))
    html = client.get("/notices/").content.decode()
    assert "通知1" in html and "通知2" in html and "通知0" not in html
