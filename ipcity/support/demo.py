"""Demo data of the support ecosystem (labelled 演示): an expert pool across the plan's industries,
one expert working at a demo university (so the draw for its application shows 回避), a declared
relation. Idempotent; loaded through support/services.py."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ipcity.core.audit import Actor
from ipcity.registry.choices import Industry
from ipcity.registry.models import Organisation, Patent
from ipcity.support import services
from ipcity.support.choices import ExpertTitle, RelationKind
from ipcity.support.models import Expert

# The grants demo draws its expert review from this field with this seed (the same draw each load).
DEMO_EXPERT_FIELD = Industry.HIGH_END_EQUIPMENT
DEMO_DRAW_SEED = 20240913

I = Industry  # noqa: E741
T = ExpertTitle
# name, title, field, IPC subclasses, speciality, employer (a demo organisation's name or free text)
EXPERTS = [
    ("王演示", T.SENIOR, I.HIGH_END_EQUIPMENT, "B23K F16H", "机械与材料", "（演示）烟台滨海理工学院"),
    ("李演示", T.SENIOR, I.BIOMEDICINE, "A61K C07D", "生物医药", "（演示）胶东海洋大学"),
    ("赵演示", T.VICE_SENIOR, I.HIGH_END_EQUIPMENT, "G05B", "知识产权管理", "（演示）烟台知识产权研究会"),
    ("钱演示", T.SENIOR, I.HIGH_END_EQUIPMENT, "B25J G05B", "工业机器人", "（演示）烟台工程技术研究院"),
    ("孙演示", T.PATENT_ATTORNEY, I.HIGH_END_EQUIPMENT, "F16H", "专利代理", "（演示）胶东专利事务所"),
    ("周演示", T.VICE_SENIOR, I.HIGH_END_EQUIPMENT, "B23K", "焊接工艺", "（演示）鲁东机械研究所"),
    ("吴演示", T.SENIOR, I.ELECTRONIC_INFORMATION, "G06F H04L", "软件与通信", "（演示）胶东海洋大学"),
    ("郑演示", T.VICE_SENIOR, I.FOOD_PROCESSING, "A23L", "食品工程", "（演示）烟台食品研究所"),
    ("冯演示", T.SENIOR, I.GREEN_PETROCHEMICAL, "C10G", "石化工艺", "（演示）烟台石化设计院"),
    ("陈演示", T.INTERMEDIATE, I.HIGH_END_EQUIPMENT, "B65G", "物流装备", "（演示）烟台工程技术研究院"),
]  # fmt: skip
# 周演示 declared he advises the demo university: kept out of its reviews.
RELATIONS = [("周演示", "（演示）鲁东机械研究所", "（演示）烟台滨海理工学院", RelationKind.ADVISER)]


def load_experts(*, actor: Actor) -> list[Expert]:
    orgs = {o.name: o for o in Organisation.objects.filter(is_demo=True)}
    experts = []
    for index, (name, title, field, ipc, speciality, employer) in enumerate(EXPERTS, start=1):
        experts.append(
            services.save_expert(
                actor=actor,
                name=name,
                title=title,
                field=field,
                ipc_subclasses=ipc,
                speciality=speciality,
                employer_name=employer,
                employer=orgs.get(employer),
                phone=f"0535-6{index:06d}",
                is_demo=True,
            )
        )
    for name, employer, org_name, kind in RELATIONS:
        expert = Expert.objects.get(name=name, employer_name=employer)
        org = orgs.get(org_name)
        if org is not None and not expert.relations.filter(organisation=org, kind=kind).exists():
            services.declare_relation(
                expert,
                org,
                actor=actor,
                kind=kind,
                note="（演示）兼任技术顾问",
                declared_on=dt.date(2024, 1, 8),
            )
    return experts


DEMO_TRAININGS = [
    # title, organiser, kind, start, end, hours, place, region name, people signed in
    ("（演示）企业知识产权管理规范贯标培训", "烟台市知识产权局", "management", dt.date(2024, 4, 18), dt.date(2024, 4, 19),
     "12", "芝罘区会议中心", "芝罘区", 6),
    ("（演示）专利代理实务提升班", "烟台市知识产权局", "practice", dt.date(2024, 9, 12), dt.date(2024, 9, 12),
     "6", "莱山区创新大厦", "莱山区", 4),
]  # fmt: skip
SURNAMES = "赵钱孙李周吴郑王冯陈"


def load_trainings(*, actor: Actor) -> None:
    from ipcity.core.models import Region
    from ipcity.support.models import TrainingActivity

    regions = {r.name: r for r in Region.objects.all()}
    for title, organiser, kind, start, end, hours, place, region, people in DEMO_TRAININGS:
        if TrainingActivity.objects.filter(title=title, start_date=start).exists():
            continue
        training = services.create_training(
            actor=actor, title=title, organiser=organiser, kind=kind, start_date=start, end_date=end,
            hours=Decimal(hours), place=place, region=regions.get(region), is_demo=True,
        )  # fmt: skip
        for i in range(people):
            services.sign_in(
                training,
                actor=actor,
                name=f"{SURNAMES[i]}学员（演示）",
                organisation_name="（演示）烟台海岳科技有限公司",
                on=start,
            )
        services.issue_certificates(training, actor=actor)


DEMO_AGENCY = "（演示）烟台知桥知识产权代理事务所"


def load_agencies(*, actor: Actor) -> None:
    """知桥's directory profile and its stay in the 集聚区 (admitted 2023, reports for 2023 and 2024)."""
    from ipcity.core.models import Region
    from ipcity.support.models import ClusterMembership

    org = Organisation.objects.filter(name=DEMO_AGENCY, is_demo=True).first()
    if org is None:
        return
    regions = list(Region.objects.filter(name__in=["芝罘区", "莱山区", "福山区"]))
    profile = services.save_agency_profile(
        org, actor=actor, kinds=["patent_agency", "trademark_agency", "operation"],
        qualifications="专利代理机构执业许可证（演示）", services="专利申请、复审无效、商标注册、专利导航（演示）",
        districts=regions, phone="0535-6000000", is_demo=True,
    )  # fmt: skip
    for name, licence in (("刘代理（演示）", "3710000001"), ("陈代理（演示）", "3710000002")):
        if not profile.staff.filter(name=name).exists():
            services.add_agency_staff(
                profile, actor=actor, name=name, licence_number=licence, position="专利代理师"
            )
    if ClusterMembership.objects.filter(organisation=org).exists():
        return
    stay = services.apply_to_cluster(
        org,
        actor=actor,
        statement="（演示）申请入驻知识产权服务业集聚区",
        on=dt.date(2023, 3, 6),
        is_demo=True,
    )
    services.admit_to_cluster(stay, actor=actor, on=dt.date(2023, 3, 20))
    for year, staff, revenue, clients in ((2023, 14, "3200000", 120), (2024, 18, "4100000", 150)):
        services.report_cluster_year(
            stay,
            actor=actor,
            year=year,
            staff=staff,
            revenue=Decimal(revenue),
            clients=clients,
            on=dt.date(year + 1, 1, 15),
        )


