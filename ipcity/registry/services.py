"""Writes on organisations. One transaction and one audit event each."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from ipcity.accounts.models import User
from ipcity.core.audit import Actor, record_event, snapshot, upsert
from ipcity.lib.identifiers import normalize_uscc
from ipcity.registry.models import Membership, Organisation

ORGANISATION_FIELDS = [
    "uscc",
    "name",
    "kind",
    "region",
    "address",
    "contact_person",
    "contact_phone",
    "is_demo",
]
EDITABLE_BY_MEMBER = ["address", "contact_person", "contact_phone"]


@transaction.atomic
def upsert_organisation(*, actor: Actor, name: str, values: dict[str, Any]) -> tuple[Organisation, str]:
    values = dict(values)
    if values.get("uscc"):
        values["uscc"] = normalize_uscc(values["uscc"])
    return upsert(Organisation, key={"name": name}, values=values, actor=actor, action_prefix="organisation")


@transaction.atomic
def update_organisation_contacts(org: Organisation, *, actor: Actor, values: dict[str, str]) -> bool:
    changed = [name for name in EDITABLE_BY_MEMBER if getattr(org, name) != values.get(name, "")]
    if not changed:
        return False
    before = snapshot(org, changed)
    for name in changed:
        setattr(org, name, values.get(name, ""))
    org.full_clean()
    org.save(update_fields=changed)
    record_event(actor, "organisation.contacts.update", obj=org, before=before, after=snapshot(org, changed))
    return True


@transaction.atomic
def bind_user_to_organisation(user: User, organisation: Organisation, *, actor: Actor) -> Membership:
    membership, _status = upsert(
        Membership,
        key={"user": user},
        values={"organisation": organisation},
        actor=actor,
        action_prefix="membership",
    )
    return membership
