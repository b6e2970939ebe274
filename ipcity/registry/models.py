"""The IP registry: organisations (一企一档) and their patents, trademarks, geographical indications,
pledges, licences/transfers, awards and GB/T 29490 certificates; imports and the match review queue.

Records are written by the importers (`registry.importers`) and the services; every write is audited.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from ipcity.accounts.choices import Role
from ipcity.accounts.permissions import is_city_admin
from ipcity.lib.identifiers import IdentifierError, normalize_bank_account, normalize_uscc
from ipcity.registry import terms
from ipcity.registry.choices import (
    AwardLevel,
    AwardName,
    CertificateStatus,
    CertificateVersion,
    DemonstrationZoneStatus,
    GIKind,
    ImportKind,
    Industry,
    IPKind,
    LegalStatus,
    LicenceKind,
    OrganisationKind,
    OrganisationSize,
    OrganisationTagKind,
    PatentType,
    RegionRule,
    ReviewStatus,
    TrademarkKind,
    TrademarkStatus,
    VocabularyField,
)

# GB/T 29490-2013 certificates lapse after this date (DOMAIN.md: track version and status).
GBT29490_2013_LAST_DAY = dt.date(2025, 12, 31)


def validate_uscc(value: str) -> None:
    try:
        normalize_uscc(value)
    except IdentifierError as exc:
        raise ValidationError(str(exc)) from exc


def validate_bank_account(value: str) -> None:
    try:
        normalized = normalize_bank_account(value)
    except IdentifierError as exc:
        raise ValidationError(str(exc)) from exc
    if normalized != value:
        raise ValidationError("账号只能由数字组成")


class OrganisationQuerySet(models.QuerySet["Organisation"]):
    def visible_to(self, user: Any) -> OrganisationQuerySet:
        """City admins see all; a district bureau its region's; applicants and agencies their own."""
        if is_city_admin(user):
            return self
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        if user.role == Role.DISTRICT_OFFICER:
            return self.filter(region_id=user.region_id)
        if user.role in {Role.APPLICANT, Role.AGENCY}:
            return self.filter(memberships__user=user)
        return self.none()


class Organisation(models.Model):
    uscc = models.CharField(
        _("统一社会信用代码"), max_length=18, unique=True, null=True, blank=True, validators=[validate_uscc]
    )
    name = models.CharField(_("名称"), max_length=200, unique=True)
    name_key = models.CharField(_("名称匹配键"), max_length=200, db_index=True, editable=False, default="")
    kind = models.CharField(_("类型"), max_length=30, choices=OrganisationKind.choices)
    region = models.ForeignKey(
        "core.Region", verbose_name=_("所属区市"), null=True, blank=True, on_delete=models.PROTECT
    )
    address = models.CharField(_("地址"), max_length=300, blank=True)
    contact_person = models.CharField(_("联系人"), max_length=40, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=40, blank=True)
    industry = models.CharField(_("重点产业"), max_length=30, choices=Industry.choices, blank=True)
    industry_code = models.CharField(_("国民经济行业代码"), max_length=5, blank=True)
    size = models.CharField(_("企业规模"), max_length=10, choices=OrganisationSize.choices, blank=True)
    # 收款账户: where the city pays the organisation's rewards. Kept once here, copied into each
    # payment when it is made (grants.Payment); written by services.update_payee_account; the number
    # is read in full only by those permissions.can_see_payee_account names.
    payee_name = models.CharField(_("户名"), max_length=200, blank=True)
    payee_bank = models.CharField(_("开户行"), max_length=100, blank=True)
    payee_account = models.CharField(_("账号"), max_length=30, blank=True, validators=[validate_bank_account])
    is_demo = models.BooleanField(_("演示数据"), default=False)
    created_in = models.ForeignKey(
        "registry.ImportRun",
        verbose_name=_("新增于导入"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("组织机构")
        verbose_name_plural = _("组织机构")

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        from ipcity.lib.text import name_key

        self.name_key = name_key(self.name)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "name" in update_fields:
            kwargs["update_fields"] = {*update_fields, "name_key"}
        super().save(*args, **kwargs)

    @property
    def has_payee_account(self) -> bool:
        return bool(self.payee_name and self.payee_bank and self.payee_account)

    @property
    def payee_name_differs(self) -> bool:
        """户名 is normally the organisation's own name; another one is allowed but worth a look."""
        from ipcity.lib.text import name_key

        return bool(self.payee_name) and name_key(self.payee_name) != name_key(self.name)


class OrganisationName(models.Model):
    """A former name or an alias an organisation is also written as (matching applicants by name)."""

    class Kind(models.TextChoices):
        FORMER = "former", _("曾用名")
        ALIAS = "alias", _("别名")

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="other_names")
    name = models.CharField(_("名称"), max_length=200)
    name_key = models.CharField(_("名称匹配键"), max_length=200, db_index=True)
    kind = models.CharField(_("类别"), max_length=10, choices=Kind.choices)

    class Meta:
        ordering = ["kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name_key"], name="registry_orgname_unique")
        ]
        verbose_name = _("曾用名/别名")
        verbose_name_plural = _("曾用名/别名")

    def __str__(self) -> str:
        return f"{self.name}（{self.get_kind_display()}）"


