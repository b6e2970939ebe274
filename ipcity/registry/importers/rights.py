"""Trademarks, geographical indications, pledges, licences/transfers and awards."""

from __future__ import annotations

import hashlib
import re
from decimal import Decimal
from typing import Any

from django.db.models import Case, Value, When

from ipcity.lib.text import fold, name_key
from ipcity.registry.choices import (
    AWARD_LEVELS,
    AwardLevel,
    AwardName,
    DemonstrationZoneStatus,
    GIKind,
    IPKind,
    LicenceKind,
    TrademarkKind,
    TrademarkStatus,
)
from ipcity.registry.importers import fields as f
from ipcity.registry.importers.engine import Column, ImportContext, RowError, RowErrors
from ipcity.registry.importers.orm import ChildSet, ModelSpec, Record
from ipcity.registry.models import (
    Award,
    GeographicalIndication,
    Licence,
    LicenceItem,
    Patent,
    Pledge,
    PledgeItem,
    Trademark,
)

WAN = Decimal(10000)


def trademark_number(value: Any) -> str:
    """'第12345678号', '12345678', 'G1234567' (international registration) -> canonical."""
    raw = fold(f.cell_text(value)).removeprefix("第").removesuffix("号")
    if not re.fullmatch(r"G?\d{1,10}", raw):
        raise f.CellError(f"商标注册号格式不正确：{f.cell_text(value)}（应为数字，如 12345678）")
    return raw


def trademark_numbers(value: Any) -> list[str]:
    return [trademark_number(p) for p in f.texts(value)]


def nice_classes(value: Any) -> list[int]:
    out = set()
    for part in f.texts(value) or [f.cell_text(value)]:
        for token in re.split(r"[,，、\s]+", fold(part)):
            token = token.removeprefix("第").removesuffix("类")
            if not token:
                continue
            if not token.isdigit() or not 1 <= int(token) <= 45:
                raise f.CellError(f"尼斯分类应为 1–45 的类别号，实际为“{part}”")
            out.add(int(token))
    return sorted(out)


def _holder(ctx: ImportContext, name: str, uscc: str = "") -> int | None:
    return ctx.matcher.match(name, key=name_key(name), uscc=uscc).organisation_id


def _label(columns: list[Column]) -> dict[str, str]:
    return {c.field: c.label for c in columns}


# ---- trademarks -----------------------------------------------------------------------------

TRADEMARK_COLUMNS = [
    Column(
        "registration_number",
        "注册号",
        trademark_number,
        ("申请号", "申请/注册号", "商标注册号", "注册号/申请号"),
        required=True,
    ),
    Column("name", "商标名称", f.text, ("商标", "名称"), required=True),
    Column("classes", "国际分类", nice_classes, ("类别", "尼斯分类", "商品类别", "分类号"), required=True),
    Column(
        "holder_name", "注册人", f.name, ("申请人", "商标注册人", "申请人名称", "注册人名称"), required=True
    ),
    Column("holder_uscc", "注册人统一社会信用代码", f.uscc, ("统一社会信用代码",)),
    Column(
        "kind",
        "商标类型",
        f.choice(
            TrademarkKind.choices,
            synonyms={
                "普通": "ordinary",
                "集体": "collective",
                "证明": "certification",
                "地理标志": "gi_mark",
                "地理标志证明商标": "gi_mark",
                "地理标志集体商标": "gi_mark",
            },
        ),
        ("类型",),
    ),
    Column(
        "status",
        "商标状态",
        f.choice(
            TrademarkStatus.choices,
            synonyms={
                "注册": "registered",
                "有效": "registered",
                "已注册商标": "registered",
                "申请": "pending",
                "待审中": "pending",
                "初审公告": "pending",
                "失效": "expired",
                "已注销": "cancelled",
                "已撤销": "revoked",
                "已无效": "invalidated",
            },
        ),
        ("状态", "当前状态"),
        required=True,
    ),
    Column("application_date", "申请日期", f.date, ("申请日",)),
    Column("registration_date", "注册日期", f.date, ("注册日", "注册公告日期", "注册公告日")),
    Column("expiry_date", "专用权期限", f.date_range_end, ("专用期限", "专用权期限至", "有效期至", "到期日")),
    Column("madrid_number", "国际注册号", trademark_number, ("马德里国际注册号", "马德里注册号")),
    Column("designated_countries", "指定国家", f.texts, ("指定国家（地区）", "指定国家/地区", "指定缔约方")),
    Column("well_known_year", "驰名商标认定年度", f.year, ("驰名商标年度",)),
    Column("well_known", "驰名商标", f.boolean, ("是否驰名商标",)),
]


