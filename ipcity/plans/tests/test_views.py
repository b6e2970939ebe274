"""Plan pages: content, filters, and query budgets on list pages."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ipcity.core.models import Department
from ipcity.plans.models import Programme, Stage


@pytest.mark.django_db
def test_home_shows_goals_with_targets_and_programmes(plan, client) -> None:
    html = client.get("/").content.decode()
    assert plan.title in html
    assert "万人高价值发明专利拥有量" in html and "≥ 8.1 件" in html
    assert "知识产权保护社会满意度" in html and "≥ 85 分" in html
    for programme in Programme.objects.all():
        assert programme.title in html


@pytest.mark.django_db
def test_targets_read_as_people_say_them(plan, client) -> None:
    html = client.get("/plan/programmes/P3/").content.decode()
    assert "知识产权运营基金规模" in html and "≥ 1 亿元" in html
    assert "100000000" not in html
    assert "≥ 1,000 人次/年" in client.get("/plan/programmes/P7/").content.decode()


@pytest.mark.django_db
def test_row_page_shows_clause_text_departments_and_stage(plan, client) -> None:
    html = client.get("/plan/rows/P2.S2.R2/").content.decode()
    assert "附件二(二)2" in html
    assert "二(二)2" in html and "每年建设不超过10个高价值专利培育中心" in html  # the main-text clause
    assert 'data-testid="lead"' in html and "市市场监管局" in html
    assert "市科技局" in html
    assert "动员部署阶段" in html and "阶段重点" in html


@pytest.mark.django_db
def test_department_page_lists_lead_and_co_rows(plan, client) -> None:
    response = client.get("/plan/departments/finance/")
    assert response.context["lead_rows"] == []
    co_clauses = [r.clause for r in response.context["co_rows"]]
    assert "附件三(三)2" in co_clauses and "附件一(二)" in co_clauses
    assert len(co_clauses) == 20
    amr = client.get("/plan/departments/amr/")
    assert len(amr.context["lead_rows"]) == 37  # 附件三(一)2 is led by 市发改委


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, 38),
        ({"department": "court"}, 3),
        ({"department": "ndrc", "role": "lead"}, 1),
        ({"department": "ndrc", "role": "co"}, 2),
        ({"programme": "P3"}, 8),
        ({"stage": "S3"}, 3),
        ({"q": "地理标志"}, 1),
        ({"department": "finance", "programme": "P5"}, 5),
    ],
)
def test_row_filters(plan, client, params, expected) -> None:
    query = dict(params)
    if "department" in query:
        query["department"] = Department.objects.get(code=query["department"]).pk
    if "programme" in query:
        query["programme"] = Programme.objects.get(code=query["programme"]).pk
    if "stage" in query:
        query["stage"] = Stage.objects.get(code=query["stage"]).pk
    response = client.get("/plan/rows/", query)
    assert len(response.context["rows"]) == expected


@pytest.mark.django_db
def test_htmx_filter_returns_only_the_table(plan, client) -> None:
    response = client.get("/plan/rows/", {"q": "商标"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="row-table">')
    assert "<html" not in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/plan/",
        "/plan/rows/",
        "/plan/departments/",
        "/plan/departments/amr/",
        "/plan/programmes/P1/",
        "/plan/stages/S1/",
    ],
)
def test_query_budget(plan, client, url) -> None:
    # Fixed number of queries whatever the number of rows: no N+1.
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    assert len(queries) <= 15, [q["sql"][:120] for q in queries]
