"""The JSON API (django-ninja): read endpoints over the apps' user-scoped selectors, two write
endpoints for other systems (registry import upload, progress reports). Every endpoint acts as the
token's owner: the same querysets as the owner's pages (`visible_to`, the apps' list selectors),
never an unscoped one. See docs/api.md and ADR 0005.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from ninja import File, Form, NinjaAPI, Query, Schema, Status, Swagger
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.files import UploadedFile

from ipcity.accounts.permissions import can_view_indicators, is_city_admin
from ipcity.api import schemas as s
from ipcity.api.auth import BearerToken, RateLimited, api_actor
from ipcity.core.models import Job
from ipcity.core.uploads import keep_upload
from ipcity.core.workflow import Refused
from ipcity.grants.permissions import ledger_region_id
from ipcity.grants.selectors import item_name, ledger_payments
from ipcity.indicators.models import Indicator, Snapshot
from ipcity.indicators.selectors import region_code
from ipcity.market import selectors as market
from ipcity.market.forms import NeedFilterForm, OfferFilterForm
from ipcity.plans.selectors import current_plan, find_current_plan, goals_with_targets, programmes_with_rows
from ipcity.policy.engine import PolicyError, default_catalog, evaluate
from ipcity.policy.engine.schema import SHAPES
from ipcity.registry import selectors as registry
from ipcity.registry.forms import (
    GIFilterForm,
    ImportUploadForm,
    LicenceFilterForm,
    OrganisationFilterForm,
    PatentFilterForm,
    PledgeFilterForm,
    TrademarkFilterForm,
)
from ipcity.registry.services import start_import_job
from ipcity.supervision import selectors as supervision
from ipcity.supervision.models import Milestone
from ipcity.supervision.permissions import can_view_supervision
from ipcity.supervision.services import submit_report

api = NinjaAPI(
    title="ipcity 数据接口",
    version="1",
    description=(
        "烟台市知识产权强市建设管理平台的 JSON 接口。以个人 API 令牌认证（`Authorization: Bearer <令牌>`，"
        "在“我的账号 → API 令牌”中创建）；令牌与其所有者看到的数据范围完全相同。错误以 JSON 返回中文说明。"
    ),
    auth=BearerToken(),
    urls_namespace="api",
    docs=Swagger(settings={"persistAuthorization": False, "defaultModelsExpandDepth": 0}),
    docs_url="/docs",
    openapi_url="/openapi.json",
)

# Every endpoint may answer these besides its success code (documented, so clients and the
# schemathesis check in api/tests know them).
ERRORS: dict[int, type[Schema]] = {401: s.ErrorOut, 403: s.ErrorOut, 422: s.ErrorOut, 429: s.ErrorOut}
ERRORS_404 = {**ERRORS, 404: s.ErrorOut}
MAX_PAGE = 100_000


# --- errors as JSON with Chinese messages ------------------------------------------------------


def _error(
    request: HttpRequest, status: int, detail: str, errors: list[dict[str, str]] | None = None
) -> HttpResponse:
    return api.create_response(request, {"detail": detail, "errors": errors or []}, status=status)


PYDANTIC_MESSAGES = {
    "missing": "缺少必填项",
    "int_parsing": "应为整数",
    "int_type": "应为整数",
    "int_from_float": "应为整数",
    "float_parsing": "应为数字",
    "float_type": "应为数字",
    "bool_parsing": "应为 true 或 false",
    "bool_type": "应为 true 或 false",
    "date_parsing": "应为日期（YYYY-MM-DD）",
    "date_from_datetime_parsing": "应为日期（YYYY-MM-DD）",
    "date_from_datetime_inexact": "应为日期（YYYY-MM-DD）",
    "date_type": "应为日期（YYYY-MM-DD）",
    "string_type": "应为文本",
    "string_too_short": "不能为空",
    "string_too_long": "过长",
    "string_pattern_mismatch": "含有不允许的字符",
    "greater_than_equal": "小于允许的最小值",
    "greater_than": "小于允许的最小值",
    "less_than_equal": "大于允许的最大值",
    "less_than": "大于允许的最大值",
    "dict_type": "应为 JSON 对象",
    "model_attributes_type": "应为 JSON 对象",
    "json_invalid": "不是有效的 JSON",
    "finite_number": "应为有限数字",
    "uuid_parsing": "应为编号（UUID）",
}


def _location(loc: Any) -> str:
    parts = [str(p) for p in (loc or []) if p not in ("query", "body", "path", "form", "file", "payload")]
    return ".".join(parts) or "请求"


@api.exception_handler(NinjaValidationError)
def _invalid(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    errors = [
        {"field": _location(e.get("loc")), "message": PYDANTIC_MESSAGES.get(str(e.get("type")), "取值无效")}
        for e in exc.errors
    ]
    summary = "；".join(f"{e['field']}：{e['message']}" for e in errors[:5])
    return _error(request, 422, f"请求参数有误：{summary}", errors)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return _error(
        request,
        401,
        "需要有效的 API 令牌：请在请求头中提供 Authorization: Bearer <令牌>（令牌可能已过期或被吊销）。",
    )


@api.exception_handler(RateLimited)
def _rate_limited(request: HttpRequest, exc: RateLimited) -> HttpResponse:
    response = _error(request, 429, "请求过于频繁：每个令牌每分钟的请求数有上限，请稍后再试。")
    response["Retry-After"] = str(60 - timezone.now().second)
    return response


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _error(request, 404, "未找到，或不在您的查看范围内。")


@api.exception_handler(Refused)
def _refused(request: HttpRequest, exc: Refused) -> HttpResponse:
    return _error(request, 403, str(exc))


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return _error(request, exc.status_code, str(exc))


@api.exception_handler(DjangoValidationError)
def _rejected(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
    messages = list(exc.messages)
    return _error(request, 422, "；".join(messages), [{"field": "请求", "message": m} for m in messages])


def _owner(request: HttpRequest) -> Any:
    """The token's owner (BearerToken.authenticate): every read below is scoped to this user."""
    return getattr(request, "auth", None)


