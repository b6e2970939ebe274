"""Codes of the support ecosystem (docs/support.md), with their Chinese labels."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ExpertTitle(models.TextChoices):
    """Professional title (职称) of an expert."""

    SENIOR = "senior", _("正高级")
    VICE_SENIOR = "vice_senior", _("副高级")
    INTERMEDIATE = "intermediate", _("中级")
    PATENT_ATTORNEY = "patent_attorney", _("专利代理师")
    OTHER = "other", _("其他")


class RelationKind(models.TextChoices):
    """A relation an expert declares with an organisation (申报回避关系)."""

    EMPLOYED = "employed", _("任职或兼职")
    SHAREHOLDER = "shareholder", _("持股")
    ADVISER = "adviser", _("顾问")
    COOPERATION = "cooperation", _("近期合作（项目、课题、代理）")
    RELATIVE = "relative", _("近亲属在该单位任职")
    OTHER = "other", _("其他利害关系")


class AvoidReason(models.TextChoices):
    """Why an expert is kept out of a draw (回避, 方案二(七)1; docs/support.md)."""

    SAME_EMPLOYER = "same_employer", _("与申报单位为同一工作单位")
    CO_APPLICANT = "co_applicant", _("工作单位与申报单位近年共同申请专利")
    CO_INVENTOR = "co_inventor", _("近年为申报单位专利的共同发明人")
    DECLARED = "declared", _("本人申报与申报单位有利害关系")
    NAMED = "named", _("申报单位申请回避")


class TrainingKind(models.TextChoices):
    """Kinds of IP training (方案二(七)1: 知识产权专业培训)."""

    MANAGEMENT = "management", _("企业知识产权管理")
    PRACTICE = "practice", _("专利代理与服务实务")
    ENFORCEMENT = "enforcement", _("行政执法与保护")
    OPERATION = "operation", _("运营与金融")
    GENERAL = "general", _("综合与普及")


class SignInSource(models.TextChoices):
    PHONE = "phone", _("手机签到")
    SHEET = "sheet", _("签到表导入")


class AgencyKind(models.TextChoices):
    """Kinds of IP service agency (issue #15; 方案二(七)3 知识产权服务业)."""

    PATENT_AGENCY = "patent_agency", _("专利代理")
    TRADEMARK_AGENCY = "trademark_agency", _("商标代理")
    OPERATION = "operation", _("运营")
    EVALUATION = "evaluation", _("评估")
    LEGAL = "legal", _("法律")
    INFORMATION = "information", _("信息")


class ClusterStatus(models.TextChoices):
    """An agency's stay in the 知识产权服务业集聚区."""

    APPLIED = "applied", _("待审核")
    RESIDENT = "resident", _("已入驻")
    REJECTED = "rejected", _("未通过")
    MOVED_OUT = "moved_out", _("已迁出")
    EXITED = "exited", _("已退出")


class AllianceRecognitionLevel(models.TextChoices):
    """Recognitions of an industry IP alliance (方案二(五)2: 省级重点产业知识产权联盟认定)."""

    PROVINCIAL_KEY = "provincial_key", _("省级重点产业知识产权联盟")
    NATIONAL = "national", _("国家级产业知识产权联盟（备案或认定）")
    CITY = "city", _("市级产业知识产权联盟")
    OTHER = "other", _("其他认定")


class CentreIndustry(models.TextChoices):
    """The six 重点产业知识产权运营中心 of 方案二(五)3 (the codes of the 运营中心 reward item's facts)."""

    CHEMICAL_MATERIALS = "chemical_materials", _("化工新材料")
    BIOMEDICINE = "biomedicine", _("生物医药")
    HIGH_END_EQUIPMENT = "high_end_equipment", _("高端装备")
    MARINE_ECONOMY = "marine_economy", _("海洋经济")
    AUTOMOTIVE_EQUIPMENT = "automotive_equipment", _("汽车装备")
    GEOGRAPHICAL_INDICATION = "geographical_indication", _("地理标志")


class AssessmentStatus(models.TextChoices):
    """A centre's yearly 绩效考评: 填报 → 审核 → 确认 (support/workflows.py)."""

    DRAFT = "draft", _("填报中")
    SUBMITTED = "submitted", _("待审核")
    RETURNED = "returned", _("退回修改")
    CONFIRMED = "confirmed", _("已确认")


class ScoreGrade(models.TextChoices):
    """The grade of a 绩效考评 or of an agency's quality rating; the score bands are data
    (data/support/centre-assessment.yaml, data/support/agency-rating.yaml)."""

    EXCELLENT = "excellent", _("优秀")
    GOOD = "good", _("良好")
    QUALIFIED = "qualified", _("合格")
    UNQUALIFIED = "unqualified", _("不合格")


class TalentKind(models.TextChoices):
    """The talent pool's tiers (方案二(七)2) and enterprise IP directors."""

    LEADING = "leading", _("领军人才")
    KEY = "key", _("重点人才")
    YOUNG = "young", _("青年拔尖人才")
    IP_DIRECTOR = "ip_director", _("企业知识产权总监")


class AdvantageBatchStatus(models.TextChoices):
    """A year's 市级知识产权优势企业 recognition (方案二(四)1): 申报 → 评审 → 公示 → 认定."""

    DECLARING = "declaring", _("申报")
    REVIEWING = "reviewing", _("评审")
    PUBLICISING = "publicising", _("公示")
    RECOGNISED = "recognised", _("已认定")


class RecognitionLevel(models.TextChoices):
    NATIONAL = "national", _("国家级")
    PROVINCIAL = "provincial", _("省级")
    CITY = "city", _("市级")


class RecognitionKind(models.TextChoices):
    ADVANTAGE = "advantage", _("知识产权优势企业")
    DEMONSTRATION = "demonstration", _("知识产权示范企业")
