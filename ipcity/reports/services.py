"""Writes of the white paper (docs/reports.md): the editorial text, generating an edition (the PDF and
the Word file, stored as attachments with their SHA-256), publishing and discarding a draft. One
transaction and one audit event each; statuses move through reports/workflows.py."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from ipcity.core.attachments import store_attachment
from ipcity.core.audit import Actor, record_event
from ipcity.core.jobs import JobHandle, background_job, start_job
from ipcity.core.models import Job
from ipcity.core.workflow import Refused
from ipcity.reports import content, render
from ipcity.reports.choices import EditionStatus
from ipcity.reports.models import Edition, EditorialText
from ipcity.reports.workflows import EDITION_WORKFLOW as FLOW

FIRST_YEAR = 2021  # the plan's base year: the first year the platform holds indicator snapshots for
MAX_EDITORIAL_CHARS = 20000


def check_year(year: int) -> int:
    """A white paper covers a past, completed year from the base year on."""
    this_year = timezone.localdate().year
    if not FIRST_YEAR <= year < this_year:
        raise ValidationError(
            {"year": f"年度：只能生成 {FIRST_YEAR} 年至 {this_year - 1} 年的白皮书（已结束的年度）"}
        )
    return year


def _actor_name(actor: Actor) -> str:
    user = actor.user
    return str(user) if user is not None else actor.label


@transaction.atomic
def save_editorial_text(year: int, *, foreword: str, highlights: str, actor: Actor) -> EditorialText:
    """The city office's foreword and highlights for a year (merged into editions generated later)."""
    check_year(year)
    for label, given in (("前言", foreword), ("年度亮点", highlights)):
        if len(given) > MAX_EDITORIAL_CHARS:
            raise ValidationError(f"{label}：不能超过 {MAX_EDITORIAL_CHARS} 字")
    text, created = EditorialText.objects.select_for_update().get_or_create(
        year=year, defaults={"updated_by": _actor_name(actor)}
    )
    before = None if created else {"foreword": text.foreword, "highlights": text.highlights}
    text.foreword, text.highlights = foreword.strip(), highlights.strip()
    text.updated_by = _actor_name(actor)
    text.save()
    record_event(
        actor,
        "report_editorial.save",
        obj=text,
        before=before,
        after={"foreword": text.foreword, "highlights": text.highlights},
    )
    return text


def editorial_for(year: int) -> EditorialText | None:
    return EditorialText.objects.filter(year=year).first()


def build_paper(
    year: int, *, progress: Callable[[int, int, str], None] = lambda _d, _t, _m: None
) -> content.WhitePaper:
    """The white paper of `year` with the office's editorial text of that year."""
    text = editorial_for(year)
    return content.build(
        year,
        foreword=text.foreword if text else "",
        highlights=text.highlight_lines() if text else [],
        progress=progress,
    )


def _next_number(year: int) -> str:
    taken = Edition.objects.filter(year=year).count()
    return f"{year}-{taken + 1:02d}"


def _upload(name: str, data: bytes, content_type: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def generate_edition(
    year: int,
    *,
    actor: Actor,
    is_demo: bool = False,
    progress: Callable[[int, int, str], None] = lambda _d, _t, _m: None,
) -> Edition:
    """Compute the content, render the PDF and the Word file, store both as a draft edition."""
    check_year(year)
    paper = build_paper(year, progress=progress)
    with transaction.atomic():
        # Numbered under a lock on the year's editions, so two generations cannot take one number.
        list(Edition.objects.select_for_update().filter(year=year).values_list("pk", flat=True))
        number = _next_number(year)
        pdf, pages = render.pdf_document(paper, edition_number=number)
        docx = render.docx_bytes(paper, edition_number=number)
        base = f"{content.TITLE}（{year}）{number}"
        pdf_file = store_attachment(_upload(f"{base}.pdf", pdf, "application/pdf"), actor=actor)
        docx_file = store_attachment(
            _upload(
                f"{base}.docx",
                docx,
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            ),
            actor=actor,
        )
        text = editorial_for(year)
        edition = Edition.objects.create(
            year=year,
            number=number,
            title=paper.title,
            pdf=pdf_file,
            docx=docx_file,
            pages=pages,
            data_as_of=paper.as_of,
            sources=paper.sources,
            foreword=text.foreword if text else "",
            highlights=text.highlights if text else "",
            generated_at=timezone.now(),
            generated_by=_actor_name(actor),
            is_demo=is_demo,
        )
        record_event(
            actor,
            "report_edition.generate",
            obj=edition,
            after={
                "year": year,
                "pages": pages,
                "snapshots": len(paper.sources.get("snapshots", [])),
            },
        )
    return edition


@transaction.atomic
def publish_edition(edition: Edition, *, actor: Actor) -> Edition:
    """Publish a draft: from now on it is public and immutable (one published edition per year). The
    files' SHA-256 are on their attachments (recorded by `attachment.create`) and shown on the page."""
    edition = FLOW.lock(edition)
    FLOW.check(edition, "publish", actor=actor)
    other = Edition.objects.published().filter(year=edition.year).exclude(pk=edition.pk).first()
    if other is not None:
        raise Refused(f"{edition.year} 年已发布版本 {other.number}，已发布的版本不能替换或修改")
    edition.published_at = timezone.now()
    edition.published_by = _actor_name(actor)
    edition.save(update_fields=["published_at", "published_by"])
    FLOW.move(
        edition,
        "publish",
        actor=actor,
        audit_after={"published_by": edition.published_by},
    )
    return edition


@transaction.atomic
def discard_edition(edition: Edition, *, actor: Actor, reason: str) -> Edition:
    edition = FLOW.lock(edition)
    FLOW.require(edition, "discard", actor=actor, reason=reason)
    edition.discarded_reason = reason.strip()[:300]
    edition.save(update_fields=["discarded_reason"])
    FLOW.move(edition, "discard", actor=actor, reason=reason, comment=reason)
    return edition


# ---------------------------------------------------------------- the background job


@background_job("reports.white_paper")
def white_paper_job(handle: JobHandle, actor: Actor, /, *, year: int) -> dict[str, Any]:
    """Generate one edition (both formats) with progress by section; the job page shows the result."""
    edition = generate_edition(year, actor=actor, progress=lambda d, t, m: handle.progress(d, t, m))
    return {"白皮书版次": edition.number, "PDF 页数": edition.pages, "状态": str(EditionStatus.DRAFT.label)}


def start_generation(year: int, *, actor: Actor) -> Job:
    check_year(year)
    return start_job(white_paper_job, label=f"生成白皮书：{year} 年", actor=actor, params={"year": year})
