"""Excel imports of the strong-enterprise and talent registers (docs/support.md §13 §14): the lists
the province and the nation publish (认定名单) and the office's talent list (人才名单), each read whole,
checked cell by cell (the row and column at fault named in Chinese), and written in one transaction
through the same writes as the pages (support/services_strong.py) — a file with one bad row writes
nothing."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from ipcity.core.audit import Actor, object_type_of, record_event
from ipcity.core.workflow import Refused
from ipcity.lib.dates import DateFormatError, parse_date
from ipcity.lib.identifiers import IdentifierError, normalize_uscc
from ipcity.lib.text import clean_name, clean_text, fold, is_blank, shorten
from ipcity.lib.uploads import Limits, UploadError, read_sheet
from ipcity.registry.choices import Industry, OrganisationKind
from ipcity.registry.models import Organisation
from ipcity.support.choices import RecognitionKind, RecognitionLevel, TalentKind
from ipcity.support.models import (
    EnterpriseRecognition,
    Talent,
)
from ipcity.support.services_strong import (
    _city_advantage_taken,
    _quota_refusal,
    city_advantage_quota,
    record_recognition,
    save_talent,
)

MAX_IMPORT_ROWS = 2_000  # a national or provincial list names dozens to a few hundred enterprises
MAX_LISTED_ERRORS = 30
RECOGNITION_COLUMNS = [
    "统一社会信用代码",
    "企业名称",
    "认定级别",
    "认定类别",
    "认定年度",
    "认定文号",
    "印发日期",
]
TALENT_COLUMNS = ["姓名", "人才类别", "工作单位", "专业领域", "职称/职务", "入库年度", "联系电话", "电子邮箱"]
_CODE_LIKE = re.compile(r"[0-9A-Z]+")
_YEAR = re.compile(r"(\d{4})(?:\.0+)?(?:年度?)?")


@dataclass(frozen=True)
class ImportCounts:
    """What an import did: data rows read, rows added, rows already there (skipped) or updated."""

    rows: int
    added: int
    skipped: int = 0
    updated: int = 0


def describe(counts: ImportCounts, what: str) -> str:
    """What an import did, in Chinese (the page's message and the command's output)."""
    parts = [f"新增 {counts.added} 条"]
    if counts.updated:
        parts.append(f"更新 {counts.updated} 条")
    if counts.skipped:
        parts.append(f"已有而跳过 {counts.skipped} 条")
    return f"{what}已导入（共 {counts.rows} 行）：{'，'.join(parts)}。"


def _at(number: int, column: str, reason: str) -> str:
    return f"第 {number} 行“{column}”列：{reason}"


def _cell_text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return clean_text(value)


def _read_table(
    file: IO[bytes], *, what: str, columns: Sequence[str], required: Sequence[Sequence[str]]
) -> list[tuple[int, dict[str, Any]]]:
    """(row number, {column: value}) of the data rows under a header row 1 (columns in any order;
    columns the file lacks are absent from the dicts); empty rows are left out."""
    try:
        rows = read_sheet(file, Limits.web(max_rows=MAX_IMPORT_ROWS))
    except UploadError as exc:
        raise Refused(f"{what}：{exc}") from exc
    if not rows or rows[0][0] != 1:
        raise Refused(f"{what}第 1 行应为表头：{'、'.join(columns)}")
    header = [_cell_text(c) for c in rows[0][1]]
    missing = ["”或“".join(names) for names in required if not set(names) & set(header)]
    if missing:
        raise Refused(f"{what}第 1 行缺少“{'”“'.join(missing)}”列（列：{'、'.join(columns)}）")
    at = {c: header.index(c) for c in columns if c in header}
    table = []
    for number, values in rows[1:]:
        cells = {c: values[i] if i < len(values) else None for c, i in at.items()}
        if not all(is_blank(v) for v in cells.values()):
            table.append((number, cells))
    if not table:
        raise Refused(f"{what}没有数据行")
    return table


def _refuse_errors(what: str, errors: list[str]) -> None:
    if errors:
        more = f"；……共 {len(errors)} 处错误" if len(errors) > MAX_LISTED_ERRORS else ""
        raise Refused(f"{what}有误，未导入任何一行：" + "；".join(errors[:MAX_LISTED_ERRORS]) + more)


def _looks_like_code(text: str) -> bool:
    return bool(_CODE_LIKE.fullmatch(fold(text)))


def _registry_lookup(codes: Iterable[str], names: Iterable[str]) -> dict[str, Organisation]:
    """Registered organisations by 统一社会信用代码 and by exact name (one query)."""
    wanted_codes = {fold(c) for c in codes if c}
    wanted_names = {form(n) for n in names if n for form in (clean_text, clean_name)}
    found: dict[str, Organisation] = {}
    for org in Organisation.objects.filter(Q(uscc__in=wanted_codes) | Q(name__in=wanted_names)):
        if org.uscc:
            found[org.uscc] = org
        found[org.name] = org
    return found


def _by_code(text: str, found: dict[str, Organisation]) -> tuple[Organisation | None, str]:
    """(the organisation, "") or (None, why not), the code's check character verified."""
    try:
        code = normalize_uscc(text)
    except IdentifierError as exc:
        return None, str(exc)
    org = found.get(code)
    return (org, "") if org else (None, f"机构登记中没有统一社会信用代码为 {code} 的机构")


