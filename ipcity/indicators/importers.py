"""Excel imports of attendance lists (年培训人次) and survey results (满意度). All-or-nothing per file;
errors name the row and column in Chinese."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import IO, Any

from django.db import transaction

from ipcity.core.audit import Actor
from ipcity.core.models import Region
from ipcity.indicators.choices import RespondentGroup
from ipcity.indicators.services import record_survey, record_training
from ipcity.lib.text import shorten
from ipcity.lib.uploads import Limits, UploadError, read_sheet

TRAINING_HEADERS = ["培训名称", "日期", "主办单位", "区市", "姓名", "单位", "电话"]
SURVEY_HEADERS = ["年份", "受访群体", "样本量", "群体权重", "一级指标", "二级指标", "指标权重", "得分"]
MAX_ROWS = 100_000  # a year's sign-in sheets or survey items; every row is held in memory
MAX_VALUE_SHOWN = 100  # characters of a cell quoted in an error


@dataclass
class RowError:
    row: int
    column: str
    value: Any
    message: str

    def __str__(self) -> str:
        if not self.row:
            return f"{self.column}{f'“{self.value}”' if self.value else ''}：{self.message}"
        return f"第 {self.row} 行“{self.column}”列（{shorten(repr(self.value), MAX_VALUE_SHOWN)}）：{self.message}"


class ImportRejected(ValueError):
    def __init__(self, errors: list[RowError]) -> None:
        self.errors = errors
        super().__init__("；".join(str(e) for e in errors[:20]))


def _rows(file: IO[bytes], headers: list[str]) -> list[tuple[int, dict[str, Any]]]:
    try:
        rows = read_sheet(file, Limits.web(max_rows=MAX_ROWS))
    except UploadError as exc:
        raise ImportRejected([RowError(0, "文件", getattr(file, "name", "") or "", str(exc))]) from exc
    first = rows[0] if rows else (1, [])
    header = [str(c).strip() if c is not None else "" for c in first[1]] if first[0] == 1 else []
    missing = [h for h in headers if h not in header and h not in {"电话", "二级指标"}]
    if missing:
        raise ImportRejected([RowError(1, "表头", header, f"缺少列：{'、'.join(missing)}")])
    positions = {h: header.index(h) for h in headers if h in header}
    out = []
    for number, values in rows[1:]:
        if not any(v not in (None, "") for v in values):
            continue
        out.append((number, {h: _cell(values, positions.get(h)) for h in headers}))
    if not out:
        raise ImportRejected([RowError(2, "文件", "", "没有数据行")])
    return out


def _cell(values: list[Any], index: int | None) -> Any:
    return values[index] if index is not None and index < len(values) else None


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(_text(value).replace("/", "-").replace(".", "-"))


def import_training(file: IO[bytes], *, actor: Actor) -> dict[str, int]:
    regions = {r.name: r for r in Region.objects.all()}
    errors: list[RowError] = []
    events: dict[tuple[str, dt.date], dict[str, Any]] = {}
    for number, row in _rows(file, TRAINING_HEADERS):
        title, name = _text(row["培训名称"]), _text(row["姓名"])
        if not title:
            errors.append(RowError(number, "培训名称", row["培训名称"], "不能为空"))
        if not name:
            errors.append(RowError(number, "姓名", row["姓名"], "不能为空"))
        try:
            date = _date(row["日期"])
        except (ValueError, TypeError):
            errors.append(RowError(number, "日期", row["日期"], "日期格式应为 YYYY-MM-DD"))
            continue
        region_name = _text(row["区市"])
        if region_name and region_name not in regions:
            errors.append(RowError(number, "区市", region_name, "不是烟台市的区市名称"))
            continue
        event = events.setdefault(
            (title, date),
            {"organiser": _text(row["主办单位"]), "region": regions.get(region_name), "attendees": []},
        )
        event["attendees"].append(
            {"name": name, "organisation": _text(row["单位"]), "phone": _text(row["电话"])}
        )
    if errors:
        raise ImportRejected(errors)
    added = 0
    with transaction.atomic():
        for (title, date), event in events.items():
            _event, count = record_training(
                actor=actor,
                title=title,
                date=date,
                organiser=event["organiser"],
                region=event["region"],
                attendees=event["attendees"],
            )
            added += count
    return {"trainings": len(events), "attendances_added": added}


def import_survey(
    file: IO[bytes], *, actor: Actor, organiser: str, method: str, source: str
) -> dict[str, int]:
    groups_by_label = {label: value for value, label in RespondentGroup.choices}
    errors: list[RowError] = []
    surveys: dict[int, dict[str, dict[str, Any]]] = {}
    for number, row in _rows(file, SURVEY_HEADERS):
        try:
            year = int(row["年份"])
        except (TypeError, ValueError):
            errors.append(RowError(number, "年份", row["年份"], "应为四位年份"))
            continue
        group = groups_by_label.get(_text(row["受访群体"]))
        if group is None:
            errors.append(RowError(number, "受访群体", row["受访群体"], "应为 权利人、专业人士 或 社会公众"))
            continue
        try:
            sample = int(row["样本量"])
            group_weight = Decimal(str(row["群体权重"]))
            weight = Decimal(str(row["指标权重"]))
            score = Decimal(str(row["得分"]))
        except (TypeError, ValueError, InvalidOperation):
            errors.append(
                RowError(
                    number,
                    "样本量/权重/得分",
                    [row["样本量"], row["群体权重"], row["指标权重"], row["得分"]],
                    "应为数字",
                )
            )
            continue
        if not Decimal(0) <= score <= Decimal(100):
            errors.append(RowError(number, "得分", row["得分"], "得分应在 0–100 之间"))
            continue
        entry = surveys.setdefault(year, {}).setdefault(
            group, {"group": group, "sample_size": sample, "weight": group_weight, "scores": []}
        )
        entry["scores"].append(
            {
                "item": _text(row["一级指标"]),
                "subitem": _text(row["二级指标"]),
                "weight": weight,
                "score": score,
            }
        )
    if errors:
        raise ImportRejected(errors)
    with transaction.atomic():
        for year, groups in surveys.items():
            try:
                record_survey(
                    actor=actor,
                    year=year,
                    organiser=organiser,
                    method=method,
                    source=source,
                    groups=list(groups.values()),
                )
            except ValueError as exc:
                raise ImportRejected([RowError(0, "权重", year, str(exc))]) from exc
    return {"surveys": len(surveys)}
