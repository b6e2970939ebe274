"""The API's typed shapes (pydantic, through django-ninja): the OpenAPI schema is generated from these.

Money and decimal figures travel as strings ("12345.67") so that no client loses a fen to floats.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from ninja import Field, Schema


class ErrorItem(Schema):
    field: str = Field(description="出错的字段或位置")
    message: str = Field(description="中文说明")


class ErrorOut(Schema):
    detail: str = Field(description="中文错误说明")
    errors: list[ErrorItem] = Field(default_factory=list, description="逐项错误（参数校验失败时）")


class PageMeta(Schema):
    count: int = Field(description="符合条件的总条数")
    page: int = Field(description="当前页码（从 1 开始）")
    page_size: int = Field(description="每页条数")


# --- plan -------------------------------------------------------------------------------------


class TargetOut(Schema):
    code: str
    name: str
    comparison: str | None
    value: str | None
    min: str | None
    max: str | None
    unit: str | None
    year: int | None
    quote: str


class GoalOut(Schema):
    code: str
    clause: str = Field(description="条款出处，如“一(一)”")
    title: str
    text: str
    targets: list[TargetOut]


class TaskOut(Schema):
    code: str
    clause: str = Field(description="条款出处，如“二(一)3”")
    title: str
    text: str
    targets: list[TargetOut]


class RowOut(Schema):
    code: str
    clause: str = Field(description="任务分工表条款，如“附件 一(二)4”")
    text: str
    lead_department: str
    co_departments: list[str]
    implements: list[str] = Field(description="落实的主要任务条款")


class ProgrammeOut(Schema):
    code: str
    clause: str
    numeral: str
    title: str
    tasks: list[TaskOut]
    rows: list[RowOut]


class StageOut(Schema):
    code: str
    clause: str
    name: str
    start: dt.date
    end: dt.date


class PlanOut(Schema):
    code: str
    title: str
    period_start: dt.date
    period_end: dt.date
    goals: list[GoalOut]
    programmes: list[ProgrammeOut]
    stages: list[StageOut]


# --- indicators -------------------------------------------------------------------------------


class IndicatorOut(Schema):
    code: str
    name: str
    unit: str
    definition: str
    source: str = Field(description="定义出处")
    target: str | None = Field(description="全市目标值")


class IndicatorValueOut(Schema):
    indicator: str = Field(description="指标代码")
    name: str
    region: str = Field(description="区划代码（全市 370600）")
    region_name: str
    year: int
    as_of: dt.date = Field(description="统计时点（数据日期）")
    status: str
    status_label: str
    value: str | None
    numerator: str | None
    denominator: str | None
    unit: str
    note: str
    source: str = Field(description="指标定义出处")
    details: dict[str, Any] = Field(description="计算明细（如基年、同比、缺数原因）")


class IndicatorValuePage(PageMeta):
    items: list[IndicatorValueOut]


# --- registry ---------------------------------------------------------------------------------


class PatentOut(Schema):
    id: int
    application_number: str
    patent_type: str
    patent_type_label: str
    title: str
    filing_date: dt.date
    grant_date: dt.date | None
    legal_status: str
    legal_status_label: str
    main_ipc: str
    first_holder_name: str
    region: str | None = Field(description="归属区市")


class PatentPage(PageMeta):
    items: list[PatentOut]


class OrganisationOut(Schema):
    id: int
    name: str
    uscc: str | None = Field(description="统一社会信用代码")
    kind: str
    kind_label: str
    region: str | None
    region_code: str | None
    industry: str
    patent_count: int


class OrganisationPage(PageMeta):
    items: list[OrganisationOut]


class TrademarkOut(Schema):
    id: int
    registration_number: str = Field(description="注册号")
    name: str
    classes: list[int] = Field(description="尼斯分类")
    kind: str
    kind_label: str
    status: str
    status_label: str
    holder_name: str
    holder_id: int | None = Field(description="注册人在机构库中的编号（已匹配时）")
    application_date: dt.date | None
    registration_date: dt.date | None
    expiry_date: dt.date | None
    madrid_number: str | None = Field(description="马德里国际注册号")
    well_known: bool


class TrademarkPage(PageMeta):
    items: list[TrademarkOut]


class GeographicalIndicationOut(Schema):
    id: int
    product: str
    kind: str
    kind_label: str
    region: str | None
    holder_name: str
    reference: str = Field(description="批准公告号")
    approval_date: dt.date | None
    demonstration_zone: str
    demonstration_zone_label: str


class GeographicalIndicationPage(PageMeta):
    items: list[GeographicalIndicationOut]


class PledgeOut(Schema):
    id: int
    registration_number: str
    pledgor_name: str
    pledgor_id: int | None
    pledgee_name: str
    pledgee_id: int | None
    amount: str = Field(description="担保金额（元）")
    registration_date: dt.date
    term_start: dt.date | None
    term_end: dt.date | None
    item_count: int = Field(description="出质的专利、商标件数")


class PledgePage(PageMeta):
    items: list[PledgeOut]


class LicenceOut(Schema):
    id: int
    reference: str = Field(description="备案号或登记号")
    kind: str
    kind_label: str
    licensor_name: str
    licensor_id: int | None
    licensee_name: str
    licensee_id: int | None
    fee: str | None = Field(description="许可费或转让价款（元）")
    contract_date: dt.date | None
    term_end: dt.date | None
    recorded: bool
    item_count: int


class LicencePage(PageMeta):
    items: list[LicenceOut]


class OfferOut(Schema):
    id: int
    title: str
    holder: str
    mode: str
    mode_label: str
    price: str | None = Field(description="挂牌价格或许可费（元）；面议时为空")
    negotiable: bool
    fee_terms: str
    field: str
    field_label: str
    maturity: str
    maturity_label: str
    region: str | None
    applications: str
    description: str
    patents: list[str] = Field(description="专利申请号")
    contact_person: str
    contact_phone: str
    published_on: dt.date | None


class OfferPage(PageMeta):
    items: list[OfferOut]


class NeedOut(Schema):
    id: int
    title: str
    organisation: str
    problem: str
    field: str
    field_label: str
    budget_min: str | None = Field(description="预算下限（元）")
    budget_max: str | None = Field(description="预算上限（元）")
    deadline: dt.date | None
    region: str | None
    contact_person: str
    contact_phone: str
    published_on: dt.date | None


class NeedPage(PageMeta):
    items: list[NeedOut]


class JobOut(Schema):
    id: uuid.UUID
    label: str
    status: str
    status_label: str
    done: int
    total: int | None
    message: str
    result: dict[str, Any] | None
    error: str
    created_at: dt.datetime
    finished_at: dt.datetime | None


# --- policy -----------------------------------------------------------------------------------


class ClauseOut(Schema):
    ref: str
    quote: str


class FactOut(Schema):
    name: str
    type: str
    label: str
    required: bool
    choices: dict[str, str] | None = Field(description="可选值及其中文含义")


class RewardItemOut(Schema):
    code: str
    name: str
    clauses: list[ClauseOut]
    shape_label: str
    track_label: str
    beneficiary: str
    facts: list[FactOut]


class EvaluateIn(Schema):
    item: str = Field(min_length=1, max_length=60, description="奖补项目代码（见 /api/policy/items）")
    facts: dict[str, Any] = Field(description="事实，键为项目所列的事实名称")
    on: dt.date | None = Field(default=None, description="决定奖励的日期（默认今天）")


class DecisionOut(Schema):
    item: str
    name: str
    on: dt.date
    eligible: bool
    amount: str | None
    ceiling: str | None
    pending: bool
    rule: str | None
    reasons: list[str]
    warnings: list[str]
    trace: list[str] = Field(description="计算过程，逐步引用条款和参数")
    explanation: str


# --- supervision ------------------------------------------------------------------------------


class FlagOut(Schema):
    milestone_id: int
    row: str
    clause: str
    milestone: str
    year: int
    colour: str = Field(description="blue 蓝牌 / yellow 黄牌 / red 红牌")
    label: str
    reason: str
    since: dt.date
    responsible: str
    due: dt.date


class FlagsOut(Schema):
    as_of: dt.date
    flags: list[FlagOut]


class MilestoneOut(Schema):
    id: int
    row: str
    clause: str
    year: int
    title: str
    start: dt.date
    due: dt.date
    responsible: str
    quantitative: bool


class MilestonePage(PageMeta):
    items: list[MilestoneOut]


class ReportIn(Schema):
    milestone_id: int = Field(ge=1, le=2_147_483_647)
    period_code: str = Field(min_length=1, max_length=10, description="报送周期，如 2024-Q2")
    percent_complete: float = Field(ge=0, le=100, description="完成进度（%），最多一位小数")
    actual_value: float | None = Field(default=None, ge=0, le=1e15, description="完成量（量化节点必填）")
    narrative: str = Field(min_length=1, max_length=5000, description="进展情况")


class ReportOut(Schema):
    id: int
    milestone_id: int
    period_code: str
    status: str
    status_label: str
    percent_complete: str
    actual_value: str | None
    submitted_at: dt.datetime | None


# --- grants -----------------------------------------------------------------------------------


class PaymentOut(Schema):
    id: int
    item: str
    item_name: str
    organisation: str
    region: str | None
    amount: str = Field(description="金额（元）")
    paid_on: dt.date
    reference: str


class PaymentPage(PageMeta):
    items: list[PaymentOut]
