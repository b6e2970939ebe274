"""Bounds on what people type: ids and codes in URLs, search terms, whole numbers and dates.

Values typed into forms and URLs (or sent by a scanner) must end as a 404 or a Chinese form error
naming the field, never as a server error from a limit further down: "Python int too large to convert
to SQLite INTEGER", PostgreSQL's "integer out of range" and "text fields cannot contain NUL", SQLite's
"LIKE or GLOB pattern too complex" (patterns over 50,000 bytes), or a date pushed past year 9999.
URL patterns use the `<id:…>` and `<code:…>` converters (registered in ipcity/urls.py); forms use the
fields below. See docs/architecture.md, "Bad input".
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator

ID_MAX = 2**63 - 1  # BigAutoField ids: a signed 64-bit integer on SQLite and PostgreSQL
INT_MAX = 2**31 - 1  # IntegerField / PositiveIntegerField columns on PostgreSQL
COUNT_MAX = 1_000_000  # counts typed into forms that amounts are multiplied by (pieces, days)
SEARCH_MAX_LENGTH = 100
DATE_MIN = dt.date(1900, 1, 1)
DATE_MAX = dt.date(2099, 12, 31)  # leaves room for "a day later" and "a year later" arithmetic
_ID = re.compile("[0-9]{1,19}")


def parse_id(value: object) -> int | None:
    """An id read from a query string or a form list: the number, or None when it is not 1 … ID_MAX
    written in ASCII digits ("²" passes str.isdigit but not int; 5,000 digits pass neither check
    of a database)."""
    if isinstance(value, str) and _ID.fullmatch(value) and 0 < int(value) <= ID_MAX:
        return int(value)
    return None


class IdConverter:
    """`<id:pk>`: a database id, 1 … ID_MAX. Anything else does not match, so the URL is a 404."""

    regex = _ID.pattern

    def to_python(self, value: str) -> int:
        number = parse_id(value)
        if number is None:
            raise ValueError(value)  # Django treats this as "no match"
        return number

    def to_url(self, value: int) -> str:
        return str(value)


class CodeConverter:
    """`<code:number>`: a code or number in the path, like `<str:>` but without control characters
    (PostgreSQL refuses a NUL in a text parameter) and at most 200 characters long."""

    regex = "[^/\x00-\x1f\x7f]{1,200}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


class SearchField(forms.CharField):
    """A `q=` search term: optional, stripped, at most `max_length` characters. Django escapes the
    LIKE wildcards (% and _) of `icontains` itself; the length cap keeps the pattern far below
    SQLite's limit and the query cheap."""

    def __init__(self, *, label: str = "关键词", max_length: int = SEARCH_MAX_LENGTH, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault(
            "error_messages",
            {"max_length": f"{label}最多 %(limit_value)d 个字（现有 %(show_value)d 个）。"},
        )
        super().__init__(label=label, max_length=max_length, **kwargs)


class IdField(forms.IntegerField):
    """A record id passed in a query string (`?organisation=12`)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        message = f"{kwargs.get('label') or '编号'}无效。"
        kwargs.setdefault("error_messages", {"invalid": message, "min_value": message, "max_value": message})
        super().__init__(min_value=1, max_value=ID_MAX, **kwargs)


class IdsField(forms.ModelMultipleChoiceField):
    """Several records chosen by id (check boxes). Each value must look like an id before Django's
    `pk__in` query, which SQLite cannot run with an integer beyond 64 bits (OverflowError)."""

    def clean(self, value: Any) -> Any:
        for item in value if isinstance(value, list | tuple) else ():
            if parse_id(item) is None:
                raise forms.ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": str(item)[:20]},
                )
        return super().clean(value)


def whole_number_field(
    label: str, *, min_value: int = 0, max_value: int = INT_MAX, unit: str = "", **kwargs: Any
) -> forms.IntegerField:
    """An integer form field within what its column (or the arithmetic on it) holds, with Chinese
    errors that name the field. The default bound is a PostgreSQL integer column's."""
    messages = {
        "invalid": f"{label}应为整数。",
        "min_value": f"{label}不能小于 %(limit_value)s{unit}。",
        "max_value": f"{label}不能大于 %(limit_value)s{unit}。",
        "required": f"请填写{label}。",
    }
    messages.update(kwargs.pop("error_messages", {}))
    return forms.IntegerField(
        label=label, min_value=min_value, max_value=max_value, error_messages=messages, **kwargs
    )


class DateField(forms.DateField):
    """A date between DATE_MIN and DATE_MAX (filters add days and years to it)."""

    def __init__(self, **kwargs: Any) -> None:
        label = kwargs.get("label") or "日期"
        messages = {
            "invalid": f"{label}格式应为 YYYY-MM-DD（且须是真实存在的日期）。",
            "min_value": f"{label}应在 {DATE_MIN} 至 {DATE_MAX} 之间。",
            "max_value": f"{label}应在 {DATE_MIN} 至 {DATE_MAX} 之间。",
        }
        messages.update(kwargs.pop("error_messages", {}))
        super().__init__(error_messages=messages, **kwargs)
        self.validators += [MinValueValidator(DATE_MIN), MaxValueValidator(DATE_MAX)]


def parse_date(value: str | None) -> dt.date | None:
    """A `YYYY-MM-DD` query parameter read outside a form: the date, or None when it is missing,
    impossible (2024-02-30) or outside DATE_MIN … DATE_MAX."""
    if not value:
        return None
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        return None
    return day if DATE_MIN <= day <= DATE_MAX else None


def query_without(request: Any, *names: str) -> str:
    """The request's query string without the page number, the export format and `names`: what a
    list page's pagination and export links add their own parameter to."""
    params = request.GET.copy()
    for name in ("page", "format", *names):
        params.pop(name, None)
    return str(params.urlencode())
