"""Public pages, readable without signing in: the reward catalog with each item's 申兑指南, the
政策计算器, and the list of applications under publicity (公示)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from ipcity.grants import clock, selectors
from ipcity.grants.detection import SME_SIZES, candidates_for_organisation
from ipcity.grants.forms import (
    CalculatorForm,
    applicant_specs,
    organisation_kind_choices,
    organisation_kind_label,
    to_initial,
)
from ipcity.grants.permissions import can_apply, member_organisation
from ipcity.grants.protection_facts import protection_facts
from ipcity.grants.records import platform_facts
from ipcity.lib.excel import simple_table, xlsx_response
from ipcity.lib.numbers import format_yuan_exact
from ipcity.market.retention import reward_facts as retention_facts
from ipcity.policy.engine import Decision, Item, PolicyError, default_catalog, evaluate, screen
from ipcity.policy.engine.export import item_as_json
from ipcity.registry.choices import OrganisationKind, PatentType
from ipcity.registry.models import Licence, Organisation
from ipcity.support import selectors as support_selectors


def _kind_labels(item: Item) -> list[str]:
    return [label for value, label in organisation_kind_choices() if item.is_for(value)]


def _catalog_data(item: Item, today: dt.date) -> dict[str, Any]:
    return {**item_as_json(item, today), "kind_labels": _kind_labels(item)}


@require_GET
def policy_list(request: HttpRequest) -> HttpResponse:
    """Every item, readable by all; the filters narrow by track and by the kind of organisation."""
    catalog = default_catalog()
    today = clock.today()
    track = request.GET.get("track", "")
    kind = request.GET.get("kind", "")
    items = [
        _catalog_data(i, today)
        for i in catalog.items.values()
        if (not track or i.track.key == track) and (not kind or i.is_for(kind))
    ]
    if request.GET.get("format") == "xlsx":
        return xlsx_response(_catalog_workbook(items), "奖补政策目录.xlsx")
    org = member_organisation(request.user)
    return render(
        request,
        "grants/policy_list.html",
        {
            "catalog": catalog,
            "items": items,
            "tracks": catalog.tracks,
            "kinds": organisation_kind_choices(),
            "track": track,
            "kind": kind,
            "own_kind": org.kind if org is not None and org.kind != kind else "",
            "own_kind_label": organisation_kind_label(org.kind) if org is not None else "",
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
                "、".join(data["kind_labels"]),
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
        "可申报的单位类型",
    ]
    return simple_table("奖补政策目录", headers, rows, [24, 30, 10, 60, 40, 40, 30, 40, 20, 14, 14, 30, 30])


@require_GET
def policy_detail(request: HttpRequest, code: str) -> HttpResponse:
    catalog = default_catalog()
    item = catalog.items.get(code)
    if item is None:
        raise Http404("没有该奖补项目")
    today = clock.today()
    org = member_organisation(request.user)
    return render(
        request,
        "grants/policy_detail.html",
        {
            "item": item,
            "data": _catalog_data(item, today),
            "specs": applicant_specs(item),
            "today": today,
            "organisation": org,
            "for_organisation": org is None or item.is_for(org.kind),
            "can_apply": org is not None and item.track.key != "exempt" and item.is_for(org.kind),
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

# The three answers the calculator gives for an item.
MAY_QUALIFY, UNKNOWN, FAILS = "may_qualify", "unknown", "fails"
COMMON_QUESTIONS = ("registered_in_yantai", "blacklisted")


@dataclass
class CalculatorResult:
    """可能符合 (every condition established by an answer or the 一企一档, with the amount text),
    条件不明 (the questions still unanswered) or 不符合 (the conditions that fail)."""

    item: Item
    state: str
    decision: Decision | None = None
    reasons: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # labels of the item's own unanswered questions
    message: str = ""

    @property
    def amount_text(self) -> str:
        return amount_text(self.decision) if self.decision is not None else ""

    @property
    def only_common_conditions(self) -> bool:
        """The item asks nothing of its own: whether it is awarded rests on the review."""
        return not any(spec.default is None for spec in applicant_specs(self.item))


def amount_text(decision: Decision) -> str:
    """The amount as the plan allows it: exact only when computed, "最高 X" for maxima."""
    if decision.amount is None:
        rule = decision.rule
        by = "专家评审" if rule is not None and rule.decided_by == "expert_review" else "市局审定"
        if decision.ceiling is None:
            return f"金额由{by}确定（方案未规定金额）"
        return f"金额由{by}确定，最高 {format_yuan_exact(decision.ceiling)}"
    if decision.amount_is_maximum:
        return f"最高 {format_yuan_exact(decision.amount)}"
    return format_yuan_exact(decision.amount)


def profile_facts(org: Organisation, today: dt.date) -> dict[str, dict[str, Any]]:
    """Facts of each item that the organisation's 一企一档 answers (prefill for the calculator)."""
    out: dict[str, dict[str, Any]] = {}
    # The most recent event of each item in the last three years.
    for year in (today.year, today.year - 1, today.year - 2):
        for candidate in candidates_for_organisation(org, year, today):
            out.setdefault(candidate.item_code, dict(candidate.facts))
    for code, facts in licence_facts(org, today).items():
        out.setdefault(code, facts)
    for code, facts in protection_facts(org, today).items():
        out.setdefault(code, facts)
    # 专利留烟: a key project the organisation undertakes has settled in Yantai (market's register).
    for code, facts in retention_facts(org, today).items():
        out.setdefault(code, facts)
    # Alliances' recognitions, centres' 绩效考评, agencies' quality ratings (support's records).
    for code, facts in support_selectors.reward_facts(org, today).items():
        out.setdefault(code, facts)
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


