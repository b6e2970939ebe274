"""Dashboard, detail, drill-down and data entry: permissions, content, and drill-down = number."""

from __future__ import annotations

import datetime as dt
import io
import json

import openpyxl
import pytest

from ipcity.core.audit import Actor
from ipcity.core.models import AuditEvent, Region
from ipcity.core.tests.visible_text import visible_text
from ipcity.indicators.models import Indicator, Population, ReportedValue, Snapshot, TrainingAttendance
from ipcity.indicators.services import compute_snapshots
from ipcity.test import Personas


@pytest.fixture
def computed(make_patent, indicators):  # type: ignore[no-untyped-def]
    make_patent(overseas=True)
    make_patent(filed=dt.date(2010, 1, 1), granted=dt.date(2013, 1, 1))
    make_patent(region="370613", ipc=("H01M 10/0525",))
    make_patent()  # valid, not high value
    Population.objects.create(
        region=None, year=2024, kind="year_end", date=dt.date(2024, 12, 31), value=30000, source="测试"
    )
    return compute_snapshots(year=2024, as_of=dt.date(2024, 12, 31), actor=Actor.cli())


def _xlsx_rows(response) -> list[tuple]:  # type: ignore[no-untyped-def]
    return list(openpyxl.load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))


@pytest.mark.django_db
def test_permissions(personas: Personas, computed) -> None:  # type: ignore[no-untyped-def]
    for user in (personas.admin, personas.liaison, personas.district_a):
        assert personas.client(user).get("/indicators/").status_code == 200
    for user in (personas.enterprise_a, personas.agency):
        assert personas.client(user).get("/indicators/").status_code == 403
    assert personas.client(None).get("/indicators/").status_code == 302
    assert personas.client(personas.admin).get("/indicators/data/").status_code == 200
    assert personas.client(personas.liaison).get("/indicators/data/").status_code == 403
    snapshot = Snapshot.objects.filter(indicator__code="hv_invention_patents", region=None).get()
    url = f"/indicators/hv_invention_patents/records/?snapshot={snapshot.pk}"
    assert personas.client(personas.enterprise_a).get(url).status_code == 403


@pytest.mark.django_db
def test_dashboard_shows_kpis_against_targets(personas: Personas, computed) -> None:  # type: ignore[no-untyped-def]
    html = personas.client(personas.admin).get("/indicators/?year=2024").content.decode()
    assert 'data-kpi="hv_invention_patents_per_10k"' in html
    assert "1.00" in html  # 3 high-value ÷ 3.0 (×10k)
    assert "目标 ≥ 8.1 件" in html


@pytest.mark.django_db
def test_dashboard_cards_show_formatted_numbers_and_the_detail_page_the_formulas(  # type: ignore[no-untyped-def]
    personas: Personas, make_patent, indicators
) -> None:
    make_patent(overseas=True)
    Population.objects.create(
        region=None, year=2024, kind="year_end", date=dt.date(2024, 12, 31), value=6824000, source="测试"
    )
    fund = Indicator.objects.get(code="ip_operation_fund_size")
    ReportedValue.objects.create(
        indicator=fund,
        region=None,
        year=2024,
        value=455000000,
        source="测试",
        source_date=dt.date(2025, 1, 20),
    )
    compute_snapshots(year=2024, as_of=dt.date(2024, 12, 31), actor=Actor.cli())
    client = personas.client(personas.admin)
    html = client.get("/indicators/?year=2024").content.decode()
    cards = html.split('data-testid="kpi-cards"')[1].split('<div class="row g-3">')[0]
    assert ">4.55 亿元</a>" in cards and "目标 ≥ 1 亿元" in cards
    # The formula is not on the dashboard, but in the indicator's 计算说明.
    text, _links = visible_text(html)
    assert "常住人口" not in text and "÷" not in text and "455000000" not in text
    detail = client.get("/indicators/hv_invention_patents_per_10k/").content.decode()
    explained = detail.split('data-testid="calculation"')[1].split("</ul>")[0]
    assert "2024 年（全市）：高价值发明专利 1 件 ÷ 年末常住人口 682.4 万人" in explained
    # Progress to target in the indicator's unit.
    fund_page, _links = visible_text(client.get("/indicators/ip_operation_fund_size/").content.decode())
    assert "2024 年：缺少 2021 年基数，仅与目标值 1 亿元 比较" in fund_page and "100000000" not in fund_page
    # Every district labelled in the chart: the value's text goes with it.
    page = client.get("/indicators/?year=2024").content.decode()
    data = page.split('id="indicator-data" type="application/json">')[1].split("</script>")[0]
    chart = json.loads(data)  # the page's chart data (the body is cached: not in the context)
    fund_chart = next(i for i in chart["indicators"] if i["code"] == "ip_operation_fund_size")
    assert fund_chart["trend_text"] == ["4.55 亿元"]


@pytest.mark.django_db
def test_the_office_records_why_a_region_has_no_population(
    personas: Personas, make_patent, indicators
) -> None:  # type: ignore[no-untyped-def]
    zone = Region.objects.get(code="YT-GXQ")
    make_patent(region="YT-GXQ", overseas=True)
    client = personas.client(personas.admin)
    data = {
        "kind": "population_gap",
        "gap-region": zone.pk,
        "gap-year": 2024,
        "gap-reason": "功能区无常住人口统计",
    }
    assert personas.client(personas.liaison).post("/indicators/data/", data).status_code == 403
    response = client.post("/indicators/data/", data)
    assert response.status_code == 302
    event = AuditEvent.objects.get(action="population_gap.create")
    assert event.actor == personas.admin and event.after == {
        "region": "烟台高新区",
        "year": 2024,
        "reason": "功能区无常住人口统计",
    }
    assert "功能区无常住人口统计" in client.get("/indicators/data/").content.decode()
    compute_snapshots(year=2024, as_of=dt.date(2024, 12, 31), actor=Actor.cli())
    detail = client.get("/indicators/hv_invention_patents_per_10k/").content.decode()
    row = detail.split("烟台高新区")[1].split("</tr>")[0]
    assert "功能区无常住人口统计" in row and "缺少分母数据" not in row
    bad = client.post("/indicators/data/", {**data, "gap-year": "1800"})
    assert "年份不能早于 2015" in bad.content.decode()


