"""`ipcity grants budget | whatif | ledger` (entitlements: test_entitlements.py)."""

from __future__ import annotations

import io
import json
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from ipcity.grants import services
from ipcity.grants.models import Budget
from ipcity.grants.tests.conftest import CLI, approve_after_publicity, draft, to_publicity, xlsx_rows

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("grants", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_budget_set_and_list(personas) -> None:
    assert "预算 800,000.00 元" in run("budget", "set", "foreign_litigation", "2024", "800,000")
    assert Budget.objects.get(item_code="foreign_litigation", year=2024).amount == Decimal("800000")
    listing = run("budget", "list", "--year", "2024")
    assert "涉外知识产权诉讼胜诉补贴｜预算 800,000.00 元｜已核定 0.00 元" in listing
    assert "尚未设置预算" in run("budget", "list", "--year", "2031")
    with pytest.raises(CommandError, match="没有奖补项目") as info:
        run("budget", "set", "no_such_item", "2024", "1")
    assert info.value.returncode == 2
    with pytest.raises(CommandError, match="不是数字"):
        run("budget", "set", "foreign_litigation", "2024", "十万")


def test_whatif_replays_the_years_grants(personas, budgets, fixed_clock, tmp_path) -> None:
    for fees in ("300000", "500000"):
        approve_after_publicity(personas, to_publicity(personas, draft(personas, facts={
            "foreign_related": True, "judicial_litigation": True, "won": True, "service_fees": fees,
        })), fixed_clock)  # fmt: skip
    overlay = tmp_path / "overlay.yaml"
    overlay.write_text(
        'label: 比例提高到60%\noverlay:\n  foreign_litigation.half_of_fees.rate: "0.6"\n', encoding="utf-8"
    )
    text = run("whatif", "--year", "2024", "--overlay", str(overlay))
    assert "涉外知识产权诉讼胜诉补贴｜2 笔｜原 400,000.00 元｜新 480,000.00 元｜差额 80,000.00 元" in text
    data = json.loads(run("whatif", "--year", "2024", "--overlay", str(overlay), "--json"))
    assert data["total"] == {"old": "400000.00", "new": "480000.00", "difference": "80000.00"}
    bad = tmp_path / "bad.yaml"
    bad.write_text('overlay:\n  no.such.parameter: "1"\n', encoding="utf-8")
    with pytest.raises(CommandError, match="不存在的参数"):
        run("whatif", "--year", "2024", "--overlay", str(bad))


def test_ledger_export(personas, budgets, fixed_clock, tmp_path) -> None:
    grant = approve_after_publicity(personas, to_publicity(personas, draft(personas)), fixed_clock)
    services.record_payment(grant, actor=CLI, paid_on=fixed_clock.day, reference="PZ-7")
    assert "2024｜涉外知识产权诉讼胜诉补贴｜芝罘区｜1 笔｜150,000.00 元" in run("ledger", "--year", "2024")
    target = tmp_path / "台账.xlsx"
    assert "1 笔" in run("ledger", "-o", str(target))
    rows = xlsx_rows(target.read_bytes())
    assert rows[1] == [2024, "涉外知识产权诉讼胜诉补贴", "芝罘区", 1, 150000]