def licence_facts(org: Organisation, today: dt.date) -> dict[str, dict[str, Any]]:
    """Facts of the 择优 items on transfers that the registry's licences answer (the technology
    market's confirmed deals are among them), from the last three years:

    - 高校院所专利免费许可奖励 (二(三)1): a university or institute licensed a patent free of charge
      to an SME of the city;
    - 引进外地发明专利奖励 (二(三)2): an enterprise took an invention patent from a holder outside
      Yantai (the holder has no Yantai district in the registry).
    What only the applicant can say (经济效益, 权属, 首次引进) stays a question."""
    since = today.replace(year=today.year - 3)
    found: dict[str, dict[str, Any]] = {}
    recent = Licence.objects.filter(
        contract_date__gte=since, contract_date__lte=today, items__patent__isnull=False
    )
    if org.kind in (OrganisationKind.UNIVERSITY, OrganisationKind.RESEARCH_INSTITUTE):
        free_to_sme = recent.filter(
            licensor=org,
            fee__lte=0,
            licensee__kind=OrganisationKind.ENTERPRISE,
            licensee__size__in=SME_SIZES,
            licensee__region__isnull=False,
        )
        if free_to_sme.exists():
            found["free_licensing"] = {
                "licensor_kind": org.kind,
                "licence_free": True,
                "licensee_local_sme": True,
            }
    if org.kind == OrganisationKind.ENTERPRISE:
        from_outside = recent.filter(licensee=org, items__patent__patent_type=PatentType.INVENTION).filter(
            Q(licensor__isnull=True) | Q(licensor__region__isnull=True)
        )
        if from_outside.exists():
            found["patent_introduction"] = {
                "patent_type": PatentType.INVENTION.value,
                "from_outside_yantai": True,
            }
    return found


def _prefill(org: Organisation, items: list[Item], today: dt.date) -> dict[str, Any]:
    known = profile_facts(org, today)
    common = platform_facts(org, today)
    data: dict[str, Any] = {
        "go": "1",
        "registered_in_yantai": "true" if common["registered_in_yantai"] else "false",
        "blacklisted": "true" if common["blacklisted"] else "false",
        "on": today.isoformat(),
    }
    for item in items:
        for name, value in known.get(item.code, {}).items():
            if name in item.facts:
                data[f"{item.code}__{name}"] = to_initial(item.facts[name], value)
    return data


