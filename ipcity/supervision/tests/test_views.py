"""Supervision pages: every view for the allowed and the forbidden personas, the main flows
through the web, rendered content, and query budgets on list pages."""

from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from ipcity.core.audit import Actor
from ipcity.core.models import AuditEvent
from ipcity.lib.excel import workbook_bytes
from ipcity.supervision import services
from ipcity.supervision.choices import RuleKind
from ipcity.supervision.decomposition import COL, SHEET, decomposition_workbook
from ipcity.supervision.models import Escalation, FlagRecord, Milestone, ProgressReport, RuleSet

from .conftest import at
from .test_reports import PDF

ALL = ["anon", "admin", "liaison", "liaison_other", "district_a", "district_b", "enterprise_a", "agency"]
STAFF = ["admin", "liaison", "liaison_other", "district_a", "district_b"]
CLI = Actor.cli("test")


@dataclass
class World:
    fin: Milestone  # 市财政局's share of 附件一(二)
    amr: Milestone  # 市市场监管局's share of the same row
    zhifu: Milestone  # 芝罘区's share of 附件三(二), a 重点项目
    report: ProgressReport
    escalation: Escalation


@pytest.fixture
def world(personas, make_milestone) -> World:
    fin = make_milestone()
    amr = make_milestone(department="市市场监管局", position=2, title="市场监管局节点")
    zhifu = make_milestone(
        "P3.S2", department="各区市局", region="芝罘区", key=True, title="芝罘区专利项目落户"
    )
    report = services.submit_report(
        fin,
        period_code="2023-Q1",
        percent_complete=40,
        narrative="进展",
        actor=Actor.web(personas.liaison),
        uploads=[SimpleUploadedFile("证明.pdf", PDF)],
        at=at("2023-02-20"),
        recompute=False,
    )
    services.recompute_flags(as_of=dt.date(2023, 3, 1), actor=CLI)
    return World(fin, amr, zhifu, report, Escalation.objects.get(milestone=zhifu))


def outcome(response) -> object:
    if response.status_code == 302 and "/accounts/login/" in response["Location"]:
        return "login"
    if response.status_code == 302:
        return "ok"
    return response.status_code


def only(
    allowed: list[str], *, yes: object = 200, no: object = 403, hidden: list[str] | None = None
) -> dict[str, object]:
    result = {}
    for p in ALL:
        if p in allowed:
            result[p] = yes
        elif p == "anon":
            result[p] = "login"
        elif hidden and p in hidden:
            result[p] = 404
        else:
            result[p] = no
    return result


def pdf_upload() -> SimpleUploadedFile:
    return SimpleUploadedFile("材料.pdf", PDF, content_type="application/pdf")