class TrademarkSpec(ModelSpec):
    kind = "trademarks"
    label = "商标"
    columns = TRADEMARK_COLUMNS
    model = Trademark
    key_fields = ("registration_number",)
    duplicate_field = "registration_number"
    covers = {
        "name": ("name",),
        "classes": ("classes",),
        "holder_name": ("holder_name", "holder_id"),
        "holder_uscc": ("holder_id",),
        "kind": ("kind",),
        "status": ("status",),
        "application_date": ("application_date",),
        "registration_date": ("registration_date",),
        "expiry_date": ("expiry_date",),
        "madrid_number": ("madrid_number", "designated_countries"),
        "designated_countries": ("designated_countries",),
        "well_known": ("well_known", "well_known_year"),
        "well_known_year": ("well_known", "well_known_year"),
    }

    def build(self, values: dict[str, Any], row: int, ctx: ImportContext) -> Record:
        label = _label(TRADEMARK_COLUMNS)
        errors = []
        countries = values.get("designated_countries", [])
        if countries and not values.get("madrid_number"):
            errors.append(
                RowError(
                    row,
                    label["designated_countries"],
                    ";".join(countries),
                    "有指定国家但没有马德里国际注册号",
                )
            )
        reg, exp = values.get("registration_date"), values.get("expiry_date")
        if reg and exp and exp <= reg:
            errors.append(RowError(row, label["expiry_date"], exp.isoformat(), "专用权期限早于注册日期"))
        if errors:
            raise RowErrors(errors)
        well_known_year = values.get("well_known_year")
        return Record(
            key=(values["registration_number"],),
            values={
                "name": values["name"],
                "classes": values["classes"],
                "holder_name": values["holder_name"],
                "holder_id": _holder(ctx, values["holder_name"], values.get("holder_uscc", "")),
                "kind": values.get("kind", TrademarkKind.ORDINARY),
                "status": values["status"],
                "application_date": values.get("application_date"),
                "registration_date": reg,
                "expiry_date": exp,
                "madrid_number": values.get("madrid_number", ""),
                "designated_countries": sorted(set(countries)),
                "well_known": bool(values.get("well_known") or well_known_year),
                "well_known_year": well_known_year,
            },
            row=row,
        )


# ---- geographical indications ----------------------------------------------------------------

GI_COLUMNS = [
    Column("product", "产品名称", f.text, ("地理标志名称", "名称", "地理标志产品名称"), required=True),
    Column(
        "kind",
        "地理标志类别",
        f.choice(
            GIKind.choices,
            synonyms={
                "地理标志产品": "gi_product",
                "保护产品": "gi_product",
                "地理标志证明商标": "gi_mark",
                "地理标志集体商标": "gi_mark",
                "证明商标": "gi_mark",
                "集体商标": "gi_mark",
            },
        ),
        ("类别", "类型"),
        required=True,
    ),
    Column("region", "所属区市", f.text, ("区市", "产地", "所在区市")),
    Column("holder_name", "持有人", f.name, ("申请人", "注册人", "保护申请人", "商标注册人")),
    Column("reference", "公告号/注册号", f.text, ("公告号", "注册号", "批准文号")),
    Column("approval_date", "批准日期", f.date, ("注册日期", "公告日期", "批准/注册日期")),
    Column(
        "demonstration_zone",
        "保护示范区",
        f.choice(
            DemonstrationZoneStatus.choices,
            synonyms={
                "否": "none",
                "-": "none",
                "筹建": "building",
                "获批筹建": "building",
                "在建": "building",
                "通过验收": "accepted",
                "已验收": "accepted",
            },
        ),
        ("示范区", "地理标志产品保护示范区"),
    ),
]


