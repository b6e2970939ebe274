"""Deals: interest → negotiation → signed → confirmed by both sides (or the city office), which
records the licence in the registry through its service: in the licence list and both 一企一档."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from ipcity.core.models import AuditEvent
from ipcity.core.workflow import Refused
from ipcity.market import services
from ipcity.market.models import Deal
from ipcity.market.tests.helpers import interest, make_offer, signed, web
from ipcity.registry.models import Licence
from ipcity.registry.services import upsert_organisation
from ipcity.test import SETUP, Personas

pytestmark = pytest.mark.django_db


def test_confirmation_by_both_sides_records_the_licence_on_both_profiles(personas: Personas) -> None:
    offer = make_offer(personas.org_a)
    deal = interest(offer, personas)
    services.add_deal_note(deal, actor=web(personas.enterprise_b), text="希望独家在山东实施")
    deal = signed(deal, personas, amount="150000")
    assert deal.licensee_confirmed == "t-ent-b" and not deal.licensor_confirmed
    # The party that recorded the terms cannot confirm them a second time.
    with pytest.raises(Refused, match="无权确认成交"):
        services.confirm_deal(deal, actor=web(personas.enterprise_b))
    licence = services.confirm_deal(deal, actor=web(personas.enterprise_a))
    deal.refresh_from_db()
    assert deal.status == "confirmed" and deal.licence == licence
    assert (licence.kind, licence.fee, licence.licensor, licence.licensee) == (
        "ordinary", Decimal("150000.00"), personas.org_a, personas.org_b,
    )  # fmt: skip
    assert [i.patent for i in licence.items.all()] == list(offer.patents.all())
    assert AuditEvent.objects.filter(action="licence.create", object_id=str(licence.pk)).exists()
    assert AuditEvent.objects.filter(action="market_deal.confirm", object_id=str(deal.pk)).exists()
    # An ordinary licence leaves the offer published for others.
    offer.refresh_from_db()
    assert offer.status == "published"
    for user, org in ((personas.enterprise_a, personas.org_a), (personas.enterprise_b, personas.org_b)):
        page = personas.client(user).get(reverse("registry:organisation", args=[org.pk])).content.decode()
        assert "许可与转让（1）" in page and offer.patents.get().application_number in page
    licences = personas.client(personas.admin).get(reverse("registry:licences")).content.decode()
    assert f'data-licence="{deal.number}"' in licences


def test_the_city_office_confirms_alone(personas: Personas) -> None:
    deal = signed(interest(make_offer(personas.org_a, mode="assignment"), personas), personas)
    services.confirm_deal(deal, actor=web(personas.admin))
    deal.refresh_from_db()
    assert deal.status == "confirmed" and deal.licence is not None
    # An assignment closes the offer (by the platform, in the confirming user's name).
    assert deal.offer.status == "closed"
    event = AuditEvent.objects.get(action="market_offer.close", object_id=str(deal.offer_id))
    assert "确认交易" in event.actor_label


def test_a_closed_offer_takes_no_second_confirmation(personas: Personas) -> None:
    offer = make_offer(personas.org_a, mode="exclusive")
    first = signed(interest(offer, personas), personas)
    org_c, _ = upsert_organisation(actor=SETUP, name="测试丙公司", values={"kind": "enterprise"})
    second = services.express_interest(offer, actor=SETUP, organisation=org_c)
    services.accept_deal(second, actor=SETUP)
    services.sign_deal(
        second, actor=SETUP, kind="exclusive", amount=Decimal("1"), contract_date=timezone.localdate()
    )
    services.confirm_deal(first, actor=web(personas.enterprise_a))
    with pytest.raises(Refused, match="已成交"):
        services.confirm_deal(Deal.objects.get(pk=second.pk), actor=web(personas.admin))
    assert Licence.objects.count() == 1


def test_signed_terms_are_checked(personas: Personas) -> None:
    deal = interest(make_offer(personas.org_a, mode="free_sme"), personas)
    services.accept_deal(deal, actor=web(personas.enterprise_a))
    with pytest.raises(ValidationError) as excinfo:
        services.sign_deal(
            deal, actor=web(personas.enterprise_b), kind="ordinary", amount=Decimal("10"),
            contract_date=timezone.localdate() + dt.timedelta(days=1),
        )  # fmt: skip
    assert excinfo.value.message_dict == {
        "amount": ["面向中小微企业的免费许可，合同金额应为 0 元。"],
        "contract_date": ["合同签订日期不能晚于今天。"],
    }
    deal.refresh_from_db()
    assert deal.status == "negotiating"


def test_a_free_licence_is_for_small_and_medium_enterprises(personas: Personas) -> None:
    offer = make_offer(personas.org_a, mode="free_sme")
    upsert_organisation(actor=SETUP, name=personas.org_b.name, values={"size": "large"})
    personas.org_b.refresh_from_db()
    with pytest.raises(Refused, match="测试乙公司不是中小微企业"):
        interest(offer, personas)


def test_no_interest_in_ones_own_offer_nor_twice(personas: Personas) -> None:
    offer = make_offer(personas.org_a)
    with pytest.raises(Refused, match="本单位"):
        services.express_interest(offer, actor=web(personas.enterprise_a), organisation=personas.org_a)
    deal = interest(offer, personas)
    with pytest.raises(Refused, match=f"已有进行中的交易 {deal.number}"):
        interest(offer, personas)


def test_reopening_clears_the_confirmations(personas: Personas) -> None:
    deal = signed(interest(make_offer(personas.org_a), personas), personas)
    services.reopen_deal(deal, actor=web(personas.enterprise_a), reason="金额应为 12 万元")
    deal.refresh_from_db()
    assert deal.status == "negotiating" and deal.licensee_confirmed == "" and deal.licensor_confirmed == ""
    event = AuditEvent.objects.get(action="market_deal.reopen")
    assert event.note == "金额应为 12 万元"
