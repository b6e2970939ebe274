"""Patents in the column layout of common Chinese patent-search exports.

Headers recognised (full-width/half-width brackets and spaces do not matter): 申请号, 申请日,
公开（公告）号, 公开（公告）日, 授权公告日, 名称/发明名称, 申请（专利权）人, 发明（设计）人, 主分类号,
分类号, 法律状态, 法律状态日, 摘要, 地址, 同族, 权利要求数, 年费缴至, 专利类型, 申请人统一社会信用代码,
专利权期限补偿（天）, 药品专利期限补偿（天） (see `PATENT_COLUMNS` for every alias). Other layouts and their
wordings of legal status and patent type: source profiles (data/registry/sources/, importers/profiles.py).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

import polars as pl
from django.db import connection

from ipcity.lib.identifiers import PATENT_TYPES
from ipcity.lib.text import fold, name_key
from ipcity.registry import terms
from ipcity.registry.choices import PatentType, VocabularyField
from ipcity.registry.importers import fields as f
from ipcity.registry.importers.bulk import (
    allocate_ids,
    audit_updates,
    delete_children,
    insert_frame,
    insert_rows,
    json_list,
    update_rows,
)
from ipcity.registry.importers.columnar import (
    MEMO_ROWS,
    CellBatch,
    positions,
    python_map,
    python_map_fields,
)
from ipcity.registry.importers.engine import Column, ImportContext, ImportSpec, RowError
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
        dtype=pl.Int64,
        aliases=(
            "专利权期限补偿",
            "专利权期限补偿天数",
            "期限补偿天数",
            "期限补偿（天）",
            "授权延迟期限补偿（天）",
        ),
    ),
    Column(
        "drug_extension_days",
        "药品专利期限补偿（天）",
        extension_days,
        dtype=pl.Int64,
        aliases=("药品专利期限补偿", "药品专利期限补偿天数", "药品期限补偿（天）", "新药专利期限补偿（天）"),
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
    """Which of these application numbers are stored (one indexed query on PostgreSQL — = ANY avoids
    a long IN list; on SQLite 2,000 at a time, under its limit of bound parameters)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT application_number FROM registry_patent WHERE application_number = ANY(%s)", [numbers]
            )
            return [row[0] for row in cursor.fetchall()]
    found: list[str] = []
    for start in range(0, len(numbers), 2000):
        found += Patent.objects.filter(application_number__in=numbers[start : start + 2000]).values_list(
            "application_number", flat=True
        )
    return found


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


def _publication_pair(raw: str) -> list[str]:
    return list(_publication(raw))


def _family_json(raw: str) -> list[str]:
    """[number, the member as JSON] or [] for a CN member (the family keeps overseas members)."""
    member = family_member(raw)
    if member is None:
        return []
    return [member["number"], json.dumps(member, ensure_ascii=False)]


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


LABELS = {c.field: c.label for c in PATENT_COLUMNS}
TYPE_LABELS = {str(value): str(label) for value, label in PatentType.choices}
_FAST_PUB = r"^(?:CN)?(\d{6,12})([A-Z]\d?)?$"  # already folded: read by expressions, else by _publication
STR_LIST = pl.List(pl.String)
DATE_LIST = pl.List(pl.Date)
FIELD_TYPES: dict[str, Any] = {
    "application_number": pl.String,
    "filing_date": pl.Date,
    "publication_numbers": STR_LIST,
    "publication_dates": DATE_LIST,
    "grant_date": pl.Date,
    "title": pl.String,
    "holders": STR_LIST,
    "holder_usccs": STR_LIST,
    "inventors": STR_LIST,
    "main_ipc": pl.String,
    "ipc": STR_LIST,
    "legal_status": pl.String,
    "legal_status_date": pl.Date,
    "abstract": pl.String,
    "address": pl.String,
    "family": STR_LIST,
    "claims_count": pl.Int64,
    "fees_paid_until": pl.Date,
    "declared_type": pl.String,
    "delay_extension_days": pl.Int64,
    "drug_extension_days": pl.Int64,
}
HOLDER_FIELDS = ["patent_id", "position", "name", "name_key", "uscc", "organisation_id"]
IPC_FIELDS = ["patent_id", "position", "code", "main_group", "subclass"]


