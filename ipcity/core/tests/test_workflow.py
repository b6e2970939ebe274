"""core.workflow: the action table, refusals in Chinese, moves with their step and audit event, and
the one POST helper. Exercised on core.Job's statuses with a table made for the test."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import MaxLengthValidator
from django.db import transaction
from django.test import RequestFactory

from ipcity.accounts.permissions import is_city_admin
from ipcity.core.audit import Actor
from ipcity.core.models import AuditEvent, Job, JobStatus
from ipcity.core.workflow import Action, Door, Outcome, Refused, Workflow, act, action_view, keywords
from ipcity.test import Personas

Q, R, S, F = JobStatus.QUEUED, JobStatus.RUNNING, JobStatus.SUCCEEDED, JobStatus.FAILED
steps: list[tuple[str, str, str, dict[str, Any]]] = []


def _owner(user: Any, job: Job) -> bool:
    return bool(job.created_by_id == user.pk)


def _admin(user: Any, job: Job) -> bool:
    return is_city_admin(user)


def _not_before_noon(job: Job, today: dt.date) -> str | None:
    return "2030 年以后才能归档" if today.year < 2030 else None


FLOW: Workflow[Job] = Workflow(
    Job,
    [
        Action("start", "开始", frozenset({Q}), _owner, to=R),
        Action("note", "备注", frozenset({Q, R}), _owner, requires=("comment",)),
        Action(
            "review",
            "审核",
            frozenset({R}),
            _admin,
            decisions={"pass": Outcome(S), "fail": Outcome(F, requires=("comment",))},
            not_in_stage="不在审核阶段",
        ),
        Action("archive", "归档", frozenset({S}), _admin, to=F, when=_not_before_noon),
    ],
    audit_prefix="test.job",
    number=lambda job: job.label,
    record_step=lambda job, action, old, new, actor, inputs: steps.append((action.name, old, new, inputs)),
    register=False,
)


def _job(personas: Personas, status: str = Q) -> Job:
    return Job.objects.create(kind="t", label="任务甲", status=status, created_by=personas.enterprise_a)


def test_a_table_with_unknown_statuses_or_a_name_twice_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown statuses"):
        Workflow(Job, [Action("x", "x", frozenset({"nope"}), _admin)], audit_prefix="t", register=False)
    with pytest.raises(ValueError, match="twice"):
        Workflow(Job, [Action("x", "x", frozenset({Q}), _admin)] * 2, audit_prefix="t", register=False)


@pytest.mark.django_db
def test_allowed_actions_follow_status_role_and_condition(personas: Personas) -> None:
    job = _job(personas)
    assert FLOW.allowed_actions(job, personas.enterprise_a) == {"start", "note"}
    assert FLOW.allowed_actions(job, personas.admin) == set()
    assert FLOW.allowed_actions(job, None) == {"start", "note"}  # the command line: every role
    job.status = R
    assert FLOW.allowed_actions(job, personas.admin) == {"review"}
    job.status = S
    assert FLOW.allowed_actions(job, personas.admin, today=dt.date(2029, 12, 31)) == set()
    assert FLOW.allowed_actions(job, personas.admin, today=dt.date(2030, 1, 1)) == {"archive"}


@pytest.mark.django_db
def test_refusals_say_why_in_chinese(personas: Personas) -> None:
    job = _job(personas)
    assert FLOW.refusal(job, personas.admin, "review") == "任务甲 当前状态为“排队中”，不在审核阶段"
    assert FLOW.refusal(job, personas.admin, "start") == "无权开始：任务甲"
    job.status = S
    assert FLOW.refusal(job, personas.admin, "archive", today=dt.date(2029, 1, 1)) == "2030 年以后才能归档"
    assert FLOW.holds_role(personas.enterprise_b, job, "start") is False


@pytest.mark.django_db
def test_move_changes_status_records_step_and_audit_in_one_transaction(personas: Personas) -> None:
    steps.clear()
    job = _job(personas, R)
    actor = Actor.web(personas.admin)
    with transaction.atomic():
        with pytest.raises(Refused, match="请选择审核结论"):
            FLOW.move(job, "review", actor=actor)
        with pytest.raises(Refused, match="审核需要填写意见"):
            FLOW.move(job, "review", actor=actor, decision="fail", comment="  ")
        old = FLOW.move(FLOW.lock(job), "review", actor=actor, decision="fail", comment="材料不全")
    assert old == R
    job.refresh_from_db()
    assert job.status == F
    assert steps == [("review", R, F, {"decision": "fail", "comment": "材料不全"})]
    event = AuditEvent.objects.get(action="test.job.review.fail")
    assert (event.before, event.after, event.note) == (
        {"status": R},
        {"status": F, "decision": "fail"},
        "材料不全",
    )
    with transaction.atomic(), pytest.raises(Refused, match="当前状态为“失败”"):
        FLOW.move(job, "review", actor=actor, decision="pass")


@pytest.mark.django_db
def test_check_asks_status_and_role_before_the_decision_is_known(personas: Personas) -> None:
    job = _job(personas, R)
    FLOW.check(job, "review", actor=Actor.web(personas.admin))  # no decision yet: not refused
    with pytest.raises(Refused, match="无权审核"):
        FLOW.check(job, "review", actor=Actor.web(personas.enterprise_a))
    job.status = Q
    with pytest.raises(Refused, match="不在审核阶段"):
        FLOW.check(job, "review", actor=Actor.web(personas.admin))


@pytest.mark.django_db(transaction=True)
def test_move_outside_a_transaction_is_a_programming_error(personas: Personas) -> None:
    job = _job(personas, R)
    with pytest.raises(RuntimeError, match="inside a transaction"):
        FLOW.move(job, "review", actor=Actor.web(personas.admin), decision="pass")
    job.refresh_from_db()
    assert job.status == R


@pytest.mark.django_db
def test_an_action_without_target_keeps_the_status_and_still_needs_its_inputs(personas: Personas) -> None:
    job = _job(personas)
    actor = Actor.web(personas.enterprise_a)
    with transaction.atomic():
        with pytest.raises(Refused, match="备注需要填写意见"):
            FLOW.move(job, "note", actor=actor)
        FLOW.move(job, "note", actor=actor, comment="先放一放")
    job.refresh_from_db()
    assert job.status == Q
    assert AuditEvent.objects.filter(action="test.job.note", note="先放一放").exists()


def _post(user: Any, job: Job, call: Any) -> tuple[int, list[str]]:
    """POST through `act` as `user`: the status code and the messages shown."""
    from django.contrib.messages import get_messages
    from django.contrib.messages.storage.fallback import FallbackStorage
    from django.contrib.sessions.backends.db import SessionStore

    request = RequestFactory().post("/x/")
    request.user = user
    request.session = SessionStore()
    request._messages = FallbackStorage(request)  # type: ignore[attr-defined]
    response = act(request, job, FLOW, "start", call=call, success="已开始", back="/back/")
    return response.status_code, [str(m) for m in get_messages(request)]


def _start(obj: Job, actor: Actor, data: dict[str, Any]) -> None:
    with transaction.atomic():
        FLOW.move(FLOW.lock(obj), "start", actor=actor)


@pytest.mark.django_db
def test_act_answers_403_refusals_as_messages_and_success(personas: Personas) -> None:
    job = _job(personas)
    with pytest.raises(PermissionDenied):  # answered 403 by Django
        _post(personas.enterprise_b, job, _start)
    assert _post(personas.enterprise_a, job, _start) == (302, ["已开始"])
    job.refresh_from_db()
    assert job.status == R
    assert _post(personas.enterprise_a, job, _start) == (302, ["任务甲 当前状态为“进行中”，不能开始"])


@pytest.mark.django_db
def test_act_shows_a_value_the_service_refuses_as_a_message_not_a_500(personas: Personas) -> None:
    job = _job(personas)

    def start_on(obj: Job, actor: Actor, data: dict[str, Any]) -> None:
        raise ValidationError(["日期不能早于挂牌日期", "情况说明过长"])

    assert _post(personas.enterprise_a, job, start_on) == (302, ["日期不能早于挂牌日期；情况说明过长"])
    job.refresh_from_db()
    assert job.status == Q


# A decision that keeps the status, a decision named in its refusal, and a form with a label.
HOLD: Workflow[Job] = Workflow(
    Job,
    [
        Action(
            "check",
            "核查",
            frozenset({R}),
            _admin,
            decisions={
                "keep": Outcome(""),
                "stop": Outcome(F, requires=("comment",), label="终止"),
            },
        )
    ],
    audit_prefix="test.hold",
    number=lambda job: job.label,
    register=False,
)


@pytest.mark.django_db
def test_a_decision_may_keep_the_status_and_names_itself_when_it_needs_more(personas: Personas) -> None:
    job = _job(personas, R)
    actor = Actor.web(personas.admin)
    assert HOLD.action("check").targets == {F}
    with transaction.atomic():
        with pytest.raises(Refused, match=r"^终止需要填写意见$"):
            HOLD.move(job, "check", actor=actor, decision="stop")
        HOLD.move(job, "check", actor=actor, decision="keep")
    job.refresh_from_db()
    assert job.status == R
    assert AuditEvent.objects.get(action="test.hold.check.keep").after == {"status": R, "decision": "keep"}


@pytest.mark.django_db
def test_the_audit_event_carries_what_else_the_service_changed_but_the_status_is_moves(
    personas: Personas,
) -> None:
    job = _job(personas, R)
    with transaction.atomic():
        HOLD.move(
            job,
            "check",
            actor=Actor.web(personas.admin),
            decision="stop",
            comment="重复",
            audit_before={"status": "stale", "label": "任务甲"},
            audit_after={"status": "stale", "label": "任务乙"},
        )
    event = AuditEvent.objects.get(action="test.hold.check.stop")
    assert event.before == {"status": R, "label": "任务甲"}
    assert event.after == {"status": F, "label": "任务乙", "decision": "stop"}


@pytest.mark.django_db
def test_act_names_the_field_of_a_form_error_and_may_word_success_by_the_data(personas: Personas) -> None:
    from django import forms
    from django.contrib.messages import get_messages
    from django.contrib.messages.storage.fallback import FallbackStorage
    from django.contrib.sessions.backends.db import SessionStore

    class NoteForm(forms.Form):
        comment = forms.CharField(label="备注内容", max_length=4)

    job = _job(personas)

    def post(data: dict[str, str]) -> list[str]:
        request = RequestFactory().post("/x/", data)
        request.user = personas.enterprise_a
        request.session = SessionStore()
        request._messages = FallbackStorage(request)  # type: ignore[attr-defined]

        def note(obj: Job, actor: Actor, data: dict[str, Any]) -> None:
            with transaction.atomic():
                FLOW.move(obj, "note", actor=actor, comment=data["comment"])

        act(
            request,
            job,
            FLOW,
            "note",
            call=note,
            success=lambda data: f"已备注：{data['comment']}",
            back="/back/",
            form_class=NoteForm,
        )
        return [str(m) for m in get_messages(request)]

    assert post({"comment": "太长的备注"}) == ["备注内容：确保该变量包含不超过 4 字符 (目前字符数 5)。"]
    assert post({"comment": "先放"}) == ["已备注：先放"]


def _note(job: Job, *, actor: Actor, comment: str) -> None:
    """A service that takes the form's field as its keyword argument."""
    with transaction.atomic():
        FLOW.move(FLOW.lock(job), "note", actor=actor, comment=comment)


