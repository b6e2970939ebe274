"""/api/docs: the self-hosted Swagger UI (django-ninja's static files) renders every endpoint under
the strict CSP — the page fixture fails the test on any violation."""

from __future__ import annotations

import pytest

from ipcity.api.api import api

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_docs_list_every_endpoint_under_the_csp(page: object) -> None:
    page.goto("/api/docs")  # type: ignore[attr-defined]
    page.wait_for_selector(".opblock")  # type: ignore[attr-defined]
    shown = page.locator(".opblock-summary-path").all_inner_texts()  # type: ignore[attr-defined]
    paths = set(api.get_openapi_schema()["paths"])
    assert {p.replace("\u200b", "") for p in shown} == paths
