"""The training pages: public list and detail without participants; the city office registers
trainings, imports sheets, issues certificates and exports the list; the phone page signs in by
the training's secret link, without an account."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from ipcity.support.models import TrainingActivity, TrainingSignIn
from ipcity.support.tests.test_training import sheet, training
from ipcity.test import Personas

pytestmark = pytest.mark.django_db


def test_the_public_sees_trainings_but_not_participants(personas: Personas) -> None:
    t = training(None)
    TrainingSignIn.objects.create(event=t, name="保密的人", source="sheet")
    anonymous = personas.client(None)
    page = anonymous.get(reverse("support:trainings")).content.decode()
    assert t.title in page and f'data-training="{t.number}"' in page
    detail = anonymous.get(reverse("support:training", args=[t.pk])).content.decode()
    assert "保密的人" not in detail and t.signin_token not in detail
    for user in (personas.enterprise_a, personas.district_a, personas.agency):
        detail = personas.client(user).get(reverse("support:training", args=[t.pk])).content.decode()
        assert "保密的人" not in detail and t.signin_token not in detail
        assert (
            personas.client(user)
            .get(reverse("support:training", args=[t.pk]), {"format": "xlsx"})
            .status_code
            == 403
        )
    admin = personas.client(personas.admin).get(reverse("support:training", args=[t.pk])).content.decode()
    assert "保密的人" in admin and reverse("support:training_sign", args=[t.signin_token]) in admin


def test_only_the_city_registers_trainings_and_imports_sheets(personas: Personas) -> None:
    form = {"title": "专利代理实务培训", "organiser": "市局", "kind": "practice", "start_date": "2024-06-03",
            "end_date": "2024-06-03", "hours": "3", "place": "莱山区"}  # fmt: skip
    new = reverse("support:training_new")
    for user in (personas.enterprise_a, personas.district_a, personas.liaison):
        assert personas.client(user).post(new, form).status_code == 403
    admin = personas.client(personas.admin)
    response = admin.post(new, {**form, "end_date": "2024-06-01"})
    assert "结束日期不能早于开始日期" in response.content.decode()
    admin.post(new, form)
    t = TrainingActivity.objects.get()
    url = reverse("support:training_sheet", args=[t.pk])
    upload = sheet([["张三", "甲", ""], ["李四", "乙", ""]])
    assert personas.client(personas.district_a).post(url, {"file": upload}).status_code == 403
    upload.seek(0)
    response = admin.post(url, {"file": upload}, follow=True)
    assert "新增签到 2 人次" in response.content.decode() and t.signins.count() == 2
    admin.post(reverse("support:training_certificates", args=[t.pk]))
    export = admin.get(reverse("support:training", args=[t.pk]), {"format": "xlsx"})
    ws = load_workbook(io.BytesIO(export.content)).active
    assert [ws.cell(2, 1).value, ws.cell(2, 6).value] == ["张三", f"{t.number}-001"]
    listing = admin.get(reverse("support:trainings"), {"format": "xlsx"})
    ws = load_workbook(io.BytesIO(listing.content)).active
    assert ws.cell(2, 10).value == 2


def test_the_phone_page_signs_in_without_an_account(personas: Personas) -> None:
    today = timezone.localdate()
    t = training(None, start_date=today, end_date=today)
    page = reverse("support:training_sign", args=[t.signin_token])
    anonymous = personas.client(None)
    assert anonymous.get(page).status_code == 200
    response = anonymous.post(page, {"name": "王五", "organisation_name": "测试乙公司"})
    assert "签到成功" in response.content.decode()
    response = anonymous.post(page, {"name": "王五", "organisation_name": "测试乙公司"})
    assert "已签到" in response.content.decode()
    assert t.signins.get().source == "phone"
    assert anonymous.get(reverse("support:training_sign", args=["wrong-token"])).status_code == 404
    past = training(
        None, title="往期培训", start_date=today - dt.timedelta(days=9), end_date=today - dt.timedelta(days=8)
    )
    response = anonymous.post(reverse("support:training_sign", args=[past.signin_token]), {"name": "赵六"})
    assert "签到只在培训期间" in response.content.decode() and not past.signins.exists()


def test_signed_in_users_register(personas: Personas) -> None:
    t = training(None)
    url = reverse("support:training_register", args=[t.pk])
    assert personas.client(None).post(url, {"name": "匿名"}).status_code == 302
    assert not t.registrations.exists()
    personas.client(personas.enterprise_a).post(url, {"name": "张三", "organisation_name": "测试甲公司"})
    assert t.registrations.get().name == "张三"
