"""Database routing: job progress may live in a database of its own (see core.models.JobProgress)."""

from __future__ import annotations

from typing import Any

from django.conf import settings

JOBS_ALIAS = "jobs"


def progress_database() -> str:
    """The alias that holds JobProgress: `jobs` on SQLite deployments, else `default`."""
    return str(getattr(settings, "IPCITY_JOB_PROGRESS_DB", "default"))


class JobProgressRouter:
    """JobProgress reads and writes go to progress_database(); the `jobs` database holds nothing else.

    The table is also created in `default` (harmless where unused), so a deployment or a test can
    keep progress there by setting IPCITY_JOB_PROGRESS_DB to `default`."""

    def _is_progress(self, model: Any) -> bool:
        return bool(model._meta.app_label == "core" and model._meta.model_name == "jobprogress")

    def db_for_read(self, model: Any, **hints: Any) -> str | None:
        return progress_database() if self._is_progress(model) else None

    def db_for_write(self, model: Any, **hints: Any) -> str | None:
        return progress_database() if self._is_progress(model) else None

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool | None:
        return None

    def allow_migrate(
        self, db: str, app_label: str, model_name: str | None = None, **hints: Any
    ) -> bool | None:
        if db == JOBS_ALIAS:
            return app_label == "core" and model_name == "jobprogress"
        return None
