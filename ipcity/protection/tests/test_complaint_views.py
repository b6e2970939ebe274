"""Complaint pages: filing on the page, each party's view and actions, 403/404 for the others, the
Excel export, the platform facts page and the 工作台 sections."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from ipcity.portal import selectors as desk
from ipcity.protection import clock, services
from ipcity.protection.models import Complaint
from ipcity.protection.tests.helpers import MONDAY, complaint, patent, platform, web
from ipcity.test import FORMULA_TEXTS, Personas, assert_text_cells

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today():
    with clock.frozen(MONDAY):
        yield


def test_rights_holder_files_on_the_page(personas: Personas) -> None:
    platform_org, _user = platform()
    right = patent(personas.org_a)
    client = personas.client(personas.enterprise_a)
    page = client.get(reverse("protection:complaint_new")).content.decode()
    assert platform_org.name in page and "第四十三条" in page  # the time limits with their sources
    response = client.post(
        reverse("protection:complaint_new"),
        {
            "platform": platform_org.pk,
            "shop": "仿冒旗舰店",
            "listing_url": "https://shop.example.com/item/9",
            "right_kind": "patent",
            "right_number": right.application_number,
            "evidence": "公证购买的样品落入权利要求1",
        },
    )
    case = Complaint.objects.get()
    assert response.status_code == 302 and case.complainant == personas.org_a and case.patent == right
    bad = client.post(
        reverse("protection:complaint_new"), {"platform": platform_org.pk, "right_kind": "patent"}
    )
    assert bad.status_code == 200 and "请填写店铺名称" in bad.content.decode()
    for user in (personas.liaison, personas.district_a):
        assert personas.client(user).get(reverse("protection:complaint_new")).status_code == 403


def test_each_party_sees_its_own_and_acts_by_its_role(personas: Personas) -> None:
    platform_org, platform_user = platform()
    _other_org, other_platform = platform("另一电商平台", "t-platform-2")
    case = complaint(personas, platform_org)
    url = reverse("protection:complaint", args=[case.pk])
    for user in (personas.admin, personas.enterprise_a, platform_user, personas.district_a):
        assert personas.client(user).get(url).status_code == 200
    for user in (personas.enterprise_b, other_platform, personas.district_b):
        assert personas.client(user).get(url).status_code == 404
        assert case.shop not in personas.client(user).get(reverse("protection:complaints")).content.decode()
    assert personas.client(personas.liaison).get(url).status_code == 403
    owner_page = personas.client(personas.enterprise_a).get(url).content.decode()
    assert 'data-action="take_measures"' not in owner_page
    platform_client = personas.client(platform_user)
    assert 'data-action="take_measures"' in platform_client.get(url).content.decode()
    # The rights holder cannot take the platform's step.
    take = reverse("protection:complaint_take_measures", args=[case.pk])
    assert personas.client(personas.enterprise_a).post(take, {"measure": "delete"}).status_code == 403
    assert platform_client.post(take, {"measure": "delete"}).status_code == 302
    case.refresh_from_db()
    assert case.status == "measures" and case.measure == "delete"


def test_export_is_scoped_and_text_stays_text(personas: Personas) -> None:
    platform_org, platform_user = platform()
    for text in FORMULA_TEXTS[:3]:
        complaint(personas, platform_org, shop=text)
    response = personas.client(platform_user).get(reverse("protection:complaints") + "?format=xlsx")
    assert response.status_code == 200
    assert_text_cells(response.content, FORMULA_TEXTS[:3])
    other = personas.client(personas.enterprise_b).get(reverse("protection:complaints") + "?format=xlsx")
    assert FORMULA_TEXTS[1].encode() not in other.content


def test_platform_facts_page_is_the_city_offices(personas: Personas) -> None:
    platform_org, platform_user = platform()
    case = complaint(personas, platform_org)
    services.take_measures(case, actor=web(platform_user), measure="block")
    url = reverse("protection:platform_facts")
    page = personas.client(personas.admin).get(url).content.decode()
    assert platform_org.name in page
    for user in (platform_user, personas.enterprise_a, personas.district_a):
        assert personas.client(user).get(url).status_code == 403
    assert personas.client(personas.admin).get(url + "?format=xlsx").status_code == 200


def test_desk_sections(personas: Personas) -> None:
    platform_org, platform_user = platform()
    case = complaint(personas, platform_org)
    platform_desk = desk.desk_for(platform_user)
    (section,) = platform_desk.sections
    assert section.key == "complaints" and section.total == 1 and desk.waiting_count(platform_user) == 1
    page = personas.client(platform_user).get(reverse("portal:desk")).content.decode()
    assert case.number in page and "测试电商平台 · 电商平台" in page
    # Overdue: on the city office's and the district bureau's desks, in red.
    assert case.due_on is not None
    with clock.frozen(case.due_on + dt.timedelta(days=1)):
        admin_desk = {s.key: s for s in desk.desk_for(personas.admin).sections}
        assert admin_desk["complaints_overdue"].items[0].urgent
        assert "complaints_overdue" in {s.key for s in desk.desk_for(personas.district_a).sections}
        assert "complaints_overdue" not in {s.key for s in desk.desk_for(personas.district_b).sections}
    # In the waiting period the rights holder is told how long it has.
    services.take_measures(case, actor=web(platform_user), measure="block")
    services.record_counter_notice(case, actor=web(platform_user), statement="不侵权")
    waiting = {s.key: s for s in desk.desk_for(personas.enterprise_a).sections}["complaints_waiting"]
    assert "等待期至" in waiting.items[0].when
