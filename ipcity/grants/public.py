"""Public pages, readable without signing in: the reward catalog with each item's 申兑指南, the
政策计算器, and the list of applications under publicity (公示)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from ipcity.grants import clock, selectors
from ipcity.grants.detection import SME_SIZES, candidates_for_organisation
from ipcity.grants.forms import CalculatorForm, applicant_specs, to_initial
from ipcity.grants.permissions import can_apply, member_organisation
from ipcity.grants.records import platform_facts
from ipcity.lib.excel import simple_table, xlsx_response
from ipcity.policy.engine import Decision, FactError, Item, PolicyError, default_catalog, evaluate
from ipcity.policy.engine.export import item_as_json
from ipcity.registry.models import Organisation

# Registry organisation kinds → the catalog's beneficiary kinds.
KIND_OF_ORGANISATION = {
    "enterprise": "enterprise",
    "university": "university",
    "research_institute": "research_institute",
    "service_agency": "service_agency",
    "financial_institution": "financial_institution",
}


@require_GET
def policy_list(request: HttpRequest) -> HttpResponse:
    catalog = default_catalog()
    today = clock.today()
    track = request.GET.get("track", "")
    kind = request.GET.get("kind", "")
    items = [
        item_as_json(i, today)
        for i in catalog.items.values()
        if (not track or i.track.key == track) and (not kind or kind in i.beneficiary_kinds)
    ]
    if request.GET.get("format") == "xlsx":
        return xlsx_response(_catalog_workbook(items), "奖补政策目录.xlsx")
    return render(
        request,
        "grants/policy_list.html",
        {
            "catalog": catalog,
            "items": items,
            "tracks": catalog.tracks,
            "kinds": catalog.beneficiary_kinds,
            "track": track,
            "kind": kind,
            "today": today,
            "can_apply": can_apply(request.user),
        },
    )


def _catalog_workbook(items: list[dict[str, Any]]) -> Any:
    rows = []
    for data in items:
        guide = data["guide"]
        rows.append(
            [
                data["code"],
                data["name"],
                data["track_label"],
                "；".join(f"{c['ref']}“{c['quote']}”" for c in data["clauses"]),
                f"{data['applies']['clause']}：{data['applies']['reason']}",
                "；".join(f"{p['label']} {p.get('display', '未生效')}" for p in data["parameters"].values()),
                guide["beneficiaries"],
                guide["requirements"],
                guide["time_limit"],
                guide["address"],
                guide["phone"],
                "；".join(guide["materials"]),
            ]
        )
    headers = [
        "代码",
        "名称",
        "办理方式",
        "条款原文",
        "适用",
        "参数",
        "惠及对象",
        "申报条件",
        "兑现时限",
        "受理地址",
        "咨询电话",
        "申报材料",
    ]
    return simple_table("奖补政策目录", headers, rows, [24, 30, 10, 60, 40, 40, 30, 40, 20, 14, 14, 30])


@require_GET
def policy_detail(request: HttpRequest, code: str) -> HttpResponse:
    catalog = default_catalog()
    item = catalog.items.get(code)
    if item is None:
        raise Http404("没有该奖补项目")
    today = clock.today()
    return render(
        request,
        "grants/policy_detail.html",
        {
            "item": item,
            "data": item_as_json(item, today),
            "specs": applicant_specs(item),
            "today": today,
            "can_apply": can_apply(request.user) and item.track.key != "exempt",
        },
    )


@require_GET
def publicity(request: HttpRequest) -> HttpResponse:
    apps = selectors.publicity_list()
    rows = [(a, selectors.item_name(a.item_code)) for a in apps]
    if request.GET.get("format") == "xlsx":
        wb = simple_table(
            "公示",
            ["申请编号", "奖补项目", "单位", "区市", "拟奖补金额（元）", "公示开始", "公示截止"],
            [
                [
                    a.number,
                    name,
                    a.organisation.name,
                    str(a.organisation.region or ""),
                    float(a.amount) if a.amount is not None else None,
                    a.publicity_start,
                    a.publicity_end,
                ]
                for a, name in rows
            ],
            [16, 34, 34, 12, 16, 12, 12],
        )
        return xlsx_response(wb, "奖补公示.xlsx")
    return render(request, "grants/publicity.html", {"rows": rows})


# ---------------------------------------------------------------- calculator


@dataclass
class CalculatorResult:
    item: Item
    state: str  # eligible | pending | ineligible | incomplete | unanswered
    decision: Decision | None = None
    message: str = ""

    @property
    def amount(self) -> Decimal | None:
        return self.decision.amount if self.decision else None


def profile_facts(org: Organisation, today: dt.date) -> dict[str, dict[str, Any]]:
    """Facts of each item that the organisation's 一企一档 answers (prefill for the calculator)."""
    out: dict[str, dict[str, Any]] = {}
    # The most recent event of each item in the last three years.
    for year in (today.year, today.year - 1, today.year - 2):
        for candidate in candidates_for_organisation(org, year, today):
            out.setdefault(candidate.item_code, dict(candidate.facts))
    generic: dict[str, Any] = {}
    if org.size:
        generic["sme"] = org.size in SME_SIZES
    if any(c.is_effective(today) for c in org.certificates.all()):
        generic["certified"] = True
    for item in default_catalog().items.values():
        for name, value in generic.items():
            if name in item.facts:
                out.setdefault(item.code, {}).setdefault(name, value)
    return out


