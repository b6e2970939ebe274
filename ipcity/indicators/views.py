"""Indicator dashboard, detail, drill-down (with Excel) and the office's data entry."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_http_methods

from ipcity.accounts.guards import deny
from ipcity.accounts.permissions import can_enter_indicator_data, can_view_indicators
from ipcity.core.audit import Actor
from ipcity.core.cache import cached, data_version
from ipcity.core.models import Region
from ipcity.indicators import selectors, services
from ipcity.indicators.compute import Context
from ipcity.indicators.forms import (
    PopulationForm,
    PopulationGapForm,
    ReportedValueForm,
    SurveyUploadForm,
    UploadForm,
)
from ipcity.indicators.importers import ImportRejected, import_survey, import_training
from ipcity.indicators.models import Indicator, Population, PopulationGap, ReportedValue, Snapshot
from ipcity.indicators.registry_measures import RECORDS
from ipcity.lib.datafile import read_yaml
from ipcity.lib.excel import simple_table, xlsx_response
from ipcity.lib.inputs import parse_id
from ipcity.lib.numbers import format_quantity


def _year(request: HttpRequest, years: list[int]) -> int:
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        year = years[-1] if years else dt.date.today().year
    return year


# What the dashboard shows: snapshots of indicators (carrying plan targets) per region.
DASHBOARD_DATA = ("indicators.snapshot", "indicators.indicator", "plans.target", "core.region")


@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    """The same numbers for every user who may see them (docs/permissions.md): the body is cached
    per year and data version and built without the request; the user's parts are rendered here."""
    if not can_view_indicators(request.user):
        return deny(request)
    version = data_version(*DASHBOARD_DATA)  # before the data: see ipcity.core.cache
    years = cached("indicators.years", [version], selectors.snapshot_years)
    year = _year(request, years)
    body = cached("indicators.dashboard", [year, version], lambda: _dashboard_body(year, years))
    return render(
        request,
        "indicators/dashboard.html",
        {
            "year": year,
            "years": years,
            "body": mark_safe(body),  # rendered from our template, escaped there
            "can_enter": can_enter_indicator_data(request.user),
        },
    )


def _dashboard_body(year: int, years: list[int]) -> str:
    data = selectors.dashboard(year)

    def shown(indicator: Indicator, value: Any) -> str:
        return format_quantity(value, indicator.unit, indicator.decimals) if value is not None else "—"

    # Each value goes with its text as the pages write it (4.55 亿元): the charts label with that.
    chart = {
        "years": years,
        "indicators": [
            {
                "code": row["indicator"].code,
                "name": row["indicator"].name,
                "unit": row["indicator"].unit,
                "trend": [[y, _float(s.value)] for y, s in row["trend"]],
                "trend_text": [shown(row["indicator"], s.value) for _y, s in row["trend"]],
                "target": _float(row["indicator"].target.value) if row["indicator"].target else None,
                "regions": [
                    {
                        "name": region.name,
                        "code": region.code,
                        "value": _float(s.value),
                        "text": shown(row["indicator"], s.value) if s.value is not None else s.status_text,
                    }
                    for region, s in row["regions"]
                ],
            }
            for row in data["rows"]
        ],
    }
    tiles, _checksum = read_yaml(settings.DATA_DIR / "indicators" / "tilemap.yaml")
    chart["tiles"] = tiles["tiles"]
    return render_to_string(
        "indicators/_dashboard_body.html",
        {"year": year, "years": years, "rows": data["rows"], "chart": chart},
    )


