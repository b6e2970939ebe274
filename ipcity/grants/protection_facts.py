"""Facts of the protection reward items that the protection module's records answer (二(一)3–5),
read as grants reads the registry's licences (public.licence_facts): from the last three years.

- 公益维权服务机构奖励 (二(一)3, `public_interest_enforcement`): the 维权援助 cases closed by the aid
  bodies the organisation is, successful and found by the city office to be of 较大影响力;
- 涉外知识产权诉讼胜诉补贴 (二(一)4, `foreign_litigation`): the organisation's overseas disputes
  recorded as won;
- 规范化电商平台奖励 (二(一)5, `ecommerce_platform`): the platform's complaint handling (received,
  handled on time, median working days) — evidence for the office, not a fact of the item (its one
  fact, the provincial programme, is a list the platform does not hold).

`protection_facts` prefills the calculator and the application form; `protection_evidence` lists
the records behind them on the application and entitlement pages. What only the applicant can say
(服务费用, 司法诉讼, 公益性质 of a case not in the records) stays a question."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ipcity.protection import selectors as protection
from ipcity.protection.choices import OverseasOutcome
from ipcity.registry.models import Organisation

YEARS = 3  # as licence_facts: the events of the last three years


def _since(today: dt.date) -> dt.date:
    try:
        return today.replace(year=today.year - YEARS)
    except ValueError:  # 29 February
        return today.replace(year=today.year - YEARS, day=28)


def protection_facts(org: Organisation, today: dt.date) -> dict[str, dict[str, Any]]:
    """Item code → the facts the protection records answer for `org` (only items they answer)."""
    since = _since(today)
    found: dict[str, dict[str, Any]] = {}
    cases = protection.influential_aid_cases(org, since, today)
    if cases:
        found["public_interest_enforcement"] = {
            "pro_bono": True,  # 维权援助 is a free public service
            "enforcement_succeeded": True,
            "significant_influence": True,  # found by the city office (AidRequest.influential)
            # The right enforced is of the city's when the aided organisation is registered here.
            **({"ip_in_yantai": True} if any(c.requester.region_id for c in cases) else {}),
        }
    won = [d for d in protection.overseas_outcomes(org, since, today) if d.outcome == OverseasOutcome.WON]
    if won:
        found["foreign_litigation"] = {"foreign_related": True, "won": True}
    return found


def protection_evidence(item_code: str, org: Organisation, today: dt.date) -> list[str]:
    """The protection records behind an item's facts, one Chinese line each (empty: none)."""
    since = _since(today)
    if item_code == "public_interest_enforcement":
        return [
            f"维权援助 {c.number}（{c.body.name if c.body else ''}，援助{c.requester.name}）："
            f"{c.outcome}；{c.closed_on.isoformat() if c.closed_on else ''} 办结，维权成功，市局认定具有较大影响力"
            for c in protection.influential_aid_cases(org, since, today)
        ]
    if item_code == "foreign_litigation":
        return [
            f"涉外纠纷（{d.country}，{d.get_kind_display()}，对方 {d.opponent}"
            f"{'，' + d.forum if d.forum else ''}）：{d.get_outcome_display()}，"
            f"{d.ended_on.isoformat() if d.ended_on else ''} 结束"
            for d in protection.overseas_outcomes(org, since, today)
        ]
    if item_code == "ecommerce_platform":
        lines = []
        for year in (today.year - 1, today.year):
            for f in protection.platform_handling_facts(year, platform_id=org.pk):
                median = "—" if f.median_working_days is None else f"{f.median_working_days:g} 个工作日"
                satisfaction = "—" if f.satisfaction is None else f"{f.satisfaction:g} 分"
                lines.append(
                    f"{year} 年电商投诉处理：收到 {f.received} 件，已处理 {f.acted} 件，按时处理 {f.on_time} 件，"
                    f"处理用时中位数 {median}，疑似恶意投诉 {f.malicious} 件，平均办结满意度 {satisfaction}"
                )
        return lines
    return []
