"""Organisations (一企一档): code, name, former names and aliases, kind, region, industry, size,
tags with years, GB/T 29490 certificates.

An organisation is found by its 统一社会信用代码, else by its name. A known code with a new name is a
rename: the old name is kept as a former name. After the import, patent holders written before the
organisation existed are linked to it by name (and their region attributed).
"""

from __future__ import annotations

import re
from typing import Any

from django.db.models import Q

from ipcity.core.audit import record_event
from ipcity.lib.text import fold, name_key
from ipcity.registry.choices import (
    CertificateStatus,
    CertificateVersion,
    Industry,
    OrganisationKind,
    OrganisationSize,
    OrganisationTagKind,
)
from ipcity.registry.importers import fields as f
from ipcity.registry.importers.engine import Column, ImportContext, RowError, RowErrors
from ipcity.registry.importers.matching import OrganisationMatcher
from ipcity.registry.importers.orm import ChildSet, ModelSpec, Record
from ipcity.registry.linking import attribute_first_holders, link_name
from ipcity.registry.models import (
    ManagementCertificate,
    Organisation,
    OrganisationName,
    OrganisationTag,
)

KIND_SYNONYMS = {
    "公司": OrganisationKind.ENTERPRISE,
    "企业法人": OrganisationKind.ENTERPRISE,
    "大学": OrganisationKind.UNIVERSITY,
    "高等院校": OrganisationKind.UNIVERSITY,
    "院校": OrganisationKind.UNIVERSITY,
    "研究院": OrganisationKind.RESEARCH_INSTITUTE,
    "研究所": OrganisationKind.RESEARCH_INSTITUTE,
    "科研机构": OrganisationKind.RESEARCH_INSTITUTE,
    "代理机构": OrganisationKind.SERVICE_AGENCY,
    "知识产权服务机构": OrganisationKind.SERVICE_AGENCY,
    "银行": OrganisationKind.FINANCIAL_INSTITUTION,
    "金融机构": OrganisationKind.FINANCIAL_INSTITUTION,
    "自然人": OrganisationKind.INDIVIDUAL,
}
SIZE_SYNONYMS = {
    "大": OrganisationSize.LARGE,
    "中": OrganisationSize.MEDIUM,
    "小": OrganisationSize.SMALL,
    "微": OrganisationSize.MICRO,
    "大型企业": OrganisationSize.LARGE,
    "中型企业": OrganisationSize.MEDIUM,
    "小型企业": OrganisationSize.SMALL,
    "微型企业": OrganisationSize.MICRO,
}
TAG_SYNONYMS = {
    "高企": OrganisationTagKind.HIGH_TECH,
    "国家高新技术企业": OrganisationTagKind.HIGH_TECH,
    "高新技术企业": OrganisationTagKind.HIGH_TECH,
    "专精特新": OrganisationTagKind.SPECIALISED,
    "专精特新中小企业": OrganisationTagKind.SPECIALISED,
    "小巨人": OrganisationTagKind.LITTLE_GIANT,
    "专精特新小巨人": OrganisationTagKind.LITTLE_GIANT,
    "专精特新“小巨人”": OrganisationTagKind.LITTLE_GIANT,
    "上市": OrganisationTagKind.LISTED,
    "上市公司": OrganisationTagKind.LISTED,
    "规上": OrganisationTagKind.ABOVE_SCALE,
    "规模以上": OrganisationTagKind.ABOVE_SCALE,
    "规模以上企业": OrganisationTagKind.ABOVE_SCALE,
}
_TAG = re.compile(r"(.+?)[\s:：(（]*((?:19|20)\d{2})[)）年]*")


def _tag(raw: str) -> tuple[str, int]:
    """'高新技术企业（2023）', '专精特新:2022', '规上2021' -> (tag, year)."""
    match = _TAG.fullmatch(raw.strip())
    if not match:
        raise f.CellError(f"标签应写明认定年度，如“高新技术企业（2023）”，实际为“{raw}”")
    label, year = match.group(1).strip(), int(match.group(2))
    table = {fold(str(lbl)): value for value, lbl in OrganisationTagKind.choices}
    table.update({fold(k): v for k, v in TAG_SYNONYMS.items()})
    tag = table.get(fold(label).removesuffix("企业")) or table.get(fold(label))
    if tag is None:
        labels = "、".join(str(lbl) for _v, lbl in OrganisationTagKind.choices)
        raise f.CellError(f"无法识别的标签“{label}”（可选：{labels}）")
    return tag, year


