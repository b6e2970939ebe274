"""Credit records (二(一)3): recording, the credit check other apps read, objection (异议) and repair
(信用修复) with the city office's review, publication on the public credit list, and who may see
and do what."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from ipcity.core.models import AuditEvent
from ipcity.core.workflow import Refused
from ipcity.protection import clock, selectors, services
from ipcity.protection.models import CreditRecord
from ipcity.protection.tests.helpers import MONDAY, pdf, web
from ipcity.test import FORMULA_TEXTS, Personas, assert_text_cells

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today():
    with clock.frozen(MONDAY):
        yield


def serious(personas: Personas, **kwargs: object) -> CreditRecord:
    values: dict[str, object] = {
        "source": "国家知识产权局 2026 年第 3 号公告",
        "legal_basis": "知识产权领域严重失信主体名单管理规定",
        "start": MONDAY - dt.timedelta(days=30),
    }
    values.update(kwargs)
    return services.add_credit_record(personas.org_a, actor=web(personas.admin), **values)  # type: ignore[arg-type]


def test_a_serious_record_blocks_until_its_end(personas: Personas) -> None:
    record = serious(personas, document=pdf("认定书.pdf"))
    assert selectors.blocking_credit_records(personas.org_a, MONDAY) == [record]
    assert selectors.is_blacklisted(personas.org_a, MONDAY)
    assert not selectors.is_blacklisted(personas.org_b, MONDAY)
    assert record.document is not None and record.document.original_name == "认定书.pdf"
    services.end_credit_record(record, actor=web(personas.admin), end=MONDAY)
    assert selectors.is_blacklisted(personas.org_a, MONDAY)  # the end day itself still counts
    assert not selectors.is_blacklisted(personas.org_a, MONDAY + dt.timedelta(days=1))
    ended = AuditEvent.objects.get(action="credit_record.end", object_id=str(record.pk))
    assert ended.after is not None and ended.after["end"] == MONDAY.isoformat()


def test_other_kinds_do_not_block(personas: Personas) -> None:
    for kind in ("general", "abnormal", "other"):
        serious(personas, kind=kind)
    assert not selectors.is_blacklisted(personas.org_a, MONDAY)


def test_bad_input_is_refused_naming_the_field(personas: Personas) -> None:
    with pytest.raises(Refused, match="认定机关及文号"):
        serious(personas, source="  ")
    with pytest.raises(Refused, match="终止日期不能早于起始日期"):
        serious(personas, end=MONDAY - dt.timedelta(days=60))
    assert not CreditRecord.objects.exists()


def test_repair_lifts_the_block_after_review(personas: Personas) -> None:
    record = serious(personas)
    # Only the organisation's own accounts ask for repair; only the city office reviews.
    with pytest.raises(Refused, match="无权申请信用修复"):
        services.request_credit_repair(record, actor=web(personas.enterprise_b), reason="已整改")
    with pytest.raises(Refused, match="需要填写理由"):
        services.request_credit_repair(record, actor=web(personas.enterprise_a), reason=" ")
    services.request_credit_repair(record, actor=web(personas.enterprise_a), reason="已停止侵权并赔偿")
    record.refresh_from_db()
    assert record.status == "repairing" and record.repair_reason == "已停止侵权并赔偿"
    assert selectors.is_blacklisted(personas.org_a, MONDAY)  # still in force while under review
    with pytest.raises(Refused, match="无权信用修复审核"):
        services.review_credit_repair(
            record, actor=web(personas.district_a), decision="approved", comment="同意"
        )
    with pytest.raises(Refused, match="准予信用修复需要填写意见"):
        services.review_credit_repair(record, actor=web(personas.admin), decision="approved", comment="")
    services.review_credit_repair(record, actor=web(personas.admin), decision="approved", comment="整改到位")
    record.refresh_from_db()
    assert record.status == "repaired" and record.reviewed_on == MONDAY
    assert not selectors.is_blacklisted(personas.org_a, MONDAY)
    assert AuditEvent.objects.filter(
        action="credit_record.review_repair.approved", object_id=str(record.pk)
    ).exists()
    # The 一企一档 (grants' section) states the repair and no block.
    profile = personas.client(personas.enterprise_a).get(
        reverse("registry:organisation", args=[personas.org_a.pk])
    )
    credit = profile.content.decode().split('data-testid="profile-credit"')[1]
    assert "已信用修复" in credit and 'data-testid="credit-clear"' in credit


def test_objection_upheld_revokes_dismissed_keeps(personas: Personas) -> None:
    kept, revoked = serious(personas), serious(personas, source="另一公告")
    for record in (kept, revoked):
        services.object_to_credit_record(record, actor=web(personas.enterprise_a), reason="主体认定错误")
    services.review_credit_objection(
        kept, actor=web(personas.admin), decision="dismissed", comment="认定无误"
    )
    services.review_credit_objection(
        revoked, actor=web(personas.admin), decision="upheld", comment="主体有误"
    )
    kept.refresh_from_db()
    revoked.refresh_from_db()
    assert (kept.status, revoked.status) == ("listed", "revoked")
    assert selectors.blocking_credit_records(personas.org_a, MONDAY) == [kept]
    # A record already under review cannot be objected to again.
    services.object_to_credit_record(kept, actor=web(personas.enterprise_a), reason="再次异议")
    with pytest.raises(Refused, match="异议审查中"):
        services.request_credit_repair(kept, actor=web(personas.enterprise_a), reason="修复")


def test_public_list_shows_only_published_records_in_force(personas: Personas, client) -> None:
    shown = serious(personas, public=True, source="公示的公告")
    serious(personas, source="未公示的公告")
    serious(personas, public=True, source="已终止的公告", end=MONDAY - dt.timedelta(days=1))
    repaired = serious(personas, public=True, source="已修复的公告")
    services.request_credit_repair(repaired, actor=web(personas.enterprise_a), reason="已整改")
    services.review_credit_repair(repaired, actor=web(personas.admin), decision="approved", comment="同意")
    page = client.get(reverse("protection:public_credit")).content.decode()
    assert shown.source in page and personas.org_a.uscc in page
    for hidden in ("未公示的公告", "已终止的公告", "已修复的公告"):
        assert hidden not in page
    services.unpublish_credit_record(shown, actor=web(personas.admin))
    assert "公示的公告" not in client.get(reverse("protection:public_credit")).content.decode()


def test_public_list_export_keeps_text_as_text(personas: Personas, client) -> None:
    for text in FORMULA_TEXTS[:3]:
        serious(personas, public=True, source=text)
    response = client.get(reverse("protection:public_credit") + "?format=xlsx")
    assert response.status_code == 200
    assert_text_cells(response.content, FORMULA_TEXTS[:3])


def test_register_is_scoped(personas: Personas) -> None:
    record = serious(personas)
    url = reverse("protection:credit", args=[record.pk])
    for user in (personas.admin, personas.district_a, personas.enterprise_a):
        assert personas.client(user).get(url).status_code == 200
        assert record.source in personas.client(user).get(reverse("protection:credit_list")).content.decode()
    for user in (personas.district_b, personas.enterprise_b, personas.agency):
        assert personas.client(user).get(url).status_code == 404
        assert (
            record.source not in personas.client(user).get(reverse("protection:credit_list")).content.decode()
        )
    assert personas.client(personas.liaison).get(url).status_code == 404
    assert personas.client(None).get(reverse("protection:credit_list")).status_code in (302, 403)
    assert personas.client(personas.enterprise_a).get(reverse("protection:credit_new")).status_code == 403
    xlsx = personas.client(personas.enterprise_b).get(reverse("protection:credit_list") + "?format=xlsx")
    assert record.source.encode() not in xlsx.content


def test_pages_object_and_review(personas: Personas) -> None:
    record = serious(personas)
    owner, admin = personas.client(personas.enterprise_a), personas.client(personas.admin)
    page = owner.get(reverse("protection:credit", args=[record.pk])).content.decode()
    assert 'data-action="object"' in page and 'data-action="request_repair"' in page
    assert 'data-action="publish"' not in page
    # Another organisation cannot reach it; the owner cannot review.
    other = personas.client(personas.enterprise_b)
    assert (
        other.post(reverse("protection:credit_object", args=[record.pk]), {"reason": "x"}).status_code == 404
    )
    response = owner.post(reverse("protection:credit_object", args=[record.pk]), {"reason": "认定主体有误"})
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.status == "objected"
    denied = owner.post(
        reverse("protection:credit_review_objection", args=[record.pk]),
        {"decision": "upheld", "comment": "好"},
    )
    assert denied.status_code == 403
    admin.post(
        reverse("protection:credit_review_objection", args=[record.pk]),
        {"decision": "upheld", "comment": "核实有误"},
    )
    record.refresh_from_db()
    assert record.status == "revoked" and record.review_comment == "核实有误"


def test_city_office_adds_a_record_on_the_page(personas: Personas) -> None:
    admin = personas.client(personas.admin)
    response = admin.post(
        reverse("protection:credit_new"),
        {
            "organisation": personas.org_b.pk,
            "kind": "general",
            "legal_basis": "专利法第六十八条",
            "source": "烟台市市场监督管理局 烟市监罚〔2026〕1号",
            "start": "2026-02-01",
            "end": "",
            "note": "",
            "public": "on",
        },
    )
    record = CreditRecord.objects.get()
    assert response.status_code == 302 and record.public and record.kind == "general"
    assert AuditEvent.objects.filter(action="credit_record.create", object_id=str(record.pk)).exists()
    bad = admin.post(reverse("protection:credit_new"), {"organisation": personas.org_b.pk, "kind": "general"})
    assert bad.status_code == 200 and "请填写认定机关及文号" in bad.content.decode()
    assert CreditRecord.objects.count() == 1