def _forbid(message: str = "您的账号无权使用此接口。") -> HttpError:
    return HttpError(403, message)


def _form_errors(form: Any) -> DjangoValidationError:
    lines: list[str] = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else "请求"
        lines.extend(f"{label}（{name}）：{e}" for e in errors)
    return DjangoValidationError(lines)


def _page(queryset: QuerySet[Any] | list[Any], page: int, page_size: int) -> tuple[list[Any], dict[str, int]]:
    count = queryset.count() if isinstance(queryset, QuerySet) else len(queryset)
    start = (page - 1) * page_size
    rows = list(queryset[start : start + page_size])
    return rows, {"count": count, "page": page, "page_size": page_size}


def _num(value: Decimal | None) -> str | None:
    """A decimal as plain digits without trailing zeros ("10", "0.25"; never "1E+1")."""
    return None if value is None else format(value.normalize(), "f")


def _text(value: Any) -> str:
    return "" if value is None else str(value)


Page = Query(1, ge=1, le=MAX_PAGE, description="页码（从 1 开始）")
PageSize = Query(50, ge=1, le=200, description="每页条数（最多 200）")
NoNul = r"^[^\x00]*$"


# --- plan ----------------------------------------------------------------------------------------


def _target(t: Any) -> dict[str, Any]:
    return {
        "code": t.code,
        "name": t.name,
        "comparison": t.comparison or None,
        "value": _num(t.value),
        "min": _num(t.min_value),
        "max": _num(t.max_value),
        "unit": t.unit or None,
        "year": t.year,
        "quote": t.quote,
    }


