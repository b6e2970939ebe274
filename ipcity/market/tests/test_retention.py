"""专利留烟重点项目 (market/retention.py): the register of key projects, the plan's quota of 跟踪培育
read from the reward item, what a project answers for the reward, who sees what."""

from __future__ import annotations

import datetime as dt
import io
import threading
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone
from openpyxl import load_workbook

from ipcity.core.audit import Actor
from ipcity.core.models import AuditEvent
from ipcity.core.workflow import Refused
from ipcity.grants.evaluation import decide, item_or_none
from ipcity.grants.public import profile_facts
from ipcity.lib.identifiers import patent_check_digit
from ipcity.market import retention
from ipcity.market.models import RetentionProject
from ipcity.market.tests.helpers import patent, web
from ipcity.registry.models import Organisation
from ipcity.test import Personas

pytestmark = pytest.mark.django_db


def _values(**overrides: Any) -> dict[str, Any]:
    values = {
        "name": "固态电池关键材料专利项目",
        "origin": "德国某研究所",
        "overseas": True,
        "industry": "clean_energy",
        "description": "硫化物固态电解质的核心专利组合。",
        "patent_numbers": "",
        "contact_person": "王经理",
        "contact_phone": "0535-1234567",
    }
    values.update(overrides)
    return values


def _settled(personas: Personas, org: Organisation | None = None, **overrides: Any) -> RetentionProject:
    office = web(personas.admin)
    project = retention.create_project(actor=office, values=_values(**overrides))
    retention.relocate_project(
        project, actor=office, organisation=(org or personas.org_a).name, relocated_on=timezone.localdate()
    )
    return project


def test_the_plan_quota_of_cultivated_projects_comes_from_the_reward_item(personas: Personas) -> None:
    office = web(personas.admin)
    quota = retention.cultivation_quota(timezone.localdate())
    assert quota == 5  # 跟踪培育2-5个重点项目, data/policy/items/patent_retention_project.yaml
    projects = [_settled(personas, name=f"重点项目{i}") for i in range(quota + 1)]
    for project in projects[:quota]:
        retention.cultivate_project(project, actor=office)
    retention.complete_project(projects[0], actor=office)  # a completed project keeps its place
    with pytest.raises(Refused, match="达到方案规定的上限 5 个"):
        retention.cultivate_project(projects[quota], actor=office)
    page = personas.client(personas.admin).get(f"/market/retention/{projects[quota].pk}/").content.decode()
    assert 'data-testid="cultivate-refusal"' in page and 'data-action="cultivate"' not in page
    listing = personas.client(personas.admin).get("/market/retention/").content.decode()
    assert 'data-testid="cultivated">5<' in listing
    # A dropped project gives its place back.
    retention.drop_project(projects[1], actor=office, reason="企业迁出")
    retention.cultivate_project(projects[quota], actor=office)


def test_relocation_needs_a_registered_organisation_with_a_district(personas: Personas) -> None:
    office = web(personas.admin)
    project = retention.create_project(actor=office, values=_values())
    today = timezone.localdate()
    with pytest.raises(ValidationError, match="不在本平台的一企一档中"):
        retention.relocate_project(project, actor=office, organisation="不存在的公司", relocated_on=today)
    with pytest.raises(ValidationError, match="统一社会信用代码 91370602MADEM0001Y"):
        retention.relocate_project(
            project, actor=office, organisation="91370602MADEM0001Y", relocated_on=today
        )
    nowhere = Organisation.objects.create(name="外地落户公司", kind="enterprise")
    with pytest.raises(ValidationError, match="没有所属区市"):
        retention.relocate_project(project, actor=office, organisation=nowhere.name, relocated_on=today)
    with pytest.raises(ValidationError, match="今天或以前"):
        retention.relocate_project(
            project, actor=office, organisation=personas.org_a.name, relocated_on=today + dt.timedelta(days=1)
        )
    project.refresh_from_db()
    assert project.status == "negotiating" and project.organisation is None  # nothing half-written
    # By its credit code, in half-width brackets or not: the registry's record.
    retention.relocate_project(
        project, actor=office, organisation=personas.org_a.uscc or "", relocated_on=today
    )
    project.refresh_from_db()
    assert (project.status, project.organisation, project.region) == (
        "relocated",
        personas.org_a,
        personas.org_a.region,
    )
    event = AuditEvent.objects.filter(action="market_retention.relocate").get()
    assert (event.after or {})["organisation"] == personas.org_a.name


def test_core_patents_are_checked_and_linked_to_the_registry(personas: Personas) -> None:
    office = web(personas.admin)
    held = patent(personas.org_b, title="硫化物固态电解质")
    digits = "202310123456"
    outside = f"{digits}.{patent_check_digit(digits)}"
    wrong = "202310123456.X" if patent_check_digit(digits) != "X" else "202310123456.0"
    with pytest.raises(ValidationError, match="核心专利“202310123456"):
        retention.create_project(
            actor=office, values=_values(patent_numbers=f"{held.application_number}\n{wrong}")
        )
    assert not RetentionProject.objects.exists()
    project = retention.create_project(
        actor=office, values=_values(patent_numbers=f"CN{held.application_number}，{outside}")
    )
    assert project.patent_numbers.split() == [held.application_number, outside]
    assert list(project.patents.all()) == [held]  # the one from outside is not in the registry yet
    page = personas.client(personas.admin).get(f"/market/retention/{project.pk}/").content.decode()
    assert f"CN{outside}" in page and held.title in page


