"""A confirmed deal of the market is a 专利转化 of the year: it counts in the transfer indicators
(by the licensor's district, with its amount) and in the market's deal statistics."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from ipcity.core.audit import Actor
from ipcity.indicators.models import Indicator, Snapshot
from ipcity.indicators.services import compute_snapshots, load_definitions
from ipcity.market import selectors, services
from ipcity.market.tests.helpers import CLI, interest, make_offer, signed, web
from ipcity.test import Personas

pytestmark = pytest.mark.django_db


def test_a_confirmed_deal_counts_in_the_transfer_indicators_and_statistics(personas: Personas, plan) -> None:  # type: ignore[no-untyped-def]
    load_definitions(actor=Actor.cli("test"))
    deal = signed(interest(make_offer(personas.org_a), personas), personas, amount="150000")
    unconfirmed = signed(interest(make_offer(personas.org_a), personas), personas, amount="90000")
    services.confirm_deal(deal, actor=web(personas.enterprise_a))
    year = timezone.localdate().year
    codes = ["patent_transfer_count", "patent_transfer_amount"]
    compute_snapshots(
        year=year, actor=Actor.cli("test"), indicators=list(Indicator.objects.filter(code__in=codes))
    )

    def value(code: str, region: str | None) -> object:
        return Snapshot.objects.get(indicator__code=code, year=year, region__name=region).value

    region = personas.org_a.region.name  # type: ignore[union-attr]
    assert value("patent_transfer_count", region) == 1  # the signed, unconfirmed deal is not a transfer yet
    assert value("patent_transfer_amount", region) == 150000
    assert value("patent_transfer_count", None) == 1
    assert value("patent_transfer_count", personas.org_b.region.name) == 0  # type: ignore[union-attr]
    stats = selectors.deal_statistics(personas.admin)
    assert [(r["year"], r["region"], r["kind"], r["count"], r["amount"]) for r in stats] == [
        (year, region, "普通许可", 1, 150000)
    ]
    assert unconfirmed.status == "signed"
    # The deals a user may see (Deal.visible_to): a district those with a party in it.
    assert len(selectors.deal_statistics(personas.district_a)) == 1  # the licensor's district
    assert len(selectors.deal_statistics(personas.district_b)) == 1  # the licensee's district
    assert selectors.deal_statistics(personas.liaison) == []
    page = personas.client(personas.admin).get("/market/deals/statistics/").content.decode()
    assert "普通许可" in page and "15万元" in page


def test_a_free_licence_to_an_sme_answers_the_free_licensing_reward_facts(personas: Personas) -> None:
    from decimal import Decimal

    from ipcity.grants.public import profile_facts
    from ipcity.registry.models import Organisation

    university = Organisation.objects.create(
        name="测试理工大学", kind="university", region=personas.org_a.region
    )
    personas.org_b.size = "small"
    personas.org_b.save()
    today = timezone.localdate()
    assert "free_licensing" not in profile_facts(university, today)
    offer = make_offer(university, mode="free_sme")  # by the command line: it acts for the university
    deal = interest(offer, personas)
    services.accept_deal(deal, actor=CLI)
    services.sign_deal(
        deal, actor=web(personas.enterprise_b), kind="ordinary", amount=Decimal("0"), contract_date=today
    )
    services.confirm_deal(deal, actor=CLI)
    facts = profile_facts(university, today)["free_licensing"]
    assert facts == {"licensor_kind": "university", "licence_free": True, "licensee_local_sme": True}
    # The licensee's side has no such facts; a licence from a holder outside Yantai would answer 引进.
    assert "free_licensing" not in profile_facts(personas.org_b, today)
    assert "patent_introduction" not in profile_facts(personas.org_b, today)  # the university is local


def test_an_invention_taken_from_a_holder_outside_yantai_answers_the_introduction_facts(
    personas: Personas,
) -> None:
    from ipcity.grants.public import profile_facts
    from ipcity.market.tests.helpers import patent
    from ipcity.registry.models import Organisation
    from ipcity.registry.services import record_licence

    outside = Organisation.objects.create(name="外地测试研究院", kind="research_institute", region=None)
    today = timezone.localdate()
    utility = patent(outside, kind="utility_model")
    record_licence(
        actor=CLI, reference="ZR-1", kind="assignment", licensor=outside, licensee=personas.org_b,
        fee="100000", contract_date=today, patents=[utility],
    )  # fmt: skip
    assert "patent_introduction" not in profile_facts(personas.org_b, today)  # not an invention
    record_licence(
        actor=CLI, reference="ZR-2", kind="assignment", licensor=outside, licensee=personas.org_b,
        fee="300000", contract_date=today, patents=[patent(outside)],
    )  # fmt: skip
    assert profile_facts(personas.org_b, today)["patent_introduction"] == {
        "patent_type": "invention",
        "from_outside_yantai": True,
    }


def test_dual_use_offers_are_found_by_their_direction_and_counted_in_the_statistics(
    personas: Personas,
) -> None:
    civil = make_offer(personas.org_a, title="民用高效海水淡化膜组件")
    military = make_offer(personas.org_a, title="舰船用海水淡化膜组件", dual_use="military_to_civil")
    for offer in (civil, military):
        services.confirm_deal(signed(interest(offer, personas), personas), actor=web(personas.enterprise_a))
    [row] = selectors.deal_statistics(personas.admin)
    assert (row["count"], row["dual_use"]) == (2, 1)
    hall = personas.client(None).get("/market/", {"dual_use": "military_to_civil"}).content.decode()
    assert military.title in hall and civil.title not in hall and "军转民" in hall
    page = personas.client(None).get(f"/market/offers/{military.pk}/").content.decode()
    assert 'data-testid="dual-use">军转民<' in page
    with pytest.raises(ValidationError, match="军民双向转化"):
        make_offer(personas.org_a, dual_use="secret")
