"""The grants part of the demo data set — SYNTHETIC: budgets for 2024–2026 (data/grants/demo-budgets.yaml),
three invented experts, a handful of applications from the demo enterprise users in various statuses,
and 免申即享 entitlements detected from whatever demo registry data is loaded.

The demo world is 2024 (as the registry demo's): the workflow is driven through the real services with
the workflow clock set to dates in 2024. Idempotent: applications carry a demo key and are created once;
detection creates nothing twice; budgets are upserts.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from ipcity.accounts.models import User
from ipcity.core.audit import Actor
from ipcity.core.services import mark_dataset
from ipcity.core.workflow import Refused
from ipcity.grants import clock, services
from ipcity.grants.choices import EntitlementStatus, ReviewDecision
from ipcity.grants.detection import run_detection
from ipcity.grants.models import Application, Entitlement, Grant
from ipcity.lib.datafile import load_data_file
from ipcity.registry.models import Organisation
from ipcity.registry.services import update_payee_account
from ipcity.support.demo import DEMO_DRAW_SEED, DEMO_EXPERT_FIELD, load_experts

log = logging.getLogger(__name__)

BUDGETS_FILE = settings.DATA_DIR / "grants" / "demo-budgets.yaml"
BUDGETS_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["schema_version", "years", "default", "items"],
    "additionalProperties": False,
    "properties": {
        "schema_version": {"const": 1},
        "years": {"type": "array", "items": {"type": "integer", "minimum": 2022, "maximum": 2100}},
        "default": {"type": "string", "pattern": r"^\d+(\.\d{1,2})?$"},
        "items": {
            "type": "object",
            "additionalProperties": {"type": "string", "pattern": r"^\d+(\.\d{1,2})?$"},
        },
    },
}
DEMO_PDF = (
    b"%PDF-1.4\n% ipcity demo material - synthetic\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


def _material(label: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(f"{label}（演示）.pdf", DEMO_PDF)


def ensure_demo_payee_account(org: Organisation, *, actor: Actor) -> None:
    """A synthetic 收款账户 for a demo organisation that has none (payment needs one): the
    organisation's own name, an invented branch, a number that no bank issues (prefix 999)."""
    if not org.has_payee_account:
        update_payee_account(
            org, actor=actor, name=org.name, bank="（演示）烟台示例银行芝罘支行", account=f"999{org.pk:013d}"
        )


def load_budgets(*, actor: Actor, path: Any = BUDGETS_FILE) -> int:
    from ipcity.policy.engine import default_catalog

    data, _ = load_data_file(path, BUDGETS_SCHEMA)
    count = 0
    for year in data["years"]:
        for code in default_catalog().items:
            amount = Decimal(data["items"].get(code, data["default"]))
            services.set_budget(code, year, amount, actor=actor, note="演示预算（合成数据）")
            count += 1
    return count


@dataclass(frozen=True)
class DemoApplication:
    key: str
    username: str
    item: str
    decisive_date: dt.date
    facts: dict[str, Any]
    right_id: str
    created: dt.date
    # Steps after creation: (date, what, options) — what ∈ submit | district | city | experts | score |
    # approve | pay; options are the service's keyword arguments.
    steps: tuple[tuple[dt.date, str, dict[str, Any]], ...] = ()


