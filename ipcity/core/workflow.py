"""One way to act on every status-bearing object (an application, a progress report, an import…).

Per model, one table of actions — name, Chinese label, the statuses it is taken in, the status it
leads to (or, for a review, one status per decision), who may take it and what it needs — and three
functions every page and service use:

- `allowed_actions(obj, user)`: the actions `user` may take on `obj` now; pages show exactly these;
- `refusal(obj, user, name)`: why not (a Chinese sentence), or None;
- `move(obj, name, actor=, **inputs)`: check, change the status, record the step and the audit
  event — in the caller's transaction (services wrap it with their own writes in one transaction).

An action whose `to` is empty leaves the status as it is (editing, scoring); the service still calls
`require` so that the same table decides. `user=None` is the command line or the platform itself:
every role, the status still applies. Views use `act` (one POST helper): 403 when the user never
takes this action on this object, else form → one service call → back, a refusal (or a value the
service finds wrong, a ValidationError) shown as a message; `action_view` makes the one POST view of a
model's actions from a `Door` per action (service call, success message, form).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.views.decorators.http import require_POST

from ipcity.core.audit import Actor, record_event

M = TypeVar("M", bound=models.Model)
Who = Callable[[Any, Any], bool]  # (user, obj) -> takes this action on this object
When = Callable[[Any, dt.date], "str | None"]  # (obj, today) -> a refusal beyond the status, or None


class Refused(Exception):
    """An action was refused; the message says why, in Chinese, for the person who tried."""


@dataclass(frozen=True)
class Outcome:
    """Where an action (or one decision of it) leads, and what it then needs (e.g. a comment).
    `to=""` keeps the status (a decision that lets the object go on as it is); `label` names the
    decision in the audit log (区市初审：退回修改) and in the refusal when what it needs is missing
    (退回修改需要填写意见); every decision of a registered table has one (core/tests/test_audit_labels.py)."""

    to: str
    requires: tuple[str, ...] = ()
    label: str = ""


@dataclass(frozen=True)
class Action:
    name: str
    label: str
    sources: frozenset[str]
    who: Who
    to: str = ""  # the status after; "" = unchanged
    decisions: Mapping[str, Outcome] = field(default_factory=dict)  # for reviews: decision -> outcome
    requires: tuple[str, ...] = ()  # inputs that must be given (non-empty), whatever the decision
    not_in_stage: str = ""  # how a refusal by status ends; default: 不能<label>
    when: When | None = None  # a further condition (a period not yet over, …)

    def outcome(self, decision: str = "") -> Outcome | None:
        if self.decisions:
            return self.decisions.get(decision)
        return Outcome(self.to) if self.to else None

    @property
    def targets(self) -> set[str]:
        found = {o.to for o in self.decisions.values() if o.to}
        return found | ({self.to} if self.to else set())


REQUIRED_LABELS = {"comment": "意见", "reason": "理由", "decision": "结论", "amount": "金额"}


class Workflow(Generic[M]):
    """The action table of one model and the functions that read it."""

    def __init__(
        self,
        model: type[M],
        actions: Iterable[Action],
        *,
        audit_prefix: str,
        number: Callable[[M], str] = str,
        record_step: Callable[[M, Action, str, str, Actor, dict[str, Any]], None] | None = None,
        status_field: str = "status",
        today: Callable[[], dt.date] = lambda: timezone.localdate(),
        register: bool = True,
    ) -> None:
        self.model = model
        self.actions: dict[str, Action] = {}
        for action in actions:
            if action.name in self.actions:
                raise ValueError(f"{model.__name__}: action {action.name} twice")
            self.actions[action.name] = action
        self.audit_prefix = audit_prefix
        self.number = number
        self.record_step = record_step
        self.status_field = status_field
        self.today = today
        statuses = {value for value, _label in model._meta.get_field(status_field).choices or []}  # type: ignore[union-attr]
        for action in self.actions.values():
            unknown = (set(action.sources) | action.targets) - statuses
            if unknown:
                raise ValueError(f"{model.__name__}.{action.name}: unknown statuses {sorted(unknown)}")
        if register:
            WORKFLOWS[model] = self

    # ------------------------------------------------------------------ reading the table

    def action(self, name: str) -> Action:
        try:
            return self.actions[name]
        except KeyError:
            raise ValueError(f"{self.model.__name__} has no action {name!r}") from None

    def status(self, obj: M) -> str:
        return str(getattr(obj, self.status_field))

    def status_label(self, obj: M, status: str | None = None) -> str:
        value = self.status(obj) if status is None else status
        choices = dict(self.model._meta.get_field(self.status_field).choices or [])  # type: ignore[union-attr]
        return str(choices.get(value, value))

    def holds_role(self, user: Any, obj: M, name: str) -> bool:
        """Whether `user` is one who takes this action on this object, whatever its status (a view
        answers 403 when not). None (command line, platform) holds every role."""
        return user is None or self.action(name).who(user, obj)

    def refusal(self, obj: M, user: Any, name: str, *, today: dt.date | None = None) -> str | None:
        """Why `user` may not take the action now (Chinese), or None. Status first, then the
        further condition, then the role."""
        action = self.action(name)
        if self.status(obj) not in action.sources:
            ending = action.not_in_stage or f"不能{action.label}"
            return f"{self.number(obj)} 当前状态为“{self.status_label(obj)}”，{ending}"
        if action.when is not None:
            reason = action.when(obj, today or self.today())
            if reason:
                return reason
        if not self.holds_role(user, obj, name):
            return f"无权{action.label}：{self.number(obj)}"
        return None

    def allowed_actions(self, obj: M, user: Any, *, today: dt.date | None = None) -> frozenset[str]:
        """The names of the actions `user` may take on `obj` now; pages show exactly these."""
        day = today or self.today()
        return frozenset(name for name in self.actions if self.refusal(obj, user, name, today=day) is None)

    # ------------------------------------------------------------------ acting

    def check(self, obj: M, name: str, *, actor: Actor) -> None:
        """Refuse (Refused) unless `actor` may take the action now (status, condition, role): what a
        service asks first, before its own checks and before the decision and inputs are known."""
        reason = self.refusal(obj, actor.user, name)
        if reason is not None:
            raise Refused(reason)

    def require(
        self, obj: M, name: str, *, actor: Actor, decision: str = "", **inputs: Any
    ) -> Outcome | None:
        """Refuse (Refused) unless `actor` may take the action now with these inputs; returns the
        outcome (None for an action without one: editing, scoring)."""
        self.check(obj, name, actor=actor)
        action = self.action(name)
        outcome = action.outcome(decision)
        if action.decisions and outcome is None:
            raise Refused(f"请选择{action.label}结论")
        needed = action.requires + (outcome.requires if outcome else ())
        missing = [key for key in needed if not str(inputs.get(key) or "").strip()]
        if missing:
            labels = "、".join(REQUIRED_LABELS.get(key, key) for key in missing)
            # The decision names the refusal when it is the decision that needs the input.
            by_decision = outcome is not None and outcome.label and set(missing) & set(outcome.requires)
            subject = outcome.label if outcome is not None and by_decision else action.label
            raise Refused(f"{subject}需要填写{labels}")
        return outcome

    def lock(self, obj: M) -> M:
        """The row again, locked until the end of the transaction (two requests cannot both move it)."""
        manager = type(obj)._default_manager
        return manager.select_for_update().get(pk=obj.pk)

    def move(
        self,
        obj: M,
        name: str,
        *,
        actor: Actor,
        decision: str = "",
        comment: str = "",
        audit_before: dict[str, Any] | None = None,
        audit_after: dict[str, Any] | None = None,
        **inputs: Any,
    ) -> str:
        """Check, change the status, record the step and one audit event; returns the old status.

        `audit_before`/`audit_after` add what else the service changed to the event (the status
        itself is always move's). Must run inside the caller's transaction (`transaction.atomic`),
        with `obj` locked (`lock`) when two requests could race."""
        if not transaction.get_connection().in_atomic_block:
            raise RuntimeError("Workflow.move must run inside a transaction")
        outcome = self.require(obj, name, actor=actor, decision=decision, comment=comment, **inputs)
        old = self.status(obj)
        new = outcome.to if outcome and outcome.to else old
        if new != old:
            setattr(obj, self.status_field, new)
            obj.save(update_fields=[self.status_field])
        action = self.action(name)
        if self.record_step is not None:
            self.record_step(
                obj, action, old, new, actor, {"decision": decision, "comment": comment, **inputs}
            )
        after: dict[str, Any] = {**(audit_after or {}), self.status_field: new}
        if decision:
            after["decision"] = decision
        record_event(
            actor,
            f"{self.audit_prefix}.{name}" + (f".{decision}" if decision else ""),
            obj=obj,
            before={**(audit_before or {}), self.status_field: old},
            after=after,
            note=comment,
        )
        return old


# Every workflow, by model: for the tests that walk them all and for pages that list actions.
WORKFLOWS: dict[type[models.Model], Workflow[Any]] = {}


def workflow_for(obj: models.Model) -> Workflow[Any]:
    return WORKFLOWS[type(obj)]


def act(
    request: HttpRequest,
    obj: M,
    workflow: Workflow[M],
    name: str,
    *,
    call: Callable[[M, Actor, dict[str, Any]], Any],
    success: str | Callable[[dict[str, Any]], str],
    back: str,
    form_class: Any = None,
    form_kwargs: dict[str, Any] | None = None,
) -> HttpResponse:
    """The one shape of a workflow POST: 403 unless the user takes this action on this object →
    bind the form (errors shown as messages naming their field) → one service call (a refusal, or a
    ValidationError for a value the service checks beyond the form, shown as a message) → back to
    `back`. `success` may depend on the form's data (确认 or 放弃). The object must come from the
    user-scoped queryset (404 outside it)."""
    from ipcity.accounts.guards import deny

    if not request.user.is_authenticated or not workflow.holds_role(request.user, obj, name):
        return deny(request)
    data: dict[str, Any] = {}
    if form_class is not None:
        form = form_class(request.POST, request.FILES or None, **(form_kwargs or {}))
        if not form.is_valid():
            form_errors(request, form)
            return redirect(back)
        data = form.cleaned_data
    try:
        call(obj, Actor.web(request.user), data)
    except Refused as exc:
        messages.error(request, str(exc))
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, success(data) if callable(success) else success)
    return redirect(back)


@dataclass(frozen=True)
class Door:
    """How a page posts one workflow action: the service call `call(obj, actor, form data)`, what
    success says (it may depend on the form's data) and the form it binds, with the arguments the
    form needs for the object (`form_kwargs(obj)`)."""

    call: Callable[[Any, Actor, dict[str, Any]], Any]
    success: str | Callable[[dict[str, Any]], str]
    form_class: Any = None
    form_kwargs: Callable[[Any], dict[str, Any]] | None = None


def page_gate(
    request: HttpRequest, workflow: Workflow[Any], obj: Any, name: str, back: str
) -> HttpResponse | None:
    """The guard of a page that takes one action on `obj` (an edit form): 403 unless the user holds
    the action's role; the reason as a message and back to `back` when the action is not open now
    (the object's status or condition); None when the page may be shown."""
    from ipcity.accounts.guards import deny

    if not request.user.is_authenticated or not workflow.holds_role(request.user, obj, name):
        return deny(request)
    reason = workflow.refusal(obj, request.user, name)
    if reason is not None:
        messages.error(request, f"{reason}。")
        return redirect(back)
    return None


def keywords(service: Callable[..., Any]) -> Callable[[Any, Actor, dict[str, Any]], Any]:
    """A door's call to a service that takes the form's fields as they are: `service(obj, actor=,
    **data)`."""
    return lambda obj, actor, data: service(obj, actor=actor, **data)


def action_view(
    workflow: Workflow[M],
    doors: Mapping[str, Door],
    *,
    guard: Callable[[Any], bool],
    fetch: Callable[[HttpRequest, int], M],
    back: Callable[[HttpRequest, M], str],
) -> Callable[..., HttpResponse]:
    """The POST view of one model's actions (urls.py passes the action: `{"action": "submit"}`):
    403 unless `guard(user)` (who may use the pages at all), the object from `fetch` (the
    user-scoped queryset: 404 outside it), then `act` with the action's door, back to `back`."""
    from ipcity.accounts.guards import deny

    unknown = set(doors) - set(workflow.actions)
    if unknown:
        raise ValueError(f"{workflow.model.__name__}: doors for no action {sorted(unknown)}")

    @require_POST
    def view(request: HttpRequest, pk: int, action: str) -> HttpResponse:
        if not guard(request.user):
            return deny(request)
        obj = fetch(request, pk)
        door = doors[action]
        return act(
            request,
            obj,
            workflow,
            action,
            call=door.call,
            success=door.success,
            back=back(request, obj),
            form_class=door.form_class,
            form_kwargs=door.form_kwargs(obj) if door.form_kwargs else None,
        )

    return view


def form_errors(request: HttpRequest, form: Any) -> None:
    """Each error of a bound form as a message, after its field's label (评审专家：不是一个有效的值)."""
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        for error in errors:
            messages.error(request, f"{label}：{error}" if label else str(error))


def apply_errors(form: Any, exc: ValidationError) -> None:
    """A service's ValidationError on a form: by field where it names one, else on the form."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            target = name if name in form.fields else None
            for error in errors:
                form.add_error(target, error.messages)
    else:
        form.add_error(None, exc.messages)


Success = str | Callable[[Any], str]


def _say(request: HttpRequest, success: Success, result: Any) -> None:
    messages.success(request, success(result) if callable(success) else success)


def save_form(
    request: HttpRequest,
    form: Any,
    call: Callable[[], Any],
    success: Success,
    *,
    refusal_on_form: bool = False,
) -> tuple[bool, Any]:
    """The POST of a form page (the form is valid): `call` the service. A refusal as a message (or
    on the form, `refusal_on_form`), the values the service finds wrong on the form's fields — the
    page is shown again; else `success` (a text, or a function of the result) as a message. Returns
    whether it was saved and the service's result, for the view to redirect."""
    try:
        result = call()
    except Refused as exc:
        if refusal_on_form:
            form.add_error(None, str(exc))
        else:
            messages.error(request, str(exc))
        return False, None
    except ValidationError as exc:
        apply_errors(form, exc)
        return False, None
    _say(request, success, result)
    return True, result


def post_form(
    request: HttpRequest, form: Any, call: Callable[[dict[str, Any]], Any], success: Success
) -> tuple[bool, Any]:
    """A POST without a page of its own (a small form on a detail page): the form's errors, a refusal
    or the service's ValidationError as messages; else `call(cleaned_data)` and `success` as a
    message. Returns whether it was done and the service's result; the view redirects either way."""
    if not form.is_valid():
        form_errors(request, form)
        return False, None
    try:
        result = call(form.cleaned_data)
    except Refused as exc:
        messages.error(request, str(exc))
        return False, None
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
        return False, None
    _say(request, success, result)
    return True, result
