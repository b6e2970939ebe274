"""The support ecosystem (方案二(七)): the expert pool (专家库) and the random, audited expert draw
with conflict avoidance (回避) that reviews use. Writes go through support/services.py."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ipcity.accounts.permissions import is_city_admin
from ipcity.registry.choices import Industry
from ipcity.support.choices import (
    AdvantageBatchStatus,
    AgencyKind,
    AllianceRecognitionLevel,
    AssessmentStatus,
    CentreIndustry,
    ClusterStatus,
    ExpertTitle,
    RecognitionKind,
    RecognitionLevel,
    RelationKind,
    ScoreGrade,
    SignInSource,
    TalentKind,
    TrainingKind,
)


class ExpertQuerySet(models.QuerySet["Expert"]):
    def visible_to(self, user: Any) -> ExpertQuerySet:
        """The public directory lists experts in the pool (without contact details, which only the
        city office reads); the city office sees every record, those out of the pool too."""
        return self if is_city_admin(user) else self.filter(active=True)

    def in_pool(self) -> ExpertQuerySet:
        return self.filter(active=True)


class Expert(models.Model):
    """An expert of the pool (专家库, 方案二(七)1), drawn at random for reviews."""

    name = models.CharField(_("姓名"), max_length=40)
    title = models.CharField(_("职称"), max_length=20, choices=ExpertTitle.choices, blank=True)
    field = models.CharField(_("专业领域（产业）"), max_length=30, choices=Industry.choices)
    ipc_subclasses = models.CharField(
        _("专业领域（IPC小类）"), max_length=200, blank=True, help_text=_("如 G06F H04L，以空格分隔")
    )
    speciality = models.CharField(_("专长"), max_length=100, blank=True)
    employer = models.ForeignKey(
        "registry.Organisation",
        verbose_name=_("工作单位（登记机构）"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="support_experts",
        help_text=_("评审本单位的申请时须回避"),
    )
    employer_name = models.CharField(_("工作单位"), max_length=200, blank=True)
    phone = models.CharField(_("联系电话"), max_length=40, blank=True)
    email = models.EmailField(_("电子邮箱"), blank=True)
    available = models.BooleanField(_("可参加评审"), default=True)
    active = models.BooleanField(_("在库"), default=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("平台账号"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="expert",
        help_text=_("有账号的专家自行在平台评分；没有账号的由市局代为录入"),
    )
    note = models.CharField(_("备注"), max_length=300, blank=True)
    is_demo = models.BooleanField(_("演示数据"), default=False)

    objects = ExpertQuerySet.as_manager()

    class Meta:
        ordering = ["field", "name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["name", "employer_name"], name="support_expert_name_employer")
        ]
        verbose_name = _("评审专家")
        verbose_name_plural = _("评审专家")

    def __str__(self) -> str:
        return f"{self.name}（{self.employer_name}）" if self.employer_name else self.name

    @property
    def ipc_list(self) -> list[str]:
        return [c for c in self.ipc_subclasses.upper().split() if c]


class ExpertRelation(models.Model):
    """A relation an expert declared with an organisation: the expert is kept out of its reviews."""

    expert = models.ForeignKey(
        Expert, verbose_name=_("专家"), on_delete=models.CASCADE, related_name="relations"
    )
    organisation = models.ForeignKey(
        "registry.Organisation", verbose_name=_("关系单位"), on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(_("关系"), max_length=20, choices=RelationKind.choices)
    note = models.CharField(_("说明"), max_length=300, blank=True)
    declared_on = models.DateField(_("申报日期"))

    class Meta:
        ordering = ["expert", "id"]
        constraints = [
            models.UniqueConstraint(fields=["expert", "organisation", "kind"], name="support_relation_unique")
        ]
        verbose_name = _("专家回避关系")
        verbose_name_plural = _("专家回避关系")

    def __str__(self) -> str:
        return f"{self.expert.name} · {self.organisation}"


class ExpertDraw(models.Model):
    """One random draw of experts for a review: what was drawn from (the candidates after 回避), who
    was kept out and why, and the seed — `random.Random(seed).sample(candidates, count)` gives the
    same experts again (docs/support.md)."""

    subject = models.CharField(_("评审事项"), max_length=200)
    subject_key = models.CharField(_("评审事项编码"), max_length=60, db_index=True)
    applicant = models.ForeignKey(
        "registry.Organisation", verbose_name=_("申报单位"), on_delete=models.PROTECT, related_name="+"
    )
    field = models.CharField(_("专业领域（产业）"), max_length=30, choices=Industry.choices)
    ipc_subclass = models.CharField(_("专业领域（IPC小类）"), max_length=4, blank=True)
    count = models.PositiveSmallIntegerField(_("抽取人数"))
    seed = models.BigIntegerField(_("随机种子"))
    co_patent_years = models.PositiveSmallIntegerField(_("共同专利回避年限"))
    named_avoid = models.ManyToManyField(
        Expert, verbose_name=_("申报单位申请回避的专家"), blank=True, related_name="+"
    )
    candidates = models.JSONField(_("候选专家"), default=list)
    excluded = models.JSONField(_("回避的专家"), default=list)
    replaces = models.OneToOneField(
        "ExpertDrawPick",
        verbose_name=_("替换"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="replacement_draw",
    )
    reason = models.CharField(_("补抽原因"), max_length=300, blank=True)
    drawn_at = models.DateTimeField(_("抽取时间"), auto_now_add=True)
    drawn_by = models.CharField(_("抽取人"), max_length=150)
    is_demo = models.BooleanField(_("演示数据"), default=False)

    class Meta:
        ordering = ["-drawn_at", "-id"]
        verbose_name = _("专家抽取")
        verbose_name_plural = _("专家抽取")

    def __str__(self) -> str:
        return f"{self.number} {self.subject}"

    @property
    def number(self) -> str:
        year = self.drawn_at.year if self.drawn_at else 0
        return f"CQ{year}{self.pk or 0:06d}"


class ExpertDrawPick(models.Model):
    """An expert a draw picked; withdrawn when they cannot serve (a replacement is drawn)."""

    draw = models.ForeignKey(ExpertDraw, on_delete=models.CASCADE, related_name="picks")
    expert = models.ForeignKey(Expert, verbose_name=_("专家"), on_delete=models.PROTECT, related_name="picks")
    position = models.PositiveSmallIntegerField(_("抽取顺序"))
    withdrawn_at = models.DateTimeField(_("退出时间"), null=True, blank=True)
    withdrawn_reason = models.CharField(_("退出原因"), max_length=300, blank=True)

    class Meta:
        ordering = ["draw", "position"]
        constraints = [models.UniqueConstraint(fields=["draw", "expert"], name="support_pick_unique")]
        verbose_name = _("抽中的专家")
        verbose_name_plural = _("抽中的专家")

    def __str__(self) -> str:
        return f"{self.draw.number} · {self.expert.name}"


class TrainingActivity(models.Model):
    """A training the platform organises or records (方案二(七)1). Its sign-ins are the person-times
    of the 年知识产权专业培训 indicator: each sign-in is recorded in the indicator's training records
    (`indicator_event`, through indicators.services.record_training)."""

    title = models.CharField(_("培训名称"), max_length=200)
    organiser = models.CharField(_("主办单位"), max_length=200)
    kind = models.CharField(_("培训类别"), max_length=20, choices=TrainingKind.choices)
    start_date = models.DateField(_("开始日期"))
    end_date = models.DateField(_("结束日期"))
    hours = models.DecimalField(_("学时"), max_digits=5, decimal_places=1)
    place = models.CharField(_("地点"), max_length=200)
    region = models.ForeignKey(
        "core.Region",
        verbose_name=_("所在区市"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="support_trainings",
    )
    # The secret of the phone sign-in link (and its QR code): whoever has it may sign in.
    signin_token = models.CharField(_("签到链接口令"), max_length=32, unique=True, editable=False)
    indicator_event = models.OneToOneField(
        "indicators.TrainingEvent",
        verbose_name=_("指标培训记录"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="support_event",
    )
    created_by = models.CharField(_("登记人"), max_length=150)
    is_demo = models.BooleanField(_("演示数据"), default=False)

    class Meta:
        ordering = ["-start_date", "-id"]
        verbose_name = _("培训活动")
        verbose_name_plural = _("培训活动")

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def number(self) -> str:
        return f"PX{self.start_date.year}{self.pk or 0:06d}"


class TrainingRegistration(models.Model):
    event = models.ForeignKey(TrainingActivity, on_delete=models.CASCADE, related_name="registrations")
    name = models.CharField(_("姓名"), max_length=60)
    organisation_name = models.CharField(_("单位"), max_length=200, blank=True)
    phone = models.CharField(_("电话"), max_length=40, blank=True)
    registered_at = models.DateTimeField(_("报名时间"), auto_now_add=True)

    class Meta:
        ordering = ["event", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "name", "organisation_name"], name="support_registration_unique"
            )
        ]
        verbose_name = _("培训报名")
        verbose_name_plural = _("培训报名")

    def __str__(self) -> str:
        return self.name


class TrainingSignIn(models.Model):
    """One person signed in at one training: one person-time (人次)."""

    event = models.ForeignKey(TrainingActivity, on_delete=models.CASCADE, related_name="signins")
    name = models.CharField(_("姓名"), max_length=60)
    organisation_name = models.CharField(_("单位"), max_length=200, blank=True)
    phone = models.CharField(_("电话"), max_length=40, blank=True)
    source = models.CharField(_("签到方式"), max_length=10, choices=SignInSource.choices)
    signed_at = models.DateTimeField(_("签到时间"), auto_now_add=True)
    certificate_number = models.CharField(_("结业证书编号"), max_length=30, blank=True)

    class Meta:
        ordering = ["event", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "name", "organisation_name"], name="support_signin_unique"
            )
        ]
        verbose_name = _("培训签到")
        verbose_name_plural = _("培训签到")

    def __str__(self) -> str:
        return self.name


class AgencyProfile(models.Model):
    """A service agency's public profile (服务机构名录): the registry organisation (统一社会信用代码,
    region) plus what it does. Written by the agency's own accounts or the city office."""

    organisation = models.OneToOneField(
        "registry.Organisation",
        verbose_name=_("机构"),
        on_delete=models.CASCADE,
        related_name="agency_profile",
    )
    kinds = models.JSONField(_("服务类型"), default=list)
    qualifications = models.TextField(_("资质"), blank=True)
    services = models.TextField(_("服务内容"), blank=True)
    districts = models.ManyToManyField(
        "core.Region", verbose_name=_("服务区市"), blank=True, related_name="+"
    )
    phone = models.CharField(_("对外联系电话"), max_length=40, blank=True)
    website = models.URLField(_("网址"), blank=True)
    is_demo = models.BooleanField(_("演示数据"), default=False)

    class Meta:
        ordering = ["organisation__name"]
        verbose_name = _("服务机构档案")
        verbose_name_plural = _("服务机构档案")

    def __str__(self) -> str:
        return self.organisation.name

    @property
    def kind_labels(self) -> list[str]:
        return [str(AgencyKind(k).label) for k in self.kinds if k in AgencyKind.values]


