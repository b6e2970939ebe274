"""The white paper's content, computed from the platform's data (docs/reports.md).

`build(year)` returns a `WhitePaper`: sections of paragraphs, tables and charts, in the order both
renderings (PDF and Word) follow. Every figure names where it comes from: an indicator snapshot (its
number, read through ipcity/indicators selectors — the same values the indicator pages show) or the
records counted (registry, market, grants, supervision), and `sources` lists them for the edition.

A section whose module is not yet in use on this platform (保护: protection; 管理与服务: support) says so
in Chinese instead of showing numbers it does not have.
"""

from __future__ import annotations

import base64
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.db.models import Count, Sum

from ipcity.core.models import Region
from ipcity.indicators.models import Indicator, Snapshot
from ipcity.indicators.selectors import dashboard, latest_snapshots
from ipcity.lib.numbers import DASH, format_count, format_percent, format_quantity, format_yuan
from ipcity.reports import charts

TITLE = "烟台市知识产权发展与保护状况白皮书"
CLAUSE = "方案二(七)3"

# Step names for the job's progress, in the order `build` takes them.
STEPS = ("总体情况", "知识产权创造", "知识产权运用", "知识产权保护", "管理与服务", "奖补兑现", "督查督办")


@dataclass
class Chart:
    title: str
    png: bytes
    alt: str

    @property
    def data_uri(self) -> str:
        return "data:image/png;base64," + base64.b64encode(self.png).decode("ascii")


@dataclass
class Table:
    title: str
    headers: list[str]
    rows: list[list[str]]
    source: str  # 数据来源, shown under the table


@dataclass
class Section:
    key: str
    title: str
    paragraphs: list[str] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    # Links for the office's preview: (text, url) to the records behind the section's numbers.
    links: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class KpiRow:
    """One row of the overview's KPI table, with the value as the indicator pages hold it."""

    code: str
    name: str
    unit: str
    snapshot_id: int | None
    value: Decimal | None
    value_text: str
    target_text: str
    progress_text: str
    as_of: dt.date | None


@dataclass
class WhitePaper:
    year: int
    as_of: dt.date
    title: str
    foreword: list[str]
    highlights: list[str]
    sections: list[Section]
    kpis: list[KpiRow]
    sources: dict[str, Any]

    @property
    def headings(self) -> list[str]:
        """The headings both renderings show, in order (前言 and 年度亮点 when written)."""
        out = ["前言"] if self.foreword else []
        out += ["年度亮点"] if self.highlights else []
        return out + [s.title for s in self.sections]


class Sources:
    """What the figures of one white paper were read from."""

    def __init__(self) -> None:
        self.snapshots: set[int] = set()
        self.records: list[str] = []

    def snapshot(self, snapshot: Snapshot | None) -> Snapshot | None:
        if snapshot is not None:
            self.snapshots.add(snapshot.pk)
        return snapshot

    def record(self, text: str) -> str:
        if text not in self.records:
            self.records.append(text)
        return text

    def as_json(self) -> dict[str, Any]:
        return {"snapshots": sorted(self.snapshots), "records": list(self.records)}


class Snapshots:
    """The latest snapshot per indicator, region and year (as the indicator pages pick them)."""

    def __init__(self, sources: Sources) -> None:
        self.sources = sources
        self.by_code = {i.code: i for i in Indicator.objects.all()}
        self._latest = latest_snapshots()

    def get(self, code: str, region_id: int | None, year: int) -> Snapshot | None:
        indicator = self.by_code.get(code)
        if indicator is None:
            return None
        return self.sources.snapshot(self._latest.get((indicator.pk, region_id, year)))

    def text(self, code: str, region_id: int | None, year: int) -> str:
        snapshot = self.get(code, region_id, year)
        if snapshot is None:
            return DASH
        if snapshot.value is None:
            return snapshot.status_text
        indicator = self.by_code[code]
        return format_quantity(snapshot.value, indicator.unit, indicator.decimals)

    def change_text(self, code: str, region_id: int | None, year: int) -> str:
        """Year-on-year change in percent (比上年), or — when either year has no value."""
        return change(self.value(code, region_id, year), self.value(code, region_id, year - 1))

    def value(self, code: str, region_id: int | None, year: int) -> Decimal | None:
        snapshot = self.get(code, region_id, year)
        return None if snapshot is None else snapshot.value


def change(now: Decimal | int | None, before: Decimal | int | None) -> str:
    if now is None or before is None or before == 0:
        return DASH
    return format_percent((Decimal(now) - Decimal(before)) / Decimal(before) * 100)


