"""Reads of the registry for pages and exports."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from ipcity.lib.text import fold
from ipcity.registry.choices import LegalStatus, PatentType
from ipcity.registry.models import (
    Award,
    GeographicalIndication,
    Licence,
    LicenceItem,
    Organisation,
    OrganisationTag,
    Patent,
    PatentHolder,
    PatentIPC,
    Pledge,
    PledgeItem,
    Trademark,
)

_SUBCLASS = re.compile(r"[A-H]\d{2}[A-Z]")
_MAIN_GROUP = re.compile(r"([A-H]\d{2}[A-Z])(\d{1,4})\*?")
_CODE = re.compile(r"([A-H]\d{2}[A-Z])(\d{1,4})/(\d{2,6})")


def ipc_condition(text: str) -> Q | None:
    """'G06F' -> subclass; 'G06F 16', 'G06F16*' -> main group G06F 16 (not G06F 1/xx or G06F 160);
    'G06F 16/30' -> that code. None when the text is not an IPC pattern."""
    value = fold(text)
    if _SUBCLASS.fullmatch(value):
        return Q(subclass=value)
    match = _MAIN_GROUP.fullmatch(value)
    if match:
        return Q(main_group=f"{match.group(1)} {int(match.group(2))}")
    match = _CODE.fullmatch(value)
    if match:
        return Q(code=f"{match.group(1)} {int(match.group(2))}/{match.group(3)}")
    return None


def filter_patents(queryset: QuerySet[Patent], data: dict[str, Any]) -> QuerySet[Patent]:
    if data.get("q"):
        q = data["q"].strip()
        queryset = queryset.filter(
            Q(title__icontains=q)
            | Q(application_number__startswith=fold(q).removeprefix("CN").removeprefix("ZL"))
            | Q(first_holder_name__icontains=q)
        )
    if data.get("region"):
        queryset = queryset.filter(region_id=data["region"])
    if data.get("patent_type"):
        queryset = queryset.filter(patent_type=data["patent_type"])
    if data.get("status"):
        queryset = queryset.filter(legal_status=data["status"])
    if data.get("year"):
        queryset = queryset.filter(filing_date__year=data["year"])
    if data.get("ipc"):
        condition = ipc_condition(data["ipc"])
        if condition is None:
            return queryset.none()
        # Semi-joins from the indexed side (IPC code/main group, tag, holder) rather than a per-patent
        # EXISTS: the database starts from the few matching rows, not from every patent.
        queryset = queryset.filter(pk__in=PatentIPC.objects.filter(condition).values("patent_id"))
    if data.get("tag"):
        tagged = OrganisationTag.objects.filter(tag=data["tag"]).values("organisation_id")
        queryset = queryset.filter(first_holder_id__in=tagged)
    if data.get("organisation"):
        queryset = queryset.filter(pk__in=held_by(data["organisation"]))
    return queryset


def held_by(organisation_id: int) -> QuerySet[Any]:
    """Ids of the patents an organisation holds (any position)."""
    return PatentHolder.objects.filter(organisation_id=organisation_id).values("patent_id")


def patent_list(data: dict[str, Any], user: Any) -> QuerySet[Patent]:
    patents = (
        Patent.objects.visible_to(user).select_related("region").defer("abstract", "family", "inventors")
    )
    return filter_patents(patents, data)


def filter_organisations(queryset: QuerySet[Organisation], data: dict[str, Any]) -> QuerySet[Organisation]:
    if data.get("q"):
        q = data["q"].strip()
        queryset = queryset.filter(
            Q(name__icontains=q) | Q(uscc=fold(q)) | Q(other_names__name__icontains=q)
        ).distinct()
    for field in ("kind", "industry"):
        if data.get(field):
            queryset = queryset.filter(**{field: data[field]})
    if data.get("region"):
        queryset = queryset.filter(region_id=data["region"])
    if data.get("tag"):
        queryset = queryset.filter(
            Exists(OrganisationTag.objects.filter(organisation=OuterRef("pk"), tag=data["tag"]))
        )
    return queryset


def organisation_list(data: dict[str, Any], user: Any) -> QuerySet[Organisation]:
    holdings = (
        PatentHolder.objects.filter(organisation=OuterRef("pk"))
        .order_by()
        .values("organisation")
        .annotate(n=Count("pk"))
        .values("n")
    )
    organisations = Organisation.objects.visible_to(user).select_related("region")
    organisations = organisations.annotate(
        patent_count=Coalesce(Subquery(holdings, output_field=IntegerField()), 0)
    )
    return filter_organisations(organisations, data)


@dataclass
class Profile:
    """一企一档: everything the registry holds about one organisation."""

    organisation: Organisation
    portfolio: dict[str, dict[str, int]]
    patent_total: int
    recent_patents: list[Patent]
    trademarks: list[Trademark]
    geographical_indications: list[GeographicalIndication]
    pledges: list[Pledge]
    licences: list[Licence]
    awards: list[Award]

    @property
    def portfolio_rows(self) -> list[tuple[str, list[tuple[str, int]]]]:
        """[(type label, [(status label, count)])] in the choices' order."""
        rows = []
        for patent_type in PatentType:
            statuses = self.portfolio.get(patent_type.value)
            if statuses:
                rows.append(
                    (
                        str(patent_type.label),
                        [(str(s.label), statuses[s.value]) for s in LegalStatus if s.value in statuses],
                    )
                )
        return rows


def organisation_profile(org: Organisation, *, recent: int = 20) -> Profile:
    held = Patent.objects.filter(pk__in=held_by(org.pk))
    portfolio: dict[str, dict[str, int]] = {}
    total = 0
    for patent_type, status, n in (
        held.order_by().values_list("patent_type", "legal_status").annotate(n=Count("pk"))
    ):
        portfolio.setdefault(patent_type, {})[status] = n
        total += n
    items = Prefetch("items", queryset=PledgeItem.objects.order_by("position"))
    licence_items = Prefetch("items", queryset=LicenceItem.objects.order_by("position"))
    return Profile(
        organisation=org,
        portfolio=portfolio,
        patent_total=total,
        recent_patents=list(
            held.select_related("region").defer("abstract").order_by("-filing_date")[:recent]
        ),
        trademarks=list(org.trademarks.order_by("-registration_date")[:50]),
        geographical_indications=list(org.geographical_indications.all()),
        pledges=list(Pledge.objects.filter(Q(pledgor=org) | Q(pledgee=org)).prefetch_related(items)[:50]),
        licences=list(
            Licence.objects.filter(Q(licensor=org) | Q(licensee=org)).prefetch_related(licence_items)[:50]
        ),
        awards=list(org.awards.order_by("-year")),
    )
