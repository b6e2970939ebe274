"""The grants sections of the 一企一档 (registry organisation page): applications, 免申即享
entitlements, grants committed and paid, credit records — each under its own visibility rule."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from ipcity.grants import clock, services
from ipcity.grants.detection import run_detection
from ipcity.grants.models import Entitlement
from ipcity.grants.tests import registry_data as reg
from ipcity.grants.tests.conftest import CLI, approve_after_publicity, draft, to_publicity, web
from ipcity.protection import services as protection_services
from ipcity.protection.choices import CreditKind

pytestmark = pytest.mark.django_db


@pytest.fixture
def records(personas, budgets, fixed_clock):
    """org_a: a draft, a paid application, a 免申即享 entitlement, a credit record; org_b: a draft."""
    own_draft = draft(personas)
    paid = to_publicity(personas, draft(personas))
    grant = approve_after_publicity(personas, paid, fixed_clock)
    services.record_payment(grant, actor=web(personas.admin), paid_on=clock.today(), reference="P-1")
    reg.award(personas.org_a, reg.patent(personas.org_a, 1), award="china_patent", level="gold", year=2024)
    run_detection(2024, actor=CLI)
    protection_services.add_credit_record(
        personas.org_a,
        actor=CLI,
        source="测试市场监管局 2024-7 号",
        start=dt.date(2024, 1, 1),
        kind=CreditKind.OTHER,
        note="逾期未报",
    )
    other_draft = draft(personas, user=personas.enterprise_b)
    return {
        "draft": own_draft.number,
        "paid": paid.number,
        "entitlement": Entitlement.objects.get(organisation=personas.org_a).number,
        "other": other_draft.number,
    }


def profile(personas, user):
    return personas.client(user).get(reverse("registry:organisation", args=[personas.org_a.pk]))


def test_city_and_the_enterprise_see_every_section(personas, records) -> None:
    for user in (personas.admin, personas.enterprise_a):
        response = profile(personas, user)
        assert response.status_code == 200
        text = response.content.decode()
        assert "将随相应模块上线" not in text
        grants = text.split('data-testid="profile-grants"')[1].split("</section>")[0]
        assert records["draft"] in grants and records["paid"] in grants
        assert records["other"] not in grants  # another organisation's
        paid_row = grants.split(f'data-application="{records["paid"]}"')[1].split("</tr>")[0]
        assert "已兑现" in paid_row and "15万元" in paid_row and "涉外知识产权诉讼胜诉补贴" in paid_row
        assert records["entitlement"] in grants and "中国专利奖奖励" in grants
        assert "已核定合计 <strong>15万元</strong>，其中已兑现 <strong>15万元</strong>" in grants
        credit = text.split('data-testid="profile-credit"')[1].split("</section>")[0]
        assert "测试市场监管局 2024-7 号" in credit and "逾期未报" in credit
        assert 'data-testid="credit-clear"' in credit  # an "other" record does not block


def test_the_district_sees_its_regions_organisation_from_submission_on_no_one_else_sees_it(
    client, personas, records
) -> None:
    text = profile(personas, personas.district_a).content.decode()
    grants = text.split('data-testid="profile-grants"')[1].split("</section>")[0]
    assert records["paid"] in grants and records["draft"] not in grants
    assert records["entitlement"] in grants and "已核定合计" in grants
    assert "测试市场监管局 2024-7 号" in text
    # Everyone else: not found (district B, the other enterprise, the agency, a department).
    for user in (personas.district_b, personas.enterprise_b, personas.agency, personas.liaison):
        assert profile(personas, user).status_code == 404, user
    anonymous = client.get(reverse("registry:organisation", args=[personas.org_a.pk]))
    assert anonymous.status_code == 302 and "login" in anonymous["Location"]


def test_a_serious_credit_record_is_stated(personas) -> None:
    protection_services.add_credit_record(
        personas.org_a, actor=CLI, source="测试局 2024-9 号", start=dt.date(2024, 1, 1)
    )
    text = profile(personas, personas.enterprise_a).content.decode()
    assert 'data-testid="credit-blocking"' in text and "付款被拦截" in text
    empty = profile(personas, personas.admin).content.decode()
    assert "暂无。" in empty.split('data-testid="profile-grants"')[1]
