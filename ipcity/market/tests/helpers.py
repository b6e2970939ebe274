"""Set-up shared by the market tests: registry patents of the test organisations (written through the
ORM, as the registry's importers would have written them) and listings made through the services."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from ipcity.core.audit import Actor
from ipcity.lib.identifiers import patent_check_digit
from ipcity.market import services
from ipcity.market.models import Deal, Need, Offer
from ipcity.registry.models import Organisation, Patent, PatentHolder
from ipcity.test import Personas

CLI = Actor.cli("测试")
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)
_serials = itertools.count(1)
TYPE_DIGIT = {"invention": "1", "utility_model": "2", "design": "3"}


def web(user: Any) -> Actor:
    return Actor.web(user)


def patent(
    org: Organisation,
    *,
    kind: str = "invention",
    status: str = "valid",
    filed: dt.date | None = None,
    title: str = "",
) -> Patent:
    serial = next(_serials)
    filed = filed or timezone.localdate().replace(month=1, day=5) - dt.timedelta(days=365 * 3)
    digits = f"{filed.year}{TYPE_DIGIT[kind]}{9_000_000 + serial:07d}"
    p = Patent.objects.create(
        application_number=f"{digits}.{patent_check_digit(digits)}",
        patent_type=kind,
        title=title or f"一种测试装置{serial}",
        filing_date=filed,
        legal_status=status,
        first_holder_name=org.name,
        first_holder=org,
        region=org.region,
        region_rule="organisation",
    )
    PatentHolder.objects.create(patent=p, position=1, name=org.name, name_key=org.name, organisation=org)
    return p


def report() -> SimpleUploadedFile:
    return SimpleUploadedFile("专利权评价报告.pdf", PDF)


def offer_values(mode: str = "ordinary", **overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "title": "高效海水淡化膜组件",
        "mode": mode,
        "price": Decimal("200000.00"),
        "negotiable": False,
        "fee_terms": "",
        "payment_method": "",
        "field": "high_end_equipment",
        "applications": "海水淡化、工业废水处理",
        "description": "一种耐污染的反渗透膜组件。",
        "maturity": "pilot",
        "region": None,
        "contact_person": "王老师",
        "contact_phone": "0535-1234567",
    }
    if mode == "free_sme":
        values["price"] = None
    if mode == "open":
        values.update(price=Decimal("50000.00"), fee_terms="每年 5 万元", payment_method="每年 1 月银行转账")
    values.update(overrides)
    return values


def numbers(*patents: Patent) -> str:
    return "\n".join(f"CN{p.application_number}" for p in patents)


def make_offer(
    org: Organisation,
    *,
    mode: str = "ordinary",
    actor: Actor = CLI,
    publish: bool = True,
    kind: str = "invention",
    **overrides: Any,
) -> Offer:
    p = patent(org, kind=kind)
    offer = services.create_offer(
        actor=actor,
        holder=org,
        values=offer_values(mode, **overrides),
        patent_numbers=numbers(p),
        evaluation_report=report() if kind != "invention" else None,
    )
    if publish:
        services.publish_offer(offer, actor=actor)
    offer.refresh_from_db()
    return offer


def make_need(org: Organisation, *, publish: bool = True, actor: Actor = CLI) -> Need:
    need = services.create_need(
        actor=actor,
        organisation=org,
        values={
            "title": "食品包装保鲜技术",
            "problem": "需要延长海产品冷链保鲜期的包装技术。",
            "field": "food_processing",
            "budget_min": Decimal("100000"),
            "budget_max": Decimal("500000"),
            "deadline": None,
            "region": org.region,
            "contact_person": "李经理",
            "contact_phone": "0535-7654321",
        },
    )
    if publish:
        services.publish_need(need, actor=actor)
    need.refresh_from_db()
    return need


def interest(offer: Offer, personas: Personas) -> Deal:
    """测试乙公司 (enterprise_b) is interested in an offer of 测试甲公司."""
    return services.express_interest(
        offer, actor=web(personas.enterprise_b), organisation=personas.org_b, message="希望洽谈许可"
    )


def signed(deal: Deal, personas: Personas, *, amount: str = "150000") -> Deal:
    services.accept_deal(deal, actor=web(personas.enterprise_a))
    services.sign_deal(
        deal,
        actor=web(personas.enterprise_b),
        kind="ordinary",
        amount=Decimal(amount),
        contract_date=timezone.localdate(),
    )
    deal.refresh_from_db()
    return deal
