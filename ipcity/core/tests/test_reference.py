"""Reference data: departments named by the annex, Yantai's regions; idempotent and validated."""

from __future__ import annotations

from pathlib import Path

import pytest

from ipcity.core.audit import Actor
from ipcity.core.models import AuditEvent, Department, Region
from ipcity.core.services import DEPARTMENTS_FILE, load_reference_data
from ipcity.lib.datafile import DataFileError


@pytest.mark.django_db
def test_reference_data_loaded(plan) -> None:
    amr = Department.objects.get(name="市市场监管局")
    assert amr.is_lead_ip_authority
    assert Department.objects.filter(is_lead_ip_authority=True).count() == 1
    assert Department.objects.get(name="各区市局").kind == "district_bureaus"
    assert {d.name for d in Department.objects.filter(kind="functional_zone")} == {"开发区", "高新区"}
    divisions = dict(Region.objects.exclude(division_code="").values_list("name", "division_code"))
    assert len(divisions) == 11
    assert divisions["蓬莱区"] == "370614"
    assert divisions["莱州市"] == "370683"
    assert Region.objects.filter(kind="functional_zone").count() == 3


@pytest.mark.django_db
def test_reload_is_idempotent(plan) -> None:
    before = AuditEvent.objects.count()
    result = load_reference_data(actor=Actor.cli())
    assert not result.changed
    assert AuditEvent.objects.count() == before


@pytest.mark.django_db
def test_duplicate_department_rejected_without_writes(plan, tmp_path: Path) -> None:
    text = DEPARTMENTS_FILE.read_text(encoding="utf-8")
    text = text.replace("full_name: 烟台市司法局", "full_name: 烟台市司法局（改）").replace(
        "name: 市法院\n", "name: 市司法局\n"
    )
    bad = tmp_path / "departments.yaml"
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(DataFileError) as info:
        load_reference_data(actor=Actor.cli(), departments_file=bad)
    assert info.value.path == "departments[2].name"
    assert "重复" in info.value.reason
    assert Department.objects.get(code="justice").full_name == "烟台市司法局"


@pytest.mark.django_db
def test_the_calendar_notice_is_shown_to_the_city_office_only(personas, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import datetime as dt

    from django.urls import reverse

    from ipcity.core import context_processors
    from ipcity.core.workdays import current_calendar

    last = current_calendar().last
    monkeypatch.setattr(context_processors, "_today", lambda: last - dt.timedelta(days=30))
    home = reverse("portal:home")
    admin_page = personas.client(personas.admin).get(home).content.decode()
    assert 'data-testid="system-notice"' in admin_page and f"工作日历只到 {last.isoformat()}" in admin_page
    for user in (personas.district_a, personas.enterprise_a, None):
        assert 'data-testid="system-notice"' not in personas.client(user).get(home).content.decode()
    monkeypatch.setattr(context_processors, "_today", lambda: last - dt.timedelta(days=200))
    assert 'data-testid="system-notice"' not in personas.client(personas.admin).get(home).content.decode()
