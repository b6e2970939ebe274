from django.db import models
from django.utils.translation import gettext_lazy as _


class OrganisationKind(models.TextChoices):
    ENTERPRISE = "enterprise", _("企业")
    UNIVERSITY = "university", _("高校")
    RESEARCH_INSTITUTE = "research_institute", _("科研院所")
    SERVICE_AGENCY = "service_agency", _("服务机构")
    FINANCIAL_INSTITUTION = "financial_institution", _("银行/金融机构")
    INDIVIDUAL = "individual", _("个人")
    OTHER = "other", _("其他")
