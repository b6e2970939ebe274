"""The column-wise patent validator accepts and rejects exactly the rows the row-wise rules did.

Hypothesis generates messy patent files (full-width digits, CN/ZL prefixes, missing and wrong check
digits, every date form including Excel serials and impossible dates, unknown wordings, blank required
cells, duplicates within the file, bad IPC codes, more 统一社会信用代码 than applicants …). The
outcomes of the row-wise importer that the column-wise one replaced were recorded for these cases in
`data/patent_validation_cases.json` (errors with row, column, value and message; what was stored
for every accepted row), so the comparison outlives the old code.

`IPCITY_RECORD_VALIDATION_CASES=1 pytest …::test_record_cases` regenerates the file with the importer
of the moment (only meaningful when that importer is the reference).
"""

from __future__ import annotations

import json
import os
import string
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st

from ipcity.core.models import Region
from ipcity.lib.identifiers import patent_check_digit, uscc_check_char
from ipcity.registry.importers import import_file
from ipcity.registry.models import OrganisationName, Patent
from ipcity.registry.services import upsert_organisation
from ipcity.registry.tests.helpers import ACTOR, write_csv

pytestmark = pytest.mark.django_db

FIXTURE = Path(__file__).parent / "data" / "patent_validation_cases.json"
RECORDING = os.environ.get("IPCITY_RECORD_VALIDATION_CASES") == "1"

HEADERS = [
    "申请号", "申请日", "公开（公告）号", "公开（公告）日", "授权公告日", "名称", "申请（专利权）人",
    "申请人统一社会信用代码", "发明（设计）人", "主分类号", "分类号", "法律状态", "法律状态日", "摘要", "地址",
    "同族", "权利要求数", "年费缴至", "专利类型",
]  # fmt: skip
REQUIRED = {"申请号", "申请日", "名称", "申请（专利权）人", "法律状态"}

FULL = str.maketrans(
    string.digits + string.ascii_uppercase,
    "０１２３４５６７８９ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺ",
)


# ---- strategies --------------------------------------------------------------------------------


@st.composite
def application_numbers(draw: Any, pool: list[str]) -> str:
    if pool and draw(st.integers(0, 9)) == 0:
        return draw(st.sampled_from(pool))  # a duplicate, perhaps written differently
    year = draw(st.integers(1990, 2024))
    digit = draw(st.sampled_from("12312312389" + ("45" if draw(st.integers(0, 15)) == 0 else "")))
    serial = draw(st.integers(0, 9_999_999))
    body = f"{year}{digit}{serial:07d}"
    if draw(st.integers(0, 12)) == 0:
        body = f"{draw(st.integers(85, 99))}{digit}{serial % 100000:05d}"  # an 8-digit (pre-2004) number
    check = patent_check_digit(body)
    form = (
        draw(st.integers(0, 11))
        if draw(st.integers(0, 2)) == 0
        else draw(st.sampled_from([0, 1, 2, 3, 5, 7]))
    )
    if form == 0:
        return body
    if form == 1:
        return f"{body}.{check}"
    if form == 2:
        return f"ZL {body[:4]} {body[4:]}.{check}"
    if form == 3:
        return f"CN{body}.{check}".translate(FULL)
    if form == 4:
        wrong = str((int(check) + 1) % 10) if check != "X" else "0"
        return f"CN{body}.{wrong}"
    if form == 5:
        return f"CN{body}{check}"
    if form == 6:
        return draw(st.sampled_from(["CN2022", "abc", "CN20221000000X.1", "2022-1-0001", "ＣＮ"]))
    if form == 7:
        return f" cn{body}.{check} "
    pool.append(f"CN{body}.{check}")
    return f"CN{body}.{check}"


def dates(*, allow_bad: bool = True) -> st.SearchStrategy[str]:
    @st.composite
    def one(draw: Any) -> str:
        y, m, d = draw(st.integers(1995, 2024)), draw(st.integers(1, 12)), draw(st.integers(1, 28))
        forms = [
            f"{y}-{m:02d}-{d:02d}",
            f"{y}-{m}-{d}",
            f"{y}/{m:02d}/{d:02d}",
            f"{y}.{m:02d}.{d:02d}",
            f"{y}{m:02d}{d:02d}",
            f"{y}年{m}月{d}日",
            str(draw(st.integers(35000, 45600))),  # an Excel serial written as text
            f"{draw(st.integers(35000, 45600))}.0",
            f"{y}-{m:02d}-{d:02d} 10:30:00",
            f"{y}-{m:02d}-{d:02d}".translate(FULL),
        ]
        if allow_bad:
            forms += [
                f"{y}-02-30",
                f"{y}-13-01",
                "2021-02-29",
                "明年",
                "20211341",
                "12",
                "99999999",
            ]
        return draw(st.sampled_from(forms))

    return one()


