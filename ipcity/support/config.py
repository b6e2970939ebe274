"""Settings of the expert draw kept as data (data/support/experts.yaml), each value with its source."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.conf import settings

from ipcity.lib.datafile import load_data_file

EXPERTS_FILE = settings.DATA_DIR / "support" / "experts.yaml"

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
SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["schema_version", "co_patent_years"],
    "additionalProperties": False,
    "properties": {
        "schema_version": {"const": 1},
        "co_patent_years": {
            "type": "object",
            "required": ["value", "label", "source"],
            "additionalProperties": False,
            "properties": {
                "value": {"type": "integer", "minimum": 1, "maximum": 20},
                "label": {"type": "string"},
                "source": _SOURCE,
            },
        },
    },
}


@dataclass(frozen=True)
class ExpertSettings:
    co_patent_years: int
    source: dict[str, Any]


def load_expert_settings(path: str | Path = EXPERTS_FILE) -> ExpertSettings:
    data, _ = load_data_file(path, SCHEMA)
    return ExpertSettings(
        co_patent_years=data["co_patent_years"]["value"], source=data["co_patent_years"]["source"]
    )


@lru_cache(maxsize=1)
def expert_settings() -> ExpertSettings:
    return load_expert_settings()