MATRIX = [
    ("dashboard", "get", lambda w: "/supervision/", {}, only(STAFF)),
    ("dashboard as of", "get", lambda w: "/supervision/?as_of=2023-02-01", {}, only(STAFF)),
    ("milestones", "get", lambda w: "/supervision/milestones/", {}, only(STAFF)),
    ("milestones xlsx", "get", lambda w: "/supervision/milestones/?format=xlsx", {}, only(STAFF)),
    (
        "milestone",
        "get",
        lambda w: f"/supervision/milestones/{w.fin.pk}/",
        {},
        only(["admin", "liaison"], hidden=["liaison_other", "district_a", "district_b"]),
    ),
    (
        # 市财政局 co-leads 附件三(二): its liaison sees the districts' shares of that row too.
        "district milestone",
        "get",
        lambda w: f"/supervision/milestones/{w.zhifu.pk}/",
        {},
        only(["admin", "district_a", "liaison"], hidden=["liaison_other", "district_b"]),
    ),
    (
        "report form",
        "get",
        lambda w: f"/supervision/milestones/{w.fin.pk}/report/2023-Q1/",
        {},
        only(["liaison"], hidden=["liaison_other", "district_a", "district_b"]),
    ),
    (
        "report form, not own department",
        "get",
        lambda w: f"/supervision/milestones/{w.amr.pk}/report/2023-Q1/",
        {},
        only([], hidden=["liaison_other", "district_a", "district_b"]),
    ),
    (
        "district report form",
        "get",
        lambda w: f"/supervision/milestones/{w.zhifu.pk}/report/2023-Q1/",
        {},
        only(["district_a"], hidden=["liaison_other", "district_b"]),
    ),
    (
        "report save",
        "post",
        lambda w: f"/supervision/milestones/{w.fin.pk}/report/2023-Q1/",
        {"percent_complete": "50", "narrative": "更新"},
        only(["liaison"], yes="ok", hidden=["liaison_other", "district_a", "district_b"]),
    ),
    (
        "report",
        "get",
        lambda w: f"/supervision/reports/{w.report.pk}/",
        {},
        only(["admin", "liaison"], hidden=["liaison_other", "district_a", "district_b"]),
    ),
    (
        "report attachment",
        "get",
        lambda w: f"/supervision/reports/{w.report.pk}/attachments/{w.report.versions.get().attachments.get().pk}/",
        {},
        only(["admin", "liaison"], hidden=["liaison_other", "district_a", "district_b"]),
    ),
    (
        "report return",
        "post",
        lambda w: f"/supervision/reports/{w.report.pk}/return/",
        {"comment": "请补充材料"},
        only(["admin"], yes="ok", hidden=["liaison_other", "district_a", "district_b"]),
    ),
    (
        "report accept",
        "post",
        lambda w: f"/supervision/reports/{w.report.pk}/accept/",
        {},
        only(["admin"], yes="ok", hidden=["liaison_other", "district_a", "district_b"]),
    ),
    ("flags", "get", lambda w: "/supervision/flags/?as_of=2023-03-01", {}, only(STAFF)),
    (
        "flags recompute",
        "post",
        lambda w: "/supervision/flags/recompute/",
        {"as_of": "2023-03-01"},
        only(["admin"], yes="ok"),
    ),
    ("rules", "get", lambda w: "/supervision/rules/", {}, only(["admin"])),
    (
        "rules save",
        "post",
        lambda w: "/supervision/rules/",
        {
            "kind": "assessment",
            "note": "调整",
            "text": (services.selectors.RULE_FILES[RuleKind.ASSESSMENT]).read_text(encoding="utf-8"),
        },
        only(["admin"], yes="ok"),
    ),
    ("escalations", "get", lambda w: "/supervision/escalations/", {}, only(STAFF)),
    (
        "escalation",
        "get",
        lambda w: f"/supervision/escalations/{w.escalation.pk}/",
        {},
        only(["admin", "district_a"], hidden=["liaison", "liaison_other", "district_b"]),
    ),
    (
        "escalation docx",
        "get",
        lambda w: f"/supervision/escalations/{w.escalation.pk}/docx/",
        {},
        only(["admin", "district_a"], hidden=["liaison", "liaison_other", "district_b"]),
    ),
    (
        "escalation follow-up",
        "post",
        lambda w: f"/supervision/escalations/{w.escalation.pk}/follow-up/",
        {"kind": "interview", "on": "2023-03-02", "note": "约谈"},
        only(["admin"], yes="ok", hidden=["liaison", "liaison_other", "district_b"]),
    ),
    ("assessment", "get", lambda w: "/supervision/assessment/?year=2023", {}, only(["admin"])),
    (
        "assessment xlsx",
        "get",
        lambda w: "/supervision/assessment/?year=2023&format=xlsx",
        {},
        only(["admin"]),
    ),
    ("decomposition", "get", lambda w: "/supervision/decomposition/", {}, only(["admin"])),
    ("decomposition export", "get", lambda w: "/supervision/decomposition.xlsx", {}, only(STAFF)),
    (
        "decomposition import",
        "post",
        lambda w: "/supervision/decomposition/import/",
        {},
        only(["admin"], yes=400),
    ),
    ("row setting", "get", lambda w: "/supervision/rows/P1.S2/", {}, only(["admin"])),
    (
        "row setting save",
        "post",
        lambda w: "/supervision/rows/P7.S3/",
        {"report_frequency": "monthly", "is_key_project": "on"},
        only(["admin"], yes="ok"),
    ),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "method", "url", "data", "expected"), MATRIX, ids=[m[0] for m in MATRIX])
