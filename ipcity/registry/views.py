"""Registry pages: organisations (一企一档, scoped by Organisation.objects.visible_to), patents (public),
and imports (city admins). Lists export to Excel with the same filters."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ipcity.accounts.guards import deny
from ipcity.accounts.permissions import is_city_admin
from ipcity.core.audit import Actor
from ipcity.core.models import AuditEvent
from ipcity.core.uploads import keep_upload
from ipcity.core.workflow import Door, action_view, keywords
from ipcity.lib.excel import stream_table, xlsx_response
from ipcity.lib.inputs import query_without
from ipcity.registry import selectors, services
from ipcity.registry.choices import CertificateVersion, ReviewStatus
from ipcity.registry.forms import (
    GIFilterForm,
    ImportUploadForm,
    LicenceFilterForm,
    OrganisationContactForm,
    OrganisationFilterForm,
    PatentFilterForm,
    PayeeAccountForm,
    PledgeFilterForm,
    ReviewFilterForm,
    ReviewResolveForm,
    SourceWordingForm,
    TrademarkFilterForm,
)
from ipcity.registry.models import (
    GBT29490_2013_LAST_DAY,
    ImportRun,
    Licence,
    ManagementCertificate,
    Organisation,
    Patent,
    ReviewItem,
    SourceWording,
)
from ipcity.registry.permissions import can_edit_organisation
from ipcity.registry.profile_sections import profile_sections
from ipcity.registry.workflows import REVIEW_FLOW, can_review_names

EXPORT_LIMIT = 50_000
PAGE_SIZE = 50


def can_manage_imports(user: Any) -> bool:
    return is_city_admin(user)


@require_GET
@login_required
def organisation_list(request: HttpRequest) -> HttpResponse:
    form = OrganisationFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    orgs = selectors.organisation_list(data, request.user)
    if request.GET.get("format") == "xlsx":
        rows = (
            [o.name, o.uscc or "", o.get_kind_display(), str(o.region or ""), o.get_industry_display(),
             o.get_size_display(), o.patent_count]  # type: ignore[attr-defined]
            for o in orgs[:EXPORT_LIMIT]
        )  # fmt: skip
        wb = stream_table(
            "机构",
            ["名称", "统一社会信用代码", "类型", "区市", "重点产业", "企业规模", "专利（件）"],
            rows,
            [40, 22, 12, 14, 14, 10, 10],
        )
        return xlsx_response(wb, "机构.xlsx")
    page = Paginator(orgs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "registry/organisation_list.html",
        {"page": page, "form": form, "q": data.get("q", ""), "query": query_without(request)},
    )


@require_GET
@login_required
def organisation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    org = get_object_or_404(
        Organisation.objects.visible_to(request.user)
        .select_related("region")
        .prefetch_related("tags", "certificates", "other_names"),
        pk=pk,
    )
    return render(
        request,
        "registry/organisation_detail.html",
        {
            "org": org,
            "profile": selectors.organisation_profile(org, request.user),
            "certificates": _certificate_rows(org, timezone.localdate()),
            "sections": profile_sections(org, request.user),
            "can_edit": can_edit_organisation(request.user, org),
        },
    )


def _certificate_rows(org: Organisation, today: dt.date) -> list[tuple[ManagementCertificate, str]]:
    """Each GB/T 29490 certificate with whether it is in force today (a 2013-version certificate
    lapses after GBT29490_2013_LAST_DAY whatever its own term)."""
    rows = []
    for cert in org.certificates.all():
        if cert.is_effective(today):
            state = "有效"
        elif cert.version == CertificateVersion.V2013 and today > GBT29490_2013_LAST_DAY:
            state = f"已失效（2013 版证书 {GBT29490_2013_LAST_DAY:%Y-%m-%d} 后不再有效）"
        else:
            state = "无效"
        rows.append((cert, state))
    return rows


@require_http_methods(["GET", "POST"])
@login_required
def organisation_contacts(request: HttpRequest, pk: int) -> HttpResponse:
    """Contacts and the 收款账户: two forms on one page, each posted on its own (`section`)."""
    org = get_object_or_404(Organisation.objects.visible_to(request.user), pk=pk)
    if not can_edit_organisation(request.user, org):
        return deny(request)
    section = request.POST.get("section", "contacts") if request.method == "POST" else ""
    form = OrganisationContactForm(
        request.POST if section == "contacts" else None,
        initial={f: getattr(org, f) for f in services.EDITABLE_BY_MEMBER},
    )
    payee_form = PayeeAccountForm(
        request.POST if section == "payee" else None,
        initial={f: getattr(org, f) for f in services.PAYEE_FIELDS},
    )
    if section == "contacts" and form.is_valid():
        changed = services.update_organisation_contacts(
            org, actor=Actor.web(request.user), values=form.cleaned_data
        )
        messages.success(request, "机构信息已保存。" if changed else "没有修改。")
        return redirect("registry:organisation", pk=org.pk)
    if section == "payee" and payee_form.is_valid():
        data = payee_form.cleaned_data
        try:
            changed = services.update_payee_account(
                org,
                actor=Actor.web(request.user),
                name=data["payee_name"],
                bank=data["payee_bank"],
                account=data["payee_account"],
            )
        except ValidationError as exc:
            payee_form.add_error(None, exc)
        else:
            messages.success(request, "收款账户已保存。" if changed else "没有修改。")
            org.refresh_from_db()
            if org.payee_name_differs:
                messages.warning(
                    request,
                    f"户名“{org.payee_name}”与机构名称“{org.name}”不一致，请核实；兑现时按此户名付款。",
                )
            return redirect("registry:organisation", pk=org.pk)
    back = reverse("registry:organisation", args=[org.pk])
    return render(
        request,
        "registry/organisation_contacts.html",
        {"form": form, "payee_form": payee_form, "obj": org, "back": back},
    )


PATENT_EXPORT_HEADERS = [
    "申请号",
    "名称",
    "类型",
    "申请日",
    "授权公告日",
    "法律状态",
    "第一申请（专利权）人",
    "区市",
    "区市归属依据",
    "主分类号",
]


@require_GET
def patent_list(request: HttpRequest) -> HttpResponse:
    """Patents are public (published by CNIPA): no sign-in needed."""
    form = PatentFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    patents = selectors.patent_list(data, request.user)
    if request.GET.get("format") == "xlsx":
        rows = (
            [p.display_number, p.title, p.get_patent_type_display(), p.filing_date, p.grant_date,
             p.get_legal_status_display(), p.first_holder_name, str(p.region or ""), p.get_region_rule_display(),
             p.main_ipc or p.locarno_class]
            for p in patents[:EXPORT_LIMIT].iterator(chunk_size=2000)
        )  # fmt: skip
        wb = stream_table("专利", PATENT_EXPORT_HEADERS, rows, [20, 40, 10, 12, 12, 14, 36, 12, 20, 14])
        return xlsx_response(wb, "专利.xlsx")
    page = Paginator(patents, PAGE_SIZE).get_page(request.GET.get("page"))
    organisation = None
    if data.get("organisation"):
        organisation = Organisation.objects.visible_to(request.user).filter(pk=data["organisation"]).first()
    template = (
        "registry/_patent_table.html" if request.headers.get("HX-Request") else "registry/patent_list.html"
    )
    return render(
        request,
        template,
        {"page": page, "form": form, "query": query_without(request), "organisation": organisation},
    )


@require_GET
def patent_detail(request: HttpRequest, number: str) -> HttpResponse:
    """Public; its pledges and licences only for those the pledge and licence lists show them to."""
    patent = get_object_or_404(
        Patent.objects.visible_to(request.user).select_related("region", "first_holder", "created_in"),
        application_number=number,
    )
    holders = list(patent.holders.select_related("organisation"))
    pledge_items = selectors.patent_pledge_items(patent, request.user)
    licence_items = selectors.patent_licence_items(patent, request.user)
    parties = {h.organisation_id for h in holders}
    parties |= {getattr(i.pledge, f) for i in pledge_items for f in ("pledgor_id", "pledgee_id")}
    parties |= {getattr(i.licence, f) for i in licence_items for f in ("licensor_id", "licensee_id")}
    return render(
        request,
        "registry/patent_detail.html",
        {
            "patent": patent,
            "holders": holders,
            "linkable": selectors.visible_organisation_ids(request.user, parties),
            "ipc_codes": list(patent.ipc_codes.all()),
            "pledge_items": pledge_items,
            "licence_items": licence_items,
            "awards": list(patent.awards.all()),
            # The export's 有效 outlived the statutory term (专利法 第四十二条): say so, dated.
            "stale_end": patent.stale_status_end(timezone.localdate()),
        },
    )


def _list_template(request: HttpRequest, name: str) -> str:
    """The whole page, or only its table for htmx (the filter form swaps the table in place)."""
    return (
        f"registry/_{name}_table.html" if request.headers.get("HX-Request") else f"registry/{name}_list.html"
    )


def _linkable(user: Any, page: Any, *fields: str) -> set[int]:
    """Organisations of this page whose profile the user may open: parties link only to those."""
    return selectors.visible_organisation_ids(user, {getattr(obj, f) for obj in page for f in fields})


AUTO_REFERENCE = "AUTO-"  # a licence without 备案号 gets a stable key (importers/rights.py), not a number


def _licence_reference(licence: Licence) -> str:
    return "" if licence.reference.startswith(AUTO_REFERENCE) else licence.reference


def _nice_classes(classes: list[int]) -> str:
    return "、".join(str(c) for c in classes)


@dataclass(frozen=True)
class RightsList:
    """One list page of the registry's other rights: its filter form, rows, Excel sheet and links."""

    name: str  # template stem: registry/<name>_list.html and registry/_<name>_table.html
    form: type[forms.Form]
    rows: Callable[[dict[str, Any], Any], QuerySet[Any]]  # (filter data, user) → queryset
    sheet: str
    headers: list[str]
    widths: list[int]
    cells: Callable[[Any], list[Any]]
    parties: tuple[str, ...]  # organisation id fields a row may link to
    extra: Callable[[QuerySet[Any]], dict[str, Any]] = lambda rows: {}


