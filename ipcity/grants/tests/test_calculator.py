"""The 政策计算器: three answers per item — 可能符合 only when every condition is established by an
answer or by the 一企一档, 条件不明 with the questions still unanswered, 不符合 with the reason — and
amounts written as the plan allows them ("最高 X" for maxima, exact only when computed)."""

from __future__ import annotations

import re

import pytest

from ipcity.core.audit import Actor
from ipcity.grants.tests import registry_data as reg
from ipcity.policy.engine import default_catalog
from ipcity.protection import services as protection_services

pytestmark = pytest.mark.django_db
URL = "/grants/calculator/"
ANSWERED = {
    "go": "1",
    "kind": "enterprise",
    "registered_in_yantai": "true",
    "blacklisted": "false",
    "on": "2024-05-20",
}
LITIGATION = {
    "foreign_litigation__foreign_related": "true",
    "foreign_litigation__judicial_litigation": "true",
    "foreign_litigation__won": "true",
    "foreign_litigation__service_fees": "300000",
}


def states(text: str) -> dict[str, str]:
    results = text.split('data-testid="results"')[1].split("</section>")[0]
    return dict(re.findall(r'data-result="([a-z_]+)" data-state="([a-z_]+)"', results))


def result(text: str, code: str) -> str:
    """The rendered result of one item, without its explanation."""
    part = text.split(f'data-result="{code}"')[1]
    part = re.split(r'data-result="|</section>', part)[0]
    return re.sub(r"<details>.*?</details>", "", part, flags=re.S)


def test_no_answers_leave_every_item_unknown(client, plan) -> None:
    text = client.get(URL, {"go": "1"}).content.decode()
    found = states(text)
    assert found == dict.fromkeys(default_catalog().items, "unknown")
    assert "符合基本条件" not in text and "可能符合 <strong" in text
    common = text.split('data-testid="unanswered-common"')[1].split("</p>")[0]
    for question in ("您的单位类型", "是否在烟台市登记注册", "是否被列入知识产权领域严重失信主体名单"):
        assert question in common
    # Each item lists its own unanswered questions.
    assert (
        "还需回答：是否为知识产权涉外纠纷、是否为司法诉讼、企业（原告或被告）是否胜诉、已支付的律师等服务费用"
        in result(text, "foreign_litigation")
    )


def test_shared_answers_alone_settle_no_item_with_questions_of_its_own(client, plan) -> None:
    text = client.get(URL, ANSWERED).content.decode()
    found = states(text)
    assert found["foreign_litigation"] == "unknown" and found["china_patent_award"] == "unknown"
    assert "符合基本条件" not in text
    # An 择优 item with no conditions beyond the shared ones: it may qualify, and the page says the
    # review decides, with the ceiling, never an amount.
    assert found["city_advantage_enterprise"] == "may_qualify"
    advantage = result(text, "city_advantage_enterprise")
    assert (
        "可能符合，金额由专家评审确定，最高 20万元" in advantage
        and 'data-testid="review-decides"' in advantage
    )


def test_full_answers_may_qualify_with_amounts_as_the_plan_writes_them(client, plan) -> None:
    params = {
        **ANSWERED,
        **LITIGATION,
        "ip_securitization__patent_pledge_guarantee": "true",
        "ip_securitization__issue_amount": "10000000",
        "china_patent_award__award_level": "patent_gold",
        "madrid_trademark__certificates": "3",
    }
    text = client.get(URL, params).content.decode()
    found = states(text)
    for code in ("foreign_litigation", "ip_securitization", "china_patent_award", "madrid_trademark"):
        assert found[code] == "may_qualify", code
    # "最高给予服务费用50%的补贴", "最高分别奖励 100 万", "每件最高资助2万元": maxima, said so.
    assert "可能符合，最高 15万元" in result(text, "foreign_litigation")
    assert "可能符合，最高 100万元" in result(text, "china_patent_award")
    assert "可能符合，最高 6万元" in result(text, "madrid_trademark")
    assert "1,000,000" not in result(text, "china_patent_award")
    # 2% of the issue amount is computed exactly.
    assert "可能符合，20万元" in result(text, "ip_securitization")
    assert '金额确定的 1 项合计 <strong data-testid="calc-total">20万元' in text
    assert '3 项合计最高 <strong data-testid="calc-maximum">121万元' in text
    assert "金额为方案规定的最高额" in text  # the explanation says it too


