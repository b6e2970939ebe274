"""The grants demo data: budgets, applications in various statuses, entitlements; idempotent."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest

from ipcity.core.audit import Actor
from ipcity.core.models import AuditEvent, DataSet
from ipcity.demo.services import load_demo
from ipcity.grants import clock
from ipcity.grants.demo import load_grants_demo
from ipcity.grants.models import Application, Budget, Entitlement, Payment
from ipcity.grants.tests import registry_data as reg
from ipcity.policy.engine import default_catalog
from ipcity.registry.models import Organisation

pytestmark = pytest.mark.django_db


def test_grants_demo_is_idempotent_and_synthetic(plan) -> None:
    clock.set_today(None)  # the demo sets its own dates
    actor = Actor.cli("demo load")
    load_demo(actor=actor)
    haiyue = Organisation.objects.get(name="（演示）烟台海岳新材料有限公司")
    reg.gi(haiyue, "（演示）测试海参", approved=dt.date(2023, 5, 6))
    load_grants_demo(actor=actor)
    assert Budget.objects.filter(year__in=[2024, 2025, 2026]).count() == 3 * len(default_catalog().items)
    statuses = Counter(Application.objects.values_list("status", flat=True))
    assert statuses == {
        "paid": 1, "publicity": 1, "submitted": 1, "expert_review": 1, "returned": 1, "city_review": 1, "draft": 1,
    }  # fmt: skip
    assert all(a.is_demo and a.right_id.startswith("(演示)") for a in Application.objects.all())
    ent = Entitlement.objects.get()
    assert ent.is_demo and ent.status == "paid" and ent.organisation == haiyue
    assert Payment.objects.count() == 2
    # Every demo application has a file for each material its item names (a valid application),
    # and every payment went to a (synthetic) payee account.
    for app in Application.objects.all():
        named = set(default_catalog().items[app.item_code].upload_materials)
        assert named <= set(app.materials.values_list("label", flat=True)), app.demo_key
    assert all(p.payee_account.startswith("999") and p.payee_name for p in Payment.objects.all())
    assert DataSet.objects.get(code="grants-demo").is_demo
    counts = (Application.objects.count(), Entitlement.objects.count(), Payment.objects.count())
    events = AuditEvent.objects.count()
    load_grants_demo(actor=actor)
    assert (Application.objects.count(), Entitlement.objects.count(), Payment.objects.count()) == counts
    assert AuditEvent.objects.count() == events