@pytest.mark.django_db
def test_drilldown_matches_the_number_on_screen_and_in_excel(personas: Personas, computed) -> None:  # type: ignore[no-untyped-def]
    client = personas.client(personas.liaison)
    for code in ("hv_invention_patents", "hv_invention_patents_per_10k", "invention_patents_valid"):
        for snapshot in Snapshot.objects.filter(indicator__code=code, year=2024).exclude(numerator=None):
            assert snapshot.numerator is not None
            number = int(snapshot.numerator)
            page = client.get(f"/indicators/{code}/records/?snapshot={snapshot.pk}")
            assert page.context["total"] == number, (code, snapshot.region)
            rows = _xlsx_rows(client.get(f"/indicators/{code}/records/?snapshot={snapshot.pk}&format=xlsx"))
            assert len(rows) - 1 == number
    city = Snapshot.objects.get(indicator__code="hv_invention_patents", region=None)
    rows = _xlsx_rows(client.get(f"/indicators/hv_invention_patents/records/?snapshot={city.pk}&format=xlsx"))
    assert rows[0][-1] == "满足条件"
    assert sorted(r[-1] for r in rows[1:]) == ["战略性新兴产业", "海外同族授权", "维持年限超过10年"]


@pytest.mark.django_db
def test_data_entry_reported_value_population_and_training(personas: Personas, indicators) -> None:  # type: ignore[no-untyped-def]
    client = personas.client(personas.admin)
    fund = Indicator.objects.get(code="ip_operation_fund_size")
    response = client.post(
        "/indicators/data/",
        {
            "kind": "reported",
            "reported-indicator": fund.pk,
            "reported-year": 2023,
            "reported-value": "60000000",
            "reported-source": "",
            "reported-source_date": "2024-01-20",
        },
    )
    assert "每个数值都必须注明来源" in response.content.decode()
    assert not ReportedValue.objects.exists()
    client.post(
        "/indicators/data/",
        {
            "kind": "reported",
            "reported-indicator": fund.pk,
            "reported-year": 2023,
            "reported-value": "60000000",
            "reported-source": "市财政局函〔2024〕1号",
            "reported-source_date": "2024-01-20",
        },
    )
    assert ReportedValue.objects.get().value == 60000000
    assert AuditEvent.objects.filter(action="reported_value.create", actor=personas.admin).exists()
    client.post(
        "/indicators/data/",
        {
            "kind": "population",
            "population-region": Region.objects.get(code="370602").pk,
            "population-year": 2024,
            "population-value": 910000,
            "population-source": "芝罘区统计公报",
        },
    )
    assert Population.objects.get(region__code="370602", year=2024).value == 910000

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["培训名称", "日期", "主办单位", "区市", "姓名", "单位", "电话"])
    sheet.append(["专利导航培训", "2024-04-26", "市市场监管局", "芝罘区", "张三", "甲公司", ""])
    sheet.append(["专利导航培训", "2024-04-26", "市市场监管局", "芝罘区", "", "乙公司", ""])
    sheet.append(["专利导航培训", "2024/13/01", "市市场监管局", "火星区", "李四", "乙公司", ""])
    buffer = io.BytesIO()
    workbook.save(buffer)
    bad = io.BytesIO(buffer.getvalue())
    bad.name = "签到表.xlsx"
    html = client.post("/indicators/data/", {"kind": "training", "training-file": bad}).content.decode()
    assert "第 3 行“姓名”列" in html and "第 4 行“日期”列" in html
    assert not TrainingAttendance.objects.exists()
    sheet.delete_rows(3, 2)
    buffer = io.BytesIO()
    workbook.save(buffer)
    good = io.BytesIO(buffer.getvalue())
    good.name = "签到表.xlsx"
    client.post("/indicators/data/", {"kind": "training", "training-file": good})
    assert TrainingAttendance.objects.count() == 1


@pytest.mark.django_db
def test_bad_snapshot_id_is_404_and_survey_needs_a_source(personas: Personas, indicators) -> None:  # type: ignore[no-untyped-def]
    client = personas.client(personas.admin)
    assert client.get("/indicators/hv_invention_patents/records/?snapshot=abc").status_code == 404
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["年份", "受访群体", "样本量", "群体权重", "一级指标", "二级指标", "指标权重", "得分"])
    sheet.append([2024, "社会公众", 100, 1, "意识培养", "", 1, 80])
    buffer = io.BytesIO()
    workbook.save(buffer)
    upload = io.BytesIO(buffer.getvalue())
    upload.name = "满意度.xlsx"
    html = client.post(
        "/indicators/data/",
        {
            "kind": "survey",
            "survey-file": upload,
            "survey-organiser": "",
            "survey-method": "",
            "survey-source": "",
        },
    ).content.decode()
    assert "调查结果必须注明来源" in html
    from ipcity.indicators.models import Survey

    assert not Survey.objects.exists()