class GISpec(ModelSpec):
    kind = "gis"
    label = "地理标志"
    columns = GI_COLUMNS
    model = GeographicalIndication
    key_fields = ("product", "kind")
    duplicate_field = "product"
    covers = {
        "region": ("region_id",),
        "holder_name": ("holder_name", "holder_id"),
        "reference": ("reference",),
        "approval_date": ("approval_date",),
        "demonstration_zone": ("demonstration_zone",),
    }

    def build(self, values: dict[str, Any], row: int, ctx: ImportContext) -> Record:
        region_id = None
        if values.get("region"):
            region_id = ctx.regions.lookup(values["region"])
            if region_id is None:
                raise RowError(
                    row, _label(GI_COLUMNS)["region"], values["region"], "不是烟台市的区市或功能区"
                )
        holder = values.get("holder_name", "")
        return Record(
            key=(values["product"], values["kind"]),
            values={
                "region_id": region_id,
                "holder_name": holder,
                "holder_id": _holder(ctx, holder) if holder else None,
                "reference": values.get("reference", ""),
                "approval_date": values.get("approval_date"),
                "demonstration_zone": values.get("demonstration_zone", DemonstrationZoneStatus.NONE),
            },
            row=row,
        )


# ---- pledges and licences: items are patents and trademarks ----------------------------------


def _items(values: dict[str, Any]) -> list[tuple[str, str]]:
    patents = [(IPKind.PATENT, n) for n in values.get("patents", [])]
    marks = [(IPKind.TRADEMARK, n) for n in values.get("trademarks", [])]
    return [*patents, *marks]


def _link_items(items: list[tuple[Any, ...]]) -> tuple[dict[str, int], dict[str, int]]:
    patent_ids = dict(
        Patent.objects.filter(
            application_number__in=[i[1] for i in items if i[0] == IPKind.PATENT]
        ).values_list("application_number", "pk")
    )
    mark_ids = dict(
        Trademark.objects.filter(
            registration_number__in=[i[1] for i in items if i[0] == IPKind.TRADEMARK]
        ).values_list("registration_number", "pk")
    )
    return patent_ids, mark_ids


def _item_children(model: Any, parent_field: str) -> ChildSet:
    def read(parent: Any) -> list[tuple[Any, ...]]:
        return [
            (i.ip_kind, i.identifier)
            for i in model.objects.filter(**{parent_field: parent}).order_by("position")
        ]

    def replace(parent: Any, items: list[tuple[Any, ...]]) -> None:
        model.objects.filter(**{parent_field: parent}).delete()
        patents, marks = _link_items(items)
        model.objects.bulk_create(
            [
                model(
                    **{parent_field: parent},
                    position=position,
                    ip_kind=kind,
                    identifier=identifier,
                    patent_id=patents.get(identifier) if kind == IPKind.PATENT else None,
                    trademark_id=marks.get(identifier) if kind == IPKind.TRADEMARK else None,
                )
                for position, (kind, identifier) in enumerate(items)
            ]
        )

    return ChildSet(read, replace, lambda i: i[1])


def _amount(values: dict[str, Any], yuan: str, wan: str) -> Decimal | None:
    if values.get(yuan) is not None:
        return values[yuan]
    if values.get(wan) is not None:
        return (values[wan] * WAN).quantize(Decimal("0.01"))
    return None


PLEDGE_COLUMNS = [
    Column(
        "registration_number",
        "质押登记号",
        lambda v: fold(f.cell_text(v)),
        ("登记号", "质押登记编号"),
        required=True,
    ),
    Column("pledgor_name", "出质人", f.name, ("出质人名称",), required=True),
    Column("pledgor_uscc", "出质人统一社会信用代码", f.uscc, ()),
    Column("pledgee_name", "质权人", f.name, ("质权人名称", "贷款银行"), required=True),
    Column("patents", "专利申请号", f.application_numbers, ("专利号", "质押专利", "申请号")),
    Column("trademarks", "商标注册号", trademark_numbers, ("质押商标", "注册号")),
    Column(
        "amount_wan",
        "担保金额（万元）",
        f.decimal,
        ("质押金额（万元）", "贷款金额（万元）", "担保债权数额（万元）"),
    ),
    Column("amount", "担保金额（元）", f.decimal, ("质押金额（元）", "质押金额", "担保金额", "担保债权数额")),
    Column("registration_date", "登记日", f.date, ("质押登记日", "登记日期", "生效日"), required=True),
    Column("term_start", "质押起始日", f.date, ("质押期限自", "起始日")),
    Column("term_end", "质押到期日", f.date, ("质押期限至", "到期日")),
    Column("loan_rate", "贷款年利率（%）", f.percent, ("贷款利率", "年利率", "利率（%）")),
]