class AgencyStaff(models.Model):
    profile = models.ForeignKey(
        AgencyProfile, verbose_name=_("服务机构档案"), on_delete=models.CASCADE, related_name="staff"
    )
    name = models.CharField(_("姓名"), max_length=40)
    licence_number = models.CharField(_("执业证号"), max_length=40, blank=True)
    position = models.CharField(_("职务"), max_length=40, blank=True)

    class Meta:
        ordering = ["profile", "id"]
        constraints = [models.UniqueConstraint(fields=["profile", "name"], name="support_staff_unique")]
        verbose_name = _("服务机构人员")
        verbose_name_plural = _("服务机构人员")

    def __str__(self) -> str:
        return self.name


class ClusterMembershipQuerySet(models.QuerySet["ClusterMembership"]):
    def visible_to(self, user: Any) -> ClusterMembershipQuerySet:
        """The city office all; an agency's accounts their organisation's; nobody else."""
        from ipcity.support.permissions import member_organisation_id

        if is_city_admin(user):
            return self
        own = member_organisation_id(user)
        return self.filter(organisation_id=own) if own is not None else self.none()


class ClusterMembership(models.Model):
    """An agency's stay in the 知识产权服务业集聚区: 入驻 application → review → resident → annual
    reports → 迁出 or 退出 with the reason (support/workflows.py)."""

    organisation = models.ForeignKey(
        "registry.Organisation",
        verbose_name=_("服务机构"),
        on_delete=models.PROTECT,
        related_name="cluster_stays",
    )
    status = models.CharField(
        _("状态"), max_length=20, choices=ClusterStatus.choices, default=ClusterStatus.APPLIED
    )
    statement = models.TextField(_("入驻申请说明"), blank=True)
    applied_on = models.DateField(_("申请日期"))
    admitted_on = models.DateField(_("入驻日期"), null=True, blank=True)
    ended_on = models.DateField(_("迁出/退出日期"), null=True, blank=True)
    end_reason = models.CharField(_("原因"), max_length=300, blank=True)
    is_demo = models.BooleanField(_("演示数据"), default=False)

    objects = ClusterMembershipQuerySet.as_manager()

    class Meta:
        ordering = ["-applied_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation"],
                condition=Q(status__in=["applied", "resident"]),
                name="support_cluster_one_live",
            )
        ]
        verbose_name = _("集聚区入驻")
        verbose_name_plural = _("集聚区入驻")

    def __str__(self) -> str:
        return f"{self.number} {self.organisation}"

    @property
    def number(self) -> str:
        return f"RZ{self.applied_on.year}{self.pk or 0:06d}"


