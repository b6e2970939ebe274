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


class OrganisationSize(models.TextChoices):
    LARGE = "large", _("大型")
    MEDIUM = "medium", _("中型")
    SMALL = "small", _("小型")
    MICRO = "micro", _("微型")


class Industry(models.TextChoices):
    """The plan's key industries (二(五)2: 产业知识产权联盟 fields)."""

    GREEN_PETROCHEMICAL = "green_petrochemical", _("绿色石化")
    NONFERROUS_PRECIOUS = "nonferrous_precious", _("有色及贵金属")
    AUTO_EQUIPMENT = "auto_equipment", _("汽车装备")
    ELECTRONIC_INFORMATION = "electronic_information", _("电子信息")
    HIGH_END_EQUIPMENT = "high_end_equipment", _("高端装备")
    FOOD_PROCESSING = "food_processing", _("食品精深加工")
    BIOMEDICINE = "biomedicine", _("生物医药")
    CLEAN_ENERGY = "clean_energy", _("清洁能源")
    AEROSPACE = "aerospace", _("航空航天")
    OTHER = "other", _("其他")


class OrganisationTagKind(models.TextChoices):
    HIGH_TECH = "high_tech", _("高新技术企业")
    SPECIALISED = "specialised", _("专精特新企业")
    LITTLE_GIANT = "little_giant", _("专精特新“小巨人”企业")
    LISTED = "listed", _("上市企业")
    ABOVE_SCALE = "above_scale", _("规上企业")
    IP_ADVANTAGE_CITY = "ip_advantage_city", _("市级知识产权优势企业")
    IP_ADVANTAGE_PROVINCE = "ip_advantage_province", _("省级知识产权优势企业")
    IP_ADVANTAGE_NATIONAL = "ip_advantage_national", _("国家级知识产权优势企业")
    IP_DEMONSTRATION_CITY = "ip_demonstration_city", _("市级知识产权示范企业")
    IP_DEMONSTRATION_PROVINCE = "ip_demonstration_province", _("省级知识产权示范企业")
    IP_DEMONSTRATION_NATIONAL = "ip_demonstration_national", _("国家级知识产权示范企业")


class CertificateVersion(models.TextChoices):
    V2013 = "2013", _("GB/T 29490-2013")
    V2023 = "2023", _("GB/T 29490-2023")


class CertificateStatus(models.TextChoices):
    VALID = "valid", _("有效")
    SUSPENDED = "suspended", _("暂停")
    REVOKED = "revoked", _("撤销")
    EXPIRED = "expired", _("过期")


class PatentType(models.TextChoices):
    INVENTION = "invention", _("发明")
    UTILITY_MODEL = "utility_model", _("实用新型")
    DESIGN = "design", _("外观设计")


class LegalStatus(models.TextChoices):
    PENDING = "pending", _("审中")
    VALID = "valid", _("有效")
    LAPSED = "lapsed", _("失效（未缴年费或放弃）")
    EXPIRED = "expired", _("期限届满")
    INVALIDATED = "invalidated", _("被宣告无效")
    REJECTED = "rejected", _("驳回")
    WITHDRAWN = "withdrawn", _("撤回")


# The phrases the importer once searched cells for (before source profiles): kept as the reference
# of what the standard profile (data/registry/sources/standard.yaml) must understand as whole
# wordings; a test checks that it does. The importer itself looks wordings up in the profile.
LEGAL_STATUS_PHRASES: list[tuple[str, str]] = [
    ("部分无效", LegalStatus.VALID),
    ("全部无效", LegalStatus.INVALIDATED),
    ("宣告无效", LegalStatus.INVALIDATED),
    ("无效宣告", LegalStatus.INVALIDATED),
    ("无效", LegalStatus.INVALIDATED),
    ("期限届满", LegalStatus.EXPIRED),
    ("届满", LegalStatus.EXPIRED),
    ("未缴年费", LegalStatus.LAPSED),
    ("年费终止", LegalStatus.LAPSED),
    ("放弃", LegalStatus.LAPSED),
    ("权利终止", LegalStatus.LAPSED),
    ("专利权终止", LegalStatus.LAPSED),
    ("失效", LegalStatus.LAPSED),
    ("驳回", LegalStatus.REJECTED),
    ("撤回", LegalStatus.WITHDRAWN),
    ("实质审查", LegalStatus.PENDING),
    ("实审", LegalStatus.PENDING),
    ("审中", LegalStatus.PENDING),
    ("公开", LegalStatus.PENDING),
    ("授权", LegalStatus.VALID),
    ("有效", LegalStatus.VALID),
    ("维持", LegalStatus.VALID),
    ("有权", LegalStatus.VALID),
    ("无权", LegalStatus.LAPSED),
    ("inactive", LegalStatus.LAPSED),
    ("active", LegalStatus.VALID),
    ("granted", LegalStatus.VALID),
    ("ceased", LegalStatus.LAPSED),
    ("revoked", LegalStatus.INVALIDATED),
    ("pending", LegalStatus.PENDING),
    ("valid", LegalStatus.VALID),
    ("lapsed", LegalStatus.LAPSED),
    ("expired", LegalStatus.EXPIRED),
    ("invalidated", LegalStatus.INVALIDATED),
    ("rejected", LegalStatus.REJECTED),
    ("withdrawn", LegalStatus.WITHDRAWN),
]


