"""Concurrent approvals and payments on PostgreSQL: no overspend, no double payment, one reward per
right, annual caps that add up exactly. Threads with their own connections race for real.

SQLite serialises writers (IMMEDIATE transactions), so the race cannot happen there: these tests
run in CI's PostgreSQL pass (DATABASE_URL=postgres://…) and are skipped otherwise.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from decimal import Decimal
from functools import partial
from typing import Any

import pytest
from django.db import connection

from ipcity.core.workflow import Refused
from ipcity.grants import services
from ipcity.grants.models import Grant, Payment
from ipcity.grants.tests.conftest import after, draft, give_payee_accounts, set_budget, to_publicity, web

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")),
        reason="needs PostgreSQL (DATABASE_URL=postgres://…): SQLite serialises writers, so nothing can race",
    ),
]


def race(calls: list[Callable[[], Any]]) -> list[Any]:
    """Run the calls in threads released together; each result is the return value or the exception."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(index: int, call: Callable[[], Any]) -> None:
        try:
            barrier.wait()
            results[index] = call()
        except Exception as exc:  # collected and asserted by the test
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results


def _fees(amount: str) -> dict[str, object]:
    return {"foreign_related": True, "judicial_litigation": True, "won": True, "service_fees": amount}


def _published(personas, n: int, *, fees: str = "300000", rights: list[str] | None = None, user=None) -> list:
    users = [user] * n if user else [personas.enterprise_a, personas.enterprise_b] * n
    return [
        to_publicity(
            personas,
            draft(personas, user=users[i], facts=_fees(fees), right_id=(rights[i] if rights else f"案{i}")),
        )
        for i in range(n)
    ]


def test_concurrent_approvals_never_exceed_the_budget(personas, fixed_clock) -> None:
    assert connection.vendor == "postgresql"
    set_budget("foreign_litigation", "300000")  # room for two of 150,000
    apps = _published(personas, 6)
    fixed_clock.set(after(apps[-1].publicity_end, 1))
    results = race([partial(services.approve_application, a, actor=web(personas.admin)) for a in apps])
    granted = [r for r in results if isinstance(r, Grant)]
    refused = [r for r in results if isinstance(r, Refused)]
    assert len(granted) == 2 and len(refused) == 4, results
    assert all("预算不足" in str(e) for e in refused)
    total = sum(g.amount for g in Grant.objects.filter(item_code="foreign_litigation"))
    assert total == Decimal("300000.00")


def test_concurrent_approvals_reward_a_right_once(personas, fixed_clock) -> None:
    set_budget("foreign_litigation", "10000000")
    apps = _published(personas, 4, rights=["(2024)鲁02民初7号"] * 4)
    fixed_clock.set(after(apps[-1].publicity_end, 1))
    results = race([partial(services.approve_application, a, actor=web(personas.admin)) for a in apps])
    assert sum(isinstance(r, Grant) for r in results) == 1, results
    assert Grant.objects.filter(right_key="(2024)鲁02民初7号").count() == 1


def test_concurrent_approvals_respect_the_annual_cap_exactly(personas, fixed_clock) -> None:
    set_budget("foreign_litigation", "10000000")
    apps = _published(personas, 6, fees="400000", user=personas.enterprise_a)  # 200,000 each; cap 1,000,000
    fixed_clock.set(after(apps[-1].publicity_end, 1))
    results = race([partial(services.approve_application, a, actor=web(personas.admin)) for a in apps])
    assert sum(isinstance(r, Grant) for r in results) == 5, results
    total = sum(g.amount for g in Grant.objects.filter(organisation=personas.org_a))
    assert total == Decimal("1000000.00")


def test_concurrent_payments_pay_once(personas, fixed_clock) -> None:
    set_budget("foreign_litigation", "10000000")
    give_payee_accounts(personas.org_a)
    (app,) = _published(personas, 1)
    fixed_clock.set(after(app.publicity_end, 1))
    grant = services.approve_application(app, actor=web(personas.admin))
    pay = partial(services.record_payment, grant, actor=web(personas.admin), paid_on=fixed_clock.day)
    results = race([partial(pay, reference=f"P{i}") for i in range(4)])
    assert sum(isinstance(r, Payment) for r in results) == 1, results
    assert Payment.objects.filter(grant=grant).count() == 1
