from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from ipcity.accounts.models import User
from ipcity.core.models import AuditEvent, DataSet
from ipcity.registry.models import Membership, Organisation


@pytest.mark.django_db
def test_demo_load_is_idempotent_and_labelled(plan, client) -> None:
    assert 'data-testid="demo-banner"' not in client.get("/").content.decode()
    out = io.StringIO()
    call_command("demo", "load", "--base-only", stdout=out)
    assert "liaison-finance" in out.getvalue()
    counts = (User.objects.count(), Organisation.objects.count(), Membership.objects.count())
    events = AuditEvent.objects.count()
    # with the e-commerce platform, the aid body and the mediation body and their accounts (protection)
    assert counts == (13, 8, 7)
    call_command("demo", "load", "--base-only", stdout=io.StringIO())
    assert (User.objects.count(), Organisation.objects.count(), Membership.objects.count()) == counts
    assert AuditEvent.objects.count() == events
    assert DataSet.objects.get(code="demo").is_demo
    assert all(o.is_demo and o.name.startswith("（演示）") for o in Organisation.objects.all())
    html = client.get("/").content.decode()
    assert 'data-testid="demo-banner"' in html and "演示数据" in html
    liaison = User.objects.get(username="liaison-finance")
    assert liaison.department is not None and liaison.department.name == "市财政局"
    assert liaison.check_password("ipcity-demo-2024")


@pytest.mark.django_db
def test_full_demo_loads_every_module_and_is_idempotent(plan) -> None:  # type: ignore[no-untyped-def]
    from ipcity.grants.models import Application
    from ipcity.indicators.models import Snapshot
    from ipcity.registry.models import Patent
    from ipcity.supervision.models import Milestone

    def counts() -> tuple[int, ...]:
        return (
            Patent.objects.count(),
            Snapshot.objects.count(),
            Milestone.objects.count(),
            Application.objects.count(),
            Organisation.objects.count(),
        )

    out = io.StringIO()
    call_command("demo", "load", "--patents", "300", "--seed", "7", stdout=out)
    first = counts()
    assert first[0] == 300 and all(first), first
    assert "知识产权数据（300 件专利" in out.getvalue()
    assert Snapshot.objects.filter(
        indicator__code="hv_invention_patents_per_10k", region=None, year=2024, status="ok"
    ).exists()
    from ipcity.support.models import AdvantageBatch, CoachingEngagement, DenseProduct, Talent

    support = (Talent.objects.filter(is_demo=True).count(), AdvantageBatch.objects.count(),
               CoachingEngagement.objects.count(), DenseProduct.objects.filter(recognised_year=2024).count())  # fmt: skip
    assert support == (4, 1, 2, 1), support
    call_command("demo", "load", "--patents", "300", "--seed", "7", stdout=io.StringIO())
    assert counts() == first
    # support: the demo alliance (recognised, with its pool), two centres, the agencies' rating.
    from ipcity.support.models import AgencyRating, CentreAssessment, IndustryAlliance

    alliance = IndustryAlliance.objects.get()
    assert alliance.is_demo and alliance.recognitions.count() == 1 and alliance.pools.get().patents.exists()
    assert sorted(CentreAssessment.objects.values_list("status", flat=True)) == ["confirmed", "draft"]
    assert AgencyRating.objects.filter(year=2024).count() == 1
    assert Talent.objects.filter(is_demo=True).count() == 4 and CoachingEngagement.objects.count() == 2


@pytest.mark.django_db
def test_demo_load_refuses_a_database_with_real_users_or_organisations(plan) -> None:
    from django.core.management.base import CommandError

    from ipcity.accounts.services import upsert_user
    from ipcity.core.audit import Actor
    from ipcity.core.models import Region
    from ipcity.registry.services import upsert_organisation

    actor = Actor.cli("test set-up")
    upsert_user("zhang-wei", actor=actor, role="city_admin", password="a-real-password-1")
    events = AuditEvent.objects.count()
    with pytest.raises(CommandError) as refused:
        call_command("demo", "load", "--base-only", stdout=io.StringIO())
    assert refused.value.returncode == 2
    assert "数据库中已有非演示数据" in str(refused.value) and "用户 1 个（zhang-wei）" in str(refused.value)
    assert not User.objects.filter(username="admin").exists()
    assert not DataSet.objects.filter(code="demo").exists() and AuditEvent.objects.count() == events

    User.objects.all().delete()
    upsert_organisation(
        actor=actor,
        name="烟台某真实公司",
        values={"uscc": "91370602MA3C0000XY", "kind": "enterprise", "region": Region.objects.first()},
    )
    with pytest.raises(CommandError, match="机构 1 个（烟台某真实公司）"):
        call_command("demo", "load", "--base-only", stdout=io.StringIO())
    assert not User.objects.exists()


@pytest.mark.django_db
def test_demo_load_refuses_registry_data_it_did_not_load(plan) -> None:
    from ipcity.demo.services import DemoRefused, non_demo_data, refuse_unless_demo_database
    from ipcity.grants.tests import registry_data as reg

    call_command("demo", "load", "--base-only", stdout=io.StringIO())
    assert non_demo_data() == []
    # A patent file imported into the demo database by hand is not demo data.
    reg.patent(Organisation.objects.get(name="（演示）烟台海岳新材料有限公司"), 1)
    with pytest.raises(DemoRefused, match=r"专利 1 个（20191000000\d\.\w）"):
        refuse_unless_demo_database()
