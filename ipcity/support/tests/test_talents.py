"""The talent pool (方案二(七)2): talents with their registry patents (employer as holder, the talent
among the inventors), 主要发明人 of high-value or awarded patents flagged; who sees what; export."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from ipcity.core.models import AuditEvent
from ipcity.registry.models import Award, Organisation, Patent
from ipcity.support import selectors
from ipcity.support import services_strong as strong
from ipcity.support.models import Talent
from ipcity.support.tests.helpers import CLI, patent
from ipcity.test import FORMULA_TEXTS, Personas, assert_text_cells

pytestmark = pytest.mark.django_db


def talent(org: Organisation, name: str, kind: str = "leading", **values: Any) -> Talent:
    values.setdefault("recognised_year", 2023)
    return strong.save_talent(None, actor=CLI, name=name, kind=kind, employer=org, **values)


def granted(p: Patent, org: Organisation, **values: Any) -> Patent:
    """Granted and attributed to the holder's district, as the registry's importer would record it."""
    p.grant_date = p.filing_date + dt.timedelta(days=700)
    p.region_id = org.region_id
    for name, value in values.items():
        setattr(p, name, value)
    p.save()
    return p


@pytest.fixture
def wang(personas: Personas) -> dict[str, Any]:
    org = personas.org_a
    t = talent(org, "王 伟", phone="13800000001")
    filed = dt.date(2019, 3, 1)
    high = granted(patent([org], filed=filed, inventors=["王伟", "李明"]), org, has_overseas_grant=True)
    awarded = patent([org], filed=filed, inventors=["王伟"])
    Award.objects.create(
        award="shandong_patent", level="first", year=2023, application_number=awarded.application_number,
        patent=awarded, holder_name=org.name, holder=org,
    )  # fmt: skip
    second = granted(patent([org], filed=filed, inventors=["李明", "王伟"]), org, has_overseas_grant=True)
    plain = patent(["外地某公司", org], filed=filed, inventors=["王伟"])
    patent([personas.org_b], filed=filed, inventors=["王伟"])  # another employer's namesake
    patent([org], filed=filed, inventors=["赵六"])
    return {"t": t, "high": high, "awarded": awarded, "second": second, "plain": plain}


def test_patents_are_found_and_main_inventors_of_high_value_or_awarded_ones_flagged(
    wang: dict[str, Any],
) -> None:
    found = selectors.talent_patents([wang["t"]], timezone.localdate())[wang["t"].pk]
    by_number = {p.patent.pk: p for p in found}
    assert set(by_number) == {wang[k].pk for k in ("high", "awarded", "second", "plain")}
    assert by_number[wang["high"].pk].high_value and by_number[wang["high"].pk].flagged
    assert by_number[wang["awarded"].pk].awards == ["2023 年山东省专利奖一等奖"]
    assert by_number[wang["awarded"].pk].flagged
    # High-value, but the talent is the second inventor: not 主要发明人.
    assert by_number[wang["second"].pk].high_value and not by_number[wang["second"].pk].flagged
    assert not by_number[wang["plain"].pk].flagged  # neither high-value nor awarded
    assert [p.flagged for p in found][:2] == [True, True]  # flagged first


def test_the_list_and_detail_show_the_flag_and_contacts_to_the_city_only(
    personas: Personas, wang: dict[str, Any], django_assert_max_num_queries: Any
) -> None:
    t = wang["t"]
    admin = personas.client(personas.admin)
    with django_assert_max_num_queries(16):
        page = admin.get(reverse("support:talents")).content.decode()
    assert "高价值/获奖专利主要发明人（2 件）" in page and "13800000001" in page
    detail = admin.get(reverse("support:talent", args=[t.pk])).content.decode()
    assert detail.count('data-flagged="1"') == 2 and "2023 年山东省专利奖一等奖" in detail
    assert "13800000001" in detail
    own = personas.client(personas.enterprise_a).get(reverse("support:talent", args=[t.pk])).content.decode()
    assert "2023 年山东省专利奖一等奖" in own and "13800000001" not in own


def test_who_sees_which_talents(personas: Personas) -> None:
    leader = talent(personas.org_a, "张领军", phone="13900000009")
    director = talent(personas.org_a, "钱总监", kind="ip_director")
    other_director = talent(personas.org_b, "孙总监", kind="ip_director")
    url = reverse("support:talents")
    public = personas.client(None).get(url).content.decode()
    # The public list: recognised tiers with employer; no IP directors, no contacts, no patents.
    assert "张领军" in public and "测试甲公司" in public and "领军人才" in public
    assert "钱总监" not in public and "13900000009" not in public and "主要发明人" not in public
    assert reverse("support:talent", args=[leader.pk]) not in public
    assert personas.client(None).get(reverse("support:talent", args=[leader.pk])).status_code == 302
    own = personas.client(personas.enterprise_a).get(url).content.decode()
    assert "钱总监" in own and "孙总监" not in own
    district = personas.client(personas.district_b).get(url).content.decode()  # 莱山区: org_b
    assert "孙总监" in district and "钱总监" not in district
    assert (
        personas.client(personas.enterprise_b).get(reverse("support:talent", args=[director.pk])).status_code
        == 404
    )
    admin = personas.client(personas.admin).get(url).content.decode()
    assert all(n in admin for n in ("张领军", "钱总监", "孙总监"))
    assert other_director.pk


def test_the_city_office_adds_and_edits_others_may_not(personas: Personas) -> None:
    admin = personas.client(personas.admin)
    data = {"name": "周青年", "kind": "young", "employer": personas.org_b.pk, "field": "", "title": "高级工程师",
            "recognised_year": "2024", "phone": "", "email": "", "active": "on", "note": ""}  # fmt: skip
    response = admin.post(reverse("support:talent_new"), data)
    t = Talent.objects.get(name="周青年")
    assert response.status_code == 302 and t.employer == personas.org_b and t.kind == "young"
    assert AuditEvent.objects.filter(action="talent.create", object_id=str(t.pk)).count() == 1
    admin.post(reverse("support:talent_edit", args=[t.pk]), {**data, "kind": "key"})
    t.refresh_from_db()
    assert t.kind == "key"
    event = AuditEvent.objects.get(action="talent.update", object_id=str(t.pk))
    assert event.before == {"kind": "young"} and event.after == {"kind": "key"}
    duplicate = admin.post(reverse("support:talent_new"), data).content.decode()
    assert "人才库已有测试乙公司的周青年" in duplicate
    for user in (personas.enterprise_a, personas.district_a, personas.agency):
        client = personas.client(user)
        assert client.get(reverse("support:talent_new")).status_code == 403
        assert client.post(reverse("support:talent_edit", args=[t.pk]), data).status_code in (403, 404)
    assert Talent.objects.count() == 1


def test_the_export_lists_the_flag_and_keeps_text_as_text(personas: Personas, wang: dict[str, Any]) -> None:
    for i, text in enumerate(FORMULA_TEXTS):
        talent(personas.org_b, f"人才{i}", title=text[:60])
    admin = personas.client(personas.admin).get(reverse("support:talents"), {"format": "xlsx"})
    ws = load_workbook(io.BytesIO(admin.content)).active
    rows = {ws.cell(r, 1).value: [c.value for c in ws[r]] for r in range(2, ws.max_row + 1)}
    assert rows["王 伟"][7] == "是" and rows["王 伟"][6] == 4 and rows["王 伟"][9] == "13800000001"
    assert_text_cells(admin.content, FORMULA_TEXTS)
    public = personas.client(None).get(reverse("support:talents"), {"format": "xlsx"})
    ws = load_workbook(io.BytesIO(public.content)).active
    assert "联系电话" not in [c.value for c in ws[1]]