class PledgeSpec(ModelSpec):
    kind = "pledges"
    label = "质押"
    columns = PLEDGE_COLUMNS
    model = Pledge
    key_fields = ("registration_number",)
    duplicate_field = "registration_number"
    covers = {
        "pledgor_name": ("pledgor_name", "pledgor_id"),
        "pledgor_uscc": ("pledgor_id",),
        "pledgee_name": ("pledgee_name", "pledgee_id"),
        "patents": ("items",),
        "trademarks": ("items",),
        "amount": ("amount",),
        "amount_wan": ("amount",),
        "registration_date": ("registration_date",),
        "term_start": ("term_start",),
        "term_end": ("term_end",),
        "loan_rate": ("loan_rate",),
    }

    def __init__(self) -> None:
        self.touched: set[str] = set()

    def child_sets(self) -> dict[str, ChildSet]:
        return {"items": _item_children(PledgeItem, "pledge")}

    def build(self, values: dict[str, Any], row: int, ctx: ImportContext) -> Record:
        label = _label(PLEDGE_COLUMNS)
        errors = []
        items = _items(values)
        if not items:
            errors.append(
                RowError(row, label["patents"], "", "质押标的为空：应至少填写一个专利申请号或商标注册号")
            )
        amount = _amount(values, "amount", "amount_wan")
        if amount is None:
            errors.append(RowError(row, label["amount_wan"], "", "担保金额为空"))
        start, end = values.get("term_start"), values.get("term_end")
        if start and end and end < start:
            errors.append(RowError(row, label["term_end"], end.isoformat(), "质押到期日早于起始日"))
        if errors:
            raise RowErrors(errors)
        self.touched.update(i[1] for i in items if i[0] == IPKind.PATENT)
        return Record(
            key=(values["registration_number"],),
            values={
                "pledgor_name": values["pledgor_name"],
                "pledgor_id": _holder(ctx, values["pledgor_name"], values.get("pledgor_uscc", "")),
                "pledgee_name": values["pledgee_name"],
                "pledgee_id": _holder(ctx, values["pledgee_name"]),
                "amount": amount,
                "registration_date": values["registration_date"],
                "term_start": start,
                "term_end": end,
                "loan_rate": values.get("loan_rate"),
            },
            children={"items": items},
            row=row,
        )

    def finish(self, ctx: ImportContext) -> None:
        super().finish(ctx)
        mark_first_pledges(self.touched)


def mark_first_pledges(identifiers: set[str]) -> int:
    """For each patent, its earliest pledge (by registration date, then number) is its first pledge
    (the interest subsidy's "首次质押" condition). Returns how many flags changed."""
    changed = 0
    ids = sorted(identifiers)
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        items = PledgeItem.objects.filter(ip_kind=IPKind.PATENT, identifier__in=chunk).order_by(
            "identifier", "pledge__registration_date", "pledge__registration_number", "position"
        )
        first: dict[str, int] = {}
        flags: dict[int, bool] = {}
        for pk, identifier, flag in items.values_list("pk", "identifier", "is_first_pledge"):
            is_first = identifier not in first
            first.setdefault(identifier, pk)
            if flag != is_first:
                flags[pk] = is_first
        if flags:
            changed += PledgeItem.objects.filter(pk__in=list(flags)).update(
                is_first_pledge=Case(
                    *(When(pk=pk, then=Value(v)) for pk, v in flags.items()), default=Value(False)
                )
            )
    return changed


