"""Industry IP alliances (方案二(五)2): members, recognitions and patent pools through the services,
the public directory without contacts, the city office's pages, and the 联盟 reward fact."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from ipcity.core.audit import Actor
from ipcity.core.models import AuditEvent
from ipcity.core.workflow import Refused
from ipcity.grants.public import profile_facts
from ipcity.registry.models import Organisation
from ipcity.registry.services import upsert_organisation
from ipcity.support import selectors, services
from ipcity.support.models import IndustryAlliance
from ipcity.support.tests.helpers import CLI, patent
from ipcity.test import Personas

pytestmark = pytest.mark.django_db
FOUNDED = dt.date(2022, 5, 10)


def _alliance(personas: Personas, **values: object) -> IndustryAlliance:
    values.setdefault("founded_on", FOUNDED)
    alliance = services.save_alliance(
        actor=Actor.web(personas.admin),
        name="烟台高端装备产业知识产权联盟",
        industry="high_end_equipment",
        lead=personas.org_a,
        description="装备制造企业组成",
        **values,  # type: ignore[arg-type]
    )
    return alliance


def _association() -> Organisation:
    org, _ = upsert_organisation(actor=CLI, name="烟台高端装备产业知识产权联盟", values={"kind": "other"})
    return org


def test_an_alliance_with_members_recognition_and_pool(personas: Personas) -> None:
    city = Actor.web(personas.admin)
    alliance = _alliance(personas)
    assert list(alliance.members.all()) == [personas.org_a]  # the lead is a member
    assert services.add_alliance_members(alliance, [personas.org_a, personas.org_b], actor=city) == 1
    with pytest.raises(Refused, match="牵头单位不能移出"):
        services.remove_alliance_member(alliance, personas.org_a, actor=city)
    services.record_alliance_recognition(
        alliance,
        actor=city,
        level="provincial_key",
        recognised_on=dt.date(2023, 9, 1),
        issuer="山东省知识产权局",
    )
    with pytest.raises(Refused, match="已登记"):
        services.record_alliance_recognition(
            alliance,
            actor=city,
            level="provincial_key",
            recognised_on=dt.date(2023, 9, 2),
            issuer="山东省知识产权局",
        )
    with pytest.raises(Refused, match="不能早于联盟成立日期"):
        services.record_alliance_recognition(
            alliance, actor=city, level="city", recognised_on=dt.date(2021, 1, 1), issuer="烟台市知识产权局"
        )
    p1 = patent([personas.org_a], filed=dt.date(2021, 3, 1))
    p2 = patent([personas.org_b], filed=dt.date(2021, 4, 1))
    with pytest.raises(Refused, match="登记中没有这些专利申请号：2099"):
        services.save_patent_pool(
            alliance, actor=city, name="装备专利池", established_on=FOUNDED, licensing_terms="FRAND",
            patent_numbers=[p1.application_number, "209912345678.9"],
        )  # fmt: skip
    pool = services.save_patent_pool(
        alliance, actor=city, name="装备专利池", established_on=FOUNDED,
        licensing_terms="成员间交叉许可；对外普通许可，每件每年 2 万元", patent_numbers=[f"CN{p1.application_number}", p2.application_number],
    )  # fmt: skip
    assert set(pool.patents.all()) == {p1, p2}
    actions = list(AuditEvent.objects.filter(object_id=str(alliance.pk), object_type="support.industryalliance")
                   .order_by("id").values_list("action", flat=True))  # fmt: skip
    assert actions == [
        "industry_alliance.create",
        "industry_alliance.members_add",
        "industry_alliance.recognise",
    ]
    assert AuditEvent.objects.filter(action="patent_pool.patents", object_id=str(pool.pk)).exists()


def test_the_directory_is_public_and_shows_no_contacts(
    personas: Personas, django_assert_max_num_queries
) -> None:  # type: ignore[no-untyped-def]
    alliance = _alliance(personas)
    services.add_alliance_members(alliance, [personas.org_b], actor=CLI)
    services.save_patent_pool(
        alliance, actor=CLI, name="装备专利池", established_on=FOUNDED, licensing_terms="交叉许可"
    )
    anonymous = personas.client(None)
    with django_assert_max_num_queries(8):
        page = anonymous.get(reverse("support:alliances")).content.decode()
    assert (
        "烟台高端装备产业知识产权联盟" in page
        and "测试甲公司" in page
        and "2 家" in page
        and "装备专利池" in page
    )
    assert "登记联盟" not in page
    detail = anonymous.get(reverse("support:alliance", args=[alliance.pk])).content.decode()
    assert "测试乙公司" in detail and "添加成员" not in detail and "91370602MADEM0001X" not in detail
    assert (
        "交叉许可" in anonymous.get(reverse("support:pool", args=[alliance.pools.get().pk])).content.decode()
    )
    ws = load_workbook(
        io.BytesIO(anonymous.get(reverse("support:alliances"), {"format": "xlsx"}).content)
    ).active
    assert [ws.cell(2, c).value for c in (1, 2, 3, 4)] == [
        "烟台高端装备产业知识产权联盟",
        "高端装备",
        "测试甲公司",
        2,
    ]
    assert (
        "测试代理所"
        not in anonymous.get(reverse("support:alliances"), {"industry": "biomedicine"}).content.decode()
    )


def test_only_the_city_office_manages_alliances(personas: Personas) -> None:
    form = {
        "name": "烟台生物医药知识产权联盟",
        "industry": "biomedicine",
        "lead": personas.org_b.pk,
        "founded_on": "2023-01-05",
    }
    for user in (personas.enterprise_a, personas.agency, personas.district_a):
        assert personas.client(user).post(reverse("support:alliance_new"), form).status_code == 403
    assert personas.client(None).post(reverse("support:alliance_new"), form).status_code == 302  # to sign in
    assert not IndustryAlliance.objects.exists()
    response = personas.client(personas.admin).post(reverse("support:alliance_new"), form)
    alliance = IndustryAlliance.objects.get()
    assert response["Location"] == reverse("support:alliance", args=[alliance.pk])
    url = reverse("support:alliance_recognition_add", args=[alliance.pk])
    recognition = {"level": "provincial_key", "recognised_on": "2024-03-01", "issuer": "山东省知识产权局"}
    assert personas.client(personas.enterprise_b).post(url, recognition).status_code == 403
    personas.client(personas.admin).post(url, recognition)
    assert alliance.recognitions.get().issuer == "山东省知识产权局"
    members = reverse("support:alliance_members_add", args=[alliance.pk])
    assert (
        personas.client(personas.agency).post(members, {"organisations": [personas.org_a.pk]}).status_code
        == 403
    )
    personas.client(personas.admin).post(members, {"organisations": [personas.org_a.pk]})
    assert alliance.members.count() == 2


def test_a_provincial_recognition_is_the_alliance_reward_fact(personas: Personas) -> None:
    association = _association()
    alliance = _alliance(personas, organisation=association)
    on = dt.date(2024, 6, 1)
    assert "industry_alliance" not in selectors.reward_facts(association, on)
    services.record_alliance_recognition(
        alliance, actor=CLI, level="city", recognised_on=dt.date(2023, 1, 1), issuer="烟台市知识产权局"
    )
    assert "industry_alliance" not in selectors.reward_facts(association, on)  # a city recognition is not it
    services.record_alliance_recognition(
        alliance,
        actor=CLI,
        level="provincial_key",
        recognised_on=dt.date(2024, 5, 1),
        issuer="山东省知识产权局",
    )
    assert selectors.reward_facts(association, on)["industry_alliance"] == {"provincial_recognition": True}
    assert "industry_alliance" not in selectors.reward_facts(association, dt.date(2024, 4, 30))  # not yet
    # The registered alliance applies, not its lead; the calculator's 一企一档 prefill reads the fact.
    assert "industry_alliance" not in selectors.reward_facts(personas.org_a, on)
    assert profile_facts(association, on)["industry_alliance"] == {"provincial_recognition": True}
