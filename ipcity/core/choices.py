from django.db import models
from django.utils.translation import gettext_lazy as _


class DepartmentKind(models.TextChoices):
    MUNICIPAL = "municipal", _("市直部门")
    DISTRICT_BUREAUS = "district_bureaus", _("各区市局")
    FUNCTIONAL_ZONE = "functional_zone", _("功能区")


class RegionKind(models.TextChoices):
    DISTRICT = "district", _("市辖区")
    COUNTY_CITY = "county_city", _("县级市")
    FUNCTIONAL_ZONE = "functional_zone", _("功能区")


class AuditSource(models.TextChoices):
    WEB = "web", _("网页")
    CLI = "cli", _("命令行")
    SYSTEM = "system", _("系统")


class CalendarYearStatus(models.TextChoices):
    VERIFIED = "verified", _("已核对")
    UNVERIFIED = "unverified", _("未核对")


class CalendarDayKind(models.TextChoices):
    HOLIDAY = "holiday", _("放假")
    WORKDAY = "workday", _("调休上班")