LICENCE_COLUMNS = [
    Column(
        "reference",
        "备案号",
        lambda v: fold(f.cell_text(v)),
        ("合同备案号", "合同登记号", "备案编号", "合同编号"),
    ),
    Column(
        "kind",
        "许可类型",
        f.choice(
            LicenceKind.choices,
            synonyms={
                "独占": "exclusive",
                "独占实施许可": "exclusive",
                "排他": "sole",
                "排他实施许可": "sole",
                "普通": "ordinary",
                "普通实施许可": "ordinary",
                "开放": "open",
                "专利开放许可": "open",
                "专利权转让": "assignment",
                "专利申请权转让": "assignment",
                "商标转让": "assignment",
                "权利转移": "assignment",
            },
        ),
        ("类型", "许可种类", "许可/转让类型"),
        required=True,
    ),
    Column(
        "licensor_name", "许可人", f.name, ("让与人", "转让人", "许可方", "转让方", "原权利人"), required=True
    ),
    Column("licensee_name", "被许可人", f.name, ("受让人", "被许可方", "受让方", "现权利人"), required=True),
    Column("patents", "专利申请号", f.application_numbers, ("专利号", "申请号")),
    Column("trademarks", "商标注册号", trademark_numbers, ("注册号",)),
    Column("fee_wan", "费用（万元）", f.decimal, ("许可费（万元）", "转让费（万元）", "合同金额（万元）")),
    Column(
        "fee",
        "费用（元）",
        f.decimal,
        ("许可费", "转让费", "合同金额", "许可费（元）", "转让费（元）", "合同金额（元）"),
    ),
    Column(
        "contract_date",
        "合同日期",
        f.date,
        ("生效日", "合同生效日", "备案日", "变更日", "登记日"),
        required=True,
    ),
    Column("term_end", "许可期限至", f.date, ("终止日", "合同终止日")),
    Column("recorded", "是否备案", f.boolean, ("备案", "已备案")),
]


class LicenceSpec(ModelSpec):
    kind = "licences"
    label = "许可/转让"
    columns = LICENCE_COLUMNS
    model = Licence
    key_fields = ("reference",)
    duplicate_field = "reference"
    covers = {
        "kind": ("kind",),
        "licensor_name": ("licensor_name", "licensor_id"),
        "licensee_name": ("licensee_name", "licensee_id"),
        "patents": ("items",),
        "trademarks": ("items",),
        "fee": ("fee",),
        "fee_wan": ("fee",),
        "contract_date": ("contract_date",),
        "term_end": ("term_end",),
        "recorded": ("recorded",),
    }

    def child_sets(self) -> dict[str, ChildSet]:
        return {"items": _item_children(LicenceItem, "licence")}

    def build(self, values: dict[str, Any], row: int, ctx: ImportContext) -> Record:
        label = _label(LICENCE_COLUMNS)
        items = _items(values)
        if not items:
            raise RowError(
                row, label["patents"], "", "许可/转让标的为空：应至少填写一个专利申请号或商标注册号"
            )
        end = values.get("term_end")
        if end and end < values["contract_date"]:
            raise RowError(row, label["term_end"], end.isoformat(), "许可期限早于合同日期")
        reference = values.get("reference", "")
        if not reference:
            # Transfers are often listed without a number: a stable key from what identifies the deal.
            basis = "|".join(
                [
                    values["kind"],
                    values["licensor_name"],
                    values["licensee_name"],
                    values["contract_date"].isoformat(),
                ]
                + [i[1] for i in items]
            )
            reference = "AUTO-" + hashlib.sha1(basis.encode()).hexdigest()[:16].upper()
        return Record(
            key=(reference,),
            values={
                "kind": values["kind"],
                "licensor_name": values["licensor_name"],
                "licensor_id": _holder(ctx, values["licensor_name"]),
                "licensee_name": values["licensee_name"],
                "licensee_id": _holder(ctx, values["licensee_name"]),
                "fee": _amount(values, "fee", "fee_wan"),
                "contract_date": values["contract_date"],
                "term_end": end,
                "recorded": values.get("recorded", bool(values.get("reference"))),
            },
            children={"items": items},
            row=row,
        )