@pytest.mark.django_db
def test_action_view_guards_fetches_binds_the_door_and_goes_back(personas: Personas) -> None:
    from django import forms
    from django.contrib.messages import get_messages
    from django.contrib.messages.storage.fallback import FallbackStorage
    from django.contrib.sessions.backends.db import SessionStore
    from django.http import Http404

    class NoteForm(forms.Form):
        comment = forms.CharField(label="备注内容")

        def __init__(self, *args: Any, limit: int, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.fields["comment"].validators.append(MaxLengthValidator(limit))

    job = _job(personas)
    fetched: list[Any] = []

    def fetch(request: Any, pk: Any) -> Job:
        fetched.append(pk)
        if pk != job.pk:
            raise Http404
        return job

    view = action_view(
        FLOW,
        {"note": Door(keywords(_note), "已备注。", NoteForm, lambda obj: {"limit": len(obj.label) + 1})},
        guard=lambda user: user != personas.enterprise_b,  # who may use the pages at all
        fetch=fetch,
        back=lambda request, obj: f"/jobs/{obj.pk}/?{request.GET.urlencode()}",
    )

    def post(user: Any, pk: Any, data: dict[str, str], method: str = "post") -> tuple[int, str, list[str]]:
        request = getattr(RequestFactory(), method)("/x/?page=2", data)
        request.user = user
        request.session = SessionStore()
        request._messages = FallbackStorage(request)  # type: ignore[attr-defined]
        response = view(request, pk=pk, action="note")
        return response.status_code, response.get("Location", ""), [str(m) for m in get_messages(request)]

    assert post(personas.enterprise_a, job.pk, {"comment": "先放"}, method="get")[0] == 405
    with pytest.raises(PermissionDenied):  # the guard: answered 403 by Django, before any fetch
        post(personas.enterprise_b, job.pk, {"comment": "先放"})
    assert fetched == []
    with pytest.raises(Http404):
        post(personas.enterprise_a, 0, {"comment": "先放"})
    assert post(personas.enterprise_a, job.pk, {"comment": "一二三四五"}) == (
        302,
        f"/jobs/{job.pk}/?page=2",
        ["备注内容：确保该变量包含不超过 4 字符 (目前字符数 5)。"],
    )
    assert post(personas.enterprise_a, job.pk, {"comment": "先放"}) == (
        302,
        f"/jobs/{job.pk}/?page=2",
        ["已备注。"],
    )
    assert AuditEvent.objects.filter(action="test.job.note", note="先放").exists()


def test_action_view_refuses_a_door_for_no_action() -> None:
    with pytest.raises(ValueError, match=r"doors for no action \['nap'\]"):
        action_view(
            FLOW,
            {"nap": Door(keywords(_note), "")},
            guard=bool,
            fetch=_no_fetch,
            back=lambda request, job: "/",
        )


def _no_fetch(request: Any, pk: int) -> Job:
    raise AssertionError("not reached")