@api.get(
    "/plan",
    response={200: s.PlanOut, **ERRORS_404},
    tags=["工作方案"],
    summary="工作方案：目标、七大工程、主要任务和分工（含条款出处）",
)
def plan(request: HttpRequest) -> Any:
    found = find_current_plan()
    if found is None:
        raise Http404
    return {
        "code": found.code,
        "title": found.title,
        "period_start": found.period_start,
        "period_end": found.period_end,
        "goals": [
            {
                "code": g.code,
                "clause": g.clause,
                "title": g.title,
                "text": g.text,
                "targets": [_target(t) for t in g.targets.all()],
            }
            for g in goals_with_targets(found)
        ],
        "programmes": [
            {
                "code": p.code,
                "clause": p.clause,
                "numeral": p.numeral,
                "title": p.title,
                "tasks": [
                    {
                        "code": t.code,
                        "clause": t.clause,
                        "title": t.title,
                        "text": t.text,
                        "targets": [_target(x) for x in t.targets.all()],
                    }
                    for t in p.tasks.all()
                ],
                "rows": [
                    {
                        "code": r.code,
                        "clause": r.clause,
                        "text": r.text,
                        "lead_department": r.lead_department.name,
                        "co_departments": [d.name for d in r.co_departments],
                        "implements": [t.clause for t in r.implements.all()],
                    }
                    for section in p.sections.all()
                    for r in section.rows.all()
                ],
            }
            for p in programmes_with_rows(found)
        ],
        "stages": [
            {"code": x.code, "clause": x.clause, "name": x.name, "start": x.start, "end": x.end}
            for x in found.stages.order_by("position")
        ],
    }


# --- indicators ------------------------------------------------------------------------------------


@api.get(
    "/indicators",
    response={200: list[s.IndicatorOut], **ERRORS},
    tags=["指标监测"],
    summary="指标定义（政府用户）",
)
def indicators(request: HttpRequest) -> Any:
    if not can_view_indicators(_owner(request)):
        raise _forbid("指标监测仅供市局、部门和区市用户使用。")
    return [
        {
            "code": i.code,
            "name": i.name,
            "unit": i.unit,
            "definition": i.definition,
            "source": i.source,
            "target": _num(i.target.value) if i.target is not None else None,
        }
        for i in Indicator.objects.select_related("target").order_by("position", "code")
    ]


@api.get(
    "/indicators/values",
    response={200: s.IndicatorValuePage, **ERRORS},
    tags=["指标监测"],
    summary="指标数值（含分子、分母、来源），按指标、区市、年度筛选",
)
def indicator_values(
    request: HttpRequest,
    indicator: str = Query("", max_length=60, pattern=NoNul, description="指标代码"),
    year: int | None = Query(None, ge=2000, le=2100),
    region: str = Query("", max_length=12, pattern=NoNul, description="区划代码；370600 为全市"),
    page: int = Page,
    page_size: int = PageSize,
) -> Any:
    if not can_view_indicators(_owner(request)):
        raise _forbid("指标监测仅供市局、部门和区市用户使用。")
    snapshots = Snapshot.objects.select_related("indicator", "region").order_by(
        "indicator__position", "year", "region__position", "as_of", "id"
    )
    if indicator:
        snapshots = snapshots.filter(indicator__code=indicator)
    if year is not None:
        snapshots = snapshots.filter(year=year)
    if region == "370600":
        snapshots = snapshots.filter(region__isnull=True)
    elif region:
        snapshots = snapshots.filter(region__division_code=region) | snapshots.filter(region__code=region)
    rows, meta = _page(snapshots, page, page_size)
    items = [
        {
            "indicator": x.indicator.code,
            "name": x.indicator.name,
            "region": region_code(x),
            "region_name": x.region.name if x.region else "全市",
            "year": x.year,
            "as_of": x.as_of,
            "status": x.status,
            "status_label": x.get_status_display(),
            "value": _num(x.value),
            "numerator": _num(x.numerator),
            "denominator": _num(x.denominator),
            "unit": x.indicator.unit,
            "note": x.note,
            "source": x.indicator.source,
            "details": x.details if isinstance(x.details, dict) else {},
        }
        for x in rows
    ]
    return {**meta, "items": items}


