"""Excel exports of every table the grants pages show, and the job result of an entitlement run."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.urls import reverse
from openpyxl import Workbook

from ipcity.grants.detection import DetectionReport
from ipcity.grants.models import Application, Entitlement, Payment
from ipcity.grants.selectors import BudgetLine, LedgerTable, item_name, sla_state
from ipcity.lib.excel import BORDER, WRAP, set_widths, simple_table, write_cell, write_header
from ipcity.lib.identifiers import mask_bank_account

EXPORT_LIMIT = 50_000


def _money(value: Any) -> float | None:
    # Excel stores numbers as doubles; 元 amounts to the fen are exact at these magnitudes.
    return None if value is None else float(value)


def applications_workbook(apps: Iterable[Application]) -> Workbook:
    rows = []
    for app in list(apps)[:EXPORT_LIMIT]:
        sla = sla_state(app)
        rows.append(
            [
                app.number,
                item_name(app.item_code),
                app.organisation.name,
                str(app.organisation.region or ""),
                app.get_status_display(),
                app.decisive_date,
                _money(app.amount),
                app.submitted_on,
                sla.text if sla else "",
            ]
        )
    return simple_table(
        "奖补申请",
        [
            "申请编号",
            "奖补项目",
            "申报单位",
            "区市",
            "状态",
            "判定日期",
            "测算/核定金额（元）",
            "受理日期",
            "兑现时限",
        ],
        rows,
        [16, 30, 34, 12, 14, 12, 16, 12, 36],
    )


def entitlements_workbook(ents: Iterable[Entitlement]) -> Workbook:
    rows = [
        [
            e.number,
            item_name(e.item_code),
            e.organisation.name,
            str(e.organisation.region or ""),
            e.event_label,
            e.decisive_date,
            _money(e.amount),
            e.get_status_display(),
        ]
        for e in list(ents)[:EXPORT_LIMIT]
    ]
    return simple_table(
        "免申即享",
        ["编号", "奖补项目", "惠及对象", "区市", "登记事件", "判定日期", "金额（元）", "状态"],
        rows,
        [16, 30, 34, 12, 44, 12, 14, 14],
    )


def budgets_workbook(lines: list[BudgetLine], year: int) -> Workbook:
    rows = [
        [
            line.name,
            line.item_code,
            _money(line.budget),
            _money(line.committed),
            _money(line.paid),
            _money(line.remaining),
            line.count,
        ]
        for line in lines
    ]
    return simple_table(
        f"{year}年预算执行",
        ["奖补项目", "代码", "预算（元）", "已核定（元）", "已兑现（元）", "余额（元）", "核定笔数"],
        rows,
        [34, 28, 16, 16, 16, 16, 10],
    )


def ledger_workbook(
    table: LedgerTable, payments: Iterable[Payment], *, full_accounts: bool = True
) -> Workbook:
    """Sheet 1: disbursements by item, district and year; sheet 2: every payment, with the payee
    account it went to (the number masked unless `full_accounts`: the city office, the finance
    bureau, the command line)."""
    wb = simple_table(
        "按项目区市年度汇总",
        ["支付年度", "奖补项目", "区市", "笔数", "金额（元）"],
        [[r["year"], r["item"], r["region"], r["count"], _money(r["amount"])] for r in table.rows]
        + [["合计", "", "", table.count, _money(table.total)]],
        [10, 34, 16, 8, 16],
    )
    ws = wb.create_sheet("兑现明细")
    headers = [
        "支付日期",
        "奖补项目",
        "收款单位",
        "户名",
        "开户行",
        "账号",
        "区市",
        "金额（元）",
        "支付凭证号",
        "来源",
        "登记人",
    ]
    write_header(ws, 1, headers)
    for r, p in enumerate(list(payments)[:EXPORT_LIMIT], start=2):
        source = p.grant.application or p.grant.entitlement
        values = [
            p.paid_on,
            item_name(p.item_code),
            p.organisation.name,
            p.payee_name,
            p.payee_bank,
            p.payee_account if full_accounts else mask_bank_account(p.payee_account),
            str(p.region or ""),
            _money(p.amount),
            p.reference,
            source.number if source else "",
            p.recorded_by,
        ]
        for c, value in enumerate(values, start=1):
            cell = write_cell(ws, r, c, value)
            cell.alignment = WRAP
            cell.border = BORDER
    ws.freeze_panes = "A2"
    set_widths(ws, [12, 34, 34, 34, 28, 24, 14, 14, 18, 16, 14])
    return wb


def detection_result(report: DetectionReport) -> dict[str, Any]:
    """What the job page shows after an entitlement run."""
    out: dict[str, Any] = {"结果": report.summary()}
    if report.dry_run:
        for index, (c, amount) in enumerate(report.would_create[:30], start=1):
            out[f"将新建 {index}"] = (
                f"{item_name(c.item_code)}｜{c.organisation.name}｜{c.event_label}｜{amount}"
            )
    else:
        for index, ent in enumerate(report.created[:30], start=1):
            out[f"新建 {index}"] = f"{ent.number} {item_name(ent.item_code)}｜{ent.organisation.name}"
        if report.created:
            out["查看"] = reverse("grants:entitlements")
    for index, (c, reasons) in enumerate(report.ineligible[:20], start=1):
        out[f"不符合条件 {index}"] = f"{c.organisation.name}｜{c.event_label}｜{reasons}"
    for index, s in enumerate(report.skipped[:20], start=1):
        out[f"无法比对 {index}"] = f"{item_name(s.item_code)}｜{s.event_label}｜{s.reason}"
    for code, reason in report.not_detectable.items():
        out[f"未自动比对：{item_name(code)}"] = reason
    return out