def _rights_list(request: HttpRequest, spec: RightsList) -> HttpResponse:
    form = spec.form(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    rows = spec.rows(data, request.user)
    if request.GET.get("format") == "xlsx":
        cells = (spec.cells(row) for row in rows[:EXPORT_LIMIT].iterator(chunk_size=2000))
        return xlsx_response(stream_table(spec.sheet, spec.headers, cells, spec.widths), f"{spec.sheet}.xlsx")
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "form": form,
        "query": query_without(request),
        "linkable": _linkable(request.user, page, *spec.parties),
    }
    return render(request, _list_template(request, spec.name), context | spec.extra(rows))


TRADEMARKS = RightsList(
    name="trademark",
    form=TrademarkFilterForm,
    rows=selectors.trademark_list,
    sheet="商标",
    headers=["注册号", "商标名称", "注册人", "区市", "类别", "种类", "注册日", "状态", "马德里国际注册号"],
    widths=[14, 24, 36, 12, 14, 14, 12, 12, 16],
    cells=lambda t: [
        t.registration_number,
        t.name,
        t.holder_name,
        str(t.holder.region or "") if t.holder else "",
        _nice_classes(t.classes),
        t.get_kind_display(),
        t.registration_date,
        t.get_status_display(),
        t.madrid_number,
    ],
    parties=("holder_id",),
)
GEOGRAPHICAL_INDICATIONS = RightsList(
    name="gi",
    form=GIFilterForm,
    rows=selectors.geographical_indication_list,
    sheet="地理标志",
    headers=["产品名称", "类别", "区市", "持有人/申请人", "公告号/注册号", "批准/注册日期", "保护示范区"],
    widths=[20, 18, 12, 36, 18, 14, 16],
    cells=lambda g: [
        g.product,
        g.get_kind_display(),
        str(g.region or ""),
        g.holder_name,
        g.reference,
        g.approval_date,
        g.get_demonstration_zone_display(),
    ],
    parties=("holder_id",),
)
PLEDGES = RightsList(
    name="pledge",
    form=PledgeFilterForm,
    rows=selectors.pledge_list,
    sheet="质押",
    headers=[
        "登记号",
        "出质人",
        "质权人",
        "担保金额（元）",
        "登记日",
        "质押期限自",
        "质押期限至",
        "质押物（件）",
    ],
    widths=[18, 36, 30, 16, 12, 12, 12, 12],
    cells=lambda p: [
        p.registration_number,
        p.pledgor_name,
        p.pledgee_name,
        p.amount,
        p.registration_date,
        p.term_start,
        p.term_end,
        p.item_count,
    ],
    parties=("pledgor_id", "pledgee_id"),
    extra=lambda rows: {"total": selectors.pledge_total(rows)},
)
LICENCES = RightsList(
    name="licence",
    form=LicenceFilterForm,
    rows=selectors.licence_list,
    sheet="许可转让",
    headers=[
        "备案号",
        "类型",
        "许可人/转让人",
        "被许可人/受让人",
        "费用（元）",
        "合同/生效日期",
        "许可期限至",
        "已备案/已登记",
        "标的（件）",
    ],
    widths=[20, 12, 36, 36, 14, 14, 12, 12, 10],
    cells=lambda x: [
        _licence_reference(x),
        x.get_kind_display(),
        x.licensor_name,
        x.licensee_name,
        x.fee,
        x.contract_date,
        x.term_end,
        "是" if x.recorded else "否",
        x.item_count,
    ],
    parties=("licensor_id", "licensee_id"),
)