def uscc_of(serial: int) -> str:
    body = f"91370602MATEQ{serial:04d}"
    return body + uscc_check_char(body)


STATUSES = [
    "有效", "审中", "有权", "实质审查", "未缴年费专利权终止", "期限届满", "驳回", "视为撤回", "部分无效",
    "全部无效", "授权", "公开", "专利权的终止", "未缴年费", "valid", "ＶＡＬＩＤ", "专利权人放弃", "不知道",
    " 有 效 ", "期限 届满",
]  # fmt: skip
TYPES = [
    "发明",
    "发明专利",
    "实用新型",
    "外观设计",
    "发明申请",
    "发明授权",
    "实用新型专利",
    "design",
    "某类型",
]
HOLDERS = [
    "烟台等价甲有限公司", "烟台 等价乙(集团)有限公司", "等价公司", "张三", "ＡＢＣ科技有限公司", "烟台等价甲有限公司;张三",
    "烟台等价乙（集团）有限公司｜李四", "烟台等价甲有限公司 ; 等价公司",
]  # fmt: skip
IPCS = [
    "G06F 16/30", "G06F16/30", "g06f 16/30 (2019.01)", "G06F0016300000", "H04L 29/06", "A61K 31/00",
    "G06F 16/3", "XYZ", "B23K 5/00", "12-08", "LOC(12) 08", "G06F 16/30", "A23L 5/00",
]  # fmt: skip
PUBS = ["CN{n}A", "CN{n}B", "CN {n} U", "{n}", "CN{n}S", "CN{n}Y", "CN{n}", "ＣＮ{n}Ａ", "bad-pub", "CN{n}C"]
FAMILY = ["US11234567B2", "WO2021123456A1", "EP3456789A1", "JP2020123456A", "CN112345678A", "DE1020B4", "x"]
TEXTS = [
    "一种测试装置", "  多余  空格的标题 ", "全角ＡＢＣ１２３", "带\u200b不可见字符", "'=1+1", "含，中文标点。",
    "\u3000全角空格", "普通 标题", "=SUM(A1)", "a\tb",
]  # fmt: skip


def rarely(draw: Any, good: list[str], bad: list[str]) -> str:
    """Mostly a good value, one time in ten a bad one."""
    return draw(st.sampled_from(bad if draw(st.integers(0, 9)) == 0 else good))


def _join(draw: Any, items: list[str], max_size: int = 3) -> str:
    parts = draw(st.lists(st.sampled_from(items), min_size=0, max_size=max_size))
    return draw(st.sampled_from([";", "；", "|", " ; "])).join(parts)


def written(draw: Any, y: int, m: int, d: int) -> str:
    """One date in one of the forms exports write (Excel serials included)."""
    import datetime as dt

    serial = (dt.date(y, m, d) - dt.date(1899, 12, 30)).days
    forms = [
        f"{y}-{m:02d}-{d:02d}", f"{y}-{m}-{d}", f"{y}/{m:02d}/{d:02d}", f"{y}.{m:02d}.{d:02d}",
        f"{y}{m:02d}{d:02d}", f"{y}年{m}月{d}日", str(serial), f"{serial}.0", f"{y}-{m:02d}-{d:02d} 10:30:00",
        f"{y}-{m:02d}-{d:02d}".translate(FULL),
    ]  # fmt: skip
    return draw(st.sampled_from(forms))


def later(draw: Any, filing: tuple[int, int, int], allow_bad: bool = True) -> str:
    """A date after filing, mostly; now and then before it, or impossible, or not a date."""
    if allow_bad and draw(st.integers(0, 14)) == 0:
        return draw(dates())
    y, m, d = filing
    return written(
        draw, min(y + draw(st.integers(0, 6)), 2024), draw(st.integers(m, 12)), draw(st.integers(d, 28))
    )


