"""The operation centres' yearly 绩效考评 (方案二(五)3): indicators computed from the registry, the
market and the trainings, reported items, the weights of data/support/centre-assessment.yaml (a
hand-checked score), 填报 → 审核 → 确认 with who may do what, and the 运营中心 reward facts."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from ipcity.core.audit import Actor
from ipcity.core.models import AuditEvent
from ipcity.core.workflow import Refused
from ipcity.grants.evaluation import full_facts, item_or_none
from ipcity.grants.forms import applicant_specs
from ipcity.market import services as market
from ipcity.market.tests.helpers import interest, make_offer, signed, web
from ipcity.registry.models import Organisation, PatentIPC
from ipcity.support import scoring, selectors, services
from ipcity.support.models import CentreAssessment, OperationCentre
from ipcity.support.tests.helpers import CLI, patent
from ipcity.test import Personas

pytestmark = pytest.mark.django_db


def _centre(personas: Personas, industry: str = "high_end_equipment") -> OperationCentre:
    """测试甲公司 (enterprise_a) runs the centre."""
    return services.save_operation_centre(
        actor=Actor.web(personas.admin),
        industry=industry,
        name="烟台高端装备知识产权运营中心",
        organisation=personas.org_a,
    )


def _granted(holder: Organisation, subclass: str, on: dt.date, *, region: bool = True) -> None:
    """A patent as the registry's importers write it: granted on `on`, with its IPC."""
    p = patent([holder], filed=on.replace(year=on.year - 2))
    p.grant_date = on
    p.region = holder.region if region else None
    p.save(update_fields=["grant_date", "region"])
    PatentIPC.objects.create(
        patent=p, position=0, code=f"{subclass} 1/00", main_group=f"{subclass} 1", subclass=subclass
    )


def _year_of_data(personas: Personas) -> None:
    today = timezone.localdate()
    _granted(personas.org_a, "B23K", today)  # 高端装备 scope
    _granted(personas.org_b, "B25J", today)  # any holder in Yantai counts: the industry's patents
    _granted(personas.org_a, "A23L", today)  # food: another industry
    _granted(personas.org_a, "B23K", today, region=False)  # not attributed to Yantai
    deal = signed(interest(make_offer(personas.org_a), personas), personas, amount="150000")
    market.confirm_deal(deal, actor=web(personas.enterprise_a))
    signed(interest(make_offer(personas.org_a), personas), personas, amount="90000")  # not confirmed
    for organiser in ("测试甲公司", "另一家单位"):
        services.create_training(
            actor=CLI, title=f"{organiser}的培训", organiser=organiser, kind="operation", start_date=today,
            end_date=today, hours=Decimal("4"), place="会议室",
        )  # fmt: skip


REPORTED = {
    "enterprises_served": Decimal("50"),  # 15 × 50/100 = 7.50
    "high_value_patents": Decimal("30"),  # 15 × min(30/20, 1) = 15.00
    "navigation_projects": Decimal("3"),  # 10 × 3/3 = 10.00
    "operation_revenue": Decimal("100"),  # 10 × 100/200 = 5.00
}


def test_the_indicators_from_data_and_the_score(personas: Personas) -> None:
    _year_of_data(personas)
    year = timezone.localdate().year
    a = services.open_assessment(_centre(personas), actor=Actor.web(personas.admin), year=year)
    # 2 patents of the scope, 1 confirmed deal of 15 万元, 1 training organised by the centre's organisation.
    assert a.computed == {"patents_granted": "2", "deals": "1", "deal_amount": "15.00", "trainings": "1"}
    assert services.reportable_codes(a) == list(REPORTED)
    services.report_assessment_items(a, actor=Actor.web(personas.enterprise_a), values=REPORTED)
    a.refresh_from_db()
    points = {line["code"]: line["points"] for line in a.trace}
    # 15×2/300 = 0.10; 15×1/10 = 1.50; 10×15/500 = 0.30; 10×1/4 = 2.50
    assert points == {
        "patents_granted": "0.10", "deals": "1.50", "deal_amount": "0.30", "trainings": "2.50",
        "enterprises_served": "7.50", "high_value_patents": "15.00", "navigation_projects": "10.00",
        "operation_revenue": "5.00",
    }  # fmt: skip
    assert a.score == Decimal("41.90") and a.grade == "unqualified"
    assert a.parameters["status"] == "decision" and a.parameters["from"] == "2022-01-01"


def test_a_centre_without_a_patent_scope_reports_its_patents(personas: Personas) -> None:
    centre = _centre(personas, industry="marine_economy")
    a = services.open_assessment(centre, actor=CLI, year=2024)
    assert a.computed["patents_granted"] is None
    assert services.reportable_codes(a)[0] == "patents_granted"
    services.report_assessment_items(a, actor=CLI, values=REPORTED)
    with pytest.raises(Refused, match="不需填报"):  # the deals come from the market
        services.report_assessment_items(a, actor=CLI, values={"deals": Decimal("3")})
    with pytest.raises(Refused, match="请先填报：本产业本市专利授权量"):
        services.submit_assessment(a, actor=CLI)
    services.report_assessment_items(a, actor=CLI, values={"patents_granted": Decimal("300")})
    services.submit_assessment(a, actor=CLI)
    a.refresh_from_db()
    assert a.status == "submitted" and {t["code"]: t["points"] for t in a.trace}["patents_granted"] == "15.00"