@require_GET
def trademark_list(request: HttpRequest) -> HttpResponse:
    """Registered trademarks are published: public, like the patent list."""
    return _rights_list(request, TRADEMARKS)


@require_GET
def geographical_indication_list(request: HttpRequest) -> HttpResponse:
    """Geographical indications are published: public, like the patent list."""
    return _rights_list(request, GEOGRAPHICAL_INDICATIONS)


@require_GET
@login_required
def pledge_list(request: HttpRequest) -> HttpResponse:
    """Pledge registrations the user may see (`selectors.pledges_visible_to`, docs/permissions.md)."""
    return _rights_list(request, PLEDGES)


@require_GET
@login_required
def licence_list(request: HttpRequest) -> HttpResponse:
    """Licences and assignments involving an organisation the user may see (docs/permissions.md)."""
    return _rights_list(request, LICENCES)


@require_http_methods(["GET", "POST"])
def import_list(request: HttpRequest) -> HttpResponse:
    if not can_manage_imports(request.user):
        return deny(request)
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        job = services.start_import_job(
            form.cleaned_data["kind"],
            keep_upload(upload, "registry/imports"),
            original_name=Path(upload.name or "upload").name,
            actor=Actor.web(request.user),
            skip_invalid=form.cleaned_data["skip_invalid"],
            dry_run=form.cleaned_data["dry_run"],
            profile=form.cleaned_data.get("profile") or "",
        )
        return redirect("core:job", pk=job.pk)
    runs = Paginator(ImportRun.objects.select_related("actor"), 30).get_page(request.GET.get("page"))
    return render(
        request,
        "registry/import_list.html",
        {
            "form": form,
            "runs": runs,
            "open_reviews": ReviewItem.objects.visible_to(request.user)
            .filter(status=ReviewStatus.OPEN)
            .count(),
        },
    )


