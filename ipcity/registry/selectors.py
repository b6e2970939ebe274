"""Reads of the registry for pages and exports."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import (
    BooleanField,
    Count,
    Exists,
    IntegerField,
    Model,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    TextField,
)
from django.db.models.expressions import ExpressionWrapper
from django.db.models.functions import Cast, Coalesce
from django.db.models.lookups import LessThan
from django.utils import timezone

from ipcity.accounts.choices import Role
from ipcity.accounts.permissions import has_role, is_city_admin
from ipcity.lib.text import fold
from ipcity.registry.choices import ImportKind, LegalStatus, PatentType, ReviewStatus
from ipcity.registry.industries import scopes
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
    ReviewItem,
    Trademark,
)
from ipcity.registry.terms import term_end_expression

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
    if data.get("scope"):
        scope = scopes().get(data["scope"])
        if scope is None:
            return queryset.none()
        queryset = queryset.filter(pk__in=PatentIPC.objects.filter(scope.ipc_condition()).values("patent_id"))
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


def patent_pledge_items(patent: Patent, user: Any) -> list[PledgeItem]:
    """The patent's pledges the user may see (`pledges_visible_to`; none for the public), oldest first."""
    items = patent.pledge_items.filter(pledge__in=pledges_visible_to(user).values("pk"))
    return list(items.select_related("pledge").order_by("pledge__registration_date", "pledge_id"))


def patent_licence_items(patent: Patent, user: Any) -> list[LicenceItem]:
    """The patent's licences and assignments the user may see (`licences_visible_to`), oldest first."""
    items = patent.licence_items.filter(licence__in=licences_visible_to(user).values("pk"))
    return list(items.select_related("licence").order_by("licence__contract_date", "licence_id"))


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


def visible_organisation_ids(user: Any, ids: set[int | None]) -> set[int]:
    """Of these organisations, those whose profile the user may open (one query; none for the public).
    Lists link a party to its profile only then, as the patent page does."""
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return set()
    visible = Organisation.objects.visible_to(user).filter(pk__in=wanted).order_by()
    return set(visible.values_list("pk", flat=True))


def _yes_no(value: str) -> bool | None:
    return {"yes": True, "no": False}.get(value)


def _item_count(model: type[Model], parent: str) -> Coalesce:
    """The number of a record's items, as a correlated subquery (no GROUP BY over the list's columns)."""
    items = (
        model._default_manager.filter(**{parent: OuterRef("pk")})
        .order_by()
        .values(parent)
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(items, output_field=IntegerField()), 0)


def nice_class_condition(nice_class: int) -> Q:
    """Trademarks whose Nice classes include this one. `classes` is a JSON list of integers; JSON
    containment is not available on SQLite, so match the number in the list's text ("[9, 42]") —
    the same on SQLite and PostgreSQL, and 4 does not match 42."""
    return Q(classes_text__regex=rf"(^|[^0-9]){int(nice_class)}([^0-9]|$)")


def filter_trademarks(queryset: QuerySet[Trademark], data: dict[str, Any]) -> QuerySet[Trademark]:
    if data.get("q"):
        q = data["q"].strip()
        number = fold(q).removeprefix("第").removesuffix("号")
        queryset = queryset.filter(
            Q(registration_number__startswith=number) | Q(name__icontains=q) | Q(holder_name__icontains=q)
        )
    if data.get("region"):
        queryset = queryset.filter(holder__region_id=data["region"])
    for field in ("kind", "status"):
        if data.get(field):
            queryset = queryset.filter(**{field: data[field]})
    if data.get("nice_class"):
        queryset = queryset.alias(classes_text=Cast("classes", TextField())).filter(
            nice_class_condition(data["nice_class"])
        )
    madrid = _yes_no(data.get("madrid") or "")
    if madrid is not None:
        queryset = queryset.exclude(madrid_number="") if madrid else queryset.filter(madrid_number="")
    well_known = _yes_no(data.get("well_known") or "")
    if well_known is not None:
        queryset = queryset.filter(well_known=well_known)
    if data.get("year"):
        queryset = queryset.filter(registration_date__year=data["year"])
    return queryset


def trademark_list(data: dict[str, Any], user: Any) -> QuerySet[Trademark]:
    trademarks = Trademark.objects.visible_to(user).select_related("holder__region")
    return filter_trademarks(trademarks, data)


def filter_geographical_indications(
    queryset: QuerySet[GeographicalIndication], data: dict[str, Any]
) -> QuerySet[GeographicalIndication]:
    if data.get("q"):
        q = data["q"].strip()
        queryset = queryset.filter(
            Q(product__icontains=q) | Q(holder_name__icontains=q) | Q(reference__icontains=q)
        )
    if data.get("region"):
        queryset = queryset.filter(region_id=data["region"])
    for field in ("kind", "demonstration_zone"):
        if data.get(field):
            queryset = queryset.filter(**{field: data[field]})
    return queryset


