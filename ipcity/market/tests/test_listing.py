"""Listing checks of offers (services.create_offer / publish_offer): the registry decides whether a
patent may be offered, and the refusals name the patent."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from ipcity.core.models import AuditEvent
from ipcity.core.workflow import Refused
from ipcity.market import services
from ipcity.market.models import Offer
from ipcity.market.tests.helpers import CLI, make_offer, numbers, offer_values, patent, report, web
from ipcity.registry.models import Licence
from ipcity.registry.services import record_licence
from ipcity.test import Personas

pytestmark = pytest.mark.django_db


def _create(personas: Personas, *patents, mode: str = "ordinary", with_report: bool = False, **values):
    return services.create_offer(
        actor=web(personas.enterprise_a),
        holder=personas.org_a,
        values=offer_values(mode, **values),
        patent_numbers=numbers(*patents),
        evaluation_report=report() if with_report else None,
    )


def _messages(excinfo: pytest.ExceptionInfo[ValidationError]) -> str:
    return "；".join(excinfo.value.messages)


def test_a_valid_patent_of_the_organisation_is_listed_and_audited(personas: Personas) -> None:
    p = patent(personas.org_a)
    offer = _create(personas, p)
    assert offer.status == "draft" and list(offer.patents.all()) == [p]
    event = AuditEvent.objects.get(action="market_offer.create", object_id=str(offer.pk))
    assert (event.after or {})["patents"] == [p.application_number] and event.actor == personas.enterprise_a
    services.publish_offer(offer, actor=web(personas.enterprise_a))
    offer.refresh_from_db()
    assert offer.status == "published" and offer.published_on is not None


@pytest.mark.parametrize(
    ("status", "expected"),
    [("lapsed", "失效（未缴年费或放弃）"), ("invalidated", "被宣告无效"), ("pending", "审中")],
)
def test_a_patent_not_in_force_is_refused_by_name(personas: Personas, status: str, expected: str) -> None:
    p = patent(personas.org_a, status=status, title="一种失效装置")
    with pytest.raises(ValidationError) as excinfo:
        _create(personas, p)
    assert f"专利 CN{p.application_number}（一种失效装置）的法律状态为“{expected}”" in _messages(excinfo)
    assert not Offer.objects.exists()


def test_a_patent_past_its_term_is_refused_even_if_recorded_valid(personas: Personas) -> None:
    p = patent(personas.org_a, kind="utility_model", filed=dt.date(2012, 3, 1))  # term ended 2022-02-28
    assert p.term_end == dt.date(2022, 2, 28)
    with pytest.raises(ValidationError) as excinfo:
        _create(personas, p)
    assert "保护期已于 2022-02-28 届满" in _messages(excinfo)


def test_design_terms_follow_the_2021_amendment() -> None:
    from ipcity.registry.models import Patent

    assert Patent(patent_type="design", filing_date=dt.date(2021, 5, 31)).term_end == dt.date(2031, 5, 30)
    assert Patent(patent_type="design", filing_date=dt.date(2021, 6, 1)).term_end == dt.date(2036, 5, 31)
    assert Patent(patent_type="invention", filing_date=dt.date(2004, 2, 29)).term_end == dt.date(2024, 2, 28)
    assert Patent(patent_type="utility_model", filing_date=dt.date(2008, 2, 29)).term_end == dt.date(
        2018, 2, 28
    )


def test_a_patent_of_another_organisation_is_refused(personas: Personas) -> None:
    theirs = patent(personas.org_b, title="乙公司的专利")
    with pytest.raises(ValidationError) as excinfo:
        _create(personas, patent(personas.org_a), theirs)
    assert f"专利 CN{theirs.application_number}（乙公司的专利）的专利权人中没有测试甲公司" in _messages(
        excinfo
    )


def test_unknown_and_malformed_numbers_are_named(personas: Personas) -> None:
    with pytest.raises(ValidationError) as excinfo:
        services.create_offer(
            actor=CLI, holder=personas.org_a, values=offer_values(), patent_numbers="CN202310000001\n12345"
        )
    text = _messages(excinfo)
    assert "“12345”" in text and "专利申请号格式不正确" in text
    with pytest.raises(ValidationError) as excinfo:
        services.create_offer(
            actor=CLI, holder=personas.org_a, values=offer_values(), patent_numbers="CN202310000001"
        )
    assert "专利 CN202310000001.9 不在本平台的专利数据中" in _messages(
        excinfo
    ) or "不在本平台的专利数据中" in _messages(excinfo)


def test_an_open_licence_of_a_utility_model_needs_an_evaluation_report(personas: Personas) -> None:
    p = patent(personas.org_a, kind="utility_model", title="一种实用新型")
    with pytest.raises(ValidationError) as excinfo:
        _create(personas, p, mode="open")
    assert (
        f"专利 CN{p.application_number}（一种实用新型）是实用新型专利，开放许可声明须附专利权评价报告"
        in _messages(excinfo)
    )
    offer = _create(personas, p, mode="open", with_report=True)
    assert offer.evaluation_report is not None and offer.evaluation_report.kind == "pdf"
    # An invention needs none.
    assert _create(personas, patent(personas.org_a), mode="open").evaluation_report is None


def test_an_open_licence_declares_its_fee_and_payment(personas: Personas) -> None:
    p = patent(personas.org_a)
    with pytest.raises(ValidationError) as excinfo:
        _create(personas, p, mode="open", price=None, payment_method="", negotiable=True)
    errors = excinfo.value.message_dict
    assert errors["price"] == ["开放许可声明须写明许可费（元，可为 0）。"]
    assert errors["payment_method"] == ["开放许可声明须写明许可费的支付方式。"]
    assert errors["negotiable"] == ["开放许可须声明许可费，不能面议。"]


def test_no_open_licence_for_a_patent_under_an_exclusive_licence(personas: Personas) -> None:
    p = patent(personas.org_a)
    record_licence(
        actor=CLI, reference="L-1", kind="exclusive", licensor=personas.org_a, licensee=personas.org_b,
        fee=Decimal("1"), contract_date=dt.date(2024, 1, 1), patents=[p],
    )  # fmt: skip
    with pytest.raises(ValidationError) as excinfo:
        _create(personas, p, mode="open")
    assert "已有独占许可在有效期内，不能声明开放许可" in _messages(excinfo)


def test_a_free_licence_costs_nothing(personas: Personas) -> None:
    offer = _create(personas, patent(personas.org_a), mode="free_sme", price=Decimal("99"))
    assert offer.price == Decimal("0.00") and not offer.negotiable


def test_publication_checks_the_registry_again(personas: Personas) -> None:
    offer = make_offer(personas.org_a, publish=False)
    p = offer.patents.get()
    p.legal_status = "lapsed"
    p.save()
    with pytest.raises(ValidationError) as excinfo:
        services.publish_offer(offer, actor=web(personas.enterprise_a))
    assert "不是有效专利" in _messages(excinfo)
    offer.refresh_from_db()
    assert offer.status == "draft"


def test_only_the_holder_or_its_agency_lists(personas: Personas) -> None:
    p = patent(personas.org_a)
    with pytest.raises(Refused, match="无权为测试甲公司挂牌"):
        services.create_offer(
            actor=web(personas.enterprise_b),
            holder=personas.org_a,
            values=offer_values(),
            patent_numbers=numbers(p),
        )
    with pytest.raises(Refused):
        services.create_offer(
            actor=web(personas.agency),
            holder=personas.org_a,
            values=offer_values(),
            patent_numbers=numbers(p),
        )
    services.authorise_agency(personas.org_a, personas.org_agency, actor=web(personas.enterprise_a))
    agency = type(personas.agency).objects.get(pk=personas.agency.pk)  # a new request
    offer = services.create_offer(
        actor=web(agency), holder=personas.org_a, values=offer_values(), patent_numbers=numbers(p)
    )
    assert offer.holder == personas.org_a and offer.listed_by == personas.org_agency
    mandate = personas.org_a.market_mandates_given.get()
    services.revoke_mandate(mandate, actor=web(personas.enterprise_a))
    agency = type(personas.agency).objects.get(pk=personas.agency.pk)  # a new request
    with pytest.raises(Refused):
        services.publish_offer(offer, actor=web(agency))


def test_withdrawing_an_open_licence_leaves_granted_licences(personas: Personas) -> None:
    offer = make_offer(personas.org_a, mode="open")
    deal = services.express_interest(offer, actor=web(personas.enterprise_b), organisation=personas.org_b)
    assert deal.status == "signed" and deal.amount == Decimal("50000.00") and deal.licensee_confirmed
    licence = services.confirm_deal(deal, actor=web(personas.enterprise_a))
    services.withdraw_offer(offer, actor=web(personas.enterprise_a))
    offer.refresh_from_db()
    assert offer.status == "withdrawn"
    assert Licence.objects.get(pk=licence.pk).kind == "open"
    with pytest.raises(Refused, match="不能表达意向"):
        services.express_interest(offer, actor=web(personas.enterprise_b), organisation=personas.org_b)