@require_GET
def source_list(request: HttpRequest) -> HttpResponse:
    """导入格式: every source profile, its columns and wordings; the city office adds and removes
    synonyms here (no code change). Others: 403."""
    if not can_manage_imports(request.user):
        return deny(request)
    return render(
        request,
        "registry/source_list.html",
        {"profiles": selectors.source_profiles_overview()},
    )


def _sources_back(kind: str, code: str) -> str:
    return f"{reverse('registry:sources')}#profile-{kind}-{code}"


@require_POST
def source_wording_add(request: HttpRequest) -> HttpResponse:
    if not can_manage_imports(request.user):
        return deny(request)
    form = SourceWordingForm(request.POST)
    if not form.is_valid():
        problems = [str(e) for errors in form.errors.values() for e in errors]
        messages.error(request, "未添加：" + "；".join(problems))
        return redirect("registry:sources")
    data = form.cleaned_data
    try:
        row = services.add_source_wording(actor=Actor.web(request.user), **data)
    except ValidationError as exc:
        messages.error(request, "未添加：" + "；".join(exc.messages))
    else:
        messages.success(
            request,
            f"已添加写法“{row.wording}”。以后按这一格式导入的文件中，该写法将被识别；之前被拒绝的文件可重新导入。",
        )
    return redirect(_sources_back(data["kind"], data["profile"]))


