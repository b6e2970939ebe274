"""The catalog is faithful to the plan: every clause exists, every quote is verbatim, every plan-sourced
value is found in its quote, every value has a source — and a catalog that breaks these is refused."""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml

from ipcity.lib.datafile import DataFileError
from ipcity.policy.engine import default_catalog, load_catalog
from ipcity.policy.engine.catalog import POLICY_DIR
from ipcity.policy.engine.params import KIND_COUNT, KIND_RATE, Parameter

PLAN_FILE = POLICY_DIR.parent / "plans" / "yantai-2022-2024.yaml"
CLAUSE_RE = re.compile(r"^(附件)?[一二三四五六七]\([一二三四五六七八九十]+\)\d*$")


def _plan_texts() -> dict[str, str]:
    plan = yaml.safe_load(PLAN_FILE.read_text(encoding="utf-8"))
    texts: dict[str, str] = {}
    for programme in plan["programmes"]:
        for task in programme["tasks"]:
            texts[task["clause"]] = task["text"]
        for section in programme["sections"]:
            for row in section.get("rows", []):
                texts[row["clause"]] = row["text"]
    return texts


PLAN = _plan_texts()
Editor = Callable[[Path, Callable[[Any], None]], None]


def test_catalog_has_every_reward_of_the_plan() -> None:
    catalog = default_catalog()
    assert len(catalog.items) == 35
    cited = {c.ref for item in catalog.items.values() for c in item.clauses}
    # Every main-text task and annex row that promises money (奖励/资助/补贴/贴息/资金支持) is cited.
    money_words = ("奖励", "资助", "补贴", "贴息", "资金支持")
    promising = {ref for ref, text in PLAN.items() if any(w in text for w in money_words)}
    # 二(六)2 says 奖励 as part of a management mechanism; it is in the catalog too (service_cluster).
    assert promising - cited == set(), f"方案中提到奖补但目录未引用的条款：{sorted(promising - cited)}"


def test_every_clause_exists_and_every_quote_is_verbatim() -> None:
    for item in default_catalog().items.values():
        for clause in item.clauses:
            assert clause.ref in PLAN, f"{item.code}: 方案中没有条款 {clause.ref}"
            assert clause.quote in PLAN[clause.ref], (
                f"{item.code}: {clause.ref} 的引文不是原文：{clause.quote}"
            )
        for cond in item.conditions + [c for r in item.rules for c in r.when]:
            if cond.clause and CLAUSE_RE.match(cond.clause) and cond.quote:
                assert cond.quote in PLAN[cond.clause], (
                    f"{item.code}: 条件引文不是 {cond.clause} 原文：{cond.quote}"
                )


def _number_pattern(param: Parameter, value: Decimal) -> re.Pattern[str]:
    if param.kind == KIND_RATE:
        text = format((value * 100).normalize(), "f")
        return re.compile(rf"(?<![\d.]){re.escape(text)}\s*%")
    if param.kind == KIND_COUNT:
        return re.compile(rf"(?<![\d.]){value}(?![\d.])")
    text = format((value / 10000).normalize(), "f")
    return re.compile(rf"(?<![\d.]){re.escape(text)}\s*万")


def test_every_plan_value_is_in_its_quote_and_the_quote_in_the_plan() -> None:
    checked = 0
    for item in default_catalog().items.values():
        for param in item.parameters():
            for value in param.values:
                src = value.source
                if src.document.key != "plan":
                    continue
                assert src.quote, f"{param.path}: 方案来源的取值必须引用原文（quote）"
                assert src.clause in PLAN, f"{param.path}: 方案中没有条款 {src.clause}"
                assert src.quote in PLAN[src.clause], f"{param.path}: 引文不是 {src.clause} 原文：{src.quote}"
                if value.to_be_set:
                    assert not re.search(r"\d\s*万", src.quote), f"{param.path}: 标为待定，但引文含有金额"
                    continue
                assert value.value is not None
                if param.kind == KIND_COUNT and value.value == 1:
                    assert "首" in src.quote, f"{param.path}: 名额 1 应引“首单”"
                else:
                    pattern = _number_pattern(param, value.value)
                    assert pattern.search(src.quote), (
                        f"{param.path}: 取值 {value.value} 与引文不符：{src.quote}"
                    )
                checked += 1
    assert checked >= 40