def _by_name(text: str, found: dict[str, Organisation]) -> tuple[Organisation | None, str]:
    name = clean_text(text)
    org = found.get(name) or found.get(clean_name(name))  # as typed, or with Chinese brackets
    if org is None:
        return None, f"机构登记中没有名为“{shorten(name, 60)}”的机构（名称须与登记完全一致）"
    return org, ""


def _choice(text: str, labels: dict[str, str]) -> str | None:
    return labels.get(text.replace(" ", ""))


def _year(value: Any) -> int | None:
    match = _YEAR.fullmatch(_cell_text(value))
    return int(match.group(1)) if match else None


def _file_name(file: IO[bytes]) -> str:
    return shorten(str(getattr(file, "name", "") or ""), 100)


@dataclass(frozen=True)
class _RecognitionRow:
    number: int
    organisation: Organisation
    level: str
    kind: str
    year: int
    document_number: str
    issued_on: dt.date | None


def _recognition_rows(table: list[tuple[int, dict[str, Any]]], errors: list[str]) -> list[_RecognitionRow]:
    """The rows that are right on their own; the wrong ones' errors appended to `errors`."""
    levels = {str(label): value for value, label in RecognitionLevel.choices}
    kinds = {str(label): value for value, label in RecognitionKind.choices}
    kinds |= {label.removeprefix("知识产权"): value for label, value in kinds.items()}
    codes = [_cell_text(cells.get("统一社会信用代码")) for _, cells in table]
    names = [_cell_text(cells.get("企业名称")) for _, cells in table]
    found = _registry_lookup(codes, names)
    this_year = timezone.localdate().year
    rows = []
    for (number, cells), code, name in zip(table, codes, names, strict=True):
        before = len(errors)
        org, column, why = None, "统一社会信用代码", ""
        if code:
            org, why = _by_code(code, found)
        elif name:
            org, why, column = *_by_name(name, found), "企业名称"
        else:
            why = "统一社会信用代码和企业名称不能都为空"
        if org is not None and org.kind != OrganisationKind.ENTERPRISE:
            why = f"{org.name}在机构登记中不是企业，不能认定为优势/示范企业"
        if why:
            errors.append(_at(number, column, why))
        level = _choice(_cell_text(cells.get("认定级别")), levels)
        if level is None:
            errors.append(_at(number, "认定级别", "应为 国家级、省级 或 市级"))
        kind = _choice(_cell_text(cells.get("认定类别")), kinds)
        if kind is None:
            errors.append(_at(number, "认定类别", "应为 优势企业 或 示范企业"))
        year = _year(cells.get("认定年度"))
        if year is None or not 2000 <= year <= this_year:
            errors.append(_at(number, "认定年度", f"应为 2000 至 {this_year} 之间的年份"))
        document = _cell_text(cells.get("认定文号"))
        if not document or len(document) > 60:
            errors.append(_at(number, "认定文号", "不能为空" if not document else "不超过 60 个字"))
        issued_on = None
        if not is_blank(cells.get("印发日期")):
            try:
                issued_on = parse_date(cells["印发日期"])
            except DateFormatError as exc:
                errors.append(_at(number, "印发日期", str(exc)))
        if len(errors) == before and org is not None and level and kind and year:
            rows.append(_RecognitionRow(number, org, level, kind, year, document, issued_on))
    return rows


