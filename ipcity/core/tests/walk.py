"""The walk of a workflow (core.workflow): every status × persona × action, checking that the table,
the page, the service and the POST agree. Run for every registered workflow by
ipcity/core/tests/test_every_workflow.py.

Each app describes the walk of each of its workflows in `<app>/tests/walks.py`: a function
registered with `@walk_for(Model)` that, given the personas and a folder for files, returns a
`Walk` — the objects to walk (`states`: one in each status at least, reached with the real
services), the ways to take each action (`tries`: service calls and the page's POSTs, most often one
`take` each), what the page offers (`shown`; `data_actions` for a page that marks its controls), and
who may do what in each state (`expected`). `check_walk` then finds, for every state and every persona (the
shared ones, the anonymous visitor, the walk's own users and the command line):

- the page offers exactly the allowed actions (a page the persona may not open offers none);
- each service call is accepted iff the action is allowed, and refused with `Refused` otherwise
  (any other error fails the test);
- each POST succeeds (a redirect with a success message) iff the action is allowed;
- the command line may do whatever any persona may (it holds every role), the anonymous visitor
  nothing, and who may do what is `expected`;
- over the whole walk: every status is walked, every action is allowed to someone somewhere, and
  every action is tried through a service and through a POST.

Each try runs in a savepoint rolled back after it, on a fresh copy of the object, so every try
starts from the same state. `check_walk` returns the disagreements as readable lines.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Generator, Iterable, Iterator, Mapping
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, Generic, TypeVar

from django.contrib.auth.models import AnonymousUser
from django.contrib.messages import SUCCESS, get_messages
from django.db import models, transaction
from django.test import Client

from ipcity.core.audit import Actor
from ipcity.core.choices import AuditSource
from ipcity.core.workflow import Refused, Workflow
from ipcity.test import Personas

M = TypeVar("M", bound=models.Model)

PERSONAS = (
    "admin",
    "district_a",
    "district_b",
    "liaison",
    "liaison_other",
    "enterprise_a",
    "enterprise_b",
    "agency",
    "anonymous",
)
CLI = "command line"
SHOWN = re.compile(r'data-action="([a-z_]+)"')


@dataclass(frozen=True)
class Try:
    """One way to take `action`: `call` the service on a fresh copy of the object, and/or `post` the
    page's form with the persona's client. Neither: there is nothing to act on in this state (no
    grant to pay yet), so the action must not be allowed. `label` tells several tries apart."""

    action: str
    call: Callable[[Any], Any] | None = None
    post: Callable[[Client], Any] | None = None
    label: str = ""


def take(
    action: str,
    service: Callable[..., Any],
    url: str,
    data: Mapping[str, Any] | None = None,
    *,
    actor: Actor,
    **inputs: Any,
) -> Try:
    """The usual try: `service(obj, actor=actor, **inputs)`, and the page's POST of `data` to `url`."""
    return Try(
        action, lambda obj: service(obj, actor=actor, **inputs), lambda client: client.post(url, data or {})
    )


@dataclass
class Walk(Generic[M]):
    """What walking one workflow needs (see the module docstring). `states`, a generator, yields (a
    name for the state, the object in it); it may hold the object in a state (a rolled-back branch,
    a frozen date) while the walk checks it. `expected`: per state, persona → the actions allowed (a persona
    not named may do nothing)."""

    workflow: Workflow[M]
    states: Generator[tuple[str, M], None, None]
    tries: Callable[[M, Actor], Iterable[Try]]
    shown: Callable[[M, Client], set[str]]
    expected: Mapping[str, Mapping[str, set[str]]]
    users: Mapping[str, Any] = field(default_factory=dict)  # more personas, by name (an expert)
    cli: Actor = field(default_factory=lambda: Actor.cli("workflow walk"))


# The walk of every workflow, by model: `<app>/tests/walks.py` registers them.
WALKS: dict[type[models.Model], Callable[[Personas, Path], Walk[Any]]] = {}


def walk_for(model: type[models.Model]) -> Callable[[Callable[[Personas, Path], Walk[Any]]], Any]:
    """Register the function that builds the walk of `model`'s workflow (given the personas and a
    folder for files)."""

    def register(build: Callable[[Personas, Path], Walk[Any]]) -> Callable[[Personas, Path], Walk[Any]]:
        WALKS[model] = build
        return build

    return register


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


def persona_user(personas: Personas, name: str) -> Any:
    return AnonymousUser() if name == "anonymous" else getattr(personas, name)


def actor_of(user: Any) -> Actor:
    """A web actor; for the anonymous visitor one that no role admits (a service must refuse it)."""
    if user.is_authenticated:
        return Actor.web(user)
    return Actor(user=user, source=AuditSource.WEB, label="匿名访问者")


def client_of(personas: Personas, user: Any) -> Client:
    return personas.client(user if user.is_authenticated else None)


def shown_actions(client: Client, url: str) -> set[str]:
    """The actions the page at `url` offers (elements with `data-action="<name>"`); none when the
    client may not open it."""
    response = client.get(url)
    return set(SHOWN.findall(response.content.decode())) if response.status_code == 200 else set()


def data_actions(url: Callable[[Any], str]) -> Callable[[Any, Client], set[str]]:
    """`Walk.shown` for a page that marks each control with `data-action`."""
    return lambda obj, client: shown_actions(client, url(obj))