def test_every_value_has_a_source_with_a_checked_date() -> None:
    catalog = default_catalog()
    for param in catalog.parameters():
        for value in param.values:
            assert value.source.document.title
            assert value.source.clause
            assert value.source.checked.year >= 2025
            assert value.source.status in {"verified", "unverified", "decision"}


def test_value_without_a_source_is_refused(catalog_copy: Path, edit_yaml: Editor) -> None:
    def drop_source(data: dict[str, Any]) -> None:
        del data["rules"][0]["parameters"]["rate"][0]["source"]

    edit_yaml(catalog_copy / "items" / "ip_securitization.yaml", drop_source)
    with pytest.raises(DataFileError) as err:
        load_catalog(catalog_copy)
    assert err.value.file.endswith("ip_securitization.yaml")
    assert err.value.path == "rules[0].parameters.rate[0]"
    assert "source" in err.value.reason


def test_source_citing_an_unknown_document_is_refused(catalog_copy: Path, edit_yaml: Editor) -> None:
    def wrong_doc(data: dict[str, Any]) -> None:
        data["rules"][0]["parameters"]["cap"][0]["source"]["doc"] = "no_such_document"

    edit_yaml(catalog_copy / "items" / "regional_brand.yaml", wrong_doc)
    with pytest.raises(DataFileError, match="未登记的文件“no_such_document”") as err:
        load_catalog(catalog_copy)
    assert err.value.path == "rules[0].parameters.cap[0].source.doc"


def test_money_with_float_precision_is_refused(catalog_copy: Path, edit_yaml: Editor) -> None:
    def third_of_a_fen(data: dict[str, Any]) -> None:
        data["rules"][0]["parameters"]["unit_amount"][0]["value"] = "20000.333"

    edit_yaml(catalog_copy / "items" / "madrid_trademark.yaml", third_of_a_fen)
    with pytest.raises(DataFileError, match="金额最多到分"):
        load_catalog(catalog_copy)


def test_level_without_an_amount_is_refused(catalog_copy: Path, edit_yaml: Editor) -> None:
    def drop_level(data: dict[str, Any]) -> None:
        del data["rules"][0]["parameters"]["amount.third"]

    edit_yaml(catalog_copy / "items" / "shandong_patent_award.yaml", drop_level)
    with pytest.raises(DataFileError, match="每个等级给出金额"):
        load_catalog(catalog_copy)


def test_materials_are_named_kinds_with_who_provides_them() -> None:
    """A plain name is a file the applicant uploads; the others say who provides them, and the
    guide's text says so too."""
    catalog = default_catalog()
    standard = catalog.items["ip_management_standard"]
    assert standard.upload_materials == ["认证证书", "认证合同", "认证费用发票"]
    assert not standard.needs_payee_account
    market = catalog.items["standardised_market"]
    assert market.upload_materials == ["认定文件", "市场开办者营业执照"]
    assert market.needs_payee_account
    assert [m.text for m in market.materials][-1] == "银行账户信息（一企一档中的收款账户，无需上传）"
    award = catalog.items["china_patent_award"]
    assert award.upload_materials == []
    assert award.materials[0].text == "获奖证书或授奖文件（平台按获奖名单自动比对，无需上传）"
    # No item still writes "（平台…比对）" or 银行账户信息 into the name of a file to upload.
    for item in catalog.items.values():
        for name in item.upload_materials:
            assert "比对" not in name and name != "银行账户信息", (item.code, name)