# --- registry --------------------------------------------------------------------------------------


def _bound(form_class: Any, values: dict[str, Any]) -> dict[str, Any]:
    form = form_class({k: v for k, v in values.items() if v not in (None, "")})
    if not form.is_valid():
        raise _form_errors(form)
    return dict(form.cleaned_data)


@api.get(
    "/registry/patents",
    response={200: s.PatentPage, **ERRORS},
    tags=["知识产权数据库"],
    summary="专利（公开数据），与专利列表页同样的筛选",
)
def patents(
    request: HttpRequest,
    q: str = Query("", max_length=100, description="名称、申请号或权利人"),
    patent_type: str = Query("", max_length=20, description="invention / utility_model / design"),
    status: str = Query("", max_length=20, description="法律状态代码"),
    year: int | None = Query(None, ge=1985, le=2100, description="申请年份"),
    region: int | None = Query(None, ge=1, le=2_147_483_647, description="区市编号"),
    page: int = Page,
    page_size: int = PageSize,
) -> Any:
    data = _bound(
        PatentFilterForm,
        {"q": q, "patent_type": patent_type, "status": status, "year": year, "region": region},
    )
    rows, meta = _page(
        registry.patent_list(data, _owner(request)).order_by("-filing_date", "-id"), page, page_size
    )
    items = [
        {
            "id": p.pk,
            "application_number": p.application_number,
            "patent_type": p.patent_type,
            "patent_type_label": p.get_patent_type_display(),
            "title": p.title,
            "filing_date": p.filing_date,
            "grant_date": p.grant_date,
            "legal_status": p.legal_status,
            "legal_status_label": p.get_legal_status_display(),
            "main_ipc": p.main_ipc,
            "first_holder_name": p.first_holder_name,
            "region": p.region.name if p.region else None,
        }
        for p in rows
    ]
    return {**meta, "items": items}


@api.get(
    "/registry/organisations",
    response={200: s.OrganisationPage, **ERRORS},
    tags=["知识产权数据库"],
    summary="机构：与机构列表页同样的范围（市局全部、区市本区、企业本单位）",
)
def organisations(
    request: HttpRequest,
    q: str = Query("", max_length=100, description="名称或统一社会信用代码"),
    kind: str = Query("", max_length=30),
    region: int | None = Query(None, ge=1, le=2_147_483_647, description="区市编号"),
    page: int = Page,
    page_size: int = PageSize,
) -> Any:
    data = _bound(OrganisationFilterForm, {"q": q, "kind": kind, "region": region})
    rows, meta = _page(
        registry.organisation_list(data, _owner(request)).order_by("name", "id"), page, page_size
    )
    items = [
        {
            "id": o.pk,
            "name": o.name,
            "uscc": o.uscc or None,
            "kind": o.kind,
            "kind_label": o.get_kind_display(),
            "region": o.region.name if o.region else None,
            "region_code": (o.region.division_code or o.region.code) if o.region else None,
            "industry": o.industry,
            "patent_count": o.patent_count,
        }
        for o in rows
    ]
    return {**meta, "items": items}


