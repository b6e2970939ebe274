"""Public pages: the catalog with each 申兑指南 and the publicity list. Readable without signing in.
The 政策计算器 has its own file (test_calculator.py)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from ipcity.grants.tests.conftest import draft, to_publicity, xlsx_rows
from ipcity.policy.engine import default_catalog

pytestmark = pytest.mark.django_db


def test_catalog_lists_every_item_with_its_guide(client, plan) -> None:
    response = client.get(reverse("grants:policies"))
    assert response.status_code == 200
    text = response.content.decode()
    catalog = default_catalog()
    codes = re.findall(r'data-item="([a-z_]+)"', text)
    assert codes == list(catalog.items)
    for label in ("惠及对象", "申报条件", "兑现时限", "受理地址", "咨询电话", "申报材料", "政策依据"):
        assert text.count(f">{label}</dt>") == len(catalog.items), label
    item = catalog.items["foreign_litigation"]
    assert item.clauses[0].quote in text and item.materials[0].text in text
    assert "待市局公布" in text  # address and phone are not in the plan


def test_catalog_exports_to_excel(client, plan) -> None:
    rows = xlsx_rows(client.get(reverse("grants:policies"), {"format": "xlsx"}).content)
    assert rows[0][:3] == ["代码", "名称", "办理方式"] and len(rows) == 1 + len(default_catalog().items)
    litigation = next(r for r in rows if r[0] == "foreign_litigation")
    assert litigation[2] == "快申快享" and "二(一)4" in litigation[3] and litigation[10] == "待市局公布"


def test_catalog_filters_by_track_and_kind(client, plan) -> None:
    exempt = client.get(reverse("grants:policies"), {"track": "exempt"}).content.decode()
    expected = [c for c, i in default_catalog().items.items() if i.track.key == "exempt"]
    assert re.findall(r'data-item="([a-z_]+)"', exempt) == expected
    banks = client.get(reverse("grants:policies"), {"kind": "financial_institution"}).content.decode()
    assert "pledge_financing_institution" in banks and 'data-item="china_patent_award"' not in banks


def test_policy_detail(client, personas) -> None:
    url = reverse("grants:policy", args=["ip_securitization"])
    text = client.get(url).content.decode()
    assert "知识产权证券化奖励" in text and "2%" in text and "500,000.00 元" in text and "附件三(三)4" in text
    assert reverse("grants:apply_form", args=["ip_securitization"]) not in text
    signed_in = personas.client(personas.enterprise_a).get(url).content.decode()
    assert reverse("grants:apply_form", args=["ip_securitization"]) in signed_in
    assert client.get(reverse("grants:policy", args=["no_such_item"])).status_code == 404


def test_publicity_list_is_public_with_excel(client, personas, budgets) -> None:
    app = to_publicity(personas, draft(personas))
    text = client.get(reverse("grants:publicity")).content.decode()
    assert app.number in text and personas.org_a.name in text and "150,000.00 元" in text
    rows = xlsx_rows(client.get(reverse("grants:publicity"), {"format": "xlsx"}).content)
    assert rows[1][0] == app.number and rows[1][4] == 150000