class PatentFrames:
    """Validated patents of one batch: the patent rows (SCALARS, "_i" the batch index), their
    holders and IPC codes ("_i", "position", …)."""

    def __init__(self, patents: pl.DataFrame, holders: pl.DataFrame, ipcs: pl.DataFrame) -> None:
        self.patents = patents
        self.holders = holders
        self.ipcs = ipcs

    def __len__(self) -> int:
        return self.patents.height

    def keys(self) -> pl.DataFrame:
        """("_i", "key") for duplicate detection: the application number."""
        return self.patents.select("_i", pl.col("application_number").alias("key"))

    def slices(self, size: int) -> Iterator[PatentFrames]:
        """The batch in parts of `size` patents (written, and reported as progress, one by one)."""
        for start in range(0, self.patents.height, size):
            patents = self.patents.slice(start, size)
            within = pl.col("_i").is_between(patents["_i"].min(), patents["_i"].max())
            yield PatentFrames(patents, self.holders.filter(within), self.ipcs.filter(within))

    def drop(self, indices: list[int]) -> PatentFrames:
        if not indices:
            return self
        out = pl.col("_i").is_in(indices).not_()
        return PatentFrames(self.patents.filter(out), self.holders.filter(out), self.ipcs.filter(out))

    def records(self, numbers: set[str]) -> list[PatentRecord]:
        """These patents as row records (the update path compares them with what is stored)."""
        patents = self.patents.filter(pl.col("application_number").is_in(list(numbers)))
        holders: dict[int, list[tuple[Any, ...]]] = {}
        for i, name, key, code, org in (
            self.holders.filter(pl.col("_i").is_in(patents["_i"].implode()))
            .select("_i", "name", "name_key", "uscc", "organisation_id")
            .iter_rows()
        ):
            holders.setdefault(i, []).append((name, key, code, org))
        ipcs: dict[int, list[tuple[str, str, str]]] = {}
        for i, code, group, subclass in (
            self.ipcs.filter(pl.col("_i").is_in(patents["_i"].implode()))
            .select("_i", "code", "main_group", "subclass")
            .iter_rows()
        ):
            ipcs.setdefault(i, []).append((code, group, subclass))
        out = []
        family_at = SCALAR_INDEX["family"]
        for row in patents.select("_i", "_row", *SCALARS).iter_rows():
            values = list(row[2:])
            values[family_at] = json.loads(values[family_at])
            out.append(PatentRecord(values, holders.get(row[0], []), ipcs.get(row[0], []), row[1]))
        return out


def _errors_frame(
    frame: pl.DataFrame, order: int, label: str, value: pl.Expr, message: pl.Expr
) -> pl.DataFrame:
    return frame.select(
        "_i",
        pl.lit(order).alias("order"),
        pl.lit(0).alias("sub"),
        pl.lit(label).alias("column"),
        value.cast(pl.String).alias("value"),
        message.alias("message"),
    )


