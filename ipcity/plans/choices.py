from django.db import models
from django.utils.translation import gettext_lazy as _


class TargetKind(models.TextChoices):
    QUANTITATIVE = "quantitative", _("量化指标")
    MILESTONE = "milestone", _("定性目标")


class Comparison(models.TextChoices):
    AT_LEAST = ">=", _("不低于")
    AT_MOST = "<=", _("不超过")
    EQUAL = "=", _("等于")
    RANGE = "range", _("区间")


class TargetPeriod(models.TextChoices):
    END = "end", _("期末达到")
    ANNUAL = "annual", _("每年")
    TOTAL = "total", _("期内累计")


class DepartmentRole(models.TextChoices):
    LEAD = "lead", _("牵头")
    CO = "co", _("配合")
