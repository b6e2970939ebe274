"""Workflow settings kept as data (data/grants/workflow.yaml), each value with its source."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.conf import settings

from ipcity.lib.datafile import load_data_file

WORKFLOW_FILE = settings.DATA_DIR / "grants" / "workflow.yaml"

_SOURCE = {
    "type": "object",
    "required": ["document", "clause", "checked", "status"],
    "additionalProperties": False,
    "properties": {
        "document": {"type": "string", "minLength": 1},
        "clause": {"type": "string", "minLength": 1},
        "checked": {"type": "string", "format": "date"},
        "status": {"enum": ["verified", "unverified", "decision"]},
        "note": {"type": "string"},
    },
}
_SETTING = {
    "type": "object",
    "required": ["value", "label", "source"],
    "additionalProperties": False,
    "properties": {
        "value": {"type": "integer", "minimum": 1, "maximum": 60},
        "label": {"type": "string"},
        "source": _SOURCE,
    },
}
SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["schema_version", "publicity_working_days", "min_experts"],
    "additionalProperties": False,
    "properties": {
        "schema_version": {"const": 1},
        "publicity_working_days": _SETTING,
        "min_experts": _SETTING,
    },
}


@dataclass(frozen=True)
class WorkflowSettings:
    publicity_working_days: int
    min_experts: int
    sources: dict[str, dict[str, Any]]


def load_workflow_settings(path: str | Path = WORKFLOW_FILE) -> WorkflowSettings:
    data, _ = load_data_file(path, SCHEMA)
    return WorkflowSettings(
        publicity_working_days=data["publicity_working_days"]["value"],
        min_experts=data["min_experts"]["value"],
        sources={k: data[k] for k in ("publicity_working_days", "min_experts")},
    )


@lru_cache(maxsize=1)
def workflow_settings() -> WorkflowSettings:
    return load_workflow_settings()
