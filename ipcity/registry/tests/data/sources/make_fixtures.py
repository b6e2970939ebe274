"""Writes the export fixtures of tests/test_source_profiles.py, laid out as the tools write them.

Run from the repository root: `.venv/bin/python ipcity/registry/tests/data/sources/make_fixtures.py`.
The files are committed; this script documents how they were made (invented patents of invented
companies; application numbers with valid check digits).
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from openpyxl import Workbook

from ipcity.lib.identifiers import patent_check_digit

HERE = Path(__file__).resolve().parent


def number(year: int, kind: str, serial: int) -> str:
    digits = f"{year}{kind}{serial:07d}"
    return f"CN{digits}.{patent_check_digit(digits)}"


def xlsx(path: Path, rows: list[list[Any]]) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    book.save(path)


# 专利检索及分析系统: 著录项目 with the gazette's legal-status event names; dates 2022.03.01.
CNIPA_HEADER: list[Any] = [
    "序号", "申请号", "申请日", "公开（公告）号", "公开（公告）日", "发明名称", "IPC分类号", "IPC主分类号",
    "申请（专利权）人", "发明人", "申请人地址", "申请人邮编", "代理机构", "法律状态", "法律状态公告日",
]  # fmt: skip
CNIPA_ROWS = [
    [1, number(2022, "1", 5001), "2022.03.01", "CN114500001A", "2022.07.01", "一种海水淡化膜组件",
     "C02F1/44;B01D61/02", "C02F1/44", "烟台示例膜科技有限公司", "王一;李二", "山东省烟台市莱山区观海路1号",
     "264003", "烟台示例专利事务所", "实质审查的生效", "2022.07.19"],
    [2, number(2021, "1", 5002), "2021.05.06", "CN113500002A;CN113500002B", "2021.09.01;2023.04.07",
     "一种果蔬分选装置", "B07C5/34", "B07C5/34", "烟台示例机械有限公司", "张三", "烟台市福山区永达街2号",
     "265500", "", "授权", "2023.04.07"],
    [3, number(2019, "2", 5003), "2019.06.10", "CN210500003U", "2020.03.01", "一种保鲜箱", "B65D81/26",
     "B65D81/26", "烟台示例包装有限公司", "赵四", "烟台市芝罘区南大街3号", "264001", "",
     "未缴年费专利权终止", "2023.08.01"],
    [4, number(2005, "1", 5004), "2005.01.05", "CN1500004A;CN1500004C", "2005.07.01;2007.05.02",
     "一种葡萄酒陈酿方法", "C12G1/00", "C12G1/00", "烟台示例酿酒有限公司", "钱五", "烟台市芝罘区大马路4号",
     "264000", "", "专利权有效期届满", "2025.01.05"],
    [5, number(2020, "1", 5005), "2020.02.02", "CN111500005A", "2020.06.02", "一种电池极片", "H01M4/13",
     "H01M4/13", "烟台示例新能源有限公司", "孙六", "烟台市牟平区政府大街5号", "264100", "",
     "发明专利申请公布后的驳回", "2022.11.11"],
    [6, number(2020, "1", 5006), "2020.03.03", "CN111500006A", "2020.07.03", "一种海参加工工艺", "A23L17/00",
     "A23L17/00", "烟台示例食品有限公司", "周七", "烟台市蓬莱区钟楼北路6号", "265600", "",
     "发明专利申请公布后的视为撤回", "2022.05.05"],
]  # fmt: skip

# incoPat: 序号 first; 专利类型 发明申请/发明授权; 法律状态 its detailed status; 专利有效性 coarse.
INCOPAT_HEADER: list[Any] = [
    "序号", "标题", "申请号", "申请日", "公开（公告）号", "公开（公告）日", "申请人", "发明人", "IPC主分类",
    "IPC", "专利类型", "法律状态", "专利有效性", "申请人地址",
]  # fmt: skip
INCOPAT_STATUSES = [
    ("发明授权", "授权", "有效"), ("发明申请", "实质审查", "审中"), ("发明申请", "公开", "审中"),
    ("发明授权", "未缴年费", "失效"), ("发明授权", "期限届满", "失效"), ("发明申请", "撤回", "失效"),
    ("发明申请", "驳回", "失效"), ("发明授权", "全部无效", "失效"), ("发明授权", "部分无效", "有效"),
    ("发明授权", "放弃", "失效"), ("发明授权", "权利恢复", "有效"),
]  # fmt: skip


def incopat_rows(last_status: str | None = None) -> list[list[object]]:
    rows: list[list[object]] = []
    for index, (kind, status, validity) in enumerate(INCOPAT_STATUSES, start=1):
        if last_status and index == len(INCOPAT_STATUSES):
            status = last_status
        granted = kind == "发明授权"
        pubs = f"CN1156{index:05d}A" + (f"; CN1156{index:05d}B" if granted else "")
        dates = "2021-10-01" + ("; 2023-06-02" if granted else "")
        rows.append([
            index, f"一种示例装置{index}", number(2021, "1", 6000 + index), "2021-04-01", pubs, dates,
            f"烟台示例科技{index}有限公司; 山东示例大学", "甲某; 乙某", "G06F16/30", "G06F16/30; H04L9/40",
            kind, status, validity, "山东省烟台市高新区航天路101号",
        ])  # fmt: skip
    return rows


# 智慧芽: the query above the header; half-width brackets; several values split by " | ".
PATSNAP_TITLE = ["检索式：ANCS:(烟台) AND APD:[20180101 TO 20241231]；共 4 条"]
PATSNAP_HEADER = [
    "序号", "公开(公告)号", "申请号", "标题", "申请(专利权)人", "当前申请(专利权)人", "发明人", "申请日",
    "公开(公告)日", "IPC分类号", "IPC主分类号", "专利类型", "简单法律状态", "法律状态/事件", "申请(专利权)人地址",
]  # fmt: skip
PATSNAP_ROWS = [
    ["1", "CN116700001B", number(2022, "1", 7001), "一种船舶焊接机器人", "烟台示例重工有限公司 | 烟台示例研究院",
     "烟台示例重工有限公司", "甲 | 乙", "2022-08-08", "2024-01-09", "B23K37/02 | B25J11/00", "B23K37/02",
     "授权发明", "有效", "授权 | 权利转移", "山东省烟台市开发区长江路8号"],
    ["2", "CN116700002A", number(2022, "1", 7002), "一种鲍鱼养殖网箱", "烟台示例海洋科技有限公司", "",
     "丙", "2022-09-09", "2023-01-10", "A01K61/50", "A01K61/50", "发明申请", "审中", "实质审查",
     "山东省烟台市长岛海洋生态文明综合试验区9号"],
    ["3", "CN217700003U", number(2021, "2", 7003), "一种苹果套袋器", "烟台示例农业有限公司", "", "丁",
     "2021-10-10", "2022-04-11", "A01G13/02", "A01G13/02", "实用新型", "失效", "未缴年费",
     "山东省烟台市栖霞市翠屏街道10号"],
    ["4", "CN307700004S", number(2022, "3", 7004), "酒瓶", "烟台示例酒业有限公司", "", "戊", "2022-11-11",
     "2023-02-12", "09-01", "09-01", "外观设计", "有效", "授权", "山东省烟台市芝罘区解放路11号"],
]  # fmt: skip


def main() -> None:
    xlsx(HERE / "cnipa-pss.xlsx", [CNIPA_HEADER, *CNIPA_ROWS])
    xlsx(HERE / "incopat.xlsx", [INCOPAT_HEADER, *incopat_rows()])
    # Row 12 of the sheet (the 11th patent) says 专利权人放弃, a wording incoPat's profile lacks.
    xlsx(HERE / "incopat-abandoned.xlsx", [INCOPAT_HEADER, *incopat_rows("专利权人放弃")])
    with (HERE / "patsnap.csv").open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerows([PATSNAP_TITLE, PATSNAP_HEADER, *PATSNAP_ROWS])


if __name__ == "__main__":
    main()