def test_material_with_an_unknown_provider_or_twice_is_refused(catalog_copy: Path, edit_yaml: Editor) -> None:
    def unknown_provider(data: dict[str, Any]) -> None:
        data["materials"].append({"name": "法人证书", "by": "somebody"})

    path = catalog_copy / "items" / "advanced_park.yaml"
    edit_yaml(path, unknown_provider)
    with pytest.raises(DataFileError) as err:
        load_catalog(catalog_copy)
    assert err.value.path.startswith("materials")

    def twice(data: dict[str, Any]) -> None:
        data["materials"] = ["认定文件", "认定文件"]

    edit_yaml(path, twice)
    with pytest.raises(DataFileError, match="申报材料“认定文件”重复") as err:
        load_catalog(catalog_copy)
    assert err.value.path == "materials[1]"


def test_item_file_not_listed_is_refused(catalog_copy: Path) -> None:
    (catalog_copy / "items" / "stray_item.yaml").write_text("code: stray_item\n", encoding="utf-8")
    with pytest.raises(DataFileError, match="stray_item"):
        load_catalog(catalog_copy)


def test_main_text_and_annex_differences_are_recorded() -> None:
    catalog = default_catalog()
    # Free licensing: main text 择优 without an amount, annex 最高50万元 — both cited, the annex applied.
    free = catalog.items["free_licensing"]
    assert [c.ref for c in free.clauses] == ["二(三)1", "附件三(一)1"]
    assert free.applies_clause == "附件三(一)1"
    assert free.rules[0].params["cap"].values[0].value == Decimal("500000")
    # Foreign litigation: annex 给予一定补贴, main text 50%/100万 — the main text applied.
    lit = catalog.items["foreign_litigation"]
    assert lit.applies_clause == "二(一)4"
    assert lit.limits.beneficiary_annual_cap is not None
    # Items named without an amount are in the catalog, marked to be set, never invented.
    for code in ("city_patent_award", "patent_trading_platform", "advanced_park", "service_cluster"):
        cap = catalog.items[code].rules[0].params["cap"]
        assert all(v.to_be_set for v in cap.values), code


def test_lpr_series_is_dated_and_marks_what_is_unverified() -> None:
    series = default_catalog().series["lpr_1y"]
    starts = [v.start for v in series.values]
    assert starts == sorted(starts)
    verified = {v.start.isoformat(): v.value for v in series.values if v.source.status == "verified"}
    assert verified == {"2023-06-20": Decimal("0.0355"), "2023-08-21": Decimal("0.0345")}
    assert all(v.source.document.issuer.startswith("中国人民银行授权") for v in series.values)


def test_catalog_version_changes_with_any_value(catalog_copy: Path, edit_yaml: Editor) -> None:
    before = load_catalog(catalog_copy).version
    assert before == default_catalog().version

    def raise_unit(data: dict[str, Any]) -> None:
        data["rules"][0]["parameters"]["unit_amount"][0]["value"] = "25000"

    edit_yaml(catalog_copy / "items" / "madrid_trademark.yaml", raise_unit)
    assert load_catalog(catalog_copy).version != before


# Words of the plan that name each kind of beneficiary (items/*.yaml beneficiary_kinds).
KIND_WORDS = {
    "enterprise": ("企业",),
    "university": ("高校", "院校"),
    "research_institute": ("科研院所",),
    "innovation_platform": ("创新平台",),
    "service_agency": ("服务机构",),
    "financial_institution": ("银行", "金融机构"),
    "market": ("市场",),
    "ecommerce_platform": ("电商平台",),
    "association": ("联盟", "协会"),
    "operation_centre": ("运营中心",),
    "park": ("园区",),
    "gi_holder": ("持有人",),
    "issuer": ("发行主体",),
}