def _prefill(org: Organisation, items: list[Item], today: dt.date) -> dict[str, Any]:
    known = profile_facts(org, today)
    common = platform_facts(org, today)
    data: dict[str, Any] = {
        "go": "1",
        "kind": KIND_OF_ORGANISATION.get(org.kind, ""),
        "registered_in_yantai": "true" if common["registered_in_yantai"] else "false",
        "blacklisted": "true" if common["blacklisted"] else "false",
        "on": today.isoformat(),
    }
    for item in items:
        for name, value in known.get(item.code, {}).items():
            if name in item.facts:
                data[f"{item.code}__{name}"] = to_initial(item.facts[name], value)
    return data


def _evaluate(item: Item, form: CalculatorForm, on: dt.date) -> CalculatorResult:
    if not form.answered(item):
        return CalculatorResult(item, "unanswered")
    facts = form.facts_for(item, prefix=f"{item.code}__")
    facts["registered_in_yantai"] = form.cleaned_data["registered_in_yantai"]
    facts["blacklisted"] = form.cleaned_data["blacklisted"]
    try:
        decision = evaluate(item, facts, on=on)
    except FactError as exc:
        missing = [item.facts[n].label for n in exc.fact.split("、") if n in item.facts]
        message = f"还需回答：{'、'.join(missing)}" if missing else exc.message
        return CalculatorResult(item, "incomplete", message=message)
    except PolicyError as exc:
        return CalculatorResult(item, "incomplete", message=exc.message)
    if not decision.eligible:
        return CalculatorResult(item, "ineligible", decision)
    return CalculatorResult(item, "pending" if decision.amount is None else "eligible", decision)


@require_GET
def calculator(request: HttpRequest) -> HttpResponse:
    """An enterprise answers a few questions (or, signed in, its 一企一档 answers them) and sees
    every item it may qualify for, with amounts and the engine's reasons."""
    catalog = default_catalog()
    today = clock.today()
    items = list(catalog.items.values())
    org = member_organisation(request.user)
    prefilled = False
    if "go" in request.GET:
        data: Any = request.GET
    elif org is not None:
        data = _prefill(org, items, today)
        prefilled = True
    else:
        data = None
    form = CalculatorForm(data, items=items, kinds=catalog.beneficiary_kinds, initial={"on": today})
    results: list[CalculatorResult] = []
    total = Decimal("0")
    on = today
    if data is not None and form.is_valid():
        on = form.cleaned_data.get("on") or today
        kind = form.cleaned_data.get("kind")
        for item in items:
            if kind and kind not in item.beneficiary_kinds:
                continue
            result = _evaluate(item, form, on)
            results.append(result)
            if result.state == "eligible" and result.amount is not None:
                total += result.amount
    groups = {
        state: [r for r in results if r.state == state]
        for state in ("eligible", "pending", "ineligible", "incomplete", "unanswered")
    }
    sections = []
    for item in items:
        fields = [form[name] for name in form.item_fields[item.code]]
        if fields:
            answered = any(
                f.value() not in (None, "") and str(f.value()) != str(f.initial or "") for f in fields
            )
            sections.append((item, fields, answered))
    return render(
        request,
        "grants/calculator.html",
        {
            "form": form,
            "sections": sections,
            "groups": groups,
            "has_results": bool(results),
            "total": total,
            "on": on,
            "organisation": org,
            "prefilled": prefilled,
            "can_apply": can_apply(request.user),
        },
    )
