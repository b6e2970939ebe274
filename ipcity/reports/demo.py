"""The demo's white paper: the 2024 edition generated from the demo data and published (labelled
演示), so the public list and the downloads have something to show. Generating it takes a few
seconds (measured in docs/reports.md); idempotent: a year with a published edition is left alone."""

from __future__ import annotations

from ipcity.core.audit import Actor
from ipcity.reports import services
from ipcity.reports.models import Edition

DEMO_YEAR = 2024


def load_reports_demo(*, actor: Actor) -> Edition:
    published = Edition.objects.published().filter(year=DEMO_YEAR).first()
    if published is not None:
        return published
    services.save_editorial_text(
        DEMO_YEAR,
        foreword="（演示）本白皮书由平台根据演示数据自动生成，数字均为虚构，仅供演示使用。",
        highlights="（演示）全年专利授权、质押融资和奖补兑现情况见正文各节。",
        actor=actor,
    )
    edition = services.generate_edition(DEMO_YEAR, actor=actor, is_demo=True)
    return services.publish_edition(edition, actor=actor)