def geographical_indication_list(data: dict[str, Any], user: Any) -> QuerySet[GeographicalIndication]:
    gis = GeographicalIndication.objects.visible_to(user).select_related("region")
    return filter_geographical_indications(gis, data)


def filter_pledges(queryset: QuerySet[Pledge], data: dict[str, Any]) -> QuerySet[Pledge]:
    if data.get("q"):
        q = data["q"].strip()
        queryset = queryset.filter(
            Q(registration_number__startswith=fold(q))
            | Q(pledgor_name__icontains=q)
            | Q(pledgee_name__icontains=q)
        )
    if data.get("region"):
        queryset = queryset.filter(pledgor__region_id=data["region"])
    if data.get("year"):
        queryset = queryset.filter(registration_date__year=data["year"])
    if data.get("min_amount") is not None:
        queryset = queryset.filter(amount__gte=data["min_amount"])
    return queryset


def involving_visible_parties(queryset: QuerySet[Any], user: Any, parties: tuple[str, str]) -> QuerySet[Any]:
    """Records with a party the user may see (`Organisation.objects.visible_to`): city office all;
    district bureau its region's; applicants and agencies their own; anyone else none."""
    if is_city_admin(user):
        return queryset
    visible = Organisation.objects.visible_to(user).values("pk")
    return queryset.filter(Q(**{f"{parties[0]}__in": visible}) | Q(**{f"{parties[1]}__in": visible}))


def pledges_visible_to(user: Any) -> QuerySet[Pledge]:
    """Pledge registrations a user may see, with parties and amount: the rule of the pledge list, the
    patent page, the 一企一档 and the indicator drill-down. A pledge is its pledgor's financing and
    belongs to the pledgor's region, as the indicators count it: a district bureau sees the pledges
    of its region's pledgors — the bank's branch in its region does not bring other districts'
    enterprises' pledges into view. Enterprises and agencies see the pledges they gave or took; the
    city office all; anyone else none."""
    pledges = Pledge.objects.all()
    if has_role(user, Role.DISTRICT_OFFICER) and not is_city_admin(user):
        return pledges.filter(pledgor__in=Organisation.objects.visible_to(user).values("pk"))
    return involving_visible_parties(pledges, user, ("pledgor", "pledgee"))


def licences_visible_to(user: Any) -> QuerySet[Licence]:
    """Licences and assignments a user may see, with parties and fee: those with a party the user may
    see (both sides are the enterprises or universities the districts look after)."""
    return involving_visible_parties(Licence.objects.all(), user, ("licensor", "licensee"))


def pledge_list(data: dict[str, Any], user: Any) -> QuerySet[Pledge]:
    """Pledge registrations a user may see (`pledges_visible_to`), filtered."""
    pledges = filter_pledges(pledges_visible_to(user), data)
    return pledges.annotate(item_count=_item_count(PledgeItem, "pledge"))


def pledge_total(pledges: QuerySet[Pledge]) -> Decimal:
    """The guaranteed amount of a (filtered) list in 元, in one aggregate query."""
    total = pledges.order_by().aggregate(total=Sum("amount"))["total"]
    return total if total is not None else Decimal("0.00")


def filter_licences(queryset: QuerySet[Licence], data: dict[str, Any]) -> QuerySet[Licence]:
    if data.get("q"):
        q = data["q"].strip()
        queryset = queryset.filter(
            Q(reference__startswith=fold(q)) | Q(licensor_name__icontains=q) | Q(licensee_name__icontains=q)
        )
    if data.get("kind"):
        queryset = queryset.filter(kind=data["kind"])
    if data.get("year"):
        queryset = queryset.filter(contract_date__year=data["year"])
    recorded = _yes_no(data.get("recorded") or "")
    if recorded is not None:
        queryset = queryset.filter(recorded=recorded)
    return queryset


def licence_list(data: dict[str, Any], user: Any) -> QuerySet[Licence]:
    """Licences and assignments a user may see (`licences_visible_to`), filtered."""
    licences = filter_licences(licences_visible_to(user), data)
    return licences.annotate(item_count=_item_count(LicenceItem, "licence"))


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
        """[(type label, [(status label, count)])] in the choices' order; a stored 有效 past the
        statutory term is shown on its own, after 有效 (`PAST_TERM`)."""
        labels = [(s.value, str(s.label)) for s in LegalStatus]
        at = next(i for i, (value, _label) in enumerate(labels) if value == LegalStatus.VALID) + 1
        labels.insert(at, (PAST_TERM, PAST_TERM_LABEL))
        rows = []
        for patent_type in PatentType:
            statuses = self.portfolio.get(patent_type.value)
            if statuses:
                rows.append(
                    (
                        str(patent_type.label),
                        [(label, statuses[value]) for value, label in labels if value in statuses],
                    )
                )
        return rows


