"""ipcity.lib.dates and ipcity.lib.text: the date formats and clean-up rules importers rely on."""

from __future__ import annotations

import datetime as dt

import pytest

from ipcity.lib.dates import DateFormatError, parse_date
from ipcity.lib.text import clean_name, clean_text, fold, name_key, split_values


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2022-03-01", dt.date(2022, 3, 1)),
        ("2022-3-1", dt.date(2022, 3, 1)),
        ("2022/03/01", dt.date(2022, 3, 1)),
        ("2022.03.01", dt.date(2022, 3, 1)),
        ("20220301", dt.date(2022, 3, 1)),
        ("2022年3月1日", dt.date(2022, 3, 1)),
        ("２０２２年３月１日", dt.date(2022, 3, 1)),
        (" 2022-03-01 00:00:00 ", dt.date(2022, 3, 1)),
        ("44621", dt.date(2022, 3, 1)),  # Excel serial as text
        (44621, dt.date(2022, 3, 1)),  # Excel serial as a number cell
        (44621.75, dt.date(2022, 3, 1)),  # with a time of day
        (20220301, dt.date(2022, 3, 1)),  # yyyymmdd typed as a number
        (dt.datetime(2022, 3, 1, 8, 30), dt.date(2022, 3, 1)),
        (dt.date(2022, 3, 1), dt.date(2022, 3, 1)),
    ],
)
def test_accepted_date_formats(value, expected) -> None:
    assert parse_date(value) == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("2022-02-30", "不存在的日期 2022年2月30日"),
        ("20221301", "不存在的日期 2022年13月1日"),
        ("明年三月", "无法识别的日期“明年三月”"),
        ("3/1/2022", "无法识别的日期“3/1/2022”"),
        (12, "Excel 日期序号 12 超出范围"),
    ],
)
def test_rejected_dates_say_why(value, message) -> None:
    with pytest.raises(DateFormatError) as info:
        parse_date(value)
    assert message in str(info.value)


def test_text_cleaning_keeps_chinese_punctuation_and_folds_full_width_letters() -> None:
    assert clean_text("  一种\u3000装置，包括ＡＢＣ１２３  ") == "一种 装置，包括ABC123"
    assert clean_text("a\u200bb\tc\n d") == "ab c d"
    assert clean_name("烟台 海岳 (集团) 有限公司") == "烟台 海岳（集团）有限公司"
    assert clean_name("【演示】公司") == "（演示）公司"


def test_name_key_matches_spellings_of_one_name() -> None:
    assert (
        name_key("烟台海岳（集团）有限公司")
        == name_key("烟台 海岳(集团)有限公司")
        == name_key("烟台海岳（集团）有限公司 ")
    )
    assert name_key("Yantai Haiyue Co., Ltd.") == name_key("YANTAI HAIYUE CO LTD")
    assert name_key("烟台海岳有限公司") != name_key("烟台海岳集团有限公司")


def test_multi_value_cells_split_on_all_separators() -> None:
    assert split_values("甲公司; 乙公司；丙公司|丁公司｜ 戊 ;;") == [
        "甲公司",
        "乙公司",
        "丙公司",
        "丁公司",
        "戊",
    ]
    assert split_values(None) == []
    assert fold(" ｃｎ ２０２２１０１２３４５６.７ ") == "CN202210123456.7"


def test_parsing_in_a_thread_hands_over_batches_errors_and_stops_when_the_writer_stops() -> None:
    import threading

    from ipcity.registry.importers.engine import _in_thread

    assert list(_in_thread(iter([[1], [2], [3]]))) == [[1], [2], [3]]

    def failing():  # type: ignore[no-untyped-def]
        yield [1]
        raise ValueError("第 3 行读不出来")

    received = []
    with pytest.raises(ValueError, match="第 3 行"):
        for batch in _in_thread(failing()):
            received.append(batch)
    assert received == [[1]]

    produced = []

    def endless():  # type: ignore[no-untyped-def]
        n = 0
        while True:
            n += 1
            produced.append(n)
            yield [n]

    before = threading.active_count()
    batches = _in_thread(endless(), depth=2)
    assert next(batches) == [1]
    batches.close()  # the writer failed: the parser thread is stopped and joined
    assert threading.active_count() == before
    assert len(produced) <= 5  # it ran at most a few batches ahead
