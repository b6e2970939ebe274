"""The technology market (技术市场, 方案二(三)1): patent offers (技术供给), enterprises' needs
(技术需求), the deals between them (交易) and the agencies organisations authorise to act for them
(委托代理). Statuses move through market/workflows.py only; writes go through market/services.py."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from ipcity.accounts.choices import Role
from ipcity.accounts.permissions import is_city_admin
from ipcity.market.choices import (
    AuctionStatus,
    BidderStatus,
    CloseRule,
    DealStatus,
    DualUse,
    LotStatus,
    MatchKind,
    Maturity,
    NeedStatus,
    OfferMode,
    OfferStatus,
    RetentionService,
    RetentionStatus,
)
from ipcity.registry.choices import Industry, LicenceKind


class AgencyMandateQuerySet(models.QuerySet["AgencyMandate"]):
    def in_force(self) -> AgencyMandateQuerySet:
        return self.filter(revoked_at__isnull=True)


class AgencyMandate(models.Model):
    """An organisation authorises a service agency to list and deal for it in the market (委托代理)."""

    organisation = models.ForeignKey(
        "registry.Organisation",
        verbose_name=_("委托机构"),
        on_delete=models.CASCADE,
        related_name="market_mandates_given",
    )
    agency = models.ForeignKey(
        "registry.Organisation",
        verbose_name=_("受托服务机构"),
        on_delete=models.CASCADE,
        related_name="market_mandates_taken",
    )
    granted_at = models.DateTimeField(_("委托时间"), auto_now_add=True)
    granted_by = models.CharField(_("委托人"), max_length=150)
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    revoked_by = models.CharField(_("撤销人"), max_length=150, blank=True)

    objects = AgencyMandateQuerySet.as_manager()

    class Meta:
        ordering = ["-granted_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "agency"],
                condition=Q(revoked_at__isnull=True),
                name="market_mandate_one_in_force",
            )
        ]
        verbose_name = _("技术市场委托代理")
        verbose_name_plural = _("技术市场委托代理")

    def __str__(self) -> str:
        return f"{self.organisation} 委托 {self.agency}"


def _scope(user: Any, published: Q, own: str) -> Q | None:
    """None: everything (the city office); else what is published plus the organisations' own."""
    from ipcity.market.permissions import represented_organisation_ids

    if is_city_admin(user):
        return None
    ids = represented_organisation_ids(user)
    return published | Q(**{f"{own}__in": ids}) if ids else published


class OfferQuerySet(models.QuerySet["Offer"]):
    def visible_to(self, user: Any) -> OfferQuerySet:
        """Everyone: published offers. Their own offers in every status (drafts, the reason for a
        屏蔽) to the accounts acting for the holder; the city office all."""
        scope = _scope(user, Q(status=OfferStatus.PUBLISHED), "holder_id")
        return self if scope is None else self.filter(scope)

    def published(self) -> OfferQuerySet:
        return self.filter(status=OfferStatus.PUBLISHED)


