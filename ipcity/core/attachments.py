"""Uploaded files, accepted by what their content is (not their name) and within a size limit."""

from __future__ import annotations

import hashlib
import logging
import zipfile

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import render

from ipcity.core.audit import Actor, record_event
from ipcity.core.models import Attachment
from ipcity.lib.uploads import within_upload_size

KIND_LABELS = {
    "pdf": "PDF",
    "docx": "Word（.docx）",
    "xlsx": "Excel（.xlsx）",
    "jpg": "JPEG 图片",
    "png": "PNG 图片",
}
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "jpg": "image/jpeg",
    "png": "image/png",
}
DEFAULT_ALLOWED = frozenset(KIND_LABELS)

log = logging.getLogger(__name__)


def sniff_kind(upload: UploadedFile) -> str | None:
    """The file's real type from its first bytes (and, for Office files, the zip's parts)."""
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(upload) as archive:
                names = set(archive.namelist())
        except zipfile.BadZipFile:
            return None
        finally:
            upload.seek(0)
        if "[Content_Types].xml" in names:
            if "word/document.xml" in names:
                return "docx"
            if "xl/workbook.xml" in names:
                return "xlsx"
    return None


def check_upload(upload: UploadedFile, *, allowed: frozenset[str] | set[str] = DEFAULT_ALLOWED) -> str:
    """Validate type and size; return the kind. Raises ValidationError with a Chinese message."""
    name = upload.name or "文件"
    within_upload_size(upload)
    if not upload.size:
        raise ValidationError(f"“{name}”是空文件。")
    kind = sniff_kind(upload)
    if kind is None or kind not in allowed:
        accepted = "、".join(KIND_LABELS[k] for k in sorted(allowed))
        raise ValidationError(f"“{name}”的文件内容不是允许的类型（允许：{accepted}）。")
    return kind


@transaction.atomic
def store_attachment(
    upload: UploadedFile, *, actor: Actor, allowed: frozenset[str] | set[str] = DEFAULT_ALLOWED
) -> Attachment:
    kind = check_upload(upload, allowed=allowed)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    attachment = Attachment(
        original_name=(upload.name or "file")[:255],
        kind=kind,
        content_type=CONTENT_TYPES[kind],
        size=upload.size or 0,
        sha256=digest.hexdigest(),
        uploaded_by=actor.user,
    )
    attachment.file.save(upload.name or f"file.{kind}", upload, save=False)
    attachment.save()
    record_event(
        actor,
        "attachment.create",
        obj=attachment,
        after={
            "name": attachment.original_name,
            "kind": kind,
            "size": attachment.size,
            "sha256": attachment.sha256,
        },
    )
    return attachment


def attachment_response(request: HttpRequest, attachment: Attachment) -> FileResponse | HttpResponse:
    """The stored file as a download, for views that have checked who may read it. A file gone
    from storage (a partial restore, a hand-deleted folder) is a 404 page that says so in Chinese,
    and an error in the log for the operators, instead of a server error."""
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        log.error("Attachment %s: stored file %s is missing", attachment.pk, attachment.file.name)
        return render(request, "core/attachment_missing.html", {"attachment": attachment}, status=404)
    return FileResponse(
        handle, as_attachment=True, filename=attachment.original_name, content_type=attachment.content_type
    )
