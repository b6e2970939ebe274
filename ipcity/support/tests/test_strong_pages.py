"""Every talent and strong-enterprise page for every persona (who may open it), the list pages within
their query budgets, and the demo label on demo rows."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse

from ipcity.registry.models import Organisation
from ipcity.registry.services import upsert_organisation
from ipcity.support import services_strong as strong
from ipcity.support.tests.helpers import CLI, patent
from ipcity.test import Personas

pytestmark = pytest.mark.django_db
PUBLIC = ("talents", "recognitions", "stations", "dense_products")
CITY = ("batches", "talent_new")


@pytest.fixture
def records(personas: Personas) -> dict[str, Any]:
    t = strong.save_talent(
        None,
        actor=CLI,
        name="演示人才",
        kind="key",
        employer=personas.org_a,
        recognised_year=2024,
        is_demo=True,
    )
    batch = strong.open_advantage_batch(actor=CLI, year=2025, is_demo=True)
    strong.add_advantage_candidate(batch, actor=CLI, organisation=personas.org_a)
    s = strong.save_coaching_station(
        None,
        actor=CLI,
        name="测试辅导站",
        host=personas.org_agency,
        established_on=dt.date(2023, 1, 1),
        is_demo=True,
    )
    strong.start_coaching(s, actor=CLI, enterprise=personas.org_a, started_on=dt.date(2023, 2, 1))
    product = strong.file_dense_product(
        actor=CLI, enterprise=personas.org_a, name="演示产品", filed_on=dt.date(2024, 1, 1),
        patents=[patent([personas.org_a], filed=dt.date(2020, 1, 1))], is_demo=True,
    )  # fmt: skip
    strong.recognise_dense_product(product, actor=CLI, year=2024)
    strong.record_recognition(
        actor=CLI,
        organisation=personas.org_b,
        level="national",
        kind="demonstration",
        year=2024,
        is_demo=True,
    )
    return {"talent": t, "batch": batch, "station": s}


def test_who_may_open_which_page(personas: Personas, records: dict[str, Any]) -> None:
    detail = {
        "talent": reverse("support:talent", args=[records["talent"].pk]),
        "batch": reverse("support:batch", args=[records["batch"].pk]),
        "station": reverse("support:station", args=[records["station"].pk]),
    }
    for user in (None, personas.enterprise_a, personas.enterprise_b, personas.district_a, personas.liaison,
                 personas.agency, personas.admin):  # fmt: skip
        client = personas.client(user)
        admin = user is personas.admin
        for name in PUBLIC:
            response = client.get(reverse(f"support:{name}"))
            assert response.status_code == 200, (name, user)
            assert "演示" in response.content.decode(), (name, user)  # demo rows are labelled
        for name in CITY:
            assert client.get(reverse(f"support:{name}")).status_code == (
                200 if admin else 302 if user is None else 403
            )
        assert client.get(detail["batch"]).status_code == (200 if admin else 302 if user is None else 403)
        assert client.get(detail["station"]).status_code == 200
        # The talent (org_a's 重点人才): signed-in users within their scope.
        # The talent (org_a's 重点人才, on the public list): every signed-in user.
        assert client.get(detail["talent"]).status_code == (302 if user is None else 200), user


def _enterprise(n: int, personas: Personas) -> Organisation:
    return upsert_organisation(
        actor=CLI, name=f"预算测试企业{n}", values={"kind": "enterprise", "region": personas.org_a.region}
    )[0]


def test_list_pages_keep_their_query_budgets(personas: Personas, django_assert_max_num_queries: Any) -> None:
    station = strong.save_coaching_station(
        None, actor=CLI, name="预算辅导站", host=personas.org_agency, established_on=dt.date(2020, 1, 1)
    )
    for n in range(12):
        org = _enterprise(n, personas)
        strong.save_talent(None, actor=CLI, name=f"人才{n}", kind="young", employer=org, recognised_year=2024)
        strong.record_recognition(
            actor=CLI, organisation=org, level="provincial", kind="advantage", year=2024
        )
        strong.start_coaching(station, actor=CLI, enterprise=org, started_on=dt.date(2021, 1, 1))
        p = patent([org], filed=dt.date(2020, 1, 1), inventors=[f"人才{n}"])
        strong.file_dense_product(
            actor=CLI, enterprise=org, name=f"产品{n}", filed_on=dt.date(2024, 1, 1), patents=[p]
        )
    batch = strong.open_advantage_batch(actor=CLI, year=2025)
    for n in range(12):
        strong.add_advantage_candidate(batch, actor=CLI, organisation=_enterprise(n, personas))
    strong.start_advantage_review(batch, actor=CLI)
    first = batch.candidates.order_by("id")[0]
    strong.evaluate_advantage_candidate(batch, actor=CLI, candidate=first, score=Decimal(80), selected=True)
    admin = personas.client(personas.admin)
    budgets = {"talents": 16, "recognitions": 12, "stations": 12, "dense_products": 12}
    for name, budget in budgets.items():
        with django_assert_max_num_queries(budget):
            assert admin.get(reverse(f"support:{name}")).status_code == 200
    with django_assert_max_num_queries(14):
        page = admin.get(reverse("support:batch", args=[batch.pk])).content.decode()
    assert page.count('data-action="evaluate"') == 12
    with django_assert_max_num_queries(14):
        assert admin.get(reverse("support:station", args=[station.pk])).status_code == 200
