"""The engine's behaviour beyond single cases: rule selection errors, dated parameters, shared annual
caps adding up exactly, the explanation, and no Django."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from ipcity.policy.engine import (
    AmbiguousRules,
    FactError,
    Granted,
    NoRuleApplies,
    ParameterNotInForce,
    default_catalog,
    evaluate,
    evaluate_many,
    load_catalog,
    screen,
)
from ipcity.policy.engine.whatif import Application, replay

Editor = Callable[[Path, Callable[[Any], None]], None]
OK = {"blacklisted": False, "registered_in_yantai": True}
D = dt.date


def test_two_rules_that_both_apply_is_an_error(catalog_copy: Path, edit_yaml: Editor) -> None:
    def overlap(data: dict[str, Any]) -> None:
        for rule in data["rules"]:
            rule["when"][0] = {
                "fact": "project_level",
                "in": ["national", "provincial"],
                "message": "国家级或省级",
            }

    edit_yaml(catalog_copy / "items" / "gi_demonstration.yaml", overlap)
    catalog = load_catalog(catalog_copy)
    facts = {**OK, "project_level": "provincial", "project_kind": "demonstration_zone"}
    with pytest.raises(AmbiguousRules, match="同时适用多条规则") as err:
        evaluate("gi_demonstration", facts, on=D(2024, 1, 15), catalog=catalog)
    # The overlapping rules by their labels (which a reader understands), not their codes.
    assert "国家级项目，市局审定金额" in err.value.message and "省级项目，市局审定金额" in err.value.message
    assert "national" not in err.value.message


def test_no_rule_that_applies_is_an_error_not_zero(catalog_copy: Path, edit_yaml: Editor) -> None:
    def add_municipal(data: dict[str, Any]) -> None:
        data["facts"]["project_level"]["choices"]["municipal"] = "市级"

    edit_yaml(catalog_copy / "items" / "gi_demonstration.yaml", add_municipal)
    catalog = load_catalog(catalog_copy)
    facts = {
        **OK,
        "project_level": "municipal",
        "project_kind": "demonstration_zone",
        "decided_amount": "100",
    }
    with pytest.raises(NoRuleApplies, match="不是零"):
        evaluate("gi_demonstration", facts, on=D(2024, 1, 15), catalog=catalog)


def test_parameter_is_read_at_the_date_that_decides(catalog_copy: Path, edit_yaml: Editor) -> None:
    source = {"doc": "ipcity_decision", "clause": "测试", "checked": "2026-11-28", "status": "decision"}

    def raise_rate_then_end(data: dict[str, Any]) -> None:
        values = data["rules"][0]["parameters"]["rate"]
        values.append({"from": "2024-07-01", "value": "0.6", "source": source})
        values.append({"from": "2025-01-01", "value": None, "source": source})

    edit_yaml(catalog_copy / "items" / "foreign_litigation.yaml", raise_rate_then_end)
    catalog = load_catalog(catalog_copy)
    facts = {
        **OK,
        "foreign_related": True,
        "judicial_litigation": True,
        "won": True,
        "service_fees": "100000",
    }
    before = evaluate("foreign_litigation", facts, on=D(2024, 6, 30), catalog=catalog)
    after = evaluate("foreign_litigation", facts, on=D(2024, 7, 1), catalog=catalog)
    assert (before.amount, after.amount) == (Decimal("50000.00"), Decimal("60000.00"))
    assert "自 2024-07-01 起" in after.explain()
    with pytest.raises(ParameterNotInForce, match="已终止"):
        evaluate("foreign_litigation", facts, on=D(2025, 1, 1), catalog=catalog)


def test_annual_cap_shared_across_applications_adds_up_exactly() -> None:
    # 333,333.33 × 50% = 166,666.665 → 166,666.67 each; six would make 1,000,000.02.
    facts = {
        **OK,
        "foreign_related": True,
        "judicial_litigation": True,
        "won": True,
        "service_fees": "333333.33",
    }
    apps = [
        Application(
            f"A{i}",
            "foreign_litigation",
            "91370602MADEM0001X",
            D(2024, 1, 1) + dt.timedelta(days=30 * i),
            facts,
        )
        for i in range(8)
    ]
    other = Application("B1", "foreign_litigation", "91370613MADEM0002Y", D(2024, 3, 1), facts)
    next_year = Application("A-next", "foreign_litigation", "91370602MADEM0001X", D(2025, 1, 2), facts)
    outcomes = replay([*apps, other, next_year], default_catalog())
    amounts = [outcomes[a.id].amount for a in apps]
    assert amounts[:5] == [Decimal("166666.67")] * 5
    assert amounts[5] == Decimal("166666.65")  # what is left of the cap, to the fen
    assert amounts[6:] == [Decimal("0.00")] * 2
    assert sum(amounts) == Decimal("1000000.00")
    assert not outcomes["A7"].decision.eligible  # type: ignore[union-attr]
    # Another enterprise, and the same enterprise next year, start from zero.
    assert outcomes["B1"].amount == Decimal("166666.67")
    assert outcomes["A-next"].amount == Decimal("166666.67")


def test_decided_amount_is_a_decision_input_checked_against_the_cap() -> None:
    pending = evaluate("regional_brand", OK, on=D(2024, 9, 9))
    assert pending.eligible and pending.pending
    assert pending.amount is None and pending.ceiling == Decimal("500000")
    assert "专家评审确定，最高 500,000.00 元" in pending.reasons[0]
    decided = evaluate("regional_brand", {**OK, "decided_amount": "480000.5"}, on=D(2024, 9, 9))
    assert decided.amount == Decimal("480000.50")
    assert "由专家评审确定，最高 500,000.00 元；审定金额 480,000.50 元" in decided.explain()


def test_ceiling_of_a_pending_amount_respects_the_annual_cap() -> None:
    granted = Granted(beneficiary_year_total=Decimal("350000"))
    decision = evaluate(
        "operation_centre", {**OK, "industry": "biomedicine"}, on=D(2023, 12, 1), granted=granted
    )
    assert decision.pending
    assert decision.ceiling == Decimal("150000")


def test_facts_are_checked_with_chinese_messages() -> None:
    with pytest.raises(FactError, match="缺失，必须提供") as missing:
        evaluate("ip_securitization", {**OK, "patent_pledge_guarantee": True}, on=D(2024, 4, 1))
    assert missing.value.fact == "issue_amount"
    with pytest.raises(FactError, match="应为是/否"):
        evaluate(
            "ip_securitization",
            {**OK, "patent_pledge_guarantee": "也许", "issue_amount": "1"},
            on=D(2024, 4, 1),
        )
    with pytest.raises(FactError, match="最多到分"):
        evaluate(
            "ip_securitization",
            {**OK, "patent_pledge_guarantee": True, "issue_amount": "1.005"},
            on=D(2024, 4, 1),
        )
    # Strings from a web form are accepted: 是/否, amounts with thousands separators.
    decision = evaluate(
        "ip_securitization",
        {
            "blacklisted": "否",
            "registered_in_yantai": "是",
            "patent_pledge_guarantee": "是",
            "issue_amount": "1,000,000",
        },
        on=D(2024, 4, 1),
    )
    assert decision.amount == Decimal("20000.00")


def test_explanation_cites_clauses_parameters_and_rounding() -> None:
    decision = evaluate(
        "ip_securitization",
        {**OK, "patent_pledge_guarantee": True, "issue_amount": "30000000"},
        on=D(2024, 4, 1),
    )
    text = decision.explain()
    assert text.splitlines()[0] == "知识产权证券化奖励"  # the item's name, not its code
    assert "ip_securitization" not in text
    for fragment in (
        "适用条款：附件三(三)4",
        "补贴比例 = 2%",
        "《烟台市建设国家知识产权强市工作方案（2022-2024年）》附件三(三)4",
        "实际发行金额 30,000,000.00 元 × 2% = 600,000.00 元",
        "600,000.00 元 超过上限，按 500,000.00 元",
        "结论：符合条件，金额 500,000.00 元。",
        "四舍五入到分",
    ):
        assert fragment in text
    data = decision.as_dict()
    assert data["amount"] == "500000.00"
    assert data["facts"]["issue_amount"] == "30000000"
    assert len(data["catalog_version"]) == 16 and data["catalog_version"] == default_catalog().version
    assert [p["path"] for p in data["parameters"]] == [
        "ip_securitization.two_percent.rate",
        "ip_securitization.two_percent.cap",
    ]


def test_evaluate_many_matches_evaluate() -> None:
    requests = [
        ("gi_registration", {**OK, "gi_kind": "gi_product", "pieces": n}, D(2023, 5, 10), None)
        for n in range(1, 6)
    ]
    batch = evaluate_many(requests)
    assert [d.amount for d in batch] == [Decimal(100000 * n) for n in range(1, 6)]


def test_engine_does_not_import_django() -> None:
    code = (
        "import sys, datetime\n"
        "from ipcity.policy.engine import evaluate\n"
        "from ipcity.policy.engine.whatif import what_if\n"
        "d = evaluate('madrid_trademark', {'blacklisted': False, 'registered_in_yantai': True,"
        " 'certificates': 1}, on=datetime.date(2023, 1, 1))\n"
        "d.explain()\n"
        "assert not [m for m in sys.modules if m.split('.')[0] == 'django'], 'django imported'\n"
        "print(d.amount)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "20000.00"


def test_screen_says_what_the_facts_given_so_far_settle() -> None:
    # Nothing given: every required fact is missing, nothing has failed yet.
    nothing = screen("foreign_litigation", {})
    assert nothing.failed == ()
    assert nothing.missing == (
        "blacklisted",
        "registered_in_yantai",
        "foreign_related",
        "judicial_litigation",
        "won",
        "service_fees",
    )
    # A condition that fails on a fact given is a reason even while other facts are missing.
    lost = screen("foreign_litigation", {"won": False, "blacklisted": "是"})
    assert lost.failed == ("不符合条件：未被列入知识产权领域严重失信主体名单", "不符合条件：胜诉")
    assert "won" not in lost.missing and "service_fees" in lost.missing
    # Everything given and met: nothing failed or missing; defaults count as given.
    pledge = screen(
        "patent_pledge_interest",
        {
            **OK,
            "own_invention_patent": True,
            "first_pledge": True,
            "sme": True,
            "loan_principal": "1000000",
            "interest_days": 360,
            "interest_paid": "40000",
        },
    )
    assert pledge.failed == () and pledge.missing == ()
    with pytest.raises(FactError):
        screen("foreign_litigation", {"no_such_fact": True})


def test_an_amount_the_plan_writes_as_a_maximum_says_so() -> None:
    gold = evaluate("china_patent_award", {**OK, "award_level": "patent_gold"}, on=D(2023, 12, 31))
    assert gold.amount == Decimal("1000000.00") and gold.amount_is_maximum
    assert gold.as_dict()["amount_is_maximum"] is True
    assert "金额为方案规定的最高额" in gold.explain()
    fixed = evaluate(
        "recognised_advantage_enterprise",
        {**OK, "recognition_level": "national", "recognition_kind": "advantage"},
        on=D(2023, 12, 31),
    )
    assert fixed.amount == Decimal("100000.00") and not fixed.amount_is_maximum
    assert "最高额" not in fixed.explain()