@api.get(
    "/registry/trademarks",
    response={200: s.TrademarkPage, **ERRORS},
    tags=["知识产权数据库"],
    summary="商标：与商标列表页同样的范围和筛选",
)
def trademarks(
    request: HttpRequest,
    q: str = Query("", max_length=100, description="注册号、商标名称或注册人"),
    kind: str = Query("", max_length=20),
    status: str = Query("", max_length=20),
    nice_class: int | None = Query(None, ge=1, le=45, description="尼斯分类"),
    year: int | None = Query(None, ge=1980, le=2100, description="注册年份"),
    region: int | None = Query(None, ge=1, le=2_147_483_647, description="区市编号"),
    page: int = Page,
    page_size: int = PageSize,
) -> Any:
    values = {
        "q": q,
        "kind": kind,
        "status": status,
        "nice_class": nice_class,
        "year": year,
        "region": region,
    }
    data = _bound(TrademarkFilterForm, values)
    rows, meta = _page(
        registry.trademark_list(data, _owner(request)).order_by("-registration_date", "-id"), page, page_size
    )
    items = [
        {
            "id": t.pk,
            "registration_number": t.registration_number,
            "name": t.name,
            "classes": [int(c) for c in (t.classes or [])],
            "kind": t.kind,
            "kind_label": t.get_kind_display(),
            "status": t.status,
            "status_label": t.get_status_display(),
            "holder_name": t.holder_name,
            "holder_id": t.holder_id,
            "application_date": t.application_date,
            "registration_date": t.registration_date,
            "expiry_date": t.expiry_date,
            "madrid_number": t.madrid_number or None,
            "well_known": t.well_known,
        }
        for t in rows
    ]
    return {**meta, "items": items}


@api.get(
    "/registry/geographical-indications",
    response={200: s.GeographicalIndicationPage, **ERRORS},
    tags=["知识产权数据库"],
    summary="地理标志：与地理标志列表页同样的范围和筛选",
)
def geographical_indications(
    request: HttpRequest,
    q: str = Query("", max_length=100, description="产品名称、持有人或公告号"),
    kind: str = Query("", max_length=20),
    region: int | None = Query(None, ge=1, le=2_147_483_647, description="区市编号"),
    page: int = Page,
    page_size: int = PageSize,
) -> Any:
    data = _bound(GIFilterForm, {"q": q, "kind": kind, "region": region})
    rows, meta = _page(
        registry.geographical_indication_list(data, _owner(request)).order_by("product", "id"),
        page,
        page_size,
    )
    items = [
        {
            "id": g.pk,
            "product": g.product,
            "kind": g.kind,
            "kind_label": g.get_kind_display(),
            "region": g.region.name if g.region else None,
            "holder_name": g.holder_name,
            "reference": g.reference,
            "approval_date": g.approval_date,
            "demonstration_zone": g.demonstration_zone,
            "demonstration_zone_label": g.get_demonstration_zone_display(),
        }
        for g in rows
    ]
    return {**meta, "items": items}


@api.get(
    "/registry/pledges",
    response={200: s.PledgePage, **ERRORS},
    tags=["知识产权数据库"],
    summary="知识产权质押登记：与质押列表页同样的范围（市局全部、区市本区出质人、企业本单位为当事方的）",
)
def pledges(
    request: HttpRequest,
    q: str = Query("", max_length=100, description="登记号、出质人或质权人"),
    year: int | None = Query(None, ge=1990, le=2100, description="登记年份"),
    region: int | None = Query(None, ge=1, le=2_147_483_647, description="出质人区市编号"),
    page: int = Page,
    page_size: int = PageSize,
) -> Any:
    data = _bound(PledgeFilterForm, {"q": q, "year": year, "region": region})
    rows, meta = _page(
        registry.pledge_list(data, _owner(request)).order_by("-registration_date", "-id"), page, page_size
    )
    items = [
        {
            "id": x.pk,
            "registration_number": x.registration_number,
            "pledgor_name": x.pledgor_name,
            "pledgor_id": x.pledgor_id,
            "pledgee_name": x.pledgee_name,
            "pledgee_id": x.pledgee_id,
            "amount": str(x.amount),
            "registration_date": x.registration_date,
            "term_start": x.term_start,
            "term_end": x.term_end,
            "item_count": x.item_count,
        }
        for x in rows
    ]
    return {**meta, "items": items}


