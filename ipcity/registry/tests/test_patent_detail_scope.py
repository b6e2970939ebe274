"""The public patent page shows a patent's pledges and licences only to those the pledge and licence
lists show them to; a pledge belongs to its pledgor's region, so the district hosting the bank that
took it does not see it — on the page, in the list and in the bank's 一企一档.

Data: a patent of 测试乙公司 (莱山区) pledged to a bank in 芝罘区 and licensed to 测试丙公司 (莱山区)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from ipcity.core.models import Region
from ipcity.registry.importers import import_file
from ipcity.registry.models import Organisation
from ipcity.registry.services import upsert_organisation
from ipcity.registry.tests.helpers import ACTOR, app_no, write_csv
from ipcity.test import Personas

pytestmark = pytest.mark.django_db

BANK = "测试银行芝罘支行"
PLEDGE = "Y2024770000001"
LICENCE = "X2024770001"
LICENSEE = "测试丙公司"
ALL = ["anon", "admin", "liaison", "district_a", "district_b", "enterprise_a", "enterprise_b", "agency"]
SEES = {"admin", "district_b", "enterprise_b"}  # the city office, the holder's district, the holder


def _import(tmp_path: Path, kind: str, headers: list[str], rows: list[list[Any]]) -> None:
    result = import_file(kind, write_csv(tmp_path / f"{kind}.csv", headers, rows), actor=ACTOR)
    assert not result.refused and result.created == len(rows), result.errors


@pytest.fixture
def patent(tmp_path: Path, personas: Personas) -> str:
    laishan = Region.objects.get(name="莱山区")
    zhifu = Region.objects.get(name="芝罘区")
    upsert_organisation(actor=ACTOR, name=LICENSEE, values={"kind": "enterprise", "region": laishan})
    upsert_organisation(actor=ACTOR, name=BANK, values={"kind": "financial_institution", "region": zhifu})
    number = app_no(2021, "1", 77)
    _import(
        tmp_path,
        "patents",
        ["申请号", "申请日", "名称", "申请（专利权）人", "法律状态", "专利类型"],
        [[number, "2021-03-03", "一种质押测试装置", "测试乙公司", "有效", "发明"]],
    )
    _import(
        tmp_path,
        "pledges",
        ["质押登记号", "出质人", "质权人", "专利申请号", "担保金额（元）", "登记日"],
        [[PLEDGE, "测试乙公司", BANK, number, "8765432", "2024-04-04"]],
    )
    _import(
        tmp_path,
        "licences",
        ["备案号", "许可类型", "许可人", "被许可人", "专利申请号", "费用（元）", "合同日期"],
        [[LICENCE, "普通许可", "测试乙公司", LICENSEE, number, "234567", "2024-05-05"]],
    )
    return number


def _html(personas: Personas, persona: str, url: str) -> str:
    response = personas.client(None if persona == "anon" else getattr(personas, persona)).get(url)
    assert response.status_code == 200, persona
    return response.content.decode()


def test_patent_page_shows_pledges_and_licences_only_to_those_the_lists_show_them_to(
    personas: Personas, patent: str
) -> None:
    url = f"/registry/patents/{patent}/"
    for persona in ALL:
        html = _html(personas, persona, url)
        assert "一种质押测试装置" in html and "测试乙公司" in html, persona  # the published patent itself
        secrets = [PLEDGE, BANK, "8,765,432", LICENCE, LICENSEE, "234,567"]
        if persona in SEES:
            assert all(s in html for s in secrets), (persona, [s for s in secrets if s not in html])
        else:
            assert not any(s in html for s in secrets), (persona, [s for s in secrets if s in html])
            assert '<h2 class="h6">质押</h2>' not in html and '<h2 class="h6">许可/转让</h2>' not in html, (
                persona
            )


def test_the_bank_s_district_does_not_see_another_district_s_pledge(personas: Personas, patent: str) -> None:
    listed = _html(personas, "district_a", "/registry/pledges/")
    assert PLEDGE not in listed
    assert PLEDGE in _html(personas, "district_b", "/registry/pledges/")
    bank = Organisation.objects.get(name=BANK)
    profile = _html(personas, "district_a", f"/registry/organisations/{bank.pk}/")
    assert BANK in profile and PLEDGE not in profile and "质押融资（0）" in profile
    assert PLEDGE in _html(personas, "admin", f"/registry/organisations/{bank.pk}/")
