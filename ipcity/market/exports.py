"""Excel exports of the market's lists: the rows the page lists (the same filters and scope), every
cell through lib.excel (text stays text: a name typed as "=..." is never a formula). Contacts only
for signed-in users, as on the pages."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from openpyxl import Workbook

from ipcity.lib.excel import set_widths, simple_table, write_cell, write_header
from ipcity.market.models import Auction, Deal, Need, Offer, RetentionProject


def offers_workbook(offers: Iterable[Offer], *, contacts: bool) -> Workbook:
    headers = [
        "编号", "成果名称", "专利权人", "专利申请号", "交易方式", "价格或许可费（元）", "面议", "许可费标准",
        "支付方式", "技术领域", "应用领域与产品", "成熟度", "所在区市", "发布日期", "军民双向转化",
    ]  # fmt: skip
    if contacts:
        headers += ["联系人", "联系电话"]
    rows = []
    for o in offers:
        row = [
            o.number, o.title, o.holder.name, "；".join(f"CN{p.application_number}" for p in o.patents.all()),
            o.get_mode_display(), o.price, "是" if o.negotiable else "否", o.fee_terms, o.payment_method,
            o.get_field_display(), o.applications, o.get_maturity_display(), o.region.name if o.region else "",
            o.published_on, o.get_dual_use_display() if o.dual_use else "",
        ]  # fmt: skip
        if contacts:
            row += [o.contact_person, o.contact_phone]
        rows.append(row)
    widths = [16, 30, 28, 30, 18, 16, 6, 24, 20, 14, 30, 10, 14, 12, 12] + ([12, 16] if contacts else [])
    return simple_table("技术供给", headers, rows, widths)


def needs_workbook(needs: Iterable[Need], *, contacts: bool) -> Workbook:
    headers = ["编号", "需求名称", "需求单位", "技术领域", "需要解决的技术问题", "预算下限（元）", "预算上限（元）",
               "期望解决日期", "所在区市", "发布日期", "军民双向转化"]  # fmt: skip
    if contacts:
        headers += ["联系人", "联系电话"]
    rows = []
    for n in needs:
        row = [
            n.number, n.title, n.organisation.name, n.get_field_display(), n.problem, n.budget_min, n.budget_max,
            n.deadline, n.region.name if n.region else "", n.published_on,
            n.get_dual_use_display() if n.dual_use else "",
        ]  # fmt: skip
        if contacts:
            row += [n.contact_person, n.contact_phone]
        rows.append(row)
    widths = [16, 30, 28, 14, 40, 14, 14, 12, 14, 12, 12] + ([12, 16] if contacts else [])
    return simple_table("技术需求", headers, rows, widths)


def deals_workbook(deals: Iterable[Deal]) -> Workbook:
    headers = ["编号", "技术供给", "成果名称", "许可人/转让人", "被许可人/受让人", "状态", "合同类型",
               "合同金额（元）", "合同签订日期", "许可期限至", "确认成交日期", "许可/转让记录"]  # fmt: skip
    rows = [
        [
            d.number,
            d.offer.number,
            d.offer.title,
            d.licensor.name,
            d.licensee.name,
            d.get_status_display(),
            d.get_kind_display() if d.kind else "",
            d.amount,
            d.contract_date,
            d.term_end,
            d.confirmed_on,
            d.licence.reference if d.licence else "",
        ]
        for d in deals
    ]
    return simple_table("技术交易", headers, rows, [16, 16, 30, 28, 28, 14, 12, 14, 12, 12, 12, 16])


def auction_workbook(auction: Auction, lots: Iterable[Any]) -> Workbook:
    """The results of an auction as the page shows them to the user (reserve and names only where
    the page shows them)."""
    headers = [
        "标的编号",
        "标的名称",
        "专利申请号",
        "起拍价（元）",
        "保留价（元）",
        "出价次数",
        "最高出价（元）",
        "状态",
        "买受人",
    ]
    rows = [
        [
            view.lot.number,
            view.lot.title,
            "、".join(p.application_number for p in view.lot.patents.all()),
            view.lot.starting_price,
            view.reserve if view.reserve is not None else "不公开",
            view.lot.bids.count(),
            view.top if view.top is not None else "",
            view.lot.get_status_display(),
            view.winner,
        ]
        for view in lots
    ]
    return simple_table(f"{auction.title} 竞价结果", headers, rows, [16, 30, 30, 14, 14, 10, 14, 10, 30])


def industry_map_workbook(found: Any) -> Workbook:
    """The industry map's tables, one sheet each (the numbers the page shows)."""
    wb = simple_table(
        f"{found.scope.name} 按年份和类型",
        ["申请年份", "专利类型", "件数"],
        [[r["year"], r["type"], r["count"]] for r in found.year_type_rows],
        [12, 14, 10],
    )
    for title, headers, rows, widths in (
        ("区市", ["区市", "件数"], [[r["name"], r["count"]] for r in found.regions], [16, 10]),
        (
            "主要权利人",
            ["第一权利人", "件数", "占比"],
            [[r["name"], r["count"], f"{r['share']:.1%}"] for r in found.holders],
            [40, 10, 10],
        ),
        ("IPC 大组", ["IPC 大组", "件数"], [[r["main_group"], r["count"]] for r in found.ipc], [14, 10]),
        (
            "潜在用户",
            ["企业", "区市", "本领域专利数"],
            [[r["name"], r["region"], r["count"]] for r in found.users],
            [40, 12, 14],
        ),
    ):
        ws = wb.create_sheet(title)
        write_header(ws, 1, headers)
        for r_index, values in enumerate(rows, start=2):
            for c_index, value in enumerate(values, start=1):
                write_cell(ws, r_index, c_index, value)
        ws.freeze_panes = "A2"
        set_widths(ws, widths)
    return wb


def deal_statistics_workbook(rows: Iterable[dict[str, Any]]) -> Workbook:
    return simple_table(
        "技术交易统计",
        ["年度", "区市（供给方）", "合同类型", "成交项数", "合同金额（元）", "其中军民双向转化项数"],
        [[r["year"], r["region"], r["kind"], r["count"], r["amount"], r["dual_use"]] for r in rows],
        [8, 16, 14, 10, 16, 12],
    )


def retention_workbook(projects: Iterable[RetentionProject]) -> Workbook:
    headers = ["编号", "项目名称", "项目来源", "境外项目", "所属产业", "核心专利（申请号）", "项目承担单位",
               "落户区市", "状态", "落户日期", "列入跟踪培育日期", "结项日期", "跟踪服务次数", "登记日期"]  # fmt: skip
    rows = [
        [
            p.number,
            p.name,
            p.origin,
            "是" if p.overseas else "否",
            p.get_industry_display(),
            "；".join(f"CN{n}" for n in p.patent_numbers.split()),
            p.organisation.name if p.organisation else "",
            p.region.name if p.region else "",
            p.get_status_display(),
            p.relocated_on,
            p.cultivated_on,
            p.completed_on,
            getattr(p, "follow_up_count", 0),
            p.created_on,
        ]
        for p in projects
    ]
    return simple_table(
        "专利留烟重点项目", headers, rows, [12, 30, 24, 8, 14, 30, 28, 12, 10, 12, 14, 12, 12, 12]
    )
