"""The protection demo: loads through the services, every complaint step and credit status present,
labelled 演示, idempotent."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from ipcity.core.audit import Actor
from ipcity.protection.demo import load_protection_demo
from ipcity.protection.models import AidRequest, Complaint, CreditRecord, Dispute, RiskCheck, SecretSite


@pytest.mark.django_db
def test_demo_loads_and_is_idempotent(plan) -> None:  # type: ignore[no-untyped-def]
    call_command("demo", "load", "--base-only", stdout=io.StringIO())
    load_protection_demo(actor=Actor.cli("测试"))
    statuses = set(Complaint.objects.values_list("status", flat=True))
    assert {"filed", "closed", "kept", "rejected"} <= statuses
    assert Complaint.objects.filter(malicious=True).exists()
    assert Complaint.objects.filter(satisfaction=5).exists()
    assert {"listed", "objected"} <= set(CreditRecord.objects.values_list("status", flat=True))
    assert all(c.is_demo for c in Complaint.objects.all()) and all(
        r.is_demo for r in CreditRecord.objects.all()
    )
    assert {"closed", "investigating", "confirming"} <= set(Dispute.objects.values_list("status", flat=True))
    assert (
        AidRequest.objects.filter(influential=True).exists()
        and RiskCheck.objects.filter(status="answered").exists()
    )

    def counts() -> tuple[int, ...]:
        models = (Complaint, CreditRecord, Dispute, AidRequest, RiskCheck, SecretSite)
        return tuple(m.objects.count() for m in models)  # type: ignore[attr-defined]

    before = counts()
    load_protection_demo(actor=Actor.cli("测试"))
    assert counts() == before