@api.get(
    "/registry/licences",
    response={200: s.LicencePage, **ERRORS},
    tags=["知识产权数据库"],
    summary="许可和转让：与许可转让列表页同样的范围（当事方为您可查看的机构）",
)
def licences(
    request: HttpRequest,
    q: str = Query("", max_length=100, description="备案号、许可人/转让人或被许可人/受让人"),
    kind: str = Query("", max_length=20),
    year: int | None = Query(None, ge=1985, le=2100, description="合同年份"),
    page: int = Page,
    page_size: int = PageSize,
) -> Any:
    data = _bound(LicenceFilterForm, {"q": q, "kind": kind, "year": year})
    rows, meta = _page(
        registry.licence_list(data, _owner(request)).order_by("-contract_date", "-id"), page, page_size
    )
    items = [
        {
            "id": x.pk,
            "reference": x.reference,
            "kind": x.kind,
            "kind_label": x.get_kind_display(),
            "licensor_name": x.licensor_name,
            "licensor_id": x.licensor_id,
            "licensee_name": x.licensee_name,
            "licensee_id": x.licensee_id,
            "fee": None if x.fee is None else str(x.fee),
            "contract_date": x.contract_date,
            "term_end": x.term_end,
            "recorded": x.recorded,
            "item_count": x.item_count,
        }
        for x in rows
    ]
    return {**meta, "items": items}


@api.post(
    "/registry/imports",
    response={202: s.JobOut, 400: s.ErrorOut, **ERRORS},
    tags=["知识产权数据库"],
    summary="上传登记数据文件（市局）：与导入页相同的校验和导入服务，返回后台任务",
)
def registry_import(
    request: HttpRequest,
    kind: Form[str],
    file: File[UploadedFile],
    dry_run: Form[bool] = False,
    skip_invalid: Form[bool] = False,
) -> Any:
    if not is_city_admin(_owner(request)):
        raise _forbid("数据导入仅限市局管理员。")
    form = ImportUploadForm({"kind": kind, "dry_run": dry_run, "skip_invalid": skip_invalid}, {"file": file})
    if not form.is_valid():
        raise _form_errors(form)
    upload = form.cleaned_data["file"]
    job = start_import_job(
        form.cleaned_data["kind"],
        keep_upload(upload, "registry/imports"),
        original_name=Path(upload.name or "upload").name,
        actor=api_actor(request),
        skip_invalid=form.cleaned_data["skip_invalid"],
        dry_run=form.cleaned_data["dry_run"],
    )
    job.refresh_from_db()
    return Status(202, _job(job))


def _job(job: Job) -> dict[str, Any]:
    return {
        "id": job.pk,
        "label": job.label,
        "status": job.status,
        "status_label": job.get_status_display(),
        "done": job.done,
        "total": job.total,
        "message": job.message,
        "result": job.result if isinstance(job.result, dict) else None,
        "error": job.error,
        "created_at": job.created_at,
        "finished_at": job.finished_at,
    }


@api.get(
    "/jobs/{job_id}",
    response={200: s.JobOut, **ERRORS_404},
    tags=["后台任务"],
    summary="后台任务的进度和结果（本人启动的任务）",
)
def job(request: HttpRequest, job_id: str) -> Any:
    import uuid

    try:
        key = uuid.UUID(job_id)
    except ValueError as exc:
        raise Http404 from exc
    found = Job.objects.visible_to(_owner(request)).filter(pk=key).first()
    if found is None:
        raise Http404
    from ipcity.core.jobs import live_job

    return _job(live_job(found))


# --- policy ----------------------------------------------------------------------------------------


@api.get(
    "/policy/items",
    response={200: list[s.RewardItemOut], **ERRORS},
    tags=["奖补政策"],
    summary="奖补政策目录：项目、条款和所需事实",
)
def policy_items(request: HttpRequest) -> Any:
    catalog = default_catalog()
    return [
        {
            "code": item.code,
            "name": item.name,
            "clauses": [{"ref": c.ref, "quote": c.quote} for c in item.clauses],
            "shape_label": SHAPES.get(item.shape, "多种"),
            "track_label": item.track.label,
            "beneficiary": item.beneficiary,
            "facts": [
                {
                    "name": f.name,
                    "type": f.type,
                    "label": f.label,
                    "required": f.required and f.default is None,
                    "choices": dict(f.choices) if f.choices else None,
                }
                for f in item.facts.values()
            ],
        }
        for item in catalog.items.values()
    ]


