"""Patents in the column layout of common Chinese patent-search exports.

Headers recognised (full-width/half-width brackets and spaces do not matter): 申请号, 申请日,
公开（公告）号, 公开（公告）日, 授权公告日, 名称/发明名称, 申请（专利权）人, 发明（设计）人, 主分类号,
分类号, 法律状态, 法律状态日, 摘要, 地址, 同族, 权利要求数, 年费缴至, 专利类型, 申请人统一社会信用代码,
专利权期限补偿（天）, 药品专利期限补偿（天） (see `PATENT_COLUMNS` for every alias). Other layouts and their
wordings of legal status and patent type: source profiles (data/registry/sources/, importers/profiles.py).
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache
from typing import Any

from django.db import connection

from ipcity.lib.text import fold, name_key
from ipcity.registry import terms
from ipcity.registry.choices import PatentType, VocabularyField
from ipcity.registry.importers import fields as f
from ipcity.registry.importers.bulk import (
    allocate_ids,
    audit_updates,
    delete_children,
    insert_rows,
    update_rows,
)
from ipcity.registry.importers.engine import Column, ImportContext, ImportSpec, RowError, RowErrors
from ipcity.registry.models import Patent, PatentHolder, PatentIPC
from ipcity.registry.signals import patents_changed

_DAYS = re.compile(r"(\d+)(?:\.0+)?(?:天|日|DAYS?)?")


def extension_days(value: Any) -> int:
    """A term extension in days: 365, "365", "365天", "365 日" (专利法 第四十二条第二、三款)."""
    if isinstance(value, int | float) and not isinstance(value, bool) and value >= 0 and value == int(value):
        return int(value)
    match = _DAYS.fullmatch(fold(f.cell_text(value)))
    if not match:
        raise f.CellError(f"期限补偿应为天数（不小于 0 的整数，如 365），实际为“{f.cell_text(value)}”")
    return int(match.group(1))


PATENT_COLUMNS = [
    Column(
        "application_number",
        "申请号",
        f.application_number,
        ("专利申请号", "申请号码", "申请号/专利号", "专利号"),
        required=True,
    ),
    Column("filing_date", "申请日", f.date, ("申请日期",), required=True),
    Column(
        "publication_numbers",
        "公开（公告）号",
        f.texts,
        ("公开号", "公告号", "公开公告号", "公布号", "公开(公告)号"),
        multi=True,
    ),
    Column(
        "publication_dates",
        "公开（公告）日",
        f.dates,
        ("公开日", "公告日", "公开日期", "公布日", "公开(公告)日"),
        multi=True,
    ),
    Column("grant_date", "授权公告日", f.date, ("授权日", "授权日期", "授权公告日期")),
    Column(
        "title",
        "名称",
        f.text,
        ("发明名称", "专利名称", "标题", "实用新型名称", "外观设计名称"),
        required=True,
    ),
    Column(
        "holders",
        "申请（专利权）人",
        f.names,
        ("申请人", "专利权人", "当前专利权人", "当前权利人", "申请人/专利权人", "权利人"),
        required=True,
        multi=True,
    ),
    Column(
        "holder_usccs",
        "申请人统一社会信用代码",
        f.usccs,
        ("统一社会信用代码", "专利权人统一社会信用代码"),
        multi=True,
    ),
    Column("inventors", "发明（设计）人", f.names, ("发明人", "设计人"), multi=True),
    Column("main_ipc", "主分类号", f.text, ("IPC主分类号", "主分类", "主IPC", "IPC主分类")),
    Column("ipc", "分类号", f.ipc_list, ("IPC分类号", "IPC", "IPC分类", "全部分类号"), multi=True),
    # Coded: read by the source profile's wordings (data/registry/sources/, importers/profiles.py).
    Column(
        "legal_status",
        "法律状态",
        f.text,
        ("当前法律状态", "法律状态/事件", "简单法律状态"),
        required=True,
        vocabulary=VocabularyField.LEGAL_STATUS,
    ),
    Column("legal_status_date", "法律状态日", f.date, ("法律状态公告日", "法律状态日期", "法律状态生效日")),
    Column("abstract", "摘要", f.text, ("摘要文本",)),
    Column("address", "地址", f.text, ("申请人地址", "专利权人地址", "第一申请人地址")),
    Column(
        "family",
        "同族",
        f.texts,
        ("同族专利", "简单同族", "同族专利号", "扩展同族", "INPADOC同族", "同族公开号"),
        multi=True,
    ),
    Column("claims_count", "权利要求数", f.integer, ("权利要求项数", "权利要求数量")),
    Column("fees_paid_until", "年费缴至", f.date, ("年费缴至日", "年费缴纳至", "年费有效期至")),
    Column(
        "delay_extension_days",
        "专利权期限补偿（天）",
        extension_days,
        ("专利权期限补偿", "专利权期限补偿天数", "期限补偿天数", "期限补偿（天）", "授权延迟期限补偿（天）"),
    ),
    Column(
        "drug_extension_days",
        "药品专利期限补偿（天）",
        extension_days,
        ("药品专利期限补偿", "药品专利期限补偿天数", "药品期限补偿（天）", "新药专利期限补偿（天）"),
    ),
    Column("declared_type", "专利类型", f.text, ("类型",), vocabulary=VocabularyField.DECLARED_TYPE),
]

# Scalar columns of the Patent table, in the order records carry them.
SCALARS = [
    "application_number",
    "patent_type",
    "is_pct",
    "title",
    "abstract",
    "filing_date",
    "publication_number",
    "publication_date",
    "grant_number",
    "grant_date",
    "legal_status",
    "legal_status_date",
    "fees_paid_until",
    "claims_count",
    "main_ipc",
    "locarno_class",
    "inventors",
    "family",
    "has_overseas_grant",
    "address",
    "first_holder_name",
    "first_holder",
    "region",
    "region_rule",
    "delay_extension_days",
    "drug_extension_days",
]
SCALAR_INDEX = {name: i for i, name in enumerate(SCALARS)}
DB_SCALARS = [n if n not in {"first_holder", "region"} else f"{n}_id" for n in SCALARS]

# Which record fields a column of the file decides. A field whose column is absent is kept as stored.
COVERS: dict[str, tuple[str, ...]] = {
    "filing_date": ("filing_date",),
    "publication_numbers": ("publication_number", "grant_number"),
    "publication_dates": ("publication_date", "grant_date"),
    "grant_date": ("grant_date",),
    "title": ("title",),
    "holders": ("first_holder_name", "first_holder", "region", "region_rule", "holders"),
    "holder_usccs": ("first_holder", "region", "region_rule", "holders"),
    "address": ("address", "region", "region_rule"),
    "inventors": ("inventors",),
    "main_ipc": ("main_ipc", "locarno_class", "ipc_codes"),
    "ipc": ("main_ipc", "locarno_class", "ipc_codes"),
    "legal_status": ("legal_status",),
    "legal_status_date": ("legal_status_date",),
    "abstract": ("abstract",),
    "family": ("family", "has_overseas_grant"),
    "claims_count": ("claims_count",),
    "fees_paid_until": ("fees_paid_until",),
    "delay_extension_days": ("delay_extension_days",),
    "drug_extension_days": ("drug_extension_days",),
}
GRANT_KINDS = ("B", "C", "U", "Y", "S")
_PUB = re.compile(r"(?:CN)?(\d{6,12})([A-Z]\d?)?")
_FAMILY = re.compile(r"([A-Z]{2})([0-9A-Z/\-.]+?)([A-Z]\d?)?")


_name_key = lru_cache(maxsize=200_000)(name_key)


def existing_numbers(numbers: list[str]) -> list[str]:
    """Which of these application numbers are stored (one indexed query; = ANY avoids a 2000-parameter IN)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT application_number FROM registry_patent WHERE application_number = ANY(%s)", [numbers]
            )
            return [row[0] for row in cursor.fetchall()]
    return list(
        Patent.objects.filter(application_number__in=numbers).values_list("application_number", flat=True)
    )


