"""Set-up shared by the protection tests: a platform with its account, patents of the test
organisations (written through the ORM, as the registry's importers write them) and complaints
made through the services."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from ipcity.accounts.choices import Role
from ipcity.accounts.models import User
from ipcity.accounts.services import upsert_user
from ipcity.core.audit import Actor
from ipcity.core.models import Region
from ipcity.lib.identifiers import patent_check_digit
from ipcity.protection import services
from ipcity.protection.models import AidBody, Complaint, MediationBody
from ipcity.registry.models import Organisation, Patent, PatentHolder
from ipcity.registry.services import bind_user_to_organisation, upsert_organisation
from ipcity.test import PASSWORD, SETUP, Personas

CLI = Actor.cli("测试")
# A Monday in a year the working-day calendar covers.
MONDAY = dt.date(2026, 3, 2)
PDF = b"%PDF-1.4\n% ipcity test\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
_serials = itertools.count(1)


def web(user: Any) -> Actor:
    return Actor.web(user)


def pdf(name: str = "证明.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def platform(name: str = "测试电商平台", username: str = "t-platform") -> tuple[Organisation, User]:
    org, _ = upsert_organisation(
        actor=SETUP,
        name=name,
        values={"kind": "enterprise", "region": Region.objects.get(name="芝罘区")},
    )
    user, _ = upsert_user(username, actor=SETUP, role=Role.PLATFORM, password=PASSWORD)
    bind_user_to_organisation(user, org, actor=SETUP)
    return org, user


def patent(org: Organisation) -> Patent:
    serial = next(_serials)
    digits = f"20231{8_000_000 + serial:07d}"
    p = Patent.objects.create(
        application_number=f"{digits}.{patent_check_digit(digits)}",
        patent_type="invention",
        title=f"一种保护测试装置{serial}",
        filing_date=dt.date(2023, 1, 5),
        legal_status="valid",
        first_holder_name=org.name,
        first_holder=org,
        region=org.region,
        region_rule="organisation",
    )
    PatentHolder.objects.create(patent=p, position=1, name=org.name, name_key=org.name, organisation=org)
    return p


def complaint(personas: Personas, platform_org: Organisation, **overrides: Any) -> Complaint:
    right = patent(personas.org_a)
    values: dict[str, Any] = {
        "complainant": personas.org_a,
        "platform": platform_org,
        "shop": "某某旗舰店",
        "listing_url": "https://shop.example.com/item/1",
        "right_kind": "patent",
        "right_number": f"CN{right.application_number}",
        "evidence": "商品结构与专利权利要求1的全部技术特征相同，附购买公证书。",
    }
    values.update(overrides)
    return services.file_complaint(actor=web(personas.enterprise_a), **values)


def organisation_account(
    name: str, username: str, *, kind: str = "other", role: str = Role.APPLICANT
) -> tuple[Organisation, User]:
    """A registry organisation with one account (an aid body's or a mediation body's)."""
    org, _ = upsert_organisation(
        actor=SETUP, name=name, values={"kind": kind, "region": Region.objects.get(name="芝罘区")}
    )
    user, _ = upsert_user(username, actor=SETUP, role=role, password=PASSWORD)
    bind_user_to_organisation(user, org, actor=SETUP)
    return org, user


def aid_body(name: str = "测试援助中心", username: str = "t-aid") -> tuple[AidBody, User]:
    """An aid body (an association) whose organisation has an account."""
    org, user = organisation_account(f"{name}（机构）", username)
    body = services.upsert_aid_body(
        actor=CLI, name=name, kind="association", service_scope="咨询", organisation=org
    )
    return body, user


def mediation_body(name: str = "测试调解委员会", username: str = "t-mediator") -> tuple[MediationBody, User]:
    """A mediation body whose organisation has an account."""
    org, user = organisation_account(f"{name}（机构）", username)
    return services.upsert_mediation_body(actor=CLI, name=name, organisation=org), user
