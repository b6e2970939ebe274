"""Payment goes to the payee account of the 一企一档: refused while there is none, copied into the
payment when it is made, shown whole only to the organisation, the city office and the finance
bureau."""

from __future__ import annotations

import pytest
from django.urls import reverse

from ipcity.core.models import AuditEvent
from ipcity.core.workflow import Refused
from ipcity.grants import services
from ipcity.grants.detection import run_detection
from ipcity.grants.models import Application, Entitlement, Grant, Payment
from ipcity.grants.tests import registry_data as reg
from ipcity.grants.tests.conftest import (
    CLI,
    Clock,
    approve_after_publicity,
    draft,
    set_budget,
    to_publicity,
    web,
    xlsx_rows,
)
from ipcity.grants.workflows import APPLICATION_WORKFLOW, ENTITLEMENT_WORKFLOW
from ipcity.registry.services import update_payee_account
from ipcity.test import Personas

pytestmark = pytest.mark.django_db

NUMBER = "6222021602001234567"
NO_ACCOUNT = "测试甲公司尚未在一企一档登记收款账户（户名、开户行、账号），不能登记兑现"


def approved(personas: Personas, clock: Clock) -> Grant:
    set_budget("foreign_litigation", "5000000")
    return approve_after_publicity(personas, to_publicity(personas, draft(personas)), clock)


def account(personas: Personas, number: str = NUMBER, bank: str = "中国工商银行烟台芝罘支行") -> None:
    update_payee_account(personas.org_a, actor=CLI, name="测试甲公司", bank=bank, account=number)


def page(personas: Personas, user: object, app: Application) -> str:
    return personas.client(user).get(reverse("grants:application", args=[app.pk])).content.decode()  # type: ignore[arg-type]


def test_payment_is_refused_while_no_account_is_on_file(personas: Personas, fixed_clock: Clock) -> None:
    grant = approved(personas, fixed_clock)
    app = grant.application
    assert app is not None
    assert "pay" not in APPLICATION_WORKFLOW.allowed_actions(app, personas.admin)
    with pytest.raises(Refused, match=NO_ACCOUNT):
        services.record_payment(grant, actor=web(personas.admin), paid_on=fixed_clock.day, reference="P-1")
    html = page(personas, personas.admin, app)
    assert f"{NO_ACCOUNT}。" in html and reverse("grants:pay", args=[grant.pk]) not in html
    response = personas.client(personas.admin).post(
        reverse("grants:pay", args=[grant.pk]), {"paid_on": fixed_clock.day, "reference": "P-1"}, follow=True
    )
    assert NO_ACCOUNT in response.content.decode()
    assert not Payment.objects.exists()
    assert not AuditEvent.objects.filter(action="grant_application.pay").exists()

    account(personas)
    html = page(personas, personas.admin, app)
    assert "付至：测试甲公司，中国工商银行烟台芝罘支行" in html and NUMBER in html
    payment = services.record_payment(
        grant, actor=web(personas.admin), paid_on=fixed_clock.day, reference="P-1"
    )
    assert payment is not None
    assert (payment.payee_name, payment.payee_bank, payment.payee_account) == (
        "测试甲公司",
        "中国工商银行烟台芝罘支行",
        NUMBER,
    )
    event = AuditEvent.objects.get(action="grant_application.pay")
    assert event.after is not None
    assert event.after["payee"] == {
        "name": "测试甲公司",
        "bank": "中国工商银行烟台芝罘支行",
        "account": NUMBER,
    }


def test_the_payment_keeps_the_account_it_was_paid_to(personas: Personas, fixed_clock: Clock) -> None:
    grant = approved(personas, fixed_clock)
    account(personas)
    payment = services.record_payment(
        grant, actor=web(personas.admin), paid_on=fixed_clock.day, reference="P-2"
    )
    assert payment is not None
    account(personas, number="95588000111122223333", bank="中国银行烟台分行")
    payment.refresh_from_db()
    assert (payment.payee_bank, payment.payee_account) == ("中国工商银行烟台芝罘支行", NUMBER)
    payment.payee_account = "95588000111122223333"
    with pytest.raises(ValueError, match="兑现记录登记后不能修改"):
        payment.save()
    app = grant.application
    assert app is not None
    html = page(personas, personas.enterprise_a, app)
    assert (
        "收款账户（付款时一企一档中的记录）：测试甲公司，中国工商银行烟台芝罘支行" in html and NUMBER in html
    )


def test_account_numbers_are_masked_for_those_who_do_not_pay(personas: Personas, fixed_clock: Clock) -> None:
    grant = approved(personas, fixed_clock)
    account(personas)
    services.record_payment(grant, actor=web(personas.admin), paid_on=fixed_clock.day, reference="P-3")
    app = grant.application
    assert app is not None
    for user in (personas.admin, personas.enterprise_a):
        assert NUMBER in page(personas, user, app)
    district = page(personas, personas.district_a, app)
    assert NUMBER not in district and "****4567" in district

    ledger = reverse("grants:ledger")
    for user, whole in (
        (personas.admin, True),
        (personas.liaison, True),  # 市财政局 pays
        (personas.liaison_other, False),  # 市法院
        (personas.district_a, False),
    ):
        client = personas.client(user)
        html = client.get(ledger).content.decode()
        assert (NUMBER in html) is whole and ("****4567" in html) is not whole, user
        detail = xlsx_rows(client.get(ledger, {"format": "xlsx"}).content, sheet=1)
        assert detail[0][3:6] == ["户名", "开户行", "账号"]
        assert detail[1][3:6] == [
            "测试甲公司",
            "中国工商银行烟台芝罘支行",
            NUMBER if whole else "****4567",
        ], user


def test_an_entitlement_is_paid_to_the_account_too(personas: Personas, fixed_clock: Clock) -> None:
    set_budget("madrid_trademark", "1000000")
    reg.madrid(personas.org_a)
    run_detection(2024, actor=CLI)
    ent = Entitlement.objects.get()
    services.confirm_entitlement(ent, actor=web(personas.enterprise_a), accept=True)
    grant = services.approve_entitlement(ent, actor=web(personas.admin))
    ent.refresh_from_db()
    assert ENTITLEMENT_WORKFLOW.refusal(ent, personas.admin, "pay") == NO_ACCOUNT
    html = personas.client(personas.admin).get(reverse("grants:entitlement", args=[ent.pk])).content.decode()
    assert f"{NO_ACCOUNT}。" in html and reverse("grants:pay", args=[grant.pk]) not in html
    account(personas)
    payment = services.record_payment(
        grant, actor=web(personas.admin), paid_on=fixed_clock.day, reference="MS-1"
    )
    assert payment is not None and payment.payee_account == NUMBER