class PatentRecord:
    __slots__ = ("holders", "ipcs", "row", "values")

    def __init__(
        self,
        values: list[Any],
        holders: list[tuple[str, str, str, int | None]],
        ipcs: list[tuple[str, str, str]],
        row: int,
    ) -> None:
        self.values = values
        self.holders = holders  # (name, name_key, uscc, organisation_id)
        self.ipcs = ipcs  # (code, main_group, subclass)
        self.row = row


def _publication(raw: str) -> tuple[str, str]:
    """'CN 112345678 A' -> ('CN112345678A', 'A')."""
    value = fold(raw)
    match = _PUB.fullmatch(value)
    if not match:
        raise f.CellError(f"公开（公告）号格式不正确：{raw}")
    kind = match.group(2) or ""
    return f"CN{match.group(1)}{kind}", kind[:1]


def family_member(raw: str) -> dict[str, Any] | None:
    """'US11234567B2' -> {'office': 'US', 'number': 'US11234567B2', 'granted': True}; CN members -> None.

    Granted when the kind code starts with B, C or E (WIPO ST.16 grant kinds for most offices);
    WO publications are applications, never grants.
    """
    value = fold(raw)
    match = _FAMILY.fullmatch(value)
    if not match:
        raise f.CellError(f"同族专利号格式不正确：{raw}（应如 US11234567B2）")
    office, _number, kind = match.groups()
    if office == "CN":
        return None
    granted = bool(kind) and office != "WO" and kind[0] in "BCE"
    return {"office": office, "number": value, "granted": granted}