def _float(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


@require_GET
def detail(request: HttpRequest, code: str) -> HttpResponse:
    if not can_view_indicators(request.user):
        return deny(request)
    indicator = get_object_or_404(Indicator.objects.select_related("target"), code=code)
    years, table = selectors.region_year_table(indicator)
    city = next((by_year for region, by_year in table if region is None), {})
    progress = [p for y in years if (p := selectors.progress_for(indicator, city, y)) is not None]
    return render(
        request,
        "indicators/detail.html",
        {
            "indicator": indicator,
            "years": years,
            "table": table,
            "progress": progress,
            "drillable": indicator.function in RECORDS,
            # The formulas behind the city's figures (计算说明), year by year; the dashboard shows
            # only the figures.
            "explanations": [(y, city[y]) for y in years if y in city and city[y].note],
        },
    )


@require_GET
def records(request: HttpRequest, code: str) -> HttpResponse:
    """The records behind one snapshot that the user may see; ?format=xlsx exports exactly these rows."""
    if not can_view_indicators(request.user):
        return deny(request)
    indicator = get_object_or_404(Indicator, code=code)
    if indicator.function not in RECORDS:
        raise Http404("该指标没有明细记录")
    snapshot_id = parse_id(request.GET.get("snapshot"))
    if snapshot_id is None:
        raise Http404("快照不存在")
    snapshot = get_object_or_404(
        Snapshot.objects.select_related("region"), pk=snapshot_id, indicator=indicator
    )
    ctx = Context(indicator=indicator, region=snapshot.region, year=snapshot.year, as_of=snapshot.as_of)
    drill = RECORDS[indicator.function](ctx, request.user)  # only the rows this user may see
    headers, rows = drill.headers, drill.rows
    title = f"{indicator.name} {snapshot.region or '烟台市'} {snapshot.year}年（截至{snapshot.as_of}）"
    if request.GET.get("format") == "xlsx":
        table = simple_table(
            indicator.name, headers, ([row.get(h) for h in headers] for row in rows), [18] * len(headers)
        )
        return xlsx_response(table, f"{title}.xlsx")
    return render(
        request,
        "indicators/records.html",
        {
            "indicator": indicator,
            "snapshot": snapshot,
            "headers": headers,
            "rows": rows[:500],
            "shown": len(rows),
            "hidden": drill.hidden,
            "total": drill.total,
            "title": title,
        },
    )


@require_http_methods(["GET", "POST"])
def data_entry(request: HttpRequest) -> HttpResponse:
    if not can_enter_indicator_data(request.user):
        return deny(request)
    actor = Actor.web(request.user)
    kind = request.POST.get("kind", "")
    reported_form = ReportedValueForm(request.POST if kind == "reported" else None, prefix="reported")
    population_form = PopulationForm(request.POST if kind == "population" else None, prefix="population")
    gap_form = PopulationGapForm(request.POST if kind == "population_gap" else None, prefix="gap")
    training_form = UploadForm(
        request.POST if kind == "training" else None,
        request.FILES if kind == "training" else None,
        prefix="training",
    )
    survey_form = SurveyUploadForm(
        request.POST if kind == "survey" else None,
        request.FILES if kind == "survey" else None,
        prefix="survey",
    )
    import_errors: list[Any] = []
    if request.method == "POST":
        if kind == "reported" and reported_form.is_valid():
            data = reported_form.cleaned_data
            services.set_reported_value(
                data["indicator"],
                actor=actor,
                region=data["region"],
                year=data["year"],
                value=data["value"],
                source=data["source"],
                source_date=data["source_date"],
            )
            messages.success(request, f"已保存 {data['indicator'].name} {data['year']} 年的填报值。")
            return redirect("indicators:data")
        if kind == "population" and population_form.is_valid():
            data = population_form.cleaned_data
            services.set_population(
                actor=actor,
                region=data["region"],
                year=data["year"],
                value=data["value"],
                source=data["source"],
            )
            messages.success(request, f"已保存 {data['region'] or '烟台市'} {data['year']} 年末常住人口。")
            return redirect("indicators:data")
        if kind == "population_gap" and gap_form.is_valid():
            data = gap_form.cleaned_data
            gap = services.set_population_gap(
                actor=actor, region=data["region"], year=data["year"], reason=data["reason"]
            )
            where = f"{data['region'] or '烟台市'} {data['year']} 年"
            messages.success(
                request, f"已保存{where}缺少人口数据的原因。" if gap else f"已删除{where}的说明。"
            )
            return redirect("indicators:data")
        for form, name in ((training_form, "training"), (survey_form, "survey")):
            if kind == name and form.is_valid():
                try:
                    if name == "training":
                        result = import_training(form.cleaned_data["file"], actor=actor)
                        messages.success(
                            request,
                            f"已导入 {result['trainings']} 场培训，新增参训 {result['attendances_added']} 人次。",
                        )
                    else:
                        import_survey(
                            form.cleaned_data["file"],
                            actor=actor,
                            organiser=form.cleaned_data["organiser"],
                            method=form.cleaned_data["method"],
                            source=form.cleaned_data["source"],
                        )
                        messages.success(request, "已导入满意度调查结果。")
                    return redirect("indicators:data")
                except ImportRejected as exc:
                    import_errors = exc.errors
    return render(
        request,
        "indicators/data_entry.html",
        {
            "reported_form": reported_form,
            "population_form": population_form,
            "gap_form": gap_form,
            "gaps": PopulationGap.objects.select_related("region").order_by("-year", "region__position")[:80],
            "training_form": training_form,
            "survey_form": survey_form,
            "import_errors": import_errors,
            "reported": ReportedValue.objects.select_related("indicator", "region").order_by("-year")[:50],
            "population": Population.objects.select_related("region").order_by("-year", "region__position")[
                :80
            ],
            "regions": Region.objects.all(),
        },
    )