@api.post(
    "/policy/evaluate",
    response={200: s.DecisionOut, 400: s.ErrorOut, **ERRORS},
    tags=["奖补政策"],
    summary="政策计算：事实 → 是否符合、金额及计算过程（不保存）",
)
def policy_evaluate(request: HttpRequest, payload: s.EvaluateIn) -> Any:
    try:
        decision = evaluate(payload.item, payload.facts, on=payload.on or timezone.localdate())
    except PolicyError as exc:
        return Status(400, {"detail": f"无法计算：{exc.message}", "errors": []})
    out = decision.as_dict()
    out["on"] = decision.on
    return out


# --- supervision -----------------------------------------------------------------------------------


def _supervision_user(request: HttpRequest) -> Any:
    user = _owner(request)
    if not can_view_supervision(user):
        raise _forbid("督查督办仅供市局、部门和区市用户使用。")
    return user


@api.get(
    "/supervision/flags",
    response={200: s.FlagsOut, **ERRORS},
    tags=["督查督办"],
    summary="某日在挂的蓝黄红牌（您可查看的节点）",
)
def flags(request: HttpRequest, as_of: dt.date | None = Query(None, description="日期，默认今天")) -> Any:  # noqa: B008
    user = _supervision_user(request)
    day = as_of or supervision.today()
    if not dt.date(2000, 1, 1) <= day <= dt.date(2100, 12, 31):
        raise DjangoValidationError("日期（as_of）应在 2000 年至 2100 年之间。")
    plan_ = current_plan()
    milestones = Milestone.objects.visible_to(user).filter(row__plan=plan_).with_plan()
    return {"as_of": day, "flags": supervision.flags_on(day, milestones)}


@api.get(
    "/supervision/milestones",
    response={200: s.MilestonePage, **ERRORS},
    tags=["督查督办"],
    summary="您可查看的节点（报送进度时用其编号）",
)
def milestones(
    request: HttpRequest,
    year: int | None = Query(None, ge=2000, le=2100),
    page: int = Page,
    page_size: int = PageSize,
) -> Any:
    user = _supervision_user(request)
    rows = Milestone.objects.visible_to(user).with_plan().order_by("row__position", "year", "position", "id")
    if year is not None:
        rows = rows.filter(year=year)
    found, meta = _page(rows, page, page_size)
    items = [
        {
            "id": m.pk,
            "row": m.row.code,
            "clause": m.row.clause,
            "year": m.year,
            "title": m.title,
            "start": m.start,
            "due": m.due,
            "responsible": m.responsible,
            "quantitative": m.is_quantitative,
        }
        for m in found
    ]
    return {**meta, "items": items}


@api.post(
    "/supervision/reports",
    response={201: s.ReportOut, **ERRORS_404},
    tags=["督查督办"],
    summary="报送进度（部门系统对接）：与报送页相同的服务和校验",
)
def report(request: HttpRequest, payload: s.ReportIn) -> Any:
    user = _supervision_user(request)
    milestone = Milestone.objects.visible_to(user).with_plan().filter(pk=payload.milestone_id).first()
    if milestone is None:
        raise Http404
    saved = submit_report(
        milestone,
        period_code=payload.period_code,
        percent_complete=Decimal(str(payload.percent_complete)),
        actual_value=None if payload.actual_value is None else Decimal(str(payload.actual_value)),
        narrative=payload.narrative,
        actor=api_actor(request),
    )
    return Status(
        201,
        {
            "id": saved.pk,
            "milestone_id": saved.milestone_id,
            "period_code": saved.period_code,
            "status": saved.status,
            "status_label": saved.get_status_display(),
            "percent_complete": str(saved.percent_complete),
            "actual_value": _text(saved.actual_value) or None,
            "submitted_at": saved.submitted_at,
        },
    )


# --- grants ----------------------------------------------------------------------------------------


