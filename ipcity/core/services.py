"""Writes on reference data. Each function is one transaction with its audit rows."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import transaction

from ipcity.core.audit import Actor, record_event, snapshot, upsert
from ipcity.core.models import DataSet, Department, Region
from ipcity.core.schemas import DEPARTMENTS_SCHEMA, REGIONS_SCHEMA
from ipcity.lib.datafile import DataFileError, load_data_file

DEPARTMENTS_FILE = settings.DATA_DIR / "reference" / "departments.yaml"
REGIONS_FILE = settings.DATA_DIR / "reference" / "regions.yaml"


@dataclass
class LoadResult:
    """Counts of what a load did, by object kind: {"department": {"created": 3, ...}}."""

    counts: dict[str, dict[str, int]] = field(default_factory=dict)

    def add(self, kind: str, status: str) -> None:
        bucket = self.counts.setdefault(kind, {"created": 0, "updated": 0, "unchanged": 0, "deleted": 0})
        bucket[status] += 1

    def total(self, status: str) -> int:
        return sum(bucket[status] for bucket in self.counts.values())

    @property
    def changed(self) -> bool:
        return any(self.total(s) for s in ("created", "updated", "deleted"))


def mark_dataset(*, code: str, name: str, is_demo: bool, source: str, checksum: str, actor: Actor) -> DataSet:
    dataset, _status = upsert(
        DataSet,
        key={"code": code},
        values={"name": name, "is_demo": is_demo, "source": source, "checksum": checksum},
        actor=actor,
        action_prefix="dataset",
    )
    return dataset


@transaction.atomic
def load_reference_data(
    *, actor: Actor, departments_file: Path = DEPARTMENTS_FILE, regions_file: Path = REGIONS_FILE
) -> LoadResult:
    """Load departments and regions from their data files (idempotent upsert by code).

    Both files are validated before anything is written.
    """
    departments, dep_sum = load_data_file(departments_file, DEPARTMENTS_SCHEMA)
    regions, reg_sum = load_data_file(regions_file, REGIONS_SCHEMA)
    _check_unique(departments["departments"], "departments", ("code", "name"), departments_file)
    _check_unique(regions["regions"], "regions", ("code", "name"), regions_file)
    result = LoadResult()
    for position, item in enumerate(departments["departments"]):
        _department, status = upsert(
            Department,
            key={"code": item["code"]},
            values={
                "name": item["name"],
                "full_name": item["full_name"],
                "kind": item["kind"],
                "is_lead_ip_authority": item.get("is_lead_ip_authority", False),
                "position": position,
                "source": departments["source"],
            },
            actor=actor,
            action_prefix="department",
        )
        result.add("department", status)
    for position, item in enumerate(regions["regions"]):
        _region, status = upsert(
            Region,
            key={"code": item["code"]},
            values={
                "division_code": item.get("division_code", ""),
                "name": item["name"],
                "kind": item["kind"],
                "note": item.get("note", ""),
                "position": position,
                "source": regions["source"],
            },
            actor=actor,
            action_prefix="region",
        )
        result.add("region", status)
    mark_dataset(
        code="reference",
        name="基础数据（责任部门、区市）",
        is_demo=False,
        source=f"{departments_file.name}, {regions_file.name}",
        checksum=dep_sum[:32] + reg_sum[:32],
        actor=actor,
    )
    return result


def _check_unique(items: list[dict], list_name: str, keys: tuple[str, ...], file: Path) -> None:
    for key in keys:
        seen: dict[str, int] = {}
        for index, item in enumerate(items):
            value = item[key]
            if value in seen:
                raise DataFileError(
                    file, f"{list_name}[{index}].{key}", f"与第 {seen[value] + 1} 项重复：{value}"
                )
            seen[value] = index


CONTACT_FIELDS = ["contact_person", "contact_phone", "contact_email"]


@transaction.atomic
def update_contacts(obj: Department | Region, *, actor: Actor, values: dict[str, str]) -> bool:
    """Change the liaison contact of a department or region. Returns whether anything changed."""
    changed = [name for name in CONTACT_FIELDS if getattr(obj, name) != values.get(name, "")]
    if not changed:
        return False
    before = snapshot(obj, changed)
    for name in changed:
        setattr(obj, name, values.get(name, ""))
    obj.full_clean()
    obj.save(update_fields=changed)
    record_event(
        actor, f"{obj._meta.model_name}.contacts.update", obj=obj, before=before, after=snapshot(obj, changed)
    )
    return True
