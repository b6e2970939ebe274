"""Today's date for protection's deadlines (Asia/Shanghai), in one place so that demos and tests can
set it: `frozen(day)` sets it process-wide, so that a live test server's threads see it too."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager

from django.utils import timezone

_override: dt.date | None = None


def today() -> dt.date:
    return _override if _override is not None else timezone.localdate()


def set_today(day: dt.date | None) -> None:
    global _override
    _override = day


@contextmanager
def frozen(day: dt.date) -> Iterator[None]:
    previous = _override
    set_today(day)
    try:
        yield
    finally:
        set_today(previous)
