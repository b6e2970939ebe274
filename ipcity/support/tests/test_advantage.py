"""优势企业 (方案二(四)1): the city's yearly evaluation (申报 → 评审 → 公示 → 认定) within the quota of
at most 20 a year (the reward catalogue's dated parameter), recognitions feeding the 新增市知识产权
优势企业 indicator and, for national/provincial ones, the grants detection of the 认定奖励."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from ipcity.core.models import AuditEvent
from ipcity.core.workflow import Refused
from ipcity.grants.detection import recognised_advantage_enterprise
from ipcity.indicators.models import Indicator
from ipcity.indicators.services import compute_snapshots, load_definitions
from ipcity.registry.models import Organisation, OrganisationTag
from ipcity.registry.services import upsert_organisation
from ipcity.support import services_strong as strong
from ipcity.support.models import AdvantageBatch, EnterpriseRecognition
from ipcity.support.tests.helpers import CLI
from ipcity.test import Personas

pytestmark = pytest.mark.django_db
YEAR = timezone.localdate().year


def enterprises(personas: Personas, n: int) -> list[Organisation]:
    return [
        upsert_organisation(
            actor=CLI,
            name=f"测试优势企业{i:02d}",
            values={"kind": "enterprise", "region": personas.org_a.region},
        )[0]
        for i in range(1, n + 1)
    ]


def reviewing(orgs: list[Organisation]) -> AdvantageBatch:
    batch = strong.open_advantage_batch(actor=CLI, year=YEAR)
    for org in orgs:
        strong.add_advantage_candidate(batch, actor=CLI, organisation=org)
    strong.start_advantage_review(batch, actor=CLI)
    return batch


def select(batch: AdvantageBatch, org: Organisation, score: str = "90") -> None:
    candidate = batch.candidates.get(organisation=org)
    strong.evaluate_advantage_candidate(
        batch, actor=CLI, candidate=candidate, score=Decimal(score), selected=True
    )


def new_advantage(year: int) -> Decimal:
    (snapshot,) = compute_snapshots(
        year=year,
        as_of=dt.date(year, 12, 31),
        actor=CLI,
        indicators=[Indicator.objects.get(code="city_advantage_enterprises_new")],
        regions=[None],
    )
    return snapshot.value or Decimal(0)


def test_the_quota_is_the_catalogue_parameter() -> None:
    quota = strong.city_advantage_quota(dt.date(2024, 6, 1))
    assert quota.value == 20 and "二(四)1" in quota.cite


def test_the_21st_selection_of_a_year_is_refused_in_chinese(personas: Personas) -> None:
    orgs = enterprises(personas, 21)
    batch = reviewing(orgs)
    for org in orgs[:20]:
        select(batch, org)
    with pytest.raises(Refused) as refused:
        select(batch, orgs[20])
    assert f"{YEAR} 年度已认定或拟认定市级知识产权优势企业 20 家，每年不超过 20 家" in str(refused.value)
    assert "测试优势企业21" in str(refused.value)
    assert batch.candidates.filter(selected=True).count() == 20
    # The page says the same, and nothing changes.
    last = batch.candidates.get(organisation=orgs[20])
    response = personas.client(personas.admin).post(
        reverse("support:batch_evaluate", args=[batch.pk]),
        {"candidate": last.pk, "score": "95", "selected": "on"},
        follow=True,
    )
    assert "每年不超过 20 家" in response.content.decode()
    last.refresh_from_db()
    assert not last.selected and last.score is None
    # A 市级 recognition recorded by hand counts against the same quota.
    with pytest.raises(Refused, match="每年不超过 20 家"):
        strong.record_recognition(actor=CLI, organisation=orgs[20], level="city", kind="advantage", year=YEAR)
    # Deselecting one frees a place.
    candidate = batch.candidates.get(organisation=orgs[0])
    strong.evaluate_advantage_candidate(
        batch, actor=CLI, candidate=candidate, score=Decimal(60), selected=False
    )
    select(batch, orgs[20])


def test_recognition_changes_the_indicator_and_is_audited(personas: Personas) -> None:
    load_definitions(actor=CLI)
    orgs = enterprises(personas, 3)
    batch = reviewing(orgs)
    select(batch, orgs[0])
    select(batch, orgs[1], "88.5")
    strong.evaluate_advantage_candidate(
        batch,
        actor=CLI,
        candidate=batch.candidates.get(organisation=orgs[2]),
        score=Decimal(70),
        selected=False,
    )
    strong.publicise_advantage_batch(batch, actor=CLI)
    assert new_advantage(YEAR) == 0  # 公示 is not yet 认定
    with pytest.raises(Refused, match="认定文号"):
        strong.recognise_advantage_batch(batch, actor=CLI, document_number=" ")
    strong.recognise_advantage_batch(batch, actor=CLI, document_number="烟知字〔2026〕9号")
    batch.refresh_from_db()
    assert batch.status == "recognised" and batch.document_number == "烟知字〔2026〕9号"
    recs = EnterpriseRecognition.objects.filter(batch=batch)
    assert {r.organisation for r in recs} == {orgs[0], orgs[1]}
    assert set(
        OrganisationTag.objects.filter(tag="ip_advantage_city", year=YEAR).values_list(
            "organisation", flat=True
        )
    ) == {orgs[0].pk, orgs[1].pk}
    assert new_advantage(YEAR) == 2
    event = AuditEvent.objects.get(action="advantage_batch.recognise", object_id=str(batch.pk))
    assert event.after is not None and event.after["recognised"] == [orgs[0].name, orgs[1].name]
    assert AuditEvent.objects.filter(action="organisation_tag.add").count() == 2
    # A recognition of a year's evaluation is not removed on its own.
    with pytest.raises(Refused, match="不能单独删除"):
        strong.remove_recognition(recs.first(), actor=CLI, reason="误录")  # type: ignore[arg-type]


def test_a_provincial_recognition_feeds_the_reward_detection(personas: Personas) -> None:
    org = personas.org_a
    assert not list(recognised_advantage_enterprise(2025, dt.date(2026, 3, 1)))
    rec = strong.record_recognition(
        actor=CLI, organisation=org, level="provincial", kind="demonstration", year=2025,
        document_number="鲁知发〔2025〕3号", issued_on=dt.date(2025, 10, 8),
    )  # fmt: skip
    (found,) = recognised_advantage_enterprise(2025, dt.date(2026, 3, 1))
    assert found.organisation == org  # type: ignore[union-attr]
    assert found.facts == {"recognition_level": "provincial", "recognition_kind": "demonstration"}  # type: ignore[union-attr]
    with pytest.raises(Refused, match="已登记 2025 年度省级知识产权示范企业认定"):
        strong.record_recognition(
            actor=CLI, organisation=org, level="provincial", kind="demonstration", year=2025
        )
    with pytest.raises(Refused, match="不是企业"):
        strong.record_recognition(
            actor=CLI, organisation=personas.org_agency, level="national", kind="advantage", year=2025
        )
    strong.remove_recognition(rec, actor=CLI, reason="录入错误")
    assert not list(recognised_advantage_enterprise(2025, dt.date(2026, 3, 1)))
    assert AuditEvent.objects.filter(action="enterprise_recognition.remove").count() == 1


def test_the_recognitions_list_is_public_and_managed_by_the_city(personas: Personas) -> None:
    strong.record_recognition(
        actor=CLI, organisation=personas.org_b, level="national", kind="advantage", year=2024,
        document_number="国知办函〔2024〕1号",
    )  # fmt: skip
    url = reverse("support:recognitions")
    public = personas.client(None).get(url).content.decode()
    assert "测试乙公司" in public and "国家级知识产权优势企业" in public and "国知办函〔2024〕1号" in public
    assert reverse("support:recognition_add") not in public
    data = {"organisation": personas.org_a.pk, "level": "provincial", "kind": "advantage", "year": "2025",
            "document_number": "鲁知〔2025〕5号", "issued_on": "2025-09-01"}  # fmt: skip
    for user in (personas.enterprise_a, personas.district_a, None):
        assert personas.client(user).post(reverse("support:recognition_add"), data).status_code in (302, 403)
    assert not EnterpriseRecognition.objects.filter(organisation=personas.org_a).exists()
    admin = personas.client(personas.admin)
    assert reverse("support:recognition_add") in admin.get(url).content.decode()
    admin.post(reverse("support:recognition_add"), data)
    assert EnterpriseRecognition.objects.get(organisation=personas.org_a).document_number == "鲁知〔2025〕5号"
    ws = load_workbook(io.BytesIO(personas.client(None).get(url, {"format": "xlsx"}).content)).active
    assert {ws.cell(r, 1).value for r in range(2, ws.max_row + 1)} == {"测试甲公司", "测试乙公司"}


def test_the_evaluation_pages_are_the_city_offices(personas: Personas) -> None:
    orgs = enterprises(personas, 1)
    batch = reviewing(orgs)
    for user in (personas.enterprise_a, personas.district_a, personas.agency):
        client = personas.client(user)
        assert client.get(reverse("support:batches")).status_code == 403
        assert client.get(reverse("support:batch", args=[batch.pk])).status_code == 403
        assert client.post(reverse("support:batch_new"), {"year": "2030"}).status_code == 403
    admin = personas.client(personas.admin)
    page = admin.get(reverse("support:batch", args=[batch.pk])).content.decode()
    assert "测试优势企业01" in page and 'data-action="evaluate"' in page and "每年不超过 20 家" in page
    admin.post(reverse("support:batch_new"), {"year": str(YEAR + 1)})
    assert AdvantageBatch.objects.filter(year=YEAR + 1, status="declaring").exists()
    duplicate = admin.post(
        reverse("support:batch_new"), {"year": str(YEAR + 1)}, follow=True
    ).content.decode()
    assert "评定已经建立" in duplicate
    export = admin.get(reverse("support:batch", args=[batch.pk]), {"format": "xlsx"})
    ws = load_workbook(io.BytesIO(export.content)).active
    assert ws.cell(2, 1).value == "测试优势企业01"


def test_an_enterprise_sees_its_own_application_and_no_score_before_publicity(personas: Personas) -> None:
    batch = reviewing([personas.org_a, personas.org_b])
    select(batch, personas.org_a, "77.5")
    url = reverse("support:recognitions")
    own = personas.client(personas.enterprise_a).get(url).content.decode()
    assert f"{YEAR} 年度，测试甲公司：评审中" in own and "77.5" not in own and "测试乙公司：" not in own
    assert 'data-testid="own-candidacies"' not in personas.client(None).get(url).content.decode()
    assert (
        'data-testid="own-candidacies"' not in personas.client(personas.district_a).get(url).content.decode()
    )
    candidate = batch.candidates.get(organisation=personas.org_b)
    strong.evaluate_advantage_candidate(
        batch, actor=CLI, candidate=candidate, score=Decimal(50), selected=False
    )
    strong.publicise_advantage_batch(batch, actor=CLI)
    assert "测试甲公司：拟认定（公示中）" in personas.client(personas.enterprise_a).get(url).content.decode()
    assert "测试乙公司：未列入拟认定名单" in personas.client(personas.enterprise_b).get(url).content.decode()
