from django.db import models
from django.utils.translation import gettext_lazy as _


class EditionStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("已发布")
    DISCARDED = "discarded", _("已作废")


class EditionFormat(models.TextChoices):
    PDF = "pdf", _("PDF 版")
    DOCX = "docx", _("Word 版")
