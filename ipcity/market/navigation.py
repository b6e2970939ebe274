"""专利导航 / 产业专利地图 (方案二(二)2): for an industry or chain of the registry's scopes
(registry/industries.py), what the registry holds — counts by filing year and type, districts, the
leading holders and their share, the IPC main groups, the valid and high-value share — and who in
Yantai could use it. Every count is read from the same queryset as the registry's patent list with
`?scope=` (the user's own view of the registry), so each number opens the list behind it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.db.models import Count, QuerySet
from django.urls import reverse

from ipcity.indicators.registry_measures import high_value_queryset, valid_at
from ipcity.market.choices import NeedStatus
from ipcity.market.models import Need
from ipcity.registry.choices import OrganisationKind, PatentType
from ipcity.registry.industries import Scope
from ipcity.registry.models import Organisation, Patent, PatentHolder, PatentIPC
from ipcity.registry.selectors import patent_list

TOP = 15


def list_url(scope: Scope, **filters: Any) -> str:
    """The registry's patent list with the scope and `filters`."""
    return reverse("registry:patents") + "?" + urlencode({"scope": scope.code, **filters})


@dataclass
class IndustryMap:
    scope: Scope
    on: dt.date
    total: int
    years: list[int]
    by_year_type: dict[str, list[int]]  # patent type label -> counts per year (aligned with years)
    year_type_rows: list[dict[str, Any]]
    regions: list[dict[str, Any]]
    holders: list[dict[str, Any]]
    ipc: list[dict[str, Any]]
    valid: int
    high_value: int
    inventions: int
    users: list[dict[str, Any]]
    needs: list[Need]
    url: str

    def share(self, n: int) -> float:
        return n / self.total if self.total else 0.0

    def chart_data(self) -> dict[str, Any]:
        return {
            "years": self.years,
            "series": [{"name": name, "data": counts} for name, counts in self.by_year_type.items()],
            "regions": [{"name": r["name"], "value": r["count"]} for r in self.regions],
            "ipc": [{"name": r["main_group"], "value": r["count"]} for r in self.ipc],
        }


def _patents(user: Any, scope: Scope) -> QuerySet[Patent]:
    return patent_list({"scope": scope.code}, user).order_by()


def industry_map(user: Any, scope: Scope, *, on: dt.date) -> IndustryMap:
    patents = _patents(user, scope)
    total = patents.count()
    type_labels = dict(PatentType.choices)
    rows = list(
        patents.values("filing_date__year", "patent_type")
        .annotate(n=Count("id"))
        .order_by("filing_date__year")
    )
    years = sorted({r["filing_date__year"] for r in rows})
    by_year_type: dict[str, list[int]] = {}
    for kind, label in PatentType.choices:
        counts = {r["filing_date__year"]: r["n"] for r in rows if r["patent_type"] == kind}
        if counts:
            by_year_type[str(label)] = [counts.get(y, 0) for y in years]
    year_type_rows = [
        {
            "year": r["filing_date__year"],
            "type": str(type_labels.get(r["patent_type"], r["patent_type"])),
            "count": r["n"],
            "url": list_url(scope, year=r["filing_date__year"], patent_type=r["patent_type"]),
        }
        for r in rows
    ]
    regions = [
        {
            "name": r["region__name"] or "未归属区市",
            "count": r["n"],
            "url": list_url(scope, region=r["region"]) if r["region"] else "",
        }
        for r in patents.values("region", "region__name")
        .annotate(n=Count("id"))
        .order_by("-n", "region__name")
    ]
    holders = [
        {
            "name": r["first_holder_name"] or "（未载明）",
            "count": r["n"],
            "share": r["n"] / total if total else 0,
        }
        for r in patents.values("first_holder_name")
        .annotate(n=Count("id"))
        .order_by("-n", "first_holder_name")[:TOP]
    ]
    ipc = [
        {"main_group": r["main_group"], "count": r["n"], "url": list_url(scope, ipc=r["main_group"])}
        for r in PatentIPC.objects.filter(scope.ipc_condition(), patent_id__in=patents.values("pk"))
        .values("main_group")
        .annotate(n=Count("patent_id", distinct=True))
        .order_by("-n", "main_group")[:TOP]
    ]
    valid = patents.filter(valid_at(on)).count()
    inventions = patents.filter(patent_type=PatentType.INVENTION).count()
    high_value = high_value_queryset(None, on).filter(pk__in=patents.values("pk")).count()
    industry = scope.industry or (scope.code if scope.kind == "industry" else "")
    return IndustryMap(
        scope=scope,
        on=on,
        total=total,
        years=years,
        by_year_type=by_year_type,
        year_type_rows=year_type_rows,
        regions=regions,
        holders=holders,
        ipc=ipc,
        valid=valid,
        high_value=high_value,
        inventions=inventions,
        users=_could_use(patents, industry),
        needs=list(
            Need.objects.filter(status=NeedStatus.PUBLISHED, field=industry).select_related("organisation")[
                :10
            ]
        )
        if industry
        else [],
        url=list_url(scope),
    )


def _could_use(patents: QuerySet[Patent], industry: str) -> list[dict[str, Any]]:
    """Enterprises of the industry (as registered in their 一企一档) that hold few patents in the
    scope — those more likely to license or buy than to compete — fewest first."""
    if not industry:
        return []
    enterprises = Organisation.objects.filter(
        kind=OrganisationKind.ENTERPRISE, industry=industry
    ).select_related("region")
    held = dict(
        PatentHolder.objects.filter(organisation__in=enterprises, patent_id__in=patents.values("pk"))
        .values("organisation")
        .annotate(n=Count("patent_id", distinct=True))
        .values_list("organisation", "n")
    )
    rows = [
        {
            "name": org.name,
            "region": org.region.name if org.region else "—",
            "count": held.get(org.pk, 0),
            "is_demo": org.is_demo,
        }
        for org in enterprises
    ]
    rows.sort(key=lambda r: (r["count"], r["name"]))
    return rows[:TOP]
