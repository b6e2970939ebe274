"""Reads of the public portal: published notices, the indicators the city office made public (their
latest city figure with its data date), reward 公示, and the open data tables. Nothing here is
user-scoped because nothing here is other than public; what is public is decided in one place each
(`Notice.objects.published`, `PublicIndicator`, `grants.selectors.publicity_list`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.apps import apps

from ipcity.grants.selectors import item_name, publicity_list
from ipcity.indicators.choices import SnapshotStatus
from ipcity.indicators.models import Indicator, Snapshot
from ipcity.indicators.selectors import region_code
from ipcity.lib.numbers import format_quantity
from ipcity.portal.models import Notice, PublicIndicator

HOME_NOTICES = 8
HOME_PUBLICITY = 8


def latest_notices(limit: int = HOME_NOTICES) -> list[Notice]:
    return list(
        Notice.objects.published().only("id", "number", "kind", "title", "published_at", "is_demo")[:limit]
    )


def public_indicators() -> list[Indicator]:
    return [
        p.indicator for p in PublicIndicator.objects.select_related("indicator").order_by("position", "id")
    ]


@dataclass(frozen=True)
class PublicFigure:
    indicator: Indicator
    year: int
    as_of: dt.date
    value: str  # formatted, with its unit


def public_figures() -> list[PublicFigure]:
    """Per public indicator: the latest computed city-wide figure (latest year, then data date)."""
    indicators = public_indicators()
    best: dict[int, Snapshot] = {}
    snapshots = (
        Snapshot.objects.filter(indicator__in=indicators, region__isnull=True, status=SnapshotStatus.OK)
        .exclude(value__isnull=True)
        .order_by("year", "as_of")
    )
    for snapshot in snapshots:
        best[snapshot.indicator_id] = snapshot
    figures = []
    for indicator in indicators:
        found = best.get(indicator.pk)
        if found is not None:
            value = format_quantity(found.value, indicator.unit, indicator.decimals)
            figures.append(PublicFigure(indicator, found.year, found.as_of, value))
    return figures


def publicity_rows(limit: int | None = HOME_PUBLICITY) -> list[tuple[Any, str]]:
    rows = publicity_list()
    if limit is not None:
        rows = rows[:limit]
    return [(a, item_name(a.item_code)) for a in rows]


# --- open data -----------------------------------------------------------------------------------

OPEN_DATA_COLUMNS = [
    ("indicator_code", "指标代码", "指标的稳定代码，见数据字典“指标”部分"),
    ("indicator_name", "指标名称", "指标的中文名称"),
    ("region_code", "区划代码", "行政区划代码；全市为 370600，功能区为平台内部代码"),
    ("region_name", "区市", "区市名称；“全市”为全市合计"),
    ("year", "年度", "统计年度"),
    ("as_of", "数据日期", "统计时点（该数值所依据数据的截止日期）"),
    ("value", "数值", "指标数值，按“单位”一列的单位；缺数时为空"),
    ("unit", "单位", "数值的计量单位"),
    ("numerator", "分子", "比率类指标的分子（如有效发明专利件数）；非比率类为空"),
    ("denominator", "分母", "比率类指标的分母（如常住人口，万人）；非比率类为空"),
    ("status", "计算状态", "已计算、缺少分母数据、缺少数据或不适用"),
    ("source", "定义出处", "指标定义所依据的文件或条款"),
]


def open_data_rows(year: int | None = None) -> list[list[Any]]:
    """One row per public indicator, region (and the city) and year: the latest snapshot of each."""
    indicators = public_indicators()
    order = {i.pk: n for n, i in enumerate(indicators)}
    latest: dict[tuple[int, int | None, int], Snapshot] = {}
    snapshots = (
        Snapshot.objects.filter(indicator__in=indicators)
        .select_related("indicator", "region")
        .order_by("as_of", "id")
    )
    if year is not None:
        snapshots = snapshots.filter(year=year)
    for snapshot in snapshots:
        latest[(snapshot.indicator_id, snapshot.region_id, snapshot.year)] = snapshot
    ordered = sorted(
        latest.values(),
        key=lambda s: (
            order[s.indicator_id],
            s.year,
            -1 if s.region is None else s.region.position,
            s.region_id or 0,
        ),
    )
    return [
        [
            s.indicator.code,
            s.indicator.name,
            region_code(s),
            s.region.name if s.region else "全市",
            s.year,
            s.as_of,
            s.value,
            s.indicator.unit,
            s.numerator,
            s.denominator,
            s.get_status_display(),
            s.indicator.source,
        ]
        for s in ordered
    ]


def open_data_years() -> list[int]:
    indicators = public_indicators()
    years = Snapshot.objects.filter(indicator__in=indicators).values_list("year", flat=True).distinct()
    return sorted(set(years))


# --- sections of other apps, shown only where those apps are installed ----------------------------


def reports_installed() -> bool:
    return apps.is_installed("ipcity.reports")


@dataclass(frozen=True)
class WhitePaperLink:
    title: str
    url: str  # the PDF
    docx_url: str
    is_demo: bool


def published_white_papers() -> list[WhitePaperLink]:
    """The published editions of the white paper (reports app), newest year first, each with its
    PDF and Word downloads."""
    if not apps.is_installed("ipcity.reports"):
        return []
    from django.urls import reverse

    from ipcity.reports.selectors import published_editions

    return [
        WhitePaperLink(
            edition.title,
            reverse("reports:download", args=[edition.pk, "pdf"]),
            reverse("reports:download", args=[edition.pk, "docx"]),
            edition.is_demo,
        )
        for edition in published_editions()[:5]
    ]


def optional_links() -> list[tuple[str, str]]:
    """(text, url) of the public pages of apps that may not be installed: the public credit list
    (protection) and the service directories (support)."""
    from django.urls import NoReverseMatch, reverse

    links = []
    for app, name, text in (
        ("ipcity.protection", "protection:public_credit", "信用公示"),
        ("ipcity.support", "support:agencies", "服务机构名录"),
        ("ipcity.support", "support:experts", "专家库"),
        ("ipcity.market", "market:auctions", "专利竞价"),
        ("ipcity.market", "market:navigation", "专利导航"),
    ):
        if apps.is_installed(app):
            try:
                links.append((text, reverse(name)))
            except NoReverseMatch:
                continue
    return links
