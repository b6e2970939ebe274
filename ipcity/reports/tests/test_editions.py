"""Editions: who generates, publishes and downloads; drafts are not public; published editions are
immutable; the editorial text is audited and merged in; sections of modules not in use say so."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from ipcity.core.audit import Actor
from ipcity.core.models import AuditEvent, Job
from ipcity.core.workflow import Refused
from ipcity.reports import content, fonts, services
from ipcity.reports.choices import EditionStatus
from ipcity.reports.models import Edition, EditionImmutable
from ipcity.reports.selectors import published_editions
from ipcity.test import Personas

pytestmark = pytest.mark.django_db

CLI = Actor.cli("测试")
YEAR = 2024


def _pdf_text(data: bytes) -> str:
    import pypdfium2

    document = pypdfium2.PdfDocument(data)
    return "\n".join(document[i].get_textpage().get_text_range() for i in range(len(document)))


def test_the_city_office_generates_through_a_job_and_others_may_not(personas: Personas) -> None:
    admin = personas.client(personas.admin)
    response = admin.post(reverse("reports:generate"), {"year": str(YEAR)})
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("core:job", args=[job.pk])
    assert job.status == "succeeded", job.error
    edition = Edition.objects.get()
    assert edition.status == EditionStatus.DRAFT and edition.year == YEAR and edition.number == f"{YEAR}-01"
    assert job.result is not None and job.result["白皮书版次"] == edition.number
    assert edition.pdf.sha256 == hashlib.sha256(edition.pdf.file.open("rb").read()).hexdigest()
    assert AuditEvent.objects.filter(action="report_edition.generate", object_id=str(edition.pk)).exists()
    page = admin.get(reverse("reports:index")).content.decode()
    assert f'data-edition="{edition.number}"' in page

    for user in (personas.district_a, personas.liaison, personas.enterprise_a, personas.agency):
        client = personas.client(user)
        assert client.get(reverse("reports:index")).status_code == 403
        assert client.post(reverse("reports:generate"), {"year": str(YEAR)}).status_code == 403
        assert client.get(reverse("reports:preview", args=[YEAR])).status_code == 403
        assert client.get(reverse("reports:editorial", args=[YEAR])).status_code == 403
    anonymous = personas.client(None)
    assert anonymous.get(reverse("reports:index")).status_code == 302  # to the login page
    assert Edition.objects.count() == 1


def test_a_year_not_yet_over_is_refused() -> None:
    with pytest.raises(ValidationError, match="已结束的年度"):
        services.check_year(2099)
    with pytest.raises(ValidationError):
        services.check_year(2020)


def test_drafts_are_not_public_and_published_editions_are_downloaded_by_anyone(personas: Personas) -> None:
    edition = services.generate_edition(YEAR, actor=CLI)
    pdf_url = reverse("reports:download", args=[edition.pk, "pdf"])
    docx_url = reverse("reports:download", args=[edition.pk, "docx"])
    for user in (None, personas.district_a, personas.enterprise_a):
        client = personas.client(user)
        assert client.get(pdf_url).status_code == 404
        assert client.get(reverse("reports:published")).content.decode().count("下载PDF 版") == 0
    assert list(published_editions()) == []
    assert personas.client(personas.admin).get(pdf_url).status_code == 200

    # Only the city office publishes.
    publish_url = reverse("reports:edition_publish", args=[edition.pk])
    assert personas.client(personas.district_a).post(publish_url).status_code == 403
    with pytest.raises(Refused, match="无权发布"):
        services.publish_edition(edition, actor=Actor.web(personas.district_a))
    assert personas.client(personas.admin).post(publish_url).status_code == 302
    edition.refresh_from_db()
    assert edition.status == EditionStatus.PUBLISHED and edition.published_by and edition.published_at
    assert list(published_editions()) == [edition]

    anonymous = personas.client(None)
    listing = anonymous.get(reverse("reports:published")).content.decode()
    assert pdf_url in listing and docx_url in listing
    response = anonymous.get(pdf_url)
    body = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    assert response.status_code == 200 and body.startswith(b"%PDF")
    assert hashlib.sha256(body).hexdigest() == edition.pdf.sha256
    response = anonymous.get(docx_url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"PK")  # type: ignore[attr-defined]
    assert anonymous.get(reverse("reports:download", args=[edition.pk, "xlsx"])).status_code == 404
    assert anonymous.get(reverse("reports:edition", args=[edition.pk])).status_code == 302


def test_published_editions_are_immutable(personas: Personas) -> None:
    edition = services.generate_edition(YEAR, actor=CLI)
    services.publish_edition(edition, actor=Actor.web(personas.admin))
    edition.refresh_from_db()
    edition.title = "改过的标题"
    with pytest.raises(EditionImmutable):
        edition.save()
    with pytest.raises(EditionImmutable):
        edition.delete()
    with pytest.raises(Refused, match="不能发布"):
        services.publish_edition(edition, actor=CLI)
    with pytest.raises(Refused, match="不能作废"):
        services.discard_edition(edition, actor=CLI, reason="试试")
    assert Edition.objects.get().title != "改过的标题"

    # A second edition of the year cannot replace the published one.
    second = services.generate_edition(YEAR, actor=CLI)
    assert second.number == f"{YEAR}-02"
    with pytest.raises(Refused, match="已发布的版本不能替换"):
        services.publish_edition(second, actor=CLI)
    services.discard_edition(second, actor=CLI, reason="重复生成")
    assert Edition.objects.get(pk=second.pk).status == EditionStatus.DISCARDED

    # A stored file changed behind the platform's back is not served.
    with edition.pdf.file.open("ab") as handle:
        handle.write(b"tampered")
    response = personas.client(None).get(reverse("reports:download", args=[edition.pk, "pdf"]))
    assert response.status_code == 409 and "校验" in response.content.decode()


def test_the_editorial_text_is_audited_and_merged_in(personas: Personas) -> None:
    admin = personas.client(personas.admin)
    url = reverse("reports:editorial", args=[YEAR])
    response = admin.post(url, {"foreword": "这是市局撰写的前言。", "highlights": "亮点甲\n亮点乙"})
    assert response.status_code == 302
    event = AuditEvent.objects.get(action="report_editorial.save")
    assert event.after is not None and event.after["foreword"] == "这是市局撰写的前言。"
    paper = services.build_paper(YEAR)
    assert paper.headings[:2] == ["前言", "年度亮点"] and paper.highlights == ["亮点甲", "亮点乙"]
    edition = services.generate_edition(YEAR, actor=CLI)
    text = _pdf_text(edition.pdf.file.open("rb").read())
    assert "这是市局撰写的前言。" in text and "亮点乙" in text
    preview = admin.get(reverse("reports:preview", args=[YEAR])).content.decode()
    assert "这是市局撰写的前言。" in preview and "亮点甲" in preview
    assert admin.post(url, {"foreword": "x" * 20001, "highlights": ""}).status_code == 200


def test_sections_of_modules_not_in_use_say_so(monkeypatch: pytest.MonkeyPatch) -> None:
    from django.apps import apps as django_apps

    installed = django_apps.is_installed
    monkeypatch.setattr(
        content.apps,
        "is_installed",
        lambda name: name not in ("ipcity.protection", "ipcity.support") and installed(name),
    )
    paper = content.build(YEAR)
    by_key = {s.key: s for s in paper.sections}
    assert "知识产权保护（投诉举报、纠纷调解、案件办理周期、信用记录）模块尚未启用" in "".join(
        by_key["protection"].paragraphs
    )
    assert "知识产权服务（服务机构、专家、人才、培训、联盟与服务中心）模块尚未启用" in "".join(
        by_key["management"].paragraphs
    )


def test_the_service_section_counts_the_support_records() -> None:
    from ipcity.support.models import Expert

    before = "".join(_section(content.build(YEAR), "management").paragraphs)
    assert "模块尚未启用" not in before and "专家库在库专家 0 名" in before
    Expert.objects.create(name="测试专家", field="other")
    after = "".join(_section(content.build(YEAR), "management").paragraphs)
    assert "专家库在库专家 1 名" in after


def _section(paper, key):  # type: ignore[no-untyped-def]
    return next(s for s in paper.sections if s.key == key)


def test_a_missing_cjk_font_stops_with_a_clear_message(monkeypatch: pytest.MonkeyPatch) -> None:
    fonts.cjk_font_path.cache_clear()
    monkeypatch.setattr(fonts, "CANDIDATES", ())
    monkeypatch.setattr(fonts, "_fontconfig_match", lambda name: None)
    try:
        with pytest.raises(fonts.FontMissing, match="fonts-noto-cjk"):
            fonts.cjk_font_path()
    finally:
        fonts.cjk_font_path.cache_clear()


def test_the_job_reports_progress_by_section_and_the_edition_keeps_its_sources(personas: Personas) -> None:
    job = services.start_generation(YEAR, actor=Actor.web(personas.admin))
    job.refresh_from_db()
    assert job.status == "succeeded" and job.done == job.total == len(content.STEPS)
    edition = Edition.objects.get()
    kpis = content.kpi_rows(YEAR, content.Sources())
    assert {k.snapshot_id for k in kpis if k.snapshot_id} <= set(edition.sources["snapshots"])
    assert any("奖补兑现台账" in r for r in edition.sources["records"])
    page = personas.client(personas.admin).get(reverse("reports:edition", args=[edition.pk])).content.decode()
    assert edition.pdf.sha256 in page and edition.docx.sha256 in page


def test_the_public_list_costs_the_same_queries_for_more_editions(
    personas: Personas, django_assert_max_num_queries: Any
) -> None:
    first = services.publish_edition(services.generate_edition(2023, actor=CLI), actor=CLI)
    anonymous = personas.client(None)
    with django_assert_max_num_queries(4):
        assert first.number in anonymous.get(reverse("reports:published")).content.decode()
    services.publish_edition(services.generate_edition(2022, actor=CLI), actor=CLI)
    with django_assert_max_num_queries(4):
        page = anonymous.get(reverse("reports:published")).content.decode()
    assert page.index("（2023）") < page.index("（2022）")


def test_the_protection_section_counts_the_protection_records(personas: Personas) -> None:
    import datetime as dt

    from ipcity.protection.models import CreditRecord

    before = "".join(_section(content.build(YEAR), "protection").paragraphs)
    assert "模块尚未启用" not in before and "年末在册的失信等信用记录 0 条" in before
    assert "当年无办结案件，不计算办案周期" in before  # no median of nothing
    CreditRecord.objects.create(
        organisation=personas.org_a, kind="serious", source="测试文号", start=dt.date(2024, 3, 1), public=True
    )
    after = "".join(_section(content.build(YEAR), "protection").paragraphs)
    assert "年末在册的失信等信用记录 1 条，其中公示 1 条" in after