class OrganisationTag(models.Model):
    """高新技术企业, 专精特新, 知识产权优势企业 … with the year it was recognised."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="tags")
    tag = models.CharField(_("标签"), max_length=30, choices=OrganisationTagKind.choices)
    year = models.PositiveSmallIntegerField(_("认定年度"))

    class Meta:
        ordering = ["tag", "year"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "tag", "year"], name="registry_orgtag_unique")
        ]
        verbose_name = _("机构标签")
        verbose_name_plural = _("机构标签")

    def __str__(self) -> str:
        return f"{self.get_tag_display()}（{self.year}）"


class ManagementCertificate(models.Model):
    """A GB/T 29490 (企业知识产权管理规范) certificate."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="certificates")
    version = models.CharField(_("标准版本"), max_length=4, choices=CertificateVersion.choices)
    number = models.CharField(_("证书编号"), max_length=60, unique=True)
    issued_on = models.DateField(_("发证日期"))
    expires_on = models.DateField(_("有效期至"))
    status = models.CharField(_("状态"), max_length=10, choices=CertificateStatus.choices)

    class Meta:
        ordering = ["-issued_on"]
        verbose_name = _("知识产权管理体系认证证书")
        verbose_name_plural = _("知识产权管理体系认证证书")

    def __str__(self) -> str:
        return f"{self.get_version_display()} {self.number}"

    def is_effective(self, on: dt.date) -> bool:
        """Valid status, within its term, and (2013 version) not past the version's last day."""
        if self.status != CertificateStatus.VALID or not self.issued_on <= on <= self.expires_on:
            return False
        return not (self.version == CertificateVersion.V2013 and on > GBT29490_2013_LAST_DAY)