class ClusterReport(models.Model):
    """A resident agency's annual monitoring report (as reported)."""

    membership = models.ForeignKey(
        ClusterMembership, verbose_name=_("集聚区入驻"), on_delete=models.CASCADE, related_name="reports"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    staff = models.PositiveIntegerField(_("从业人员（人）"))
    revenue = models.DecimalField(_("营业收入（元）"), max_digits=16, decimal_places=2)
    clients = models.PositiveIntegerField(_("服务客户数"))
    reported_on = models.DateField(_("报送日期"))
    reported_by = models.CharField(_("报送人"), max_length=150)

    class Meta:
        ordering = ["membership", "year"]
        constraints = [
            models.UniqueConstraint(fields=["membership", "year"], name="support_cluster_report_unique")
        ]
        verbose_name = _("集聚区年度监测")
        verbose_name_plural = _("集聚区年度监测")

    def __str__(self) -> str:
        return f"{self.membership.organisation} {self.year}"


# ------------------------------------------------------------------------------------------ 联盟


class IndustryAlliance(models.Model):
    """An 产业知识产权联盟 (方案二(五)2): its industry, lead organisation and members (registry
    organisations). A provincial recognition makes it a beneficiary of the 联盟 reward item."""

    name = models.CharField(_("联盟名称"), max_length=200, unique=True)
    industry = models.CharField(_("所属产业"), max_length=30, choices=Industry.choices)
    lead = models.ForeignKey(
        "registry.Organisation",
        verbose_name=_("牵头单位"),
        on_delete=models.PROTECT,
        related_name="alliances_led",
    )
    organisation = models.OneToOneField(
        "registry.Organisation",
        verbose_name=_("联盟登记机构"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="alliance",
        help_text=_("联盟本身在登记中的机构（申报联盟奖励的主体）；未登记时由牵头单位申报"),
    )
    members = models.ManyToManyField(
        "registry.Organisation", verbose_name=_("成员单位"), blank=True, related_name="alliances"
    )
    founded_on = models.DateField(_("成立日期"))
    description = models.TextField(_("简介"), blank=True)
    is_demo = models.BooleanField(_("演示数据"), default=False)

    class Meta:
        ordering = ["industry", "name"]
        verbose_name = _("产业知识产权联盟")
        verbose_name_plural = _("产业知识产权联盟")

    def __str__(self) -> str:
        return self.name

    @property
    def applicant_id(self) -> int:
        """The organisation that applies for the alliance's reward: the alliance's own registry
        record, else its lead."""
        return self.organisation_id or self.lead_id


class AllianceRecognition(models.Model):
    """A recognition of an alliance (e.g. 省级重点产业知识产权联盟), with its date and issuing body."""

    alliance = models.ForeignKey(
        IndustryAlliance, verbose_name=_("联盟"), on_delete=models.CASCADE, related_name="recognitions"
    )
    level = models.CharField(_("认定类别"), max_length=20, choices=AllianceRecognitionLevel.choices)
    recognised_on = models.DateField(_("认定日期"))
    issuer = models.CharField(_("认定机关"), max_length=100)
    document_number = models.CharField(_("文号"), max_length=100, blank=True)

    class Meta:
        ordering = ["alliance", "-recognised_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["alliance", "level"], name="support_recognition_unique")
        ]
        verbose_name = _("联盟认定")
        verbose_name_plural = _("联盟认定")

    def __str__(self) -> str:
        return f"{self.alliance.name} · {self.get_level_display()}"


class PatentPool(models.Model):
    """A 产业专利池 built by an alliance: its patents (registry) and licensing terms."""

    alliance = models.ForeignKey(
        IndustryAlliance, verbose_name=_("所属联盟"), on_delete=models.PROTECT, related_name="pools"
    )
    name = models.CharField(_("专利池名称"), max_length=200, unique=True)
    established_on = models.DateField(_("组建日期"))
    licensing_terms = models.TextField(_("许可条件"), help_text=_("许可方式、费用标准、对象范围等"))
    patents = models.ManyToManyField(
        "registry.Patent", verbose_name=_("入池专利"), blank=True, related_name="pools"
    )
    is_demo = models.BooleanField(_("演示数据"), default=False)

    class Meta:
        ordering = ["alliance", "name"]
        verbose_name = _("专利池")
        verbose_name_plural = _("专利池")

    def __str__(self) -> str:
        return self.name


# ------------------------------------------------------------------------------------------ 运营中心


class OperationCentre(models.Model):
    """One of the six 重点产业知识产权运营中心 (方案二(五)3), run by a registry organisation."""

    industry = models.CharField(_("产业"), max_length=30, choices=CentreIndustry.choices, unique=True)
    name = models.CharField(_("运营中心名称"), max_length=200)
    organisation = models.ForeignKey(
        "registry.Organisation",
        verbose_name=_("承建单位"),
        on_delete=models.PROTECT,
        related_name="operation_centres",
    )
    established_on = models.DateField(_("设立日期"), null=True, blank=True)
    services = models.TextField(_("服务内容"), blank=True)
    is_demo = models.BooleanField(_("演示数据"), default=False)

    class Meta:
        ordering = ["industry"]
        verbose_name = _("产业知识产权运营中心")
        verbose_name_plural = _("产业知识产权运营中心")

    def __str__(self) -> str:
        return self.name


class CentreAssessmentQuerySet(models.QuerySet["CentreAssessment"]):
    def visible_to(self, user: Any) -> CentreAssessmentQuerySet:
        """The city office every assessment; a centre's accounts their centre's; the public the
        confirmed results (score and grade)."""
        from ipcity.support.permissions import own_organisation_id

        if is_city_admin(user):
            return self
        own = own_organisation_id(user)
        confirmed = Q(status=AssessmentStatus.CONFIRMED)
        return (
            self.filter(confirmed | Q(centre__organisation_id=own))
            if own is not None
            else self.filter(confirmed)
        )


class CentreAssessment(models.Model):
    """A centre's yearly 绩效考评: indicators computed from the platform's data, items the centre
    reports, each scored by the weights in force (data/support/centre-assessment.yaml); the score,
    the grade and the trace are stored when the city office confirms (support/workflows.py)."""

    centre = models.ForeignKey(
        OperationCentre, verbose_name=_("运营中心"), on_delete=models.PROTECT, related_name="assessments"
    )
    year = models.PositiveSmallIntegerField(_("考评年度"))
    status = models.CharField(
        _("状态"), max_length=20, choices=AssessmentStatus.choices, default=AssessmentStatus.DRAFT
    )
    reported = models.JSONField(_("填报事项"), default=dict, blank=True)
    computed = models.JSONField(_("数据指标"), default=dict, blank=True)
    score = models.DecimalField(_("得分"), max_digits=6, decimal_places=2, null=True, blank=True)
    grade = models.CharField(_("等次"), max_length=20, choices=ScoreGrade.choices, blank=True)
    trace = models.JSONField(_("计分明细"), default=list, blank=True)
    parameters = models.JSONField(_("考评参数版本"), default=dict, blank=True)
    opened_by = models.CharField(_("发起人"), max_length=150)
    confirmed_on = models.DateField(_("确认日期"), null=True, blank=True)
    return_reason = models.CharField(_("退回理由"), max_length=300, blank=True)
    is_demo = models.BooleanField(_("演示数据"), default=False)

    objects = CentreAssessmentQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "centre__industry"]
        constraints = [models.UniqueConstraint(fields=["centre", "year"], name="support_assessment_unique")]
        verbose_name = _("运营中心绩效考评")
        verbose_name_plural = _("运营中心绩效考评")

    def __str__(self) -> str:
        return f"{self.number} {self.centre.name}"

    @property
    def number(self) -> str:
        return f"KP{self.year}{self.pk or 0:06d}"


# ------------------------------------------------------------------------------------------ 质量评级


class AgencyRating(models.Model):
    """A service agency's quality rating of one year (方案二(六)3): the parts (基本条件、团队、运营、
    服务能力、信用) scored by data/support/agency-rating.yaml, computed by the city office."""

    profile = models.ForeignKey(
        AgencyProfile, verbose_name=_("服务机构档案"), on_delete=models.CASCADE, related_name="ratings"
    )
    year = models.PositiveSmallIntegerField(_("评级年度"))
    score = models.DecimalField(_("得分"), max_digits=6, decimal_places=2)
    grade = models.CharField(_("等次"), max_length=20, choices=ScoreGrade.choices)
    rank = models.PositiveIntegerField(_("名次"))
    parts = models.JSONField(_("计分明细"), default=list)
    parameters = models.JSONField(_("评级参数版本"), default=dict)
    computed_on = models.DateField(_("计算日期"))
    computed_by = models.CharField(_("计算人"), max_length=150)

    class Meta:
        ordering = ["-year", "rank"]
        constraints = [models.UniqueConstraint(fields=["profile", "year"], name="support_rating_unique")]
        verbose_name = _("服务机构质量评级")
        verbose_name_plural = _("服务机构质量评级")

    def __str__(self) -> str:
        return f"{self.profile} {self.year}"


# ------------------------------------------------------------------------------------------ 人才库


class TalentQuerySet(models.QuerySet["Talent"]):
    def visible_to(self, user: Any) -> TalentQuerySet:
        """The city office all; everyone the public list: the recognised tiers (领军、重点、青年拔尖),
        whose names the recognition notice publishes — not the enterprises' own IP directors
        (docs/support.md); besides, an enterprise's accounts the people it employs, a district
        bureau those of its region's employers (the organisations they may see)."""
        from ipcity.registry.models import Organisation

        if is_city_admin(user):
            return self
        public = Q(active=True) & ~Q(kind=TalentKind.IP_DIRECTOR)
        if getattr(user, "is_authenticated", False) and user.is_active:
            return self.filter(public | Q(employer__in=Organisation.objects.visible_to(user)))
        return self.filter(public)


class Talent(models.Model):
    """A person of the talent pool (人才库, 方案二(七)2): a 领军/重点/青年拔尖 talent or an enterprise's
    知识产权总监. Their patents are found in the registry (support.selectors.talent_patents)."""

    name = models.CharField(_("姓名"), max_length=40)
    kind = models.CharField(_("人才类别"), max_length=20, choices=TalentKind.choices)
    employer = models.ForeignKey(
        "registry.Organisation",
        verbose_name=_("工作单位"),
        on_delete=models.PROTECT,
        related_name="support_talents",
    )
    field = models.CharField(_("专业领域（产业）"), max_length=30, choices=Industry.choices, blank=True)
    title = models.CharField(_("职称/职务"), max_length=60, blank=True)
    recognised_year = models.PositiveSmallIntegerField(_("入库年度"))
    phone = models.CharField(_("联系电话"), max_length=40, blank=True)
    email = models.EmailField(_("电子邮箱"), blank=True)
    active = models.BooleanField(_("在库"), default=True)
    note = models.CharField(_("备注"), max_length=300, blank=True)
    is_demo = models.BooleanField(_("演示数据"), default=False)

    objects = TalentQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "name", "id"]
        constraints = [models.UniqueConstraint(fields=["name", "employer"], name="support_talent_unique")]
        verbose_name = _("人才")
        verbose_name_plural = _("人才")

    def __str__(self) -> str:
        return f"{self.name}（{self.get_kind_display()}）"


