"""The protection demo: loads through the services, every complaint step and credit status present,
labelled 演示, idempotent."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command

from ipcity.accounts.models import User
from ipcity.core.audit import Actor
from ipcity.protection import clock, selectors
from ipcity.protection.demo import load_protection_demo
from ipcity.protection.models import (
    AidRequest,
    Complaint,
    CreditRecord,
    Dispute,
    MediationBody,
    RiskCheck,
    SecretSite,
)
from ipcity.registry.models import Organisation


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
    # The demo bodies act through their organisations' accounts: the aid centre has a request
    # waiting on its 工作台, the agency's station a case of 较大影响力 (its 公益维权 facts), the
    # mediation committee a case it confirmed and one past its time limit.
    centre = User.objects.get(username="aid-center")
    assert [r.summary for r in selectors.aid_requests_for_body(centre)] == ["【演示】电商平台被恶意投诉"]
    agency = Organisation.objects.get(name="（演示）烟台知桥知识产权代理事务所")
    today = clock.today()
    assert selectors.influential_aid_cases(agency, today - dt.timedelta(days=365), today)
    mediator = User.objects.get(username="mediator-yantai")
    assert {d.status for d in selectors.mediations_for_body(mediator)} == {"confirming", "mediating"}
    assert any(d.is_overdue(clock.today()) for d in selectors.mediations_for_body(mediator))
    assert all(b.is_demo and b.organisation_id for b in MediationBody.objects.all())

    def counts() -> tuple[int, ...]:
        models = (Complaint, CreditRecord, Dispute, AidRequest, RiskCheck, SecretSite)
        return tuple(m.objects.count() for m in models)  # type: ignore[attr-defined]

    before = counts()
    load_protection_demo(actor=Actor.cli("测试"))
    assert counts() == before