def test_the_centre_reports_the_city_office_reviews(personas: Personas) -> None:
    a = services.open_assessment(_centre(personas), actor=CLI, year=2024)
    page = reverse("support:assessment", args=[a.pk])
    centre, admin = personas.client(personas.enterprise_a), personas.client(personas.admin)
    for stranger in (personas.enterprise_b, personas.agency):
        assert personas.client(stranger).get(page).status_code == 404  # another organisation's, not confirmed
    assert (
        "2024 年度绩效考评" not in personas.client(None).get(reverse("support:assessments")).content.decode()
    )
    form = {k: str(v) for k, v in REPORTED.items()}
    assert (
        personas.client(personas.enterprise_b)
        .post(reverse("support:assessment_report", args=[a.pk]), form)
        .status_code
        == 404
    )
    centre.post(reverse("support:assessment_report", args=[a.pk]), form)
    centre.post(reverse("support:assessment_submit", args=[a.pk]))
    a.refresh_from_db()
    assert a.status == "submitted" and a.reported["enterprises_served"] == "50"
    assert centre.post(reverse("support:assessment_confirm", args=[a.pk])).status_code == 403
    admin.post(reverse("support:assessment_return", args=[a.pk]), {"reason": "请附服务企业名单"})
    a.refresh_from_db()
    assert a.status == "returned" and a.return_reason == "请附服务企业名单"
    assert "请附服务企业名单" in centre.get(page).content.decode()
    centre.post(reverse("support:assessment_submit", args=[a.pk]))
    admin.post(reverse("support:assessment_confirm", args=[a.pk]))
    a.refresh_from_db()
    assert a.status == "confirmed" and a.confirmed_on == timezone.localdate()
    steps = list(AuditEvent.objects.filter(object_type="support.centreassessment", object_id=str(a.pk))
                 .order_by("id").values_list("action", flat=True))  # fmt: skip
    assert steps == ["centre_assessment.open", "centre_assessment.report", "centre_assessment.submit",
                     "centre_assessment.return", "centre_assessment.submit", "centre_assessment.confirm"]  # fmt: skip
    # Confirmed: the public sees the result on the centres' page and the assessment itself.
    listing = personas.client(None).get(reverse("support:centres")).content.decode()
    assert f"2024 年度：{a.score} 分，{a.get_grade_display()}" in listing
    public = personas.client(personas.enterprise_b).get(page).content.decode()
    assert f"{a.score}" in public and "考评明细仅运营中心和市局可见" in public and "服务企业数" not in public
    assert "服务企业数（家）" in centre.get(page).content.decode()
    ws = load_workbook(
        io.BytesIO(admin.get(reverse("support:assessments"), {"format": "xlsx"}).content)
    ).active
    assert [ws.cell(2, c).value for c in (2, 4, 5, 7)] == [
        2024,
        "烟台高端装备知识产权运营中心",
        "已确认",
        a.get_grade_display(),
    ]
    ws = load_workbook(
        io.BytesIO(personas.client(None).get(reverse("support:centres"), {"format": "xlsx"}).content)
    ).active
    assert [ws.cell(2, c).value for c in (1, 3, 5)] == ["高端装备", "测试甲公司", 2024]


def test_only_the_city_office_registers_centres_and_opens_assessments(
    personas: Personas, django_assert_max_num_queries
) -> None:  # type: ignore[no-untyped-def]
    form = {"industry": "biomedicine", "name": "烟台生物医药运营中心", "organisation": personas.org_b.pk}
    assert personas.client(personas.enterprise_b).post(reverse("support:centre_new"), form).status_code == 403
    personas.client(personas.admin).post(reverse("support:centre_new"), form)
    centre = OperationCentre.objects.get()
    url = reverse("support:assessment_open", args=[centre.pk])
    assert personas.client(personas.enterprise_b).post(url, {"year": 2024}).status_code == 403
    personas.client(personas.admin).post(url, {"year": 2024})
    assert CentreAssessment.objects.get().opened_by
    with django_assert_max_num_queries(8):
        assert (
            "烟台生物医药运营中心" in personas.client(None).get(reverse("support:centres")).content.decode()
        )


def test_a_confirmed_assessment_feeds_the_centre_reward(personas: Personas) -> None:
    a = services.open_assessment(_centre(personas), actor=CLI, year=2024)
    item = item_or_none("operation_centre")
    assert item is not None
    # The applicant answers the industry; the result is the platform's, never typed.
    assert {s.name for s in applicant_specs(item)} == {"industry"}
    on = dt.date(2025, 3, 1)
    assert selectors.reward_facts(personas.org_a, on)["operation_centre"] == {
        "industry": "high_end_equipment"
    }
    services.report_assessment_items(a, actor=CLI, values=REPORTED)
    services.submit_assessment(a, actor=CLI)
    services.confirm_assessment(a, actor=CLI, on=dt.date(2025, 2, 10))
    facts = {"industry": "high_end_equipment", "assessment_score": 100}  # a typed score is overridden
    known = full_facts(item, personas.org_a, facts, today=on, right_key=None, decided_amount=None)
    assert (known["assessment_year"], known["assessment_score"], known["assessment_grade"]) == (
        2024,
        38,
        "unqualified",
    )
    assert "operation_centre" not in selectors.reward_facts(personas.org_b, on)


def test_the_weights_add_up_to_100(tmp_path: Path) -> None:
    text = scoring.CENTRE_FILE.read_text(encoding="utf-8").replace(
        "weight: 15, target: 300", "weight: 16, target: 300"
    )
    bad = tmp_path / "centre.yaml"
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(scoring.ScoringError, match="权重之和应为 100，实为 101"):
        scoring.centre_table(dt.date(2024, 12, 31), path=bad)
    with pytest.raises(scoring.ScoringError, match="没有生效"):
        scoring.centre_table(dt.date(2021, 12, 31))