# ------------------------------------------------------------------------------------------ 强企


class AdvantageBatchQuerySet(models.QuerySet["AdvantageBatch"]):
    def visible_to(self, user: Any) -> AdvantageBatchQuerySet:
        """The evaluation (candidates, scores) is the city office's; the result is public as
        recognitions (EnterpriseRecognition)."""
        return self if is_city_admin(user) else self.none()


class AdvantageBatch(models.Model):
    """One year's 市级知识产权优势企业 recognition (方案二(四)1: 每年评定不超过20家): candidates, their
    scores and the decision; 申报 → 评审 → 公示 → 认定 (support/workflows.py). On 认定 each selected
    candidate becomes a recognition (and the registry's organisation tag, which the indicator and
    the reward read)."""

    year = models.PositiveSmallIntegerField(_("认定年度"), unique=True)
    status = models.CharField(
        _("状态"), max_length=20, choices=AdvantageBatchStatus.choices, default=AdvantageBatchStatus.DECLARING
    )
    publicised_on = models.DateField(_("公示日期"), null=True, blank=True)
    recognised_on = models.DateField(_("认定日期"), null=True, blank=True)
    document_number = models.CharField(_("认定文号"), max_length=60, blank=True)
    note = models.CharField(_("说明"), max_length=300, blank=True)
    created_by = models.CharField(_("登记人"), max_length=150)
    is_demo = models.BooleanField(_("演示数据"), default=False)

    objects = AdvantageBatchQuerySet.as_manager()

    class Meta:
        ordering = ["-year"]
        verbose_name = _("市级优势企业评定")
        verbose_name_plural = _("市级优势企业评定")

    def __str__(self) -> str:
        return self.number

    @property
    def number(self) -> str:
        return f"{self.year} 年度市级知识产权优势企业评定"