def tags(value: Any) -> list[tuple[str, int]]:
    return sorted({_tag(part) for part in f.texts(value)})


def industry_code(value: Any) -> str:
    code = fold(f.cell_text(value))
    if not re.fullmatch(r"[A-T]?\d{2,4}", code):
        raise f.CellError(f"国民经济行业代码格式不正确：{value}（应如 C2614 或 2614）")
    return code


ORGANISATION_COLUMNS = [
    Column("uscc", "统一社会信用代码", f.uscc, ("信用代码", "社会信用代码", "USCC")),
    Column("name", "名称", f.name, ("机构名称", "企业名称", "单位名称", "名称（全称）"), required=True),
    Column("former_names", "曾用名", f.names, ("原名称",)),
    Column("aliases", "别名", f.names, ("简称", "其他名称")),
    Column(
        "kind",
        "类型",
        f.choice(OrganisationKind.choices, synonyms=KIND_SYNONYMS),
        ("机构类型", "主体类型", "单位类型"),
    ),
    Column("region", "所属区市", f.text, ("区市", "所在区市", "区县", "所属区县")),
    Column("address", "地址", f.text, ("注册地址", "住所", "通讯地址")),
    Column("industry", "重点产业", f.choice(Industry.choices), ("产业", "所属产业", "产业链")),
    Column("industry_code", "行业代码", industry_code, ("国民经济行业代码", "行业分类代码")),
    Column("size", "企业规模", f.choice(OrganisationSize.choices, synonyms=SIZE_SYNONYMS), ("规模",)),
    Column("tags", "标签", tags, ("资质", "认定")),
    Column("cert_numbers", "贯标证书编号", f.texts, ("知识产权管理体系认证证书编号", "认证证书编号")),
    Column("cert_versions", "贯标标准版本", f.texts, ("认证标准版本", "标准版本")),
    Column("cert_issued", "发证日期", f.dates, ("证书发证日期",)),
    Column("cert_expires", "证书有效期至", f.dates, ("有效期至",)),
    Column("cert_statuses", "证书状态", f.texts, ()),
    Column("contact_person", "联系人", f.text, ()),
    Column("contact_phone", "联系电话", f.text, ("电话",)),
]
_CERT_VERSION = f.choice(
    CertificateVersion.choices,
    synonyms={"GB/T29490-2013": "2013", "GB/T29490-2023": "2023", "2013版": "2013", "2023版": "2023"},
)
_CERT_STATUS = f.choice(
    CertificateStatus.choices, synonyms={"有效期内": "valid", "已过期": "expired", "已撤销": "revoked"}
)


