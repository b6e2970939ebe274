"""Walk a workflow (core.workflow) through every status × persona × action and check that the
table, the page and the service agree:

- the page shows the action (an element with `data-action="<name>"`) iff `allowed_actions` has it
  (a page the persona may not open shows nothing);
- the service accepts it iff allowed, and refuses it with `Refused` otherwise;
- where a POST is given, it succeeds (a success message) iff allowed.

Each try runs in a savepoint rolled back after it, so every try starts from the same object.
Returns the disagreements as readable lines; the test asserts there are none.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.contrib.messages import SUCCESS, get_messages
from django.db import transaction
from django.test import Client

from ipcity.core.audit import Actor
from ipcity.core.choices import AuditSource
from ipcity.core.workflow import Refused, Workflow
from ipcity.test import Personas

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
SHOWN = re.compile(r'data-action="([a-z_]+)"')


@dataclass(frozen=True)
class Post:
    """How the page posts an action: the URL for the object and the form data."""

    url: Callable[[Any], str]
    data: Mapping[str, Any]


class _Undo(Exception):
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
    response = client.get(url)
    return set(SHOWN.findall(response.content.decode())) if response.status_code == 200 else set()


def accepted(call: Callable[[], Any]) -> bool:
    """Whether `call` succeeds (rolled back either way) or is refused."""
    try:
        with transaction.atomic():
            call()
            raise _Undo
    except _Undo:
        return True
    except Refused:
        return False


def posted(client: Client, post: Post, obj: Any) -> bool:
    """Whether the POST succeeded (rolled back either way)."""
    result = False
    client.cookies.pop("messages", None)  # only this request's messages count
    try:
        with transaction.atomic():
            response = client.post(post.url(obj), post.data)
            request = getattr(response, "wsgi_request", None)
            levels = [m.level for m in get_messages(request)] if request is not None else []
            result = response.status_code == 302 and SUCCESS in levels
            raise _Undo
    except _Undo:
        return result


def walk(
    workflow: Workflow[Any],
    personas: Personas,
    *,
    make: Callable[[str], Any],
    page: Callable[[Any], str],
    take: Mapping[str, Callable[[Any, Actor], Any]],
    post: Mapping[str, Post] | None = None,
    statuses: list[str] | None = None,
) -> list[str]:
    """`make(status)` an object in each status, then for each persona compare allowed_actions with
    the page at `page(obj)`, with `take[action](obj, actor)` (the service) and with `post[action]`."""
    assert set(take) == set(workflow.actions), "take every action of the table"
    problems: list[str] = []
    ever: set[str] = set()
    field = workflow.model._meta.get_field(workflow.status_field)
    users = {name: persona_user(personas, name) for name in PERSONAS}
    clients = {name: client_of(personas, user) for name, user in users.items()}
    for status in statuses or [value for value, _label in field.choices or []]:
        obj = make(status)
        assert workflow.status(obj) == status, f"make({status}) gave {workflow.status(obj)}"
        for name, user in users.items():
            client = clients[name]
            allowed = workflow.allowed_actions(obj, user)
            ever |= allowed
            shown = shown_actions(client, page(obj)) & set(workflow.actions)
            if shown != allowed:
                problems.append(f"{status} × {name}: page shows {sorted(shown)}, allowed {sorted(allowed)}")
            for action, call in take.items():
                fresh = workflow.model._default_manager.get(pk=obj.pk)
                if accepted(partial(call, fresh, actor_of(user))) != (action in allowed):
                    problems.append(
                        f"{status} × {name} × {action}: service disagrees with allowed {sorted(allowed)}"
                    )
                if post and action in post and posted(client, post[action], obj) != (action in allowed):
                    problems.append(
                        f"{status} × {name} × {action}: POST disagrees with allowed {sorted(allowed)}"
                    )
    never = set(workflow.actions) - ever
    if never:
        problems.append(
            f"never allowed to anyone: {sorted(never)} (walk a status or persona that allows them)"
        )
    return problems
