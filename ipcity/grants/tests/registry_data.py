"""Registry records for the entitlement tests, written through the ORM (the registry's importers are
the other way in; these tests need a handful of exact records)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ipcity.lib.identifiers import patent_check_digit
from ipcity.registry.models import (
    Award,
    GeographicalIndication,
    Organisation,
    OrganisationTag,
    Patent,
    PatentHolder,
    Pledge,
    PledgeItem,
    Trademark,
)


def patent(org: Organisation, serial: int, *, year: int = 2019, kind: str = "invention") -> Patent:
    digits = f"{year}{'1' if kind == 'invention' else '2'}{serial:07d}"
    number = f"{digits}.{patent_check_digit(digits)}"
    p = Patent.objects.create(
        application_number=number,
        patent_type=kind,
        title=f"测试专利{serial}",
        filing_date=dt.date(year, 3, 1),
        legal_status="valid",
        first_holder_name=org.name,
        first_holder=org,
        region=org.region,
        region_rule="organisation",
    )
    PatentHolder.objects.create(patent=p, position=1, name=org.name, name_key=org.name, organisation=org)
    return p


def award(
    org: Organisation, p: Patent, *, award: str = "china_patent", level: str = "gold", year: int = 2024
) -> Award:
    return Award.objects.create(
        award=award, level=level, year=year, application_number=p.application_number, patent=p,
        holder_name=org.name, holder=org,
    )  # fmt: skip


def madrid(
    org: Organisation, *, number: str = "1654321", registered: dt.date = dt.date(2024, 3, 8)
) -> Trademark:
    return Trademark.objects.create(
        registration_number=f"5{number}", name="海岳", classes=[1], kind="ordinary", status="registered",
        holder_name=org.name, holder=org, registration_date=registered, madrid_number=number,
        designated_countries=["US", "EU"],
    )  # fmt: skip


def gi(
    org: Organisation | None, product: str = "测试苹果", *, approved: dt.date = dt.date(2024, 4, 1)
) -> GeographicalIndication:
    return GeographicalIndication.objects.create(
        product=product, kind="gi_mark", region=org.region if org else None, holder_name=org.name if org else "某协会",
        holder=org, approval_date=approved,
    )  # fmt: skip


def pledge(
    org: Organisation,
    items: list[Patent],
    *,
    number: str = "Y2024980000001",
    registered: dt.date = dt.date(2024, 3, 1),
    amount: str = "10000000",
    rate: str = "4.000",
    first: bool = True,
    trademarks: list[Trademark] | None = None,
    months: int = 12,
) -> Pledge:
    end = dt.date(
        registered.year + (registered.month - 1 + months) // 12, (registered.month - 1 + months) % 12 + 1, 1
    )
    p = Pledge.objects.create(
        registration_number=number, pledgor_name=org.name, pledgor=org, pledgee_name="测试银行",
        amount=Decimal(amount), registration_date=registered, term_start=registered, term_end=end,
        loan_rate=Decimal(rate),
    )  # fmt: skip
    position = 1
    for pat in items:
        PledgeItem.objects.create(
            pledge=p, position=position, ip_kind="patent", identifier=pat.application_number, patent=pat,
            is_first_pledge=first,
        )  # fmt: skip
        position += 1
    for mark in trademarks or []:
        PledgeItem.objects.create(
            pledge=p,
            position=position,
            ip_kind="trademark",
            identifier=mark.registration_number,
            trademark=mark,
        )
        position += 1
    return p


def tag(org: Organisation, tag: str = "ip_advantage_province", year: int = 2024) -> OrganisationTag:
    return OrganisationTag.objects.create(organisation=org, tag=tag, year=year)
