"""The 收款账户 of the 一企一档: entered by the organisation (or the city office) on the contacts page,
checked, audited; shown whole to the organisation, the city office and the finance bureau only."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from ipcity.core.audit import Actor
from ipcity.core.models import AuditEvent
from ipcity.core.workflow import Refused
from ipcity.registry.permissions import can_see_payee_account
from ipcity.registry.services import update_payee_account
from ipcity.test import Personas

pytestmark = pytest.mark.django_db

NUMBER = "6222021602001234567"
PAYEE = {"section": "payee", "payee_name": "测试甲公司", "payee_bank": "中国工商银行烟台芝罘支行"}


def contacts(personas: Personas) -> str:
    return f"/registry/organisations/{personas.org_a.pk}/contacts/"


def profile(personas: Personas) -> str:
    return f"/registry/organisations/{personas.org_a.pk}/"


def test_organisation_enters_its_account_on_the_contacts_page(personas: Personas) -> None:
    client = personas.client(personas.enterprise_a)
    page = client.get(contacts(personas)).content.decode()
    assert "收款账户" in page and 'name="payee_account"' in page
    response = client.post(
        contacts(personas), {**PAYEE, "payee_account": "6222 0216 0200 1234 567"}, follow=True
    )
    assert "收款账户已保存。" in response.content.decode()
    org = personas.org_a
    org.refresh_from_db()
    assert (org.payee_name, org.payee_bank, org.payee_account) == (
        "测试甲公司",
        "中国工商银行烟台芝罘支行",
        NUMBER,
    )
    event = AuditEvent.objects.get(action="organisation.payee_account.update")
    assert event.after is not None and event.before is not None
    assert event.after["payee_account"] == NUMBER and event.before["payee_account"] == ""
    assert event.actor_label == personas.enterprise_a.username
    # The same again changes nothing and writes nothing.
    client.post(contacts(personas), {**PAYEE, "payee_account": NUMBER})
    assert AuditEvent.objects.filter(action="organisation.payee_account.update").count() == 1
    # The contacts form beside it still saves on its own.
    client.post(contacts(personas), {"section": "contacts", "contact_person": "王五"})
    org.refresh_from_db()
    assert (org.contact_person, org.payee_account) == ("王五", NUMBER)


@pytest.mark.parametrize(
    ("number", "message"),
    [
        ("62220216", ""),  # eight digits: the shortest accepted
        ("1234567", "账号应为 8 到 30 位数字，实际为 7 位"),
        ("6222O216020012", "账号只能由数字组成，不能含有“O”"),
        ("1" * 31, "实际为 31 位"),
    ],
)
def test_account_number_format_is_checked(personas: Personas, number: str, message: str) -> None:
    response = personas.client(personas.enterprise_a).post(
        contacts(personas), {**PAYEE, "payee_account": number}
    )
    personas.org_a.refresh_from_db()
    if not message:
        assert response.status_code == 302 and personas.org_a.payee_account == number
        return
    assert response.status_code == 200
    assert message in response.content.decode()
    assert personas.org_a.payee_account == ""
    assert not AuditEvent.objects.filter(action="organisation.payee_account.update").exists()


def test_name_and_bank_are_required(personas: Personas) -> None:
    with pytest.raises(ValidationError, match="请填写户名、开户行"):
        update_payee_account(
            personas.org_a, actor=Actor.web(personas.admin), name=" ", bank="", account=NUMBER
        )
    response = personas.client(personas.enterprise_a).post(
        contacts(personas), {"section": "payee", "payee_account": NUMBER}
    )
    assert response.status_code == 200 and "这个字段是必填项" in response.content.decode()


def test_a_payee_name_other_than_the_organisation_is_allowed_with_a_warning(personas: Personas) -> None:
    client = personas.client(personas.enterprise_a)
    response = client.post(
        contacts(personas), {**PAYEE, "payee_name": "测试甲公司工会", "payee_account": NUMBER}, follow=True
    )
    html = response.content.decode()
    assert "户名“测试甲公司工会”与机构名称“测试甲公司”不一致，请核实" in html
    assert 'data-testid="payee-name-differs"' in html
    # Spaces around the name are not a different name.
    update_payee_account(
        personas.org_a, actor=Actor.cli(), name=" 测试甲公司 ", bank="中国银行", account=NUMBER
    )
    assert 'data-testid="payee-name-differs"' not in client.get(profile(personas)).content.decode()


def test_only_the_organisation_and_the_city_change_it(personas: Personas) -> None:
    data = {**PAYEE, "payee_account": NUMBER}
    assert personas.client(personas.district_a).post(contacts(personas), data).status_code == 403
    assert personas.client(personas.enterprise_b).post(contacts(personas), data).status_code == 404
    with pytest.raises(Refused, match="无权修改测试甲公司的收款账户"):
        update_payee_account(
            personas.org_a,
            actor=Actor.web(personas.enterprise_b),
            name="测试甲公司",
            bank="中国银行",
            account=NUMBER,
        )
    assert personas.client(personas.admin).post(contacts(personas), data).status_code == 302
    personas.org_a.refresh_from_db()
    assert personas.org_a.payee_account == NUMBER


def test_the_whole_number_is_for_the_organisation_the_city_and_the_finance_bureau(
    personas: Personas,
) -> None:
    update_payee_account(
        personas.org_a, actor=Actor.cli(), name="测试甲公司", bank="中国银行", account=NUMBER
    )
    seen = {
        name: personas.client(getattr(personas, name)).get(profile(personas)).content.decode()
        for name in ("admin", "district_a", "enterprise_a")
    }
    assert NUMBER in seen["admin"] and NUMBER in seen["enterprise_a"]
    assert NUMBER not in seen["district_a"] and "****4567" in seen["district_a"]
    assert "修改收款账户" in seen["enterprise_a"] and "修改收款账户" not in seen["district_a"]
    org = personas.org_a.pk
    assert can_see_payee_account(personas.liaison, org)  # 市财政局 pays
    assert not can_see_payee_account(personas.liaison_other, org)  # 市法院
    assert not can_see_payee_account(personas.enterprise_b, org)
    assert not can_see_payee_account(personas.agency, org)


def test_profile_says_when_no_account_is_on_file(personas: Personas) -> None:
    html = personas.client(personas.enterprise_a).get(profile(personas)).content.decode()
    assert "尚未登记。奖补兑现时按此账户付款，未登记的不能登记兑现。" in html
    assert "登记收款账户" in html
