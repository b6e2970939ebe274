"""Demo indicator data: synthetic population, survey, reported values and trainings (all flagged
as demo), then snapshots for 2021–2024 computed from whatever the registry holds."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from ipcity.core.audit import Actor
from ipcity.core.models import Region
from ipcity.indicators.models import Indicator
from ipcity.indicators.services import (
    DEMO_POPULATION_FILE,
    compute_years,
    load_definitions,
    load_population,
    record_survey,
    record_training,
    set_reported_value,
)

DEMO_YEARS = (2021, 2022, 2023, 2024)
SURVEY_ITEMS = [
    ("法律政策", "0.15"),
    ("执法保护", "0.30"),
    ("机制建设", "0.20"),
    ("意识培养", "0.15"),
    ("保护效果", "0.20"),
]


def load_indicator_demo(*, actor: Actor, seed: int = 2024, compute: bool = True) -> None:
    """Idempotent: the same seed writes the same values; recomputation updates snapshots in place."""
    rng = random.Random(seed)
    load_definitions(actor=actor)
    load_population(actor=actor)
    load_population(actor=actor, path=DEMO_POPULATION_FILE, is_demo=True)
    for index, year in enumerate((2022, 2023, 2024)):
        groups = []
        for group, weight, sample in (
            ("right_holders", "0.5", 600),
            ("professionals", "0.3", 200),
            ("public", "0.2", 1200),
        ):
            scores = [
                {
                    "item": item,
                    "subitem": "",
                    "weight": w,
                    "score": str(Decimal(78 + index * 2 + rng.randint(-3, 5))),
                }
                for item, w in SURVEY_ITEMS
            ]
            groups.append({"group": group, "sample_size": sample, "weight": weight, "scores": scores})
        record_survey(
            actor=actor,
            year=year,
            organiser="（演示）第三方调查机构",
            method="（演示）分层抽样问卷调查",
            source="演示数据（虚构）",
            groups=groups,
            is_demo=True,
        )
    reported = {
        "patent_intensive_industry_gdp_share": ("12.6", "13.1", "13.8", "14.3"),
        "ip_service_revenue": ("310000000", "352000000", "401000000", "455000000"),
        "ip_operation_fund_size": ("30000000", "50000000", "80000000", "100000000"),
    }
    for code, values in reported.items():
        indicator = Indicator.objects.get(code=code)
        for year, value in zip(DEMO_YEARS, values, strict=True):
            set_reported_value(
                indicator,
                actor=actor,
                region=None,
                year=year,
                value=Decimal(value),
                source="演示数据（虚构）",
                source_date=dt.date(year + 1, 2, 28),
                is_demo=True,
            )
    regions = list(Region.objects.all())
    for year in (2022, 2023, 2024):
        for month in (4, 7, 11):
            region = rng.choice(regions)
            attendees = [
                {"name": f"学员{year}{month:02d}{i:03d}", "organisation": f"（演示）单位{rng.randint(1, 80)}"}
                for i in range(rng.randint(260, 420))
            ]
            record_training(
                actor=actor,
                title=f"（演示）知识产权专业培训 {year}-{month:02d}",
                date=dt.date(year, month, 26),
                organiser="市市场监管局",
                region=region,
                attendees=attendees,
                is_demo=True,
            )
    if compute:
        compute_years(list(DEMO_YEARS), actor=actor)
