"""Uploaded files, accepted by what their content is and within a size limit: the content decides the
type (PDF, Word and Excel in both the Office Open XML and the 97–2003 formats, WPS 文字/表格, OFD,
JPEG, PNG) and the name's extension must agree with it."""

from __future__ import annotations

import hashlib
import logging
import struct
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import PurePath
from typing import IO

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import render

from ipcity.core.audit import Actor, record_event
from ipcity.core.models import Attachment
from ipcity.lib.uploads import within_upload_size


@dataclass(frozen=True)
class FileKind:
    """A kind of file we accept: what a user calls it, the extensions its name may end with, and
    the contents (as `sniff_format` tells them) a file of this kind may hold."""

    label: str
    extensions: tuple[str, ...]
    contents: tuple[str, ...]


# What the bytes are (sniff_format), named for messages, and the MIME type a download is sent with.
FORMAT_LABELS = {
    "pdf": "PDF",
    "docx": "Word 文档",
    "xlsx": "Excel 工作簿",
    "doc": "Word 97–2003 文档",
    "xls": "Excel 97–2003 工作簿",
    "jpg": "JPEG 图片",
    "png": "PNG 图片",
    "ofd": "OFD 版式文件",
}
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "doc": "application/msword",
    "xls": "application/vnd.ms-excel",
    "jpg": "image/jpeg",
    "png": "image/png",
    "ofd": "application/ofd",
}
# The kind stored on an Attachment. WPS Office saves .wps/.et in the Word/Excel 97–2003 binary
# format (a compound file with the same streams, plus its own extensions) or, in newer versions, as
# Office Open XML: a .wps may hold either Word content, an .et either Excel content.
KINDS = {
    "pdf": FileKind("PDF", (".pdf",), ("pdf",)),
    "docx": FileKind("Word（.docx）", (".docx",), ("docx",)),
    "xlsx": FileKind("Excel（.xlsx）", (".xlsx",), ("xlsx",)),
    "doc": FileKind("Word 97–2003（.doc）", (".doc",), ("doc",)),
    "xls": FileKind("Excel 97–2003（.xls）", (".xls",), ("xls",)),
    "wps": FileKind("WPS 文字（.wps）", (".wps",), ("doc", "docx")),
    "et": FileKind("WPS 表格（.et）", (".et",), ("xls", "xlsx")),
    "ofd": FileKind("OFD 版式文件（.ofd）", (".ofd",), ("ofd",)),
    "jpg": FileKind("JPEG 图片", (".jpg", ".jpeg"), ("jpg",)),
    "png": FileKind("PNG 图片", (".png",), ("png",)),
}
KIND_LABELS = {key: kind.label for key, kind in KINDS.items()}
DEFAULT_ALLOWED = frozenset(KINDS)

log = logging.getLogger(__name__)

# Compound File Binary format (the container of Office 97–2003 and classic WPS files): a 512-byte
# header, then sectors; a FAT chains them; the directory is a chain of 128-byte entries.
OLE_SIGNATURE = bytes.fromhex("D0CF11E0A1B11AE1")
OLE_END_OF_CHAIN = 0xFFFFFFFE
OLE_NO_STREAM = 0xFFFFFFFF
OLE_MAX_SECTOR = 0xFFFFFFFA  # ids at or above this are markers, not sectors
OLE_MAX_DIRECTORY_SECTORS = 4096  # far more than any document's directory; a loop guard


def _u32(data: bytes, offset: int) -> int:
    return int(struct.unpack_from("<I", data, offset)[0])