class CandidateQuerySet(models.QuerySet["AdvantageCandidate"]):
    def visible_to(self, user: Any) -> CandidateQuerySet:
        """The city office all; an enterprise's accounts its own applications; nobody else."""
        from ipcity.accounts.choices import Role
        from ipcity.registry.models import Organisation

        if is_city_admin(user):
            return self
        if getattr(user, "role", None) == Role.APPLICANT:
            return self.filter(organisation__in=Organisation.objects.visible_to(user))
        return self.none()


class AdvantageCandidate(models.Model):
    """An enterprise that applied in a year's evaluation: its score and whether it is selected
    (拟认定)."""

    batch = models.ForeignKey(
        AdvantageBatch, verbose_name=_("评定批次"), on_delete=models.CASCADE, related_name="candidates"
    )
    organisation = models.ForeignKey(
        "registry.Organisation", verbose_name=_("申报企业"), on_delete=models.PROTECT, related_name="+"
    )
    applied_on = models.DateField(_("申报日期"))
    score = models.DecimalField(_("评审得分"), max_digits=5, decimal_places=1, null=True, blank=True)
    selected = models.BooleanField(_("拟认定"), default=False)
    review_note = models.CharField(_("评审意见"), max_length=300, blank=True)

    objects = CandidateQuerySet.as_manager()

    class Meta:
        ordering = ["batch", "-score", "id"]
        constraints = [
            models.UniqueConstraint(fields=["batch", "organisation"], name="support_candidate_unique")
        ]
        verbose_name = _("优势企业申报")
        verbose_name_plural = _("优势企业申报")

    def __str__(self) -> str:
        return f"{self.batch.year} {self.organisation}"

    @property
    def public_result(self) -> str:
        """What the enterprise itself is told: nothing before 公示 (scores stay internal)."""
        status = self.batch.status
        if status == AdvantageBatchStatus.PUBLICISING:
            return "拟认定（公示中）" if self.selected else "未列入拟认定名单"
        if status == AdvantageBatchStatus.RECOGNISED:
            return "已认定" if self.selected else "未认定"
        return "评审中" if status == AdvantageBatchStatus.REVIEWING else "已申报"