def _evaluate(item: Item, form: CalculatorForm, on: dt.date, *, kind_known: bool) -> CalculatorResult:
    facts = {**form.facts_for(item, prefix=f"{item.code}__"), **form.common_facts()}
    try:
        screening = screen(item, facts)
        if screening.failed:
            return CalculatorResult(item, FAILS, reasons=list(screening.failed))
        # Whom the item is for is a condition too: without the organisation's kind it is unknown.
        if screening.missing or not kind_known:
            own = [item.facts[n].label for n in screening.missing if n not in COMMON_QUESTIONS]
            return CalculatorResult(item, UNKNOWN, missing=own)
        decision = evaluate(item, facts, on=on)
    except PolicyError as exc:
        return CalculatorResult(item, UNKNOWN, message=exc.message)
    if not decision.eligible:
        return CalculatorResult(item, FAILS, decision, reasons=list(decision.reasons))
    return CalculatorResult(item, MAY_QUALIFY, decision)


@require_GET
def calculator(request: HttpRequest) -> HttpResponse:
    """Answers (or, signed in, the 一企一档) against every item for the organisation's kind: an item
    "may qualify" only when each of its conditions is established; otherwise the page says which
    answers are missing, or which condition fails."""
    catalog = default_catalog()
    today = clock.today()
    org = member_organisation(request.user)
    kind = org.kind if org is not None else request.GET.get("kind", "")
    if org is None and kind not in dict(organisation_kind_choices()):
        kind = ""  # not a kind the catalog knows: every item, and the form says what is wrong
    items = catalog.items_for(kind) if kind else list(catalog.items.values())
    prefilled = False
    if "go" in request.GET:
        data: Any = request.GET
    elif org is not None:
        data = _prefill(org, items, today)
        prefilled = True
    else:
        data = None
    form = CalculatorForm(
        data,
        items=items,
        fixed_kind=org.kind if org is not None else None,
        initial={"on": today, "kind": kind},
    )
    results: list[CalculatorResult] = []
    on = today
    if data is not None and form.is_valid():
        on = form.cleaned_data.get("on") or today
        kind_known = bool(form.cleaned_data.get("kind"))
        results = [_evaluate(item, form, on, kind_known=kind_known) for item in items]
    groups = {state: [r for r in results if r.state == state] for state in (MAY_QUALIFY, UNKNOWN, FAILS)}
    amounts = [r.decision for r in groups[MAY_QUALIFY] if r.decision and r.decision.amount is not None]
    exact = [d.amount for d in amounts if d.amount is not None and not d.amount_is_maximum]
    maxima = [d.amount for d in amounts if d.amount is not None and d.amount_is_maximum]
    sections = []
    for item in items:
        fields = [form[name] for name in form.item_fields[item.code]]
        if fields:
            answered = any(f.value() not in (None, "") for f in fields)
            sections.append((item, fields, answered))
    unanswered_common = [
        str(form.fields[name].label)
        for name in ("kind", *COMMON_QUESTIONS)
        if results and form.cleaned_data.get(name) in (None, "")
    ]
    return render(
        request,
        "grants/calculator.html",
        {
            "form": form,
            "sections": sections,
            "groups": groups,
            "has_results": bool(results),
            "exact_total": sum(exact, Decimal("0")) if exact else None,
            "exact_count": len(exact),
            "maximum_total": sum(maxima, Decimal("0")) if maxima else None,
            "maximum_count": len(maxima),
            "unanswered_common": unanswered_common,
            "kind": kind,
            "kind_label": organisation_kind_label(kind) if kind else "",
            "no_items": bool(kind) and not items,
            "on": on,
            "organisation": org,
            "prefilled": prefilled,
            "can_apply": can_apply(request.user),
        },
    )