# A stored 有效 whose statutory term (专利法 第四十二条) is over: the export is out of date.
PAST_TERM = "valid_past_term"
PAST_TERM_LABEL = "有效但保护期已届满（导出数据过时）"


def organisation_profile(org: Organisation, user: Any, *, recent: int = 20) -> Profile:
    """The 一企一档 of an organisation the user may open; its pledges and licences by the lists' rule
    (a district opening a bank's profile sees the pledges of its own region's pledgors only)."""
    held = Patent.objects.filter(pk__in=held_by(org.pk))
    portfolio: dict[str, dict[str, int]] = {}
    total = 0
    past_term = ExpressionWrapper(
        Q(legal_status=LegalStatus.VALID) & Q(LessThan(term_end_expression(), timezone.localdate())),
        BooleanField(),
    )
    for patent_type, status, ended, n in (
        held.order_by()
        .annotate(past_term=past_term)
        .values_list("patent_type", "legal_status", "past_term")
        .annotate(n=Count("pk"))
    ):
        key = PAST_TERM if ended else status
        portfolio.setdefault(patent_type, {})[key] = portfolio.get(patent_type, {}).get(key, 0) + n
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
        pledges=list(
            pledges_visible_to(user).filter(Q(pledgor=org) | Q(pledgee=org)).prefetch_related(items)[:50]
        ),
        licences=list(
            licences_visible_to(user)
            .filter(Q(licensor=org) | Q(licensee=org))
            .prefetch_related(licence_items)[:50]
        ),
        awards=list(org.awards.order_by("-year")),
    )


def review_items_to_decide(user: Any) -> QuerySet[ReviewItem]:
    """Names in imported files that match several organisations and wait for the city office to
    decide (the review queue), the most frequent first."""
    if not is_city_admin(user):
        return ReviewItem.objects.none()
    return ReviewItem.objects.filter(status=ReviewStatus.OPEN).order_by("-occurrences", "name", "pk")


@dataclass
class WordingRow:
    wording: str
    value: str  # the registry value's label
    added: Any = None  # the SourceWording the office added (removable), else None: in the file


@dataclass
class VocabularyBlock:
    field: str
    label: str
    choices: list[tuple[str, str]]
    rows: list[WordingRow]


@dataclass
class ProfileOverview:
    code: str
    kind: str
    kind_label: str
    name: str
    source: str
    note: str
    columns: list[tuple[str, str]]  # (their header, our column or “不读取”)
    standard_columns: bool
    vocabularies: list[VocabularyBlock]
    date_formats: list[str]
    separators: list[str]


def source_profiles_overview() -> list[ProfileOverview]:
    """Every source profile (导入格式) with its columns, its wordings from the file and the synonyms
    the office added (two queries' worth: the files are cached, the synonyms one query)."""
    from ipcity.registry.importers import SPECS
    from ipcity.registry.importers.profiles import VOCABULARIES, profiles_for, value_label
    from ipcity.registry.models import SourceWording

    added: dict[tuple[str, str, str], list[Any]] = {}
    for row in SourceWording.objects.all():
        added.setdefault((row.kind, row.profile, row.field), []).append(row)
    out = []
    for kind in [k for k in ImportKind.values if k in VOCABULARIES]:
        spec = SPECS[kind]()
        labels = {c.field: c.label for c in spec.columns}
        for profile in profiles_for(kind):
            if profile.column_labels:
                columns = [(h, t or "不读取") for h, t in profile.column_labels.items()]
            else:  # the standard layout: the spec's headers and their aliases
                columns = [(" / ".join((c.label, *c.aliases)), c.label) for c in spec.columns]
            blocks = []
            for field_name, choices in VOCABULARIES[kind].items():
                rows = [
                    WordingRow(w, value_label(kind, field_name, v))
                    for w, v in profile.wordings.get(field_name, {}).items()
                ]
                rows += [
                    WordingRow(r.wording, value_label(kind, field_name, r.value), r)
                    for r in added.get((kind, profile.code, field_name), [])
                ]
                blocks.append(
                    VocabularyBlock(
                        field_name,
                        labels.get(field_name, field_name),
                        [(v, str(label)) for v, label in choices.choices],
                        rows,
                    )
                )
            out.append(
                ProfileOverview(
                    code=profile.code,
                    kind=kind,
                    kind_label=str(ImportKind(kind).label),
                    name=profile.name,
                    source=profile.source,
                    note=profile.note,
                    columns=columns,
                    standard_columns=profile.standard_columns and bool(profile.column_labels),
                    vocabularies=blocks,
                    date_formats=[dt.date(2022, 3, 1).strftime(f) for f in profile.date_formats],
                    separators=list(profile.separators),
                )
            )
    return out