class RecognitionQuerySet(models.QuerySet["EnterpriseRecognition"]):
    def visible_to(self, user: Any) -> RecognitionQuerySet:
        """Recognitions are published by the recognising body: everyone reads them."""
        return self


class EnterpriseRecognition(models.Model):
    """A 知识产权优势/示范企业 recognition of an enterprise (national, provincial, or the city's own from
    an AdvantageBatch), with the document that made it. Each one is also the registry's organisation
    tag of that level and kind (registry.services.tag_organisation), which the 优势企业 indicator and
    the grants detection of the 认定奖励 read."""

    organisation = models.ForeignKey(
        "registry.Organisation",
        verbose_name=_("企业"),
        on_delete=models.PROTECT,
        related_name="support_recognitions",
    )
    level = models.CharField(_("认定级别"), max_length=20, choices=RecognitionLevel.choices)
    kind = models.CharField(_("认定类别"), max_length=20, choices=RecognitionKind.choices)
    year = models.PositiveSmallIntegerField(_("认定年度"))
    document_number = models.CharField(_("认定文号"), max_length=60, blank=True)
    issued_on = models.DateField(_("认定文件印发日期"), null=True, blank=True)
    batch = models.ForeignKey(
        AdvantageBatch,
        verbose_name=_("市级评定批次"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="recognitions",
    )
    recorded_by = models.CharField(_("登记人"), max_length=150)
    is_demo = models.BooleanField(_("演示数据"), default=False)

    objects = RecognitionQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "level", "organisation__name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "level", "kind", "year"], name="support_enterprise_recognition_unique"
            )
        ]
        verbose_name = _("优势/示范企业认定")
        verbose_name_plural = _("优势/示范企业认定")

    def __str__(self) -> str:
        return f"{self.organisation} {self.year} {self.label}"

    @property
    def label(self) -> str:
        return f"{self.get_level_display()}{self.get_kind_display()}"