@require_POST
def source_wording_remove(request: HttpRequest, pk: int) -> HttpResponse:
    if not can_manage_imports(request.user):
        return deny(request)
    row = get_object_or_404(SourceWording, pk=pk)
    services.remove_source_wording(actor=Actor.web(request.user), wording=row)
    messages.success(request, f"已删除写法“{row.wording}”。")
    return redirect(_sources_back(row.kind, row.profile))


@require_GET
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    if not can_manage_imports(request.user):
        return deny(request)
    run = get_object_or_404(ImportRun, pk=pk)
    updates = AuditEvent.objects.visible_to(request.user).filter(note__startswith=f"导入 #{run.pk} ")
    page = Paginator(updates, 50).get_page(request.GET.get("page"))
    profile = ""
    if run.profile:
        from ipcity.registry.importers.profiles import ProfileError, get_profile

        try:
            profile = get_profile(run.kind, run.profile).called
        except ProfileError:
            profile = "已不存在的格式"
    return render(request, "registry/import_detail.html", {"run": run, "page": page, "profile": profile})


@require_GET
def import_rejects(request: HttpRequest, pk: int) -> HttpResponse | FileResponse:
    if not can_manage_imports(request.user):
        return deny(request)
    run = get_object_or_404(ImportRun, pk=pk)
    path = Path(run.rejects_file) if run.rejects_file else None
    if path is None or not path.is_file():
        raise Http404("没有拒收行文件")
    return FileResponse(path.open("rb"), as_attachment=True, filename=f"拒收行-导入{run.pk}.csv")


@require_GET
def review_list(request: HttpRequest) -> HttpResponse:
    """The review queue (机构匹配待确认): each name with its candidates and exactly the decisions the
    user may take on it now (REVIEW_FLOW). Open names by default."""
    if not can_review_names(request.user):
        return deny(request)
    form = ReviewFilterForm(request.GET or None, initial={"status": ReviewStatus.OPEN})
    data = form.cleaned_data if form.is_valid() else {"status": ReviewStatus.OPEN}
    items = ReviewItem.objects.visible_to(request.user).select_related("organisation")
    if "status" not in request.GET:
        items = items.filter(status=ReviewStatus.OPEN)
    elif data.get("status"):
        items = items.filter(status=data["status"])
    if data.get("q"):
        items = items.filter(name__icontains=data["q"])
    page = Paginator(items.prefetch_related("candidates__region"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    for item in page:
        item.allowed = REVIEW_FLOW.allowed_actions(item, request.user)  # type: ignore[attr-defined]
    return render(
        request,
        "registry/review_list.html",
        {"page": page, "form": form, "query": query_without(request), "statuses": ReviewStatus.choices},
    )


# The decisions on a name, one POST view for the three (urls pass the action); back to the list as
# it was filtered.
review_act = action_view(
    REVIEW_FLOW,
    {
        "resolve": Door(
            keywords(services.resolve_review_item),
            "已确认机构，已导入的记录已关联。",
            ReviewResolveForm,
            lambda item: {"item": item},
        ),
        "dismiss": Door(keywords(services.dismiss_review_item), "已确认该名称不属于任何候选机构。"),
        "reopen": Door(keywords(services.reopen_review_item), "已重新打开，以后的导入将再次等待确认。"),
    },
    guard=can_review_names,
    fetch=lambda request, pk: get_object_or_404(ReviewItem.objects.visible_to(request.user), pk=pk),
    back=lambda request, item: f"{reverse('registry:reviews')}?{request.GET.urlencode()}",
)