class ImportRun(models.Model):
    """One committed import of one file. Its audit event carries the counts; updated records have
    their own audit events; created records point here (`created_in`)."""

    kind = models.CharField(_("数据类别"), max_length=20, choices=ImportKind.choices)
    file_name = models.CharField(_("文件名"), max_length=255)
    sha256 = models.CharField(_("文件 SHA-256"), max_length=64)
    started_at = models.DateTimeField(_("开始时间"), auto_now_add=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, blank=True, on_delete=models.SET_NULL
    )
    actor_label = models.CharField(_("操作人（记录时）"), max_length=150)
    rows = models.PositiveIntegerField(_("数据行"), default=0)
    created = models.PositiveIntegerField(_("新增"), default=0)
    updated = models.PositiveIntegerField(_("更新"), default=0)
    unchanged = models.PositiveIntegerField(_("未变"), default=0)
    rejected = models.PositiveIntegerField(_("拒收"), default=0)
    skip_invalid = models.BooleanField(_("跳过错误行"), default=False)
    rejects_file = models.CharField(_("拒收行文件"), max_length=500, blank=True)
    note = models.CharField(_("说明"), max_length=300, blank=True)
    # The source profile the file was read with (its code; importers/profiles.py).
    profile = models.CharField(_("导入格式"), max_length=50, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("导入记录")
        verbose_name_plural = _("导入记录")

    def __str__(self) -> str:
        return f"{self.get_kind_display()}导入 #{self.pk} {self.file_name}"


class PatentQuerySet(models.QuerySet["Patent"]):
    def visible_to(self, user: Any) -> PatentQuerySet:
        # Patents are published by CNIPA: everyone may read them (docs/permissions.md).
        return self


class Patent(models.Model):
    # Unique through Meta.constraints: one b-tree, without the LIKE-pattern twin `unique=True` adds.
    application_number = models.CharField(_("申请号"), max_length=14)
    patent_type = models.CharField(_("专利类型"), max_length=20, choices=PatentType.choices)
    is_pct = models.BooleanField(_("PCT 进入国家阶段"), default=False)
    title = models.CharField(_("名称"), max_length=500)
    abstract = models.TextField(_("摘要"), blank=True)
    filing_date = models.DateField(_("申请日"))
    publication_number = models.CharField(_("公开（公告）号"), max_length=20, blank=True)
    publication_date = models.DateField(_("公开（公告）日"), null=True, blank=True)
    grant_number = models.CharField(_("授权公告号"), max_length=20, blank=True)
    grant_date = models.DateField(_("授权公告日"), null=True, blank=True)
    legal_status = models.CharField(_("法律状态"), max_length=20, choices=LegalStatus.choices)
    legal_status_date = models.DateField(_("法律状态日"), null=True, blank=True)
    fees_paid_until = models.DateField(_("年费缴至"), null=True, blank=True)
    # 专利法 第四十二条第二款 / 第三款: recorded extensions of the term, in days (terms.py).
    delay_extension_days = models.PositiveIntegerField(_("专利权期限补偿（天）"), null=True, blank=True)
    drug_extension_days = models.PositiveIntegerField(_("药品专利期限补偿（天）"), null=True, blank=True)
    claims_count = models.PositiveIntegerField(_("权利要求数"), null=True, blank=True)
    main_ipc = models.CharField(_("主分类号"), max_length=20, blank=True)
    locarno_class = models.CharField(_("外观设计分类号"), max_length=10, blank=True)
    inventors = models.JSONField(_("发明（设计）人"), default=list, blank=True)
    family = models.JSONField(_("海外同族"), default=list, blank=True)
    has_overseas_grant = models.BooleanField(_("有海外授权同族"), default=False)
    address = models.CharField(_("地址"), max_length=300, blank=True)
    first_holder_name = models.CharField(_("第一申请（专利权）人"), max_length=200, blank=True)
    first_holder = models.ForeignKey(
        Organisation,
        verbose_name=_("第一申请（专利权）人机构"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="first_held_patents",
    )
    region = models.ForeignKey(
        "core.Region", verbose_name=_("归属区市"), null=True, blank=True, on_delete=models.PROTECT
    )
    region_rule = models.CharField(_("区市归属依据"), max_length=20, choices=RegionRule.choices)
    created_in = models.ForeignKey(
        ImportRun, verbose_name=_("新增于导入"), null=True, blank=True, on_delete=models.SET_NULL
    )

    objects = PatentQuerySet.as_manager()

    class Meta:
        ordering = ["-filing_date", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["application_number"], name="registry_patent_application_number")
        ]
        indexes = [
            models.Index(fields=["legal_status", "patent_type"], name="registry_patent_status_type"),
            models.Index(fields=["filing_date"], name="registry_patent_filing"),
            models.Index(fields=["grant_date"], name="registry_patent_grant"),
        ]
        verbose_name = _("专利")
        verbose_name_plural = _("专利")

    def __str__(self) -> str:
        return f"{self.application_number} {self.title}"

    @property
    def display_number(self) -> str:
        return f"CN{self.application_number}"

    @property
    def extension_days(self) -> int:
        """The recorded term extensions (专利法 第四十二条第二、三款) added up."""
        return (self.delay_extension_days or 0) + (self.drug_extension_days or 0)

    @property
    def term_end(self) -> dt.date:
        """The last day of the statutory term (专利法 第四十二条; `terms.term_end`)."""
        return terms.term_end(self.patent_type, self.filing_date, self.extension_days)

    def stale_status_end(self, today: dt.date) -> dt.date | None:
        """The term's last day when the stored status still says 有效 but the term is over by
        `today` (the export is out of date); None otherwise."""
        if self.legal_status == LegalStatus.VALID and terms.term_ended(
            self.patent_type, self.filing_date, self.extension_days, today
        ):
            return self.term_end
        return None

    def in_force_refusal(self, on: dt.date) -> str | None:
        """Why the patent is not in force on `on` (Chinese, naming it), or None: its legal status must
        be 有效 and its statutory term (with extensions) not over."""
        if self.legal_status != LegalStatus.VALID:
            return f"专利 {self.display_number}（{self.title}）的法律状态为“{self.get_legal_status_display()}”，不是有效专利"
        if terms.term_ended(self.patent_type, self.filing_date, self.extension_days, on):
            return f"专利 {self.display_number}（{self.title}）的保护期已于 {self.term_end.isoformat()} 届满"
        return None


class PatentHolder(models.Model):
    """An applicant/patentee of a patent, in the order the record lists them (first = 第一权利人)."""

    # The (patent, position) unique index serves lookups by patent; plain b-tree indexes only (no
    # LIKE-pattern twins): fewer indexes to maintain when a million patents are imported.
    patent = models.ForeignKey(Patent, on_delete=models.CASCADE, related_name="holders", db_index=False)
    position = models.PositiveSmallIntegerField(_("顺序"))
    name = models.CharField(_("名称"), max_length=200)
    name_key = models.CharField(_("名称匹配键"), max_length=200)
    uscc = models.CharField(_("统一社会信用代码"), max_length=18, blank=True)
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="patent_holdings"
    )

    class Meta:
        ordering = ["patent", "position"]
        constraints = [
            models.UniqueConstraint(fields=["patent", "position"], name="registry_patentholder_unique")
        ]
        indexes = [models.Index(fields=["name_key"], name="registry_holder_name_key")]
        verbose_name = _("申请（专利权）人")
        verbose_name_plural = _("申请（专利权）人")

    def __str__(self) -> str:
        return self.name