def ole_root_streams(upload: IO[bytes]) -> set[str] | None:
    """The names (lower case) of the entries at the root of a compound file, or None when the
    bytes are not a readable compound file. Reads the header, the FAT sectors the directory chain
    passes through and the directory — never the streams."""
    upload.seek(0)
    header = upload.read(512)
    if len(header) < 512 or not header.startswith(OLE_SIGNATURE):
        return None
    byte_order, sector_shift = struct.unpack_from("<HH", header, 0x1C)
    if byte_order != 0xFFFE or sector_shift not in (9, 12):
        return None
    size = 1 << sector_shift
    per_sector = size // 4

    def sector(index: int) -> bytes | None:
        if index >= OLE_MAX_SECTOR:
            return None
        upload.seek((index + 1) * size)
        block = upload.read(size)
        return block if len(block) == size else None

    # Where the FAT sectors are: 109 in the header, the rest in a chain of DIFAT sectors.
    fat_sectors = [_u32(header, 0x4C + 4 * i) for i in range(109)]
    difat, remaining = _u32(header, 0x44), _u32(header, 0x48)
    while remaining and difat < OLE_MAX_SECTOR and len(fat_sectors) < 1 << 20:
        block = sector(difat)
        if block is None:
            return None
        fat_sectors += [_u32(block, 4 * i) for i in range(per_sector - 1)]
        difat, remaining = _u32(block, size - 4), remaining - 1

    def next_sector(index: int) -> int | None:
        position, slot = divmod(index, per_sector)
        block = sector(fat_sectors[position]) if position < len(fat_sectors) else None
        return _u32(block, 4 * slot) if block is not None else None

    entries: list[bytes] = []
    current: int | None = _u32(header, 0x30)
    visited: set[int] = set()
    while current != OLE_END_OF_CHAIN:
        if current is None or current in visited or len(visited) >= OLE_MAX_DIRECTORY_SECTORS:
            return None
        visited.add(current)
        block = sector(current)
        if block is None:
            return None
        entries += [block[i : i + 128] for i in range(0, size, 128)]
        current = next_sector(current)
    upload.seek(0)
    if not entries or entries[0][0x42] != 5:  # the first entry is the root storage
        return None
    # The root's children form a tree through their left and right siblings.
    names: set[str] = set()
    pending, seen = [_u32(entries[0], 0x4C)], set()
    while pending:
        index = pending.pop()
        if index == OLE_NO_STREAM or index in seen or index >= len(entries):
            continue
        seen.add(index)
        entry = entries[index]
        length = struct.unpack_from("<H", entry, 0x40)[0]
        if entry[0x42] in (1, 2) and 2 <= length <= 64:
            names.add(entry[: length - 2].decode("utf-16-le", "replace").lower())
        pending += [_u32(entry, 0x44), _u32(entry, 0x48)]
    return names


def _zip_format(upload: IO[bytes]) -> str | None:
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
    if "OFD.xml" in names:  # GB/T 33190: the entry file at the package root
        return "ofd"
    return None


def sniff_format(upload: IO[bytes]) -> str | None:
    """What the file's bytes are (a key of FORMAT_LABELS), from its first bytes and, for zip and
    compound files, the names of their parts; None when it is none of these."""
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    try:
        return _format(upload, head)
    finally:
        upload.seek(0)


def _format(upload: IO[bytes], head: bytes) -> str | None:
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if head.startswith(b"PK\x03\x04"):
        return _zip_format(upload)
    if head.startswith(OLE_SIGNATURE):
        streams = ole_root_streams(upload) or set()
        if "worddocument" in streams:
            return "doc"
        if "workbook" in streams or "book" in streams:  # BIFF8, or BIFF5 (Excel 95)
            return "xls"
    return None


def _extensions(kinds: Iterable[str]) -> str:
    return "、".join(ext for key in kinds for ext in KINDS[key].extensions)


def check_upload(upload: UploadedFile, *, allowed: frozenset[str] | set[str] = DEFAULT_ALLOWED) -> str:
    """Validate type and size; return the kind. The content decides what the file is; the name's
    extension must be one of that content's kinds. Raises ValidationError with a Chinese message."""
    return _identify(upload, allowed)[0]


def _identify(upload: UploadedFile, allowed: frozenset[str] | set[str]) -> tuple[str, str]:
    """(kind, format) of an acceptable upload; see check_upload."""
    name = upload.name or "文件"
    within_upload_size(upload)
    if not upload.size:
        raise ValidationError(f"“{name}”是空文件。")
    found = sniff_format(upload)
    fitting = [key for key in KINDS if key in allowed and found in KINDS[key].contents]
    if not fitting:
        accepted = "、".join(KINDS[k].label for k in KINDS if k in allowed)
        raise ValidationError(f"“{name}”的文件内容不是允许的类型（允许：{accepted}）。")
    extension = PurePath(name).suffix.lower()
    kind = next((key for key in fitting if extension in KINDS[key].extensions), None)
    if kind is None:
        label = FORMAT_LABELS[found or ""]
        raise ValidationError(
            f"“{name}”的文件内容是{label}，与文件扩展名不符；请使用扩展名 {_extensions(fitting)}。"
        )
    return kind, found or ""


@transaction.atomic
def store_attachment(
    upload: UploadedFile, *, actor: Actor, allowed: frozenset[str] | set[str] = DEFAULT_ALLOWED
) -> Attachment:
    kind, found = _identify(upload, allowed)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    attachment = Attachment(
        original_name=(upload.name or "file")[:255],
        kind=kind,
        content_type=CONTENT_TYPES[found],
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
