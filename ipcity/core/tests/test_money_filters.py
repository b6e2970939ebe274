"""The money and count filters every app's templates load (`{% load money %}`)."""

from __future__ import annotations

from decimal import Decimal

from django.template import Context, Template


def render(text: str, **context: object) -> str:
    return Template("{% load money %}" + text).render(Context(context))


def test_format_yuan_and_format_count_filters() -> None:
    assert render("{{ a|format_yuan }}", a=Decimal("1000000.00")) == "100万元"
    assert render("{{ a|format_yuan }}", a="123456.78") == "123,456.78元"
    assert render("{{ a|format_yuan }}", a=None) == "—"
    assert render("{{ n|format_count }}", n=12345) == "12,345"
    assert render("{{ a|yuan }}", a=Decimal("1234.5")) == "1,234.50 元"