class PatentIPC(models.Model):
    """One IPC code of a patent, queryable by subclass and main group (`G06F1*` = main group G06F 1)."""

    patent = models.ForeignKey(Patent, on_delete=models.CASCADE, related_name="ipc_codes", db_index=False)
    position = models.PositiveSmallIntegerField(_("顺序"))  # 0 = the main classification
    code = models.CharField(_("分类号"), max_length=20)  # "G06F 16/30"
    main_group = models.CharField(_("大组"), max_length=12)  # "G06F 16"
    subclass = models.CharField(_("小类"), max_length=4)  # "G06F"

    class Meta:
        ordering = ["patent", "position"]
        constraints = [
            models.UniqueConstraint(fields=["patent", "position"], name="registry_patentipc_unique")
        ]
        # Equality look-ups only (main-group semantics, not string prefixes): plain b-tree indexes.
        indexes = [
            models.Index(fields=["code"], name="registry_ipc_code"),
            models.Index(fields=["main_group"], name="registry_ipc_main_group"),
            models.Index(fields=["subclass"], name="registry_ipc_subclass"),
        ]
        verbose_name = _("IPC 分类号")
        verbose_name_plural = _("IPC 分类号")

    def __str__(self) -> str:
        return self.code


class PublicQuerySet(models.QuerySet[Any]):
    def visible_to(self, user: Any) -> PublicQuerySet:
        # Registered trademarks, geographical indications and awards are published: readable by all.
        return self


class Trademark(models.Model):
    registration_number = models.CharField(_("注册号/申请号"), max_length=20, unique=True)
    name = models.CharField(_("商标名称"), max_length=200)
    classes = models.JSONField(_("尼斯分类"), default=list)
    kind = models.CharField(_("商标类型"), max_length=20, choices=TrademarkKind.choices)
    status = models.CharField(_("状态"), max_length=20, choices=TrademarkStatus.choices)
    holder_name = models.CharField(_("注册人"), max_length=200)
    holder = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="trademarks"
    )
    application_date = models.DateField(_("申请日"), null=True, blank=True)
    registration_date = models.DateField(_("注册日"), null=True, blank=True)
    expiry_date = models.DateField(_("专用权期限至"), null=True, blank=True)
    madrid_number = models.CharField(_("马德里国际注册号"), max_length=20, blank=True)
    designated_countries = models.JSONField(_("指定国家/地区"), default=list, blank=True)
    well_known = models.BooleanField(_("驰名商标"), default=False)
    well_known_year = models.PositiveSmallIntegerField(_("驰名商标认定年度"), null=True, blank=True)
    created_in = models.ForeignKey(ImportRun, null=True, blank=True, on_delete=models.SET_NULL)

    objects = PublicQuerySet.as_manager()

    class Meta:
        ordering = ["registration_number"]
        verbose_name = _("商标")
        verbose_name_plural = _("商标")

    def __str__(self) -> str:
        return f"{self.name}（{self.registration_number}）"


