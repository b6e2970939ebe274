"""Uploaded files kept for background work: a job gets the stored file's path, never the upload."""

from __future__ import annotations

import uuid
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile


def keep_upload(upload: UploadedFile, area: str) -> Path:
    """Store an upload under MEDIA_ROOT/<area>/<random>/upload<.ext> and return its path.

    The original name is never used as a path (only its lower-cased extension is kept)."""
    folder = Path(settings.MEDIA_ROOT) / area / uuid.uuid4().hex
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / ("upload" + Path(upload.name or "upload").suffix.lower()[:8])
    upload.seek(0)
    with path.open("wb") as handle:
        for chunk in upload.chunks():
            handle.write(chunk)
    return path