D = dt.date
PASS = {"decision": ReviewDecision.PASS}
DEMO_APPLICATIONS = [
    # Paid end to end: 海岳 won a foreign-related case (快申快享).
    DemoApplication(
        "d1", "enterprise-haiyue", "foreign_litigation", D(2024, 3, 15),
        {"foreign_related": True, "judicial_litigation": True, "won": True, "service_fees": "860000"},
        "（演示）(2023)鲁02民初1001号", D(2024, 3, 20),
        ((D(2024, 3, 20), "submit", {}), (D(2024, 3, 25), "district", {**PASS, "comment": "材料齐全（演示）"}),
         (D(2024, 4, 1), "city", PASS), (D(2024, 4, 15), "approve", {}),
         (D(2024, 4, 26), "pay", {"paid_on": D(2024, 4, 26), "reference": "（演示）ZF-2024-0001"})),
    ),
    # In publicity: 蓝鲸's pledge guarantee fee.
    DemoApplication(
        "d2", "enterprise-lanjing", "pledge_insurance_guarantee", D(2024, 9, 2),
        {"fee_kind": "guarantee_fee", "fee": "64000"}, "（演示）DB-2024-017", D(2024, 9, 5),
        ((D(2024, 9, 5), "submit", {}), (D(2024, 9, 10), "district", PASS), (D(2024, 12, 24), "city", PASS)),
    ),
    # Waiting for 芝罘区: 海岳's GB/T 29490 certification (amount set by the office).
    DemoApplication(
        "d3", "enterprise-haiyue", "ip_management_standard", D(2024, 10, 8),
        {"certified": True, "certification_cost": "45000"}, "（演示）IPMS-2024-88", D(2024, 10, 12),
        ((D(2024, 10, 12), "submit", {}),),
    ),
    # Expert review under way: 滨海理工学院's free licensing (择优), one expert has scored.
    DemoApplication(
        "d4", "university-binhai", "free_licensing", D(2024, 8, 30),
        {"licensor_kind": "university", "licence_free": True, "licensee_local_sme": True},
        "（演示）X2024370000123", D(2024, 9, 2),
        ((D(2024, 9, 2), "submit", {}), (D(2024, 9, 6), "district", PASS), (D(2024, 9, 13), "city", PASS),
         (D(2024, 9, 13), "experts", {}), (D(2024, 9, 20), "score", {"score": Decimal("86"), "opinion": "许可对象均为本地中小企业（演示）"})),
    ),
    # Returned for revision: 蓝鲸's foreign litigation without the fee invoices.
    DemoApplication(
        "d5", "enterprise-lanjing", "foreign_litigation", D(2024, 11, 4),
        {"foreign_related": True, "judicial_litigation": True, "won": True, "service_fees": "240000"},
        "（演示）(2024)鲁02民初2002号", D(2024, 11, 8),
        ((D(2024, 11, 8), "submit", {}),
         (D(2024, 11, 13), "district", {"decision": ReviewDecision.RETURN, "comment": "请补充律师服务费发票（演示）"})),
    ),
    # At the city: 知桥's pro-bono enforcement (择优).
    DemoApplication(
        "d6", "agency-zhiqiao", "public_interest_enforcement", D(2024, 7, 1),
        {"pro_bono": True, "enforcement_succeeded": True, "ip_in_yantai": True, "significant_influence": True},
        "（演示）WQ-2024-03", D(2024, 7, 5),
        ((D(2024, 7, 5), "submit", {}), (D(2024, 7, 9), "district", PASS)),
    ),
    # A draft: 海岳 is preparing another one.
    DemoApplication(
        "d7", "enterprise-haiyue", "foreign_litigation", D(2024, 12, 2),
        {"foreign_related": True, "judicial_litigation": True, "won": True, "service_fees": "120000"},
        "（演示）(2024)鲁02民初3003号", D(2024, 12, 10),
    ),
]  # fmt: skip
DEMO_USERS = {"admin", "district-zhifu", "district-laishan", "enterprise-haiyue", "enterprise-lanjing",
              "university-binhai", "agency-zhiqiao"}  # fmt: skip


