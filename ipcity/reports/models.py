"""The annual white paper (烟台市知识产权发展与保护状况白皮书, 方案二(七)3): the office's editorial text
per year, and the editions generated from the platform's data. A published edition is immutable: its
files, their SHA-256 hashes, the publisher and the date never change (`Edition.save` refuses)."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from ipcity.reports.choices import EditionStatus


class EditionImmutable(Exception):
    """A published edition was about to be changed or deleted."""


class EditorialText(models.Model):
    """What the city office writes for a year's white paper: the foreword and the highlights (one a
    line). Merged into every edition generated afterwards; an edition keeps the text it was made with."""

    year = models.PositiveIntegerField(_("年度"), unique=True)
    foreword = models.TextField(_("前言"), blank=True)
    highlights = models.TextField(_("年度亮点"), blank=True, help_text=_("每行一条"))
    updated_by = models.CharField(_("修改人"), max_length=150)
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)

    class Meta:
        ordering = ["-year"]
        verbose_name = _("白皮书编者文字")
        verbose_name_plural = _("白皮书编者文字")

    def __str__(self) -> str:
        return f"{self.year}年白皮书编者文字"

    def highlight_lines(self) -> list[str]:
        return [line.strip() for line in self.highlights.splitlines() if line.strip()]


class EditionQuerySet(models.QuerySet["Edition"]):
    def published(self) -> EditionQuerySet:
        return self.filter(status=EditionStatus.PUBLISHED)


class Edition(models.Model):
    """One generated white paper of a year: the PDF and the Word file made together from the same
    content, with the snapshots and records behind its figures (`sources`)."""

    year = models.PositiveIntegerField(_("年度"), db_index=True)
    number = models.CharField(_("版次编号"), max_length=30, unique=True)
    status = models.CharField(
        _("状态"), max_length=20, choices=EditionStatus.choices, default=EditionStatus.DRAFT
    )
    title = models.CharField(_("标题"), max_length=200)
    pdf = models.ForeignKey(
        "core.Attachment", on_delete=models.PROTECT, related_name="+", verbose_name=_("PDF 文件")
    )
    docx = models.ForeignKey(
        "core.Attachment", on_delete=models.PROTECT, related_name="+", verbose_name=_("可编辑版文件")
    )
    pages = models.PositiveIntegerField(_("PDF 页数"))
    data_as_of = models.DateField(_("数据截至"))
    sources = models.JSONField(_("数据来源"), default=dict)
    foreword = models.TextField(_("前言"), blank=True)
    highlights = models.TextField(_("年度亮点"), blank=True)
    generated_at = models.DateTimeField(_("生成时间"))
    generated_by = models.CharField(_("生成人"), max_length=150)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    published_by = models.CharField(_("发布人"), max_length=150, blank=True)
    discarded_reason = models.CharField(_("作废理由"), max_length=300, blank=True)
    is_demo = models.BooleanField(_("演示数据"), default=False)

    objects = EditionQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "-generated_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["year"],
                condition=models.Q(status="published"),
                name="reports_one_published_edition_per_year",
            )
        ]
        verbose_name = _("白皮书版本")
        verbose_name_plural = _("白皮书版本")

    def __str__(self) -> str:
        return f"{self.title}（{self.number}）"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            stored = Edition.objects.filter(pk=self.pk).values_list("status", flat=True).first()
            if stored == EditionStatus.PUBLISHED:
                raise EditionImmutable(f"{self.number} 已发布，不能修改")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        if Edition.objects.filter(pk=self.pk, status=EditionStatus.PUBLISHED).exists():
            raise EditionImmutable(f"{self.number} 已发布，不能删除")
        return super().delete(*args, **kwargs)
