"""A synthetic, Yantai-like registry for demonstrations and benchmarks — written as import files in
the real export layouts and loaded through the real importers.

Everything here is invented: organisation names start with "（演示）" and are flagged `is_demo`;
统一社会信用代码 carry valid check characters but an organisation-code part beginning "MADE" that
marks them as demo; abstracts begin with 【演示数据】. Real things used by name: Yantai's regions, the
plan's industries, and a few real geographical-indication products (烟台苹果, 龙口粉丝 …) with invented
holders. The generator is deterministic for a seed and does not depend on today's date.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import itertools
import random
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ipcity.core.audit import Actor
from ipcity.lib.identifiers import patent_check_digit, uscc_check_char

GENERATOR_VERSION = 1  # bump when the generator's output changes
AS_OF = dt.date(2024, 12, 31)  # the demo world's "today"
FIRST_YEAR, LAST_YEAR = 2008, 2024

# Share of organisations per region (by code); functional zones hold much of the industry.
REGION_WEIGHTS = {
    "370602": 11, "370611": 8, "370612": 5, "370613": 9, "370614": 5, "370681": 10, "370682": 5,
    "370683": 7, "370685": 6, "370686": 3, "370687": 4, "YT-KFQ": 16, "YT-GXQ": 10, "YT-CD": 1,
}  # fmt: skip
REGION_NAMES = {
    "370602": "芝罘区", "370611": "福山区", "370612": "牟平区", "370613": "莱山区", "370614": "蓬莱区",
    "370681": "龙口市", "370682": "莱阳市", "370683": "莱州市", "370685": "招远市", "370686": "栖霞市",
    "370687": "海阳市", "YT-KFQ": "烟台经济技术开发区", "YT-GXQ": "烟台高新技术产业开发区", "YT-CD": "长岛综合试验区",
}  # fmt: skip
# Division code used in synthetic 统一社会信用代码 (functional zones register with their district).
REGION_DIVISION = {code: code for code in REGION_NAMES if code.isdigit()} | {
    "YT-KFQ": "370611", "YT-GXQ": "370613", "YT-CD": "370614",
}  # fmt: skip
STREETS = [
    "长江路",
    "黄河路",
    "珠江路",
    "南大街",
    "北马路",
    "港城大街",
    "滨海路",
    "观海路",
    "科技大道",
    "创业路",
    "金山路",
    "迎春大街",
]


@dataclass(frozen=True)
class IndustryProfile:
    code: str
    label: str
    words: tuple[str, ...]  # company-name words
    ipc: tuple[tuple[str, int], ...]  # (subclass, weight)
    objects: tuple[str, ...]  # title nouns
    nice: tuple[int, ...]  # trademark classes
    industry_code: str


INDUSTRIES = [
    IndustryProfile("green_petrochemical", "绿色石化", ("化工", "石化", "新材料", "精细化学"),
                    (("C07C", 5), ("C08F", 3), ("C08G", 3), ("C08L", 3), ("B01J", 3), ("C10G", 2), ("C09D", 2)),
                    ("聚氨酯材料", "催化剂", "环氧树脂", "涂料", "异氰酸酯", "分离装置"), (1, 2, 17), "C2614"),
    IndustryProfile("nonferrous_precious", "有色及贵金属", ("黄金", "矿业", "冶炼", "金属"),
                    (("C22B", 5), ("C22C", 3), ("B03D", 2), ("E21B", 1), ("E21D", 1), ("B22F", 2)),
                    ("金矿浮选药剂", "氰化尾渣处理系统", "合金材料", "选矿设备", "贵金属回收工艺"), (6, 14, 40), "B0921"),
    IndustryProfile("auto_equipment", "汽车装备", ("汽车部件", "动力", "车辆", "传动"),
                    (("B60K", 3), ("B60R", 3), ("B62D", 3), ("F16H", 3), ("F02M", 2), ("B60L", 2)),
                    ("变速箱", "转向节", "制动器", "车身结构", "燃油喷射装置", "电驱总成"), (7, 12, 37), "C3670"),
    IndustryProfile("electronic_information", "电子信息", ("电子", "信息技术", "智能", "软件"),
                    (("G06F", 5), ("H04L", 4), ("H04W", 2), ("G06N", 2), ("H01L", 2), ("G06Q", 2), ("G06T", 2)),
                    ("数据处理方法", "通信终端", "图像识别系统", "存储装置", "显示面板", "物联网网关"), (9, 38, 42), "I6510"),
    IndustryProfile("high_end_equipment", "高端装备", ("重工", "机械", "装备", "智能制造"),
                    (("B23K", 3), ("B23Q", 3), ("B65G", 3), ("F16K", 2), ("G01N", 2), ("B66C", 2), ("F04B", 2)),
                    ("焊接机器人", "数控机床", "输送装置", "阀门", "检测装置", "起重设备"), (7, 9, 37), "C3421"),
    IndustryProfile("food_processing", "食品精深加工", ("食品", "酿酒", "粉丝", "果业"),
                    (("A23L", 6), ("C12G", 4), ("A23F", 1), ("A23G", 1), ("A21D", 1), ("A23P", 1)),
                    ("葡萄酒", "粉丝生产线", "果汁饮料", "海参制品", "苹果脆片", "发酵工艺"), (29, 30, 32, 33), "C1512"),
    IndustryProfile("biomedicine", "生物医药", ("生物", "制药", "医药", "生命科学"),
                    (("A61K", 6), ("A61P", 3), ("C07D", 3), ("C12N", 2), ("C07K", 2), ("A61B", 2)),
                    ("药物组合物", "抗体", "缓释制剂", "检测试剂盒", "医用导管", "中药提取物"), (5, 10, 44), "C2720"),
    IndustryProfile("clean_energy", "清洁能源", ("能源", "核电", "新能源", "储能"),
                    (("H01M", 4), ("H02J", 3), ("F03D", 2), ("G21C", 2), ("H02S", 2), ("C01B", 1)),
                    ("储能电池", "风电叶片", "核电站冷却系统", "光伏组件", "氢气制备装置", "电网调度方法"), (4, 9, 40), "D4411"),
    IndustryProfile("aerospace", "航空航天", ("航空", "航天", "飞行器", "空天"),
                    (("B64C", 3), ("B64D", 3), ("B64F", 2), ("B64G", 2), ("F02K", 1), ("G01C", 2)),
                    ("无人机", "机翼结构", "航空发动机部件", "卫星姿态控制方法", "导航装置"), (12, 9, 39), "C3741"),
]  # fmt: skip
INDUSTRY_WEIGHTS = [14, 10, 13, 14, 14, 12, 11, 7, 5]
NAME_HEADS = [
    "海岳", "蓝鲸", "金穗", "东方", "华信", "鲁东", "滨海", "港城", "昆嵛", "芝罘", "渤海", "黄海", "泰和", "瑞丰",
    "恒通", "宏达", "中科", "鑫源", "润华", "正阳", "远航", "天润", "盛泰", "康源", "博润", "凯达", "龙腾", "鼎新",
    "海纳", "明德", "安泰", "汇金", "长青", "华海", "北极星", "晨曦", "海星", "山海", "云帆", "益康",
]  # fmt: skip
SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎"
)
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国志红玉兰海燕鹏飞浩宇晨阳欣怡子涵雨萱梓轩博文思远"
BANKS = [
    "（演示）烟台海通商业银行",
    "（演示）齐鲁港城银行烟台分行",
    "（演示）胶东农商银行",
    "（演示）烟台科创银行",
]
UNIVERSITIES = ["（演示）烟台滨海理工学院", "（演示）胶东海洋大学", "（演示）烟台医药职业学院"]
INSTITUTES = ["（演示）烟台先进材料研究院", "（演示）黄海生物技术研究所", "（演示）烟台智能装备研究院"]
AGENCIES = ["（演示）烟台知桥知识产权代理事务所", "（演示）港城专利事务所"]
TITLE_PATTERNS = {
    "invention": [
        "一种{o}及其制备方法",
        "一种{o}的控制方法",
        "基于{w}的{o}",
        "一种{o}",
        "{o}的制备方法及应用",
    ],
    "utility_model": ["一种{o}", "一种便于维护的{o}", "一种{o}用固定装置", "一种新型{o}"],
    "design": ["{o}（{d}）", "{o}外壳", "包装盒（{d}）"],
}
DESIGN_WORDS = ["一", "二", "豪华型", "便携式", "A款"]
LOCARNO = ["09-01", "10-05", "12-08", "13-03", "14-02", "15-09", "24-02", "26-05"]
DATE_FMT = "%Y-%m-%d"

# Real geographical-indication products of Yantai (DOMAIN.md), with invented holders and dates.
GIS = [
    ("烟台苹果", "gi_mark", "370602", "（演示）烟台市苹果产业协会", "building"),
    ("龙口粉丝", "gi_product", "370681", "（演示）龙口粉丝产业协会", "none"),
    ("烟台葡萄酒", "gi_product", "YT-KFQ", "（演示）烟台葡萄酒行业协会", "none"),
    ("莱阳梨", "gi_mark", "370682", "（演示）莱阳梨产业协会", "none"),
    ("烟台大樱桃", "gi_mark", "370611", "（演示）烟台大樱桃协会", "none"),
]


@dataclass
class DemoOrg:
    name: str
    uscc: str
    kind: str
    region: str
    industry: IndustryProfile | None
    address: str
    size: str = ""
    tags: list[str] = field(default_factory=list)
    aliases: list[str] = field(default_factory=list)
    valid_inventions: list[str] = field(default_factory=list)
    designs: list[str] = field(default_factory=list)
    marks: list[str] = field(default_factory=list)


class _Numbers:
    """Unique synthetic identifiers."""

    def __init__(self, rnd: random.Random) -> None:
        self.rnd = rnd
        self.used: set[str] = set()

    def unique(self, make: Any) -> str:
        while True:
            value = make()
            if value not in self.used:
                self.used.add(value)
                return value


def demo_uscc(division: str, serial: int, first: str = "91") -> str:
    body = f"{first}{division}MADE{serial:05d}"
    return body + uscc_check_char(body)


def application_number(year: int, type_digit: str, serial: int) -> str:
    digits = f"{year}{type_digit}{serial:07d}"
    return f"{digits}.{patent_check_digit(digits)}"


def add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _weighted(rnd: random.Random, items: Sequence[Any], weights: Sequence[float]) -> Any:
    return rnd.choices(items, weights=weights, k=1)[0]


def _person(rnd: random.Random) -> str:
    return rnd.choice(SURNAMES) + "".join(rnd.choice(GIVEN) for _ in range(rnd.choice((1, 2, 2))))


def _address(rnd: random.Random, region: str) -> str:
    return f"山东省烟台市{REGION_NAMES[region]}{rnd.choice(STREETS)}{rnd.randint(1, 399)}号"


def _organisations(rnd: random.Random, count: int, accounts: list[dict[str, Any]]) -> list[DemoOrg]:
    regions, weights = list(REGION_WEIGHTS), list(REGION_WEIGHTS.values())
    orgs: list[DemoOrg] = []
    names: set[str] = set()
    serial = 100
    for item in accounts:  # the demo accounts' organisations get a profile too
        industry = INDUSTRIES[len(orgs) % len(INDUSTRIES)] if item["kind"] == "enterprise" else None
        region = item["region"]
        orgs.append(
            DemoOrg(item["name"], item["uscc"], item["kind"], region, industry, _address(rnd, region))
        )
        names.add(item["name"])

    def add(
        name: str, kind: str, region: str, industry: IndustryProfile | None, first: str = "91"
    ) -> DemoOrg:
        nonlocal serial
        serial += 1
        org = DemoOrg(
            name,
            demo_uscc(REGION_DIVISION[region], serial, first),
            kind,
            region,
            industry,
            _address(rnd, region),
        )
        orgs.append(org)
        names.add(name)
        return org

    for name in UNIVERSITIES + INSTITUTES:
        if name not in names:
            kind = "university" if name in UNIVERSITIES else "research_institute"
            add(name, kind, rnd.choice(["370613", "370602", "YT-GXQ"]), rnd.choice(INDUSTRIES), first="12")
    for name in AGENCIES:
        if name not in names:
            add(name, "service_agency", "370602", None)
    for name in BANKS:
        add(name, "financial_institution", "370602", None)
    for _gi, _kind, region, holder, _zone in GIS:
        add(holder, "other", region, None, first="51")
    while len(orgs) < count:
        industry = _weighted(rnd, INDUSTRIES, INDUSTRY_WEIGHTS)
        region = _weighted(rnd, regions, weights)
        place = "烟台" if rnd.random() < 0.7 else REGION_NAMES[region][:2]
        suffix = rnd.choice(
            ["有限公司", "有限公司", "有限公司", "股份有限公司", "集团有限公司", "科技有限公司"]
        )
        name = f"（演示）{place}{rnd.choice(NAME_HEADS)}{rnd.choice(industry.words)}{suffix}"
        if name in names:
            continue
        org = add(name, "enterprise", region, industry)
        org.size = _weighted(rnd, ["large", "medium", "small", "micro"], [5, 20, 50, 25])
        year = rnd.randint(2019, 2024)
        for tag, share in (("高新技术企业", 0.3), ("专精特新企业", 0.1), ("规上企业", 0.4), ("上市企业", 0.03),
                           ("市级知识产权优势企业", 0.05), ("省级知识产权示范企业", 0.02)):  # fmt: skip
            if rnd.random() < share:
                org.tags.append(f"{tag}（{year if tag != '上市企业' else rnd.randint(2008, 2024)}）")
    # Two companies that share a short name: an applicant written that way needs a person to decide.
    enterprises = [o for o in orgs if o.kind == "enterprise" and o.name.startswith("（演示）烟台")][:2]
    if len(enterprises) == 2:
        for org in enterprises:
            org.aliases.append("（演示）烟台港城公司")
    return orgs


def _filing_years(rnd: random.Random, n: int) -> list[int]:
    years = list(range(FIRST_YEAR, LAST_YEAR + 1))
    weights = [1.09 ** (y - FIRST_YEAR) for y in years]
    return rnd.choices(years, weights=weights, k=n)


def _ipc(rnd: random.Random, industry: IndustryProfile) -> list[str]:
    subclasses = [s for s, _w in industry.ipc]
    weights = [w for _s, w in industry.ipc]
    codes = []
    for _ in range(rnd.choice((1, 2, 2, 3, 3, 4))):
        subclass = _weighted(rnd, subclasses, weights)
        group = rnd.choice((1, 3, 5, 7, 9, 11, 16, 19, 21, 31, 33, 47))
        code = (
            f"{subclass} {group}/{rnd.choice(('00', '02', '04', '10', '12', '20', '30', '32', '50', '56'))}"
        )
        if code not in codes:
            codes.append(code)
    return codes


@dataclass
class _PatentRow:
    number: str
    cells: list[str]


PATENT_HEADERS = [
    "序号", "申请号", "申请日", "公开（公告）号", "公开（公告）日", "授权公告日", "名称", "申请（专利权）人",
    "发明（设计）人", "主分类号", "分类号", "法律状态", "法律状态日", "摘要", "地址", "同族", "权利要求数", "年费缴至",
    "专利类型", "被引证次数",
]  # fmt: skip


def _fmt(day: dt.date | None) -> str:
    return day.strftime(DATE_FMT) if day else ""


def iter_patent_rows(
    rnd: random.Random, orgs: list[DemoOrg], count: int, numbers: _Numbers
) -> Iterator[list[str]]:
    """Patent rows in the export layout: filings 2008–2024 growing ~9% a year, publication, grant,
    lapse for unpaid fees and expiry as of 2024-12-31."""
    holders = [o for o in orgs if o.kind in {"enterprise", "university", "research_institute"}]
    # Cumulative weights once: rnd.choices(weights=…) would re-add 25,000 weights for every row.
    holder_cum = list(itertools.accumulate(8 if o.kind == "enterprise" else 25 for o in holders))
    universities = [o for o in orgs if o.kind in {"university", "research_institute"}]
    type_names = {"1": "发明", "2": "实用新型", "3": "外观设计", "8": "发明", "9": "实用新型"}
    for index, year in enumerate(_filing_years(rnd, count), start=1):
        type_digit = _weighted(rnd, ["1", "2", "3", "8"], [34, 50, 14, 2])
        number = numbers.unique(
            lambda y=year, t=type_digit: application_number(y, t, rnd.randint(0, 9_999_999))
        )
        filing = dt.date(year, 1, 1) + dt.timedelta(days=rnd.randint(0, 364))
        if filing > AS_OF:
            filing = AS_OF - dt.timedelta(days=rnd.randint(1, 60))
        individual = rnd.random() < 0.07
        org = None if individual else rnd.choices(holders, cum_weights=holder_cum, k=1)[0]
        industry = org.industry if org and org.industry else rnd.choice(INDUSTRIES)
        names = [_person(rnd)] if individual else [org.name]  # type: ignore[union-attr]
        if org and rnd.random() < 0.12:
            partner = rnd.choice(universities)
            if partner.name != org.name:
                names.append(partner.name)
        if org and len(org.aliases) and rnd.random() < 0.2:
            names[0] = org.aliases[0]
        inventors = [_person(rnd) for _ in range(rnd.randint(1, 6))]
        kind = {"1": "invention", "8": "invention", "2": "utility_model", "3": "design"}[type_digit]
        noun = rnd.choice(industry.objects)
        title = rnd.choice(TITLE_PATTERNS[kind]).format(
            o=noun,
            w=rnd.choice(("深度学习", "物联网", "多传感器", "微流控", "自适应控制")),
            d=rnd.choice(DESIGN_WORDS),
        )
        pub_a = pub_a_date = grant_no = grant_date = None
        status, status_date = "审中", None
        if kind == "invention":
            pub_a_date = filing + dt.timedelta(days=rnd.randint(120, 560))
            if pub_a_date <= AS_OF:
                pub_a = numbers.unique(lambda: f"CN{rnd.randint(100_000_000, 119_999_999)}A")
            else:
                pub_a_date = None
            outcome = rnd.random()
            decided = filing + dt.timedelta(days=rnd.randint(700, 1400))
            if decided <= AS_OF and pub_a:
                if outcome < 0.58:
                    grant_date, grant_no = decided, pub_a[:-1] + "B"
                    status = "有效"
                elif outcome < 0.80:
                    status, status_date = "发明专利申请公布后的驳回", decided
                else:
                    status, status_date = "发明专利申请公布后的视为撤回", decided
        else:
            grant_date = filing + dt.timedelta(
                days=rnd.randint(120, 330) if kind == "utility_model" else rnd.randint(90, 240)
            )
            if grant_date > AS_OF:
                grant_date = None
            else:
                grant_no = numbers.unique(
                    lambda k=kind: f"CN{rnd.randint(200_000_000, 219_999_999)}{'U' if k == 'utility_model' else 'S'}"
                )
                status = "有效"
        fees_until = None
        if grant_date:
            term = {
                "invention": 20,
                "utility_model": 10,
                "design": 15 if filing >= dt.date(2021, 6, 1) else 10,
            }[kind]
            end = add_years(filing, term)
            keep_years = rnd.choice({"invention": (4, 6, 8, 10, 12, 20, 20, 20), "utility_model": (3, 4, 5, 6, 8, 10, 10),
                                     "design": (2, 3, 5, 10, 15)}[kind])  # fmt: skip
            lapse_year = max(grant_date.year + 1, filing.year + keep_years)
            if lapse_year <= AS_OF.year and filing.replace(year=lapse_year, day=min(filing.day, 28)) < end:
                status, status_date = (
                    "未缴年费专利权终止",
                    filing.replace(year=lapse_year, day=min(filing.day, 28)),
                )
                if status_date > AS_OF:
                    status, status_date = "有效", None
            if status == "有效" and end <= AS_OF:
                status, status_date = "期限届满", end
            if status == "有效":
                fees_until = filing.replace(year=AS_OF.year + 1, day=min(filing.day, 28)) - dt.timedelta(
                    days=1
                )
                if rnd.random() < 0.004:
                    status, status_date = "全部无效", grant_date + dt.timedelta(days=rnd.randint(200, 900))
                    fees_until = None
        if kind == "design":
            main, ipcs = rnd.choice(LOCARNO), []
        else:
            ipcs = _ipc(rnd, industry)
            main = ipcs[0]
        family = ""
        if kind == "invention" and rnd.random() < 0.06:
            members = []
            for office in rnd.sample(["US", "EP", "JP", "KR", "WO"], rnd.randint(1, 3)):
                granted = office != "WO" and rnd.random() < 0.5
                members.append(f"{office}{rnd.randint(10_000_000, 99_999_999)}{'B2' if granted else 'A1'}")
            family = ";".join(members)
        pubs = [p for p in (pub_a, grant_no) if p]
        pub_dates = [d for d in (pub_a_date, grant_date) if d]
        org_address = (
            org.address if org else f"山东省烟台市{REGION_NAMES[rnd.choice(list(REGION_NAMES))]}（个人地址）"
        )
        abstract = (
            f"【演示数据】本{type_names[type_digit]}公开了{title}，涉及{industry.label}领域。"
            f"该{noun}包括主体、连接组件和控制单元，通过优化结构与工艺参数，提高了效率和稳定性，降低了能耗与成本，"
            "适合规模化生产应用。"
        )
        if status == "有效" and org and kind == "invention":
            org.valid_inventions.append(number)
        if status == "有效" and org and kind == "design":
            org.designs.append(number)
        yield [
            str(index),
            f"CN{number}",
            _fmt(filing),
            ";".join(pubs),
            ";".join(_fmt(d) for d in pub_dates),
            _fmt(grant_date),
            title,
            ";".join(names),
            ";".join(inventors),
            main,
            ";".join(ipcs),
            status,
            _fmt(status_date),
            abstract,
            org_address,
            family,
            str(rnd.randint(3, 20)) if kind != "design" else "",
            _fmt(fees_until),
            type_names[type_digit] + ("专利" if rnd.random() < 0.5 else ""),
            str(rnd.randint(0, 30)),
        ]


def write_patents_csv(path: Path, *, patents: int, seed: int, orgs: list[DemoOrg] | None = None) -> Path:
    """The patents file alone (used by the benchmark for large sizes)."""
    rnd = random.Random(seed)
    if orgs is None:
        orgs = _organisations(rnd, max(60, patents // 40), _accounts())
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(PATENT_HEADERS)
        writer.writerows(iter_patent_rows(rnd, orgs, patents, _Numbers(rnd)))
    return path


def _accounts() -> list[dict[str, Any]]:
    """Organisations of the demo accounts (data/demo/accounts.yaml), so demo users have a portfolio."""
    from django.conf import settings

    from ipcity.lib.datafile import read_yaml

    path = Path(settings.DATA_DIR) / "demo" / "accounts.yaml"
    if not path.exists():
        return []
    data, _checksum = read_yaml(path)
    return [o for o in data.get("organisations", []) if {"name", "uscc", "kind", "region"} <= set(o)]


def _xlsx(path: Path, headers: list[str], rows: list[list[Any]]) -> Path:
    from openpyxl import Workbook

    from ipcity.lib.excel import stream_row

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Sheet1")
    stream_row(ws, headers)
    for row in rows:
        stream_row(ws, row)
    wb.save(path)
    return path


def generate_demo_files(out_dir: Path, *, patents: int, seed: int) -> dict[str, Path]:
    """Write the demo data set as import files; returns {kind: path} in loading order."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    rnd = random.Random(seed)
    orgs = _organisations(rnd, max(60, patents // 40), _accounts())
    numbers = _Numbers(rnd)
    files: dict[str, Path] = {}

    org_rows = []
    for org in orgs:
        certs: list[tuple[str, str, dt.date, dt.date]] = []
        if org.kind == "enterprise" and rnd.random() < 0.1:
            issued = dt.date(rnd.randint(2017, 2024), rnd.randint(1, 12), rnd.randint(1, 28))
            version = "2023" if issued.year >= 2024 else "2013"
            certs.append((f"DEM-IPMS-{numbers.unique(lambda: str(rnd.randint(10000, 99999)))}", version, issued,
                          add_years(issued, 3) - dt.timedelta(days=1)))  # fmt: skip
        org_rows.append([
            org.uscc, org.name, ";".join(org.aliases), {"enterprise": "企业", "university": "高校",
            "research_institute": "科研院所", "service_agency": "服务机构", "financial_institution": "银行/金融机构",
            "other": "其他"}[org.kind], REGION_NAMES[org.region] if org.region.isdigit() else {"YT-KFQ": "烟台开发区",
            "YT-GXQ": "烟台高新区", "YT-CD": "长岛综合试验区"}[org.region], org.address,
            org.industry.label if org.industry and org.kind == "enterprise" else "",
            org.industry.industry_code if org.industry and org.kind == "enterprise" else "",
            {"large": "大型", "medium": "中型", "small": "小型", "micro": "微型", "": ""}[org.size], ";".join(org.tags),
            ";".join(c[0] for c in certs), ";".join(c[1] for c in certs), ";".join(c[2].isoformat() for c in certs),
            ";".join(c[3].isoformat() for c in certs),
        ])  # fmt: skip
    files["organisations"] = _xlsx(
        out_dir / "organisations.xlsx",
        ["统一社会信用代码", "名称", "别名", "类型", "所属区市", "地址", "重点产业", "行业代码", "企业规模", "标签",
         "贯标证书编号", "贯标标准版本", "发证日期", "证书有效期至"],
        org_rows,
    )  # fmt: skip

    patents_path = out_dir / "patents.csv"
    with patents_path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(PATENT_HEADERS)
        writer.writerows(iter_patent_rows(rnd, orgs, patents, numbers))
    files["patents"] = patents_path

    enterprises = [o for o in orgs if o.kind == "enterprise"]
    mark_rows = []
    for _ in range(max(20, patents // 10)):
        org = rnd.choice(enterprises)
        industry = org.industry or INDUSTRIES[0]
        number = numbers.unique(lambda: str(rnd.randint(10_000_000, 69_999_999)))
        applied = dt.date(rnd.randint(FIRST_YEAR, LAST_YEAR), rnd.randint(1, 12), rnd.randint(1, 28))
        registered = applied + dt.timedelta(days=rnd.randint(200, 420))
        status = "已注册" if registered <= AS_OF else "申请中"
        expiry = add_years(registered, 10) - dt.timedelta(days=1)
        if status == "已注册" and expiry < AS_OF:
            status = "期满未续展" if rnd.random() < 0.3 else status
            expiry = add_years(expiry, 10) if status == "已注册" else expiry
        madrid, countries = "", ""
        if status == "已注册" and rnd.random() < 0.04:
            madrid = numbers.unique(lambda: str(rnd.randint(1_500_000, 1_799_999)))
            countries = ";".join(
                sorted(rnd.sample(["US", "EU", "JP", "KR", "RU", "AU", "SG", "VN", "TH"], rnd.randint(1, 5)))
            )
        org.marks.append(number)
        mark_rows.append([
            number, rnd.choice(NAME_HEADS) + rnd.choice(("", "", "牌", "源", "之星")), rnd.choice(industry.nice), org.name,
            "普通商标", status, applied, registered if status != "申请中" else None,
            f"{registered.isoformat()}至{expiry.isoformat()}" if status != "申请中" else "", madrid, countries, "",
        ])  # fmt: skip
    for index, row in enumerate(rnd.sample(mark_rows, min(5, len(mark_rows)))):
        if row[5] == "已注册":
            row[11] = str(2010 + 2 * index)
    for product, kind, _region, holder, _zone in GIS:
        if kind == "gi_mark":
            number = numbers.unique(lambda: str(rnd.randint(10_000_000, 69_999_999)))
            registered = dt.date(rnd.randint(2008, 2016), rnd.randint(1, 12), rnd.randint(1, 28))
            mark_rows.append([number, product, rnd.choice((29, 31, 33)), holder, "地理标志证明商标", "已注册",
                              registered - dt.timedelta(days=400), registered,
                              f"{registered.isoformat()}至{add_years(registered, 20).isoformat()}", "", "", ""])  # fmt: skip
    files["trademarks"] = _xlsx(
        out_dir / "trademarks.xlsx",
        ["注册号", "商标名称", "国际分类", "注册人", "商标类型", "商标状态", "申请日期", "注册日期", "专用权期限",
         "国际注册号", "指定国家", "驰名商标认定年度"],
        mark_rows,
    )  # fmt: skip

    gi_rows = []
    for product, kind, region, holder, zone in GIS:
        approved = dt.date(rnd.randint(2002, 2016), rnd.randint(1, 12), rnd.randint(1, 28))
        gi_rows.append([product, "地理标志商标" if kind == "gi_mark" else "地理标志保护产品", REGION_NAMES.get(region, region),
                        holder, f"DEM-GI-{rnd.randint(100, 999)}", approved, {"none": "无", "building": "筹建"}[zone]])  # fmt: skip
    files["gis"] = _xlsx(
        out_dir / "gis.xlsx",
        ["产品名称", "地理标志类别", "所属区市", "持有人", "公告号/注册号", "批准日期", "保护示范区"],
        gi_rows,
    )

    pledgors = [o for o in enterprises if len(o.valid_inventions) >= 1]
    pledge_rows = []
    years = list(range(2019, 2025))
    for _ in range(max(8, patents // 200) if pledgors else 0):
        org = rnd.choice(pledgors)
        year = _weighted(rnd, years, [1.3**i for i in range(len(years))])
        registered = dt.date(year, rnd.randint(1, 12), rnd.randint(1, 28))
        items = rnd.sample(org.valid_inventions, min(len(org.valid_inventions), rnd.randint(1, 4)))
        marks = rnd.sample(org.marks, 1) if org.marks and rnd.random() < 0.15 else []
        amount = rnd.choice((100, 200, 300, 500, 800, 1000, 1500, 2000, 3000, 5000))
        pledge_rows.append([
            numbers.unique(lambda y=year: f"Y{y}98{rnd.randint(0, 9_999_999):07d}"), org.name, rnd.choice(BANKS),
            ";".join(items), ";".join(marks), amount, registered, registered,
            add_years(registered, rnd.choice((1, 2, 3))), f"{rnd.uniform(3.2, 4.8):.2f}",
        ])  # fmt: skip
    files["pledges"] = _xlsx(
        out_dir / "pledges.xlsx",
        ["质押登记号", "出质人", "质权人", "专利申请号", "商标注册号", "担保金额（万元）", "登记日", "质押起始日", "质押到期日",
         "贷款年利率（%）"],
        pledge_rows,
    )  # fmt: skip

    licence_rows = []
    licensors = [o for o in orgs if o.valid_inventions]
    kinds = ["独占许可", "排他许可", "普通许可", "开放许可", "转让"]
    for _ in range(max(6, patents // 150) if licensors else 0):
        licensor = rnd.choice(licensors)
        licensee = rnd.choice(enterprises)
        if licensee.name == licensor.name:
            continue
        kind = _weighted(rnd, kinds, [10, 5, 30, 15, 40])
        signed = dt.date(rnd.randint(2019, 2024), rnd.randint(1, 12), rnd.randint(1, 28))
        recorded = kind != "转让" and rnd.random() < 0.8
        licence_rows.append([
            numbers.unique(lambda s=signed: f"X{s.year}370{rnd.randint(0, 999_999):06d}") if recorded else "", kind,
            licensor.name, licensee.name, ";".join(rnd.sample(licensor.valid_inventions, 1)),
            rnd.choice((5, 10, 20, 30, 50, 80, 120)), signed,
            add_years(signed, 5) if kind != "转让" else None, "是" if recorded else "否",
        ])  # fmt: skip
    files["licences"] = _xlsx(
        out_dir / "licences.xlsx",
        [
            "备案号",
            "许可类型",
            "许可人",
            "被许可人",
            "专利申请号",
            "费用（万元）",
            "合同日期",
            "许可期限至",
            "是否备案",
        ],
        licence_rows,
    )

    award_rows = []
    winners = [(o, n) for o in orgs for n in o.valid_inventions]
    design_winners = [(o, n) for o in orgs for n in o.designs]
    used: set[tuple[str, int, str]] = set()
    plan = [("中国专利奖", ("优秀奖", "优秀奖", "优秀奖", "银奖"), 2), ("山东省专利奖", ("一等奖", "二等奖", "三等奖", "三等奖"), 4),
            ("烟台市专利奖", ("一等奖", "二等奖", "三等奖"), 8)]  # fmt: skip
    for year in range(2019, 2025):
        for award, levels, per_year in plan:
            for _ in range(per_year if winners else 0):
                org, number = rnd.choice(winners)
                if (award, year, number) in used:
                    continue
                used.add((award, year, number))
                award_rows.append([award, rnd.choice(levels), year, number, "", org.name])
        if design_winners and rnd.random() < 0.5:
            org, number = rnd.choice(design_winners)
            award_rows.append(["中国外观设计奖", "优秀奖", year, number, "", org.name])
    files["awards"] = _xlsx(
        out_dir / "awards.xlsx", ["奖项", "等级", "年度", "专利号", "专利名称", "专利权人"], award_rows
    )
    return files


def load_registry_demo(*, actor: Actor, patents: int = 20000, seed: int = 2024) -> None:
    """Generate the demo files in a temporary directory and load them through the real importers.

    Idempotent: the files are the same for a seed, so a second run changes nothing."""
    from ipcity.core.services import mark_dataset
    from ipcity.registry.importers import import_file

    with tempfile.TemporaryDirectory(prefix="ipcity-demo-") as tmp:
        files = generate_demo_files(Path(tmp), patents=patents, seed=seed)
        for kind, path in files.items():
            result = import_file(kind, path, actor=actor, mark_demo=kind == "organisations")
            if result.refused:
                raise RuntimeError(
                    f"演示数据导入失败（{kind}）：{result.summary()}；{[str(e) for e in result.errors[:5]]}"
                )
    mark_dataset(
        code="registry-demo",
        name=f"知识产权演示数据（合成，{patents} 件专利，种子 {seed}）",
        is_demo=True,
        source="ipcity.registry.demo",
        # The files are a function of (generator version, size, seed); xlsx files embed their write time.
        checksum=hashlib.sha256(f"{GENERATOR_VERSION}:{patents}:{seed}".encode()).hexdigest(),
        actor=actor,
    )
