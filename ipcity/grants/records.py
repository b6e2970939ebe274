"""The registry as the grants app reads it: records an application may link, the facts the platform
supplies itself (credit, registration in Yantai), and the keys that identify an IP right.

Links are stored as (kind, id) with the record's key and label copied at link time
(models.ApplicationLink), so an application still reads correctly if the registry row changes.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, Q

from ipcity.grants.choices import LinkKind
from ipcity.lib.identifiers import IdentifierError, normalize_patent_application_number
from ipcity.lib.numbers import format_yuan_exact
from ipcity.lib.text import fold
from ipcity.policy.engine import rights
from ipcity.protection import selectors as credit
from ipcity.protection.models import CreditRecord
from ipcity.registry.models import (
    Award,
    GeographicalIndication,
    Licence,
    ManagementCertificate,
    Organisation,
    Patent,
    PatentHolder,
    Pledge,
    Trademark,
)

# Facts the platform fills in; the applicant's form does not ask for them.
# Facts of support's records (a centre's confirmed 绩效考评, an agency's quality rating): the platform
# fills them in (support.selectors.reward_facts), the applicant never types them.
SUPPORT_FACTS = (
    "assessment_year",
    "assessment_score",
    "assessment_grade",
    "rating_year",
    "rating_rank",
    "rating_score",
    "rating_grade",
)
PLATFORM_FACTS = ("blacklisted", "registered_in_yantai", "right_id", "decided_amount", *SUPPORT_FACTS)
LINKABLE_PATENTS = 200  # the most recent patents offered for linking (others by typing the number)


class RightIdError(ValueError):
    """An IP right number that looks like a patent application number but fails its check digit."""


_PATENT_LIKE = re.compile(r"(?:CN|ZL)?(\d{12}|\d{8})\.?[0-9X]?")


def normalize_right_id(text: str) -> str:
    """One spelling per IP right: patent numbers as the registry writes them ('200710308494.X',
    check digit verified); anything else folded (full-width to ASCII, no spaces, upper case)."""
    value = fold(text)
    if not value:
        return ""
    if _PATENT_LIKE.fullmatch(value):
        try:
            return normalize_patent_application_number(value)
        except IdentifierError as exc:
            raise RightIdError(str(exc)) from exc
    return value


# Keys of registry records as IP rights (prefix + natural key; patents by application number).
def patent_key(patent: Patent) -> str:
    return patent.application_number


def trademark_key(mark: Trademark) -> str:
    return rights.trademark(mark.registration_number)


def madrid_key(mark: Trademark) -> str:
    return rights.madrid(mark.madrid_number)


def gi_key(gi: GeographicalIndication) -> str:
    return rights.geographical_indication(gi.kind, fold(gi.product))


def pledge_key(pledge: Pledge) -> str:
    return rights.pledge(pledge.registration_number)


def tag_key(org: Organisation, tag: str, year: int) -> str:
    return rights.recognition(tag, year, org.uscc or str(org.pk))


@dataclass(frozen=True)
class RecordChoice:
    kind: str
    object_id: int
    key: str
    label: str

    @property
    def value(self) -> str:
        return f"{self.kind}:{self.object_id}"


def organisation_records(org: Organisation) -> list[RecordChoice]:
    """Registry records of an organisation that an application may link, newest first per kind."""
    out: list[RecordChoice] = []
    for award in Award.objects.filter(holder=org).order_by("-year", "award"):
        out.append(
            RecordChoice(
                LinkKind.AWARD,
                award.pk,
                award.application_number,
                f"{award.year} 年{award.get_award_display()}{award.get_level_display()}（{award.application_number}）",
            )
        )
    pledges = Pledge.objects.filter(pledgor=org).order_by("-registration_date")[:100]
    for pledge in pledges:
        out.append(
            RecordChoice(
                LinkKind.PLEDGE,
                pledge.pk,
                pledge_key(pledge),
                f"质押登记 {pledge.registration_number}（{pledge.registration_date.isoformat()}，"
                f"{format_yuan_exact(pledge.amount)}，质权人 {pledge.pledgee_name}）",
            )
        )
    for mark in Trademark.objects.filter(holder=org).order_by("-registration_date")[:100]:
        madrid = f"，马德里 {mark.madrid_number}" if mark.madrid_number else ""
        out.append(
            RecordChoice(
                LinkKind.TRADEMARK,
                mark.pk,
                madrid_key(mark) if mark.madrid_number else trademark_key(mark),
                f"商标 {mark.name}（{mark.registration_number}{madrid}）",
            )
        )
    for gi in GeographicalIndication.objects.filter(holder=org):
        out.append(RecordChoice(LinkKind.GI, gi.pk, gi_key(gi), f"地理标志 {gi}"))
    for cert in ManagementCertificate.objects.filter(organisation=org):
        out.append(
            RecordChoice(
                LinkKind.CERTIFICATE,
                cert.pk,
                f"CERT:{cert.number}",
                f"贯标证书 {cert.number}（{cert.get_version_display()}，{cert.get_status_display()}）",
            )
        )
    for licence in Licence.objects.filter(Q(licensor=org) | Q(licensee=org)).order_by("-contract_date")[:100]:
        out.append(
            RecordChoice(
                LinkKind.LICENCE,
                licence.pk,
                f"LIC:{licence.reference}",
                f"{licence.get_kind_display()} {licence.reference}（{licence.contract_date.isoformat()}）",
            )
        )
    held = Patent.objects.filter(Exists(PatentHolder.objects.filter(patent=OuterRef("pk"), organisation=org)))
    for patent in held.defer("abstract").order_by("-filing_date")[:LINKABLE_PATENTS]:
        out.append(
            RecordChoice(
                LinkKind.PATENT,
                patent.pk,
                patent_key(patent),
                f"专利 {patent.application_number} {patent.title[:40]}",
            )
        )
    return out


def platform_facts(org: Organisation, on: dt.date) -> dict[str, Any]:
    """Facts the platform knows: on the serious-dishonesty list on `on`; registered in Yantai
    (the organisation has a Yantai region in the registry)."""
    return {
        "blacklisted": credit.is_blacklisted(org, on),
        "registered_in_yantai": org.region_id is not None,
    }


def blocking_credit_records(org: Organisation, on: dt.date) -> list[CreditRecord]:
    """The credit check before payment: protection's credit records (protection.selectors)."""
    return credit.blocking_credit_records(org, on)