class PatentSpec(ImportSpec):
    kind = "patents"
    label = "专利"
    columns = PATENT_COLUMNS
    duplicate_field = "application_number"
    parse_in_thread = True  # build() uses only the in-memory matcher and region resolver

    def key(self, record: PatentRecord) -> str:
        return record.values[0]

    def build(self, values: dict[str, Any], row: int, ctx: ImportContext) -> PatentRecord:
        number: str = values["application_number"]
        patent_type, is_pct = f.patent_type_of(number)
        errors: list[RowError] = []

        def fail(field: str, value: Any, message: str) -> None:
            label = next(c.label for c in PATENT_COLUMNS if c.field == field)
            errors.append(RowError(row, label, "" if value is None else str(value), message))

        declared = values.get("declared_type")
        if declared and declared != patent_type:
            fail(
                "declared_type",
                PatentType(declared).label,
                f"与申请号的类型位不一致（申请号表示{PatentType(patent_type).label}）",
            )
        filing: dt.date = values["filing_date"]
        if len(number) == 14 and filing.year > int(number[:4]):
            fail("filing_date", filing.isoformat(), f"申请日晚于申请号中的年份 {number[:4]}")
        if filing > dt.date.today():
            fail("filing_date", filing.isoformat(), "申请日晚于今天")

        publication_number = grant_number = ""
        publication_date = grant_date = None
        pub_dates: list[dt.date] = values.get("publication_dates", [])
        for index, raw in enumerate(values.get("publication_numbers", [])):
            try:
                pub, kind = _publication(raw)
            except f.CellError as exc:
                fail("publication_numbers", raw, str(exc))
                continue
            when = pub_dates[index] if index < len(pub_dates) else None
            if kind in GRANT_KINDS or (patent_type != PatentType.INVENTION and not kind):
                grant_number, grant_date = grant_number or pub, grant_date or when
            else:
                publication_number, publication_date = publication_number or pub, publication_date or when
        if not values.get("publication_numbers") and pub_dates:
            publication_date = pub_dates[0]
        if patent_type != PatentType.INVENTION and grant_number and not publication_number:
            publication_number, publication_date = grant_number, grant_date  # U/S: published on grant
        if values.get("grant_date"):
            grant_date = values["grant_date"]
        if grant_date and grant_date < filing:
            fail("grant_date", grant_date.isoformat(), "授权公告日早于申请日")
        if publication_date and publication_date < filing:
            fail("publication_dates", publication_date.isoformat(), "公开（公告）日早于申请日")

        main_raw: str = values.get("main_ipc", "")
        others: list[str] = values.get("ipc", [])
        main_ipc = locarno_class = ""
        ipcs: list[tuple[str, str, str]] = []
        if patent_type == PatentType.DESIGN:
            first = main_raw or (others[0] if others else "")
            if first:
                try:
                    locarno_class = f.locarno(first)
                except f.CellError as exc:
                    fail("main_ipc" if main_raw else "ipc", first, str(exc))
        else:
            seen_codes: set[str] = set()
            candidates = [("main_ipc", main_raw)] if main_raw else []
            for field, raw in candidates + [("ipc", r) for r in others]:
                try:
                    parts = f.ipc_parts(raw)
                except f.CellError as exc:
                    fail(field, raw, str(exc))
                    continue
                if parts[0] not in seen_codes:
                    seen_codes.add(parts[0])
                    ipcs.append(parts)
            main_ipc = ipcs[0][0] if ipcs else ""

        holder_names: list[str] = values["holders"]
        usccs: list[str] = values.get("holder_usccs", [])
        if len(usccs) > len(holder_names):
            fail(
                "holder_usccs",
                ";".join(usccs),
                f"统一社会信用代码有 {len(usccs)} 个，多于申请人 {len(holder_names)} 个",
            )
        for field, limit, what in (
            ("delay_extension_days", terms.DELAY_EXTENSION_MAX_DAYS, "二十年（合理性上限）"),
            ("drug_extension_days", terms.DRUG_EXTENSION_MAX_DAYS, "五年（专利法第四十二条第三款）"),
        ):
            days = values.get(field)
            if not days:
                continue
            if patent_type != PatentType.INVENTION:
                fail(
                    field,
                    days,
                    f"只有发明专利可以给予期限补偿（专利法第四十二条），该申请号为{PatentType(patent_type).label}",
                )
            elif days > limit:
                fail(field, days, f"期限补偿 {days} 天超过{what}，最多 {limit} 天")
        family: list[dict[str, Any]] = []
        for raw in values.get("family", []):
            try:
                member = family_member(raw)
            except f.CellError as exc:
                fail("family", raw, str(exc))
                continue
            if member and member not in family:
                family.append(member)
        if errors:
            raise RowErrors(errors)

        matcher = ctx.matcher
        holders = []
        for index, holder_name in enumerate(holder_names):
            key = _name_key(holder_name)
            code = usccs[index] if index < len(usccs) else ""
            holders.append(
                (holder_name, key, code, matcher.match(holder_name, key=key, uscc=code).organisation_id)
            )
        first_org = holders[0][3]
        address = values.get("address", "")
        region_id, rule = ctx.regions.attribute(first_org, matcher, address)
        record = [
            number,
            patent_type,
            is_pct,
            values["title"],
            values.get("abstract", ""),
            filing,
            publication_number,
            publication_date,
            grant_number,
            grant_date,
            values["legal_status"],
            values.get("legal_status_date"),
            values.get("fees_paid_until"),
            values.get("claims_count"),
            main_ipc,
            locarno_class,
            values.get("inventors", []),
            family,
            any(m["granted"] for m in family),
            address,
            holders[0][0],
            first_org,
            region_id,
            rule,
            values.get("delay_extension_days"),
            values.get("drug_extension_days"),
        ]
        return PatentRecord(record, holders, ipcs, row)

    def write(self, records: list[PatentRecord], ctx: ImportContext) -> None:
        covered = {name for column in ctx.present for name in COVERS.get(column, ())}
        found = existing_numbers([r.values[0] for r in records])
        existing = (
            {
                row[1]: row
                for row in Patent.objects.filter(application_number__in=found).values_list("id", *DB_SCALARS)
            }
            if found
            else {}
        )
        new = [r for r in records if r.values[0] not in existing]
        if new:
            self._insert(new, ctx)
            ctx.result.count("created", len(new))
        if existing:
            self._update([r for r in records if r.values[0] in existing], existing, covered, ctx)

    def _insert(self, records: list[PatentRecord], ctx: ImportContext) -> None:
        ids = allocate_ids(Patent, len(records))
        run_id = ctx.run.pk
        insert_rows(
            Patent,
            ["id", *DB_SCALARS, "created_in_id"],
            ([pk, *r.values, run_id] for pk, r in zip(ids, records, strict=True)),
        )
        insert_rows(
            PatentHolder,
            ["patent_id", "position", "name", "name_key", "uscc", "organisation_id"],
            ((pk, i, *h) for pk, r in zip(ids, records, strict=True) for i, h in enumerate(r.holders)),
        )
        insert_rows(
            PatentIPC,
            ["patent_id", "position", "code", "main_group", "subclass"],
            ((pk, i, *c) for pk, r in zip(ids, records, strict=True) for i, c in enumerate(r.ipcs)),
        )
        patents_changed.send(sender=Patent, patent_ids=ids)

    def _update(
        self,
        records: list[PatentRecord],
        existing: dict[str, tuple[Any, ...]],
        covered: set[str],
        ctx: ImportContext,
    ) -> None:
        ids = [existing[r.values[0]][0] for r in records]
        holders: dict[int, list[tuple[Any, ...]]] = {pk: [] for pk in ids}
        for row in (
            PatentHolder.objects.filter(patent_id__in=ids)
            .order_by("patent_id", "position")
            .values_list("patent_id", "name", "name_key", "uscc", "organisation_id")
        ):
            holders[row[0]].append(row[1:])
        ipcs: dict[int, list[tuple[Any, ...]]] = {pk: [] for pk in ids}
        for ipc_row in (
            PatentIPC.objects.filter(patent_id__in=ids)
            .order_by("patent_id", "position")
            .values_list("patent_id", "code", "main_group", "subclass")
        ):
            ipcs[ipc_row[0]].append(ipc_row[1:])
        compare = [name for name in SCALARS[1:] if name in covered]
        scalar_updates: dict[tuple[str, ...], list[tuple[Any, ...]]] = {}
        replace_holders: list[tuple[int, PatentRecord]] = []
        replace_ipcs: list[tuple[int, PatentRecord]] = []
        audits = []
        keep_address = "address" not in covered and "region" in covered
        for record in records:
            stored = existing[record.values[0]]
            pk = stored[0]
            if keep_address:  # attribute from the stored address, which this file does not give
                region = ctx.regions.attribute(
                    record.values[SCALAR_INDEX["first_holder"]],
                    ctx.matcher,
                    stored[1 + SCALAR_INDEX["address"]],
                )
                record.values[SCALAR_INDEX["region"]], record.values[SCALAR_INDEX["region_rule"]] = region
            changed = [n for n in compare if stored[1 + SCALAR_INDEX[n]] != record.values[SCALAR_INDEX[n]]]
            before = {n: stored[1 + SCALAR_INDEX[n]] for n in changed}
            after = {n: record.values[SCALAR_INDEX[n]] for n in changed}
            if "holders" in covered and [tuple(h) for h in holders[pk]] != [tuple(h) for h in record.holders]:
                before["holders"] = [h[0] for h in holders[pk]]
                after["holders"] = [h[0] for h in record.holders]
                if before["holders"] == after["holders"]:  # same names, a new link to an organisation
                    before["holders"] = [f"{h[0]}#{h[3] or ''}" for h in holders[pk]]
                    after["holders"] = [f"{h[0]}#{h[3] or ''}" for h in record.holders]
                replace_holders.append((pk, record))
            if "ipc_codes" in covered and [tuple(c) for c in ipcs[pk]] != list(record.ipcs):
                before["ipc_codes"] = [c[0] for c in ipcs[pk]]
                after["ipc_codes"] = [c[0] for c in record.ipcs]
                replace_ipcs.append((pk, record))
            if not before:
                ctx.result.count("unchanged")
                continue
            ctx.result.count("updated")
            if changed:
                scalar_updates.setdefault(tuple(changed), []).append(
                    (pk, *(record.values[SCALAR_INDEX[n]] for n in changed))
                )
            audits.append((pk, f"{record.values[0]} {record.values[3]}", before, after))
        for names, rows in scalar_updates.items():
            update_rows(Patent, [DB_SCALARS[SCALAR_INDEX[n]] for n in names], rows)
        if replace_holders:
            delete_children(PatentHolder, "patent_id", [pk for pk, _r in replace_holders])
            insert_rows(
                PatentHolder,
                ["patent_id", "position", "name", "name_key", "uscc", "organisation_id"],
                ((pk, i, *h) for pk, r in replace_holders for i, h in enumerate(r.holders)),
            )
        if replace_ipcs:
            delete_children(PatentIPC, "patent_id", [pk for pk, _r in replace_ipcs])
            insert_rows(
                PatentIPC,
                ["patent_id", "position", "code", "main_group", "subclass"],
                ((pk, i, *c) for pk, r in replace_ipcs for i, c in enumerate(r.ipcs)),
            )
        if audits:
            audit_updates(ctx.actor, "patent.update", "registry.patent", audits, ctx.note)
            patents_changed.send(sender=Patent, patent_ids=[audit[0] for audit in audits])