@st.composite
def patent_row(draw: Any, pool: list[str]) -> dict[str, str]:
    blank = st.sampled_from(["", " ", "\u3000"])
    row: dict[str, str] = {}
    number = draw(application_numbers(pool))
    row["申请号"] = number
    digits = "".join(
        c for c in number.translate(str.maketrans("０１２３４５６７８９", "0123456789")) if c.isdigit()
    )
    year = int(digits[:4]) if len(digits) >= 12 and 1985 <= int(digits[:4]) <= 2024 else 2015
    type_digit = digits[4] if len(digits) >= 12 else "1"
    filing = (year, draw(st.integers(1, 12)), draw(st.integers(1, 28)))
    row["申请日"] = draw(dates()) if draw(st.integers(0, 14)) == 0 else written(draw, *filing)
    pubs, pub_dates = [], []
    for _ in range(draw(st.integers(0, 3))):
        template = rarely(
            draw,
            ["CN{n}A", "CN{n}B", "CN {n} U", "{n}", "CN{n}S", "CN{n}Y", "CN{n}", "ＣＮ{n}Ａ", "CN{n}C"],
            ["bad-pub", "CN{n}AB"],
        )
        pubs.append(template.format(n=draw(st.integers(100_000_000, 119_999_999))))
        pub_dates.append(later(draw, filing, allow_bad=False))
    if draw(st.integers(0, 5)) == 0:
        pub_dates = pub_dates[: draw(st.integers(0, 3))] + (
            [later(draw, filing, False)] if draw(st.booleans()) else []
        )
    row["公开（公告）号"] = ";".join(pubs)
    row["公开（公告）日"] = ";".join(pub_dates)
    row["授权公告日"] = "" if draw(st.booleans()) else later(draw, filing)
    row["名称"] = draw(st.sampled_from(TEXTS))
    holders = draw(st.sampled_from(HOLDERS))
    row["申请（专利权）人"] = holders
    if ";" in holders or "｜" in holders:
        codes = ["", uscc_of(1), f"{uscc_of(2)};-", "-;" + uscc_of(2)]
    else:
        codes = ["", uscc_of(1), uscc_of(2), "-"]
    row["申请人统一社会信用代码"] = rarely(
        draw, codes, ["91370602MATEQ0001X", f"{uscc_of(1)};{uscc_of(2)};-"]
    )
    row["发明（设计）人"] = _join(draw, ["张三", "李 四", "王(五)", "赵六", " "])
    good_ipcs = (
        ["12-08", "LOC(12) 08", "26-05"]
        if type_digit == "3"
        else [i for i in IPCS if i not in ("XYZ", "G06F 16/3", "12-08", "LOC(12) 08")]
    )
    row["主分类号"] = "" if draw(st.integers(0, 3)) == 0 else rarely(draw, good_ipcs, IPCS)
    row["分类号"] = _join(draw, IPCS if draw(st.integers(0, 9)) == 0 else good_ipcs, 4)
    row["法律状态"] = rarely(draw, STATUSES[:10] + STATUSES[14:16] + STATUSES[18:], STATUSES)
    row["法律状态日"] = draw(st.sampled_from(["", later(draw, filing)]))
    row["摘要"] = draw(st.sampled_from(["", *TEXTS]))
    row["地址"] = draw(
        st.sampled_from(
            ["", "山东省烟台市芝罘区", "烟台高新区蓝海路", "北京市海淀区", "某路（区划370683）", "烟台 莱州"]
        )
    )
    row["同族"] = _join(draw, FAMILY if draw(st.integers(0, 9)) == 0 else FAMILY[:-1], 3)
    row["权利要求数"] = rarely(draw, ["", "8", "１２", "007", " 9 "], ["-1", "十", "3.0"])
    row["年费缴至"] = draw(st.sampled_from(["", later(draw, filing)]))
    declared = {"1": "发明", "8": "发明", "2": "实用新型", "9": "实用新型", "3": "外观设计"}.get(
        type_digit, "发明"
    )
    row["专利类型"] = rarely(draw, ["", "", declared], TYPES)
    if draw(st.integers(0, 11)) == 0:
        row[draw(st.sampled_from(sorted(REQUIRED)))] = draw(blank)
    return row


@st.composite
def patent_files(draw: Any) -> dict[str, Any]:
    pool: list[str] = []
    rows = draw(st.lists(patent_row(pool), min_size=1, max_size=12))
    optional = [h for h in HEADERS if h not in REQUIRED]
    dropped = set(draw(st.lists(st.sampled_from(optional), max_size=4)))
    headers = [h for h in HEADERS if h not in dropped]
    profile = draw(st.sampled_from(["", "", "", "cnipa-pss", "incopat"]))
    return {"headers": headers, "rows": [[r[h] for h in headers] for r in rows], "profile": profile}


# ---- running a case ----------------------------------------------------------------------------


def _organisations() -> None:
    zhifu = Region.objects.get(name="芝罘区")
    upsert_organisation(
        actor=ACTOR,
        name="烟台等价甲有限公司",
        values={"uscc": uscc_of(1), "kind": "enterprise", "region": zhifu},
    )
    upsert_organisation(actor=ACTOR, name="烟台等价乙（集团）有限公司", values={"kind": "enterprise"})
    for org_name in ("烟台等价甲有限公司", "烟台等价乙（集团）有限公司"):
        from ipcity.registry.models import Organisation

        org = Organisation.objects.get(name=org_name)
        OrganisationName.objects.create(organisation=org, name="等价公司", name_key="等价公司", kind="alias")