# ---- awards ------------------------------------------------------------------------------------

_AWARD_WORDS = [
    ("外观设计", AwardName.CHINA_DESIGN),
    ("中国专利", AwardName.CHINA_PATENT),
    ("山东省", AwardName.SHANDONG_PATENT),
    ("省专利", AwardName.SHANDONG_PATENT),
    ("市专利", AwardName.CITY_PATENT),
    ("烟台市", AwardName.CITY_PATENT),
]
_LEVEL_WORDS = [
    ("特别奖", AwardLevel.SPECIAL),
    ("一等", AwardLevel.FIRST),
    ("二等", AwardLevel.SECOND),
    ("三等", AwardLevel.THIRD),
    ("金", AwardLevel.GOLD),
    ("银", AwardLevel.SILVER),
    ("优秀", AwardLevel.EXCELLENCE),
]


def award_name(value: Any) -> tuple[str, str | None]:
    """'中国专利银奖' -> ('china_patent', 'silver'); '山东省专利奖' -> ('shandong_patent', None)."""
    raw = fold(f.cell_text(value))
    award = next((a for word, a in _AWARD_WORDS if word in raw), None)
    if award is None:
        raise f.CellError(
            f"无法识别的奖项“{f.cell_text(value)}”（可选：中国专利奖、中国外观设计奖、山东省专利奖、市专利奖）"
        )
    rest = raw.replace("专利奖", "").replace("外观设计奖", "")
    level = next((lv for word, lv in _LEVEL_WORDS if word in rest), None)
    return award, level


def award_level(value: Any) -> str:
    raw = fold(f.cell_text(value))
    level = next((lv for word, lv in _LEVEL_WORDS if word in raw), None)
    if level is None:
        raise f.CellError(f"无法识别的奖项等级“{f.cell_text(value)}”")
    return level


AWARD_COLUMNS = [
    Column("award", "奖项", award_name, ("奖项名称", "获奖名称"), required=True),
    Column("level", "等级", award_level, ("获奖等级", "奖励等级", "奖级")),
    Column("year", "年度", f.year, ("获奖年度", "评选年度"), required=True),
    Column("application_number", "专利号", f.application_number, ("申请号", "专利申请号"), required=True),
    Column("title", "专利名称", f.text, ("项目名称", "名称")),
    Column("holder_name", "专利权人", f.name, ("获奖单位", "权利人", "第一专利权人"), required=True),
]


class AwardSpec(ModelSpec):
    kind = "awards"
    label = "奖项"
    columns = AWARD_COLUMNS
    model = Award
    key_fields = ("award", "year", "application_number")
    duplicate_field = "application_number"
    covers = {
        "award": ("level",),
        "level": ("level",),
        "title": ("title",),
        "holder_name": ("holder_name", "holder_id"),
        "application_number": ("patent_id",),
    }

    def build(self, values: dict[str, Any], row: int, ctx: ImportContext) -> Record:
        label = _label(AWARD_COLUMNS)
        award, level_in_name = values["award"]
        level = values.get("level") or level_in_name
        if level is None:
            raise RowError(
                row, label["level"], "", "缺少奖项等级（可写在“等级”列或奖项名称中，如“中国专利银奖”）"
            )
        if level not in AWARD_LEVELS[award]:
            allowed = "、".join(str(AwardLevel(lv).label) for lv in AWARD_LEVELS[award])
            raise RowError(
                row,
                label["level"],
                str(AwardLevel(level).label),
                f"{AwardName(award).label}没有此等级（可选：{allowed}）",
            )
        number = values["application_number"]
        patent = Patent.objects.filter(application_number=number).values_list("pk", "patent_type").first()
        if award == AwardName.CHINA_DESIGN and f.patent_type_of(number)[0] != "design":
            raise RowError(row, label["application_number"], number, "中国外观设计奖只授予外观设计专利")
        return Record(
            key=(award, values["year"], number),
            values={
                "level": level,
                "title": values.get("title", ""),
                "holder_name": values["holder_name"],
                "holder_id": _holder(ctx, values["holder_name"]),
                "patent_id": patent[0] if patent else None,
            },
            row=row,
        )
