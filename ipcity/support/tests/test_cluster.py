"""Service agencies and the 集聚区: an agency keeps its directory profile; it applies to the cluster,
is admitted, reports, and leaves; the monitoring report counts it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from ipcity.core.audit import Actor
from ipcity.core.models import AuditEvent, Region
from ipcity.core.workflow import Refused
from ipcity.support import selectors, services
from ipcity.support.models import ClusterMembership
from ipcity.test import Personas

pytestmark = pytest.mark.django_db


def web(user: object) -> Actor:
    return Actor.web(user)


def test_an_agency_keeps_its_own_profile(personas: Personas) -> None:
    zhifu = Region.objects.get(name="芝罘区")
    agency = web(personas.agency)
    profile = services.save_agency_profile(
        personas.org_agency,
        actor=agency,
        kinds=["patent_agency", "legal"],
        services="专利申请代理",
        districts=[zhifu],
    )
    assert profile.kind_labels == ["专利代理", "法律"] and list(profile.districts.all()) == [zhifu]
    services.add_agency_staff(profile, actor=agency, name="王代理", licence_number="37101234567")
    with pytest.raises(Refused, match="已在人员名单"):
        services.add_agency_staff(profile, actor=agency, name="王代理")
    with pytest.raises(Refused, match="无权"):
        services.save_agency_profile(personas.org_agency, actor=web(personas.enterprise_a), kinds=["legal"])
    with pytest.raises(Refused, match="不是服务机构"):
        services.save_agency_profile(personas.org_a, actor=web(personas.admin), kinds=["legal"])
    with pytest.raises(Refused, match="服务类型"):
        services.save_agency_profile(personas.org_agency, actor=agency, kinds=[])
    assert [p.organisation for p in selectors.agency_list({"kind": "legal"})] == [personas.org_agency]
    assert not selectors.agency_list({"kind": "evaluation"}).exists()
    assert selectors.agency_list({"q": "申请代理"}).get().staff_count == 1  # type: ignore[attr-defined]


def test_apply_admit_report_leave_and_the_monitor_counts_it(personas: Personas) -> None:
    agency, city = web(personas.agency), web(personas.admin)
    m = services.apply_to_cluster(
        personas.org_agency, actor=agency, statement="拟入驻", on=dt.date(2023, 2, 20)
    )
    with pytest.raises(Refused, match="已有入驻申请"):
        services.apply_to_cluster(personas.org_agency, actor=agency)
    with pytest.raises(Refused, match="无权同意入驻"):
        services.admit_to_cluster(m, actor=agency)
    services.admit_to_cluster(m, actor=city, on=dt.date(2023, 3, 1))
    m.refresh_from_db()
    assert m.status == "resident"
    services.report_cluster_year(
        m, actor=agency, year=2023, staff=12, revenue=Decimal("2000000"), clients=80, on=dt.date(2024, 1, 10)
    )
    services.report_cluster_year(
        m, actor=agency, year=2024, staff=15, revenue=Decimal("2500000"), clients=95, on=dt.date(2024, 12, 20)
    )
    with pytest.raises(Refused, match="未来年度"):
        services.report_cluster_year(
            m, actor=agency, year=2025, staff=1, revenue=Decimal(1), clients=1, on=dt.date(2024, 12, 20)
        )
    with pytest.raises(Refused, match="迁出需要填写理由"):
        services.move_out_of_cluster(m, actor=agency, reason=" ")
    services.move_out_of_cluster(m, actor=agency, reason="业务调整，迁往青岛", on=dt.date(2024, 12, 28))
    m.refresh_from_db()
    assert (m.status, m.ended_on, m.end_reason) == ("moved_out", dt.date(2024, 12, 28), "业务调整，迁往青岛")
    assert AuditEvent.objects.filter(action="cluster_membership.move_out", object_id=str(m.pk)).exists()

    y2023, y2024 = selectors.cluster_monitor(2023), selectors.cluster_monitor(2024)
    assert y2023.months[2] == (3, 1, 0) and y2023.admitted == 1 and y2023.resident_at_end == 1
    assert y2024.months[11] == (12, 0, 1) and y2024.left == 1 and y2024.resident_at_end == 0
    assert y2024.revenue == Decimal("2500000") and y2024.growth == Decimal("25.0")
    assert y2023.growth is None  # nothing reported for 2022
    # After leaving, it may apply again.
    again = services.apply_to_cluster(personas.org_agency, actor=agency, on=dt.date(2025, 1, 5))
    assert again.status == "applied"


def test_the_city_declines_or_ends_a_stay_with_the_reason(personas: Personas) -> None:
    agency, city = web(personas.agency), web(personas.admin)
    m = services.apply_to_cluster(personas.org_agency, actor=agency)
    with pytest.raises(Refused, match="理由"):
        services.reject_cluster_application(m, actor=city, reason="")
    services.reject_cluster_application(m, actor=city, reason="资质不全")
    m.refresh_from_db()
    assert m.status == "rejected" and m.end_reason == "资质不全"
    m2 = services.apply_to_cluster(personas.org_agency, actor=agency)
    services.admit_to_cluster(m2, actor=city)
    with pytest.raises(Refused, match="无权清退"):
        services.exit_from_cluster(m2, actor=agency, reason="x")
    services.exit_from_cluster(m2, actor=city, reason="信用评价为D级")
    assert ClusterMembership.objects.get(pk=m2.pk).status == "exited"
    assert set(ClusterMembership.objects.visible_to(personas.agency)) == {m, m2}
    assert not ClusterMembership.objects.visible_to(personas.enterprise_a).exists()
    assert not ClusterMembership.objects.visible_to(personas.district_a).exists()