def change_words(now: Decimal | int | None, before: Decimal | int | None) -> str:
    """比上年增长 7.0% / 比上年下降 2.5% / 与上年持平 / 无上年数据 (for the running text)."""
    if now is None or before is None or before == 0:
        return "无上年可比数据"
    if now == before:
        return "与上年持平"
    rate = format_percent(abs(Decimal(now) - Decimal(before)) / Decimal(before) * 100)
    return f"比上年{'增长' if now > before else '下降'} {rate}"


def _snapshot_note(year: int) -> str:
    return f"数据来源：平台指标快照（{year} 年末统计时点，计算规则见指标页面“计算说明”）"


def _regions() -> list[Region]:
    return list(Region.objects.order_by("position", "id"))


# ------------------------------------------------------------------------------ 一、总体情况


def kpi_rows(year: int, sources: Sources) -> list[KpiRow]:
    """The plan's KPIs (indicators carrying a plan target) in `year`, as the indicator dashboard
    reads them (`indicators.selectors.dashboard`)."""
    rows = []
    for row in dashboard(year)["rows"]:
        indicator = row["indicator"]
        target = indicator.target
        if target is None:
            continue
        value = row["snapshot"]
        if value is not None:
            sources.snapshots.add(value.pk)
        progress = row["progress"]
        if target.value is not None:
            symbol = {">=": "≥ ", "<=": "≤ "}.get(target.comparison, "")
            target_text = symbol + format_quantity(target.value, indicator.unit, indicator.decimals)
            if target.period == "total":
                target_text += "（期内累计）"
            elif target.period == "annual":
                target_text += "（每年）"
            elif target.year:
                target_text += f"（{target.year} 年）"
        else:
            target_text = target.name
        if progress is not None:
            progress_text = "达到目标进度" if progress.on_track else "未达目标进度"
        else:
            progress_text = "暂无判断"
        rows.append(
            KpiRow(
                code=indicator.code,
                name=indicator.name,
                unit=indicator.unit,
                snapshot_id=value.pk if value is not None else None,
                value=value.value if value is not None else None,
                value_text=(
                    format_quantity(value.value, indicator.unit, indicator.decimals)
                    if value is not None and value.value is not None
                    else (value.status_text if value is not None else "暂无数据")
                ),
                target_text=target_text,
                progress_text=progress_text,
                as_of=value.as_of if value is not None else None,
            )
        )
    return rows


def overview(year: int, kpis: list[KpiRow]) -> Section:
    on_track = sum(1 for k in kpis if k.progress_text == "达到目标进度")
    judged = sum(1 for k in kpis if k.progress_text != "暂无判断")
    section = Section("overview", "一、总体情况")
    section.paragraphs.append(
        f"《烟台市知识产权强市建设实施方案》确定了 {len(kpis)} 项主要指标。截至 {year} 年末，"
        f"有判断依据的 {judged} 项中 {on_track} 项达到目标进度。各项数值取自平台的指标快照，"
        "与平台“指标”页面的数值一致。"
    )
    section.tables.append(
        Table(
            f"表1 {year} 年主要指标完成情况",
            ["指标", f"{year} 年数值", "方案目标", "进度判断", "快照编号"],
            [
                [
                    k.name,
                    k.value_text,
                    k.target_text,
                    k.progress_text,
                    f"#{k.snapshot_id}" if k.snapshot_id else DASH,
                ]
                for k in kpis
            ],
            _snapshot_note(year),
        )
    )
    return section


# ------------------------------------------------------------------------------ 二、知识产权创造


