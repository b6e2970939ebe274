"""Bad input on the supervision pages is a Chinese error naming the field, never a server error."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from ipcity.core.audit import Actor
from ipcity.core.models import AuditEvent
from ipcity.lib.excel import workbook_bytes
from ipcity.supervision import selectors, services
from ipcity.supervision.choices import RuleKind
from ipcity.supervision.decomposition import COL, SHEET, decomposition_workbook
from ipcity.supervision.models import Milestone, RuleSet

from .conftest import at

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def rules_text(kind: str) -> str:
    return selectors.RULE_FILES[kind].read_text(encoding="utf-8")


def line_of(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if needle in line)


@pytest.mark.django_db
def test_an_overlong_search_term_on_milestones_is_a_form_error(personas, make_milestone) -> None:
    make_milestone(title="知识产权质押融资")
    client = personas.client(personas.admin)
    response = client.get("/supervision/milestones/", {"q": "质押" * 50_000})  # 100,000 characters
    assert response.status_code == 200
    assert "关键词最多 100 个字" in response.content.decode()
    response = client.get("/supervision/milestones/", {"q": "质押"})
    assert [s.milestone.title for s in response.context["items"]] == ["知识产权质押融资"]


LINE = "line"  # the error names the line of the changed text (a YAML value that cannot be read)
BAD_RULES = [
    # (kind, text replaced, replacement, where the error points, what it says)
    (RuleKind.FLAGS, "effective_from: 2022-01-01", "effective_from: 2024-02-30", LINE, "无效的日期"),
    (RuleKind.ASSESSMENT, "effective_from: 2022-01-01", "effective_from: 2024-02-30", LINE, "无效的日期"),
    (RuleKind.FLAGS, "report_due_days: 5", "report_due_days: " + "9" * 5000, LINE, "整数位数过多"),
    (RuleKind.ASSESSMENT, "top: 3", "top: " + "9" * 5000, LINE, "整数位数过多"),
    (RuleKind.FLAGS, "behind, above: 30", "behind, above: .nan", LINE, "不是有限的数"),
    (RuleKind.ASSESSMENT, "completion: 60", "completion: 1.0e+400", LINE, "不是有限的数"),
    (RuleKind.FLAGS, "name: 默认蓝黄红规则", "name: " + "[" * 5000, "", "层级过深"),
    (
        RuleKind.FLAGS,
        "due_within, days: 15",
        "due_within, days: " + "9" * 4000,
        "colours[2].when[0].days",
        "不能大于 366",
    ),
    (RuleKind.FLAGS, "behind, above: 30", "behind, above: 300", "colours[0].when[1].above", "不能大于 100"),
    (RuleKind.ASSESSMENT, "min_score: 80", "min_score: " + "9" * 400, "commendation.min_score", "不能大于"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("kind", "old", "new", "where", "message"),
    BAD_RULES,
    ids=[f"{k}-{n[:24]}" for k, _o, n, _w, _m in BAD_RULES],
)
def test_impossible_dates_and_absurd_numbers_in_the_rules_are_refused(
    personas, kind, old, new, where, message
) -> None:
    original = rules_text(kind)
    assert old in original
    client = personas.client(personas.admin)
    events = AuditEvent.objects.count()
    response = client.post(
        "/supervision/rules/", {"kind": kind, "note": "坏", "text": original.replace(old, new)}
    )
    assert response.status_code == 200
    error = response.context["error"]
    assert message in error and len(error) < 300, error
    if where == LINE:
        assert error.startswith(f"第 {line_of(original, old)} 行"), error
    else:
        assert error.startswith(where), error
    assert not RuleSet.objects.exists() and AuditEvent.objects.count() == events


@pytest.mark.django_db
def test_dates_beyond_the_calendar_in_as_of_fall_back_to_the_default(personas, make_milestone) -> None:
    milestone = make_milestone()
    client = personas.client(personas.admin)
    default = selectors.default_as_of()
    for url in ("/supervision/", "/supervision/milestones/", f"/supervision/milestones/{milestone.pk}/"):
        for value in ("9999-12-31", "0001-01-01", "2024-02-30"):
            response = client.get(url, {"as_of": value})
            assert response.status_code == 200, (url, value)
            assert response.context["as_of"] == default


@pytest.mark.django_db
def test_a_report_attachment_whose_file_is_gone_is_a_clear_404(personas, make_milestone) -> None:
    m = make_milestone()
    report = services.submit_report(
        m,
        period_code="2023-Q1",
        percent_complete=50,
        narrative="x",
        uploads=[SimpleUploadedFile("拨付文件.pdf", PDF, content_type="application/pdf")],
        actor=Actor.web(personas.liaison),
        at=at("2023-02-20"),
    )
    attachment = report.versions.get().attachments.get()
    url = f"/supervision/reports/{report.pk}/attachments/{attachment.pk}/"
    client = personas.client(personas.admin)
    assert client.get(url).status_code == 200
    attachment.file.storage.delete(attachment.file.name)
    response = client.get(url)
    assert response.status_code == 404
    html = response.content.decode()
    assert "附件文件缺失" in html and "拨付文件.pdf" in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("target_value", "1e30", "「目标值」：数值过大（整数部分最多 16 位）：1e30"),
        ("target_value", "NaN", "「目标值」：应为数字：NaN"),
        ("position", "40000", "「节点序号」：数值过大：40000"),
    ],
    ids=["target 1e30", "target NaN", "position 40000"],
)
def test_numbers_beyond_their_columns_in_the_decomposition_file_are_refused(
    personas, make_milestone, plan, column, value, message
) -> None:
    make_milestone(comparison=">=", target_value=Decimal(10), unit="件", deliverable="")
    wb = decomposition_workbook(plan)
    ws = wb[SHEET]
    line = next(
        n for n in range(3, ws.max_row + 1) if ws.cell(row=n, column=COL["title"] + 1).value == "测试节点"
    )
    ws.cell(row=line, column=COL[column] + 1, value=value)
    client = personas.client(personas.admin)
    events = AuditEvent.objects.count()
    response = client.post(
        "/supervision/decomposition/import/", {"file": SimpleUploadedFile("d.xlsx", workbook_bytes(wb))}
    )
    assert response.status_code == 400
    assert f"第 {line} 行{message}" in response.content.decode()
    assert AuditEvent.objects.count() == events
    assert Milestone.objects.get().target_value == Decimal(10)
