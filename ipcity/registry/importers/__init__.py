"""Importers of registry data from real export files. One entry point: `import_file`.

Used by `ipcity registry import KIND FILE` and by the upload page (as a background job).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ipcity.core.audit import Actor
from ipcity.registry.importers.engine import ImportResult, ImportSpec, ProgressCallback, RowError, run_import
from ipcity.registry.importers.organisations import OrganisationSpec
from ipcity.registry.importers.patents import PatentSpec
from ipcity.registry.importers.rights import AwardSpec, GISpec, LicenceSpec, PledgeSpec, TrademarkSpec

SPECS: dict[str, type[ImportSpec]] = {
    "organisations": OrganisationSpec,
    "patents": PatentSpec,
    "trademarks": TrademarkSpec,
    "gis": GISpec,
    "pledges": PledgeSpec,
    "licences": LicenceSpec,
    "awards": AwardSpec,
}
KINDS = list(SPECS)

__all__ = ["KINDS", "SPECS", "ImportResult", "RowError", "import_file"]


def import_file(
    kind: str,
    path: Path | str,
    *,
    actor: Actor,
    dry_run: bool = False,
    skip_invalid: bool = False,
    profile: str | Path | None = None,
    rejects_path: Path | None = None,
    progress: ProgressCallback | None = None,
    mark_demo: bool = False,
    file_label: str | None = None,
    **options: Any,
) -> ImportResult:
    """Validate and upsert one file of `kind` (see KINDS). Never raises for bad input."""
    if kind not in SPECS:
        raise ValueError(f"unknown import kind {kind!r}; one of {', '.join(KINDS)}")
    return run_import(
        SPECS[kind](),
        Path(path),
        actor=actor,
        dry_run=dry_run,
        skip_invalid=skip_invalid,
        profile=profile,
        rejects_path=rejects_path,
        progress=progress,
        mark_demo=mark_demo,
        file_label=file_label,
        **options,
    )