def test_permission_matrix(personas, world, name, method, url, data, expected) -> None:
    for persona in ALL:
        user = None if persona == "anon" else getattr(personas, persona)
        client = personas.client(user)
        response = client.get(url(world)) if method == "get" else client.post(url(world), data)
        assert outcome(response) == expected[persona], f"{name} as {persona}"


@pytest.mark.django_db
def test_liaison_sees_its_own_milestones_first_and_no_rankings(personas, world) -> None:
    response = personas.client(personas.liaison).get("/supervision/milestones/?as_of=2023-03-01")
    items = response.context["items"]
    assert [s.milestone.pk for s in items] == [world.fin.pk, world.amr.pk, world.zhifu.pk]  # own first
    html = personas.client(personas.liaison).get("/supervision/?as_of=2023-03-01").content.decode()
    assert "本单位节点" in html and "考核评比" not in html and "规则设置" not in html
    admin_html = personas.client(personas.admin).get("/supervision/?as_of=2023-03-01").content.decode()
    assert "考核评比" in admin_html and "本单位节点" not in admin_html


@pytest.mark.django_db
def test_dashboard_counts_and_replay(personas, world) -> None:
    client = personas.client(personas.admin)
    early = client.get("/supervision/?as_of=2023-01-05").context
    assert early["total"] == 3 and early["counts"]["none"] == 3  # 4 days in: nobody behind
    later = client.get("/supervision/?as_of=2023-03-01").context
    # 59 % elapsed: 市财政局 reported 40 % (yellow); 市市场监管局 and 芝罘区 reported nothing (red).
    assert dict(later["counts"]) == {"yellow": 1, "red": 2}
    assert later["chart"]["trend"]["months"][-1] == "2023-03"
    html = client.get("/supervision/?as_of=2023-03-01").content.decode()
    assert 'id="supervision-chart-data"' in html and "echarts.min.js" in html
    after_due = client.get("/supervision/?as_of=2023-04-12").context
    assert len(after_due["overdue"]) == 3


@pytest.mark.django_db
def test_list_pages_have_query_budgets(personas, world, make_milestone) -> None:
    client = personas.client(personas.admin)

    def count(url: str) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    urls = [
        "/supervision/?as_of=2023-03-01",
        "/supervision/milestones/?as_of=2023-03-01",
        "/supervision/flags/?as_of=2023-03-01",
        "/supervision/escalations/",
    ]
    before = [count(u) for u in urls]
    for position in range(3, 9):
        make_milestone(department="市商务局", position=position, title=f"节点{position}")
    services.recompute_flags(as_of=dt.date(2023, 3, 1), actor=CLI)
    assert [count(u) for u in urls] == before
    assert max(before) <= 20


@pytest.mark.django_db
def test_liaison_files_a_report_with_an_attachment_through_the_form(personas, world) -> None:
    client = personas.client(personas.liaison)
    url = f"/supervision/milestones/{world.fin.pk}/report/2023-Q1/"
    bad = client.post(url, {"percent_complete": "120", "narrative": ""})
    assert bad.status_code == 200
    assert bad.context["form"].errors.keys() >= {"percent_complete", "narrative"}
    wrong_type = client.post(
        url,
        {
            "percent_complete": "60",
            "narrative": "x",
            "attachments": SimpleUploadedFile("a.pdf", b"GIF89a...."),
        },
    )
    assert "不是允许的类型" in wrong_type.content.decode()
    response = client.post(
        url, {"percent_complete": "60", "narrative": "完成拨付", "attachments": [pdf_upload()]}
    )
    assert response.status_code == 302
    report = ProgressReport.objects.get(milestone=world.fin, period_code="2023-Q1")
    assert report.percent_complete == 60 and report.versions.count() == 2
    names = sorted(a.original_name for a in report.versions.get(number=2).attachments.all())
    assert names == ["材料.pdf", "证明.pdf"]  # the first version's file is carried forward


