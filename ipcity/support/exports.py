"""Excel exports of the support lists: the rows the page lists, every cell through lib.excel (text
stays text). Contact details only for the city office, as on the pages."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.utils import timezone
from openpyxl import Workbook

from ipcity.lib.excel import simple_table
from ipcity.registry.models import ManagementCertificate
from ipcity.support.models import (
    AgencyProfile,
    AgencyRating,
    CentreAssessment,
    ClusterMembership,
    Expert,
    ExpertDraw,
    IndustryAlliance,
    OperationCentre,
    PatentPool,
    TrainingActivity,
)


def experts_workbook(experts: Iterable[Expert], *, contacts: bool) -> Workbook:
    headers = ["姓名", "职称", "专业领域（产业）", "专业领域（IPC小类）", "专长", "工作单位"]
    if contacts:
        headers += ["联系电话", "电子邮箱", "可参加评审", "在库"]
    rows = []
    for e in experts:
        row = [
            e.name,
            e.get_title_display(),
            e.get_field_display(),
            e.ipc_subclasses,
            e.speciality,
            e.employer_name,
        ]
        if contacts:
            row += [e.phone, e.email, "是" if e.available else "否", "是" if e.active else "否"]
        rows.append(row)
    widths = [10, 12, 16, 20, 20, 30] + ([16, 24, 10, 6] if contacts else [])
    return simple_table("评审专家", headers, rows, widths)


def draws_workbook(draws: Iterable[ExpertDraw]) -> Workbook:
    headers = ["编号", "评审事项", "申报单位", "专业领域", "IPC小类", "抽取人数", "随机种子", "候选人数",
               "回避人数", "抽中专家", "补抽原因", "抽取时间", "抽取人"]  # fmt: skip
    rows = []
    for d in draws:
        picked = "、".join(p.expert.name for p in d.picks.all())
        drawn_at = timezone.localtime(d.drawn_at).strftime("%Y-%m-%d %H:%M")
        rows.append([
            d.number, d.subject, d.applicant.name, d.get_field_display(), d.ipc_subclass, d.count, str(d.seed),
            len(d.candidates), len(d.excluded), picked, d.reason, drawn_at, d.drawn_by,
        ])  # fmt: skip
    return simple_table("专家抽取记录", headers, rows, [14, 30, 28, 14, 8, 8, 22, 8, 8, 30, 30, 18, 14])


def trainings_workbook(trainings: Iterable[TrainingActivity]) -> Workbook:
    headers = [
        "编号",
        "培训名称",
        "主办单位",
        "培训类别",
        "开始日期",
        "结束日期",
        "学时",
        "地点",
        "所在区市",
        "签到人次",
    ]
    rows = []
    for t in trainings:
        region = t.region.name if t.region else "全市"
        rows.append([
            t.number, t.title, t.organiser, t.get_kind_display(), t.start_date, t.end_date, t.hours, t.place,
            region, getattr(t, "signin_count", None),
        ])  # fmt: skip
    return simple_table("培训活动", headers, rows, [14, 30, 24, 16, 12, 12, 6, 24, 10, 8])


def signins_workbook(training: TrainingActivity) -> Workbook:
    headers = ["姓名", "单位", "电话", "签到方式", "签到时间", "结业证书编号"]
    rows = []
    for s in training.signins.order_by("id"):
        signed = timezone.localtime(s.signed_at).strftime("%Y-%m-%d %H:%M")
        rows.append(
            [s.name, s.organisation_name, s.phone, s.get_source_display(), signed, s.certificate_number]
        )
    return simple_table("签到名单", headers, rows, [10, 30, 16, 12, 18, 20])


def agencies_workbook(profiles: Iterable[AgencyProfile]) -> Workbook:
    headers = ["机构名称", "统一社会信用代码", "所在区市", "服务类型", "资质", "服务内容", "服务区市", "执业人员数",
               "对外联系电话", "网址"]  # fmt: skip
    rows = []
    for p in profiles:
        org = p.organisation
        rows.append([
            org.name, org.uscc or "", org.region.name if org.region else "", "、".join(p.kind_labels),
            p.qualifications, p.services, "、".join(r.name for r in p.districts.all()),
            getattr(p, "staff_count", None), p.phone, p.website,
        ])  # fmt: skip
    return simple_table("服务机构名录", headers, rows, [30, 20, 10, 20, 30, 40, 30, 8, 16, 24])


def cluster_workbook(stays: Iterable[ClusterMembership]) -> Workbook:
    headers = [
        "编号",
        "服务机构",
        "统一社会信用代码",
        "状态",
        "申请日期",
        "入驻日期",
        "迁出/退出日期",
        "原因",
    ]
    rows = [
        [
            m.number,
            m.organisation.name,
            m.organisation.uscc or "",
            m.get_status_display(),
            m.applied_on,
            m.admitted_on,
            m.ended_on,
            m.end_reason,
        ]
        for m in stays
    ]
    return simple_table("集聚区入驻", headers, rows, [14, 30, 20, 10, 12, 12, 14, 30])


def certificates_workbook(rows: Iterable[tuple[ManagementCertificate, str]], on: dt.date) -> Workbook:
    headers = ["机构", "统一社会信用代码", "区市", "标准版本", "证书编号", "发证日期", "有效期至", "证书状态",
               f"{on:%Y-%m-%d} 是否有效"]  # fmt: skip
    out = []
    for c, state in rows:
        org = c.organisation
        out.append([
            org.name, org.uscc or "", org.region.name if org.region else "", c.get_version_display(), c.number,
            c.issued_on, c.expires_on, c.get_status_display(), state,
        ])  # fmt: skip
    return simple_table("贯标证书", headers, out, [30, 20, 10, 16, 20, 12, 12, 8, 40])


def alliances_workbook(alliances: Iterable[IndustryAlliance]) -> Workbook:
    """The public directory of alliances (no contacts)."""
    headers = ["联盟名称", "所属产业", "牵头单位", "成员单位数", "成立日期", "认定", "专利池"]
    rows = []
    for a in alliances:
        recognitions = "；".join(
            f"{r.get_level_display()}（{r.recognised_on:%Y-%m-%d}，{r.issuer}）" for r in a.recognitions.all()
        )
        rows.append([
            a.name, a.get_industry_display(), a.lead.name, getattr(a, "member_count", None), a.founded_on,
            recognitions, "、".join(p.name for p in a.pools.all()),
        ])  # fmt: skip
    return simple_table("产业知识产权联盟", headers, rows, [30, 14, 30, 10, 12, 50, 30])


def alliance_members_workbook(alliance: IndustryAlliance) -> Workbook:
    headers = ["成员单位", "统一社会信用代码", "所在区市", "牵头单位"]
    rows = [
        [o.name, o.uscc or "", o.region.name if o.region else "", "是" if o.pk == alliance.lead_id else ""]
        for o in alliance.members.select_related("region").order_by("name")
    ]
    return simple_table("联盟成员", headers, rows, [36, 22, 10, 8])


def pool_workbook(pool: PatentPool, patents: Iterable[object]) -> Workbook:
    headers = ["申请号", "专利名称", "专利类型", "法律状态", "第一专利权人"]
    rows = [
        [p.application_number, p.title, p.get_patent_type_display(), p.get_legal_status_display(),  # type: ignore[attr-defined]
         p.first_holder_name]  # type: ignore[attr-defined]
        for p in patents
    ]  # fmt: skip
    return simple_table("入池专利", headers, rows, [20, 40, 10, 10, 30])


def centres_workbook(centres: Iterable[OperationCentre], results: dict[int, CentreAssessment]) -> Workbook:
    headers = ["产业", "运营中心", "承建单位", "设立日期", "最近考评年度", "得分", "等次"]
    rows = []
    for c in centres:
        r = results.get(c.pk)
        rows.append([
            c.get_industry_display(), c.name, c.organisation.name, c.established_on,
            r.year if r else None, r.score if r else None, r.get_grade_display() if r else "",
        ])  # fmt: skip
    return simple_table("产业知识产权运营中心", headers, rows, [12, 30, 30, 12, 12, 8, 8])


def assessments_workbook(assessments: Iterable[CentreAssessment]) -> Workbook:
    headers = ["编号", "考评年度", "产业", "运营中心", "状态", "得分", "等次", "确认日期"]
    rows = [
        [a.number, a.year, a.centre.get_industry_display(), a.centre.name, a.get_status_display(), a.score,
         a.get_grade_display(), a.confirmed_on]
        for a in assessments
    ]  # fmt: skip
    return simple_table("运营中心绩效考评", headers, rows, [14, 8, 12, 30, 10, 8, 8, 12])


def ratings_workbook(ratings: Iterable[AgencyRating], year: int) -> Workbook:
    headers = ["名次", "服务机构", "统一社会信用代码", "得分", "等次", "计分明细", "计算日期"]
    rows = []
    for r in ratings:
        org = r.profile.organisation
        detail = "；".join(
            f"{p['label']}：{p['value'] if p['value'] is not None else '—'}，{p['points']} 分"
            for p in r.parts
        )
        rows.append([r.rank, org.name, org.uscc or "", r.score, r.get_grade_display(), detail, r.computed_on])
    return simple_table(f"{year}年度服务机构质量评级", headers, rows, [6, 30, 22, 8, 8, 80, 12])


# ------------------------------------------------------------------------------------------ 人才库、强企


def talents_workbook(rows: Iterable[tuple[Any, list[Any]]], *, contacts: bool, patents: bool) -> Workbook:
    """The talents listed; with their patents found in the registry and the 主要发明人 flag for
    signed-in users, contacts for the city office (as on the page)."""
    headers = ["姓名", "人才类别", "工作单位", "专业领域", "职称/职务", "入库年度"]
    widths = [10, 16, 30, 16, 16, 8]
    if patents:
        headers += ["相关专利（件）", "高价值或获奖专利的主要发明人", "相关专利"]
        widths += [10, 14, 40]
    if contacts:
        headers += ["联系电话", "电子邮箱", "在库"]
        widths += [16, 24, 6]
    out = []
    for t, found in rows:
        row = [t.name, t.get_kind_display(), t.employer.name, t.get_field_display() if t.field else "", t.title,
               t.recognised_year]  # fmt: skip
        if patents:
            flagged = [p for p in found if p.flagged]
            listed = "、".join(p.patent.display_number for p in (flagged or found)[:20])
            row += [len(found), "是" if flagged else "否", listed]
        if contacts:
            row += [t.phone, t.email, "是" if t.active else "否"]
        out.append(row)
    return simple_table("人才库", headers, out, widths)


def recognitions_workbook(rows: Iterable[Any]) -> Workbook:
    headers = [
        "企业",
        "统一社会信用代码",
        "区市",
        "认定级别",
        "认定类别",
        "认定年度",
        "认定文号",
        "认定文件印发日期",
    ]
    out = [
        [
            r.organisation.name,
            r.organisation.uscc or "",
            r.organisation.region.name if r.organisation.region else "",
            r.get_level_display(),
            r.get_kind_display(),
            r.year,
            r.document_number,
            r.issued_on,
        ]
        for r in rows
    ]
    return simple_table("优势示范企业认定", headers, out, [30, 20, 10, 8, 18, 8, 24, 14])


def batch_workbook(batch: Any) -> Workbook:
    headers = ["申报企业", "统一社会信用代码", "申报日期", "评审得分", "拟认定", "评审意见"]
    out = [
        [
            c.organisation.name,
            c.organisation.uscc or "",
            c.applied_on,
            c.score,
            "是" if c.selected else "否",
            c.review_note,
        ]
        for c in batch.candidates.select_related("organisation").order_by("-score", "id")
    ]
    return simple_table(f"{batch.year}年度优势企业评定", headers, out, [30, 20, 12, 10, 8, 40])


def stations_workbook(rows: Iterable[Any]) -> Workbook:
    headers = ["辅导站", "依托单位", "设立日期", "运行中"]
    out = [[s.name, s.host.name, s.established_on, "是" if s.active else "否"] for s in rows]
    return simple_table("上市辅导站", headers, out, [36, 36, 12, 8])


def engagements_workbook(rows: Iterable[Any]) -> Workbook:
    headers = ["辅导站", "依托单位", "辅导企业", "开始辅导日期", "结束辅导日期", "辅导结果"]
    out = [
        [e.station.name, e.station.host.name, e.enterprise.name, e.started_on, e.ended_on, e.outcome]
        for e in rows
    ]
    return simple_table("上市辅导", headers, out, [30, 30, 30, 14, 14, 40])


def dense_products_workbook(rows: Iterable[Any]) -> Workbook:
    headers = ["产品名称", "生产企业", "支撑专利", "备案日期", "认定年度", "说明"]
    out = [
        [
            p.name,
            p.enterprise.name,
            "、".join(x.display_number for x in p.patents.all()),
            p.filed_on,
            p.recognised_year or "未认定",
            p.note,
        ]
        for p in rows
    ]
    return simple_table("专利密集型产品", headers, out, [30, 30, 40, 12, 10, 30])
