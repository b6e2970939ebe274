"""What-if: a parameter overlay over past applications, reported as old, new and difference."""

from __future__ import annotations

from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from ipcity.lib.datafile import DataFileError
from ipcity.policy.engine import OverlayError
from ipcity.policy.engine.whatif import read_applications, what_if

APPLICATIONS = """\
applications:
  - id: A1
    item: foreign_litigation
    beneficiary: "91370602MADEM0001X"
    on: 2024-03-01
    facts: {blacklisted: false, registered_in_yantai: true, foreign_related: true, judicial_litigation: true, won: true, service_fees: "1000000"}
  - id: A2
    item: foreign_litigation
    beneficiary: "91370602MADEM0001X"
    on: 2024-06-01
    facts: {blacklisted: false, registered_in_yantai: true, foreign_related: true, judicial_litigation: true, won: true, service_fees: "1200000"}
  - id: A3
    item: china_patent_award
    beneficiary: "91370613MADEM0002Y"
    on: 2024-07-01
    facts: {blacklisted: false, registered_in_yantai: true, award_level: patent_gold}
  - id: A4
    item: gi_registration
    beneficiary: "91370613MADEM0002Y"
    on: 2024-08-01
    facts: {blacklisted: false, registered_in_yantai: true, gi_kind: gi_trademark, pieces: 2}
  - id: OLD
    item: gi_registration
    beneficiary: "91370613MADEM0002Y"
    on: 2023-08-01
    facts: {blacklisted: false, registered_in_yantai: true, gi_kind: gi_trademark, pieces: 1}
"""
OVERLAY = """\
label: 提高涉外诉讼补贴和中国专利金奖奖励
overlay:
  foreign_litigation.half_of_fees.rate: "0.6"
  foreign_litigation.limits.beneficiary_annual_cap: "1200000"
  china_patent_award.by_level.amount.patent_gold: "1200000"
"""


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    apps = tmp_path / "applications.yaml"
    apps.write_text(APPLICATIONS, encoding="utf-8")
    overlay = tmp_path / "overlay.yaml"
    overlay.write_text(OVERLAY, encoding="utf-8")
    return apps, overlay


def test_overlay_over_last_years_applications(files: tuple[Path, Path]) -> None:
    apps = read_applications(files[0], year=2024)
    assert [a.id for a in apps] == ["A1", "A2", "A3", "A4"]
    report = what_if(
        apps,
        {
            "foreign_litigation.half_of_fees.rate": "0.6",
            "foreign_litigation.limits.beneficiary_annual_cap": "1200000",
            "china_patent_award.by_level.amount.patent_gold": "1200000",
        },
    )
    rows = {r.application.id: (r.old.amount, r.new.amount, r.difference) for r in report.rows}
    # A2: old 600,000 limited to what is left of 1,000,000 after A1 (500,000);
    #     new 720,000 limited to what is left of 1,200,000 after A1 (600,000).
    assert rows == {
        "A1": (Decimal("500000.00"), Decimal("600000.00"), Decimal("100000.00")),
        "A2": (Decimal("500000.00"), Decimal("600000.00"), Decimal("100000.00")),
        "A3": (Decimal("1000000.00"), Decimal("1200000.00"), Decimal("200000.00")),
        "A4": (Decimal("200000.00"), Decimal("200000.00"), Decimal("0.00")),
    }
    items = {t.code: (t.count, t.old, t.new, t.difference) for t in report.items.values()}
    assert items["foreign_litigation"] == (
        2,
        Decimal("1000000.00"),
        Decimal("1200000.00"),
        Decimal("200000.00"),
    )
    assert items["gi_registration"][3] == Decimal("0")
    assert (report.old_total, report.new_total, report.difference) == (
        Decimal("2200000.00"),
        Decimal("2600000.00"),
        Decimal("400000.00"),
    )
    # The overlaid value's source says it is a what-if, in the explanation too.
    new_a3 = report.rows[2].new.decision
    assert new_a3 is not None and "假设测算" in new_a3.explain()


def test_overlay_with_an_unknown_parameter_is_refused() -> None:
    with pytest.raises(OverlayError, match=r"china_patent_award\.by_level\.amount\.patent_platinum"):
        what_if([], {"china_patent_award.by_level.amount.patent_platinum": "1"})


def test_overlay_with_a_rate_above_one_is_refused() -> None:
    with pytest.raises(OverlayError, match="比例应在 0 到 1 之间"):
        what_if([], {"ip_securitization.two_percent.rate": "2"})


def test_whatif_command_prints_old_new_and_difference(files: tuple[Path, Path]) -> None:
    out = StringIO()
    call_command(
        "policy",
        "whatif",
        "--applications",
        str(files[0]),
        "--overlay",
        str(files[1]),
        "--year",
        "2024",
        stdout=out,
    )
    text = out.getvalue()
    assert "假设测算“提高涉外诉讼补贴和中国专利金奖奖励”：4 件申请" in text
    assert "foreign_litigation" in text and "+200,000.00" in text
    assert text.strip().endswith("差额合计 400,000.00 元")
    out = StringIO()
    call_command(
        "policy", "whatif", "--applications", str(files[0]), "--overlay", str(files[1]), "--json", stdout=out
    )
    assert '"difference": "400000.00"' in out.getvalue()


def test_whatif_command_refuses_a_bad_file(files: tuple[Path, Path], tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("overlay:\n  ip_securitization.two_percent.rate: 0.03\n", encoding="utf-8")
    with pytest.raises(CommandError, match=r"overlay\.ip_securitization\.two_percent\.rate") as err:
        call_command("policy", "whatif", "--applications", str(files[0]), "--overlay", str(bad))
    assert err.value.returncode == 2


def test_application_dates_are_checked(tmp_path: Path) -> None:
    path = tmp_path / "apps.yaml"
    path.write_text(
        "applications:\n  - {id: 1, item: gi_registration, beneficiary: x, on: 2024-02-30, facts: {}}\n",
        encoding="utf-8",
    )
    with pytest.raises(DataFileError, match="无效的日期") as err:
        read_applications(path)
    assert err.value.file == str(path)


def test_shipped_example_runs() -> None:
    examples = Path(__file__).resolve().parents[3] / "data" / "policy" / "examples"
    out = StringIO()
    call_command(
        "policy",
        "whatif",
        "--applications",
        str(examples / "applications-2024.yaml"),
        "--overlay",
        str(examples / "overlay-example.yaml"),
        stdout=out,
    )
    # Pledge interest: 20,000,000 × 60% × 3.10% × 365/360 = 377,166.67; at 80% it is 502,888.89,
    # above the 500,000 annual cap.
    assert "377,166.67" in out.getvalue() and "500,000.00" in out.getvalue()
    assert out.getvalue().strip().endswith("差额合计 352,833.33 元")