@api.get(
    "/grants/ledger",
    response={200: s.PaymentPage, **ERRORS},
    tags=["奖补兑现"],
    summary="兑现台账：市局和部门全部，区市本区（不含账号）",
)
def ledger(
    request: HttpRequest,
    year: int | None = Query(None, ge=2000, le=2100, description="支付年份"),
    item: str = Query("", max_length=60, pattern=NoNul, description="奖补项目代码"),
    page: int = Page,
    page_size: int = PageSize,
) -> Any:
    user = _owner(request)
    if ledger_region_id(user) is False:
        raise _forbid("兑现台账仅供市局、部门和区市用户查看。")
    payments = ledger_payments(user, {"year": year, "item": item})
    rows, meta = _page(payments, page, page_size)
    items = [
        {
            "id": x.pk,
            "item": x.item_code,
            "item_name": item_name(x.item_code),
            "organisation": x.organisation.name,
            "region": x.region.name if x.region else None,
            "amount": str(x.amount),
            "paid_on": x.paid_on,
            "reference": x.reference,
        }
        for x in rows
    ]
    return {**meta, "items": items}


# --- market ----------------------------------------------------------------------------------------


@api.get(
    "/market/offers",
    response={200: s.OfferPage, **ERRORS},
    tags=["运营交易"],
    summary="挂牌成果（已发布），与成果大厅同样的检索和筛选",
)
def offers(
    request: HttpRequest,
    q: str = Query("", max_length=100, description="成果名称、简介、专利名称或申请号、专利权人"),
    field: str = Query("", max_length=30, description="技术领域"),
    mode: str = Query("", max_length=20, description="交易方式"),
    maturity: str = Query("", max_length=20, description="成熟度"),
    page: int = Page,
    page_size: int = PageSize,
) -> Any:
    data = _bound(OfferFilterForm, {"q": q, "field": field, "mode": mode, "maturity": maturity})
    rows, meta = _page(market.offer_list(_owner(request), data), page, page_size)
    items = [
        {
            "id": o.pk,
            "title": o.title,
            "holder": o.holder.name,
            "mode": o.mode,
            "mode_label": o.get_mode_display(),
            "price": None if o.price is None else str(o.price),
            "negotiable": o.negotiable,
            "fee_terms": o.fee_terms,
            "field": o.field,
            "field_label": o.get_field_display(),
            "maturity": o.maturity,
            "maturity_label": o.get_maturity_display(),
            "region": o.region.name if o.region else None,
            "applications": o.applications,
            "description": o.description,
            "patents": [p.application_number for p in o.patents.all()],
            "contact_person": o.contact_person,
            "contact_phone": o.contact_phone,
            "published_on": o.published_on,
        }
        for o in rows
    ]
    return {**meta, "items": items}


@api.get(
    "/market/needs",
    response={200: s.NeedPage, **ERRORS},
    tags=["运营交易"],
    summary="技术需求（已发布），与需求大厅同样的检索和筛选",
)
def needs(
    request: HttpRequest,
    q: str = Query("", max_length=100, description="需求名称、技术问题、需求单位"),
    field: str = Query("", max_length=30, description="技术领域"),
    page: int = Page,
    page_size: int = PageSize,
) -> Any:
    data = _bound(NeedFilterForm, {"q": q, "field": field})
    rows, meta = _page(market.need_list(_owner(request), data), page, page_size)
    items = [
        {
            "id": n.pk,
            "title": n.title,
            "organisation": n.organisation.name,
            "problem": n.problem,
            "field": n.field,
            "field_label": n.get_field_display(),
            "budget_min": None if n.budget_min is None else str(n.budget_min),
            "budget_max": None if n.budget_max is None else str(n.budget_max),
            "deadline": n.deadline,
            "region": n.region.name if n.region else None,
            "contact_person": n.contact_person,
            "contact_phone": n.contact_phone,
            "published_on": n.published_on,
        }
        for n in rows
    ]
    return {**meta, "items": items}