class PatentSpec(ImportSpec):
    kind = "patents"
    label = "专利"
    columns = PATENT_COLUMNS
    duplicate_field = "application_number"
    parse_in_thread = True  # check() uses only the in-memory matcher and region resolver
    columnar = True

    def check(self, batch: CellBatch, ctx: ImportContext) -> PatentFrames:
        """The cross-field rules over the batch's rows without cell errors, column-wise: type digit vs
        专利类型, dates against the filing date, publication numbers paired with their dates, IPC
        (or Locarno for designs), 统一社会信用代码 against applicants, overseas family; then holders
        matched to organisations and the region attributed (once per distinct name / address).
        Adds the errors to the batch; returns the valid patents."""
        frame = batch.frame.with_columns(pl.int_range(0, batch.frame.height, dtype=pl.Int64).alias("_i"))
        frame = frame.filter(batch.ok).with_columns(
            pl.lit(None, dtype=dtype).alias(name)
            for name, dtype in FIELD_TYPES.items()
            if name not in frame.columns
        )
        number = pl.col("application_number")
        digit = (
            pl.when(number.str.len_chars() == 14)
            .then(number.str.slice(4, 1))
            .otherwise(number.str.slice(2, 1))
        )
        frame = frame.with_columns(
            digit.replace_strict(PATENT_TYPES, return_dtype=pl.String).alias("patent_type"),
            digit.is_in(["8", "9"]).alias("is_pct"),
        )
        invention, design = str(PatentType.INVENTION), str(PatentType.DESIGN)
        errors: list[pl.DataFrame] = []
        declared = pl.col("declared_type")
        wrong_type = frame.filter(declared.is_not_null() & (declared != pl.col("patent_type")))
        errors.append(
            _errors_frame(
                wrong_type,
                1,
                LABELS["declared_type"],
                declared.replace_strict(TYPE_LABELS),
                pl.lit("与申请号的类型位不一致（申请号表示")
                + pl.col("patent_type").replace_strict(TYPE_LABELS)
                + pl.lit("）"),
            )
        )
        filing = pl.col("filing_date")
        late = frame.filter(
            (number.str.len_chars() == 14) & (filing.dt.year() > number.str.slice(0, 4).cast(pl.Int32))
        )
        errors.append(
            _errors_frame(
                late, 2, LABELS["filing_date"], filing, "申请日晚于申请号中的年份 " + number.str.slice(0, 4)
            )
        )
        errors.append(
            _errors_frame(
                frame.filter(filing > dt.date.today()),
                3,
                LABELS["filing_date"],
                filing,
                pl.lit("申请日晚于今天"),
            )
        )

        # Publication numbers, paired in order with the publication dates.
        pubs = (
            frame.select("_i", "patent_type", "publication_dates", pl.col("publication_numbers").alias("raw"))
            .with_columns(pl.int_ranges(0, pl.col("raw").list.len()).alias("p"))
            .explode("raw", "p")
            .drop_nulls("raw")
        )
        fast = pubs["raw"].str.extract_groups(_FAST_PUB)
        pubs = pubs.with_columns(
            ("CN" + fast.struct.field("1") + fast.struct.field("2").fill_null("")).alias("pub"),
            fast.struct.field("2").fill_null("").str.slice(0, 1).alias("kind"),
            pl.lit(None, dtype=pl.String).alias("error"),
        )
        slow = pubs["pub"].is_null()
        if slow.any():
            parsed, messages = python_map(
                pubs["raw"].filter(slow), _publication_pair, pl.List(pl.String), ctx.memos
            )
            index = slow.arg_true()
            pubs = pubs.with_columns(
                pubs["pub"].scatter(index, parsed.list.get(0, null_on_oob=True)).alias("pub"),
                pubs["kind"].scatter(index, parsed.list.get(1, null_on_oob=True)).alias("kind"),
                pubs["error"].scatter(index, messages),
            )
        bad_pubs = pubs.filter(pl.col("error").is_not_null())
        errors.append(
            bad_pubs.select(
                "_i",
                pl.lit(4).alias("order"),
                pl.col("p").cast(pl.Int32).alias("sub"),
                pl.lit(LABELS["publication_numbers"]).alias("column"),
                pl.col("raw").alias("value"),
                pl.col("error").alias("message"),
            )
        )
        is_grant = pl.col("kind").is_in(list(GRANT_KINDS)) | (
            (pl.col("patent_type") != invention) & (pl.col("kind") == "")
        )
        paired = (
            pubs.filter(pl.col("error").is_null())
            .with_columns(pl.col("publication_dates").list.get(pl.col("p"), null_on_oob=True).alias("when"))
            .group_by("_i")
            .agg(
                pl.col("pub").filter(is_grant).first().alias("g_number"),
                pl.col("when").filter(is_grant).drop_nulls().first().alias("g_date"),
                pl.col("pub").filter(~is_grant).first().alias("p_number"),
                pl.col("when").filter(~is_grant).drop_nulls().first().alias("p_date"),
            )
        )
        frame = frame.join(paired, on="_i", how="left", maintain_order="left")
        no_numbers = pl.col("publication_numbers").is_null() | (pl.col("publication_numbers").list.len() == 0)
        frame = frame.with_columns(
            pl.col("g_number").fill_null(""),
            pl.col("p_number").fill_null(""),
            pl.when(no_numbers & (pl.col("publication_dates").list.len() > 0))
            .then(pl.col("publication_dates").list.first())
            .otherwise(pl.col("p_date"))
            .alias("p_date"),
        )
        published_on_grant = (
            (pl.col("patent_type") != invention) & (pl.col("g_number") != "") & (pl.col("p_number") == "")
        )
        frame = frame.with_columns(
            pl.when(published_on_grant)
            .then(pl.col("g_number"))
            .otherwise(pl.col("p_number"))
            .alias("publication_number"),
            pl.when(published_on_grant)
            .then(pl.col("g_date"))
            .otherwise(pl.col("p_date"))
            .alias("publication_date"),
        ).with_columns(
            pl.col("g_number").alias("grant_number"),
            pl.coalesce(pl.col("grant_date"), pl.col("g_date")).alias("grant_date"),
        )
        errors.append(
            _errors_frame(
                frame.filter(pl.col("grant_date") < filing),
                5,
                LABELS["grant_date"],
                pl.col("grant_date"),
                pl.lit("授权公告日早于申请日"),
            )
        )
        errors.append(
            _errors_frame(
                frame.filter(pl.col("publication_date") < filing),
                6,
                LABELS["publication_dates"],
                pl.col("publication_date"),
                pl.lit("公开（公告）日早于申请日"),
            )
        )

        # IPC (Locarno for designs): the main class first, then the others; a code once.
        main_raw = pl.col("main_ipc").fill_null("")
        classes = frame.select(
            "_i",
            (pl.col("patent_type") == design).alias("design"),
            pl.when(main_raw != "")
            .then(pl.concat_list(main_raw, pl.col("ipc").fill_null(pl.lit([], dtype=STR_LIST))))
            .otherwise(pl.col("ipc").fill_null(pl.lit([], dtype=STR_LIST)))
            .alias("raw"),
            (main_raw != "").alias("has_main"),
        )
        classes = (
            classes.with_columns(pl.int_ranges(0, pl.col("raw").list.len()).alias("p"))
            .explode("raw", "p")
            .drop_nulls("raw")
        )
        column_of = (
            pl.when(pl.col("has_main") & (pl.col("p") == 0))
            .then(pl.lit(LABELS["main_ipc"]))
            .otherwise(pl.lit(LABELS["ipc"]))
        )
        designs = classes.filter(pl.col("design") & (pl.col("p") == 0))
        locarno, locarno_errors = python_map(designs["raw"], f.locarno, pl.String, ctx.memos)
        designs = designs.with_columns(locarno.alias("locarno_class"), locarno_errors.alias("error"))
        others = classes.filter(~pl.col("design"))
        others = pl.concat(
            [
                others,
                python_map_fields(others["raw"], f.ipc_parts, ["code", "main_group", "subclass"], ctx.memos),
            ],
            how="horizontal",
        )
        for part in (designs, others):
            bad = part.filter(pl.col("error").is_not_null())
            errors.append(
                bad.select(
                    "_i",
                    pl.lit(7).alias("order"),
                    pl.col("p").cast(pl.Int32).alias("sub"),
                    column_of.alias("column"),
                    pl.col("raw").alias("value"),
                    pl.col("error").alias("message"),
                )
            )
        codes = (
            others.filter(pl.col("error").is_null())
            .select("_i", "code", "main_group", "subclass")
            .unique(subset=["_i", "code"], keep="first", maintain_order=True)
        )
        codes = codes.with_columns(positions())
        frame = (
            frame.join(
                codes.filter(pl.col("position") == 0).select("_i", pl.col("code").alias("main_ipc_code")),
                on="_i",
                how="left",
                maintain_order="left",
            )
            .join(designs.select("_i", "locarno_class"), on="_i", how="left", maintain_order="left")
            .with_columns(
                pl.col("main_ipc_code").fill_null("").alias("main_ipc"),
                pl.col("locarno_class").fill_null(""),
            )
        )

        # 统一社会信用代码 aligned with the applicants.
        n_codes = pl.col("holder_usccs").list.len().fill_null(0)
        n_holders = pl.col("holders").list.len()
        errors.append(
            _errors_frame(
                frame.filter(n_codes > n_holders),
                8,
                LABELS["holder_usccs"],
                pl.col("holder_usccs").list.join(";"),
                "统一社会信用代码有 "
                + n_codes.cast(pl.String)
                + " 个，多于申请人 "
                + n_holders.cast(pl.String)
                + " 个",
            )
        )
        errors.append(
            _errors_frame(frame.filter(n_holders == 0), 8, LABELS["holders"], pl.lit(""), pl.lit("不能为空"))
        )

        # Term extensions (专利法 第四十二条第二、三款): inventions only, within their bounds.
        for sub, (field, limit, what) in enumerate(
            (
                ("delay_extension_days", terms.DELAY_EXTENSION_MAX_DAYS, "二十年（合理性上限）"),
                ("drug_extension_days", terms.DRUG_EXTENSION_MAX_DAYS, "五年（专利法第四十二条第三款）"),
            ),
            start=10,
        ):
            days = pl.col(field)
            given = days.is_not_null() & (days != 0)
            not_invention = frame.filter(given & (pl.col("patent_type") != invention))
            too_long = frame.filter(given & (pl.col("patent_type") == invention) & (days > limit))
            for bad, message in (
                (
                    not_invention,
                    "只有发明专利可以给予期限补偿（专利法第四十二条），该申请号为"
                    + pl.col("patent_type").replace_strict(TYPE_LABELS),
                ),
                (
                    too_long,
                    pl.lit("期限补偿 ") + days.cast(pl.String) + f" 天超过{what}，最多 {limit} 天",
                ),
            ):
                errors.append(
                    bad.select(
                        "_i",
                        pl.lit(8).alias("order"),
                        pl.lit(sub).alias("sub"),
                        pl.lit(LABELS[field]).alias("column"),
                        days.cast(pl.String).alias("value"),
                        message.alias("message"),
                    )
                )

        # Overseas family: CN members dropped, a member once.
        members = (
            frame.select("_i", pl.col("family").alias("raw"))
            .with_columns(pl.int_ranges(0, pl.col("raw").list.len()).alias("p"))
            .explode("raw", "p")
            .drop_nulls("raw")
        )
        member_json, member_errors = python_map(members["raw"], _family_json, STR_LIST, ctx.memos)
        members = members.with_columns(member_json.alias("member"), member_errors.alias("error"))
        errors.append(
            members.filter(pl.col("error").is_not_null()).select(
                "_i",
                pl.lit(9).alias("order"),
                pl.col("p").cast(pl.Int32).alias("sub"),
                pl.lit(LABELS["family"]).alias("column"),
                pl.col("raw").alias("value"),
                pl.col("error").alias("message"),
            )
        )
        family = (
            members.filter(pl.col("error").is_null() & (pl.col("member").list.len() > 0))
            .select(
                "_i", pl.col("member").list.get(0).alias("number"), pl.col("member").list.get(1).alias("json")
            )
            .filter(pl.struct("_i", "number").is_first_distinct())
            .group_by("_i", maintain_order=True)
            .agg(
                ("[" + pl.col("json").str.join(", ") + "]").alias("family_json"),
                pl.col("json")
                .str.contains('"granted": true', literal=True)
                .any()
                .alias("has_overseas_grant"),
            )
        )
        frame = frame.join(family, on="_i", how="left", maintain_order="left").with_columns(
            pl.col("family_json").fill_null("[]").alias("family"),
            pl.col("has_overseas_grant").fill_null(False),
        )

        failed = pl.concat(errors, how="vertical_relaxed").sort("_i", "order", "sub", maintain_order=True)
        for i, column, value, message in failed.select("_i", "column", "value", "message").iter_rows():
            batch.fail(i, RowError(batch.numbers[i], column, value or "", message))
        if failed.height:
            frame = frame.filter(~pl.col("_i").is_in(failed["_i"].unique().implode()))
        holders, frame = self._link(frame, ctx)
        patents = frame.with_columns(
            pl.col("title"),
            pl.col("abstract").fill_null(""),
            pl.col("address").fill_null(""),
            pl.col("inventors").fill_null(pl.lit([], dtype=STR_LIST)),
        ).select("_i", "_row", *SCALARS)
        ipcs = codes.filter(pl.col("_i").is_in(patents["_i"].implode())).select(
            "_i", "position", "code", "main_group", "subclass"
        )
        return PatentFrames(patents, holders, ipcs)

    def _link(self, frame: pl.DataFrame, ctx: ImportContext) -> tuple[pl.DataFrame, pl.DataFrame]:
        """Applicants matched to organisations (by 统一社会信用代码, else name key: once per distinct
        name and code, the review queue counting every occurrence) and the region of the first."""
        holders = (
            frame.select("_i", pl.col("holders").alias("name"), "holder_usccs")
            .with_columns(
                pl.int_ranges(0, pl.col("name").list.len()).cast(pl.List(pl.Int64)).alias("position")
            )
            .explode("name", "position")
            .with_columns(
                pl.col("holder_usccs")
                .list.get(pl.col("position"), null_on_oob=True)
                .fill_null("")
                .alias("uscc")
            )
            .drop("holder_usccs")
        )
        keys, _errors = python_map(holders["name"], _name_key, pl.String, ctx.memos)
        holders = holders.with_columns(keys.alias("name_key"))
        matcher = ctx.matcher
        linked: dict[tuple[str, str, str], int | None] = ctx.memos.setdefault("linked", {})
        distinct = holders.group_by("name", "name_key", "uscc", maintain_order=True).len()
        found = []
        for name, key, code, count in distinct.iter_rows():
            if (name, key, code) in linked:  # matched in an earlier batch, not ambiguous
                found.append(linked[name, key, code])
                continue
            match = matcher.match(name, key=key, uscc=code)
            if match.ambiguous:
                if count > 1:  # the queue counts each occurrence, as the row loop did
                    earliest, pks, seen = matcher.pending[key]
                    matcher.pending[key] = (earliest, pks, seen + count - 1)
            elif len(linked) < MEMO_ROWS:
                linked[name, key, code] = match.organisation_id
            found.append(match.organisation_id)
        distinct = distinct.with_columns(pl.Series("organisation_id", found, dtype=pl.Int64))
        holders = holders.join(
            distinct.drop("len"), on=["name", "name_key", "uscc"], how="left", maintain_order="left"
        ).select("_i", "position", "name", "name_key", "uscc", "organisation_id")
        first = holders.filter(pl.col("position") == 0).select(
            "_i", pl.col("name").alias("first_holder_name"), pl.col("organisation_id").alias("first_holder")
        )
        frame = frame.join(first, on="_i", how="left", maintain_order="left").with_columns(
            pl.col("address").fill_null("")
        )
        places = frame.select("first_holder", "address").unique(maintain_order=True)
        regions, rules = [], []
        for org, address in places.iter_rows():
            region, rule = ctx.regions.attribute(org, matcher, address)
            regions.append(region)
            rules.append(str(rule))
        places = places.with_columns(
            pl.Series("region", regions, dtype=pl.Int64), pl.Series("region_rule", rules, dtype=pl.String)
        )
        frame = frame.join(
            places, on=["first_holder", "address"], how="left", maintain_order="left", nulls_equal=True
        )
        return holders, frame

    def write(self, records: PatentFrames, ctx: ImportContext) -> None:
        covered = {name for column in ctx.present for name in COVERS.get(column, ())}
        found = set(existing_numbers(records.patents["application_number"].to_list()))
        if len(found) < len(records):
            self._insert_frames(
                records.drop(
                    records.patents.filter(pl.col("application_number").is_in(list(found)))["_i"].to_list()
                ),
                ctx,
            )
        if found:
            stored = sorted(found)
            for start in range(0, len(stored), 2000):  # the update path, 2,000 patents at a time
                chunk = set(stored[start : start + 2000])
                existing = {
                    row[1]: row
                    for row in Patent.objects.filter(application_number__in=chunk).values_list(
                        "id", *DB_SCALARS
                    )
                }
                self._update(records.records(chunk), existing, covered, ctx)

    def _insert_frames(self, records: PatentFrames, ctx: ImportContext) -> None:
        """New patents with their holders and IPC codes: COPY of the frames as CSV (PostgreSQL),
        executemany (SQLite)."""
        ids = allocate_ids(Patent, len(records))
        ids_of = pl.DataFrame({"_i": records.patents["_i"], "patent_id": pl.Series(ids, dtype=pl.Int64)})
        patents = records.patents.with_columns(
            pl.Series("id", ids, dtype=pl.Int64),
            pl.lit(ctx.run.pk, dtype=pl.Int64).alias("created_in_id"),
            json_list("inventors"),
        ).rename({"first_holder": "first_holder_id", "region": "region_id"})
        insert_frame(
            Patent, ["id", *DB_SCALARS, "created_in_id"], patents.select("id", *DB_SCALARS, "created_in_id")
        )
        for model, frame, names in (
            (PatentHolder, records.holders, HOLDER_FIELDS),
            (PatentIPC, records.ipcs, IPC_FIELDS),
        ):
            insert_frame(model, names, frame.join(ids_of, on="_i", how="inner").select(names))
        ctx.result.count("created", len(records))
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