DEMO_ALLIANCE = "（演示）烟台生物医药产业知识产权联盟"
DEMO_LEAD = "（演示）烟台蓝鲸生物医药股份有限公司"
DEMO_MEMBERS = ["（演示）烟台滨海理工学院", "（演示）烟台海岳新材料有限公司"]


def load_alliances(*, actor: Actor) -> None:
    """A biomedicine alliance led by 蓝鲸 with a provincial recognition and a pool of 蓝鲸's patents."""
    from ipcity.registry.models import Patent
    from ipcity.support.models import IndustryAlliance

    orgs = {o.name: o for o in Organisation.objects.filter(is_demo=True)}
    if DEMO_LEAD not in orgs or IndustryAlliance.objects.filter(name=DEMO_ALLIANCE).exists():
        return
    alliance = services.save_alliance(
        actor=actor, name=DEMO_ALLIANCE, industry=Industry.BIOMEDICINE, lead=orgs[DEMO_LEAD],
        founded_on=dt.date(2022, 6, 18), description="（演示）海洋生物医药企业、高校共同发起", is_demo=True,
    )  # fmt: skip
    members = [orgs[n] for n in DEMO_MEMBERS if n in orgs]
    if members:
        services.add_alliance_members(alliance, members, actor=actor)
    services.record_alliance_recognition(
        alliance, actor=actor, level="provincial_key", recognised_on=dt.date(2023, 11, 20),
        issuer="山东省知识产权局（演示）", document_number="（演示）",
    )  # fmt: skip
    numbers = list(
        Patent.objects.filter(holders__organisation=orgs[DEMO_LEAD])
        .order_by("application_number")
        .values_list("application_number", flat=True)[:5]
    )
    services.save_patent_pool(
        alliance, actor=actor, name="（演示）海洋生物医药专利池", established_on=dt.date(2023, 4, 1),
        licensing_terms="（演示）成员间交叉许可；对联盟外企业普通许可，按件计费，费用另行协商",
        patent_numbers=numbers, is_demo=True,
    )  # fmt: skip


