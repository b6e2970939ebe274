"""The market demo: loads through the services, labelled 演示, idempotent."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from ipcity.core.audit import Actor
from ipcity.market.demo import load_market_demo
from ipcity.market.models import Deal, Need, Offer, RetentionProject
from ipcity.registry.demo import load_registry_demo


@pytest.mark.django_db
def test_demo_loads_and_is_idempotent(plan) -> None:  # type: ignore[no-untyped-def]
    call_command("demo", "load", "--base-only", stdout=io.StringIO())
    load_registry_demo(actor=Actor.cli("测试"), patents=300, seed=5)
    first = load_market_demo(actor=Actor.cli("测试"))
    assert first["offers"] and first["needs"] and first["deals"]
    projects = {p.name: p for p in RetentionProject.objects.all()}
    assert {p.status for p in projects.values()} == {"cultivating", "negotiating"}
    assert all(p.is_demo and p.name.startswith("（演示）") for p in projects.values())
    settled = next(p for p in projects.values() if p.status == "cultivating")
    assert settled.organisation is not None and settled.region is not None and settled.follow_ups.count() == 1
    assert load_market_demo(actor=Actor.cli("测试")) == first
    assert RetentionProject.objects.count() == len(projects)
    assert all(o.is_demo for o in Offer.objects.all()) and all(n.is_demo for n in Need.objects.all())
    assert all(d.is_demo for d in Deal.objects.all())
