"""A walk over one core.workflow table, for the tests of every status-bearing model.

The test reaches each status with the real services and calls `check(state, obj)`. There, for every
persona (and the command line) and every action of the table: the action's service calls are tried
and undone — a call is accepted exactly when `allowed_actions` lists the action, and refused with
`Refused` otherwise (any other error fails the test) — and the object's page shows a control for
exactly the listed actions. `seen` collects, per state, who may do what, for the test to compare
with the table it expects; `assert_every_status_walked` checks that no status was left out.

Usage (see ipcity/grants/tests/test_actions.py):

    walk = WorkflowWalk(FLOW, {"admin": personas.admin, ...}, tries=tries, shown=shown)
    walk.check("草稿", app)
    ...
    assert walk.seen == EXPECTED
    walk.assert_every_status_walked()
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.contrib.auth.models import AnonymousUser
from django.db import models, transaction

from ipcity.core.audit import Actor
from ipcity.core.workflow import Refused, Workflow

M = TypeVar("M", bound=models.Model)


@dataclass(frozen=True)
class Try:
    """One service call that takes `action` (an action may have several: edit facts, add material…).
    `call` is None when there is nothing to act on in this state (no grant yet, no assignment):
    then the action must not be listed either."""

    action: str
    label: str
    call: Callable[[], Any] | None


class _Undo(Exception):
    pass


@contextmanager
def rolled_back() -> Iterator[None]:
    """Run the block in a savepoint and undo what it wrote."""
    try:
        with transaction.atomic():
            yield
            raise _Undo
    except _Undo:
        pass


def attempt(call: Callable[[], Any]) -> str | None:
    """Call one service and undo it: None when it accepted, else its refusal."""
    try:
        with rolled_back():
            call()
    except Refused as exc:
        return str(exc)
    return None


class WorkflowWalk(Generic[M]):
    def __init__(
        self,
        workflow: Workflow[M],
        users: Mapping[str, Any],
        *,
        tries: Callable[[M, Any, Actor], Iterable[Try]],
        shown: Callable[[M, Any], Mapping[str, bool] | None],
        cli: Actor | None = None,
    ) -> None:
        """`users`: persona name → user. `tries(obj, user, actor)`: the service calls of every
        action for this user. `shown(obj, user)`: per action, whether the page offers it; None when
        the user cannot open the page (404)."""
        self.workflow = workflow
        self.users = dict(users)
        self.tries = tries
        self.shown = shown
        self.cli = cli or Actor.cli("workflow walk")
        self.seen: dict[str, dict[str, set[str]]] = {}
        self.statuses: set[str] = set()

    def check(self, state: str, obj: M) -> None:
        obj.refresh_from_db()
        problems: list[str] = []
        seen: dict[str, set[str]] = {}
        for name, user in [*self.users.items(), ("command line", None)]:
            allowed = self.workflow.allowed_actions(obj, user)
            seen[name] = set(allowed)
            actor = self.cli if user is None else Actor.web(user)
            problems += self._service_problems(state, name, obj, user, actor, allowed)
            if user is not None:
                problems += self._page_problems(state, name, obj, user, allowed)
        assert not problems, "\n".join(problems)
        assert not self.workflow.allowed_actions(obj, AnonymousUser()), f"{state}: anonymous may act"
        cli = seen.pop("command line")
        assert cli == set().union(*seen.values()), f"{state}: the command line acts with every role"
        self.seen[state] = {name: actions for name, actions in seen.items() if actions}
        self.statuses.add(self.workflow.status(obj))

    def _service_problems(
        self, state: str, name: str, obj: M, user: Any, actor: Actor, allowed: frozenset[str]
    ) -> list[str]:
        problems = []
        tried = set()
        for t in self.tries(obj, user, actor):
            tried.add(t.action)
            if t.call is None:
                if t.action in allowed:
                    problems.append(f"{state} {name}: {t.action} listed with nothing to act on")
                continue
            refused = attempt(t.call)
            if t.action in allowed and refused is not None:
                problems.append(f"{state} {name}: {t.label} listed but refused: {refused}")
            if t.action not in allowed and refused is None:
                problems.append(f"{state} {name}: {t.label} not listed but accepted")
        untried = set(self.workflow.actions) - tried
        if untried:
            problems.append(f"{state}: no service call tried for {sorted(untried)}")
        return problems

    def _page_problems(self, state: str, name: str, obj: M, user: Any, allowed: frozenset[str]) -> list[str]:
        shown = self.shown(obj, user)
        if shown is None:
            return [f"{state} {name}: cannot see the page but may {sorted(allowed)}"] if allowed else []
        problems = [
            f"{state} {name}: {action} {'shown' if visible else 'not shown'} on the page"
            for action, visible in shown.items()
            if visible != (action in allowed)
        ]
        unchecked = set(self.workflow.actions) - set(shown)
        if unchecked:
            problems.append(f"{state}: the page is not checked for {sorted(unchecked)}")
        return problems

    def assert_every_status_walked(self) -> None:
        field = self.workflow.model._meta.get_field(self.workflow.status_field)
        every = {value for value, _label in field.choices or []}  # type: ignore[union-attr]
        assert self.statuses == every, f"statuses not walked: {sorted(every - self.statuses)}"