def _walk(app: Application, demo: DemoApplication, users: dict[str, User]) -> None:
    def as_(username: str) -> Actor:
        return Actor.web(users[username])

    district = (
        "district-zhifu"
        if app.organisation.region_id == users["district-zhifu"].region_id
        else "district-laishan"
    )
    for day, what, options in demo.steps:
        with clock.frozen(day):
            if what == "submit":
                services.submit_application(app, actor=as_(demo.username))
            elif what == "district":
                services.review_in_district(app, actor=as_(district), **options)
            elif what == "city":
                services.review_in_city(app, actor=as_("admin"), **options)
            elif what == "experts":
                # A fixed seed: the demo draws the same experts on every load.
                services.assign_experts(
                    app, actor=as_("admin"), field=DEMO_EXPERT_FIELD, count=3, seed=DEMO_DRAW_SEED
                )
            elif what == "score":
                first = app.assignments.order_by("pk").first()
                assert first is not None
                services.record_score(first, actor=as_("admin"), **options)
            elif what == "approve":
                services.approve_application(app, actor=as_("admin"))
            elif what == "pay":
                services.record_payment(Grant.objects.get(application=app), actor=as_("admin"), **options)
            app.refresh_from_db()


def load_applications(*, actor: Actor) -> int:
    """The demo applications, each walked through the workflow once (skipped when it exists)."""
    users = {u.username: u for u in User.objects.filter(username__in=DEMO_USERS).select_related("membership")}
    if set(users) != DEMO_USERS:
        log.warning(
            "grants demo: demo users missing (%s); applications skipped", sorted(DEMO_USERS - set(users))
        )
        return 0
    load_experts(actor=actor)
    from ipcity.policy.engine import default_catalog

    created = 0
    for demo in DEMO_APPLICATIONS:
        if Application.objects.filter(demo_key=demo.key).exists():
            continue
        user = users[demo.username]
        org = user.membership.organisation
        ensure_demo_payee_account(org, actor=actor)
        with clock.frozen(demo.created):
            app = services.create_application(
                org,
                demo.item,
                actor=Actor.web(user),
                decisive_date=demo.decisive_date,
                facts=demo.facts,
                right_id=demo.right_id,
                demo_key=demo.key,
            )
            for label in default_catalog().items[demo.item].upload_materials:  # each named material
                services.add_material(app, _material(label), actor=Actor.web(user), label=label)
        _walk(app, demo, users)
        created += 1
    return created


def load_entitlements(*, actor: Actor, years: tuple[int, ...] = (2023, 2024), settle: int = 3) -> int:
    """Detect over the demo registry; confirm, approve and pay the first few of the earliest year."""
    created = 0
    with clock.frozen(dt.date(2024, 12, 31)):
        for year in years:
            created += len(run_detection(year, actor=actor).created)
    first = (
        Entitlement.objects.filter(is_demo=True, detection_year=years[0], status=EntitlementStatus.PENDING)
        .exclude(amount=None)
        .order_by("pk")[:settle]
    )
    for ent in first:
        with clock.frozen(dt.date(2024, 3, 1)):
            services.confirm_entitlement(ent, actor=actor, accept=True, comment="演示：确认申领")
        with clock.frozen(dt.date(2024, 3, 8)):
            try:
                grant = services.approve_entitlement(ent, actor=actor)
            except Refused as exc:
                log.warning("grants demo: %s not approved: %s", ent.number, exc)
                continue
        ensure_demo_payee_account(ent.organisation, actor=actor)
        with clock.frozen(dt.date(2024, 3, 20)):
            services.record_payment(
                grant, actor=actor, paid_on=dt.date(2024, 3, 20), reference=f"（演示）MS-{ent.pk:04d}"
            )
    return created


def load_grants_demo(*, actor: Actor) -> None:
    """Budgets, experts, demo applications and entitlements (idempotent). Needs the demo accounts
    (ipcity demo load) for the applications and the registry demo for the entitlements; whatever is
    missing is skipped."""
    budgets = load_budgets(actor=actor)
    applications = load_applications(actor=actor)
    entitlements = load_entitlements(actor=actor)
    mark_dataset(
        code="grants-demo",
        name="奖补兑现演示数据（合成：预算、专家、申请、免申即享）",
        is_demo=True,
        source="ipcity.grants.demo",
        checksum="",
        actor=actor,
    )
    log.info(
        "grants demo: %s budgets, %s new applications, %s new entitlements",
        budgets,
        applications,
        entitlements,
    )
