"""Excel exports of the market's lists: the rows the page lists (the same filters and scope), every
cell through lib.excel (text stays text: a name typed as "=..." is never a formula). Contacts only
for signed-in users, as on the pages."""

from __future__ import annotations

from collections.abc import Iterable

from openpyxl import Workbook

from ipcity.lib.excel import simple_table
from ipcity.market.models import Deal, Need, Offer


def offers_workbook(offers: Iterable[Offer], *, contacts: bool) -> Workbook:
    headers = [
        "编号", "成果名称", "专利权人", "专利申请号", "交易方式", "价格或许可费（元）", "面议", "许可费标准",
        "支付方式", "技术领域", "应用领域与产品", "成熟度", "所在区市", "发布日期",
    ]  # fmt: skip
    if contacts:
        headers += ["联系人", "联系电话"]
    rows = []
    for o in offers:
        row = [
            o.number, o.title, o.holder.name, "；".join(f"CN{p.application_number}" for p in o.patents.all()),
            o.get_mode_display(), o.price, "是" if o.negotiable else "否", o.fee_terms, o.payment_method,
            o.get_field_display(), o.applications, o.get_maturity_display(), o.region.name if o.region else "",
            o.published_on,
        ]  # fmt: skip
        if contacts:
            row += [o.contact_person, o.contact_phone]
        rows.append(row)
    widths = [16, 30, 28, 30, 18, 16, 6, 24, 20, 14, 30, 10, 14, 12] + ([12, 16] if contacts else [])
    return simple_table("技术供给", headers, rows, widths)


def needs_workbook(needs: Iterable[Need], *, contacts: bool) -> Workbook:
    headers = ["编号", "需求名称", "需求单位", "技术领域", "需要解决的技术问题", "预算下限（元）", "预算上限（元）",
               "期望解决日期", "所在区市", "发布日期"]  # fmt: skip
    if contacts:
        headers += ["联系人", "联系电话"]
    rows = []
    for n in needs:
        row = [
            n.number, n.title, n.organisation.name, n.get_field_display(), n.problem, n.budget_min, n.budget_max,
            n.deadline, n.region.name if n.region else "", n.published_on,
        ]  # fmt: skip
        if contacts:
            row += [n.contact_person, n.contact_phone]
        rows.append(row)
    widths = [16, 30, 28, 14, 40, 14, 14, 12, 14, 12] + ([12, 16] if contacts else [])
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
