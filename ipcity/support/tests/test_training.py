"""Training (方案二(七)1): a training's sign-ins — on the phone page and from an uploaded sheet — are
the person-times of the 年知识产权专业培训 indicator for the training's year and district, exactly
their count; registrations and certificates; the phone page needs the training's secret link."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from ipcity.core.models import AuditEvent, Region
from ipcity.core.workflow import Refused
from ipcity.indicators.models import Indicator, TrainingAttendance
from ipcity.indicators.services import compute_snapshots, load_definitions, record_training
from ipcity.support import services
from ipcity.support.models import TrainingActivity, TrainingSignIn
from ipcity.support.tests.helpers import CLI
from ipcity.test import Personas

pytestmark = pytest.mark.django_db

DAY = dt.date(2024, 5, 16)


def _value(year: int, region: Region | None) -> Decimal:
    (snapshot,) = compute_snapshots(
        year=year,
        as_of=dt.date(year, 12, 31),
        actor=CLI,
        indicators=[Indicator.objects.get(code="ip_training_person_times")],
        regions=[region],
    )
    return snapshot.value or Decimal(0)


def training(region: Region | None, **values: object) -> TrainingActivity:
    defaults: dict[str, object] = {
        "title": "企业知识产权管理规范培训", "organiser": "烟台市知识产权局", "kind": "management",
        "start_date": DAY, "end_date": DAY + dt.timedelta(days=1), "hours": Decimal("6"), "place": "芝罘区会议中心",
        "region": region,
    }  # fmt: skip
    defaults.update(values)
    return services.create_training(actor=CLI, **defaults)  # type: ignore[arg-type]


def sheet(rows: list[list[object]], header: tuple[str, ...] = ("姓名", "单位", "电话")) -> SimpleUploadedFile:
    wb = Workbook()
    ws = wb.active
    ws.append(list(header))
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return SimpleUploadedFile("签到表.xlsx", out.getvalue())


def test_sign_ins_change_the_indicator_of_their_year_and_district_by_their_count(plan) -> None:
    load_definitions(actor=CLI)
    zhifu, laishan = Region.objects.get(name="芝罘区"), Region.objects.get(name="莱山区")
    # A training reported on the indicator page (held elsewhere) counts too, and stays as it was.
    record_training(
        actor=CLI, title="省局培训", date=dt.date(2024, 3, 1), organiser="省局", region=zhifu,
        attendees=[{"name": "甲"}, {"name": "乙"}],
    )  # fmt: skip
    before = {r: _value(2024, r) for r in (zhifu, laishan, None)}
    assert before[zhifu] == 2
    t = training(zhifu)
    for name in ("张三", "李四", "王五"):
        services.sign_in(t, actor=CLI, name=name, organisation_name="测试甲公司", on=DAY)
    added = services.import_sign_in_sheet(
        t,
        sheet([["赵六", "测试乙公司", "13800000000"], ["张三", "测试甲公司", ""], ["孙七", "", ""]]),
        actor=CLI,
    )
    assert added == 2  # 张三 signed in on the phone already
    count = TrainingSignIn.objects.filter(event=t).count()
    assert count == 5
    assert _value(2024, zhifu) == before[zhifu] + count
    assert _value(2024, None) == before[None] + count
    assert _value(2024, laishan) == before[laishan]
    assert _value(2023, zhifu) == 0
    # The drill-down lists them under the training's number.
    t.refresh_from_db()
    assert t.indicator_event is not None
    assert TrainingAttendance.objects.filter(event=t.indicator_event).count() == count
    assert t.indicator_event.title.endswith(f"（{t.number}）")


def test_phone_sign_in_only_on_the_training_days_and_once(personas: Personas) -> None:
    t = training(None)
    with pytest.raises(Refused, match="培训期间"):
        services.sign_in(t, actor=CLI, name="张三", on=DAY - dt.timedelta(days=1))
    services.sign_in(t, actor=CLI, name="张三", organisation_name="甲", on=DAY)
    with pytest.raises(Refused, match="已签到"):
        services.sign_in(t, actor=CLI, name=" 张三 ", organisation_name="甲", on=DAY)
    with pytest.raises(Refused, match="姓名"):
        services.sign_in(t, actor=CLI, name=" ", on=DAY)
    assert AuditEvent.objects.filter(action="training_activity.sign_in", object_id=str(t.pk)).count() == 1


def test_a_bad_sheet_writes_nothing_and_names_the_row(personas: Personas) -> None:
    t = training(None)
    with pytest.raises(Refused, match="第 3 行“姓名”列"):
        services.import_sign_in_sheet(t, sheet([["张三", "甲", ""], ["", "乙", "139"]]), actor=CLI)
    with pytest.raises(Refused, match="缺少“姓名”列"):
        services.import_sign_in_sheet(t, sheet([["张三"]], header=("名字",)), actor=CLI)
    with pytest.raises(Refused, match="签到表"):
        services.import_sign_in_sheet(t, SimpleUploadedFile("签到表.xlsx", b"not a workbook"), actor=CLI)
    assert not TrainingSignIn.objects.exists() and not TrainingAttendance.objects.exists()


def test_registration_and_certificates(personas: Personas) -> None:
    t = training(None)
    services.register_for_training(t, actor=CLI, name="张三", organisation_name="甲")
    with pytest.raises(Refused, match="已报名"):
        services.register_for_training(t, actor=CLI, name="张三", organisation_name="甲")
    for name in ("张三", "李四"):
        services.sign_in(t, actor=CLI, name=name, on=DAY)
    assert services.issue_certificates(t, actor=CLI) == 2
    numbers = list(t.signins.order_by("id").values_list("certificate_number", flat=True))
    assert numbers == [f"{t.number}-001", f"{t.number}-002"]
    services.sign_in(t, actor=CLI, name="王五", on=DAY)
    assert services.issue_certificates(t, actor=CLI) == 1  # only the new one
    assert services.issue_certificates(t, actor=CLI) == 0


def test_the_create_form_refuses_bad_dates(personas: Personas) -> None:
    with pytest.raises(Refused, match="结束日期"):
        training(None, end_date=DAY - dt.timedelta(days=1))
    with pytest.raises(Refused, match="学时"):
        training(None, hours=Decimal("0"))
    assert not TrainingActivity.objects.exists()
