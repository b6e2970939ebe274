"""The signed-in pages: each view for the personas allowed and forbidden, the forms behind them,
Excel exports and query budgets of the lists."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from ipcity.core.models import Job
from ipcity.grants import services
from ipcity.grants.choices import ApplicationStatus, EntitlementStatus
from ipcity.grants.models import Application, Budget, Entitlement, Grant, Payment
from ipcity.grants.tests import registry_data as reg
from ipcity.grants.tests.conftest import (
    CLI,
    EXPERT_FIELD,
    add_expert,
    after,
    approve_after_publicity,
    draft,
    ensure_experts,
    give_payee_accounts,
    pdf_upload,
    set_budget,
    to_publicity,
    web,
    xlsx_rows,
)
from ipcity.protection import services as protection_services

pytestmark = pytest.mark.django_db


def test_anonymous_visitors_are_sent_to_login(client, personas) -> None:
    app = draft(personas)
    for url in [
        reverse("grants:index"),
        reverse("grants:apply"),
        reverse("grants:apply_form", args=["foreign_litigation"]),
        reverse("grants:application", args=[app.pk]),
        reverse("grants:entitlements"),
        reverse("grants:budgets"),
        reverse("grants:ledger"),
        reverse("grants:detect"),
    ]:
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url
    response = client.post(reverse("grants:submit", args=[app.pk]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_application_visibility_by_persona(personas) -> None:
    mine = draft(personas)
    theirs = draft(personas, user=personas.enterprise_b)
    url = reverse("grants:application", args=[mine.pk])
    assert personas.client(personas.enterprise_a).get(url).status_code == 200
    assert personas.client(personas.enterprise_b).get(url).status_code == 404
    assert personas.client(personas.agency).get(url).status_code == 404
    assert personas.client(personas.liaison).get(url).status_code == 404
    # A draft is the applicant's own until it is submitted.
    assert personas.client(personas.district_a).get(url).status_code == 404
    services.submit_application(mine, actor=web(personas.enterprise_a))
    assert personas.client(personas.district_a).get(url).status_code == 200
    assert personas.client(personas.district_b).get(url).status_code == 404
    assert personas.client(personas.admin).get(url).status_code == 200
    page = personas.client(personas.enterprise_a).get(reverse("grants:index")).content.decode()
    assert mine.number in page and theirs.number not in page


def test_apply_form_previews_then_saves(personas, fixed_clock) -> None:
    client = personas.client(personas.enterprise_a)
    url = reverse("grants:apply_form", args=["foreign_litigation"])
    page = client.get(url).content.decode()
    assert "胜诉裁判生效日期" in page and "是否被列入" not in page  # credit is checked by the platform
    data = {
        "decisive_date": "2024-05-20",
        "foreign_related": "true",
        "judicial_litigation": "true",
        "won": "true",
        "service_fees": "300000",
        "right_id": "",
    }
    response = client.post(url, {**data, "action": "preview"})
    text = response.content.decode()
    assert response.status_code == 200 and "150,000.00 元" in text and "二(一)4" in text
    assert not Application.objects.exists()
    response = client.post(url, {**data, "action": "save"})
    app = Application.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "grants:application", args=[app.pk]
    )
    assert app.amount == Decimal("150000.00") and app.facts["service_fees"] == "300000"


def test_apply_form_validation_in_chinese(personas, fixed_clock) -> None:
    client = personas.client(personas.enterprise_a)
    url = reverse("grants:apply_form", args=["foreign_litigation"])
    response = client.post(url, {"decisive_date": "2030-01-01", "service_fees": "-1", "action": "save"})
    text = response.content.decode()
    assert "判定日期不能晚于今天" in text and "这个字段是必填项" in text
    assert not Application.objects.exists()


def test_only_applicants_apply(personas) -> None:
    url = reverse("grants:apply_form", args=["foreign_litigation"])
    assert personas.client(personas.district_a).get(url).status_code == 403
    assert personas.client(personas.admin).get(url).status_code == 403
    agency = personas.client(personas.agency)
    assert agency.get(reverse("grants:apply_form", args=["service_agency_quality"])).status_code == 200
    assert agency.get(url)["Location"] == reverse("grants:apply")  # an item for enterprises
    response = personas.client(personas.enterprise_a).get(
        reverse("grants:apply_form", args=["madrid_trademark"])
    )
    assert response.status_code == 302 and response["Location"] == reverse("grants:entitlements")


def test_material_upload_checks_content_and_download_is_scoped(personas) -> None:
    app = draft(personas, material=False)
    client = personas.client(personas.enterprise_a)
    fake = SimpleUploadedFile("假.pdf", b"not a pdf at all")
    response = client.post(
        reverse("grants:material_add", args=[app.pk]), {"label": "生效裁判文书", "file": fake}, follow=True
    )
    assert "不是允许的类型" in response.content.decode()
    assert not app.materials.exists()
    client.post(
        reverse("grants:material_add", args=[app.pk]), {"label": "生效裁判文书", "file": pdf_upload()}
    )
    material = app.materials.get()
    url = reverse("grants:material", args=[app.pk, material.pk])
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF")
    assert personas.client(personas.enterprise_b).get(url).status_code == 404
    # Another organisation cannot add material either.
    response = personas.client(personas.enterprise_b).post(
        reverse("grants:material_add", args=[app.pk]), {"label": "生效裁判文书", "file": pdf_upload()}
    )
    assert response.status_code == 404


def test_review_actions_are_checked_by_role(personas, budgets, fixed_clock) -> None:
    app = draft(personas)
    services.submit_application(app, actor=web(personas.enterprise_a))
    url = reverse("grants:district_review", args=[app.pk])
    assert personas.client(personas.district_b).post(url, {"decision": "pass"}).status_code == 404
    assert personas.client(personas.enterprise_a).post(url, {"decision": "pass"}).status_code == 403
    response = personas.client(personas.district_a).post(url, {"decision": "return"}, follow=True)
    assert "退回修改需要填写意见" in response.content.decode()
    personas.client(personas.district_a).post(url, {"decision": "pass", "comment": "材料齐全"})
    app.refresh_from_db()
    assert app.status == ApplicationStatus.CITY_REVIEW
    city = reverse("grants:city_review", args=[app.pk])
    assert personas.client(personas.district_a).post(city, {"decision": "pass"}).status_code == 403
    personas.client(personas.admin).post(city, {"decision": "pass"})
    app.refresh_from_db()
    assert app.status == ApplicationStatus.PUBLICITY
    approve = reverse("grants:approve", args=[app.pk])
    response = personas.client(personas.admin).post(approve, follow=True)
    assert "期满后才能核定" in response.content.decode()
    fixed_clock.set(after(app.publicity_end, 1))
    assert personas.client(personas.district_a).post(approve).status_code == 403
    personas.client(personas.admin).post(approve)
    grant = Grant.objects.get(application=app)
    pay = reverse("grants:pay", args=[grant.pk])
    assert (
        personas.client(personas.liaison)
        .post(pay, {"paid_on": fixed_clock.day, "reference": "P"})
        .status_code
        == 403
    )
    personas.client(personas.admin).post(pay, {"paid_on": fixed_clock.day.isoformat(), "reference": "P-9"})
    app.refresh_from_db()
    assert app.status == ApplicationStatus.PAID
    page = (
        personas.client(personas.enterprise_a)
        .get(reverse("grants:application", args=[app.pk]))
        .content.decode()
    )
    assert "已于 2024-06-" in page and "P-9" in page


def test_blocked_payment_is_shown(personas, budgets, fixed_clock) -> None:
    grant = approve_after_publicity(personas, to_publicity(personas, draft(personas)), fixed_clock)
    protection_services.add_credit_record(
        personas.org_a, actor=CLI, source="严重失信（测试）", start=dt.date(2024, 1, 1)
    )
    response = personas.client(personas.admin).post(
        reverse("grants:pay", args=[grant.pk]),
        {"paid_on": fixed_clock.day.isoformat(), "reference": "P"},
        follow=True,
    )
    text = response.content.decode()
    assert "付款被拦截" in text and "严重失信（测试）" in text
    assert not Payment.objects.exists()


def test_expert_scores_on_own_account(personas, budgets) -> None:
    from ipcity.accounts.services import upsert_user

    user, _ = upsert_user("t-expert", actor=CLI, role="applicant", password="x-long-password-1")
    add_expert("张专家", user=user)
    app = draft(personas, item="city_advantage_enterprise", facts={})
    services.submit_application(app, actor=web(personas.enterprise_a))
    services.review_in_district(app, actor=web(personas.district_a), decision="pass")
    services.review_in_city(app, actor=web(personas.admin), decision="pass")
    (assignment,) = services.assign_experts(app, actor=web(personas.admin), field=EXPERT_FIELD, count=1)
    client = personas.client(user)
    assert client.get(reverse("grants:application", args=[app.pk])).status_code == 200
    client.post(reverse("grants:score", args=[assignment.pk]), {"score": "88.5", "opinion": "创新性强"})
    assignment.refresh_from_db()
    assert assignment.score == Decimal("88.50") and assignment.entered_by == "t-expert"
    other = draft(personas, user=personas.enterprise_b)
    assert client.get(reverse("grants:application", args=[other.pk])).status_code == 404


def test_list_filter_export_and_query_budget(
    personas, budgets, fixed_clock, django_assert_max_num_queries
) -> None:
    for _ in range(5):
        services.submit_application(draft(personas), actor=web(personas.enterprise_a))
    for _ in range(3):
        grant = approve_after_publicity(personas, to_publicity(personas, draft(personas)), fixed_clock)
        services.record_payment(grant, actor=CLI, paid_on=fixed_clock.day, reference=f"P{grant.pk}")
    client = personas.client(personas.admin)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("grants:index"))
    assert response.content.decode().count('data-application="') == 8
    assert response.content.decode().count("兑现（期限") == 3
    response = client.get(reverse("grants:index"), {"status": "submitted", "format": "xlsx"})
    rows = xlsx_rows(response.content)
    assert rows[0][0] == "申请编号" and len(rows) == 6 and rows[1][4] == "待区市初审"
    response = client.get(reverse("grants:index"), {"status": "rejected"})
    assert 'data-application="' not in response.content.decode()


def test_entitlement_pages_and_confirmation(personas, budgets, fixed_clock) -> None:
    from ipcity.grants.detection import run_detection

    reg.madrid(personas.org_a)
    run_detection(2024, actor=CLI)
    ent = Entitlement.objects.get()
    url = reverse("grants:entitlement", args=[ent.pk])
    assert personas.client(personas.enterprise_b).get(url).status_code == 404
    assert personas.client(personas.district_b).get(url).status_code == 404
    assert personas.client(personas.district_a).get(url).status_code == 200
    page = personas.client(personas.enterprise_a).get(url).content.decode()
    assert "意愿确认" in page and "20,000.00 元" in page
    confirm = reverse("grants:entitlement_confirm", args=[ent.pk])
    assert personas.client(personas.admin).post(confirm, {"accept": "true"}).status_code == 403
    personas.client(personas.enterprise_a).post(confirm, {"accept": "true"})
    ent.refresh_from_db()
    assert ent.status == EntitlementStatus.CONFIRMED
    approve = reverse("grants:entitlement_approve", args=[ent.pk])
    assert personas.client(personas.enterprise_a).post(approve).status_code == 403
    personas.client(personas.admin).post(approve)
    ent.refresh_from_db()
    assert ent.status == EntitlementStatus.APPROVED
    listing = personas.client(personas.enterprise_a).get(reverse("grants:entitlements"), {"format": "xlsx"})
    assert xlsx_rows(listing.content)[1][1] == "马德里商标国际注册资助"


def test_detection_from_the_web_runs_as_a_job(personas, fixed_clock) -> None:
    reg.madrid(personas.org_a)
    url = reverse("grants:detect")
    assert personas.client(personas.district_a).get(url).status_code == 403
    response = personas.client(personas.admin).post(url, {"year": "2024"})
    job = Job.objects.get(kind="grants.entitlements")
    assert response.status_code == 302 and response["Location"] == reverse("core:job", args=[job.pk])
    assert job.status == "succeeded" and "新建 1 项" in (job.result or {})["结果"]
    assert Entitlement.objects.count() == 1
    response = personas.client(personas.admin).post(url, {"year": "2030"})
    assert "不能比对未来年度" in response.content.decode()


def test_budget_page(personas, fixed_clock) -> None:
    url = reverse("grants:budgets")
    assert personas.client(personas.liaison).get(url).status_code == 403
    assert personas.client(personas.enterprise_a).get(url).status_code == 403
    client = personas.client(personas.admin)
    response = client.post(
        url, {"item_code": "foreign_litigation", "year": "2024", "amount": "800000", "note": "年初预算"}
    )
    assert response.status_code == 302
    assert Budget.objects.get(item_code="foreign_litigation", year=2024).amount == Decimal("800000")
    page = client.get(url, {"year": "2024"}).content.decode()
    # Read in 万元; the exact amount is the cell's tooltip.
    assert (
        "涉外知识产权诉讼胜诉补贴" in page
        and '<td class="text-end" title="800,000.00 元">80 万元</td>' in page
    )
    response = client.post(url, {"item_code": "foreign_litigation", "year": "2024", "amount": "-5"})
    assert response.status_code == 200 and not Budget.objects.filter(amount__lt=0).exists()
    rows = xlsx_rows(client.get(url, {"year": "2024", "format": "xlsx"}).content)
    assert rows[1][0] == "涉外知识产权诉讼胜诉补贴" and rows[1][2] == 800000


def test_ledger_by_item_district_year_with_excel(personas, fixed_clock) -> None:
    set_budget("foreign_litigation", "5000000")
    give_payee_accounts(personas.org_a, personas.org_b)
    for user in (personas.enterprise_a, personas.enterprise_a, personas.enterprise_b):
        app = to_publicity(personas, draft(personas, user=user))
        grant = approve_after_publicity(personas, app, fixed_clock)
        services.record_payment(grant, actor=CLI, paid_on=fixed_clock.day, reference=f"P{grant.pk}")
    url = reverse("grants:ledger")
    assert personas.client(personas.enterprise_a).get(url).status_code == 403
    admin_page = personas.client(personas.admin).get(url).content.decode()
    assert '合计 3 笔，<span title="450,000.00 元">45 万元</span>' in admin_page
    assert "合计 3 笔" in personas.client(personas.liaison).get(url).content.decode()
    zhifu = personas.client(personas.district_a).get(url).content.decode()
    assert (
        '合计 2 笔，<span title="300,000.00 元">30 万元</span>' in zhifu
        and "莱山区" not in zhifu.split('data-testid="ledger"')[1].split("</table>")[0]
    )
    rows = xlsx_rows(personas.client(personas.admin).get(url, {"format": "xlsx"}).content)
    assert rows[0] == ["支付年度", "奖补项目", "区市", "笔数", "金额（元）"]
    by_region = {r[2]: (r[3], r[4]) for r in rows[1:-1]}
    assert by_region == {"芝罘区": (2, 300000), "莱山区": (1, 150000)}
    assert rows[-1] == ["合计", None, None, 3, 450000]
    detail = xlsx_rows(personas.client(personas.admin).get(url, {"format": "xlsx"}).content, sheet=1)
    assert len(detail) == 4 and detail[1][1] == "涉外知识产权诉讼胜诉补贴"


def test_edit_and_withdraw_are_the_applicants(personas, budgets) -> None:
    app = draft(personas)
    edit = reverse("grants:application_edit", args=[app.pk])
    assert personas.client(personas.enterprise_a).get(edit).status_code == 200
    assert personas.client(personas.enterprise_b).get(edit).status_code == 404
    assert personas.client(personas.admin).get(edit).status_code == 403
    withdraw = reverse("grants:withdraw", args=[app.pk])
    assert personas.client(personas.admin).post(withdraw).status_code == 403
    personas.client(personas.enterprise_a).post(withdraw)
    app.refresh_from_db()
    assert app.status == ApplicationStatus.WITHDRAWN
    # No longer editable.
    response = personas.client(personas.enterprise_a).get(edit, follow=True)
    assert "不能修改" in response.content.decode()


def test_expert_and_publicity_actions_are_the_citys(personas, budgets, fixed_clock) -> None:
    ensure_experts(3)
    merit = draft(personas, item="city_advantage_enterprise", facts={})
    services.submit_application(merit, actor=web(personas.enterprise_a))
    services.review_in_district(merit, actor=web(personas.district_a), decision="pass")
    services.review_in_city(merit, actor=web(personas.admin), decision="pass")
    assign = reverse("grants:experts_assign", args=[merit.pk])
    form = {"field": EXPERT_FIELD, "count": "3"}
    assert personas.client(personas.district_a).post(assign, form).status_code == 403
    personas.client(personas.admin).post(assign, form)
    assert merit.assignments.count() == 3
    score = reverse("grants:score", args=[merit.assignments.first().pk])  # type: ignore[union-attr]
    assert personas.client(personas.district_a).post(score, {"score": "80"}).status_code == 403
    assert personas.client(personas.enterprise_a).post(score, {"score": "80"}).status_code == 403
    conclude = reverse("grants:expert_conclude", args=[merit.pk])
    assert personas.client(personas.district_a).post(conclude, {"decision": "pass"}).status_code == 403
    page = (
        personas.client(personas.admin).get(reverse("grants:application", args=[merit.pk])).content.decode()
    )
    assert "随机抽取" in page and "评审结论" in page
    for a in merit.assignments.all():
        personas.client(personas.admin).post(reverse("grants:score", args=[a.pk]), {"score": "90"})
    personas.client(personas.admin).post(conclude, {"decision": "pass", "decided_amount": "180000"})
    merit.refresh_from_db()
    assert merit.status == ApplicationStatus.PUBLICITY and merit.amount == Decimal("180000.00")

    objection = reverse("grants:objection_add", args=[merit.pk])
    data = {"received_on": fixed_clock.day.isoformat(), "submitter": "甲", "content": "有异议"}
    assert personas.client(personas.district_a).post(objection, data).status_code == 403
    personas.client(personas.admin).post(objection, data)
    obj = merit.objections.get()
    resolve = reverse("grants:objection_resolve", args=[obj.pk])
    assert (
        personas.client(personas.enterprise_a)
        .post(resolve, {"upheld": "false", "resolution": "x"})
        .status_code
        == 403
    )
    personas.client(personas.admin).post(resolve, {"upheld": "false", "resolution": "经核实无误"})
    obj.refresh_from_db()
    assert obj.status == "dismissed"


def test_entitlement_cancel_is_the_citys(personas) -> None:
    from ipcity.grants.detection import run_detection

    reg.madrid(personas.org_a)
    run_detection(2024, actor=CLI)
    ent = Entitlement.objects.get()
    url = reverse("grants:entitlement_cancel", args=[ent.pk])
    assert personas.client(personas.enterprise_a).post(url, {"comment": "x"}).status_code == 403
    response = personas.client(personas.admin).post(url, {"comment": ""}, follow=True)
    assert "这个字段是必填项" in response.content.decode()
    personas.client(personas.admin).post(url, {"comment": "商标注册人有误"})
    ent.refresh_from_db()
    assert ent.status == EntitlementStatus.CANCELLED