def test_a_settled_project_answers_the_reward_facts_and_the_calculator(personas: Personas) -> None:
    today = timezone.localdate()
    office = web(personas.admin)
    talks = retention.create_project(actor=office, values=_values())
    assert "patent_retention_project" not in profile_facts(personas.org_a, today)
    retention.drop_project(talks, actor=office, reason="未能落户")
    _settled(personas)
    facts = profile_facts(personas.org_a, today)["patent_retention_project"]
    assert facts == {"project_relocated": True, "key_industry": True}
    assert "patent_retention_project" not in profile_facts(personas.org_b, today)
    item = item_or_none("patent_retention_project")
    assert item is not None
    decision = decide(item, personas.org_a, today, facts, today=today, decided_amount=Decimal("400000"))
    assert decision.eligible and decision.amount == Decimal("400000")
    # A project outside the nine named industries leaves 9+N to the applicant and the reviewers.
    _settled(personas, org=personas.org_b, industry="other")
    assert profile_facts(personas.org_b, today)["patent_retention_project"] == {"project_relocated": True}


def test_who_sees_the_register(personas: Personas) -> None:
    project = _settled(personas)  # 测试甲公司, 芝罘区
    url = f"/market/retention/{project.pk}/"
    for user in (personas.admin, personas.liaison, personas.district_a, personas.enterprise_a):
        assert personas.client(user).get(url).status_code == 200, user
    for user in (personas.district_b, personas.enterprise_b, personas.agency):
        assert personas.client(user).get(url).status_code == 404, user
    assert personas.client(None).get(url).status_code == 302  # to the login page
    # Only the city office acts; the undertaking enterprise reads.
    own = personas.client(personas.enterprise_a).get(url).content.decode()
    assert "data-action" not in own
    assert personas.client(personas.enterprise_a).post(f"{url}cultivate/").status_code == 403
    assert personas.client(personas.district_a).get("/market/retention/new/").status_code == 403
    listing = personas.client(personas.district_b).get("/market/retention/").content.decode()
    assert project.name not in listing and 'data-testid="retention-progress"' in listing
    own_list = personas.client(personas.enterprise_a).get("/market/retention/").content.decode()
    assert project.name in own_list and 'data-testid="retention-progress"' not in own_list


def test_the_export_lists_what_the_page_lists_as_text(personas: Personas) -> None:
    _settled(personas, name="=HYPERLINK(1)")
    other = _settled(personas, org=personas.org_b, name="莱山区项目")
    response = personas.client(personas.district_a).get("/market/retention/", {"format": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    names = [row[1] for row in rows[1:]]
    assert names == ["=HYPERLINK(1)"] and other.name not in names
    assert sheet.cell(row=2, column=2).data_type == "s"  # text, not a formula


@pytest.mark.django_db(transaction=True)
def test_two_clicks_at_once_never_exceed_the_quota(personas: Personas) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("row locks (SELECT … FOR UPDATE) are what this checks: PostgreSQL only")
    office = web(personas.admin)
    projects = [_settled(personas, name=f"重点项目{i}") for i in range(6)]
    for project in projects[:4]:
        retention.cultivate_project(project, actor=office)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []
    lock = threading.Lock()

    def cultivate(project: RetentionProject) -> None:
        try:
            barrier.wait()
            retention.cultivate_project(project, actor=Actor.cli("并发测试"))
            result = "ok"
        except Refused:
            result = "refused"
        finally:
            connection.close()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=cultivate, args=(p,)) for p in projects[4:]]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["ok", "refused"]
    assert RetentionProject.objects.filter(status="cultivating").count() == 5


def test_projects_not_followed_up_for_long_are_on_the_city_desk(personas: Personas) -> None:
    office = web(personas.admin)
    today = timezone.localdate()
    old = today - dt.timedelta(days=retention.FOLLOW_UP_DAYS + 10)
    quiet = retention.create_project(actor=office, values=_values(name="久未跟踪的项目"))
    stale = retention.create_project(actor=office, values=_values(name="上次跟踪已久的项目"))
    fresh = retention.create_project(actor=office, values=_values(name="刚登记的项目"))
    RetentionProject.objects.filter(pk__in=[quiet.pk, stale.pk]).update(created_on=old)
    retention.add_follow_up(stale, actor=office, on=old, service="visit", text="走访")
    due = retention.projects_to_follow_up(personas.admin, today)
    assert [p.pk for p in due] == [quiet.pk, stale.pk]  # never followed up first
    desk = personas.client(personas.admin).get("/desk/").content.decode()
    assert "久未跟踪的项目" in desk and "尚无跟踪记录" in desk and f"上次跟踪 {old.isoformat()}" in desk
    assert fresh.name not in desk
    retention.add_follow_up(quiet, actor=office, on=today, service="support", text="电话了解进展")
    retention.drop_project(stale, actor=office, reason="项目方放弃")
    assert not retention.projects_to_follow_up(personas.admin, today).exists()
    assert not retention.projects_to_follow_up(personas.district_b, today).exists()
