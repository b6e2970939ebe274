"""Registry pages: who may see what, filters, Excel exports, query budgets, the upload job."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from ipcity.core.models import Job
from ipcity.registry.importers import import_file
from ipcity.registry.models import Patent, ReviewItem
from ipcity.registry.services import upsert_organisation
from ipcity.registry.tests.helpers import ACTOR, app_no, write_csv, write_xlsx
from ipcity.test import Personas

pytestmark = pytest.mark.django_db

HEADERS = [
    "申请号",
    "申请日",
    "名称",
    "申请（专利权）人",
    "主分类号",
    "分类号",
    "法律状态",
    "地址",
    "专利类型",
]


def patents(
    tmp_path: Path, n: int, *, start: int = 1, holder: str = "测试甲公司", name: str = "p.csv"
) -> list[str]:
    numbers = [app_no(2020 + i % 4, "1" if i % 3 else "2", start + i) for i in range(n)]
    rows = [
        [num, f"{num[:4]}-05-0{1 + i % 9}", f"一种测试装置{i}", holder, "G06F 1/16" if i % 2 else "G06F 16/30",
         "", "有效" if i % 4 else "未缴年费专利权终止", "烟台市芝罘区", ""]
        for i, num in enumerate(numbers)
    ]  # fmt: skip
    result = import_file("patents", write_csv(tmp_path / name, HEADERS, rows), actor=ACTOR)
    assert result.created == n, result.errors
    return numbers


def profile_data(tmp_path: Path, numbers: list[str]) -> None:
    results = [
        import_file(
            "organisations",
            write_csv(tmp_path / "o.csv", ["统一社会信用代码", "名称", "标签", "贯标证书编号", "贯标标准版本", "发证日期", "证书有效期至"],
                      [["91370602MADEM0001X", "测试甲公司", "高新技术企业（2023）", "IPMS-9", "2023", "2024-01-01", "2026-12-31"]]),
            actor=ACTOR,
        ),
        import_file(
            "pledges",
            write_csv(tmp_path / "pl.csv", ["质押登记号", "出质人", "质权人", "专利申请号", "担保金额（万元）", "登记日"],
                      [["Y2023980000001", "测试甲公司", "测试银行", numbers[0], "300", "2023-05-05"]]),
            actor=ACTOR,
        ),
        import_file(
            "licences",
            write_csv(tmp_path / "l.csv", ["备案号", "许可类型", "许可人", "被许可人", "专利申请号", "费用（万元）", "合同日期"],
                      [["X1", "普通许可", "测试甲公司", "测试乙公司", numbers[1], "10", "2023-06-06"]]),
            actor=ACTOR,
        ),
        import_file(
            "awards",
            write_csv(tmp_path / "a.csv", ["奖项", "等级", "年度", "专利号", "专利权人"],
                      [["山东省专利奖", "二等奖", "2023", numbers[1], "测试甲公司"]]),
            actor=ACTOR,
        ),
    ]  # fmt: skip
    assert all(not r.refused for r in results), [r.errors for r in results]


ALL = ["anon", "admin", "liaison", "district_a", "district_b", "enterprise_a", "enterprise_b", "agency"]


def outcome(response) -> object:
    if response.status_code == 302:
        return "login" if "/accounts/login/" in response["Location"] else "redirect"
    return response.status_code


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("/registry/patents/", dict.fromkeys(ALL, 200)),
        ("/registry/patents/?format=xlsx", dict.fromkeys(ALL, 200)),
        ("patent", dict.fromkeys(ALL, 200)),
        ("/registry/organisations/?format=xlsx", {**dict.fromkeys(ALL, 200), "anon": "login"}),
        ("/registry/imports/", {**dict.fromkeys(ALL, 403), "anon": "login", "admin": 200}),
        ("import", {**dict.fromkeys(ALL, 403), "anon": "login", "admin": 200}),
    ],
)
def test_who_may_see_registry_pages(
    tmp_path: Path, personas: Personas, url: str, expected: dict[str, object]
) -> None:
    numbers = patents(tmp_path, 2)
    if url == "patent":
        url = f"/registry/patents/{numbers[0]}/"
    if url == "import":
        from ipcity.registry.models import ImportRun

        url = f"/registry/imports/{ImportRun.objects.get().pk}/"
    for persona in ALL:
        user = None if persona == "anon" else getattr(personas, persona)
        assert outcome(personas.client(user).get(url)) == expected[persona], persona


def test_upload_is_for_city_admins_only(tmp_path: Path, personas: Personas) -> None:
    path = write_csv(
        tmp_path / "u.csv", HEADERS, [[app_no(2022, "1", 1), "2022-01-01", "x", "甲", "", "", "有效", "", ""]]
    )
    for persona in ["district_a", "enterprise_a", "liaison"]:
        with path.open("rb") as handle:
            response = personas.client(getattr(personas, persona)).post(
                "/registry/imports/", {"kind": "patents", "file": handle}
            )
        assert response.status_code == 403
    assert Patent.objects.count() == 0 and Job.objects.count() == 0


def test_upload_runs_the_importer_as_a_job(tmp_path: Path, personas: Personas) -> None:
    number = app_no(2022, "1", 1)
    path = write_xlsx(
        tmp_path / "u.xlsx",
        HEADERS,
        [[number, "2022-01-01", "一种装置", "测试甲公司", "G06F 16/30", "", "有效", "", ""]],
    )
    client = personas.client(personas.admin)
    with path.open("rb") as handle:
        response = client.post("/registry/imports/", {"kind": "patents", "file": handle})
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/jobs/{job.pk}/"
    assert (job.status, job.kind, job.label) == ("succeeded", "registry.import", "导入专利：u.xlsx")
    assert job.result is not None
    assert job.result["新增"] == 1 and job.result["导入记录"].startswith("/registry/imports/")
    patent = Patent.objects.get()
    assert patent.first_holder == personas.org_a and patent.region.name == "芝罘区"  # type: ignore[union-attr]
    page = client.get(f"/jobs/{job.pk}/").content.decode()
    assert "已完成" in page and "新增" in page


def test_refused_upload_fails_the_job_with_the_reasons(tmp_path: Path, personas: Personas) -> None:
    bad = write_csv(
        tmp_path / "bad.csv",
        HEADERS,
        [[app_no(2022, "1", 1)[:-1] + "Y", "2022-01-01", "x", "甲", "", "", "有效", "", ""]],
    )
    with bad.open("rb") as handle:
        personas.client(personas.admin).post("/registry/imports/", {"kind": "patents", "file": handle})
    job = Job.objects.get()
    assert job.status == "failed"
    assert "文件 bad.csv 被拒绝，未写入任何数据" in job.error
    assert "第 2 行“申请号”列" in job.error and "专利申请号格式不正确" in job.error
    assert Patent.objects.count() == 0


def test_upload_of_a_picture_is_refused(tmp_path: Path, personas: Personas) -> None:
    picture = tmp_path / "p.xlsx"
    picture.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(100))
    with picture.open("rb") as handle:
        personas.client(personas.admin).post("/registry/imports/", {"kind": "patents", "file": handle})
    job = Job.objects.get()
    assert job.status == "failed" and "不是表格文件（内容是PNG 图片）" in job.error


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, 8),
        ({"ipc": "G06F"}, 8),
        ({"ipc": "G06F 1"}, 4),  # main group G06F 1 — not G06F 16
        ({"ipc": "G06F1*"}, 4),
        ({"ipc": "G06F 16/30"}, 4),
        ({"ipc": "坏"}, 0),
        ({"status": "lapsed"}, 2),
        ({"patent_type": "utility_model"}, 3),
        ({"year": 2021}, 2),
        ({"q": "装置3"}, 1),
    ],
)
def test_patent_filters(tmp_path: Path, client, params, expected) -> None:
    patents(tmp_path, 8)
    response = client.get("/registry/patents/", params)
    assert response.context["page"].paginator.count == expected


def test_patent_list_rows_link_to_their_pages_and_show_labels(tmp_path: Path, client) -> None:
    numbers = patents(tmp_path, 4)
    html = client.get("/registry/patents/").content.decode()
    for number in numbers:
        patent = Patent.objects.get(application_number=number)
        assert f'href="{reverse("registry:patent", args=[number])}"' in html
        assert patent.get_legal_status_display() in html and patent.get_patent_type_display() in html
    assert client.get(reverse("registry:patent", args=[numbers[0]])).status_code == 200


def test_patent_filters_by_tag_region_and_organisation(tmp_path: Path, personas: Personas, client) -> None:
    numbers = patents(tmp_path, 3)
    patents(tmp_path, 2, start=100, holder="测试乙公司", name="b.csv")
    profile_data(tmp_path, numbers)
    assert client.get("/registry/patents/", {"tag": "high_tech"}).context["page"].paginator.count == 3
    laishan = personas.org_b.region_id
    assert client.get("/registry/patents/", {"region": laishan}).context["page"].paginator.count == 2
    response = client.get("/registry/patents/", {"organisation": personas.org_a.pk})
    assert response.context["page"].paginator.count == 3


def test_patent_excel_export_follows_the_filters(tmp_path: Path, client) -> None:
    numbers = patents(tmp_path, 6)
    response = client.get("/registry/patents/", {"ipc": "G06F 1", "format": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("申请号", "名称", "类型")
    assert sorted(r[0] for r in rows[1:]) == sorted(f"CN{n}" for i, n in enumerate(numbers) if i % 2)


def test_organisation_excel_export_is_scoped(tmp_path: Path, personas: Personas) -> None:
    patents(tmp_path, 2)
    response = personas.client(personas.district_b).get("/registry/organisations/", {"format": "xlsx"})
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert [r[0] for r in rows[1:]] == ["测试乙公司"]
    response = personas.client(personas.admin).get(
        "/registry/organisations/", {"format": "xlsx", "q": "测试甲"}
    )
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[1][0] == "测试甲公司" and rows[1][-1] == 2  # patents held


def test_profile_shows_portfolio_pledges_licences_awards_certificates(
    tmp_path: Path, personas: Personas
) -> None:
    numbers = patents(tmp_path, 4)
    profile_data(tmp_path, numbers)
    html = (
        personas.client(personas.enterprise_a)
        .get(f"/registry/organisations/{personas.org_a.pk}/")
        .content.decode()
    )
    assert "专利（4 件）" in html
    assert '<th scope="row">发明</th><td>有效：2</td>' in html
    assert '<th scope="row">实用新型</th><td>有效：1；失效（未缴年费或放弃）：1</td>' in html
    assert "Y2023980000001" in html and "3000000.00" in html and "（首次）" in html
    assert "普通许可" in html and "测试乙公司" in html
    assert "2023 年 山东省专利奖二等奖" in html
    assert "IPMS-9" in html and "GB/T 29490-2023" in html
    assert "高新技术企业（2023）" in html


def test_patent_page_links_holders_only_when_visible(tmp_path: Path, personas: Personas) -> None:
    numbers = patents(tmp_path, 1)
    url = f"/registry/patents/{numbers[0]}/"
    profile_link = f'href="/registry/organisations/{personas.org_a.pk}/"'
    assert profile_link in personas.client(personas.enterprise_a).get(url).content.decode()
    assert profile_link not in personas.client(personas.enterprise_b).get(url).content.decode()
    public = personas.client(None).get(url).content.decode()
    assert "测试甲公司" in public and profile_link not in public
    assert personas.client(None).get("/registry/patents/200000000000.0/").status_code == 404


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_list_and_profile_pages_stay_within_query_budgets(tmp_path: Path, personas: Personas) -> None:
    numbers = patents(tmp_path, 3)
    profile_data(tmp_path, numbers)
    admin = personas.client(personas.admin)
    pages = {  # the city admin's pages include one query for the working-day calendar's banner
        "/registry/patents/": 8,
        "/registry/patents/?ipc=G06F&tag=high_tech": 8,
        "/registry/organisations/": 8,
        # + the 一企一档 sections of grants: applications, entitlements, grants and totals, credit;
        # and of the market: offers, needs, deals
        f"/registry/organisations/{personas.org_a.pk}/": 26,
        f"/registry/patents/{numbers[0]}/": 13,
        "/registry/imports/": 9,
    }
    small = {url: _queries(admin, url) for url in pages}
    more = patents(tmp_path, 40, start=500, name="more.csv")
    import_file(
        "pledges",
        write_csv(tmp_path / "pl2.csv", ["质押登记号", "出质人", "质权人", "专利申请号", "担保金额（万元）", "登记日"],
                  [[f"Y20249800000{i:02d}", "测试甲公司", "测试银行", f"{more[i]};{more[i + 1]}", "100", "2024-01-02"] for i in range(10)]),
        actor=ACTOR,
    )  # fmt: skip
    large = {url: _queries(admin, url) for url in pages}
    for url, budget in pages.items():
        assert large[url] == small[url], f"{url}: queries grow with data ({small[url]} -> {large[url]})"
        assert large[url] <= budget, f"{url}: {large[url]} queries, budget {budget}"


def test_review_queue_resolved_on_its_page(tmp_path: Path, personas: Personas) -> None:
    from ipcity.registry.models import OrganisationName

    for org in (personas.org_a, personas.org_b):
        OrganisationName.objects.create(organisation=org, name="测试公司", name_key="测试公司", kind="alias")
    patents(tmp_path, 2, holder="测试公司")
    item = ReviewItem.objects.get()
    client = personas.client(personas.admin)
    assert "1 个名称待确认" in client.get("/registry/imports/").content.decode()
    page = client.get("/registry/reviews/").content.decode()
    assert "测试甲公司" in page and "测试乙公司" in page
    url = f"/registry/reviews/{item.pk}/resolve/"
    response = client.post(url, {"organisation": ""}, follow=True)  # must choose one
    assert "请选择机构" in response.content.decode()
    response = client.post(url + "?status=", {"organisation": personas.org_b.pk})
    assert response["Location"] == "/registry/reviews/?status="
    item.refresh_from_db()
    assert (item.status, item.organisation) == ("resolved", personas.org_b)
    assert Patent.objects.filter(first_holder=personas.org_b).count() == 2
    outsider, _ = upsert_organisation(actor=ACTOR, name="测试丙公司", values={"kind": "enterprise"})
    client.post(f"/registry/reviews/{item.pk}/reopen/")
    response = client.post(url, {"organisation": outsider.pk}, follow=True)
    assert "所选机构不是该名称的候选机构" in response.content.decode()
    item.refresh_from_db()
    assert item.status == "open"


def test_review_queue_is_the_city_offices(personas: Personas) -> None:
    for name in ("liaison", "district_a", "enterprise_a", "agency"):
        assert personas.client(getattr(personas, name)).get("/registry/reviews/").status_code == 403
    assert personas.client(None).get("/registry/reviews/").status_code == 302


def test_review_queue_stays_within_its_query_budget(tmp_path: Path, personas: Personas) -> None:
    from ipcity.registry.tests.test_workflows import ambiguous_name

    client = personas.client(personas.admin)
    ambiguous_name(tmp_path, personas)
    few = _queries(client, "/registry/reviews/")
    for _ in range(4):
        ambiguous_name(tmp_path, personas)
    many = _queries(client, "/registry/reviews/")
    assert many == few <= 9, (few, many)  # incl. the working-day calendar check for the city office


def test_profile_says_whether_each_gbt29490_certificate_is_in_force_today(
    tmp_path: Path, personas: Personas, monkeypatch: pytest.MonkeyPatch
) -> None:
    import datetime as dt

    from ipcity.registry import views

    headers = ["统一社会信用代码", "名称", "贯标证书编号", "贯标标准版本", "发证日期", "证书有效期至"]
    row = ["91370602MADEM0001X", "测试甲公司", "IPMS-2013;IPMS-2023", "2013;2023", "2024-01-01;2024-06-01",
           "2027-01-01;2027-05-31"]  # fmt: skip
    result = import_file("organisations", write_csv(tmp_path / "c.csv", headers, [row]), actor=ACTOR)
    assert not result.errors
    monkeypatch.setattr(views.timezone, "localdate", lambda: dt.date(2026, 3, 1))
    html = personas.client(personas.enterprise_a).get(f"/registry/organisations/{personas.org_a.pk}/")
    table = html.content.decode().split('data-testid="certificates"')[1].split("</table>")[0]
    row_2013 = table.split("IPMS-2013")[1].split("</tr>")[0]
    row_2023 = table.split("IPMS-2023")[1].split("</tr>")[0]
    assert "已失效（2013 版证书 2025-12-31 后不再有效）" in row_2013
    assert "<td>有效</td>" in row_2023


def test_patent_page_flags_a_status_stale_past_the_statutory_term(
    tmp_path: Path, client, monkeypatch
) -> None:
    """专利法 第四十二条: filed 2004-03-10, an invention is protected up to and including 2024-03-09.
    The page says the export's 有效 is out of date from 2024-03-10 in Shanghai, not before."""
    import datetime as dt

    from django.utils import timezone

    number = app_no(2004, "1", 777)
    rows = [[number, "2004-03-10", "一种到期装置", "测试甲公司", "G06F 1/16", "", "有效", "烟台市芝罘区", ""]]
    import_file("patents", write_csv(tmp_path / "t.csv", HEADERS, rows), actor=ACTOR)
    url = reverse("registry:patent", args=[number])

    def page_at(utc: dt.datetime) -> str:
        monkeypatch.setattr(timezone, "now", lambda: utc)
        return client.get(url).content.decode()

    notice = "导出数据中的法律状态已过时：该专利已于 2024-03-09 保护期届满"
    # 2024-03-09 23:59 in Shanghai: the last day of the term.
    assert notice not in page_at(dt.datetime(2024, 3, 9, 15, 59, tzinfo=dt.UTC))
    # 2024-03-10 00:30 in Shanghai (still 9 March in UTC): the term is over.
    html = page_at(dt.datetime(2024, 3, 9, 16, 30, tzinfo=dt.UTC))
    assert notice in html
    Patent.objects.filter(application_number=number).update(legal_status="expired")
    assert "导出数据中的法律状态已过时" not in page_at(dt.datetime(2025, 1, 1, tzinfo=dt.UTC))