# (industry, name, organisation, assessment of 2024 confirmed)
DEMO_CENTRES = [
    ("biomedicine", "（演示）烟台生物医药产业知识产权运营中心", DEMO_LEAD, True),
    ("high_end_equipment", "（演示）烟台高端装备产业知识产权运营中心", DEMO_AGENCY, False),
]
DEMO_REPORTED = {
    "enterprises_served": Decimal("86"),
    "high_value_patents": Decimal("14"),
    "navigation_projects": Decimal("2"),
    "operation_revenue": Decimal("160"),
}


def load_centres(*, actor: Actor) -> None:
    """Two of the six centres; 生物医药's 2024 assessment confirmed, 高端装备's waiting for its report."""
    from ipcity.support.models import CentreAssessment

    orgs = {o.name: o for o in Organisation.objects.filter(is_demo=True)}
    for industry, name, org_name, confirm in DEMO_CENTRES:
        if org_name not in orgs:
            continue
        centre = services.save_operation_centre(
            actor=actor, industry=industry, name=name, organisation=orgs[org_name],
            established_on=dt.date(2022, 9, 1), services="（演示）专利导航、高价值专利培育、运营交易服务", is_demo=True,
        )  # fmt: skip
        if CentreAssessment.objects.filter(centre=centre, year=2024).exists():
            continue
        assessment = services.open_assessment(centre, actor=actor, year=2024, is_demo=True)
        if confirm:
            values = {c: DEMO_REPORTED.get(c, Decimal("120")) for c in services.reportable_codes(assessment)}
            services.report_assessment_items(assessment, actor=actor, values=values)
            services.submit_assessment(assessment, actor=actor)
            services.confirm_assessment(assessment, actor=actor, on=dt.date(2025, 3, 10))


def load_ratings(*, actor: Actor) -> None:
    """The 2024 quality rating of the demo agencies (computed again on each load: idempotent)."""
    from ipcity.support.models import AgencyRating

    if not AgencyRating.objects.filter(year=2024).exists():
        services.rate_agencies(2024, actor=actor)


def load_support_demo(*, actor: Actor) -> None:
    load_experts(actor=actor)
    load_trainings(actor=actor)
    load_agencies(actor=actor)
    load_alliances(actor=actor)
    load_centres(actor=actor)
    load_ratings(actor=actor)
    load_talents_and_strong_enterprises(actor=actor)


# ------------------------------------------------------------------------------------------ 人才库、强企

DEMO_TALENT_KINDS = ["leading", "key", "young", "ip_director"]
DEMO_STATION = "（演示）烟台大学企业上市知识产权辅导站"


def _demo_enterprises_with_patents(n: int) -> list[tuple[Organisation, list[Patent]]]:
    """The first `n` demo enterprises (by name) holding patents, each with up to three of them."""
    from ipcity.registry.models import PatentHolder

    out: list[tuple[Organisation, list[Patent]]] = []
    enterprises = Organisation.objects.filter(is_demo=True, kind="enterprise").order_by("name")
    for org in enterprises[:200]:
        ids = list(
            PatentHolder.objects.filter(organisation=org)
            .order_by("patent_id")
            .values_list("patent_id", flat=True)[:3]
        )
        if ids:
            out.append((org, list(Patent.objects.filter(pk__in=ids).order_by("pk"))))
        if len(out) == n:
            break
    return out


