"""The market pages: who sees what (contacts, drafts, deals), who may change what, the city office's
moderation, and the Excel exports."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from ipcity.core.models import AuditEvent
from ipcity.market import services
from ipcity.market.models import Offer
from ipcity.market.tests.helpers import (
    CLI,
    interest,
    make_need,
    make_offer,
    numbers,
    offer_values,
    signed,
)
from ipcity.test import FORMULA_TEXTS, Personas, assert_text_cells

pytestmark = pytest.mark.django_db


def test_the_public_browses_and_searches_without_contacts(personas: Personas) -> None:
    offer = make_offer(personas.org_a, title="高效海水淡化膜组件", applications="工业废水处理")
    other = make_offer(personas.org_a, title="新能源电池隔膜", field="clean_energy", applications="储能电池")
    draft = make_offer(personas.org_a, publish=False, title="尚未发布的成果")
    anonymous = personas.client(None)
    page = anonymous.get(reverse("market:offers"), {"q": "废水"}).content.decode()
    assert f'data-offer="{offer.number}"' in page and f'data-offer="{other.number}"' not in page
    page = anonymous.get(reverse("market:offers"), {"field": "clean_energy"}).content.decode()
    assert f'data-offer="{other.number}"' in page and f'data-offer="{offer.number}"' not in page
    page = anonymous.get(reverse("market:offers")).content.decode()
    assert "尚未发布的成果" not in page
    detail = anonymous.get(reverse("market:offer", args=[offer.pk])).content.decode()
    assert "0535-1234567" not in detail and "登录</a>后可见" in detail
    assert anonymous.get(reverse("market:offer", args=[draft.pk])).status_code == 404
    signed_in = (
        personas.client(personas.liaison).get(reverse("market:offer", args=[offer.pk])).content.decode()
    )
    assert "王老师，0535-1234567" in signed_in
    # The search by a patent's number finds its offer.
    number = offer.patents.get().application_number
    page = anonymous.get(reverse("market:offers"), {"q": f"CN{number[:8]}"}).content.decode()
    assert f'data-offer="{offer.number}"' in page


def test_the_public_export_has_no_contacts_and_text_stays_text(personas: Personas) -> None:
    make_offer(personas.org_a, title=FORMULA_TEXTS[0], applications=FORMULA_TEXTS[1], contact_person="=1+1")
    make_need(personas.org_b)
    public = personas.client(None).get(reverse("market:offers"), {"format": "xlsx"})
    assert public.status_code == 200
    assert_text_cells(public.content, [FORMULA_TEXTS[0], FORMULA_TEXTS[1]])
    sheet = load_workbook(io.BytesIO(public.content)).active
    assert sheet is not None
    header = [c.value for c in next(sheet.iter_rows())]
    assert "联系人" not in header and "联系电话" not in header
    signed_in = personas.client(personas.enterprise_b).get(reverse("market:offers"), {"format": "xlsx"})
    assert_text_cells(signed_in.content, [FORMULA_TEXTS[0], "=1+1"])
    needs = personas.client(None).get(reverse("market:needs"), {"format": "xlsx"})
    need_sheet = load_workbook(io.BytesIO(needs.content)).active
    assert need_sheet is not None
    rows = list(need_sheet.iter_rows(values_only=True))
    assert rows[1][1] == "食品包装保鲜技术" and "联系人" not in rows[0]


def test_another_organisation_cannot_edit_and_the_owner_can(personas: Personas) -> None:
    offer = make_offer(personas.org_a, publish=False)
    url = reverse("market:offer_edit", args=[offer.pk])
    data = {**{k: ("" if v is None else v) for k, v in offer_values().items() if k != "negotiable"},
            "organisation": personas.org_a.pk, "patent_numbers": numbers(*offer.patents.all())}  # fmt: skip
    # A draft is not even visible to another organisation.
    assert personas.client(personas.enterprise_b).get(url).status_code == 404
    assert personas.client(personas.enterprise_b).post(url, {**data, "title": "篡改"}).status_code == 404
    services.publish_offer(offer, actor=CLI)
    assert personas.client(personas.enterprise_b).post(url, {**data, "title": "篡改"}).status_code == 403
    post = personas.client(personas.enterprise_b).post(reverse("market:offer_unlist", args=[offer.pk]))
    assert post.status_code == 403
    services.unlist_offer(offer, actor=CLI)
    owner = personas.client(personas.enterprise_a)
    response = owner.post(url, {**data, "title": "改进后的膜组件"})
    assert response.status_code == 302
    offer.refresh_from_db()
    assert offer.title == "改进后的膜组件"
    event = AuditEvent.objects.filter(action="market_offer.edit", object_id=str(offer.pk)).get()
    assert (event.after or {})["title"] == "改进后的膜组件" and (event.before or {})[
        "title"
    ] == "高效海水淡化膜组件"
    # A bad patent number is an error on the form, naming it; nothing is saved.
    page = owner.post(url, {**data, "title": "再改", "patent_numbers": "CN20231"}).content.decode()
    assert "专利申请号格式不正确：CN20231" in page
    offer.refresh_from_db()
    assert offer.title == "改进后的膜组件"


def test_the_city_office_hides_with_a_reason(personas: Personas) -> None:
    offer = make_offer(personas.org_a)
    admin = personas.client(personas.admin)
    url = reverse("market:offer_hide", args=[offer.pk])
    admin.post(url, {"reason": ""})
    offer.refresh_from_db()
    assert offer.status == "published"
    assert personas.client(personas.enterprise_b).post(url, {"reason": "x"}).status_code == 403
    assert admin.post(url, {"reason": "专利权属存在争议"}).status_code == 302
    offer.refresh_from_db()
    assert offer.status == "hidden" and offer.hidden_reason == "专利权属存在争议"
    event = AuditEvent.objects.get(action="market_offer.hide", object_id=str(offer.pk))
    assert event.note == "专利权属存在争议" and event.actor == personas.admin
    # Gone from the public pages; the holder sees why.
    assert personas.client(None).get(reverse("market:offer", args=[offer.pk])).status_code == 404
    page = (
        personas.client(personas.enterprise_a).get(reverse("market:offer", args=[offer.pk])).content.decode()
    )
    assert "理由：专利权属存在争议" in page
    assert "专利权属存在争议" in admin.get(reverse("market:mine")).content.decode()


def test_deals_are_seen_by_their_parties_only(personas: Personas) -> None:
    deal = signed(interest(make_offer(personas.org_a), personas), personas)
    url = reverse("market:deal", args=[deal.pk])
    assert personas.client(None).get(url).status_code == 302
    for user in (personas.liaison, personas.liaison_other, personas.agency):
        assert personas.client(user).get(url).status_code == 404, user
    # The parties, their districts (测试甲公司 in 芝罘区, 测试乙公司 in 莱山区) and the city office.
    for user in (
        personas.enterprise_a,
        personas.enterprise_b,
        personas.district_a,
        personas.district_b,
        personas.admin,
    ):
        assert personas.client(user).get(url).status_code == 200, user
    listing = personas.client(personas.enterprise_a).get(reverse("market:deals")).content.decode()
    assert f'data-deal="{deal.number}"' in listing
    assert (
        f'data-deal="{deal.number}"'
        not in personas.client(personas.liaison).get(reverse("market:deals")).content.decode()
    )


def test_the_desk_lists_interests_and_deals_to_confirm(personas: Personas) -> None:
    offer = make_offer(personas.org_a, title="待接洽的成果")
    deal = interest(offer, personas)
    desk = personas.client(personas.enterprise_a).get(reverse("portal:desk")).content.decode()
    assert "接洽意向：待接洽的成果" in desk
    signed(deal, personas)
    desk = personas.client(personas.enterprise_a).get(reverse("portal:desk")).content.decode()
    assert "确认成交：待接洽的成果" in desk
    assert (
        "确认成交" not in personas.client(personas.enterprise_b).get(reverse("portal:desk")).content.decode()
    )


def test_an_agency_acts_for_the_organisations_that_authorised_it(personas: Personas) -> None:
    client = personas.client(personas.enterprise_a)
    response = client.post(
        reverse("market:mandates"), {"organisation": personas.org_a.pk, "agency": personas.org_agency.pk}
    )
    assert response.status_code == 302
    agency = personas.client(personas.agency)
    page = agency.get(reverse("market:offer_new")).content.decode()
    assert "测试甲公司" in page and "测试代理所" in page  # it chooses for whom it lists
    offer = make_offer(personas.org_a, publish=False)
    assert agency.get(reverse("market:offer_edit", args=[offer.pk])).status_code == 200
    mandate = personas.org_a.market_mandates_given.get()
    assert agency.post(reverse("market:mandate_revoke", args=[mandate.pk])).status_code == 302
    mandate.refresh_from_db()
    assert mandate.revoked_at is None  # an agency cannot revoke (nor give) the organisation's mandate
    client.post(reverse("market:mandate_revoke", args=[mandate.pk]))
    mandate.refresh_from_db()
    assert mandate.revoked_at is not None
    assert agency.get(reverse("market:offer_edit", args=[offer.pk])).status_code == 404
    assert Offer.objects.get(pk=offer.pk).holder == personas.org_a
