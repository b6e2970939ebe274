"""ipcity indicators load | facts [--full] | compute --year YYYY[-YYYY] [--as-of DATE] [--json]"""

from __future__ import annotations

import argparse
import datetime as dt
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from ipcity.core.audit import Actor
from ipcity.core.models import Region
from ipcity.indicators import facts
from ipcity.indicators.models import Indicator
from ipcity.indicators.selectors import snapshot_json
from ipcity.indicators.services import (
    compute_snapshots,
    compute_years,
    default_as_of,
    load_definitions,
    load_population,
)
from ipcity.lib.datafile import DataFileError


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise CommandError(f"日期格式应为 YYYY-MM-DD：{text}", returncode=2) from exc


def _years(text: str) -> list[int]:
    """'2024' or '2021-2024' (each year 2000–2100, the range ascending)."""
    try:
        first, _sep, last = text.partition("-")
        years = list(range(int(first), int(last or first) + 1))
    except ValueError:
        raise argparse.ArgumentTypeError(f"年份应为 YYYY 或 YYYY-YYYY：{text}") from None
    if not years:
        raise argparse.ArgumentTypeError(f"年份区间应从小到大：{text}")
    if not all(2000 <= y <= 2100 for y in (years[0], years[-1])):
        raise argparse.ArgumentTypeError(f"年份超出范围：{text}")
    return years


class Command(BaseCommand):
    help = "指标：载入定义与人口数据，计算指标快照"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("load", help="载入 data/indicators/ 的指标定义和常住人口（幂等）")
        facts_parser = sub.add_parser(
            "facts", help="刷新专利统计事实（计算前会自动增量刷新；--full 全部重建）"
        )
        facts_parser.add_argument("--full", action="store_true", help="全部重建，而不只是变化了的专利")
        compute = sub.add_parser("compute", help="计算并保存指标快照（幂等）")
        compute.add_argument(
            "--year", type=_years, required=True, help="年份 YYYY，或年份区间 YYYY-YYYY（各年按年末计算）"
        )
        compute.add_argument("--as-of", help="统计时点 YYYY-MM-DD（默认：年末，或当年的今天）")
        compute.add_argument("--json", action="store_true", help="以 JSON 输出结果")

    def handle(self, *args: Any, **options: Any) -> None:
        actor = Actor.cli("指标数据")
        if options["action"] == "load":
            try:
                definitions = load_definitions(actor=actor)
                population = load_population(actor=actor)
            except DataFileError as exc:
                raise CommandError(f"数据文件被拒绝，未写入任何数据：{exc}", returncode=2) from exc
            self.stdout.write(f"指标定义：{definitions.counts}；常住人口：{population.counts}")
            return
        if options["action"] == "facts":
            built = self._refresh(full=options["full"], quiet=False)
            self.stdout.write(f"已刷新 {built} 件专利的统计事实")
            return
        years: list[int] = options["year"]
        year = years[-1]
        as_of = _date(options["as_of"]) if options["as_of"] else default_as_of(year)
        if as_of.year != year:
            raise CommandError(f"统计时点 {as_of} 不在 {year} 年内", returncode=2)
        if not Indicator.objects.exists():
            raise CommandError("尚未载入指标定义：请先运行 ipcity indicators load", returncode=2)
        self._refresh(full=False, quiet=options["json"])
        total = len(years) * Indicator.objects.count() * (Region.objects.count() + 1)
        label = f"{years[0]}–{year}" if len(years) > 1 else str(year)
        with tqdm(
            total=total, desc=f"计算 {label} 年指标", disable=options["json"] or None, unit="项"
        ) as bar:
            if len(years) == 1:
                snapshots = compute_snapshots(year=year, as_of=as_of, actor=actor, progress=bar.update)
            else:
                snapshots = compute_years(years, actor=actor, as_of=as_of, progress=bar.update)
        if options["json"]:
            self.stdout.write(json.dumps([snapshot_json(s) for s in snapshots], ensure_ascii=False, indent=1))
        else:
            self.stdout.write(f"已计算 {len(snapshots)} 项快照（{label} 年，最后一年统计时点 {as_of}）")

    def _refresh(self, *, full: bool, quiet: bool) -> int:
        total = facts.pending_count(full=full)
        if not total and not full:
            return 0
        with tqdm(total=total, desc="刷新专利统计事实", disable=quiet or None, unit="件") as bar:
            return facts.refresh_facts(full=full, progress=bar.update)