def creation(year: int, snaps: Snapshots, sources: Sources) -> Section:
    from ipcity.registry.choices import PatentType
    from ipcity.registry.models import Patent

    section = Section("creation", "二、知识产权创造")
    regions = _regions()
    filings: dict[tuple[int | None, int], int] = {}
    for row in (
        Patent.objects.filter(filing_date__year__in=[year - 1, year], region__isnull=False)
        .values("region_id", "filing_date__year")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        filings[row["region_id"], row["filing_date__year"]] = row["n"]
    by_type = {
        (row["patent_type"], row["filing_date__year"]): row["n"]
        for row in Patent.objects.filter(filing_date__year__in=[year - 1, year], region__isnull=False)
        .values("patent_type", "filing_date__year")
        .annotate(n=Count("pk"))
        .order_by()
    }
    sources.record(f"专利登记记录：申请日在 {year - 1}—{year} 年、归属本市区市的专利")
    total_now = sum(n for (_r, y), n in filings.items() if y == year)
    total_before = sum(n for (_r, y), n in filings.items() if y == year - 1)
    grants = ("patent_grants_invention", "patent_grants_utility_model", "patent_grants_design")
    grants_now = [snaps.value(code, None, year) for code in grants]
    grants_total = (
        sum(v for v in grants_now if v is not None) if any(v is not None for v in grants_now) else None
    )
    section.paragraphs.append(
        f"{year} 年，本市（归属各区市的）专利申请 {format_count(total_now, '件')}，"
        f"{change_words(total_now, total_before)}；专利授权 {format_count(grants_total, '件')}，其中发明专利授权 "
        f"{snaps.text('patent_grants_invention', None, year)}。年末有效发明专利 "
        f"{snaps.text('invention_patents_valid', None, year)}，每万人口发明专利拥有量 "
        f"{snaps.text('invention_patents_per_10k', None, year)}，每万人口高价值发明专利拥有量 "
        f"{snaps.text('hv_invention_patents_per_10k', None, year)}。"
    )
    type_rows = []
    for value, label in PatentType.choices:
        now, before = by_type.get((value, year), 0), by_type.get((value, year - 1), 0)
        grant_code = f"patent_grants_{value}"
        type_rows.append(
            [
                str(label),
                format_count(now, "件"),
                change(now, before),
                snaps.text(grant_code, None, year),
                snaps.change_text(grant_code, None, year),
            ]
        )
    type_rows.append(
        [
            "PCT 国际专利申请",
            DASH,
            DASH,
            snaps.text("pct_filings", None, year),
            snaps.change_text("pct_filings", None, year),
        ]
    )
    section.tables.append(
        Table(
            f"表2 {year} 年专利申请与授权（全市）",
            ["类型", "申请量", "申请比上年", "授权量（PCT 为申请量）", "授权比上年"],
            type_rows,
            "数据来源：申请量为专利登记记录按申请日统计；授权量与 PCT 为平台指标快照",
        )
    )
    district_rows = []
    for region in regions:
        district_rows.append(
            [
                region.name,
                format_count(filings.get((region.pk, year), 0), "件"),
                snaps.text("patent_grants_invention", region.pk, year),
                snaps.text("invention_patents_valid", region.pk, year),
                snaps.text("invention_patents_per_10k", region.pk, year),
                snaps.change_text("invention_patents_per_10k", region.pk, year),
                snaps.text("hv_invention_patents_per_10k", region.pk, year),
                snaps.change_text("hv_invention_patents_per_10k", region.pk, year),
            ]
        )
    section.tables.append(
        Table(
            f"表3 {year} 年各区市知识产权创造",
            [
                "区市",
                "专利申请",
                "发明授权",
                "有效发明专利",
                "每万人口发明专利",
                "比上年",
                "每万人口高价值发明专利",
                "比上年",
            ],
            district_rows,
            "数据来源：专利申请为登记记录按申请日统计；其余为平台指标快照。功能区无常住人口统计，"
            "每万人口指标按原因空缺",
        )
    )
    names = [r.name for r in regions]
    series = [
        (f"{y} 年", [_float(snaps.value("hv_invention_patents_per_10k", r.pk, y)) for r in regions])
        for y in (year - 1, year)
    ]
    if any(v is not None for _label, values in series for v in values):
        section.charts.append(
            Chart(
                f"图1 各区市每万人口高价值发明专利拥有量（{year - 1}—{year} 年）",
                charts.grouped_bars(names, series, "件/万人"),
                f"柱状图：各区市 {year - 1} 年与 {year} 年每万人口高价值发明专利拥有量",
            )
        )
    section.links.append(("专利登记记录", "/registry/patents/"))
    return section


def _float(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


# ------------------------------------------------------------------------------ 三、知识产权运用


def utilisation(year: int, snaps: Snapshots, sources: Sources) -> Section:
    from ipcity.market.choices import DealStatus
    from ipcity.market.models import Deal
    from ipcity.registry.choices import LicenceKind
    from ipcity.registry.models import Licence

    section = Section("utilisation", "三、知识产权运用")
    section.paragraphs.append(
        f"{year} 年，知识产权质押融资金额 {snaps.text('pledge_amount', None, year)}（"
        f"{change_words(snaps.value('pledge_amount', None, year), snaps.value('pledge_amount', None, year - 1))}），质押融资项目 "
        f"{snaps.text('pledge_count', None, year)}；自 2021 年以来质押融资金额年均增幅 "
        f"{snaps.text('pledge_amount_growth', None, year)}。"
    )
    pledge_rows = [
        [
            region.name,
            snaps.text("pledge_amount", region.pk, year),
            snaps.change_text("pledge_amount", region.pk, year),
            snaps.text("pledge_count", region.pk, year),
        ]
        for region in _regions()
    ]
    pledge_rows.append(
        [
            "全市",
            snaps.text("pledge_amount", None, year),
            snaps.change_text("pledge_amount", None, year),
            snaps.text("pledge_count", None, year),
        ]
    )
    section.tables.append(
        Table(
            f"表4 {year} 年知识产权质押融资（按出质人所在区市）",
            ["区市", "质押融资金额", "比上年", "项目数"],
            pledge_rows,
            _snapshot_note(year),
        )
    )
    licences = {
        (row["kind"], row["contract_date__year"]): row["n"]
        for row in Licence.objects.filter(contract_date__year__in=[year - 1, year])
        .values("kind", "contract_date__year")
        .annotate(n=Count("pk"))
        .order_by()
    }
    sources.record(f"许可与转让登记记录：合同/生效日期在 {year - 1}—{year} 年")
    licence_rows = [
        [
            str(label),
            format_count(licences.get((value, year), 0), "件"),
            change(licences.get((value, year), 0), licences.get((value, year - 1), 0)),
        ]
        for value, label in LicenceKind.choices
    ]
    section.tables.append(
        Table(
            f"表5 {year} 年知识产权许可与转让",
            ["类型", "登记件数", "比上年"],
            licence_rows,
            "数据来源：平台许可与转让登记记录（按合同/生效日期）",
        )
    )
    deals = Deal.objects.filter(status=DealStatus.CONFIRMED, confirmed_on__year=year).aggregate(
        n=Count("pk"), total=Sum("amount")
    )
    sources.record(f"技术市场交易记录：{year} 年确认成交")
    section.paragraphs.append(
        f"平台技术市场 {year} 年确认成交 {format_count(deals['n'], '笔')}，合同金额合计 "
        f"{format_yuan(deals['total'] or 0)}（数据来源：技术市场交易记录，按确认成交日期）。"
        "知识产权证券化项目平台尚未登记，本报告不作统计。"
    )
    section.links += [("许可与转让登记", "/registry/licences/"), ("技术交易", "/market/deals/")]
    return section


# ------------------------------------------------------------------------------ 四、保护；五、管理与服务


NOT_IN_USE = "平台的{module}模块尚未启用，本节暂无平台数据；模块启用后，本节将由平台数据自动生成。"


def protection(year: int, snaps: Snapshots, sources: Sources) -> Section:
    section = Section("protection", "四、知识产权保护")
    section.paragraphs.append(
        f"{year} 年知识产权保护社会满意度 {snaps.text('protection_satisfaction', None, year)}"
        f"（数据来源：平台指标快照，满意度调查结果）。"
    )
    if not apps.is_installed("ipcity.protection"):
        section.paragraphs.append(
            NOT_IN_USE.format(module="知识产权保护（投诉举报、纠纷调解、案件办理周期、信用记录）")
        )
    else:
        section.paragraphs.append(_protection_paragraph(year, snaps, sources))
        section.links += [("电商投诉", "/protection/complaints/"), ("纠纷案件", "/protection/disputes/")]
    return section


def _protection_paragraph(year: int, snaps: Snapshots, sources: Sources) -> str:
    """保护 from the protection module's records: e-commerce complaints, disputes (the indicator
    snapshots of their count and median cycle), credit records in force at year end."""
    from ipcity.protection.models import Complaint, CreditRecord

    end = dt.date(year, 12, 31)
    complaints = Complaint.objects.filter(filed_on__year=year)
    filed, malicious = complaints.count(), complaints.filter(malicious=True).count()
    credit = CreditRecord.objects.active_on(end)
    sources.record(f"保护记录：{year} 年电商投诉、纠纷案件，{end} 在册的信用记录")
    disputes = snaps.text("dispute_cases", None, year) if "dispute_cases" in snaps.by_code else DASH
    cycle_value = (
        snaps.value("dispute_cycle_days", None, year) if "dispute_cycle_days" in snaps.by_code else None
    )
    cycle = (
        f"办案周期中位数 {snaps.text('dispute_cycle_days', None, year)}"
        if cycle_value is not None
        else "当年无办结案件，不计算办案周期"
    )
    return (
        f"{year} 年平台受理电商平台知识产权投诉 {format_count(filed, '件')}（其中标记为疑似恶意投诉 "
        f"{format_count(malicious, '件')}）；专利侵权纠纷行政裁决与调解案件 {disputes}，{cycle}。"
        f"年末在册的失信等信用记录 {format_count(credit.count(), '条')}，其中公示 "
        f"{format_count(credit.filter(public=True).count(), '条')}（数据来源：保护模块的投诉、案件与信用记录，"
        "案件数与办案周期为平台指标快照）。"
    )


def management(year: int, snaps: Snapshots, sources: Sources) -> Section:
    section = Section("management", "五、知识产权管理与服务")
    section.tables.append(
        Table(
            f"表6 {year} 年知识产权管理与服务",
            ["指标", f"{year} 年", "比上年"],
            [
                [
                    snaps.by_code[code].name,
                    snaps.text(code, None, year),
                    snaps.change_text(code, None, year),
                ]
                for code in (
                    "ip_management_standard_adopters_new",
                    "city_advantage_enterprises_new",
                    "ip_training_person_times",
                    "ip_service_revenue",
                )
                if code in snaps.by_code
            ],
            _snapshot_note(year) + "；新增贯标主体与新增优势企业为 2022 年以来累计",
        )
    )
    if not apps.is_installed("ipcity.support"):
        section.paragraphs.append(
            NOT_IN_USE.format(module="知识产权服务（服务机构、专家、人才、培训、联盟与服务中心）")
        )
    else:
        section.paragraphs.append(_support_paragraph(year, sources))
        section.links += [("服务机构名录", "/support/agencies/"), ("培训活动", "/support/trainings/")]
    return section


def _support_paragraph(year: int, sources: Sources) -> str:
    """服务支撑 from the support module's own records: agencies, the 集聚区 by its monitoring, the
    expert pool and its draws, the trainings held on the platform."""
    from ipcity.support.models import AgencyProfile, Expert, ExpertDraw, TrainingActivity
    from ipcity.support.selectors import cluster_monitor

    end = dt.date(year, 12, 31)
    cluster = cluster_monitor(year)
    agencies = AgencyProfile.objects.count()
    experts = Expert.objects.in_pool().count()
    draws = ExpertDraw.objects.filter(drawn_at__year=year).count()
    trainings = TrainingActivity.objects.filter(start_date__year=year, start_date__lte=end).count()
    sources.record(f"服务支撑记录：服务机构档案、{year} 年集聚区监测、专家库与抽取记录、培训活动")
    growth = f"，同口径营业收入比上年增长 {cluster.growth}%" if cluster.growth is not None else ""
    return (
        f"平台登记服务机构 {format_count(agencies, '家')}；知识产权服务业集聚区 {year} 年新入驻 "
        f"{format_count(cluster.admitted, '家')}、迁出或退出 {format_count(cluster.left, '家')}，年末在驻 "
        f"{format_count(cluster.resident_at_end, '家')}{growth}。专家库在库专家 {format_count(experts, '名')}，"
        f"{year} 年随机抽取评审专家 {format_count(draws, '次')}；平台组织或登记的培训活动 "
        f"{format_count(trainings, '场')}（数据来源：服务支撑模块的机构档案、集聚区监测、专家库与抽取记录、培训活动）。"
    )


# ------------------------------------------------------------------------------ 六、奖补兑现


def rewards(year: int, sources: Sources) -> Section:
    from ipcity.grants.models import Payment
    from ipcity.grants.selectors import ledger_table

    section = Section("rewards", "六、奖补政策兑现")
    table = ledger_table(Payment.objects.filter(paid_on__year=year))
    sources.record(f"奖补兑现台账：{year} 年支付记录")
    section.paragraphs.append(
        f"{year} 年，平台登记奖补资金支付 {format_count(table.count, '笔')}，合计 {format_yuan(table.total)}"
        "（数据来源：奖补兑现台账，按支付日期）。"
    )
    counts: dict[str, int] = {}
    for row in table.rows:
        counts[row["item"]] = counts.get(row["item"], 0) + row["count"]
    section.tables.append(
        Table(
            f"表7 {year} 年奖补兑现（按项目）",
            ["奖补项目", "笔数", "金额"],
            [
                [item, format_count(counts.get(item, 0), "笔"), format_yuan(amount)]
                for item, amount in table.by_item.items()
            ]
            + [["合计", format_count(table.count, "笔"), format_yuan(table.total)]],
            "数据来源：奖补兑现台账（支付记录）",
        )
    )
    section.tables.append(
        Table(
            f"表8 {year} 年奖补兑现（按区市）",
            ["区市", "金额"],
            [[region, format_yuan(table.by_region[region])] for region in table.regions]
            + [
                [name, format_yuan(amount)]
                for name, amount in table.by_region.items()
                if name not in table.regions
            ]
            + [["合计", format_yuan(table.total)]],
            "数据来源：奖补兑现台账（支付记录，按受益单位所在区市）",
        )
    )
    section.links.append(("奖补兑现台账", f"/grants/ledger/?year={year}"))
    return section


# ------------------------------------------------------------------------------ 七、督查督办


def supervision(year: int, sources: Sources) -> Section:
    from ipcity.supervision.assessment import assess
    from ipcity.supervision.models import Milestone
    from ipcity.supervision.selectors import colour_label, flag_rule_book, flag_trend

    section = Section("supervision", "七、督查督办")
    milestones = list(Milestone.objects.filter(year=year).values_list("pk", flat=True))
    sources.record(f"督查督办记录：{year} 年任务节点的蓝黄红标记与年度考核")
    if not milestones:
        section.paragraphs.append(f"{year} 年没有分解到平台的任务节点。")
        return section
    colours = [c.code for c in flag_rule_book().versions[-1].flags.colours]
    end = dt.date(year, 12, 31)
    trend = flag_trend(milestones, end, colours)
    keep = [i for i, month in enumerate(trend["months"]) if month.startswith(f"{year}-")]
    months = [trend["months"][i][5:] + "月" for i in keep]
    series = [(c, colour_label(c), [trend["series"][c][i] for i in keep]) for c in colours]
    section.paragraphs.append(
        f"{year} 年分解到平台的任务节点 {format_count(len(milestones), '个')}。各月末处于红、黄、蓝标记的节点数见表9和图2"
        "（标记规则见平台“督查督办”页面）。"
    )
    section.tables.append(
        Table(
            f"表9 {year} 年各月末蓝黄红标记节点数",
            ["月份", *[f"{label}牌" for _c, label, _counts in series]],
            [[month, *[str(counts[i]) for _c, _label, counts in series]] for i, month in enumerate(months)],
            "数据来源：督查督办标记记录（按标记起止日期统计各月末在标记中的节点）",
        )
    )
    section.charts.append(
        Chart(
            f"图2 {year} 年各月末蓝黄红标记节点数",
            charts.flag_lines(months, series),
            f"折线图：{year} 年各月末红、黄、蓝标记的任务节点数",
        )
    )
    result = assess(year, as_of=end)
    rows = [
        [str(score.rank), score.name, "部门" if score.kind == "department" else "区市", f"{score.total} 分"]
        for score in [*result.departments, *result.regions]
    ]
    section.tables.append(
        Table(
            f"表10 {year} 年度考核结果",
            ["名次", "单位", "类别", "得分"],
            rows,
            f"数据来源：平台年度考核（{result.rules_text}）",
        )
    )
    section.links.append(("年度考核", f"/supervision/assessment/?year={year}"))
    return section


# ------------------------------------------------------------------------------ the whole paper


def build(
    year: int,
    *,
    foreword: str = "",
    highlights: list[str] | None = None,
    progress: Callable[[int, int, str], None] = lambda _d, _t, _m: None,
) -> WhitePaper:
    """The white paper of `year` from the data as it is now (the latest snapshot of each year)."""
    sources = Sources()
    total = len(STEPS)
    progress(0, total, STEPS[0])
    kpis = kpi_rows(year, sources)
    snaps = Snapshots(sources)
    sections = [overview(year, kpis)]
    makers: list[Callable[[], Section]] = [
        lambda: creation(year, snaps, sources),
        lambda: utilisation(year, snaps, sources),
        lambda: protection(year, snaps, sources),
        lambda: management(year, snaps, sources),
        lambda: rewards(year, sources),
        lambda: supervision(year, sources),
    ]
    for index, make in enumerate(makers, start=1):
        progress(index, total, STEPS[index])
        sections.append(make())
    progress(total, total, "排版")
    return WhitePaper(
        year=year,
        as_of=dt.date(year, 12, 31),
        title=f"{TITLE}（{year}）",
        foreword=[p.strip() for p in foreword.splitlines() if p.strip()],
        highlights=highlights or [],
        sections=sections,
        kpis=kpis,
        sources=sources.as_json(),
    )
