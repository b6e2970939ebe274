"""The public portal's own data: the city office's notices and news (通知公告, with attachments), and
which indicators the office shows the public (公开指标)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ipcity.portal.choices import NoticeKind, NoticeStatus


class NoticeQuerySet(models.QuerySet["Notice"]):
    def published(self) -> NoticeQuerySet:
        return self.filter(status=NoticeStatus.PUBLISHED).order_by("-published_at", "-id")

    def visible_to(self, user: Any) -> NoticeQuerySet:
        """The city office sees every notice (drafts and withdrawn too); everyone else the published."""
        from ipcity.accounts.permissions import is_city_admin

        return self if is_city_admin(user) else self.published()


class Notice(models.Model):
    number = models.CharField(_("编号"), max_length=20, unique=True)
    kind = models.CharField(_("类别"), max_length=10, choices=NoticeKind.choices, default=NoticeKind.NOTICE)
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("正文"))
    status = models.CharField(
        _("状态"), max_length=10, choices=NoticeStatus.choices, default=NoticeStatus.DRAFT
    )
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    attachments = models.ManyToManyField(
        "core.Attachment", verbose_name=_("附件"), blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("创建人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    is_demo = models.BooleanField(_("演示数据"), default=False)

    objects = NoticeQuerySet.as_manager()

    class Meta:
        verbose_name = _("通知公告")
        verbose_name_plural = _("通知公告")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"


class PublicIndicator(models.Model):
    """An indicator the city office shows the public (home page figures and open data)."""

    indicator = models.OneToOneField(
        "indicators.Indicator", verbose_name=_("指标"), on_delete=models.CASCADE, related_name="+"
    )
    position = models.PositiveIntegerField(_("排序"), default=0)
    marked_at = models.DateTimeField(_("设为公开的时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("公开指标")
        verbose_name_plural = _("公开指标")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return str(self.indicator)
