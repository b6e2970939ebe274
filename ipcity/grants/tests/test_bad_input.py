"""Bad input on the grants pages is a Chinese error naming the field, never a server error."""

from __future__ import annotations

import pytest
from django.urls import reverse

from ipcity.core.models import AuditEvent
from ipcity.grants import services
from ipcity.grants.models import Budget
from ipcity.grants.tests.conftest import EXPERT_FIELD, draft, ensure_experts, web
from ipcity.lib.inputs import ID_MAX

pytestmark = pytest.mark.django_db


def test_a_material_whose_file_is_gone_is_a_clear_404(personas) -> None:
    app = draft(personas)
    material = app.materials.get(label="生效裁判文书")
    url = reverse("grants:material", args=[app.pk, material.pk])
    client = personas.client(personas.enterprise_a)
    assert client.get(url).status_code == 200
    material.attachment.file.storage.delete(material.attachment.file.name)
    for user in (personas.enterprise_a, personas.admin):
        response = personas.client(user).get(url)
        assert response.status_code == 404
        html = response.content.decode()
        assert "附件文件缺失" in html and "生效裁判文书.pdf" in html


def test_a_budget_larger_than_its_column_is_a_form_error(personas) -> None:
    client = personas.client(personas.admin)
    events = AuditEvent.objects.count()
    response = client.post(
        reverse("grants:budgets"),
        {"item_code": "foreign_litigation", "year": "2024", "amount": "99999999999999.99", "note": ""},
    )
    assert response.status_code == 200
    assert "预算（元）最多 12 位整数" in response.content.decode()
    assert not Budget.objects.exists() and AuditEvent.objects.count() == events
    assert client.get(reverse("grants:budgets"), {"year": "2024"}).status_code == 200


@pytest.mark.parametrize(
    "value", ["9" * 20, "9" * 4000, "1000001"], ids=["20 digits", "4000 digits", "just over"]
)
def test_an_absurd_count_in_the_calculator_is_a_form_error(client, plan, value) -> None:
    params = {
        "go": "1",
        "registered_in_yantai": "true",
        "blacklisted": "false",
        "on": "2024-05-20",
        "madrid_trademark__certificates": value,
        "gi_registration__kind": "gi_product",
        "gi_registration__pieces": value,
    }
    response = client.get(reverse("grants:calculator"), params)
    assert response.status_code == 200
    html = response.content.decode()
    assert "取得的马德里商标注册证书件数不能大于 1000000" in html
    assert "成功注册的件数不能大于 1000000" in html


def test_a_date_before_1900_in_the_calculator_is_a_form_error(client, plan) -> None:
    params = {
        "go": "1",
        "registered_in_yantai": "true",
        "blacklisted": "false",
        "on": "0001-01-01",
        "patent_pledge_interest__own_invention_patent": "true",
        "patent_pledge_interest__first_pledge": "true",
        "patent_pledge_interest__sme": "true",
        "patent_pledge_interest__loan_principal": "1000000",
        "patent_pledge_interest__interest_days": "100",
        "patent_pledge_interest__interest_paid": "10000",
    }
    response = client.get(reverse("grants:calculator"), params)
    assert response.status_code == 200
    assert "应在 1900-01-01 至 2099-12-31 之间" in response.content.decode()


@pytest.mark.parametrize("value", ["9" * 30, str(ID_MAX + 1)], ids=["30 digits", "just over 64 bits"])
def test_an_expert_id_beyond_64_bits_is_a_form_error(personas, budgets, value) -> None:
    experts = ensure_experts(2)
    merit = draft(personas, item="city_advantage_enterprise", facts={})
    services.submit_application(merit, actor=web(personas.enterprise_a))
    services.review_in_district(merit, actor=web(personas.district_a), decision="pass")
    services.review_in_city(merit, actor=web(personas.admin), decision="pass")
    response = personas.client(personas.admin).post(
        reverse("grants:experts_assign", args=[merit.pk]),
        {"field": EXPERT_FIELD, "count": "2", "named_avoid": [str(experts[0].pk), value]},
        follow=True,
    )
    assert response.status_code == 200
    assert (
        "申报单位申请回避的专家：" in response.content.decode()
        and "不是一个有效的值" in response.content.decode()
    )
    assert not merit.assignments.exists()
