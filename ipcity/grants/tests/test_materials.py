"""Required materials: each kind an item names needs a file before the application can be submitted;
the applicant sees what is missing instead of 提交, a reviewer sees a warning list."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from ipcity.accounts.services import upsert_user
from ipcity.core.tests import office_files
from ipcity.core.workflow import Refused
from ipcity.grants import services
from ipcity.grants.choices import ApplicationStatus, ReviewDecision
from ipcity.grants.models import Application, ApplicationMaterial
from ipcity.grants.tests.conftest import (
    CLI,
    EXPERT_FIELD,
    add_expert,
    attach_materials,
    draft,
    pdf_upload,
    web,
)
from ipcity.grants.workflows import APPLICATION_WORKFLOW as FLOW
from ipcity.registry.services import update_payee_account
from ipcity.test import Personas

pytestmark = pytest.mark.django_db

CERTIFICATION = {"certified": True, "certification_cost": "45000"}


def certification(personas: Personas, **kwargs: object) -> Application:
    return draft(personas, item="ip_management_standard", facts=CERTIFICATION, **kwargs)  # type: ignore[arg-type]


def page(personas: Personas, user: object, app: Application) -> str:
    response = personas.client(user).get(reverse("grants:application", args=[app.pk]))  # type: ignore[arg-type]
    assert response.status_code == 200
    return response.content.decode()


def test_cannot_submit_with_one_file_of_three_named_materials(personas: Personas) -> None:
    app = certification(personas, material=False)
    ent = web(personas.enterprise_a)
    services.add_material(app, pdf_upload("证书.pdf"), actor=ent, label="认证证书")
    # A file under another name does not stand for a named one.
    services.add_material(app, pdf_upload("说明.pdf"), actor=ent, label="补充说明")
    reason = "尚缺申报材料：认证合同、认证费用发票（每种至少上传一份文件），补齐后才能提交"
    with pytest.raises(Refused, match=reason.replace("（", r"\（").replace("）", r"\）")):
        services.submit_application(app, actor=ent)
    app.refresh_from_db()
    assert app.status == ApplicationStatus.DRAFT and app.submitted_on is None
    assert "submit" not in FLOW.allowed_actions(app, personas.enterprise_a)

    html = page(personas, personas.enterprise_a, app)
    assert reverse("grants:submit", args=[app.pk]) not in html
    assert f"暂不能提交：{reason}。" in html
    assert '<tr data-material="认证证书"><td>认证证书</td><td>' in html
    assert html.count("未上传") == 2

    services.add_material(app, pdf_upload("合同.pdf"), actor=ent, label="认证合同")
    services.add_material(app, pdf_upload("发票.pdf"), actor=ent, label="认证费用发票")
    html = page(personas, personas.enterprise_a, app)
    assert reverse("grants:submit", args=[app.pk]) in html and "暂不能提交" not in html
    services.submit_application(app, actor=ent)
    app.refresh_from_db()
    assert app.status == ApplicationStatus.SUBMITTED


def test_the_upload_form_names_the_kinds_and_takes_office_files(personas: Personas) -> None:
    app = certification(personas, material=False)
    client = personas.client(personas.enterprise_a)
    html = page(personas, personas.enterprise_a, app)
    for name in ("认证证书", "认证合同", "认证费用发票", "其他材料"):
        assert f">{name}</option>" in html
    upload = reverse("grants:material_add", args=[app.pk])
    files = {
        "认证证书": SimpleUploadedFile("证书.ofd", office_files.ofd()),
        "认证合同": SimpleUploadedFile("合同.wps", office_files.word_97()),
        "认证费用发票": SimpleUploadedFile("发票.xls", office_files.excel_97()),
    }
    for name, file in files.items():
        response = client.post(upload, {"label": name, "file": file}, follow=True)
        assert "材料已上传。" in response.content.decode()
    kinds = dict(ApplicationMaterial.objects.filter(application=app).values_list("label", "attachment__kind"))
    assert kinds == {"认证证书": "ofd", "认证合同": "wps", "认证费用发票": "xls"}
    assert "submit" in FLOW.allowed_actions(app, personas.enterprise_a)


def test_an_item_naming_the_bank_account_needs_it_in_the_profile(personas: Personas) -> None:
    app = draft(
        personas,
        item="standardised_market",
        facts={"recognition_level": "provincial", "recognition_kind": "key_market", "newly_recognised": True},
    )
    # 认定文件 and 市场开办者营业执照 are uploaded; 银行账户信息 is not a file to upload.
    assert set(app.materials.values_list("label", flat=True)) == {"认定文件", "市场开办者营业执照"}
    assert ">银行账户信息</option>" not in page(personas, personas.enterprise_a, app)
    assert FLOW.refusal(app, personas.enterprise_a, "submit") == (
        "尚未在一企一档登记收款账户（银行账户信息：户名、开户行、账号），补齐后才能提交"
    )
    html = page(personas, personas.enterprise_a, app)
    assert "未登记收款账户" in html
    assert reverse("registry:organisation_contacts", args=[personas.org_a.pk]) in html
    update_payee_account(
        personas.org_a, actor=CLI, name="测试甲公司", bank="中国银行烟台分行", account="62220216020012"
    )
    app = Application.objects.get(pk=app.pk)
    assert FLOW.refusal(app, personas.enterprise_a, "submit") is None
    assert "已在一企一档登记收款账户" in page(personas, personas.enterprise_a, app)


def test_each_reviewer_sees_what_is_missing(personas: Personas, budgets: None) -> None:
    app = draft(personas, item="city_advantage_enterprise", facts={})
    services.submit_application(app, actor=web(personas.enterprise_a))
    for user in (personas.district_a, personas.enterprise_a):
        assert 'data-testid="missing-materials"' not in page(personas, user, app)
    # An application that reached review without a named material: submitted before the item named
    # it (the catalog changed), or from before this check. Simulated by removing the file.
    ApplicationMaterial.objects.filter(application=app, label="营业执照").delete()
    warning = "材料不全：尚缺申报材料：营业执照（每种至少上传一份文件）。"
    assert warning in page(personas, personas.district_a, app)
    services.review_in_district(app, actor=web(personas.district_a), decision=ReviewDecision.PASS)
    assert warning in page(personas, personas.admin, app)
    services.review_in_city(app, actor=web(personas.admin), decision=ReviewDecision.PASS)
    user, _ = upsert_user("t-expert-m", actor=CLI, role="applicant", password="x-long-password-1")
    add_expert("孙专家", user=user)
    services.assign_experts(app, actor=web(personas.admin), field=EXPERT_FIELD, count=1)
    assert warning in page(personas, user, app)


def test_a_returned_application_is_completed_before_it_is_submitted_again(personas: Personas) -> None:
    app = certification(personas)
    ent = web(personas.enterprise_a)
    services.submit_application(app, actor=ent)
    services.review_in_district(
        app, actor=web(personas.district_a), decision=ReviewDecision.RETURN, comment="发票不清晰"
    )
    invoice = ApplicationMaterial.objects.get(application=app, label="认证费用发票")
    services.remove_material(invoice, actor=ent)
    app.refresh_from_db()
    with pytest.raises(Refused, match="尚缺申报材料：认证费用发票"):
        services.submit_application(app, actor=ent)
    attach_materials(app, personas.enterprise_a, leave_out=("认证证书", "认证合同"))
    services.submit_application(app, actor=ent)
    app.refresh_from_db()
    assert app.status == ApplicationStatus.SUBMITTED and app.submitted_on == dt.date(2024, 6, 3)


def test_the_apply_form_lists_the_materials_as_the_guide_writes_them(personas: Personas) -> None:
    client = personas.client(personas.enterprise_a)
    html = client.get(reverse("grants:apply_form", args=["standardised_market"])).content.decode()
    assert "认定文件；市场开办者营业执照；银行账户信息（一企一档中的收款账户，无需上传）" in html
    assert "Material(" not in html
