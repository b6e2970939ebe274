"""The statutory term of a patent (专利权的期限), in Python and as a database expression.

专利法 第四十二条 (as amended 2020, in force 2021-06-01):

- (1) 发明专利权的期限为二十年，实用新型专利权的期限为十年，外观设计专利权的期限为十五年，均自申请日起计算。
  Before the amendment designs had ten years; the CNIPA's transitional rule applies the fifteen years
  to design applications filed on or after 2021-06-01, so a design filed on 2021-05-31 keeps ten.
- (2) 专利权期限补偿 for an invention whose grant was unreasonably delayed (filed four years and
  examination requested three years before the grant), at the patentee's request: the days of delay.
- (3) 药品专利期限补偿 for a new drug's invention patent: the time the marketing approval took, at most
  five years (and at most fourteen years of term after approval).

**Boundary convention.** The term counts from the filing date itself, so its last day is the day
before the anniversary: an invention filed 2004-03-10 is protected up to and including 2024-03-09
and has lapsed on 2024-03-10. (CNIPA 专利审查指南 第五部分第九章 2.2.1 gives the example of a utility
model filed 1999-09-06 whose term ends 2009-09-05; that is not the rule for procedural time limits
of 第五部分第七章 2.3, which end on the corresponding day itself.) A filing date of 29 February has no
anniversary in a common year: its term ends on 28 February, the last day of that month (the same
answer as "the day before 1 March" and as 第五部分第七章 2.3's "该月无相应日的，以该月最后一日为期限届满日").
A recorded extension adds its days after that last day.

`term_end` is the rule in Python (the patent facts, the record page); `term_end_expression` the same
rule in SQL, for querysets on SQLite and PostgreSQL (the indicators' drill-downs). They must agree:
`ipcity/registry/tests/test_terms.py` compares them over generated dates.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import (
    Case,
    DateField,
    Expression,
    F,
    Func,
    IntegerField,
    Q,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.db.utils import NotSupportedError

from ipcity.registry.choices import PatentType

# 专利法 第四十二条第一款 as amended 2020: design applications filed on or after this day get 15 years.
DESIGN_FIFTEEN_YEARS_FROM = dt.date(2021, 6, 1)
INVENTION_YEARS = 20
UTILITY_MODEL_YEARS = 10
DESIGN_YEARS_BEFORE = 10
DESIGN_YEARS_FROM = 15
# 专利法 第四十二条第三款: 药品专利期限补偿 of at most five years (five years hold at most two 29 Februaries).
DRUG_EXTENSION_MAX_DAYS = 5 * 365 + 2
# A plausibility bound on 专利权期限补偿 (the law sets none; the delay lies between filing + 4 years
# and the grant, which comes before the twenty years are over): never more than twenty years.
DELAY_EXTENSION_MAX_DAYS = 20 * 365 + 5


def term_years(patent_type: str, filing_date: dt.date) -> int:
    """The statutory term in years (专利法 第四十二条第一款)."""
    if patent_type == PatentType.INVENTION:
        return INVENTION_YEARS
    if patent_type == PatentType.UTILITY_MODEL:
        return UTILITY_MODEL_YEARS
    if patent_type == PatentType.DESIGN:
        return DESIGN_YEARS_FROM if filing_date >= DESIGN_FIFTEEN_YEARS_FROM else DESIGN_YEARS_BEFORE
    raise ValueError(f"未知的专利类型：{patent_type}")


def term_end(patent_type: str, filing_date: dt.date, extension_days: int | None = 0) -> dt.date:
    """The last day of protection: the day before the filing date's anniversary after the statutory
    years (28 February for a 29 February filing date in a common year), plus the extension's days."""
    year = filing_date.year + term_years(patent_type, filing_date)
    try:
        anniversary = filing_date.replace(year=year)
    except ValueError:  # 29 February, common year: the term's last day is 28 February
        anniversary = dt.date(year, 3, 1)
    return anniversary - dt.timedelta(days=1) + dt.timedelta(days=extension_days or 0)


def term_ended(patent_type: str, filing_date: dt.date, extension_days: int | None, on: dt.date) -> bool:
    """Whether the term is over on `on` (protected up to and including `term_end`)."""
    return on > term_end(patent_type, filing_date, extension_days)


class _TermEnd(Func):
    """filing date + years − 1 day + days, each database in its own words (both give 28 February for
    a 29 February filing date in a common year, as `term_end` does):

    - SQLite: `date(filing, '+N years', '-1 day', '+D days')` — a 29 February that does not exist
      rolls over to 1 March, and the day before is 28 February;
    - PostgreSQL: `((filing − 1) + N years)::date + D` — adding years to the day before the filing
      date; a 29 February that does not exist becomes 28 February.
    """

    output_field = DateField()
    arity = 3  # filing date, years, extension days

    def as_sql(self, compiler: Any, connection: Any, *args: Any, **extra: Any) -> Any:
        raise NotSupportedError("保护期限届满日的计算仅支持 SQLite 和 PostgreSQL")

    def _parts(self, compiler: Any, connection: Any) -> tuple[list[str], list[Any]]:
        sql: list[str] = []
        params: list[Any] = []
        for expression in self.get_source_expressions():
            part_sql, part_params = compiler.compile(expression)
            sql.append(part_sql)
            params.extend(part_params)
        return sql, params

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        (filing, years, days), params = self._parts(compiler, connection)
        return (
            f"date({filing}, '+' || ({years}) || ' years', '-1 day', '+' || ({days}) || ' days')",
            params,
        )

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        (filing, years, days), params = self._parts(compiler, connection)
        return f"((({filing} - 1) + make_interval(years => ({years})))::date + ({days}))", params


def term_years_expression(prefix: str = "") -> Expression:
    """`term_years` in SQL, over the patent at `prefix` ("" or e.g. "patent__")."""
    p = prefix
    return Case(
        When(Q(**{f"{p}patent_type": PatentType.INVENTION}), then=Value(INVENTION_YEARS)),
        When(Q(**{f"{p}patent_type": PatentType.UTILITY_MODEL}), then=Value(UTILITY_MODEL_YEARS)),
        When(
            Q(**{f"{p}patent_type": PatentType.DESIGN, f"{p}filing_date__lt": DESIGN_FIFTEEN_YEARS_FROM}),
            then=Value(DESIGN_YEARS_BEFORE),
        ),
        When(Q(**{f"{p}patent_type": PatentType.DESIGN}), then=Value(DESIGN_YEARS_FROM)),
        default=Value(None),
        output_field=IntegerField(),
    )


def extension_days_expression(prefix: str = "") -> Expression:
    """The recorded extensions' days (art. 42(2) and 42(3)) added up; 0 when none is recorded."""
    p = prefix
    return Coalesce(F(f"{p}delay_extension_days"), 0) + Coalesce(F(f"{p}drug_extension_days"), 0)


def term_end_expression(prefix: str = "") -> Expression:
    """`term_end` in SQL: the last day of protection of the patent at `prefix`."""
    return _TermEnd(
        F(f"{prefix}filing_date"), term_years_expression(prefix), extension_days_expression(prefix)
    )
