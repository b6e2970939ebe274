from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    CITY_ADMIN = "city_admin", _("市局管理员")
    DEPT_LIAISON = "dept_liaison", _("部门联络员")
    DISTRICT_OFFICER = "district_officer", _("区市局")
    APPLICANT = "applicant", _("企业/高校用户")
    AGENCY = "agency", _("服务机构")
    PLATFORM = "platform", _("电商平台")
