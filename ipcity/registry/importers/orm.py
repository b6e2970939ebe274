"""Upsert through the ORM for the lower-volume kinds (organisations, trademarks, GIs, pledges,
licences, awards): compare the covered fields and child lists, write what changed, audit updates."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import models

from ipcity.core.audit import json_safe, object_type_of
from ipcity.registry.importers.bulk import audit_updates
from ipcity.registry.importers.engine import ImportContext, ImportSpec


@dataclass
class Record:
    key: tuple[Any, ...]
    values: dict[str, Any]
    children: dict[str, list[tuple[Any, ...]]] = field(default_factory=dict)
    row: int = 0
    existing_pk: int | None = None  # set by specs that match existing rows themselves (organisations)
    extra_covered: set[str] = field(
        default_factory=set
    )  # child sets to compare although no column decides them


@dataclass(frozen=True)
class ChildSet:
    """A list of child rows compared as a whole and replaced when it differs."""

    read: Callable[[Any], list[tuple[Any, ...]]]
    replace: Callable[[Any, list[tuple[Any, ...]]], None]
    label: Callable[[tuple[Any, ...]], str] = str


def _comparable(value: Any) -> Any:
    return value.pk if isinstance(value, models.Model) else value


class ModelSpec(ImportSpec):
    model: type[models.Model]
    key_fields: tuple[str, ...] = ()
    covers: dict[str, tuple[str, ...]] = {}  # file column -> model fields / child sets it decides

    def child_sets(self) -> dict[str, ChildSet]:
        return {}

    def key(self, record: Record) -> Any:
        return record.key

    def existing(self, records: list[Record]) -> dict[tuple[Any, ...], models.Model]:
        if len(self.key_fields) == 1:
            name = self.key_fields[0]
            found = self.model._default_manager.filter(**{f"{name}__in": [r.key[0] for r in records]})
            return {(getattr(o, name),): o for o in found}
        query = models.Q()
        for record in records:
            query |= models.Q(**dict(zip(self.key_fields, record.key, strict=True)))
        found = self.model._default_manager.filter(query)
        return {tuple(_comparable(getattr(o, n)) for n in self.key_fields): o for o in found}

    def after_create(self, obj: Any, record: Record, ctx: ImportContext) -> None:
        pass

    def write(self, records: list[Record], ctx: ImportContext) -> None:
        covered = {name for column in ctx.present for name in self.covers.get(column, ())}
        if ctx.mark_demo:
            covered.add("is_demo")
        found = self.existing(records)
        children = self.child_sets()
        audits = []
        for record in records:
            obj = found.get(record.key)
            if obj is None:
                values = dict(record.values)
                if "created_in" in {f.name for f in self.model._meta.fields}:
                    values["created_in"] = ctx.run
                if self.key_fields:
                    values.update(zip(self.key_fields, record.key, strict=True))
                obj = self.model._default_manager.create(**values)
                for name, items in record.children.items():
                    children[name].replace(obj, items)
                self.after_create(obj, record, ctx)
                ctx.result.count("created")
                continue
            changed = [
                n
                for n, v in record.values.items()
                if n in covered and _comparable(getattr(obj, n)) != _comparable(v)
            ]
            before = {n: json_safe(getattr(obj, n)) for n in changed}
            after = {n: json_safe(record.values[n]) for n in changed}
            for name, items in record.children.items():
                if name not in covered and name not in record.extra_covered:
                    continue
                current = children[name].read(obj)
                if current != items:
                    before[name] = [children[name].label(i) for i in current]
                    after[name] = [children[name].label(i) for i in items]
                    children[name].replace(obj, items)
            if not before:
                ctx.result.count("unchanged")
                continue
            for n in changed:
                setattr(obj, n, record.values[n])
            if changed:
                obj.save(update_fields=changed)
            audits.append((obj.pk, str(obj), before, after))
            ctx.result.count("updated")
        if audits:
            audit_updates(
                ctx.actor,
                f"{self.model._meta.model_name}.update",
                object_type_of(self.model),
                audits,
                ctx.note,
            )