def outcome(case: dict[str, Any], tmp_path: Path) -> dict[str, Any]:
    """Import the case (valid rows kept) and describe what happened, independent of database ids."""
    path = write_csv(tmp_path / "case.csv", case["headers"], case["rows"])
    result = import_file(
        "patents",
        path,
        actor=ACTOR,
        skip_invalid=True,
        profile=case["profile"] or None,
        rejects_path=tmp_path / "rejects.csv",
    )
    stored = []
    for patent in Patent.objects.order_by("application_number").prefetch_related("holders", "ipc_codes"):
        stored.append(
            {
                "number": patent.application_number,
                "scalars": [
                    patent.patent_type,
                    patent.is_pct,
                    patent.title,
                    patent.abstract,
                    str(patent.filing_date),
                    patent.publication_number,
                    str(patent.publication_date),
                    patent.grant_number,
                    str(patent.grant_date),
                    patent.legal_status,
                    str(patent.legal_status_date),
                    str(patent.fees_paid_until),
                    patent.claims_count,
                    patent.main_ipc,
                    patent.locarno_class,
                    patent.inventors,
                    patent.family,
                    patent.has_overseas_grant,
                    patent.address,
                    patent.first_holder_name,
                    patent.first_holder.name if patent.first_holder else None,
                    patent.region.name if patent.region else None,
                    patent.region_rule,
                ],
                "holders": [
                    [h.name, h.name_key, h.uscc, h.organisation.name if h.organisation else None]
                    for h in patent.holders.order_by("position")
                ],
                "ipc": [[c.code, c.main_group, c.subclass] for c in patent.ipc_codes.order_by("position")],
            }
        )
    return {
        "refused": result.refused,
        "rows": result.rows,
        "created": result.created,
        "rejected": result.rejected,
        "errors": [e.as_dict() for e in result.errors],
        "stored": stored,
        "reviews": result.reviews_added,
    }


def _cases() -> list[dict[str, Any]]:
    if not FIXTURE.exists():
        return []
    return json.loads(FIXTURE.read_text(encoding="utf-8"))["cases"]


@pytest.mark.skipif(not RECORDING, reason="records the reference outcomes (IPCITY_RECORD_VALIDATION_CASES=1)")
def test_record_cases(tmp_path_factory: pytest.TempPathFactory, django_db_blocker: Any) -> None:
    from django.db import transaction

    cases: list[dict[str, Any]] = []

    @seed(20241201)
    @settings(
        max_examples=300,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(patent_files())
    def record(case: dict[str, Any]) -> None:
        tmp = tmp_path_factory.mktemp("case")
        try:
            with transaction.atomic():
                _organisations()
                case["outcome"] = outcome(case, tmp)
                raise _Undo
        except _Undo:
            pass
        cases.append(case)

    record()
    FIXTURE.parent.mkdir(exist_ok=True)
    rows = sum(len(c["rows"]) for c in cases)
    rejected = sum(c["outcome"]["rejected"] for c in cases)
    about = (
        "Generated patent files and the row-wise importer's outcomes (test_import_equivalence.py); "
        f"rows in all: {rows}, rejected: {rejected}"
    )
    lines = [json.dumps(case, ensure_ascii=False, separators=(",", ":")) for case in cases]
    FIXTURE.write_text(  # one case a line: diffs stay readable
        '{\n"about": '
        + json.dumps(about, ensure_ascii=False)
        + ',\n"cases": [\n'
        + ",\n".join(lines)
        + "\n]\n}\n",
        encoding="utf-8",
    )


class _Undo(Exception):
    pass


CASES = _cases()


def test_fixture_covers_the_messy_cells() -> None:
    """The recorded cases exercise acceptance and every kind of rejection."""
    assert len(CASES) >= 200
    messages = [e["message"] for c in CASES for e in c["outcome"]["errors"]]
    for fragment in (
        "校验位错误",
        "不存在的日期",
        "无法识别的日期",
        "无法识别的法律状态",
        "不能为空",
        "重复",
        "IPC 分类号格式不正确",
        "多于申请人",
        "与申请号的类型位不一致",
        "应为非负整数",
    ):
        assert any(fragment in m for m in messages), fragment
    assert sum(len(c["outcome"]["stored"]) for c in CASES) > 300


@pytest.mark.parametrize("index", range(len(CASES)))
def test_column_wise_validator_matches_the_recorded_outcome(index: int, tmp_path: Path) -> None:
    case = CASES[index]
    _organisations()
    got = outcome(case, tmp_path)
    assert got == case["outcome"]


@pytest.mark.parametrize("index", range(0, len(CASES), 10))
def test_outcome_does_not_depend_on_the_batch_size(
    index: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The rows of one file split over many batches of the column-wise stage (as a 1,000,000-row
    file is) are judged as in one batch: duplicates across batches, memos of parsed values."""
    from ipcity.registry.importers import engine

    monkeypatch.setattr(engine, "COLUMNAR_BATCH", 2)
    case = CASES[index]
    _organisations()
    assert outcome(case, tmp_path) == case["outcome"]
