"""Stored flag history: recomputation is idempotent (also as a background job), a red that catches
up stays on record, red flags on 重点项目 issue 督办单, rule versions apply from their effective date
and are saved together with the data files' version 1, and the CLI."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.core.management import CommandError, call_command
from docx import Document

from ipcity.core.audit import Actor
from ipcity.core.models import AuditEvent, Notification
from ipcity.lib.datafile import DataFileError
from ipcity.supervision import selectors, services
from ipcity.supervision.choices import RuleKind
from ipcity.supervision.docx import escalation_docx
from ipcity.supervision.models import Escalation, FlagComputation, FlagRecord, RuleSet

from .conftest import at

D = dt.date.fromisoformat
CLI = Actor.cli("test")


def history(milestone) -> list[tuple[str, str, str | None]]:
    return [
        (r.colour, r.since.isoformat(), r.until.isoformat() if r.until else None)
        for r in FlagRecord.objects.filter(milestone=milestone).order_by("since")
    ]


def report(milestone, day: str, period: str, percent, *, actor=CLI):
    return services.submit_report(
        milestone,
        period_code=period,
        percent_complete=percent,
        narrative="进展",
        actor=actor,
        at=at(day),
        recompute=False,
    )


@pytest.mark.django_db
def test_history_is_kept_and_recomputation_is_idempotent(make_milestone) -> None:
    m = make_milestone()  # 2023-01-01 .. 2023-04-11
    report(m, "2023-02-20", "2023-Q1", 30)
    first = services.recompute_flags(as_of=D("2023-02-28"), actor=CLI)
    assert first.created == 3
    assert history(m) == [
        ("yellow", "2023-01-11", "2023-02-01"),
        ("red", "2023-02-01", "2023-02-20"),
        ("yellow", "2023-02-20", None),
    ]
    ids = list(FlagRecord.objects.filter(milestone=m).values_list("pk", flat=True))
    events = AuditEvent.objects.count()

    again = services.recompute_flags(as_of=D("2023-02-28"), actor=CLI)
    assert not again.changed
    assert list(FlagRecord.objects.filter(milestone=m).values_list("pk", flat=True)) == ids
    assert AuditEvent.objects.count() == events  # nothing changed, nothing recorded

    # The red caught up (yellow) and later the milestone is overdue: red again; both reds stay.
    services.recompute_flags(as_of=D("2023-04-30"), actor=CLI)
    assert history(m) == [
        ("yellow", "2023-01-11", "2023-02-01"),
        ("red", "2023-02-01", "2023-02-20"),
        ("yellow", "2023-02-20", "2023-03-03"),
        ("red", "2023-03-03", None),  # 30 % reported; day 61 is 31 points behind (day 60: exactly 30)
    ]
    # Completing it ends the red; the record keeps its dates.
    report(m, "2023-05-05", "2023-Q2", 100)
    services.recompute_flags(as_of=D("2023-05-10"), actor=CLI)
    assert history(m)[-1] == ("red", "2023-03-03", "2023-05-05")
    assert selectors.flag_horizon() == D("2023-05-10")
    assert FlagComputation.objects.filter(horizon=D("2023-05-10")).exists()


@pytest.mark.django_db
def test_an_earlier_as_of_does_not_shrink_the_history(make_milestone) -> None:
    m = make_milestone()
    services.recompute_flags(as_of=D("2023-04-30"), actor=CLI)
    later = history(m)
    result = services.recompute_flags(as_of=D("2023-02-01"), actor=CLI)
    assert result.horizon == D("2023-04-30") and not result.changed
    assert history(m) == later


@pytest.mark.django_db
def test_red_on_a_key_project_issues_one_escalation(personas, make_milestone) -> None:
    m = make_milestone(key=True, title="专项资金拨付")
    services.recompute_flags(as_of=D("2023-02-28"), actor=CLI)
    escalation = Escalation.objects.get(milestone=m)
    assert escalation.number == "督办〔2023〕1号"
    assert escalation.raised_on == D("2023-02-01")  # the day it turned red
    assert escalation.deadline == D("2023-02-16")  # 15 days to rectify
    assert escalation.reason == "落后序时进度超过30个百分点"
    assert Notification.objects.filter(recipient=personas.liaison, title__contains="督办〔2023〕1号").exists()
    assert AuditEvent.objects.filter(
        action="supervision.escalation.issue", object_id=str(escalation.pk)
    ).exists()

    services.recompute_flags(as_of=D("2023-03-31"), actor=CLI)
    assert Escalation.objects.filter(milestone=m).count() == 1  # still the same red

    text = "\n".join(p.text for p in Document(io.BytesIO(escalation_docx(escalation))).paragraphs)
    cells = "\n".join(
        c.text
        for t in Document(io.BytesIO(escalation_docx(escalation))).tables
        for r in t.rows
        for c in r.cells
    )
    assert "督办〔2023〕1号" in text
    assert "市财政局" in cells and "附件一(二)" in cells and "落后序时进度超过30个百分点" in cells
    assert "2023年02月16日前" in cells


@pytest.mark.django_db
def test_ordinary_rows_get_no_escalation(make_milestone) -> None:
    m = make_milestone(key=False)
    services.recompute_flags(as_of=D("2023-02-28"), actor=CLI)
    assert ("red", "2023-02-01", None) in [(c, s, None) for c, s, _u in history(m)]
    assert not Escalation.objects.exists()


@pytest.mark.django_db
def test_follow_up_until_rectified(personas, make_milestone) -> None:
    from django.core.exceptions import ValidationError

    from ipcity.core.workflow import Refused

    m = make_milestone(key=True)
    services.recompute_flags(as_of=D("2023-02-28"), actor=CLI)
    escalation = Escalation.objects.get(milestone=m)
    office = Actor.web(personas.admin)
    services.record_follow_up(
        escalation, kind="interview", on=D("2023-02-05"), note="约谈财政局分管负责人", actor=office
    )
    services.record_follow_up(
        escalation, kind="explanation", on=D("2023-02-08"), note="收到书面说明", actor=office
    )
    escalation.refresh_from_db()
    assert escalation.status == "open"
    services.record_follow_up(
        escalation, kind="rectified", on=D("2023-02-15"), note="资金已拨付", actor=office
    )
    escalation.refresh_from_db()
    assert escalation.status == "rectified"
    with pytest.raises(Refused, match="当前状态为“已整改”，不能再跟进"):
        services.record_follow_up(escalation, kind="interview", on=D("2023-02-20"), note="x", actor=office)
    with pytest.raises(ValidationError, match="不能早于"):
        other = make_milestone(key=True, position=2, title="另一节点")
        services.recompute_flags(as_of=D("2023-02-28"), actor=CLI, milestones=[other])
        services.record_follow_up(
            Escalation.objects.get(milestone=other),
            kind="interview",
            on=D("2022-12-01"),
            note="x",
            actor=office,
        )
    actions = set(
        AuditEvent.objects.filter(
            object_id=str(escalation.pk), object_type="supervision.escalation"
        ).values_list("action", flat=True)
    )
    assert {
        "supervision.escalation.follow_up.interview",
        "supervision.escalation.follow_up.rectified",
    } <= actions


FLAG_RULES = selectors.RULE_FILES[RuleKind.FLAGS]


@pytest.mark.django_db
def test_a_new_rule_version_applies_from_its_effective_date(make_milestone) -> None:
    m = make_milestone()
    report(m, "2023-01-20", "2023-Q1", 25)  # 19 days in: 6 points ahead
    services.recompute_flags(as_of=D("2023-02-28"), actor=CLI)
    assert history(m) == [
        ("yellow", "2023-01-11", "2023-01-20"),
        ("yellow", "2023-02-05", "2023-02-26"),
        ("red", "2023-02-26", None),
    ]
    text = FLAG_RULES.read_text(encoding="utf-8")
    stricter = text.replace("effective_from: 2022-01-01", "effective_from: 2023-02-20").replace(
        "{condition: behind, above: 30}", "{condition: behind, above: 20}"
    )
    rule_set = services.save_rule_set(RuleKind.FLAGS, text=stricter, actor=CLI, note="收紧红牌阈值")
    assert rule_set.version == 2
    services.recompute_flags(as_of=D("2023-02-28"), actor=CLI)
    # 21+ points behind from 2023-02-16, but the stricter rule only applies from 2023-02-20.
    assert history(m) == [
        ("yellow", "2023-01-11", "2023-01-20"),
        ("yellow", "2023-02-05", "2023-02-20"),
        ("red", "2023-02-20", None),
    ]
    red = FlagRecord.objects.get(milestone=m, colour="red")
    assert red.rule_set_id == rule_set.pk
    assert {r.rule_set.version for r in FlagRecord.objects.filter(milestone=m, colour="yellow")} == {1}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "path", "reason"),
    [
        (('colour: "#dc3545"', "colour: red"), "colours[0].colour", "格式不符"),
        (("{condition: overdue}", "{condition: late}"), "colours[0].when[0].condition", "取值不在允许范围"),
        (("{condition: behind, above: 30}", "{condition: behind}"), "colours[0].when[1]", "至少需要一个阈值"),
        (("  colour: red", "  colour: purple"), "escalation.colour", "未定义的颜色代码"),
        (("report_due_days: 5", "report_due_days: many"), "reporting.report_due_days", "类型不符"),
        (
            ("{condition: indicator_off_track}", "{condition: indicator_off_track, days: 3}"),
            "colours[1].when[2]",
            "不接受参数",
        ),
    ],
)
def test_bad_rules_are_refused_with_the_field_named(make_milestone, change, path, reason) -> None:
    text = FLAG_RULES.read_text(encoding="utf-8").replace(*change)
    with pytest.raises(DataFileError) as info:
        services.save_rule_set(RuleKind.FLAGS, text=text, actor=CLI)
    assert info.value.path == path and reason in info.value.reason
    assert not RuleSet.objects.exists()


@pytest.mark.django_db
def test_saving_rules_seeds_the_files_in_the_same_transaction(monkeypatch) -> None:
    seeded: list[RuleSet] = []
    seed = services.seed_rules

    def watched_seed(*, actor: Actor) -> list[RuleSet]:
        seeded.extend(seed(actor=actor))
        return seeded

    monkeypatch.setattr(services, "seed_rules", watched_seed)
    bad = FLAG_RULES.read_text(encoding="utf-8").replace("report_due_days: 5", "report_due_days: many")
    events = AuditEvent.objects.count()
    with pytest.raises(DataFileError):
        services.save_rule_set(RuleKind.FLAGS, text=bad, actor=CLI, note="坏")
    # Both files were stored as version 1 before the new version was refused; all rolled back.
    assert [r.kind for r in seeded] == [RuleKind.FLAGS, RuleKind.ASSESSMENT]
    assert not RuleSet.objects.exists() and AuditEvent.objects.count() == events

    assessment = selectors.RULE_FILES[RuleKind.ASSESSMENT].read_text(encoding="utf-8")
    text = assessment.replace("red: 2", "red: 3")
    rule_set = services.save_rule_set(RuleKind.ASSESSMENT, text=text, actor=CLI, note="红牌扣3分")
    stored = list(
        RuleSet.objects.order_by("kind", "version").values_list("kind", "version", "source", "note")
    )
    assert stored == [
        ("assessment", 1, "平台默认规则", ""),  # where a version comes from, as the office reads it
        ("assessment", 2, "管理员在线修改", "红牌扣3分"),
        ("flags", 1, "平台默认规则", ""),
    ]
    assert rule_set.version == 2
    assert AuditEvent.objects.filter(action="supervision.rules.create").count() == 3
    # Seeding is idempotent: the next save adds only its own version.
    services.save_rule_set(RuleKind.FLAGS, text=FLAG_RULES.read_text(encoding="utf-8"), actor=CLI)
    assert RuleSet.objects.count() == 4


@pytest.mark.django_db
def test_recompute_job_runs_to_completion(make_milestone) -> None:
    m = make_milestone()
    job = services.start_flag_recompute_job(as_of=D("2023-02-28"), actor=CLI)
    job.refresh_from_db()  # under tests the job runs synchronously, inside start_job
    assert (job.kind, job.status) == ("supervision.flags", "succeeded")
    assert job.label == "重算蓝黄红标记（截至 2023-02-28）"
    assert job.result == {
        "horizon": "2023-02-28",
        "milestones": 1,
        "created": len(history(m)),
        "updated": 0,
        "deleted": 0,
        "escalations": 0,
    }
    assert history(m) and (job.done, job.total) == (1, 1)
    assert selectors.flag_horizon() == D("2023-02-28")
    actions = list(AuditEvent.objects.filter(object_id=str(job.pk)).values_list("action", flat=True))
    assert sorted(actions) == ["job.finish", "job.start"]


@pytest.mark.django_db
def test_cli_flags_json_and_dry_run(make_milestone) -> None:
    m = make_milestone()
    report(m, "2023-02-20", "2023-Q1", 30)
    out = io.StringIO()
    call_command(
        "supervision",
        "flags",
        "--as-of",
        "2023-02-28",
        "--json",
        "--dry-run",
        stdout=out,
        stderr=io.StringIO(),
    )
    assert not FlagRecord.objects.exists()
    dry = json.loads(out.getvalue())
    out = io.StringIO()
    call_command("supervision", "flags", "--as-of", "2023-02-28", "--json", stdout=out, stderr=io.StringIO())
    flags = json.loads(out.getvalue())
    assert flags == dry
    assert [{k: f[k] for k in ("row", "milestone", "colour", "reason", "since")} for f in flags] == [
        {
            "row": "P1.S2",
            "milestone": "测试节点",
            "colour": "yellow",
            "reason": "落后序时进度10至30个百分点",
            "since": "2023-02-20",
        }
    ]
    assert FlagRecord.objects.filter(milestone=m).count() == 3
    out = io.StringIO()
    call_command("supervision", "flags", "--as-of", "2023-02-28", "--json", stdout=out, stderr=io.StringIO())
    assert json.loads(out.getvalue()) == flags
    assert FlagRecord.objects.filter(milestone=m).count() == 3


@pytest.mark.django_db
def test_cli_refuses_a_bad_date(plan) -> None:
    with pytest.raises(CommandError) as info:
        call_command("supervision", "flags", "--as-of", "2023-13-01", stdout=io.StringIO())
    assert info.value.returncode == 2 and "YYYY-MM-DD" in str(info.value)


@pytest.mark.django_db
def test_reminders_are_sent_once(personas, make_milestone) -> None:
    m = make_milestone(frequency="monthly", start="2023-01-01", due="2023-12-31")
    report(m, "2023-01-31", "2023-01", 20)
    planned = selectors.due_reminders(as_of=D("2023-03-02"))  # February's report due 03-05
    assert [(p.period.code, p.kind, p.recipients) for p in planned] == [
        ("2023-02", "due_soon", ("t-finance",))
    ]
    assert not Notification.objects.exists()  # listing writes nothing
    services.send_reminders(as_of=D("2023-03-02"), actor=CLI)
    assert Notification.objects.filter(recipient=personas.liaison, title__contains="即将到期").count() == 1
    assert services.send_reminders(as_of=D("2023-03-03"), actor=CLI) == []
    overdue = services.send_reminders(as_of=D("2023-03-06"), actor=CLI)
    assert [(p.period.code, p.kind) for p in overdue] == [("2023-02", "overdue")]
    out = io.StringIO()
    call_command("supervision", "remind", "--as-of", "2023-03-07", "--dry-run", stdout=out)
    assert "将发送报送提醒 0 条" in out.getvalue()