class CoachingStationQuerySet(models.QuerySet["CoachingStation"]):
    def visible_to(self, user: Any) -> CoachingStationQuerySet:
        """The stations are public (name, host, since when); the enterprises they coach are not."""
        return self


class CoachingStation(models.Model):
    """A 企业上市知识产权辅导站 (方案二(四)2) set up by a university or a service body."""

    name = models.CharField(_("辅导站名称"), max_length=200, unique=True)
    host = models.ForeignKey(
        "registry.Organisation",
        verbose_name=_("依托单位"),
        on_delete=models.PROTECT,
        related_name="support_coaching_stations",
    )
    established_on = models.DateField(_("设立日期"))
    contact_person = models.CharField(_("联系人"), max_length=40, blank=True)
    phone = models.CharField(_("联系电话"), max_length=40, blank=True)
    active = models.BooleanField(_("运行中"), default=True)
    is_demo = models.BooleanField(_("演示数据"), default=False)

    objects = CoachingStationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("上市辅导站")
        verbose_name_plural = _("上市辅导站")

    def __str__(self) -> str:
        return self.name


class CoachingQuerySet(models.QuerySet["CoachingEngagement"]):
    def visible_to(self, user: Any) -> CoachingQuerySet:
        """The city office all; a district bureau its region's enterprises; an enterprise its own."""
        from ipcity.registry.models import Organisation

        if is_city_admin(user):
            return self
        return self.filter(enterprise__in=Organisation.objects.visible_to(user))