class GeographicalIndication(models.Model):
    product = models.CharField(_("产品名称"), max_length=100)
    kind = models.CharField(_("类别"), max_length=20, choices=GIKind.choices)
    region = models.ForeignKey(
        "core.Region", verbose_name=_("所属区市"), null=True, blank=True, on_delete=models.PROTECT
    )
    holder_name = models.CharField(_("持有人/申请人"), max_length=200, blank=True)
    holder = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="geographical_indications",
    )
    reference = models.CharField(_("公告号/注册号"), max_length=40, blank=True)
    approval_date = models.DateField(_("批准/注册日期"), null=True, blank=True)
    demonstration_zone = models.CharField(
        _("保护示范区"), max_length=20, choices=DemonstrationZoneStatus.choices, default="none"
    )
    created_in = models.ForeignKey(ImportRun, null=True, blank=True, on_delete=models.SET_NULL)

    objects = PublicQuerySet.as_manager()

    class Meta:
        ordering = ["product"]
        constraints = [models.UniqueConstraint(fields=["product", "kind"], name="registry_gi_unique")]
        verbose_name = _("地理标志")
        verbose_name_plural = _("地理标志")

    def __str__(self) -> str:
        return f"{self.product}（{self.get_kind_display()}）"


class Pledge(models.Model):
    registration_number = models.CharField(_("质押登记号"), max_length=40, unique=True)
    pledgor_name = models.CharField(_("出质人"), max_length=200)
    pledgor = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="pledges_given"
    )
    pledgee_name = models.CharField(_("质权人"), max_length=200)
    pledgee = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="pledges_taken"
    )
    amount = models.DecimalField(_("担保金额（元）"), max_digits=16, decimal_places=2)
    registration_date = models.DateField(_("登记日"))
    term_start = models.DateField(_("质押期限自"), null=True, blank=True)
    term_end = models.DateField(_("质押期限至"), null=True, blank=True)
    loan_rate = models.DecimalField(
        _("贷款年利率（%）"), max_digits=6, decimal_places=3, null=True, blank=True
    )
    created_in = models.ForeignKey(ImportRun, null=True, blank=True, on_delete=models.SET_NULL)

    class Meta:
        ordering = ["-registration_date", "registration_number"]
        verbose_name = _("质押")
        verbose_name_plural = _("质押")

    def __str__(self) -> str:
        return self.registration_number


class PledgeItem(models.Model):
    pledge = models.ForeignKey(Pledge, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField(_("顺序"))
    ip_kind = models.CharField(_("类别"), max_length=10, choices=IPKind.choices)
    identifier = models.CharField(_("专利申请号/商标注册号"), max_length=20, db_index=True)
    patent = models.ForeignKey(
        Patent, null=True, blank=True, on_delete=models.SET_NULL, related_name="pledge_items"
    )
    trademark = models.ForeignKey(
        Trademark, null=True, blank=True, on_delete=models.SET_NULL, related_name="pledge_items"
    )
    is_first_pledge = models.BooleanField(_("首次质押"), default=False)

    class Meta:
        ordering = ["pledge", "position"]
        constraints = [
            models.UniqueConstraint(fields=["pledge", "position"], name="registry_pledgeitem_unique")
        ]
        verbose_name = _("质押标的")
        verbose_name_plural = _("质押标的")

    def __str__(self) -> str:
        return self.identifier


class Licence(models.Model):
    """A licence or an assignment (转让) of patents or trademarks."""

    reference = models.CharField(_("备案号/合同编号"), max_length=60, unique=True)
    kind = models.CharField(_("类型"), max_length=20, choices=LicenceKind.choices)
    licensor_name = models.CharField(_("许可人/转让人"), max_length=200)
    licensor = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="licences_given"
    )
    licensee_name = models.CharField(_("被许可人/受让人"), max_length=200)
    licensee = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="licences_taken"
    )
    fee = models.DecimalField(_("费用（元）"), max_digits=16, decimal_places=2, null=True, blank=True)
    contract_date = models.DateField(_("合同/生效日期"))
    term_end = models.DateField(_("许可期限至"), null=True, blank=True)
    recorded = models.BooleanField(_("已备案/已登记"), default=False)
    created_in = models.ForeignKey(ImportRun, null=True, blank=True, on_delete=models.SET_NULL)

    class Meta:
        ordering = ["-contract_date", "reference"]
        verbose_name = _("许可/转让")
        verbose_name_plural = _("许可/转让")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.reference}"


