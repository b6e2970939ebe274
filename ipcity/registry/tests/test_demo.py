"""The synthetic demo registry: realistic shape, clearly marked, loaded through the importers, idempotent."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from ipcity.core.models import AuditEvent, DataSet
from ipcity.registry.demo import generate_demo_files, load_registry_demo
from ipcity.registry.models import (
    Award,
    GeographicalIndication,
    ImportRun,
    Licence,
    Organisation,
    Patent,
    Pledge,
    ReviewItem,
    Trademark,
)
from ipcity.registry.tests.helpers import ACTOR

pytestmark = pytest.mark.django_db


def test_demo_files_are_deterministic_and_in_the_export_layout(tmp_path: Path) -> None:
    one = generate_demo_files(tmp_path / "a", patents=200, seed=7)
    two = generate_demo_files(tmp_path / "b", patents=200, seed=7)
    assert list(one) == ["organisations", "patents", "trademarks", "gis", "pledges", "licences", "awards"]
    assert one["patents"].read_bytes() == two["patents"].read_bytes()
    with one["patents"].open(encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 200
    assert {"申请号", "申请日", "公开（公告）号", "申请（专利权）人", "主分类号", "法律状态"} <= set(rows[0])
    assert all(r["摘要"].startswith("【演示数据】") for r in rows)
    years = {int(r["申请日"][:4]) for r in rows}
    assert min(years) >= 2008 and max(years) <= 2024
    other = generate_demo_files(tmp_path / "c", patents=200, seed=8)
    assert other["patents"].read_bytes() != one["patents"].read_bytes()


def test_demo_loads_through_the_importers_and_a_second_run_changes_nothing(personas) -> None:
    load_registry_demo(actor=ACTOR, patents=300, seed=11)
    assert Patent.objects.count() == 300
    demo_orgs = Organisation.objects.filter(is_demo=True)
    assert demo_orgs.count() >= 60
    assert all(o.name.startswith("（演示）") for o in Organisation.objects.exclude(name__startswith="测试"))
    assert Patent.objects.exclude(first_holder=None).count() > 200
    assert Patent.objects.exclude(region=None).count() > 280
    assert set(Patent.objects.values_list("patent_type", flat=True)) == {
        "invention",
        "utility_model",
        "design",
    }
    assert {"valid", "lapsed", "pending"} <= set(Patent.objects.values_list("legal_status", flat=True))
    assert Trademark.objects.exclude(madrid_number="").exists() or Trademark.objects.count() >= 30
    assert set(GeographicalIndication.objects.values_list("product", flat=True)) >= {"烟台苹果", "龙口粉丝"}
    assert Pledge.objects.count() >= 8 and Licence.objects.exists() and Award.objects.exists()
    assert ReviewItem.objects.filter(name="（演示）烟台港城公司").exists()
    assert DataSet.objects.get(code="registry-demo").is_demo
    before = (AuditEvent.objects.count(), ImportRun.objects.count(), Patent.objects.count())
    load_registry_demo(actor=ACTOR, patents=300, seed=11)
    assert (AuditEvent.objects.count(), ImportRun.objects.count(), Patent.objects.count()) == before