class Offer(models.Model):
    """技术供给: one or more patents of one holder, offered in one mode."""

    holder = models.ForeignKey(
        "registry.Organisation",
        verbose_name=_("专利权人"),
        on_delete=models.PROTECT,
        related_name="market_offers",
    )
    listed_by = models.ForeignKey(
        "registry.Organisation",
        verbose_name=_("代理挂牌的服务机构"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="market_offers_listed",
    )
    title = models.CharField(_("成果名称"), max_length=200)
    patents = models.ManyToManyField("registry.Patent", verbose_name=_("专利"), related_name="market_offers")
    mode = models.CharField(_("交易方式"), max_length=20, choices=OfferMode.choices)
    price = models.DecimalField(
        _("价格或许可费（元）"), null=True, blank=True, max_digits=16, decimal_places=2
    )
    negotiable = models.BooleanField(_("面议"), default=False)
    fee_terms = models.CharField(_("许可费标准"), max_length=300, blank=True)
    payment_method = models.CharField(_("支付方式"), max_length=300, blank=True)
    field = models.CharField(_("技术领域"), max_length=30, choices=Industry.choices)
    applications = models.TextField(_("应用领域与产品"), blank=True)
    description = models.TextField(_("技术简介"), blank=True)
    maturity = models.CharField(_("成熟度"), max_length=20, choices=Maturity.choices)
    region = models.ForeignKey(
        "core.Region", verbose_name=_("所在区市"), null=True, blank=True, on_delete=models.PROTECT
    )
    dual_use = models.CharField(
        _("军民双向转化"), max_length=20, choices=DualUse.choices, blank=True, default=DualUse.NONE
    )
    contact_person = models.CharField(_("联系人"), max_length=40)
    contact_phone = models.CharField(_("联系电话"), max_length=40)
    evaluation_report = models.ForeignKey(
        "core.Attachment",
        verbose_name=_("专利权评价报告"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(
        _("状态"), max_length=20, choices=OfferStatus.choices, default=OfferStatus.DRAFT
    )
    hidden_reason = models.CharField(_("屏蔽理由"), max_length=300, blank=True)
    created_on = models.DateField(_("填报日期"))
    published_on = models.DateField(_("发布日期"), null=True, blank=True)
    is_demo = models.BooleanField(_("演示数据"), default=False)
    demo_key = models.CharField(max_length=40, blank=True, db_index=True)

    objects = OfferQuerySet.as_manager()

    class Meta:
        ordering = ["-published_on", "-id"]
        indexes = [models.Index(fields=["status", "field"], name="market_offer_status_field")]
        verbose_name = _("技术供给")
        verbose_name_plural = _("技术供给")

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def number(self) -> str:
        return f"GJ{self.created_on.year}{self.pk or 0:06d}"

    @property
    def is_open_licence(self) -> bool:
        return self.mode == OfferMode.OPEN


class NeedQuerySet(models.QuerySet["Need"]):
    def visible_to(self, user: Any) -> NeedQuerySet:
        scope = _scope(user, Q(status=NeedStatus.PUBLISHED), "organisation_id")
        return self if scope is None else self.filter(scope)


class Need(models.Model):
    """技术需求: a problem an enterprise wants solved, with a budget."""

    organisation = models.ForeignKey(
        "registry.Organisation",
        verbose_name=_("需求单位"),
        on_delete=models.PROTECT,
        related_name="market_needs",
    )
    title = models.CharField(_("需求名称"), max_length=200)
    problem = models.TextField(_("需要解决的技术问题"))
    field = models.CharField(_("技术领域"), max_length=30, choices=Industry.choices)
    budget_min = models.DecimalField(
        _("预算下限（元）"), null=True, blank=True, max_digits=16, decimal_places=2
    )
    budget_max = models.DecimalField(
        _("预算上限（元）"), null=True, blank=True, max_digits=16, decimal_places=2
    )
    deadline = models.DateField(_("期望解决日期"), null=True, blank=True)
    region = models.ForeignKey(
        "core.Region", verbose_name=_("所在区市"), null=True, blank=True, on_delete=models.PROTECT
    )
    dual_use = models.CharField(
        _("军民双向转化"), max_length=20, choices=DualUse.choices, blank=True, default=DualUse.NONE
    )
    contact_person = models.CharField(_("联系人"), max_length=40)
    contact_phone = models.CharField(_("联系电话"), max_length=40)
    status = models.CharField(_("状态"), max_length=20, choices=NeedStatus.choices, default=NeedStatus.DRAFT)
    hidden_reason = models.CharField(_("屏蔽理由"), max_length=300, blank=True)
    created_on = models.DateField(_("填报日期"))
    published_on = models.DateField(_("发布日期"), null=True, blank=True)
    is_demo = models.BooleanField(_("演示数据"), default=False)
    demo_key = models.CharField(max_length=40, blank=True, db_index=True)

    objects = NeedQuerySet.as_manager()

    class Meta:
        ordering = ["-published_on", "-id"]
        indexes = [models.Index(fields=["status", "field"], name="market_need_status_field")]
        verbose_name = _("技术需求")
        verbose_name_plural = _("技术需求")

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def number(self) -> str:
        return f"XQ{self.created_on.year}{self.pk or 0:06d}"


class DealQuerySet(models.QuerySet["Deal"]):
    def visible_to(self, user: Any) -> DealQuerySet:
        """Amounts and parties are not public (as licences): the city office all; a district bureau
        deals with a party in its region; the accounts acting for a party their deals."""
        from ipcity.market.permissions import represented_organisation_ids

        if is_city_admin(user):
            return self
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        if user.role == Role.DISTRICT_OFFICER and user.region_id:
            return self.filter(Q(licensor__region_id=user.region_id) | Q(licensee__region_id=user.region_id))
        ids = represented_organisation_ids(user)
        if not ids:
            return self.none()
        return self.filter(Q(licensor_id__in=ids) | Q(licensee_id__in=ids))


class Deal(models.Model):
    """交易: from an expression of interest on an offer to a confirmed contract, which becomes a
    licence or assignment in the registry (`licence`)."""

    offer = models.ForeignKey(
        Offer, verbose_name=_("技术供给"), on_delete=models.PROTECT, related_name="deals"
    )
    licensor = models.ForeignKey(
        "registry.Organisation",
        verbose_name=_("许可人/转让人"),
        on_delete=models.PROTECT,
        related_name="market_deals_given",
    )
    licensee = models.ForeignKey(
        "registry.Organisation",
        verbose_name=_("被许可人/受让人"),
        on_delete=models.PROTECT,
        related_name="market_deals_taken",
    )
    message = models.TextField(_("意向说明"), blank=True)
    status = models.CharField(
        _("状态"), max_length=20, choices=DealStatus.choices, default=DealStatus.INTEREST
    )
    kind = models.CharField(_("合同类型"), max_length=20, choices=LicenceKind.choices, blank=True)
    amount = models.DecimalField(_("合同金额（元）"), null=True, blank=True, max_digits=16, decimal_places=2)
    contract_date = models.DateField(_("合同签订日期"), null=True, blank=True)
    term_end = models.DateField(_("许可期限至"), null=True, blank=True)
    signed_by_side = models.CharField(_("签约登记方"), max_length=10, blank=True)
    licensor_confirmed = models.CharField(_("供给方确认人"), max_length=150, blank=True)
    licensee_confirmed = models.CharField(_("需求方确认人"), max_length=150, blank=True)
    confirmed_on = models.DateField(_("确认成交日期"), null=True, blank=True)
    end_reason = models.CharField(_("未达成原因"), max_length=300, blank=True)
    licence = models.OneToOneField(
        "registry.Licence",
        verbose_name=_("许可/转让记录"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="market_deal",
    )
    created_on = models.DateField(_("意向日期"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("提出人"), null=True, blank=True, on_delete=models.SET_NULL
    )
    is_demo = models.BooleanField(_("演示数据"), default=False)
    demo_key = models.CharField(max_length=40, blank=True, db_index=True)

    objects = DealQuerySet.as_manager()

    class Meta:
        ordering = ["-created_on", "-id"]
        verbose_name = _("技术交易")
        verbose_name_plural = _("技术交易")

    def __str__(self) -> str:
        return f"{self.number} {self.offer.title}"

    @property
    def number(self) -> str:
        return f"JY{self.created_on.year}{self.pk or 0:06d}"


class DealNote(models.Model):
    """A note of the negotiation (洽谈记录), by either party or the city office; kept, never edited."""

    deal = models.ForeignKey(Deal, on_delete=models.CASCADE, related_name="notes")
    text = models.TextField(_("内容"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("记录人"), null=True, blank=True, on_delete=models.SET_NULL
    )
    author_label = models.CharField(_("记录人（记录时）"), max_length=150)
    side = models.CharField(_("记录方"), max_length=10)
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("洽谈记录")
        verbose_name_plural = _("洽谈记录")

    def __str__(self) -> str:
        return f"{self.deal.number} {self.author_label}"


class MatchDoc(models.Model):
    """The words and IPC codes of one offer, need or enterprise, as the matching index reads them
    (market/matching.py). `terms` holds each distinct term once, space-separated: PostgreSQL indexes
    `string_to_array(terms, ' ')` with GIN, SQLite mirrors it into the FTS5 table
    `market_matchdoc_fts` by triggers (migration 0002). `counts` keeps each term's frequency for the
    BM25 score; `ipc` the IPC subclasses and main groups as terms ("h01m", "h01m10")."""

    kind = models.CharField(_("类别"), max_length=20, choices=MatchKind.choices)
    object_id = models.PositiveIntegerField(_("对象编号"))
    terms = models.TextField(_("词"), blank=True)
    counts = models.JSONField(_("词频"), default=dict)
    length = models.PositiveIntegerField(_("词数"), default=0)
    ipc = models.TextField(_("IPC 分类号"), blank=True)
    field = models.CharField(_("技术领域"), max_length=30, blank=True)
    region = models.ForeignKey(
        "core.Region",
        verbose_name=_("区市"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    indexed_at = models.DateTimeField(_("索引时间"))

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "object_id"], name="market_matchdoc_object")]
        verbose_name = _("匹配索引条目")
        verbose_name_plural = _("匹配索引条目")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.object_id}"


class MatchTerm(models.Model):
    """How many documents of a kind hold a term (the document frequency BM25 needs), kept in step
    with MatchDoc by market/matching.py. The row with the empty term counts the documents of the kind
    (`docs`) and their total length in terms (`length`)."""

    kind = models.CharField(_("类别"), max_length=20, choices=MatchKind.choices)
    term = models.CharField(_("词"), max_length=100, blank=True)
    docs = models.IntegerField(_("文档数"), default=0)
    length = models.BigIntegerField(_("总词数"), default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "term"], name="market_matchterm_term")]
        verbose_name = _("匹配词频")
        verbose_name_plural = _("匹配词频")

    def __str__(self) -> str:
        return f"{self.kind} {self.term} {self.docs}"


# ------------------------------------------------------------------------------ auctions (专利竞价)


class AuctionQuerySet(models.QuerySet["Auction"]):
    def visible_to(self, user: Any) -> AuctionQuerySet:
        """Everyone: published and ended auctions; the organiser's accounts their drafts and
        cancelled ones too; the city office all."""
        scope = _scope(user, Q(status__in=[AuctionStatus.PUBLISHED, AuctionStatus.CLOSED]), "organiser_id")
        return self if scope is None else self.filter(scope)


class Auction(models.Model):
    """专利竞价（拍卖）会: run by a service agency (二(三)2), with lots consigned by patent holders."""

    organiser = models.ForeignKey(
        "registry.Organisation", verbose_name=_("组织机构"), on_delete=models.PROTECT, related_name="auctions"
    )
    title = models.CharField(_("竞价会名称"), max_length=200)
    description = models.TextField(_("竞价须知"), blank=True)
    starts_at = models.DateTimeField(_("开始出价时间"))
    ends_at = models.DateTimeField(_("结束时间"))
    deposit = models.DecimalField(_("竞买保证金（元）"), max_digits=16, decimal_places=2)
    status = models.CharField(
        _("状态"), max_length=20, choices=AuctionStatus.choices, default=AuctionStatus.DRAFT
    )
    cancel_reason = models.CharField(_("取消原因"), max_length=300, blank=True)
    created_on = models.DateField(_("创建日期"))
    closed_at = models.DateTimeField(_("结束处理时间"), null=True, blank=True)
    is_demo = models.BooleanField(_("演示数据"), default=False)

    objects = AuctionQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_at", "-id"]
        verbose_name = _("专利竞价会")
        verbose_name_plural = _("专利竞价会")

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def number(self) -> str:
        return f"JJ{self.created_on.year}{self.pk or 0:05d}"


class AuctionLot(models.Model):
    """A lot (标的): one or more patents of one holder, with a hidden reserve price (保留价)."""

    auction = models.ForeignKey(Auction, on_delete=models.CASCADE, related_name="lots")
    position = models.PositiveSmallIntegerField(_("标的序号"))
    title = models.CharField(_("标的名称"), max_length=200)
    holder = models.ForeignKey(
        "registry.Organisation",
        verbose_name=_("委托人（专利权人）"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    patents = models.ManyToManyField("registry.Patent", verbose_name=_("专利"), related_name="auction_lots")
    starting_price = models.DecimalField(_("起拍价（元）"), max_digits=16, decimal_places=2)
    increment = models.DecimalField(_("加价幅度（元）"), max_digits=16, decimal_places=2)
    reserve_price = models.DecimalField(_("保留价（元）"), max_digits=16, decimal_places=2)
    close_rule = models.CharField(_("成交规则"), max_length=10, choices=CloseRule.choices)
    status = models.CharField(_("状态"), max_length=10, choices=LotStatus.choices, default=LotStatus.OPEN)
    winning_bid = models.OneToOneField(
        "Bid", verbose_name=_("成交出价"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    closed_at = models.DateTimeField(_("结束时间"), null=True, blank=True)

    class Meta:
        ordering = ["auction", "position"]
        constraints = [
            models.UniqueConstraint(fields=["auction", "position"], name="market_lot_position"),
            models.CheckConstraint(
                condition=Q(reserve_price__gte=F("starting_price")), name="market_lot_reserve_not_below_start"
            ),
            models.CheckConstraint(condition=Q(increment__gt=0), name="market_lot_increment_positive"),
        ]
        verbose_name = _("竞价标的")
        verbose_name_plural = _("竞价标的")

    def __str__(self) -> str:
        return f"{self.auction.number}-{self.position} {self.title}"

    @property
    def number(self) -> str:
        return f"{self.auction.number}-{self.position:02d}"


class AuctionBidder(models.Model):
    """竞买人: an organisation registered for an auction; it bids once the organiser has recorded
    its deposit (保证金). Bidders are shown by their number (竞买号), not their name."""

    auction = models.ForeignKey(Auction, on_delete=models.CASCADE, related_name="bidders")
    organisation = models.ForeignKey(
        "registry.Organisation", verbose_name=_("竞买人"), on_delete=models.PROTECT, related_name="+"
    )
    paddle = models.PositiveSmallIntegerField(_("竞买号"))
    status = models.CharField(
        _("状态"), max_length=20, choices=BidderStatus.choices, default=BidderStatus.REGISTERED
    )
    deposit_amount = models.DecimalField(
        _("已交保证金（元）"), null=True, blank=True, max_digits=16, decimal_places=2
    )
    deposit_received_on = models.DateField(_("保证金到账日期"), null=True, blank=True)
    reject_reason = models.CharField(_("未通过原因"), max_length=300, blank=True)
    registered_at = models.DateTimeField(_("报名时间"), auto_now_add=True)

    class Meta:
        ordering = ["auction", "paddle"]
        constraints = [
            models.UniqueConstraint(fields=["auction", "organisation"], name="market_bidder_once"),
            models.UniqueConstraint(fields=["auction", "paddle"], name="market_bidder_paddle"),
        ]
        verbose_name = _("竞买人")
        verbose_name_plural = _("竞买人")

    def __str__(self) -> str:
        return f"{self.auction.number} {self.paddle_label}"

    @property
    def paddle_label(self) -> str:
        return f"{self.paddle:03d} 号"

    @property
    def number(self) -> str:
        return f"{self.auction.number} 竞买号 {self.paddle:03d}"


class Bid(models.Model):
    """One bid (出价), in the order the database received it: `round` counts the lot's bids."""

    lot = models.ForeignKey(AuctionLot, on_delete=models.CASCADE, related_name="bids")
    bidder = models.ForeignKey(
        AuctionBidder, verbose_name=_("竞买人"), on_delete=models.PROTECT, related_name="bids"
    )
    round = models.PositiveIntegerField(_("轮次"))
    amount = models.DecimalField(_("出价（元）"), max_digits=16, decimal_places=2)
    placed_at = models.DateTimeField(_("出价时间"))
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("出价人"), null=True, blank=True, on_delete=models.SET_NULL
    )

    class Meta:
        ordering = ["lot", "-round"]
        constraints = [models.UniqueConstraint(fields=["lot", "round"], name="market_bid_round")]
        verbose_name = _("出价")
        verbose_name_plural = _("出价")

    def __str__(self) -> str:
        return f"{self.lot.number} 第 {self.round} 轮 {self.amount}"


class RetentionProjectQuerySet(models.QuerySet["RetentionProject"]):
    def visible_to(self, user: Any) -> RetentionProjectQuerySet:
        """Not public (talks with a project are confidential): the city office and the partner
        departments all; a district bureau the projects in its region; the accounts of the
        undertaking organisation their own."""
        from ipcity.market.permissions import member_organisation_id

        if is_city_admin(user) or (getattr(user, "is_active", False) and user.role == Role.DEPT_LIAISON):
            return self
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        if user.role == Role.DISTRICT_OFFICER:
            return self.filter(region_id=user.region_id) if user.region_id else self.none()
        own = member_organisation_id(user)
        return self.filter(organisation_id=own) if own else self.none()


class RetentionProject(models.Model):
    """专利留烟重点项目 (方案二(三)2): a key core patent project from outside the city that the office
    courts, sees settle in Yantai and then tracks (跟踪培育2-5个重点项目); its undertaking
    organisation is the beneficiary of the 专利留烟重点项目资助 reward item."""

    name = models.CharField(_("项目名称"), max_length=200)
    origin = models.CharField(_("项目来源（原权利人或所在地）"), max_length=200)
    overseas = models.BooleanField(_("境外项目"), default=False)
    industry = models.CharField(_("所属产业"), max_length=30, choices=Industry.choices)
    description = models.TextField(_("项目简介"), blank=True)
    patent_numbers = models.TextField(_("核心专利（申请号）"), blank=True)
    patents = models.ManyToManyField(
        "registry.Patent", verbose_name=_("平台登记的核心专利"), blank=True, related_name="retention_projects"
    )
    organisation = models.ForeignKey(
        "registry.Organisation",
        verbose_name=_("项目承担单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="retention_projects",
    )
    region = models.ForeignKey(
        "core.Region", verbose_name=_("落户区市"), null=True, blank=True, on_delete=models.PROTECT
    )
    contact_person = models.CharField(_("联系人"), max_length=40, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=40, blank=True)
    status = models.CharField(
        _("状态"), max_length=20, choices=RetentionStatus.choices, default=RetentionStatus.NEGOTIATING
    )
    relocated_on = models.DateField(_("落户日期"), null=True, blank=True)
    cultivated_on = models.DateField(_("列入跟踪培育日期"), null=True, blank=True)
    completed_on = models.DateField(_("结项日期"), null=True, blank=True)
    ended_reason = models.CharField(_("终止原因"), max_length=300, blank=True)
    created_on = models.DateField(_("登记日期"))
    is_demo = models.BooleanField(_("演示数据"), default=False)

    objects = RetentionProjectQuerySet.as_manager()

    class Meta:
        ordering = ["-created_on", "-id"]
        verbose_name = _("专利留烟重点项目")
        verbose_name_plural = _("专利留烟重点项目")

    def __str__(self) -> str:
        return f"{self.number} {self.name}"

    @property
    def number(self) -> str:
        return f"LY{self.created_on.year}{self.pk or 0:04d}"


class RetentionFollowUp(models.Model):
    """One step of the office's tracking of a project: what was done for it, when, by whom."""

    project = models.ForeignKey(RetentionProject, on_delete=models.CASCADE, related_name="follow_ups")
    on = models.DateField(_("日期"))
    service = models.CharField(_("服务内容"), max_length=20, choices=RetentionService.choices)
    text = models.TextField(_("情况记录"))
    recorded_by = models.CharField(_("记录人"), max_length=150)
    recorded_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        ordering = ["-on", "-id"]
        verbose_name = _("跟踪服务记录")
        verbose_name_plural = _("跟踪服务记录")

    def __str__(self) -> str:
        return f"{self.on:%Y-%m-%d} {self.get_service_display()}"