class OrganisationSpec(ModelSpec):
    kind = "organisations"
    label = "机构"
    columns = ORGANISATION_COLUMNS
    model = Organisation
    duplicate_field = "uscc"
    covers = {
        "uscc": ("uscc",),
        "name": ("name",),
        "kind": ("kind",),
        "region": ("region_id",),
        "address": ("address",),
        "industry": ("industry",),
        "industry_code": ("industry_code",),
        "size": ("size",),
        "former_names": ("other_names",),
        "aliases": ("other_names",),
        "tags": ("tags",),
        "cert_numbers": ("certificates",),
        "contact_person": ("contact_person",),
        "contact_phone": ("contact_phone",),
    }

    def __init__(self) -> None:
        self._index: dict[str, dict[Any, int]] | None = None
        self._names_in_file: dict[str, tuple[int, str]] = {}
        self.touched: set[int] = set()

    def _load(self) -> dict[str, dict[Any, int]]:
        if self._index is None:
            index: dict[str, dict[Any, int]] = {"uscc": {}, "key": {}}
            self._uscc_of: dict[int, str | None] = {}
            for pk, uscc, key in Organisation.objects.values_list("pk", "uscc", "name_key"):
                if uscc:
                    index["uscc"][uscc] = pk
                index["key"][key] = pk
                self._uscc_of[pk] = uscc
            self._index = index
        return self._index

    def key(self, record: Record) -> Any:
        return record.key

    def child_sets(self) -> dict[str, ChildSet]:
        def read_names(org: Organisation) -> list[tuple[Any, ...]]:
            return sorted((n.kind, n.name) for n in org.other_names.all())

        def replace_names(org: Organisation, items: list[tuple[Any, ...]]) -> None:
            org.other_names.all().delete()
            OrganisationName.objects.bulk_create(
                [OrganisationName(organisation=org, kind=k, name=n, name_key=name_key(n)) for k, n in items]
            )

        def read_tags(org: Organisation) -> list[tuple[Any, ...]]:
            return sorted((t.tag, t.year) for t in org.tags.all())

        def replace_tags(org: Organisation, items: list[tuple[Any, ...]]) -> None:
            org.tags.all().delete()
            OrganisationTag.objects.bulk_create(
                [OrganisationTag(organisation=org, tag=t, year=y) for t, y in items]
            )

        def read_certs(org: Organisation) -> list[tuple[Any, ...]]:
            return sorted(
                (c.number, c.version, c.issued_on, c.expires_on, c.status) for c in org.certificates.all()
            )

        def replace_certs(org: Organisation, items: list[tuple[Any, ...]]) -> None:
            org.certificates.all().delete()
            ManagementCertificate.objects.filter(
                number__in=[i[0] for i in items]
            ).delete()  # moved to this org
            ManagementCertificate.objects.bulk_create(
                [
                    ManagementCertificate(
                        organisation=org, number=n, version=v, issued_on=i, expires_on=e, status=s
                    )
                    for n, v, i, e, s in items
                ]
            )

        return {
            "other_names": ChildSet(
                read_names, replace_names, lambda i: f"{i[1]}（{'曾用名' if i[0] == 'former' else '别名'}）"
            ),
            "tags": ChildSet(
                read_tags, replace_tags, lambda i: f"{OrganisationTagKind(i[0]).label}（{i[1]}）"
            ),
            "certificates": ChildSet(read_certs, replace_certs, lambda i: f"{i[0]} {i[1]} {i[4]}"),
        }

    def build(self, values: dict[str, Any], row: int, ctx: ImportContext) -> Record:
        index = self._load()
        errors: list[RowError] = []
        label = {c.field: c.label for c in ORGANISATION_COLUMNS}

        def fail(field: str, value: Any, message: str) -> None:
            errors.append(RowError(row, label[field], "" if value is None else str(value), message))

        org_name: str = values["name"]
        key = name_key(org_name)
        uscc: str = values.get("uscc", "")
        existing = index["uscc"].get(uscc) if uscc else None
        by_name = index["key"].get(key)
        if existing is None:
            if by_name is not None and uscc and self._uscc_of.get(by_name) not in (None, uscc):
                fail(
                    "name",
                    org_name,
                    f"与已有机构同名，但统一社会信用代码不同（已有 {self._uscc_of[by_name]}）",
                )
            existing = by_name
        elif by_name is not None and by_name != existing:
            fail("name", org_name, "该名称已属于另一家机构（统一社会信用代码不同）")
        earlier = self._names_in_file.get(key)
        if earlier and earlier[1] != (uscc or key):
            fail("name", org_name, f"与第 {earlier[0]} 行的机构同名但统一社会信用代码不同")
        self._names_in_file.setdefault(key, (row, uscc or key))

        record_values: dict[str, Any] = {"name": org_name}
        for simple in ("address", "industry", "industry_code", "size", "contact_person", "contact_phone"):
            if simple in values:
                record_values[simple] = values[simple]
        if uscc:
            record_values["uscc"] = uscc
        if "kind" in values:
            record_values["kind"] = values["kind"]
        elif existing is None:
            record_values["kind"] = (
                OrganisationKind.ENTERPRISE if uscc.startswith("91") else OrganisationKind.OTHER
            )
        region_id = None
        if values.get("region"):
            region_id = ctx.regions.lookup(values["region"])
            if region_id is None:
                fail(
                    "region", values["region"], "不是烟台市的区市或功能区（应如 芝罘区、370602、烟台高新区）"
                )
        elif "region" in ctx.present or existing is None:
            region_id, _rule = ctx.regions.from_address(values.get("address", ""))
            if region_id is None and uscc:
                region_id = ctx.regions.from_uscc(uscc)
        if "region" in ctx.present or existing is None:
            record_values["region_id"] = region_id
        if ctx.mark_demo:
            record_values["is_demo"] = True

        children: dict[str, list[tuple[Any, ...]]] = {}
        if "former_names" in values or "aliases" in values or {"former_names", "aliases"} & ctx.present:
            names = {("former", n) for n in values.get("former_names", [])}
            names |= {("alias", n) for n in values.get("aliases", []) if ("former", n) not in names}
            children["other_names"] = sorted(n for n in names if name_key(n[1]) != key)
        if "tags" in ctx.present:
            children["tags"] = values.get("tags", [])
        if "cert_numbers" in ctx.present:
            certs = self._certificates(values, fail)
            if certs is not None:
                children["certificates"] = certs
        if errors:
            raise RowErrors(errors)
        record = Record(
            key=(("uscc", uscc) if uscc else ("name", key)), values=record_values, children=children, row=row
        )
        record.existing_pk = existing
        return record

    def _certificates(self, values: dict[str, Any], fail: Any) -> list[tuple[Any, ...]] | None:
        numbers = [fold(n) for n in values.get("cert_numbers", [])]
        versions, issued = values.get("cert_versions", []), values.get("cert_issued", [])
        expires, statuses = values.get("cert_expires", []), values.get("cert_statuses", [])
        for field, items in (("cert_versions", versions), ("cert_issued", issued), ("cert_expires", expires)):
            if len(items) != len(numbers):
                fail(
                    field,
                    ";".join(map(str, items)),
                    f"应与贯标证书编号一一对应（{len(numbers)} 个），实际 {len(items)} 个",
                )
                return None
        certs = []
        for i, number in enumerate(numbers):
            try:
                version = _CERT_VERSION(versions[i])
                status = _CERT_STATUS(statuses[i]) if i < len(statuses) else CertificateStatus.VALID
            except f.CellError as exc:
                fail("cert_versions", versions[i], str(exc))
                return None
            if expires[i] < issued[i]:
                fail("cert_expires", expires[i].isoformat(), "有效期至早于发证日期")
                return None
            certs.append((number, version, issued[i], expires[i], status))
        return sorted(certs)

    def existing(self, records: list[Record]) -> dict[tuple[Any, ...], Any]:
        pks = [r.existing_pk for r in records if r.existing_pk]
        objs = Organisation.objects.prefetch_related("other_names", "tags", "certificates").in_bulk(pks)
        return {r.key: objs[r.existing_pk] for r in records if r.existing_pk in objs}

    def write(self, records: list[Record], ctx: ImportContext) -> None:
        found = self.existing(records)
        for record in records:
            org = found.get(record.key)
            if org is None:
                continue
            # Former names accumulate: a file lists aliases and new former names, it never un-names.
            former = {(n.kind, n.name) for n in org.other_names.all() if n.kind == "former"}
            if org.name != record.values["name"]:
                former.add(("former", org.name))  # a rename found by code
            names = record.children.get("other_names")
            if names is None:
                if former <= {(n.kind, n.name) for n in org.other_names.all()}:
                    continue
                names = [(n.kind, n.name) for n in org.other_names.all()]
                record.extra_covered.add("other_names")
            key = record.values.get("name", org.name)
            record.children["other_names"] = sorted(
                n for n in {*names, *former} if name_key(n[1]) != name_key(key)
            )
        super().write(records, ctx)
        index = self._load()
        usccs = [r.key[1] for r in records if r.key[0] == "uscc"]
        keys = [r.key[1] for r in records if r.key[0] == "name"]
        for pk, uscc, key in Organisation.objects.filter(
            Q(uscc__in=usccs) | Q(name_key__in=keys)
        ).values_list("pk", "uscc", "name_key"):
            self.touched.add(pk)
            if uscc:
                index["uscc"][uscc] = pk
            index["key"][key] = pk
            self._uscc_of[pk] = uscc

    def finish(self, ctx: ImportContext) -> None:
        super().finish(ctx)
        linked, regions = relink_holders(self.touched)
        if linked or regions:
            record_event(
                ctx.actor,
                "registry.relink",
                note=f"{ctx.note}：{linked} 个专利权人关联到机构，{regions} 件专利重新归属区市",
                after={"holders_linked": linked, "patents_reattributed": regions},
            )


def relink_holders(org_ids: set[int]) -> tuple[int, int]:
    """Link unlinked records whose name now matches exactly one of these organisations, and attribute
    regions of the patents they hold first. Returns (links made, patents re-attributed)."""
    if not org_ids:
        return 0, 0
    matcher = OrganisationMatcher.load()
    keys = set(Organisation.objects.filter(pk__in=org_ids).values_list("name_key", flat=True))
    keys |= set(
        OrganisationName.objects.filter(organisation_id__in=org_ids).values_list("name_key", flat=True)
    )
    linked = 0
    for key in sorted(keys):
        match = matcher.match("", key=key)
        if match.organisation_id is not None:
            linked += link_name(key, match.organisation_id)
    matcher.pending.clear()  # ambiguity is recorded when an imported file names them, not here
    return linked, attribute_first_holders(org_ids)