@pytest.mark.django_db
def test_an_accepted_report_offers_no_form_and_a_post_is_refused(personas, world) -> None:
    services.accept_report(world.report, actor=CLI, recompute=False)
    client = personas.client(personas.liaison)
    url = f"/supervision/milestones/{world.fin.pk}/report/2023-Q1/"
    page = client.get(url).content.decode()
    assert "当前状态为“已确认”，不能再修改。" in page and 'name="narrative"' not in page
    response = client.post(url, {"percent_complete": "70", "narrative": "再改"})
    assert response.status_code == 200 and "不能再修改" in response.content.decode()
    assert ProgressReport.objects.get(pk=world.report.pk).versions.count() == 1


@pytest.mark.django_db
def test_web_import_refuses_bad_rows_and_runs_a_job_for_good_ones(personas, world, plan) -> None:
    client = personas.client(personas.admin)
    wb = decomposition_workbook(plan)
    good = workbook_bytes(wb)
    ws = wb[SHEET]
    line = next(
        n
        for n in range(3, ws.max_row + 1)
        if ws.cell(row=n, column=COL["code"] + 1).value == "P7.S3"
        and ws.cell(row=n, column=COL["lead"] + 1).value
    )
    ws.cell(row=line, column=COL["year"] + 1, value=2023)
    ws.cell(row=line, column=COL["title"] + 1, value="白皮书")
    ws.cell(row=line, column=COL["department"] + 1, value="市财政局")
    ws.cell(row=line, column=COL["start"] + 1, value="2023-01-01")
    ws.cell(row=line, column=COL["due"] + 1, value="2023-05-31")
    ws.cell(row=line, column=COL["deliverable"] + 1, value="白皮书")
    bad = workbook_bytes(wb)
    events = AuditEvent.objects.count()
    response = client.post(
        "/supervision/decomposition/import/", {"file": SimpleUploadedFile("bad.xlsx", bad)}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert f"第 {line} 行" in html and "不是该任务的牵头或配合部门" in html and "未写入任何数据" in html
    assert AuditEvent.objects.count() == events and not Milestone.objects.filter(row__code="P7.S3").exists()

    edited = load_workbook(io.BytesIO(bad))
    edited[SHEET].cell(row=line, column=COL["department"] + 1, value="市市场监管局")
    response = client.post(
        "/supervision/decomposition/import/", {"file": SimpleUploadedFile("ok.xlsx", workbook_bytes(edited))}
    )
    assert response.status_code == 302 and "/jobs/" in response["Location"]
    job = client.get(response["Location"]).context["job"]
    assert job.status == "succeeded" and job.result["created"] == 1
    assert Milestone.objects.get(row__code="P7.S3").title == "白皮书"
    assert good  # the untouched export was a valid file too


@pytest.mark.django_db
def test_rules_page_shows_errors_and_saves_versions(personas, world) -> None:
    client = personas.client(personas.admin)
    text = services.selectors.RULE_FILES[RuleKind.FLAGS].read_text(encoding="utf-8")
    response = client.post(
        "/supervision/rules/",
        {"kind": "flags", "note": "坏", "text": text.replace("due_within, days: 15", "due_within, days: -1")},
    )
    assert response.status_code == 200 and "colours[2].when[0].days" in response.content.decode()
    response = client.post(
        "/supervision/rules/",
        {
            "kind": "flags",
            "note": "蓝牌提前到20天",
            "text": text.replace("due_within, days: 15", "due_within, days: 20").replace(
                "effective_from: 2022-01-01", "effective_from: 2023-01-01"
            ),
        },
    )
    assert response.status_code == 302
    versions = list(RuleSet.objects.filter(kind="flags").order_by("version").values_list("version", "note"))
    assert versions == [(1, ""), (2, "蓝牌提前到20天")]  # the file's rules became version 1 first


@pytest.mark.django_db
def test_a_refused_first_save_of_the_rules_leaves_nothing_seeded(personas) -> None:
    text = services.selectors.RULE_FILES[RuleKind.ASSESSMENT].read_text(encoding="utf-8")
    response = personas.client(personas.admin).post(
        "/supervision/rules/",
        {"kind": "assessment", "note": "坏", "text": text.replace("red: 2", "purple: 2")},
    )
    assert response.status_code == 200 and "penalties.flags" in response.content.decode()
    assert not RuleSet.objects.exists()  # not even the data files' version 1


@pytest.mark.django_db
def test_recompute_from_the_web_runs_a_job(personas, world) -> None:
    FlagRecord.objects.all().delete()
    response = personas.client(personas.admin).post("/supervision/flags/recompute/", {"as_of": "2023-03-01"})
    job = personas.client(personas.admin).get(response["Location"]).context["job"]
    assert job.status == "succeeded" and job.result["created"] > 0
    assert FlagRecord.objects.filter(milestone=world.fin).exists()


@pytest.mark.django_db
def test_assessment_page_shows_breakdown_and_commendations(personas, world) -> None:
    response = personas.client(personas.admin).get("/supervision/assessment/?year=2023&as_of=2023-03-01")
    a = response.context["a"]
    names = [s.name for s in a.departments]
    assert set(names) == {"市财政局", "市市场监管局"} and [s.name for s in a.regions] == ["芝罘区"]
    html = response.content.decode()
    assert "平均完成进度" in html and "计分明细" in html
    # How it is counted, in Chinese: components and flag colours by their names, not their codes.
    rules = html.split('data-testid="assessment-rules">')[1].split("</p>")[0]
    assert (
        "计分：完成进度 60 分，按时率 40 分，指标达成 0 分；每次报告退回扣 1 分；红牌每次扣 2 分，黄牌每次扣 1 分"
        in rules
    )
    assert not re.search("[a-z]", rules)


@pytest.mark.django_db
def test_rules_page_explains_the_rule_text_in_chinese(personas) -> None:
    from ipcity.supervision.rules import ASSESSMENT_SCHEMA, FLAG_RULES_SCHEMA, RULE_KEYS

    def names(schema: object) -> set[str]:
        found: set[str] = set()
        if isinstance(schema, dict):
            found |= set(schema.get("properties", {}))
            found |= {v for v in schema.get("enum", []) if isinstance(v, str)}
            for value in schema.values():
                found |= names(value)
        elif isinstance(schema, list):
            for value in schema:
                found |= names(value)
        return found

    # Every name the rule text may hold is explained on the page.
    for kind, schema in (("flags", FLAG_RULES_SCHEMA), ("assessment", ASSESSMENT_SCHEMA)):
        explained = {key for key, _meaning in RULE_KEYS[kind]}
        assert names(schema) <= explained, (kind, names(schema) - explained)
        html = personas.client(personas.admin).get(f"/supervision/rules/?kind={kind}").content.decode()
        assert "规则文本的写法" in html and "YAML" not in html and "data/supervision" not in html
        for key, meaning in RULE_KEYS[kind]:
            assert f'<td class="font-monospace">{key}</td><td>{meaning}</td>' in html
    flags = personas.client(personas.admin).get("/supervision/rules/?kind=flags").content.decode()
    assert "红牌挂在重点项目上时自动生成督办单" in flags


@pytest.mark.django_db
def test_escalations_replay_their_status(personas, world) -> None:
    services.record_follow_up(
        world.escalation, kind="rectified", on=dt.date(2023, 3, 5), note="已整改", actor=CLI
    )
    client = personas.client(personas.district_a)

    def status(day: str) -> list[str]:
        return [
            e.status_on for e in client.get(f"/supervision/escalations/?as_of={day}").context["escalations"]
        ]

    assert status("2023-01-15") == []  # not yet issued (raised 2023-02-01)
    assert status("2023-03-04") == ["督办中"]
    assert status("2023-03-05") == ["已整改"]


@pytest.mark.django_db
def test_dashboard_leaves_out_milestones_completed_in_earlier_years(personas, world, make_milestone) -> None:
    done = make_milestone("P1.S5", start="2022-03-01", due="2022-06-30", title="2022已完成")
    services.submit_report(
        done, period_code="2022-Q2", percent_complete=100, narrative="完成", actor=CLI, at=at("2022-06-01")
    )
    open_ = make_milestone("P1.S5", start="2022-03-01", due="2022-06-30", position=2, title="2022未完成")
    context = personas.client(personas.admin).get("/supervision/?as_of=2023-03-01").context
    shown = {s.milestone.pk for s in [*context["overdue"], *context["upcoming"]]}
    assert open_.pk in shown and done.pk not in shown
    assert context["total"] == 4  # the three 2023 milestones and the unfinished 2022 one


# ---- the dashboard's cached body: fresh after every change, never shared between users who see
# different milestones, and a fixed number of queries when served from the cache.

DASHBOARD = "/supervision/?as_of=2023-03-01"


def counts(html: str) -> dict[str, int]:
    return {code: int(n) for code, n in re.findall(r'data-count="(\w+)">(\d+)<', html)}


def started(html: str) -> int:
    found = re.search(r'已启动节点 / 未开始</div><div class="fs-3">(\d+)', html)
    assert found
    return int(found.group(1))


@pytest.mark.django_db
def test_a_report_shows_on_the_next_request(personas, world: World) -> None:
    client = personas.client(personas.admin)
    before = client.get(DASHBOARD).content.decode()
    assert counts(client.get(DASHBOARD).content.decode()) == counts(before)  # served from the cache
    # 59 % elapsed: 市财政局 reported 40 % (yellow); 市市场监管局 and 芝罘区 reported nothing (red).
    assert counts(before) == {"yellow": 1, "red": 2, "none": 0, "complete": 0, "blue": 0}
    services.submit_report(
        world.amr,
        period_code="2023-Q1",
        percent_complete=100,
        narrative="完成",
        actor=CLI,
        at=at("2023-02-25"),
    )
    after = counts(client.get(DASHBOARD).content.decode())
    assert after["red"] == 1 and after["complete"] == 1


@pytest.mark.django_db
def test_a_follow_up_shows_on_the_next_request(personas, world: World) -> None:
    client = personas.client(personas.admin)
    assert world.escalation.number in client.get(DASHBOARD).content.decode()
    assert "已整改" not in client.get(DASHBOARD).content.decode()
    services.record_follow_up(
        world.escalation, kind="rectified", on=dt.date(2023, 2, 28), note="已落实", actor=CLI
    )
    assert "已整改" in client.get(DASHBOARD).content.decode()


@pytest.mark.django_db
def test_users_who_see_different_milestones_do_not_share_the_body(personas, world: World) -> None:
    own = f'data-milestone="{world.zhifu.pk}"'
    admin = personas.client(personas.admin).get(DASHBOARD).content.decode()
    zhifu = personas.client(personas.district_a).get(DASHBOARD).content.decode()
    laishan = personas.client(personas.district_b).get(DASHBOARD).content.decode()
    finance = personas.client(personas.liaison).get(DASHBOARD).content.decode()
    court = personas.client(personas.liaison_other).get(DASHBOARD).content.decode()
    assert started(admin) == 3 and "本单位节点" not in admin
    assert started(zhifu) == 1 and "本单位节点" in zhifu and own in zhifu
    assert started(laishan) == 0 and own not in laishan
    assert started(finance) == 3 and "本单位节点" in finance  # it leads 附件一(二), co-leads 附件三(二)
    assert started(court) == 0
    # The user's own parts stay outside the cached body: only the office may recompute.
    assert "可在“蓝黄红标记”页重算" not in zhifu
    assert world.escalation.number in admin and world.escalation.number in zhifu
    assert world.escalation.number not in laishan


@pytest.mark.django_db
def test_query_budget_when_served_from_the_cache(
    personas, world: World, django_assert_max_num_queries
) -> None:
    client = personas.client(personas.district_a)
    client.get(DASHBOARD)
    # Session, user, the data version and the navigation's two.
    with django_assert_max_num_queries(5):
        assert client.get(DASHBOARD).status_code == 200
    client.get("/supervision/")
    with django_assert_max_num_queries(5):  # today's date as of, from the cache too
        assert client.get("/supervision/").status_code == 200
