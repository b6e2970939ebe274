"""Progress reports: file, return, resubmit; validation; audit; notifications; flags follow."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from ipcity.core.audit import Actor
from ipcity.core.models import AuditEvent, Notification
from ipcity.core.workflow import Refused
from ipcity.supervision import selectors, services
from ipcity.supervision.models import FlagRecord, ProgressReport

from .conftest import at

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def flag_of(milestone, day: str) -> str | None:
    (status,) = selectors.statuses([selectors_milestone(milestone)], dt.date.fromisoformat(day))
    return status.colour or None


def selectors_milestone(milestone):
    from ipcity.supervision.models import Milestone

    return Milestone.objects.with_plan().get(pk=milestone.pk)


@pytest.mark.django_db
def test_file_return_resubmit_changes_the_flag_and_is_audited(
    personas, make_milestone, django_capture_on_commit_callbacks
) -> None:
    personas.liaison.email = "finance@example.org"
    personas.liaison.save()
    m = make_milestone()  # 市财政局, 2023-01-01 .. 2023-04-11 (100 days)
    liaison, office = Actor.web(personas.liaison), Actor.web(personas.admin)

    assert flag_of(m, "2023-02-20") == "red"  # 50 % of the span gone, nothing reported
    report = services.submit_report(
        m,
        period_code="2023-Q1",
        percent_complete="45",
        narrative="已完成方案起草。",
        actor=liaison,
        at=at("2023-02-20"),
    )
    assert report.status == "submitted" and report.versions.count() == 1
    assert flag_of(m, "2023-02-20") is None  # 5 points behind

    with django_capture_on_commit_callbacks(execute=True):  # e-mail leaves after the commit
        services.return_report(
            report, comment="佐证材料不全，请补充拨付文件。", actor=office, at=at("2023-02-21")
        )
    report.refresh_from_db()
    assert report.status == "returned"
    assert flag_of(m, "2023-02-21") == "yellow"
    notice = Notification.objects.get(recipient=personas.liaison)
    assert "被退回" in notice.title and "佐证材料不全" in notice.body
    assert mail.outbox and mail.outbox[0].to == ["finance@example.org"]

    services.submit_report(
        m,
        period_code="2023-Q1",
        percent_complete="52",
        narrative="补充了拨付文件。",
        actor=liaison,
        at=at("2023-02-22"),
    )
    report.refresh_from_db()
    assert report.status == "submitted" and report.percent_complete == Decimal("52.0")
    assert [v.number for v in report.versions.all()] == [1, 2]
    assert flag_of(m, "2023-02-22") is None
    assert Notification.objects.filter(recipient=personas.admin, title__contains="重新报送").exists()

    events = list(
        AuditEvent.objects.filter(object_type="supervision.progressreport", object_id=str(report.pk))
        .order_by("id")
        .values_list("action", "before", "after")
    )
    # The resubmission is the second version filed over a returned report.
    _action, before, after = events[2]
    assert (before, after and after["version"]) == ({"status": "returned"}, 2)
    actions = [action for action, _before, _after in events]
    assert actions == [
        "supervision.report.submit",
        "supervision.report.return",
        "supervision.report.submit",
    ]

    # Flags were recomputed with each write: the history holds red, then yellow while returned.
    history = [
        (r.colour, r.since.isoformat(), r.until and r.until.isoformat())
        for r in FlagRecord.objects.filter(milestone=m)
    ]
    assert ("red", "2023-02-01", "2023-02-20") in history
    assert ("yellow", "2023-02-21", "2023-02-22") in history


@pytest.mark.django_db
def test_accepted_report_is_final(personas, make_milestone) -> None:
    m = make_milestone()
    report = services.submit_report(
        m,
        period_code="2023-Q1",
        percent_complete=60,
        narrative="进展",
        actor=Actor.web(personas.liaison),
        at=at("2023-02-20"),
    )
    services.accept_report(report, actor=Actor.web(personas.admin), at=at("2023-02-21"))
    with pytest.raises(Refused, match="当前状态为“已确认”，不能再修改"):
        services.submit_report(
            m,
            period_code="2023-Q1",
            percent_complete=70,
            narrative="再改",
            actor=Actor.web(personas.liaison),
            at=at("2023-02-22"),
        )
    with pytest.raises(Refused, match="不能退回"):
        services.return_report(report, comment="x", actor=Actor.web(personas.admin))


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"percent_complete": "101"}, "0 到 100"),
        ({"percent_complete": "-1"}, "0 到 100"),
        ({"percent_complete": "50.25"}, "一位小数"),
        ({"narrative": "  "}, "进展情况"),
        ({"period_code": "2023-Q3"}, "不属于该节点"),
        ({"period_code": "2023-Q2", "at": at("2023-03-31")}, "尚未开始"),
    ],
)
def test_bad_reports_are_refused_and_nothing_is_written(personas, make_milestone, kwargs, message) -> None:
    m = make_milestone()
    values = {
        "period_code": "2023-Q1",
        "percent_complete": "50",
        "narrative": "进展",
        "at": at("2023-02-20"),
        **kwargs,
    }
    with pytest.raises(ValidationError, match=message):
        services.submit_report(m, actor=Actor.web(personas.liaison), **values)
    assert not ProgressReport.objects.filter(milestone=m).exists()
    assert not AuditEvent.objects.filter(action__startswith="supervision.report").exists()


@pytest.mark.django_db
def test_quantitative_milestone_needs_the_actual(personas, make_milestone, plan) -> None:
    m = make_milestone(
        "P2.S2.R2",
        department="市市场监管局",
        comparison="<=",
        target_value=Decimal(10),
        unit="个",
        deliverable="",
    )
    with pytest.raises(ValidationError, match="请填写完成量"):
        services.submit_report(
            m,
            period_code="2023-Q1",
            percent_complete=30,
            narrative="x",
            actor=Actor.cli(),
            at=at("2023-02-01"),
        )
    report = services.submit_report(
        m,
        period_code="2023-Q1",
        percent_complete=30,
        actual_value="3",
        narrative="新建3个培育中心",
        actor=Actor.cli(),
        at=at("2023-02-01"),
    )
    assert report.actual_value == Decimal(3)


@pytest.mark.django_db
def test_attachments_are_checked_by_content_and_carried_to_new_versions(personas, make_milestone) -> None:
    m = make_milestone()
    liaison = Actor.web(personas.liaison)
    fake = SimpleUploadedFile("证明.pdf", b"this is not a pdf", content_type="application/pdf")
    with pytest.raises(ValidationError, match="不是允许的类型"):
        services.submit_report(
            m,
            period_code="2023-Q1",
            percent_complete=50,
            narrative="x",
            uploads=[fake],
            actor=liaison,
            at=at("2023-02-20"),
        )
    assert not ProgressReport.objects.exists()
    real = SimpleUploadedFile("拨付文件.pdf", PDF, content_type="application/pdf")
    report = services.submit_report(
        m,
        period_code="2023-Q1",
        percent_complete=50,
        narrative="x",
        uploads=[real],
        actor=liaison,
        at=at("2023-02-20"),
    )
    services.submit_report(
        m, period_code="2023-Q1", percent_complete=55, narrative="y", actor=liaison, at=at("2023-02-21")
    )
    latest = report.versions.order_by("-number").first()
    assert latest is not None and [a.original_name for a in latest.attachments.all()] == ["拨付文件.pdf"]
    assert latest.attachments.get().kind == "pdf"
