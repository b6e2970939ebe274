"""The JSON API: tokens (hashed, shown once, audited, expiring, revocable), the owner's scope on
every endpoint, JSON errors in Chinese, the rate limit, and the two write endpoints."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from ipcity.api.models import ApiToken
from ipcity.api.services import create_token, digest_of
from ipcity.api.tests.data import bearer, scoped_data, tokens_for
from ipcity.core.audit import Actor
from ipcity.core.models import AuditEvent, Job
from ipcity.registry.models import Organisation
from ipcity.supervision.models import ProgressReport
from ipcity.test import Personas

pytestmark = pytest.mark.django_db


def get(secret: str | None, path: str, **params: Any) -> Any:
    headers = bearer(secret) if secret else {}
    return Client().get(path, params, **headers)


def test_token_is_created_on_the_profile_page_shown_once_and_stored_hashed(personas: Personas) -> None:
    client = personas.client(personas.liaison)
    assert "/api/tokens/" in client.get("/accounts/me/").content.decode()
    expires = timezone.localdate() + dt.timedelta(days=30)
    created = client.post("/api/tokens/", {"name": "财政业务系统", "expires_on": expires.isoformat()})
    assert "no-store" in created["Cache-Control"]
    html = created.content.decode()
    token = ApiToken.objects.get(user=personas.liaison)
    secret = html.split('<code class="user-select-all fs-6">')[1].split("</code>")[0]
    assert secret.startswith("ipc_") and token.digest == digest_of(secret) and secret not in token.digest
    assert not ApiToken.objects.filter(digest=secret).exists()
    assert secret not in client.get("/api/tokens/").content.decode()  # never shown again
    event = AuditEvent.objects.get(action="api_token.create", object_id=str(token.pk))
    assert event.actor == personas.liaison
    assert get(secret, "/api/plan").status_code == 200


def test_token_refusals_in_chinese(personas: Personas) -> None:
    client = personas.client(personas.liaison)
    too_late = timezone.localdate() + dt.timedelta(days=400)
    html = client.post("/api/tokens/", {"name": "x", "expires_on": too_late.isoformat()}).content.decode()
    assert "有效期最长 366 天" in html and not ApiToken.objects.exists()
    assert personas.client(None).get("/api/tokens/").status_code == 302  # sign in first


def test_revoked_expired_and_missing_tokens_get_401_json(personas: Personas) -> None:
    token, secret = create_token(personas.admin, name="甲", actor=Actor.web(personas.admin))
    assert get(secret, "/api/plan").status_code == 200
    other = personas.client(personas.district_a)
    assert other.post(f"/api/tokens/{token.pk}/revoke/").status_code == 404  # not its token
    assert personas.client(personas.admin).post(f"/api/tokens/{token.pk}/revoke/").status_code == 302
    assert AuditEvent.objects.filter(action="api_token.revoke", object_id=str(token.pk)).exists()
    response = get(secret, "/api/plan")
    assert response.status_code == 401 and "API 令牌" in response.json()["detail"]
    assert get(None, "/api/plan").status_code == 401
    assert get("ipc_wrong", "/api/plan").status_code == 401
    expired, old = create_token(personas.admin, name="乙", actor=Actor.web(personas.admin))
    ApiToken.objects.filter(pk=expired.pk).update(expires_on=timezone.localdate() - dt.timedelta(days=1))
    assert get(old, "/api/plan").status_code == 401


def test_rate_limit_per_token(personas: Personas, settings: Any, monkeypatch: Any) -> None:
    settings.IPCITY_API_RATE_LIMIT_PER_MINUTE = 3
    minute = timezone.now().replace(second=10)
    monkeypatch.setattr("ipcity.api.services.timezone.now", lambda: minute)  # no minute boundary mid-test
    _token, secret = create_token(personas.admin, name="甲", actor=Actor.web(personas.admin))
    _token, other = create_token(personas.admin, name="乙", actor=Actor.web(personas.admin))
    assert [get(secret, "/api/policy/items").status_code for _ in range(4)] == [200, 200, 200, 429]
    limited = get(secret, "/api/policy/items")
    assert "请求过于频繁" in limited.json()["detail"] and int(limited["Retry-After"]) <= 60
    assert get(other, "/api/policy/items").status_code == 200  # each token counts its own
    minute += dt.timedelta(minutes=1)
    assert get(secret, "/api/policy/items").status_code == 200  # a new minute, a new quota


def test_validation_errors_are_json_in_chinese(personas: Personas) -> None:
    secret = tokens_for(personas)["admin"]
    response = get(secret, "/api/registry/patents", page="x")
    assert response.status_code == 422
    assert response.json()["errors"] == [{"field": "page", "message": "应为整数"}]
    response = get(secret, "/api/registry/organisations", kind="nonsense")
    assert response.status_code == 422 and "类型" in response.json()["detail"]
    response = Client().post(
        "/api/policy/evaluate",
        {"item": "no-such", "facts": {}},
        content_type="application/json",
        **bearer(secret),
    )
    assert response.status_code == 400 and response.json()["detail"].startswith("无法计算")


def test_organisations_are_scoped_like_the_page(personas: Personas) -> None:
    tokens = tokens_for(personas)

    def names(who: str) -> set[str]:
        body = get(tokens[who], "/api/registry/organisations", page_size=200).json()
        return {o["name"] for o in body["items"]}

    assert {"测试甲公司", "测试乙公司", "测试代理所"} <= names("admin")
    assert names("district_a") == set(
        Organisation.objects.filter(region=personas.district_a.region).values_list("name", flat=True)
    )
    assert "测试乙公司" not in names("district_a") and "测试乙公司" in names("district_b")
    assert names("enterprise_a") == {"测试甲公司"}
    assert names("liaison") == set()


def test_ledger_flags_and_milestones_follow_the_owners_scope(plan: Any, personas: Personas) -> None:
    data = scoped_data(plan, personas)
    tokens = tokens_for(personas)
    ledger = {
        who: get(tokens[who], "/api/grants/ledger").json() for who in ("admin", "district_a", "liaison")
    }
    assert ledger["admin"]["count"] == len(data.payments) == 2
    assert [p["organisation"] for p in ledger["district_a"]["items"]] == ["测试甲公司"]
    assert ledger["liaison"]["count"] == 2  # the finance bureau pays: it sees all
    assert get(tokens["enterprise_a"], "/api/grants/ledger").status_code == 403
    titles = {
        who: {m["title"] for m in get(tokens[who], "/api/supervision/milestones").json()["items"]}
        for who in ("admin", "district_a", "liaison")
    }
    assert {"财政节点", "法院节点"} <= titles["admin"]
    assert "法院节点" not in titles["liaison"] and "财政节点" in titles["liaison"]
    assert "莱山节点" not in titles["district_a"]
    assert get(tokens["agency"], "/api/supervision/flags").status_code == 403
    flags = get(tokens["liaison"], "/api/supervision/flags", as_of="2023-06-30").json()
    assert flags["as_of"] == "2023-06-30"
    assert {f["milestone"] for f in flags["flags"]} <= titles["liaison"]


def test_plan_carries_clause_references(personas: Personas) -> None:
    from ipcity.plans.models import Row, Task

    body = get(tokens_for(personas)["enterprise_a"], "/api/plan").json()
    tasks = {t["code"]: t for p in body["programmes"] for t in p["tasks"]}
    rows = {r["code"]: r for p in body["programmes"] for r in p["rows"]}
    task = Task.objects.order_by("id").first()
    row = Row.objects.order_by("id").first()
    assert task is not None and row is not None
    assert tasks[task.code]["clause"] == task.clause and rows[row.code]["clause"] == row.clause
    assert rows[row.code]["lead_department"] == row.lead_department.name
    assert len(rows) == Row.objects.count()


def test_indicator_values_with_numerator_denominator_and_source(personas: Personas) -> None:
    from ipcity.indicators.models import Indicator, Snapshot
    from ipcity.indicators.services import compute_snapshots, load_definitions, load_population

    load_definitions(actor=Actor.cli("test"))
    load_population(actor=Actor.cli("test"))  # the year-end population of 2019 is in the reviewed data
    per_10k = Indicator.objects.get(code="invention_patents_per_10k")
    compute_snapshots(year=2019, actor=Actor.cli("test"), indicators=[per_10k])
    tokens = tokens_for(personas)
    assert get(tokens["enterprise_a"], "/api/indicators").status_code == 403
    assert get(tokens["enterprise_a"], "/api/indicators/values").status_code == 403
    codes = {i["code"] for i in get(tokens["district_a"], "/api/indicators").json()}
    assert codes == set(Indicator.objects.values_list("code", flat=True))
    body = get(
        tokens["district_a"], "/api/indicators/values", indicator=per_10k.code, year=2019, region="370600"
    ).json()
    city = Snapshot.objects.get(indicator=per_10k, year=2019, region__isnull=True)
    assert body["count"] == 1
    item = body["items"][0]
    assert item["denominator"] is not None and item["numerator"] is not None
    assert item["as_of"] == city.as_of.isoformat() and item["source"] == per_10k.source
    for field in ("value", "numerator", "denominator"):
        expected = getattr(city, field)
        assert item[field] == (None if expected is None else format(expected.normalize(), "f"))


def test_policy_evaluate_gives_a_decision_with_its_trace(personas: Personas) -> None:
    secret = tokens_for(personas)["enterprise_a"]
    facts = {
        "foreign_related": True,
        "judicial_litigation": True,
        "won": True,
        "service_fees": "300000",
        "blacklisted": False,
        "registered_in_yantai": True,
    }
    response = Client().post(
        "/api/policy/evaluate",
        {"item": "foreign_litigation", "facts": facts, "on": "2024-05-20"},
        content_type="application/json",
        **bearer(secret),
    )
    body = response.json()
    assert response.status_code == 200, body
    assert (
        body["eligible"] is True and body["trace"] and "二(" in body["explanation"] + "".join(body["trace"])
    )


def test_progress_report_from_a_department_system(plan: Any, personas: Personas) -> None:
    data = scoped_data(plan, personas)
    tokens = tokens_for(personas)
    finance = next(m for m in data.milestones if m.title == "财政节点")
    payload = {
        "milestone_id": finance.pk,
        "period_code": "2023-Q1",
        "percent_complete": 40,
        "narrative": "已完成调研",
    }

    def post(who: str, body: dict[str, Any]) -> Any:
        # Another system has no CSRF cookie: a bearer token needs none (no session is used).
        client = Client(enforce_csrf_checks=True)
        return client.post(
            "/api/supervision/reports", body, content_type="application/json", **bearer(tokens[who])
        )

    assert post("liaison_other", payload).status_code == 404  # not its row
    assert post("liaison", {**payload, "percent_complete": 40.55}).status_code == 422
    response = post("liaison", payload)
    assert response.status_code == 201, response.json()
    report = ProgressReport.objects.get(pk=response.json()["id"])
    assert report.percent_complete == 40 and report.submitted_by == personas.liaison
    event = AuditEvent.objects.get(action="supervision.report.submit", object_id=str(report.pk))
    assert "API 令牌" in event.actor_label


def test_registry_import_upload_returns_a_job(personas: Personas) -> None:
    tokens = tokens_for(personas)
    content = "统一社会信用代码,名称,类型,区市\n91370602MADEM0009J,接口导入公司,enterprise,芝罘区\n".encode()

    def upload(who: str) -> Any:
        return Client().post(
            "/api/registry/imports",
            {"kind": "organisations", "dry_run": "true", "file": SimpleUploadedFile("orgs.csv", content)},
            **bearer(tokens[who]),
        )

    assert upload("district_a").status_code == 403
    response = upload("admin")
    assert response.status_code == 202, response.json()
    job = Job.objects.get(pk=response.json()["id"])
    assert job.created_by == personas.admin
    polled = get(tokens["admin"], f"/api/jobs/{job.pk}").json()
    assert polled["status"] == job.status and polled["label"].startswith("校验")
    assert get(tokens["district_a"], f"/api/jobs/{job.pk}").status_code == 404


def test_docs_are_self_hosted_under_the_csp(client: Client) -> None:
    response = client.get("/api/docs")
    html = response.content.decode()
    assert response.status_code == 200
    assert "/static/ninja/swagger-ui-bundle.js" in html and "cdn" not in html.lower()
    assert "script-src 'self'" in response["Content-Security-Policy"]
    schema = client.get("/api/openapi.json").json()
    assert "/api/policy/evaluate" in schema["paths"]
