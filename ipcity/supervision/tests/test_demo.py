"""The synthetic demo history: all rows × 2022–2024, alive on every date, idempotent, and the
CLI's JSON on it for dates across the plan period."""

from __future__ import annotations

import datetime as dt
import io
import json
from collections import Counter

import pytest
from django.conf import settings
from django.core.management import call_command

from ipcity.accounts.services import upsert_user
from ipcity.core.audit import Actor
from ipcity.core.models import DataSet, Department, Region
from ipcity.lib.datafile import read_yaml
from ipcity.plans.models import Row
from ipcity.supervision.demo import load_supervision_demo
from ipcity.supervision.models import (
    Escalation,
    FlagRecord,
    FollowUp,
    Milestone,
    ProgressReport,
    ReportReview,
    ReportVersion,
)

ACTOR = Actor.cli("演示数据")


def demo_users() -> None:
    """The demo accounts of data/demo/accounts.yaml (the integrator loads them with `demo load`)."""
    data, _checksum = read_yaml(settings.DATA_DIR / "demo" / "accounts.yaml")
    for item in data["users"]:
        if item["role"] not in {"city_admin", "dept_liaison", "district_officer"}:
            continue
        upsert_user(
            item["username"],
            actor=ACTOR,
            role=item["role"],
            display_name=item["display_name"],
            department=Department.objects.get(name=item["department"]) if "department" in item else None,
            region=Region.objects.get(code=item["region"]) if "region" in item else None,
            is_staff=item.get("staff", False),
        )


def counts() -> tuple[int, ...]:
    return tuple(
        m.objects.count()
        for m in (Milestone, ProgressReport, ReportVersion, ReportReview, FlagRecord, Escalation, FollowUp)
    )


@pytest.mark.django_db
def test_demo_history_is_complete_plausible_and_idempotent(plan) -> None:
    demo_users()
    load_supervision_demo(actor=ACTOR)
    first = counts()

    covered = set(Milestone.objects.values_list("row__code", "year"))
    assert covered == {
        (code, year) for code in Row.objects.values_list("code", flat=True) for year in (2022, 2023, 2024)
    }
    assert (
        Milestone.objects.filter(region__name="芝罘区").exists()
        and Milestone.objects.exclude(comparison="").exists()
    )
    by_user = Counter(ReportVersion.objects.values_list("submitted_by__username", flat=True))
    assert (
        by_user["liaison-amr"]
        and by_user["liaison-finance"]
        and by_user["liaison-court"]
        and by_user["district-zhifu"]
    )
    assert ReportReview.objects.filter(decision="returned").count() >= 20
    assert set(FlagRecord.objects.values_list("colour", flat=True)) == {"red", "yellow", "blue"}
    # A red that caught up: a red record that ended and was followed by another colour or none.
    assert FlagRecord.objects.filter(colour="red", until__isnull=False).exists()
    assert (
        Escalation.objects.filter(status="rectified").exists()
        and Escalation.objects.filter(status="open").exists()
    )
    assert all(
        e.milestone.is_key_project
        for e in Escalation.objects.select_related("milestone__row__supervision_setting")
    )
    assert DataSet.objects.get(code="demo-supervision").is_demo
    assert all("（演示）" in n for n in ReportVersion.objects.values_list("narrative", flat=True)[:50])

    load_supervision_demo(actor=ACTOR)
    assert counts() == first

    # The CLI's JSON on the demo for dates across 2022–2024: the stored history agrees with it.
    for day in ("2022-04-15", "2022-12-31", "2023-03-31", "2023-08-01", "2024-06-30", "2024-12-31"):
        out = io.StringIO()
        # The first date recomputes (and must change nothing); the others only compute and print.
        dry = ["--dry-run"] if day != "2022-04-15" else []
        call_command("supervision", "flags", "--as-of", day, "--json", *dry, stdout=out, stderr=io.StringIO())
        flags = json.loads(out.getvalue())
        assert flags, day
        on = dt.date.fromisoformat(day)
        stored = {
            (r.milestone.row.code, r.milestone.title, r.colour, r.since.isoformat())
            for r in FlagRecord.objects.on(on).select_related("milestone__row")
        }
        assert {(f["row"], f["milestone"], f["colour"], f["since"]) for f in flags} == stored, day
        for f in flags:
            assert set(f) >= {"row", "milestone", "colour", "reason", "since"}
            assert f["colour"] in {"red", "yellow", "blue"} and f["reason"] and f["since"] <= day
    assert counts() == first  # flags for past dates inside the computed history change nothing
