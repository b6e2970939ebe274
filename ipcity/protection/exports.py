"""Excel exports of protection's lists: the rows the page lists (same filters and scope), every cell
through lib.excel (text stays text: a shop typed as "=..." is never a formula)."""

from __future__ import annotations

from collections.abc import Iterable

from openpyxl import Workbook

from ipcity.lib.excel import simple_table
from ipcity.protection.models import (
    AidRequest,
    Complaint,
    CreditRecord,
    Dispute,
    OverseasDispute,
    RiskAlert,
    RiskCheck,
    SecretSite,
)
from ipcity.protection.selectors import AgencyGrade, DistrictDisputes, PlatformFacts, SatisfactionRow


def credit_workbook(records: Iterable[CreditRecord], *, public: bool = False) -> Workbook:
    headers = ["机构", "统一社会信用代码", "类别", "认定依据", "认定机关及文号", "起始日期", "终止日期"]
    if not public:
        headers += ["状态", "公示", "说明"]
    rows = []
    for r in records:
        row = [
            r.organisation.name,
            r.organisation.uscc,
            r.get_kind_display(),
            r.legal_basis,
            r.source,
            r.start,
            r.end,
        ]
        if not public:
            row += [r.get_status_display(), "是" if r.public else "否", r.note]
        rows.append(row)
    widths = [28, 22, 26, 30, 30, 12, 12] + ([16, 6, 30] if not public else [])
    return simple_table("信用名单" if public else "信用记录", headers, rows, widths)


def grades_workbook(grades: Iterable[AgencyGrade]) -> Workbook:
    headers = ["服务机构", "统一社会信用代码", "得分", "信用等级", "扣分记录"]
    rows = [
        [
            g.organisation.name,
            g.organisation.uscc,
            g.score,
            g.grade,
            "；".join(f"{r.get_kind_display()}（{r.source}）扣 {points} 分" for r, points in g.deductions),
        ]
        for g in grades
    ]
    return simple_table("服务机构信用等级", headers, rows, [28, 22, 8, 10, 60])


def complaints_workbook(complaints: Iterable[Complaint]) -> Workbook:
    headers = [
        "编号", "权利人", "电商平台", "店铺名称", "商品链接", "权利类型", "权利证书号或申请号", "状态",
        "投诉日期", "采取措施日期", "声明转送日期", "等待期届满", "当前环节期限", "办结日期", "疑似恶意投诉", "办结满意度",
    ]  # fmt: skip
    rows = [
        [
            c.number,
            c.complainant.name,
            c.platform.name,
            c.shop,
            c.listing_url,
            c.get_right_kind_display(),
            c.right_number,
            c.get_status_display(),
            c.filed_on,
            c.measures_on,
            c.counter_forwarded_on,
            c.wait_until,
            c.due_on,
            c.closed_on,
            "是" if c.malicious else "否",
            c.satisfaction,
        ]
        for c in complaints
    ]
    widths = [16, 24, 20, 24, 36, 10, 22, 24, 12, 12, 12, 12, 12, 12, 8, 8]
    return simple_table("电商投诉", headers, rows, widths)


def platform_facts_workbook(facts: Iterable[PlatformFacts]) -> Workbook:
    headers = [
        "电商平台",
        "年度",
        "收到投诉",
        "已处理",
        "按时处理",
        "按时率",
        "处理用时中位数（工作日）",
        "疑似恶意投诉",
        "平均满意度",
    ]
    rows = [
        [
            f.platform.name,
            f.year,
            f.received,
            f.acted,
            f.on_time,
            f"{f.on_time_share:.0%}" if f.on_time_share is not None else "",
            f.median_working_days,
            f.malicious,
            f.satisfaction,
        ]
        for f in facts
    ]
    return simple_table("电商平台投诉处理", headers, rows, [28, 8, 10, 10, 10, 10, 20, 12, 12])


def disputes_workbook(disputes: Iterable[Dispute]) -> Workbook:
    headers = ["案号", "案件类型", "办理区市", "请求人", "被请求人", "涉案权利", "状态", "申请日期", "结案日期", "办案周期（日）",
               "技术调查官", "调解组织"]  # fmt: skip
    rows = [
        [
            d.number,
            d.get_kind_display(),
            d.region.name,
            d.claimant_name,
            d.respondent_name,
            d.rights_note,
            d.get_status_display(),
            d.filed_on,
            d.closed_on,
            d.cycle_days,
            d.investigator,
            d.mediation_body,
        ]
        for d in disputes
    ]
    return simple_table("纠纷案件", headers, rows, [16, 22, 12, 24, 24, 30, 18, 12, 12, 10, 12, 24])