def test_patent_page_shows_the_term_with_its_extension(tmp_path: Path, client) -> None:
    number = app_no(2015, "1", 778)
    path = write_csv(
        tmp_path / "e.csv",
        ["申请号", "申请日", "授权公告日", "名称", "申请（专利权）人", "法律状态", "专利权期限补偿（天）"],
        [[number, "2015-03-10", "2020-01-02", "一种补偿装置", "测试甲公司", "有效", "120"]],
    )
    assert import_file("patents", path, actor=ACTOR).created == 1
    html = client.get(reverse("registry:patent", args=[number])).content.decode()
    assert "保护期限至" in html and "2035-07-07" in html and "含专利权期限补偿 120 天" in html
    assert "导出数据中的法律状态已过时" not in html


def test_profile_portfolio_shows_a_valid_past_its_term_on_its_own(tmp_path: Path, personas: Personas) -> None:
    numbers = patents(tmp_path, 4)
    old = app_no(2004, "1", 779)
    rows = [[old, "2004-03-10", "一种到期装置", "测试甲公司", "G06F 1/16", "", "有效", "烟台市芝罘区", ""]]
    import_file("patents", write_csv(tmp_path / "old.csv", HEADERS, rows), actor=ACTOR)
    profile_data(tmp_path, [*numbers, old])
    html = (
        personas.client(personas.enterprise_a)
        .get(f"/registry/organisations/{personas.org_a.pk}/")
        .content.decode()
    )
    assert "专利（5 件）" in html
    assert '<th scope="row">发明</th><td>有效：2；有效但保护期已届满（导出数据过时）：1</td>' in html