class CoachingEngagement(models.Model):
    """An enterprise a station coaches towards listing, from when to when."""

    station = models.ForeignKey(
        CoachingStation, verbose_name=_("辅导站"), on_delete=models.CASCADE, related_name="engagements"
    )
    enterprise = models.ForeignKey(
        "registry.Organisation", verbose_name=_("辅导企业"), on_delete=models.PROTECT, related_name="+"
    )
    started_on = models.DateField(_("开始辅导日期"))
    ended_on = models.DateField(_("结束辅导日期"), null=True, blank=True)
    outcome = models.CharField(_("辅导结果"), max_length=300, blank=True)

    objects = CoachingQuerySet.as_manager()

    class Meta:
        ordering = ["station", "-started_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["station", "enterprise", "started_on"], name="support_coaching_unique"
            )
        ]
        verbose_name = _("上市辅导")
        verbose_name_plural = _("上市辅导")

    def __str__(self) -> str:
        return f"{self.station} · {self.enterprise}"


class DenseProductQuerySet(models.QuerySet["DenseProduct"]):
    def visible_to(self, user: Any) -> DenseProductQuerySet:
        """The city office all; a district bureau its region's; an enterprise its own; the public the
        recognised (认定) products."""
        from ipcity.registry.models import Organisation

        if is_city_admin(user):
            return self
        if getattr(user, "is_authenticated", False) and user.is_active:
            own = Organisation.objects.visible_to(user)
            return self.filter(Q(enterprise__in=own) | Q(recognised_year__isnull=False))
        return self.filter(recognised_year__isnull=False)


class DenseProduct(models.Model):
    """A 专利密集型产品 (方案二(五)1): 备案 by the enterprise, then 认定 in a year."""

    name = models.CharField(_("产品名称"), max_length=200)
    enterprise = models.ForeignKey(
        "registry.Organisation",
        verbose_name=_("生产企业"),
        on_delete=models.PROTECT,
        related_name="support_dense_products",
    )
    patents = models.ManyToManyField(
        "registry.Patent", verbose_name=_("支撑专利"), blank=True, related_name="+"
    )
    filed_on = models.DateField(_("备案日期"))
    recognised_year = models.PositiveSmallIntegerField(_("认定年度"), null=True, blank=True)
    note = models.CharField(_("说明"), max_length=300, blank=True)
    is_demo = models.BooleanField(_("演示数据"), default=False)

    objects = DenseProductQuerySet.as_manager()

    class Meta:
        ordering = ["-filed_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "name"], name="support_dense_product_unique")
        ]
        verbose_name = _("专利密集型产品")
        verbose_name_plural = _("专利密集型产品")

    def __str__(self) -> str:
        return f"{self.name}（{self.enterprise}）"