def load_talents_and_strong_enterprises(*, actor: Actor) -> None:
    """Talents (the first inventor of a demo enterprise's patent, so their patents show), a 公示
    stage city evaluation, a 上市辅导站 coaching two enterprises and a
    专利密集型产品 — all labelled 演示. Idempotent."""
    from ipcity.registry.models import Award
    from ipcity.support import services_strong as strong
    from ipcity.support.models import (
        AdvantageBatch,
        CoachingStation,
        DenseProduct,
        EnterpriseRecognition,
        Talent,
    )

    found = _demo_enterprises_with_patents(4)
    if len(found) < 4:
        return
    people = [(org, patents[0].inventors[:1]) for org, patents in found]
    # The 领军人才: the first inventor of an awarded patent, so the 主要发明人 flag shows.
    award = (
        Award.objects.filter(patent__isnull=False, holder__kind="enterprise", holder__is_demo=True)
        .select_related("patent", "holder")
        .order_by("pk")
        .first()
    )
    if award is not None and award.holder is not None and award.patent is not None:
        people[0] = (award.holder, award.patent.inventors[:1])
    for (org, names), kind in zip(people, DEMO_TALENT_KINDS, strict=True):
        if not names or Talent.objects.filter(name=str(names[0]), employer=org).exists():
            continue
        strong.save_talent(
            None, actor=actor, name=str(names[0]), kind=kind, employer=org, recognised_year=2024,
            field=org.industry if org.industry in Industry.values else "",
            title="知识产权部部长" if kind == "ip_director" else "高级工程师", phone="0535-6100000",
            note="（演示）", is_demo=True,
        )  # fmt: skip
    orgs = [org for org, _patents in found]
    if not AdvantageBatch.objects.filter(year=2025).exists():
        batch = strong.open_advantage_batch(actor=actor, year=2025, note="（演示）", is_demo=True)
        for org in orgs[:3]:
            strong.add_advantage_candidate(
                batch, actor=actor, organisation=org, applied_on=dt.date(2025, 5, 10)
            )
        strong.start_advantage_review(batch, actor=actor)
        for candidate, (score, chosen) in zip(
            batch.candidates.order_by("id"), [("92.5", True), ("88", True), ("71", False)], strict=True
        ):
            strong.evaluate_advantage_candidate(
                batch, actor=actor, candidate=candidate, score=Decimal(score), selected=chosen,
                review_note="（演示）专家评审意见",
            )  # fmt: skip
        strong.publicise_advantage_batch(batch, actor=actor, on=dt.date(2025, 9, 1))
    # A provincial recognition (by the province's document): registry tag → 免申即享 detection.
    if (
        len(orgs) > 2
        and not EnterpriseRecognition.objects.filter(organisation=orgs[2], level="provincial").exists()
    ):
        strong.record_recognition(
            actor=actor, organisation=orgs[2], level="provincial", kind="advantage", year=2024,
            document_number="（演示）鲁知发〔2024〕1号", issued_on=dt.date(2024, 11, 20), is_demo=True,
        )  # fmt: skip
    host = Organisation.objects.filter(is_demo=True, kind="university").order_by("name").first()
    if host is not None and not CoachingStation.objects.filter(name=DEMO_STATION).exists():
        station = strong.save_coaching_station(
            None, actor=actor, name=DEMO_STATION, host=host, established_on=dt.date(2023, 3, 1),
            contact_person="（演示）刘老师", phone="0535-6200000", is_demo=True,
        )  # fmt: skip
        strong.start_coaching(station, actor=actor, enterprise=orgs[0], started_on=dt.date(2023, 6, 1))
        second = strong.start_coaching(
            station, actor=actor, enterprise=orgs[1], started_on=dt.date(2023, 9, 1)
        )
        strong.end_coaching(second, actor=actor, ended_on=dt.date(2024, 12, 20), outcome="（演示）已申报上市")
    org, patents = found[0]
    if not DenseProduct.objects.filter(enterprise=org).exists():
        product = strong.file_dense_product(
            actor=actor, enterprise=org, name="（演示）智能精密减速器", filed_on=dt.date(2024, 4, 1),
            patents=patents, note="（演示）", is_demo=True,
        )  # fmt: skip
        strong.recognise_dense_product(product, actor=actor, year=2024)