def test_a_failing_answer_fails_with_its_reason_even_while_others_are_missing(client, plan) -> None:
    params = {**ANSWERED, "foreign_litigation__won": "false"}  # fees not given
    text = client.get(URL, params).content.decode()
    assert states(text)["foreign_litigation"] == "fails"
    assert "不符合条件：胜诉" in result(text, "foreign_litigation")
    blacklisted = client.get(URL, {**ANSWERED, "blacklisted": "true"}).content.decode()
    found = states(blacklisted)
    assert set(found.values()) == {"fails"}
    assert "未被列入知识产权领域严重失信主体名单" in result(blacklisted, "china_patent_award")


def test_a_missing_answer_is_named(client, plan) -> None:
    params = {**ANSWERED, "pledge_insurance_guarantee__fee_kind": "guarantee_fee"}
    text = client.get(URL, params).content.decode()
    assert states(text)["pledge_insurance_guarantee"] == "unknown"
    assert "条件不明，还需回答：本笔业务实际支付的保费或担保费" in result(text, "pledge_insurance_guarantee")


def test_the_kind_picked_limits_the_items(client, plan) -> None:
    banks = client.get(URL, {**ANSWERED, "kind": "financial_institution"}).content.decode()
    assert set(states(banks)) == {"pledge_financing_institution", "ip_securitization"}
    assert re.findall(r'data-section="([a-z_]+)"', banks) == [
        "pledge_financing_institution",
        "ip_securitization",
    ]
    enterprises = states(client.get(URL, ANSWERED).content.decode())
    for code in (
        "advanced_park",
        "pledge_financing_institution",
        "service_agency_quality",
        "public_interest_enforcement",
    ):
        assert code not in enterprises, code
    assert "ecommerce_platform" in enterprises and "foreign_litigation" in enterprises
    parks = states(client.get(URL, {**ANSWERED, "kind": "other"}).content.decode())
    assert "advanced_park" in parks and "foreign_litigation" not in parks
    # A kind no item is for is a form error, not a page of nothing.
    response = client.get(URL, {**ANSWERED, "kind": "individual"})
    assert response.status_code == 200
    text = response.content.decode()
    assert 'data-testid="results"' not in text and "invalid-feedback" in text


def test_signed_in_the_profile_answers_and_the_kind_is_the_registrys(personas) -> None:
    patent = reg.patent(personas.org_a, 5)
    reg.award(personas.org_a, patent, award="china_patent", level="excellence", year=2024)
    text = personas.client(personas.enterprise_a).get(URL).content.decode()
    assert 'data-testid="prefilled"' in text and personas.org_a.name in text
    # Registered in Yantai (its region) and no credit record: established by the 一企一档.
    assert states(text)["china_patent_award"] == "may_qualify"
    assert '中国专利奖奖励：<span class="text-success">可能符合，最高 30万元' in text
    assert "pledge_financing_institution" not in states(text)
    # An agency cannot ask for an enterprise's items by changing the kind in the address.
    agency = personas.client(personas.agency).get(URL, {**ANSWERED, "kind": "enterprise"}).content.decode()
    found = states(agency)
    assert "public_interest_enforcement" in found and "foreign_litigation" not in found


def test_a_serious_credit_record_in_the_profile_fails_every_item(personas) -> None:
    import datetime as dt

    protection_services.add_credit_record(
        personas.org_a, actor=Actor.cli("test"), source="测试局 2024-1 号", start=dt.date(2024, 1, 1)
    )
    text = personas.client(personas.enterprise_a).get(URL).content.decode()
    assert set(states(text).values()) == {"fails"}
