"""No server error on bad input: every URL pattern, walked as the city admin with hostile values in
the path and in each query parameter its page reads (docs/architecture.md, "Bad input")."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from unittest import mock
from urllib.parse import quote

import pytest
from django import forms
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import QueryDict
from django.template import Context
from django.test import Client
from django.test.utils import ContextList
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.converters import get_converters

from ipcity.core.audit import Actor
from ipcity.core.models import Department, Region
from ipcity.grants import services as grants
from ipcity.indicators.services import load_definitions
from ipcity.lib.inputs import ID_MAX, CodeConverter, IdConverter
from ipcity.plans.models import Programme, Row, Stage
from ipcity.supervision import services as supervision
from ipcity.test import Personas

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
SETUP = Actor.cli("bad input tests")


@dataclass(frozen=True)
class Route:
    name: str  # "namespace:name"
    route: str  # "supervision/milestones/<id:pk>/"
    converters: dict[str, str]  # parameter -> converter name


def _routes(patterns: list[Any], prefix: str = "", namespace: str = "") -> Iterator[Route]:
    for p in patterns:
        if isinstance(p, URLResolver):
            if p.app_name == "admin":
                continue  # Django's admin: its changelists are walked by the admin test below
            ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
            yield from _routes(p.url_patterns, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern):
            converters = {name: _converter_name(conv) for name, conv in p.pattern.converters.items()}
            yield Route(f"{namespace}{p.name}", prefix + str(p.pattern), converters)


def _converter_name(converter: object) -> str:
    return next(name for name, c in get_converters().items() if type(c) is type(converter))


def _url(route: Route, values: dict[str, str]) -> str:
    path = route.route
    for name, conv in route.converters.items():
        path = path.replace(f"<{conv}:{name}>", quote(values[name], safe=""))
    return "/" + path


@pytest.fixture
def world(personas: Personas) -> dict[str, Any]:
    """One record of each kind a detail page shows, made through the services."""
    load_definitions(actor=SETUP)
    department = Department.objects.get(name="市财政局")
    row = Row.objects.get(code="P1.S2")
    milestone, _ = supervision.save_milestone(
        row,
        year=2023,
        position=1,
        values={
            "title": "测试节点",
            "start": dt.date(2023, 1, 1),
            "due": dt.date(2023, 4, 11),
            "department": department,
            "deliverable": "工作总结",
        },
        actor=SETUP,
    )
    report = supervision.submit_report(
        milestone,
        period_code="2023-Q1",
        percent_complete=50,
        narrative="进展",
        uploads=[SimpleUploadedFile("拨付文件.pdf", PDF, content_type="application/pdf")],
        actor=Actor.web(personas.liaison),
    )
    app = grants.create_application(
        personas.org_a,
        "foreign_litigation",
        actor=Actor.web(personas.enterprise_a),
        decisive_date=dt.date(2024, 5, 20),
        facts={"foreign_related": True, "judicial_litigation": True, "won": True, "service_fees": "300000"},
    )
    grants.add_material(
        app,
        SimpleUploadedFile("证明.pdf", PDF, content_type="application/pdf"),
        actor=Actor.web(personas.enterprise_a),
        label="生效裁判文书",
    )
    return {
        "supervision:milestone": {"pk": milestone.pk},
        "supervision:report_form": {"pk": milestone.pk, "period": "2023-Q1"},
        "supervision:report": {"pk": report.pk},
        "supervision:report_attachment": {
            "pk": report.pk,
            "attachment": report.versions.get().attachments.get().pk,
        },
        "supervision:row_setting": {"code": row.code},
        "grants:application": {"pk": app.pk},
        "grants:application_edit": {"pk": app.pk},
        "grants:material": {"pk": app.pk, "material": app.materials.get().pk},
        "grants:policy": {"code": "foreign_litigation"},
        "grants:apply_form": {"code": "foreign_litigation"},
        "registry:organisation": {"pk": personas.org_a.pk},
        "registry:organisation_contacts": {"pk": personas.org_a.pk},
        "plans:programme": {"code": Programme.objects.first().code},  # type: ignore[union-attr]
        "plans:row": {"code": row.code},
        "plans:stage": {"code": Stage.objects.first().code},  # type: ignore[union-attr]
        "plans:department": {"code": department.code},
        "core:department_contacts": {"code": department.code},
        "core:region_contacts": {"code": Region.objects.first().code},  # type: ignore[union-attr]
        "indicators:detail": {"code": "hv_invention_patents_per_10k"},
        "indicators:records": {"code": "hv_invention_patents_per_10k"},
    }


def _real_values(route: Route, world: dict[str, Any]) -> dict[str, str]:
    known = world.get(route.name, {})
    fallback = {"id": "1", "int": "1", "uuid": "00000000-0000-0000-0000-000000000000"}
    return {name: str(known.get(name, fallback.get(conv, "x"))) for name, conv in route.converters.items()}


def _kind_of(field: forms.Field) -> set[str]:
    # A plain ChoiceField passes only its listed values, so it is left out; a ModelChoiceField looks
    # the value up in the database, so it is tried with hostile numbers and text.
    if isinstance(field, forms.ModelChoiceField | forms.ModelMultipleChoiceField):
        return {"number", "text"}
    if isinstance(field, forms.DateField):
        return {"date"}
    if isinstance(field, forms.IntegerField | forms.DecimalField):
        return {"number"}
    if isinstance(field, forms.CharField):
        return {"text"}
    return set()


@contextmanager
def _recording_reads() -> Iterator[set[str]]:
    """The names a view looks up in request.GET (directly, or through a bound form)."""
    names: set[str] = set()
    get, getitem, getlist = QueryDict.get, QueryDict.__getitem__, QueryDict.getlist

    def wrap(method: Any) -> Any:
        def recorded(self: QueryDict, key: str, *args: Any) -> Any:
            names.add(key)
            return method(self, key, *args)

        return recorded

    with (
        mock.patch.object(QueryDict, "get", wrap(get)),
        mock.patch.object(QueryDict, "__getitem__", wrap(getitem)),
        mock.patch.object(QueryDict, "getlist", wrap(getlist)),
        mock.patch.object(QueryDict, "__contains__", wrap(dict.__contains__)),
    ):
        yield names


def _params_read(client: Client, url: str) -> dict[str, set[str]] | None:
    """The query parameters a page reads and the kinds of hostile value each gets: a form field's
    kind, or every kind for a parameter read without a form. None when the page is not a 200 page."""
    with _recording_reads() as read:
        response = client.get(url, {"walk": "1"})  # a non-empty query string binds the filter forms
    if response.status_code != 200 or response.get("Content-Type", "").startswith("application/"):
        return None
    params = {name: {"number", "date", "text"} for name in read - {"walk"}}
    # The test client gives one Context (not a list) for a page drawn from a single template.
    context = ContextList([response.context]) if isinstance(response.context, Context) else response.context
    for key in context.keys() if context else ():
        value = context[key]
        if isinstance(value, forms.BaseForm):
            for name, field in value.fields.items():
                params[value.add_prefix(name)] = _kind_of(field)
    return params


def _get(client: Client, url: str, params: dict[str, str] | None = None) -> tuple[int, str]:
    try:
        response = client.get(url, params or {})
    except Exception as exc:  # the test client re-raises what would be a 500
        return 500, f"{type(exc).__name__}: {str(exc)[:120]}"
    return response.status_code, ""


HUGE_ID = str(ID_MAX + 1)
HOSTILE = {
    # beyond 64 bits (SQLite), beyond a PostgreSQL integer, beyond Python's int() of text, and a
    # digit that str.isdigit() accepts but int() does not
    "number": ["9" * 30, "2147483648", "9" * 5000, "²"],
    # impossible, the last day Python knows (a day later overflows), before any real record
    "date": ["2024-02-30", "9999-12-31", "0001-01-01"],
    # a LIKE pattern over SQLite's 50,000 bytes, and a NUL PostgreSQL refuses in text
    "text": ["a" * 60_000, "a\x00b"],
}
CASES = ["ids beyond 64 bits in the path", "control characters in path codes", *HOSTILE]


@pytest.mark.django_db
@pytest.mark.parametrize("case", CASES)
def test_no_url_answers_hostile_input_with_a_server_error(personas, world, case) -> None:
    client = Client(raise_request_exception=True)
    client.force_login(personas.admin)
    failures = []
    routes = list(_routes(get_resolver().url_patterns))
    assert len(routes) > 60
    for route in routes:
        real = _real_values(route, world)
        if case == "ids beyond 64 bits in the path":
            for name, conv in route.converters.items():
                if conv in ("id", "int"):
                    url = _url(route, {**real, name: HUGE_ID})
                    status, error = _get(client, url)
                    if status not in (404, 405):
                        failures.append((url, status, error))
            continue
        if case == "control characters in path codes":
            for name, conv in route.converters.items():
                if conv in ("code", "str"):
                    for value in ("a\x00b", "x" * 300):
                        url = _url(route, {**real, name: value})
                        status, error = _get(client, url)
                        if status >= 500:
                            failures.append((url, status, error))
            continue
        url = _url(route, real)
        try:
            params = _params_read(client, url)
        except Exception as exc:
            failures.append((url, 500, f"{type(exc).__name__}: {exc}"))
            continue
        for param, kinds in (params or {}).items():
            if case in kinds:
                for value in HOSTILE[case]:
                    status, error = _get(client, url, {param: value})
                    if status >= 500:
                        failures.append((f"{url}?{param}={value[:20]}", status, error))
    assert not failures, "\n".join(f"{u} -> {s} {e}" for u, s, e in failures)


def test_the_id_converter_accepts_only_64_bit_ids() -> None:
    conv = IdConverter()
    assert conv.to_python(str(ID_MAX)) == ID_MAX
    for value in (str(ID_MAX + 1), "0"):
        with pytest.raises(ValueError):
            conv.to_python(value)
    import re

    assert not re.fullmatch(CodeConverter.regex, "a\x00b")
    assert re.fullmatch(CodeConverter.regex, "CN202310000001.X")


@pytest.mark.django_db
def test_audit_log_dates_beyond_the_calendar_are_form_errors(personas) -> None:
    client = personas.client(personas.admin)
    for name, label in (("date_to", "截止日期"), ("date_from", "起始日期")):
        response = client.get("/audit/", {name: "9999-12-31"})
        assert response.status_code == 200
        assert f"{label}应在 1900-01-01 至 2099-12-31 之间" in response.content.decode()


@pytest.mark.django_db
def test_admin_changelists_survive_long_searches_and_far_dates(personas) -> None:
    client = Client(raise_request_exception=True)
    client.force_login(personas.admin)
    failures = []
    for model, model_admin in admin.site._registry.items():
        url = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        params: list[dict[str, str]] = []
        if model_admin.search_fields:
            params.append({"q": "a" * 60_000})
        if model_admin.date_hierarchy:
            field = model_admin.date_hierarchy
            params += [
                {f"{field}__year": "9" * 30},
                {f"{field}__year": "9999"},
                {f"{field}__year": "9999", f"{field}__month": "12", f"{field}__day": "31"},
            ]
        for query in params:
            status, error = _get(client, url, query)
            if status >= 500:
                failures.append((url, {k: v[:20] for k, v in query.items()}, status, error))
    assert not failures, failures


@pytest.mark.django_db
def test_a_contact_email_longer_than_its_column_is_a_form_error(personas) -> None:
    department = Department.objects.get(name="市财政局")
    email = "a" * 60 + "@" + ("b" * 60 + ".") * 4 + "com"  # valid, 308 characters
    response = personas.client(personas.admin).post(
        f"/departments/{department.code}/contacts/", {"contact_person": "王", "contact_email": email}
    )
    assert response.status_code == 200
    assert "电子邮箱最多 254 个字符（现有 308 个）" in response.content.decode()
    department.refresh_from_db()
    assert department.contact_email == ""
