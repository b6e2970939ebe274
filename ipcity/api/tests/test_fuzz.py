"""Schemathesis fuzzes the generated OpenAPI schema with each persona's token (and none):
no server error, every response as documented (status code and body schema), and — per endpoint —
no row outside the persona's scope. Bounded: MAX_EXAMPLES per endpoint and persona."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from ipcity.accounts.choices import Role
from ipcity.accounts.permissions import can_view_indicators, is_city_admin
from ipcity.api.tests.data import ROLES, scoped_data, tokens_for
from ipcity.core.models import Job
from ipcity.grants.selectors import ledger_payments
from ipcity.market.choices import NeedStatus
from ipcity.market.models import Need, Offer
from ipcity.registry import selectors as registry
from ipcity.registry.models import GeographicalIndication, Organisation, Patent, Trademark
from ipcity.supervision.models import Milestone
from ipcity.supervision.permissions import can_view_supervision
from ipcity.test import Personas
from ipcity.wsgi import application

MAX_EXAMPLES = 6
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


def _ids(rows: Any) -> set[int]:
    return set(rows.values_list("pk", flat=True))


def _items(body: Any) -> list[dict[str, Any]]:
    return body.get("items", []) if isinstance(body, dict) else []


def organisations(user: Any, status: int, body: Any, personas: Personas) -> None:
    visible = _ids(Organisation.objects.visible_to(user))
    for row in _items(body):
        assert row["id"] in visible, row
        if user.role == Role.DISTRICT_OFFICER:
            assert row["region"] == user.region.name, row
        if user.role in (Role.APPLICANT, Role.AGENCY):
            assert row["id"] == user.membership.organisation_id, row


def patents(user: Any, status: int, body: Any, personas: Personas) -> None:
    visible = _ids(Patent.objects.visible_to(user))
    assert all(row["id"] in visible for row in _items(body))


def ledger(user: Any, status: int, body: Any, personas: Personas) -> None:
    if status == 200:
        assert user.role in (Role.CITY_ADMIN, Role.DEPT_LIAISON, Role.DISTRICT_OFFICER)
    visible = _ids(ledger_payments(user, {}))
    for row in _items(body):
        assert row["id"] in visible, row
        if user.role == Role.DISTRICT_OFFICER:
            assert row["region"] == user.region.name, row


def milestones(user: Any, status: int, body: Any, personas: Personas) -> None:
    if status == 200:
        assert can_view_supervision(user)
    visible = _ids(Milestone.objects.visible_to(user))
    assert all(row["id"] in visible for row in _items(body))


def flags(user: Any, status: int, body: Any, personas: Personas) -> None:
    if status == 200:
        assert can_view_supervision(user)
        visible = _ids(Milestone.objects.visible_to(user))
        assert all(row["milestone_id"] in visible for row in body["flags"])


def reports(user: Any, status: int, body: Any, personas: Personas) -> None:
    if status == 201:
        assert body["milestone_id"] in _ids(Milestone.objects.visible_to(user))


def indicators(user: Any, status: int, body: Any, personas: Personas) -> None:
    if status == 200:
        assert can_view_indicators(user)


def imports(user: Any, status: int, body: Any, personas: Personas) -> None:
    if status == 202:
        assert is_city_admin(user)


def jobs(user: Any, status: int, body: Any, personas: Personas) -> None:
    if status == 200:
        assert Job.objects.visible_to(user).filter(pk=body["id"]).exists()


def trademarks(user: Any, status: int, body: Any, personas: Personas) -> None:
    visible = _ids(Trademark.objects.visible_to(user))
    assert all(row["id"] in visible for row in _items(body))


def geographical_indications(user: Any, status: int, body: Any, personas: Personas) -> None:
    visible = _ids(GeographicalIndication.objects.visible_to(user))
    assert all(row["id"] in visible for row in _items(body))


def pledges(user: Any, status: int, body: Any, personas: Personas) -> None:
    visible = _ids(registry.pledges_visible_to(user))
    assert all(row["id"] in visible for row in _items(body))


def licences(user: Any, status: int, body: Any, personas: Personas) -> None:
    visible = _ids(registry.licences_visible_to(user))
    assert all(row["id"] in visible for row in _items(body))


def offers(user: Any, status: int, body: Any, personas: Personas) -> None:
    visible = _ids(Offer.objects.visible_to(user).published())
    assert all(row["id"] in visible for row in _items(body))


def needs(user: Any, status: int, body: Any, personas: Personas) -> None:
    visible = _ids(Need.objects.visible_to(user).filter(status=NeedStatus.PUBLISHED))
    assert all(row["id"] in visible for row in _items(body))


def public(user: Any, status: int, body: Any, personas: Personas) -> None:
    """The plan and the reward catalog are published documents: the same for everyone."""


SCOPE: dict[tuple[str, str], Callable[[Any, int, Any, Personas], None]] = {
    ("GET", "/api/plan"): public,
    ("GET", "/api/policy/items"): public,
    ("POST", "/api/policy/evaluate"): public,
    ("GET", "/api/indicators"): indicators,
    ("GET", "/api/indicators/values"): indicators,
    ("GET", "/api/registry/patents"): patents,
    ("GET", "/api/registry/organisations"): organisations,
    ("GET", "/api/registry/trademarks"): trademarks,
    ("GET", "/api/registry/geographical-indications"): geographical_indications,
    ("GET", "/api/registry/pledges"): pledges,
    ("GET", "/api/registry/licences"): licences,
    ("GET", "/api/market/offers"): offers,
    ("GET", "/api/market/needs"): needs,
    ("POST", "/api/registry/imports"): imports,
    ("GET", "/api/jobs/{job_id}"): jobs,
    ("GET", "/api/supervision/flags"): flags,
    ("GET", "/api/supervision/milestones"): milestones,
    ("POST", "/api/supervision/reports"): reports,
    ("GET", "/api/grants/ledger"): ledger,
}


@pytest.fixture
def wsgi_in_test_transaction(settings: Any) -> Iterator[None]:
    """Requests go through the WSGI application inside the test's transaction, as Django's test
    client does: it must not close the connection at the end of each request. No rate limit."""
    settings.IPCITY_API_RATE_LIMIT_PER_MINUTE = 1_000_000
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@pytest.mark.django_db
def test_fuzz_the_api_as_every_persona(plan: Any, personas: Personas, wsgi_in_test_transaction: None) -> None:
    scoped_data(plan, personas)
    tokens = tokens_for(personas)
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", application)
    operations = [result.ok() for result in schema.get_all_operations()]  # type: ignore[union-attr]
    assert {(op.method.upper(), op.path) for op in operations} == set(SCOPE), (
        "every endpoint needs a scope check"
    )
    seen: dict[int, int] = {}
    for operation in operations:
        check_scope = SCOPE[(operation.method.upper(), operation.path)]
        for persona in (*ROLES, None):
            user = getattr(personas, persona) if persona else None
            headers = {"Authorization": f"Bearer {tokens[persona]}"} if persona else {}
            _fuzz(operation, headers, user, check_scope, personas, seen)
    assert seen.get(200, 0) > 100 and seen.get(401, 0) > 0, seen


def _fuzz(
    operation: Any,
    headers: dict[str, str],
    user: Any,
    check_scope: Callable[[Any, int, Any, Personas], None],
    personas: Personas,
    seen: dict[int, int],
) -> None:
    @given(case=operation.as_strategy())
    @hypothesis_settings(
        max_examples=MAX_EXAMPLES if user is not None else 2,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def run(case: Any) -> None:
        response = case.call(headers=headers)
        case.validate_response(response, checks=CHECKS, headers=headers)
        seen[response.status_code] = seen.get(response.status_code, 0) + 1
        if user is None:
            assert response.status_code == 401
        else:
            body = response.json() if response.content else None
            check_scope(user, response.status_code, body, personas)

    run()