def accepted(call: Callable[[], Any]) -> bool:
    """Whether the service call succeeds (undone either way) or is refused."""
    try:
        with rolled_back():
            call()
    except Refused:
        return False
    return True


def posted(client: Client, post: Callable[[Client], Any]) -> bool:
    """Whether the POST succeeds: a redirect with a success message (undone either way)."""
    client.cookies.pop("messages", None)  # only this request's messages count
    with rolled_back():
        response = post(client)
        request = getattr(response, "wsgi_request", None)
        levels = [m.level for m in get_messages(request)] if request is not None else []
    return response.status_code == 302 and SUCCESS in levels


def _fresh(workflow: Workflow[M], obj: M) -> M:
    return workflow.model._default_manager.get(pk=obj.pk)


def check_walk(walk: Walk[Any], personas: Personas) -> list[str]:
    """Walk every state × persona × try; the disagreements, as readable lines."""
    flow = walk.workflow
    users = {**{name: persona_user(personas, name) for name in PERSONAS}, **walk.users}
    clients = {name: client_of(personas, user) for name, user in users.items()}
    problems: list[str] = []
    seen: dict[str, dict[str, set[str]]] = {}
    statuses: set[str] = set()
    served: set[str] = set()  # actions tried through a service
    sent: set[str] = set()  # actions tried through a POST
    with closing(walk.states) as states:  # closing: a branch left open is rolled back
        for state, obj in states:
            assert state not in seen, f"state {state} walked twice"
            fresh = _fresh(flow, obj)
            statuses.add(flow.status(fresh))
            allowed_by: dict[str, set[str]] = {}
            for name, user in [*users.items(), (CLI, None)]:
                allowed = flow.allowed_actions(fresh, user)
                allowed_by[name] = set(allowed)
                client = clients[name] if user is not None else None
                problems += _try_all(walk, f"{state} × {name}", fresh, user, allowed, client, served, sent)
            if allowed_by["anonymous"]:
                problems.append(f"{state}: the anonymous visitor may {sorted(allowed_by['anonymous'])}")
            cli = allowed_by.pop(CLI)
            if cli != set().union(*allowed_by.values()):
                problems.append(f"{state}: the command line may {sorted(cli)}, the personas together not")
            seen[state] = {name: actions for name, actions in allowed_by.items() if actions}
    return problems + _overall(walk, statuses, seen, served, sent)


def _try_all(
    walk: Walk[Any],
    where: str,
    obj: Any,
    user: Any,
    allowed: frozenset[str],
    client: Client | None,
    served: set[str],
    sent: set[str],
) -> list[str]:
    """One persona (`user` None: the command line, without a page) in one state: the page, then
    every try, against what the table allows."""
    flow = walk.workflow
    names = set(flow.actions)
    problems = []
    if client is not None:
        shown = walk.shown(obj, client) & names
        if shown != allowed:
            problems.append(f"{where}: page shows {sorted(shown)}, allowed {sorted(allowed)}")
    tried = set()
    for t in walk.tries(obj, walk.cli if user is None else actor_of(user)):
        tried.add(t.action)
        may = t.action in allowed
        what = f"{where} × {t.label or t.action}"
        if t.call is None and t.post is None and may:
            problems.append(f"{what}: allowed with nothing to act on")
        if t.call is not None:
            served.add(t.action)
            if accepted(partial(t.call, _fresh(flow, obj))) != may:
                problems.append(f"{what}: service disagrees with allowed {sorted(allowed)}")
        if t.post is not None and client is not None:
            sent.add(t.action)
            if posted(client, t.post) != may:
                problems.append(f"{what}: POST disagrees with allowed {sorted(allowed)}")
    if tried != names:
        problems.append(f"{where}: not tried {sorted(names - tried)}")
    return problems


def _overall(
    walk: Walk[Any],
    statuses: set[str],
    seen: dict[str, dict[str, set[str]]],
    served: set[str],
    sent: set[str],
) -> list[str]:
    flow = walk.workflow
    names = set(flow.actions)
    every = {value for value, _label in flow.model._meta.get_field(flow.status_field).choices or []}  # type: ignore[union-attr]
    ever = {action for table in seen.values() for actions in table.values() for action in actions}
    problems = []
    if statuses != every:
        problems.append(f"statuses not walked: {sorted(every - statuses)}")
    if names - ever:
        problems.append(f"never allowed to anyone: {sorted(names - ever)} (walk a state that allows them)")
    if names - served:
        problems.append(f"never tried through a service: {sorted(names - served)}")
    if names - sent:
        problems.append(f"never tried through a POST: {sorted(names - sent)}")
    expected = {state: {k: set(v) for k, v in table.items() if v} for state, table in walk.expected.items()}
    for state in sorted(set(seen) | set(expected)):
        if seen.get(state, {}) != expected.get(state, {}):
            problems.append(
                f"{state}: allowed {_table(seen.get(state, {}))}, expected {_table(expected.get(state, {}))}"
            )
    return problems


def _table(allowed: Mapping[str, set[str]]) -> str:
    return "; ".join(f"{name} {sorted(actions)}" for name, actions in sorted(allowed.items())) or "nothing"