def test_every_item_cites_the_words_that_name_its_beneficiaries() -> None:
    catalog = default_catalog()
    assert set(KIND_WORDS) == set(catalog.beneficiary_kinds)
    read = []
    for item in catalog.items.values():
        basis = item.beneficiary_basis
        assert basis.quote in PLAN[basis.clause], f"{item.code}: 惠及对象引文不是 {basis.clause} 原文"
        unnamed = [k for k in item.beneficiary_kinds if not any(w in basis.quote for w in KIND_WORDS[k])]
        # A kind the quoted words do not name needs the catalog's reading of the clause.
        assert not unnamed or basis.reading, f"{item.code}: 引文没有写到 {unnamed}，须写明 reading"
        if basis.reading:
            read.append(item.code)
        assert item.organisation_kinds, item.code
    # Parks, banks and agencies: their items are not offered to enterprises.
    for code in (
        "advanced_park",
        "pledge_financing_institution",
        "public_interest_enforcement",
        "service_agency_quality",
        "platform_ip_custody",
    ):
        assert not catalog.items[code].is_for("enterprise"), code
    assert catalog.items["advanced_park"].organisation_kinds == {"other"}
    assert catalog.items["pledge_financing_institution"].organisation_kinds == {
        "financial_institution",
        "service_agency",
    }
    assert [i.code for i in catalog.items_for("financial_institution")] == [
        "pledge_financing_institution",
        "ip_securitization",
    ]
    assert catalog.items_for("individual") == []
    assert "madrid_trademark" in read and "foreign_litigation" not in read


def test_beneficiary_basis_outside_the_items_clauses_is_refused(
    catalog_copy: Path, edit_yaml: Editor
) -> None:
    def elsewhere(data: dict[str, Any]) -> None:
        data["beneficiary_basis"]["clause"] = "二(六)3"

    edit_yaml(catalog_copy / "items" / "advanced_park.yaml", elsewhere)
    with pytest.raises(DataFileError, match="clauses 中列出的条款") as err:
        load_catalog(catalog_copy)
    assert err.value.path == "beneficiary_basis.clause"


def test_unknown_organisation_kind_is_refused(catalog_copy: Path, edit_yaml: Editor) -> None:
    def bank(data: dict[str, Any]) -> None:
        data["beneficiary_kinds"]["park"]["organisations"] = ["park_committee"]

    edit_yaml(catalog_copy / "catalog.yaml", bank)
    with pytest.raises(DataFileError) as err:
        load_catalog(catalog_copy)
    assert err.value.path.startswith("beneficiary_kinds.park.organisations")


# The parameters that make a formula's amount (not caps applied after it).
AMOUNT_PARAMS = re.compile(r"^(amount(\..+)?|unit_amount|rate|subsidy_ratio)$")
MAXIMUM_WORDS = ("最高", "最多", "不超过")


def test_rules_whose_amount_the_plan_writes_as_a_maximum_are_marked_up_to() -> None:
    marked = []
    for item in default_catalog().items.values():
        for rule in item.rules:
            quotes = [
                v.source.quote or ""
                for name, param in rule.params.items()
                if AMOUNT_PARAMS.match(name)
                for v in param.values
            ]
            says_maximum = any(w in q for q in quotes for w in MAXIMUM_WORDS)
            assert rule.up_to == says_maximum, f"{item.code}.{rule.code}: up_to 与方案原文不符"
            if rule.up_to:
                marked.append(item.code)
    assert sorted(marked) == [
        "china_patent_award",
        "foreign_litigation",
        "madrid_trademark",
        "patent_pledge_interest",
        "shandong_patent_award",
    ]


def test_up_to_on_a_decided_rule_is_refused(catalog_copy: Path, edit_yaml: Editor) -> None:
    def up_to(data: dict[str, Any]) -> None:
        data["rules"][0]["up_to"] = True

    edit_yaml(catalog_copy / "items" / "regional_brand.yaml", up_to)
    with pytest.raises(DataFileError, match="择优/审定规则的金额本来就是上限以内审定") as err:
        load_catalog(catalog_copy)
    assert err.value.path == "rules[0].up_to"
