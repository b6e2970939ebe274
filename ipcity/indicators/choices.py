from django.db import models
from django.utils.translation import gettext_lazy as _


class IndicatorKind(models.TextChoices):
    COMPUTED = "computed", _("系统计算")
    REPORTED = "reported", _("填报")
    SURVEY = "survey", _("调查")


class Direction(models.TextChoices):
    HIGHER = "higher", _("越高越好")
    LOWER = "lower", _("越低越好")


class PopulationKind(models.TextChoices):
    YEAR_END = "year_end", _("年末常住人口")
    CENSUS = "census", _("人口普查")


class RespondentGroup(models.TextChoices):
    RIGHT_HOLDERS = "right_holders", _("权利人")
    PROFESSIONALS = "professionals", _("专业人士")
    PUBLIC = "public", _("社会公众")


class SnapshotStatus(models.TextChoices):
    OK = "ok", _("已计算")
    MISSING_DENOMINATOR = "missing_denominator", _("缺少分母数据")
    MISSING_DATA = "missing_data", _("缺少数据")
    NOT_APPLICABLE = "not_applicable", _("不适用")
