"""The market part of the demo data set — SYNTHETIC: a few offers (a university's free licence to
SMEs and open licence, enterprises' licences, a draft), needs, an agency mandate and deals in several
statuses, all made through the real services from the demo organisations' registry patents and
marked as demo (`is_demo`, shown as 演示). Idempotent by demo key. An offer whose holder holds no
patent in force in the (generated) registry is left out."""

from __future__ import annotations

import datetime as dt
import logging
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from ipcity.accounts.models import User
from ipcity.core.audit import Actor
from ipcity.market import auctions, services
from ipcity.market.choices import CloseRule, MatchKind
from ipcity.market.models import AgencyMandate, Auction, Deal, Need, Offer, RetentionProject
from ipcity.registry.choices import OrganisationKind, PatentType
from ipcity.registry.models import Organisation, Patent

log = logging.getLogger(__name__)

UNIVERSITY = "（演示）烟台滨海理工学院"
HAIYUE = "（演示）烟台海岳新材料有限公司"
LANJING = "（演示）烟台蓝鲸生物医药股份有限公司"
AGENCY = "（演示）烟台知桥知识产权代理事务所"
JINSUI = "（演示）龙口金穗食品有限公司"
DEMO_PDF = (
    b"%PDF-1.4\n% ipcity demo evaluation report - synthetic\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)

# (key, holder, mode, patent types wanted, publish, values)
OFFERS: list[tuple[str, str, str, tuple[str, ...], bool, dict[str, Any]]] = [
    ("o1", UNIVERSITY, "free_sme", (PatentType.INVENTION,), True, {
        "title": "（演示）低温等离子体果蔬保鲜技术", "field": "food_processing", "maturity": "pilot",
        "applications": "苹果、大樱桃等水果冷库保鲜；海产品冷链", "price": None,
        "description": "【演示数据】高校面向本市中小微企业免费许可的保鲜技术。",
    }),
    ("o2", UNIVERSITY, "open", (PatentType.UTILITY_MODEL, PatentType.INVENTION), True, {
        "title": "（演示）智能海洋牧场网箱监测装置", "field": "high_end_equipment", "maturity": "bench",
        "applications": "海洋牧场、深远海养殖", "price": Decimal("30000"), "fee_terms": "每年 3 万元",
        "payment_method": "每年 1 月 31 日前银行转账", "description": "【演示数据】开放许可声明。",
    }),
    ("o3", HAIYUE, "ordinary", (PatentType.INVENTION, PatentType.UTILITY_MODEL), True, {
        "title": "（演示）高强度铝合金铸造工艺", "field": "nonferrous_precious", "maturity": "production",
        "applications": "汽车轻量化零部件", "price": Decimal("800000"),
        "description": "【演示数据】企业普通许可。",
    }),
    ("o4", HAIYUE, "assignment", (PatentType.INVENTION, PatentType.UTILITY_MODEL), False, {
        "title": "（演示）耐腐蚀涂层材料（草稿）", "field": "green_petrochemical", "maturity": "lab",
        "applications": "海工装备防腐", "price": None, "negotiable": True,
        "description": "【演示数据】尚未发布的草稿。",
    }),
]  # fmt: skip
NEEDS: list[tuple[str, str, bool, dict[str, Any]]] = [
    ("n1", LANJING, True, {
        "title": "（演示）生物药冻干工艺放大", "problem": "【演示数据】需要把冻干工艺从实验室放大到中试规模。",
        "field": "biomedicine", "budget_min": Decimal("500000"), "budget_max": Decimal("2000000"),
    }),
    ("n2", JINSUI, True, {
        "title": "（演示）粉丝生产废水处理", "problem": "【演示数据】需要低成本处理淀粉废水并回收蛋白。",
        "field": "food_processing", "budget_min": None, "budget_max": Decimal("300000"),
    }),
    ("n3", LANJING, False, {
        "title": "（演示）缓释制剂辅料替代（草稿）", "problem": "【演示数据】尚未发布的需求草稿。",
        "field": "biomedicine", "budget_min": None, "budget_max": None,
    }),
]  # fmt: skip


def _user(username: str) -> Actor:
    return Actor.web(User.objects.get(username=username))


def _patent(holders: list[Organisation], types: tuple[str, ...], used: set[int]) -> Patent | None:
    """A patent in force today of the first holder that has one of the first wanted type that any
    holder has."""
    today = timezone.localdate()
    for patent_type in types:
        for holder in holders:
            candidates = Patent.objects.filter(
                holders__organisation=holder, legal_status="valid", patent_type=patent_type
            ).exclude(pk__in=used)
            for patent in candidates.order_by("-filing_date")[:50]:
                if patent.in_force_refusal(today) is None:
                    return patent
    return None


def _holders(name: str, orgs: dict[str, Organisation]) -> list[Organisation]:
    """The demo university first; in a small demo registry where it holds no patent in force,
    another demo university or institute does (the offer is the same kind of offer)."""
    if name != UNIVERSITY:
        return [orgs[name]]
    others = Organisation.objects.filter(
        is_demo=True, kind__in=[OrganisationKind.UNIVERSITY, OrganisationKind.RESEARCH_INSTITUTE]
    ).exclude(pk=orgs[UNIVERSITY].pk)
    return [orgs[UNIVERSITY], *others.order_by("name")]


@transaction.atomic
def load_market_demo(*, actor: Actor) -> dict[str, int]:
    orgs = {
        o.name: o for o in Organisation.objects.filter(name__in=[UNIVERSITY, HAIYUE, LANJING, AGENCY, JINSUI])
    }
    if len(orgs) < 5:
        log.warning("market demo: the demo organisations are not loaded")
        return {"offers": 0, "needs": 0, "deals": 0}
    if (
        not AgencyMandate.objects.in_force()
        .filter(organisation=orgs[UNIVERSITY], agency=orgs[AGENCY])
        .exists()
    ):
        services.authorise_agency(orgs[UNIVERSITY], orgs[AGENCY], actor=actor)
    used: set[int] = set(Offer.patents.through.objects.values_list("patent_id", flat=True))
    offers: dict[str, Offer] = {o.demo_key: o for o in Offer.objects.filter(is_demo=True)}
    for key, holder_name, mode, types, publish, overrides in OFFERS:
        if key in offers:
            continue
        holders = _holders(holder_name, orgs)
        # A patent not offered yet; else (a small demo registry) one already in another offer.
        patent = _patent(holders, types, used) or _patent(holders, types, set())
        if patent is None:
            log.warning("market demo: %s holds no patent in force, offer %s left out", holder_name, key)
            continue
        used.add(patent.pk)
        holder = next(h for h in holders if patent.holders.filter(organisation=h).exists())
        values = {
            "mode": mode, "negotiable": False, "fee_terms": "", "payment_method": "", "region": holder.region,
            "contact_person": "演示联系人", "contact_phone": "0535-0000000", **overrides,
        }  # fmt: skip
        needs_report = mode == "open" and patent.patent_type != PatentType.INVENTION
        offer = services.create_offer(
            actor=actor,
            holder=holder,
            values=values,
            patent_numbers=f"CN{patent.application_number}",
            evaluation_report=SimpleUploadedFile("专利权评价报告（演示）.pdf", DEMO_PDF)
            if needs_report
            else None,
            is_demo=True,
            demo_key=key,
        )
        if publish:
            services.publish_offer(offer, actor=actor)
        offers[key] = offer
    existing_needs = set(Need.objects.filter(is_demo=True).values_list("demo_key", flat=True))
    for key, org_name, publish, overrides in NEEDS:
        if key in existing_needs:
            continue
        org = orgs[org_name]
        values = {"deadline": dt.date(2027, 6, 30), "region": org.region, "contact_person": "演示联系人",
                  "contact_phone": "0535-0000000", **overrides}  # fmt: skip
        need = services.create_need(actor=actor, organisation=org, values=values, is_demo=True, demo_key=key)
        if publish:
            services.publish_need(need, actor=actor)
    _deals(offers, orgs, actor)
    _auction(orgs, used, actor)
    _retention(orgs, actor)
    # The enterprises' side of the matching index, from the demo registry (offers and needs are
    # indexed as they are published).
    services.rebuild_match_index(actor=actor, kinds=[MatchKind.ORGANISATION])
    return {
        "offers": Offer.objects.filter(is_demo=True).count(),
        "needs": Need.objects.filter(is_demo=True).count(),
        "deals": Deal.objects.filter(is_demo=True).count(),
    }


def _deals(offers: dict[str, Offer], orgs: dict[str, Organisation], actor: Actor) -> None:
    """蓝鲸 negotiates the university's free licence; 海岳 took the open licence (waiting for the
    university's confirmation of the fee); 蓝鲸 licensed 海岳's alloy process (confirmed: in the
    registry and both 一企一档)."""
    done = set(Deal.objects.filter(is_demo=True).values_list("demo_key", flat=True))
    lanjing, haiyue, university = (
        _user("enterprise-lanjing"),
        _user("enterprise-haiyue"),
        _user("university-binhai"),
    )
    today = timezone.localdate()
    # The licensor's steps by its account (the demo university's, 海岳's), else by the loader.
    by_name = {UNIVERSITY: university, HAIYUE: haiyue}

    def licensor(offer: Offer) -> Actor:
        return by_name.get(offer.holder.name, actor)

    if "d1" not in done and "o1" in offers:
        deal = services.express_interest(
            offers["o1"], actor=lanjing, organisation=orgs[LANJING], message="【演示】希望用于冷链产品。",
            is_demo=True, demo_key="d1",
        )  # fmt: skip
        services.accept_deal(deal, actor=licensor(offers["o1"]))
        services.add_deal_note(
            deal, actor=licensor(offers["o1"]), text="【演示】已约定下周到校交流实施条件。"
        )
    if "d2" not in done and "o2" in offers and offers["o2"].holder_id != orgs[HAIYUE].pk:
        services.express_interest(
            offers["o2"], actor=haiyue, organisation=orgs[HAIYUE], message="【演示】书面通知：接受开放许可。",
            is_demo=True, demo_key="d2",
        )  # fmt: skip
    if "d3" not in done and "o3" in offers:
        deal = services.express_interest(
            offers["o3"], actor=lanjing, organisation=orgs[LANJING], is_demo=True, demo_key="d3"
        )
        services.accept_deal(deal, actor=haiyue)
        services.sign_deal(
            deal, actor=lanjing, kind="ordinary", amount=Decimal("600000"), contract_date=today, term_end=None
        )
        services.confirm_deal(deal, actor=haiyue)


def _auction(orgs: dict[str, Organisation], used: set[int], actor: Actor) -> None:
    """The demo agency's auction of two university patents, open for a week: 蓝鲸 registered, its
    deposit recorded, one bid placed."""
    if Auction.objects.filter(is_demo=True).exists():
        return
    holders = _holders(UNIVERSITY, orgs)
    patents = []
    for _ in range(2):
        patent = _patent(holders, (PatentType.INVENTION, PatentType.UTILITY_MODEL), used)
        if patent is None:
            log.warning("market demo: no patent in force left for the demo auction")
            return
        used.add(patent.pk)
        patents.append(patent)
    now = timezone.now()
    agency = orgs[AGENCY]
    auction = auctions.create_auction(
        actor=actor,
        organiser=agency,
        values={
            "title": "【演示】高校专利转让竞价会",
            "description": "【演示】竞买单位须先报名并缴纳保证金，经组织机构确认后方可出价；保留价不公开。",
            "starts_at": now - dt.timedelta(days=1),
            "ends_at": now + dt.timedelta(days=7),
            "deposit": "20000",
        },
        is_demo=True,
    )
    for i, patent in enumerate(patents, start=1):
        holder = next(h for h in holders if patent.holders.filter(organisation=h).exists())
        if not AgencyMandate.objects.in_force().filter(organisation=holder, agency=agency).exists():
            services.authorise_agency(holder, agency, actor=actor)
        auctions.add_lot(
            auction,
            actor=actor,
            holder=holder,
            patent_numbers=f"CN{patent.application_number}",
            values={
                "title": f"【演示】{patent.title}"[:200],
                "starting_price": "100000" if i == 1 else "50000",
                "increment": "10000" if i == 1 else "5000",
                "reserve_price": "300000" if i == 1 else "80000",
                "close_rule": CloseRule.TIME if i == 1 else CloseRule.RESERVE,
            },
        )
    # A second one in preparation (草稿), to be published once its lots are complete.
    auctions.create_auction(
        actor=actor,
        organiser=agency,
        values={
            "title": "【演示】海洋生物技术专利竞价会（筹备中）",
            "description": "",
            "starts_at": now + dt.timedelta(days=30),
            "ends_at": now + dt.timedelta(days=37),
            "deposit": "10000",
        },
        is_demo=True,
    )
    auctions.publish_auction(auction, actor=actor)
    bidder = auctions.register_bidder(auction, actor=actor, organisation=orgs[LANJING])
    auctions.approve_bidder(bidder, actor=actor, amount="20000")
    auctions.place_bid(auction.lots.get(position=1), actor=actor, organisation=orgs[LANJING], amount="120000")


RETENTION = [
    # (name, origin, overseas, industry, undertaking organisation or None, the last step)
    (
        "（演示）高镍正极材料专利组合落户项目",
        "（演示）德国某材料研究所",
        True,
        "clean_energy",
        HAIYUE,
        "cultivate",
    ),
    ("（演示）海洋生物活性肽制备技术项目", "（演示）上海某大学", False, "biomedicine", None, ""),
]


def _retention(orgs: dict[str, Organisation], actor: Actor) -> None:
    """Two 专利留烟 projects: one settled and in 跟踪培育 with a follow-up, one still in talks."""
    from ipcity.market import retention

    if RetentionProject.objects.filter(is_demo=True).exists():
        return
    today = timezone.localdate()
    for name, origin, overseas, industry, org, last in RETENTION:
        values = {
            "name": name, "origin": origin, "overseas": overseas, "industry": industry,
            "description": "演示数据：虚构的引进项目。", "patent_numbers": "",
            "contact_person": "演示联系人", "contact_phone": "0535-0000000",
        }  # fmt: skip
        project = retention.create_project(actor=actor, values=values, is_demo=True)
        retention.add_follow_up(
            project, actor=actor, on=today, service="support", text="演示数据：对接项目方，介绍配套服务政策。"
        )
        if org is None:
            continue
        retention.relocate_project(project, actor=actor, organisation=orgs[org].name, relocated_on=today)
        if last == "cultivate":
            retention.cultivate_project(project, actor=actor)