class LicenceItem(models.Model):
    licence = models.ForeignKey(Licence, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField(_("顺序"))
    ip_kind = models.CharField(_("类别"), max_length=10, choices=IPKind.choices)
    identifier = models.CharField(_("专利申请号/商标注册号"), max_length=20, db_index=True)
    patent = models.ForeignKey(
        Patent, null=True, blank=True, on_delete=models.SET_NULL, related_name="licence_items"
    )
    trademark = models.ForeignKey(
        Trademark, null=True, blank=True, on_delete=models.SET_NULL, related_name="licence_items"
    )

    class Meta:
        ordering = ["licence", "position"]
        constraints = [
            models.UniqueConstraint(fields=["licence", "position"], name="registry_licenceitem_unique")
        ]
        verbose_name = _("许可/转让标的")
        verbose_name_plural = _("许可/转让标的")

    def __str__(self) -> str:
        return self.identifier


class Award(models.Model):
    award = models.CharField(_("奖项"), max_length=20, choices=AwardName.choices)
    level = models.CharField(_("等级"), max_length=20, choices=AwardLevel.choices)
    year = models.PositiveSmallIntegerField(_("年度"))
    application_number = models.CharField(_("专利申请号"), max_length=14)
    patent = models.ForeignKey(
        Patent, null=True, blank=True, on_delete=models.SET_NULL, related_name="awards"
    )
    title = models.CharField(_("项目/专利名称"), max_length=500, blank=True)
    holder_name = models.CharField(_("专利权人"), max_length=200)
    holder = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="awards"
    )
    created_in = models.ForeignKey(ImportRun, null=True, blank=True, on_delete=models.SET_NULL)

    objects = PublicQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "award", "level"]
        constraints = [
            models.UniqueConstraint(
                fields=["award", "year", "application_number"], name="registry_award_unique"
            )
        ]
        verbose_name = _("专利奖")
        verbose_name_plural = _("专利奖")

    def __str__(self) -> str:
        return f"{self.year} {self.get_award_display()}{self.get_level_display()} {self.application_number}"


class ReviewItemQuerySet(models.QuerySet["ReviewItem"]):
    def visible_to(self, user: Any) -> ReviewItemQuerySet:
        # The queue is the city office's (it runs the imports): others see none of it.
        return self if is_city_admin(user) else self.none()


class ReviewItem(models.Model):
    """A name that matched more than one organisation: a person decides which one it is."""

    name = models.CharField(_("名称（导入时）"), max_length=200)
    name_key = models.CharField(_("名称匹配键"), max_length=200, unique=True)
    candidates = models.ManyToManyField(Organisation, verbose_name=_("候选机构"), related_name="+")
    status = models.CharField(_("状态"), max_length=10, choices=ReviewStatus.choices, default="open")
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("确认的机构"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    occurrences = models.PositiveIntegerField(_("出现次数"), default=0)
    first_seen_in = models.ForeignKey(ImportRun, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(_("发现时间"), auto_now_add=True)
    resolved_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    resolved_by = models.CharField(_("处理人"), max_length=150, blank=True)

    objects = ReviewItemQuerySet.as_manager()

    class Meta:
        ordering = ["status", "-occurrences", "name"]
        verbose_name = _("机构匹配待确认")
        verbose_name_plural = _("机构匹配待确认")

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """A user who acts for an organisation (an enterprise's or an agency's account)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="membership"
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("组织机构"), on_delete=models.CASCADE, related_name="memberships"
    )

    class Meta:
        verbose_name = _("机构账号")
        verbose_name_plural = _("机构账号")

    def __str__(self) -> str:
        return f"{self.user} @ {self.organisation}"


class SourceWording(models.Model):
    """A synonym the city office added to a source profile (导入格式) on /registry/sources/: in files
    read with profile `profile`, the cell text `wording` of the coded column `field` means `value`.
    The importer merges these with the profile file's wordings (importers/profiles.py)."""

    kind = models.CharField(_("数据类别"), max_length=20, choices=ImportKind.choices)
    profile = models.CharField(_("导入格式"), max_length=50)
    field = models.CharField(_("字段"), max_length=40, choices=VocabularyField.choices)
    wording = models.CharField(_("写法"), max_length=100)
    wording_key = models.CharField(_("写法匹配键"), max_length=100)
    value = models.CharField(_("对应值"), max_length=40)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("添加人"), null=True, blank=True, on_delete=models.SET_NULL
    )
    created_by_label = models.CharField(_("添加人（记录时）"), max_length=150)
    created_at = models.DateTimeField(_("添加时间"), auto_now_add=True)

    class Meta:
        ordering = ["kind", "profile", "field", "wording"]
        verbose_name = _("导入格式的同义写法")
        verbose_name_plural = _("导入格式的同义写法")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "profile", "field", "wording_key"], name="registry_sourcewording_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_field_display()}“{self.wording}”"