@transaction.atomic
def import_recognitions(file: IO[bytes], *, actor: Actor) -> ImportCounts:
    """A national, provincial (or past city) recognition list typed into Excel, one enterprise a row
    (columns: RECOGNITION_COLUMNS). Every row is checked first (the enterprise in the registry, the
    code's check character, the choices, the year's 市级优势企业 quota); any error and nothing is
    written. Then each row through `record_recognition` (registry tag, quota, audit); a recognition
    already recorded (or twice in the file) is skipped and counted. One summary audit event."""
    table = _read_table(
        file,
        what="认定名单",
        columns=RECOGNITION_COLUMNS,
        required=[
            ("统一社会信用代码", "企业名称"),
            ("认定级别",),
            ("认定类别",),
            ("认定年度",),
            ("认定文号",),
        ],
    )
    errors: list[str] = []
    rows = _recognition_rows(table, errors)
    seen = set(
        EnterpriseRecognition.objects.filter(organisation__in={r.organisation for r in rows}).values_list(
            "organisation_id", "level", "kind", "year"
        )
    )
    new: list[_RecognitionRow] = []
    skipped = 0
    taken: dict[int, set[int]] = {}  # year → organisations counted against its 市级优势企业 quota
    for r in rows:
        key = (r.organisation.pk, r.level, r.kind, r.year)
        if key in seen:
            skipped += 1
            continue
        seen.add(key)
        if r.level == RecognitionLevel.CITY and r.kind == RecognitionKind.ADVANTAGE:
            year_taken = taken.setdefault(r.year, _city_advantage_taken(r.year))
            try:
                refusal = _quota_refusal(
                    r.year,
                    year_taken,
                    r.organisation,
                    city_advantage_quota(r.issued_on or timezone.localdate()),
                )
            except Refused as exc:
                refusal = str(exc)
            if refusal:
                errors.append(f"第 {r.number} 行：{refusal}")
                continue
            year_taken.add(r.organisation.pk)
        new.append(r)
    _refuse_errors("认定名单", errors)
    for r in new:
        try:
            record_recognition(
                actor=actor,
                organisation=r.organisation,
                level=r.level,
                kind=r.kind,
                year=r.year,
                document_number=r.document_number,
                issued_on=r.issued_on,
            )
        except Refused as exc:  # pragma: no cover - every check above is record_recognition's
            raise Refused(f"认定名单有误，未导入任何一行：第 {r.number} 行：{exc}") from exc
    counts = ImportCounts(rows=len(table), added=len(new), skipped=skipped)
    record_event(
        actor,
        "enterprise_recognition.import",
        object_type=object_type_of(EnterpriseRecognition),
        object_repr="认定名单 Excel 导入",
        after={
            "file": _file_name(file),
            "rows": counts.rows,
            "added": counts.added,
            "skipped": counts.skipped,
        },
    )
    return counts


@dataclass(frozen=True)
class _TalentRow:
    number: int
    name: str
    kind: str
    employer: Organisation
    recognised_year: int
    values: dict[str, str]  # the optional columns the row fills (field, title, phone, email)


