"""The money and count filters every app's templates load (`{% load money %}`)."""

from __future__ import annotations

from decimal import Decimal

from django.template import Context, Template


def render(text: str, **context: object) -> str:
    return Template("{% load money %}" + text).render(Context(context))


def test_yuan_exact_filter_never_rounds() -> None:
    assert render("{{ a|yuan_exact }}", a=Decimal("1000000.00")) == "100万元"
    assert render("{{ a|yuan_exact }}", a="123456.78") == "123,456.78元"
    assert render("{{ a|yuan_exact }}", a=None) == "—"
    assert render("{{ a|yuan }}", a=Decimal("1234.5")) == "1,234.50 元"
