from __future__ import annotations

from decimal import Decimal as D

from ipcity.indicators.progress import assess


def test_end_target_linear_and_compound() -> None:
    # base 5.0 (2021) → 8.1 (2024): linear path 2023 = 5.0 + 3.1 × 2/3 = 7.07
    p = assess(
        period="end",
        comparison=">=",
        target=D("8.1"),
        target_year=2024,
        year=2023,
        value=D("7.2"),
        base=D("5.0"),
    )
    assert p.expected_linear == D("7.07") and p.on_track
    assert p.projected_linear == D("8.30")  # 5.0 + 2.2 × 3/2
    assert p.projected_compound == D("8.64")  # growth 7.2/5.0 = 1.44 in 2 years = 1.2/yr; 5.0 × 1.2³
    behind = assess(
        period="end",
        comparison=">=",
        target=D("8.1"),
        target_year=2024,
        year=2023,
        value=D("7.0"),
        base=D("5.0"),
    )
    assert not behind.on_track


def test_annual_and_total_targets() -> None:
    assert assess(
        period="annual",
        comparison=">=",
        target=D(30),
        target_year=2024,
        year=2023,
        value=D("30.00"),
        base=None,
    ).on_track
    assert not assess(
        period="annual", comparison=">=", target=D(1000), target_year=2024, year=2023, value=D(999)
    ).on_track
    # 40 new over 2022–2024: by end-2023 two thirds = 26.67
    p = assess(period="total", comparison=">=", target=D(40), target_year=2024, year=2023, value=D(27))
    assert p.expected_linear == D("26.67") and p.on_track and p.projected_linear == D("40.50")