def _talent_rows(table: list[tuple[int, dict[str, Any]]], errors: list[str]) -> list[_TalentRow]:
    kinds = {str(label): value for value, label in TalentKind.choices}
    industries = {str(label): value for value, label in Industry.choices}
    employers = [_cell_text(cells.get("工作单位")) for _, cells in table]
    found = _registry_lookup(
        [e for e in employers if _looks_like_code(e)], [e for e in employers if not _looks_like_code(e)]
    )
    top = timezone.localdate().year + 1
    rows: list[_TalentRow] = []
    first_row: dict[tuple[str, int], int] = {}
    for (number, cells), employer_text in zip(table, employers, strict=True):
        before = len(errors)
        name = _cell_text(cells.get("姓名"))
        if not name or len(name) > 40:
            errors.append(_at(number, "姓名", "不能为空" if not name else "不超过 40 个字"))
        kind = _choice(_cell_text(cells.get("人才类别")), kinds)
        if kind is None:
            errors.append(_at(number, "人才类别", f"应为 {'、'.join(kinds)} 之一"))
        employer, why = None, "不能为空"
        if employer_text:
            lookup = _by_code if _looks_like_code(employer_text) else _by_name
            employer, why = lookup(employer_text, found)
        if why:
            errors.append(_at(number, "工作单位", why))
        year = _year(cells.get("入库年度"))
        if year is None or not 1990 <= year <= top:
            errors.append(_at(number, "入库年度", f"应为 1990 至 {top} 之间的年份"))
        values: dict[str, str] = {}
        field_text = _cell_text(cells.get("专业领域"))
        if field_text:
            if field_text in industries:
                values["field"] = industries[field_text]
            else:
                errors.append(_at(number, "专业领域", f"应为 {'、'.join(industries)} 之一，或留空"))
        for column, key, limit in (
            ("职称/职务", "title", 60),
            ("联系电话", "phone", 40),
            ("电子邮箱", "email", 254),
        ):
            text = _cell_text(cells.get(column))
            if len(text) > limit:
                errors.append(_at(number, column, f"不超过 {limit} 个字"))
            elif text:
                values[key] = text
        if "email" in values:
            try:
                validate_email(values["email"])
            except ValidationError:
                errors.append(
                    _at(number, "电子邮箱", f"“{shorten(values['email'], 60)}”不是有效的电子邮箱地址")
                )
        if len(errors) > before or employer is None or kind is None or year is None:
            continue
        if (name, employer.pk) in first_row:
            errors.append(
                _at(number, "姓名", f"与第 {first_row[(name, employer.pk)]} 行重复（同一工作单位的同一人）")
            )
            continue
        first_row[(name, employer.pk)] = number
        rows.append(_TalentRow(number, name, kind, employer, year, values))
    return rows


@transaction.atomic
def import_talents(file: IO[bytes], *, actor: Actor) -> ImportCounts:
    """The talent pool from Excel, one person a row (columns: TALENT_COLUMNS; the employer by its
    统一社会信用代码 or exact registered name). Every row is checked first; any error and nothing is
    written. A person already in the pool (same name and employer) is updated through `save_talent`
    (an empty optional cell keeps what the pool has), not added twice. One summary audit event."""
    table = _read_table(
        file,
        what="人才名单",
        columns=TALENT_COLUMNS,
        required=[("姓名",), ("人才类别",), ("工作单位",), ("入库年度",)],
    )
    errors: list[str] = []
    rows = _talent_rows(table, errors)
    _refuse_errors("人才名单", errors)
    existing = {
        (t.name, t.employer_id): t
        for t in Talent.objects.filter(
            name__in={r.name for r in rows}, employer__in={r.employer for r in rows}
        )
    }
    added = updated = skipped = 0
    for r in rows:
        talent = existing.get((r.name, r.employer.pk))
        values: dict[str, Any] = {
            "name": r.name,
            "kind": r.kind,
            "employer": r.employer,
            "recognised_year": r.recognised_year,
        }
        if talent is None:
            values |= r.values
            added += 1
        else:
            kept = ("field", "title", "phone", "email", "active", "note", "is_demo")
            values |= {f: getattr(talent, f) for f in kept} | r.values
            if all(getattr(talent, k) == v for k, v in values.items()):
                skipped += 1
                continue
            updated += 1
        try:
            save_talent(talent, actor=actor, **values)
        except Refused as exc:  # pragma: no cover - every check above is save_talent's
            raise Refused(f"人才名单有误，未导入任何一行：第 {r.number} 行：{exc}") from exc
    counts = ImportCounts(rows=len(table), added=added, skipped=skipped, updated=updated)
    record_event(
        actor,
        "talent.import",
        object_type=object_type_of(Talent),
        object_repr="人才名单 Excel 导入",
        after={
            "file": _file_name(file),
            "rows": counts.rows,
            "added": counts.added,
            "updated": counts.updated,
            "skipped": counts.skipped,
        },
    )
    return counts
