"""Set-up shared by the support tests: experts through support's services, registry patents written
through the ORM (as the registry's importers would have written them)."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from ipcity.core.audit import Actor
from ipcity.lib.identifiers import patent_check_digit
from ipcity.lib.text import name_key
from ipcity.registry.models import Organisation, Patent, PatentHolder
from ipcity.support import services
from ipcity.support.models import Expert

CLI = Actor.cli("测试")
FIELD = "high_end_equipment"
TODAY = dt.date(2024, 6, 3)
_serials = itertools.count(1)


def expert(name: str, *, field: str = FIELD, employer_name: str = "测试大学", **values: Any) -> Expert:
    return services.save_expert(actor=CLI, name=name, field=field, employer_name=employer_name, **values)


def pool(n: int, prefix: str = "专家") -> list[Expert]:
    return [expert(f"{prefix}{i}", employer_name=f"测试研究院{i}") for i in range(1, n + 1)]


def patent(holders: list[Organisation | str], *, filed: dt.date, inventors: list[str] = ()) -> Patent:  # type: ignore[assignment]
    serial = next(_serials)
    digits = f"{filed.year}1{8_000_000 + serial:07d}"
    first = holders[0]
    first_name = first.name if isinstance(first, Organisation) else first
    p = Patent.objects.create(
        application_number=f"{digits}.{patent_check_digit(digits)}",
        patent_type="invention",
        title=f"一种回避测试装置{serial}",
        filing_date=filed,
        legal_status="valid",
        first_holder_name=first_name,
        first_holder=first if isinstance(first, Organisation) else None,
        region_rule="organisation",
        inventors=list(inventors),
    )
    for position, holder in enumerate(holders, start=1):
        name = holder.name if isinstance(holder, Organisation) else holder
        PatentHolder.objects.create(
            patent=p,
            position=position,
            name=name,
            name_key=name_key(name),
            organisation=holder if isinstance(holder, Organisation) else None,
        )
    return p


def draw(applicant: Organisation, count: int, **kwargs: Any):  # type: ignore[no-untyped-def]
    kwargs.setdefault("on", TODAY)
    return services.draw_experts(
        actor=CLI, subject="测试评审", subject_key=kwargs.pop("key", "test:1"), applicant=applicant,
        field=kwargs.pop("field", FIELD), count=count, **kwargs,
    )  # fmt: skip


def picked(d) -> list[str]:  # type: ignore[no-untyped-def]
    return [p.expert.name for p in d.picks.order_by("position")]