def dispute_stats_workbook(rows: Iterable[DistrictDisputes]) -> Workbook:
    headers = ["区市", "年度", "申请件数", "已结件数", "办案周期中位数（日）"]
    data = [[r.region.name, r.year, r.filed, r.ended, r.median_cycle_days] for r in rows]
    return simple_table("纠纷案件统计", headers, data, [16, 8, 10, 10, 18])


def aid_requests_workbook(requests: Iterable[AidRequest]) -> Workbook:
    headers = [
        "编号",
        "申请单位",
        "援助事项",
        "援助机构",
        "状态",
        "申请日期",
        "分派日期",
        "受理期限",
        "受理日期",
        "办结日期",
        "维权成功",
        "具有较大影响力",
        "办理结果",
        "办结满意度",
    ]
    rows = [
        [
            r.number,
            r.requester.name,
            r.summary,
            r.body.name if r.body else "",
            r.get_status_display(),
            r.submitted_on,
            r.routed_on,
            r.due_on,
            r.accepted_on,
            r.closed_on,
            "" if r.successful is None else ("是" if r.successful else "否"),
            "是" if r.influential else "否",
            r.outcome,
            r.satisfaction,
        ]
        for r in requests
    ]
    return simple_table("维权援助", headers, rows, [16, 24, 36, 24, 14, 12, 12, 8, 10, 30, 8])


def alerts_workbook(alerts: Iterable[RiskAlert]) -> Workbook:
    headers = ["标题", "风险类型", "国家或地区", "产业", "国际专利分类号", "发布日期", "预警内容"]
    rows = [
        [a.title, a.get_kind_display(), a.country, a.get_industry_display(), a.ipc, a.published_on, a.body]
        for a in alerts
    ]
    return simple_table("海外风险预警", headers, rows, [30, 16, 12, 16, 12, 12, 60])


def risk_checks_workbook(checks: Iterable[RiskCheck]) -> Workbook:
    headers = [
        "编号",
        "申请单位",
        "事由",
        "目的国家或地区",
        "产品",
        "展会或出口日期",
        "状态",
        "申请日期",
        "排查意见",
        "答复日期",
    ]
    rows = [
        [
            c.number,
            c.organisation.name,
            c.get_purpose_display(),
            c.country,
            c.products,
            c.event_on,
            c.get_status_display(),
            c.submitted_on,
            c.answer,
            c.answered_on,
        ]
        for c in checks
    ]
    return simple_table("风险排查", headers, rows, [16, 24, 14, 14, 30, 12, 12, 12, 50, 12])


def overseas_disputes_workbook(disputes: Iterable[OverseasDispute]) -> Workbook:
    headers = [
        "当事单位",
        "国家或地区",
        "纠纷类型",
        "对方当事人",
        "受理机构",
        "开始日期",
        "结果",
        "结束日期",
        "说明",
    ]
    rows = [
        [
            d.organisation.name,
            d.country,
            d.get_kind_display(),
            d.opponent,
            d.forum,
            d.started_on,
            d.get_outcome_display(),
            d.ended_on,
            d.note,
        ]
        for d in disputes
    ]
    return simple_table("涉外纠纷", headers, rows, [24, 12, 16, 24, 24, 12, 8, 12, 30])


def secret_sites_workbook(sites: Iterable[SecretSite]) -> Workbook:
    headers = ["名称", "类型", "所在区市", "联系人", "联系电话", "认定日期"]
    rows = [[s.name, s.get_kind_display(), s.region.name, s.contact, s.phone, s.designated_on] for s in sites]
    return simple_table("商业秘密保护站点", headers, rows, [30, 20, 12, 10, 16, 12])


def satisfaction_workbook(rows: Iterable[SatisfactionRow], year: int) -> Workbook:
    headers = ["服务", "区市", "年度", "评价件数", "平均分"]
    data = [[r.service, r.region, year, r.scored, r.mean] for r in rows]
    return simple_table("办结满意度", headers, data, [16, 14, 8, 10, 10])
