"""Linking records written before their organisation was known (or decided) to that organisation,
and attributing the regions of the patents it holds first."""

from __future__ import annotations

from django.db.models import OuterRef, Subquery

from ipcity.lib.text import name_key
from ipcity.registry.choices import RegionRule
from ipcity.registry.models import (
    Award,
    GeographicalIndication,
    Licence,
    Organisation,
    Patent,
    PatentHolder,
    Pledge,
    Trademark,
)
from ipcity.registry.signals import patents_changed

# Records that name an organisation: (model, name field, link field).
NAMED_LINKS = [
    (Trademark, "holder_name", "holder"),
    (GeographicalIndication, "holder_name", "holder"),
    (Pledge, "pledgor_name", "pledgor"),
    (Pledge, "pledgee_name", "pledgee"),
    (Licence, "licensor_name", "licensor"),
    (Licence, "licensee_name", "licensee"),
    (Award, "holder_name", "holder"),
]


def link_name(key: str, organisation_id: int) -> int:
    """Link every unlinked record whose name has this key. Returns how many links were made."""
    linked = PatentHolder.objects.filter(name_key=key, organisation__isnull=True).update(
        organisation_id=organisation_id
    )
    for model, name_field, link_field in NAMED_LINKS:
        rows = model._default_manager.filter(**{f"{link_field}__isnull": True}).values_list("pk", name_field)
        pks = [pk for pk, text in rows if name_key(text) == key]
        if pks:
            linked += model._default_manager.filter(pk__in=pks).update(
                **{f"{link_field}_id": organisation_id}
            )
    return linked


def attribute_first_holders(organisation_ids: set[int]) -> int:
    """Set first_holder and (from the organisation's region) region of the patents these
    organisations hold first. Returns how many patents changed region."""
    if not organisation_ids:
        return 0
    first_org = PatentHolder.objects.filter(patent_id=OuterRef("pk"), position=0).values("organisation_id")[
        :1
    ]
    Patent.objects.filter(
        pk__in=PatentHolder.objects.filter(position=0, organisation_id__in=organisation_ids).values(
            "patent_id"
        )
    ).exclude(first_holder_id__in=organisation_ids).update(first_holder_id=Subquery(first_org))
    changed: list[int] = []
    for org_id, region_id in Organisation.objects.filter(
        pk__in=organisation_ids, region__isnull=False
    ).values_list("pk", "region_id"):
        moving = Patent.objects.filter(first_holder_id=org_id).exclude(
            region_id=region_id, region_rule=RegionRule.ORGANISATION
        )
        ids = list(moving.values_list("pk", flat=True))
        for start in range(0, len(ids), 500):
            Patent.objects.filter(pk__in=ids[start : start + 500]).update(
                region_id=region_id, region_rule=RegionRule.ORGANISATION
            )
        changed.extend(ids)
    if changed:
        patents_changed.send(sender=Patent, patent_ids=changed)
    return len(changed)