class VocabularyField(models.TextChoices):
    """The coded columns whose wordings a source profile (导入格式) maps to registry values."""

    LEGAL_STATUS = "legal_status", _("法律状态")
    DECLARED_TYPE = "declared_type", _("专利类型")


class RegionRule(models.TextChoices):
    """How a record's region was attributed (DOMAIN.md: first patentee; configurable convention)."""

    ORGANISATION = "organisation", _("第一权利人机构的所属区市")
    ADDRESS_NAME = "address_name", _("地址中的区市名称")
    ADDRESS_CODE = "address_code", _("地址中的行政区划代码")
    NONE = "none", _("无法确定")


class TrademarkKind(models.TextChoices):
    ORDINARY = "ordinary", _("普通商标")
    COLLECTIVE = "collective", _("集体商标")
    CERTIFICATION = "certification", _("证明商标")
    GI_MARK = "gi_mark", _("地理标志商标")


class TrademarkStatus(models.TextChoices):
    PENDING = "pending", _("申请中")
    REGISTERED = "registered", _("已注册")
    EXPIRED = "expired", _("期满未续展")
    CANCELLED = "cancelled", _("注销")
    REVOKED = "revoked", _("撤销")
    INVALIDATED = "invalidated", _("无效")


class GIKind(models.TextChoices):
    GI_PRODUCT = "gi_product", _("地理标志保护产品")
    GI_MARK = "gi_mark", _("地理标志商标")


class DemonstrationZoneStatus(models.TextChoices):
    NONE = "none", _("无")
    BUILDING = "building", _("示范区筹建")
    ACCEPTED = "accepted", _("示范区通过验收")


class IPKind(models.TextChoices):
    PATENT = "patent", _("专利")
    TRADEMARK = "trademark", _("商标")


class LicenceKind(models.TextChoices):
    EXCLUSIVE = "exclusive", _("独占许可")
    SOLE = "sole", _("排他许可")
    ORDINARY = "ordinary", _("普通许可")
    OPEN = "open", _("开放许可")
    ASSIGNMENT = "assignment", _("转让")


class AwardName(models.TextChoices):
    CHINA_PATENT = "china_patent", _("中国专利奖")
    CHINA_DESIGN = "china_design", _("中国外观设计奖")
    SHANDONG_PATENT = "shandong_patent", _("山东省专利奖")
    CITY_PATENT = "city_patent", _("市专利奖")


class AwardLevel(models.TextChoices):
    GOLD = "gold", _("金奖")
    SILVER = "silver", _("银奖")
    EXCELLENCE = "excellence", _("优秀奖")
    SPECIAL = "special", _("特别奖")
    FIRST = "first", _("一等奖")
    SECOND = "second", _("二等奖")
    THIRD = "third", _("三等奖")


# Which levels each award has (the plan, 二(一)1). 市专利奖 levels are not in the plan: the city's
# own scheme decides; one to three 等奖 are accepted.
AWARD_LEVELS: dict[str, tuple[str, ...]] = {
    AwardName.CHINA_PATENT: (AwardLevel.GOLD, AwardLevel.SILVER, AwardLevel.EXCELLENCE),
    AwardName.CHINA_DESIGN: (AwardLevel.GOLD, AwardLevel.SILVER, AwardLevel.EXCELLENCE),
    AwardName.SHANDONG_PATENT: (AwardLevel.SPECIAL, AwardLevel.FIRST, AwardLevel.SECOND, AwardLevel.THIRD),
    AwardName.CITY_PATENT: (AwardLevel.FIRST, AwardLevel.SECOND, AwardLevel.THIRD),
}


# What may follow which, and who decides: registry.workflows.REVIEW_FLOW.
class ReviewStatus(models.TextChoices):
    OPEN = "open", _("待处理")
    RESOLVED = "resolved", _("已确认机构")
    DISMISSED = "dismissed", _("不关联任何机构")


class ImportKind(models.TextChoices):
    ORGANISATIONS = "organisations", _("机构")
    PATENTS = "patents", _("专利")
    TRADEMARKS = "trademarks", _("商标")
    GIS = "gis", _("地理标志")
    PLEDGES = "pledges", _("质押")
    LICENCES = "licences", _("许可/转让")
    AWARDS = "awards", _("奖项")
