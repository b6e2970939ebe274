"""Forms of the market pages: bound and checked here for shape, checked again by the services."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms

from ipcity.core.models import Region
from ipcity.lib.inputs import DateField, SearchField
from ipcity.market.choices import (
    CloseRule,
    DealStatus,
    DualUse,
    Maturity,
    OfferMode,
    RetentionService,
    RetentionStatus,
)
from ipcity.registry.choices import Industry, LicenceKind, OrganisationKind
from ipcity.registry.models import Organisation

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def money_field(label: str, *, required: bool = False, help_text: str = "") -> forms.DecimalField:
    """An amount in 元: the digits of the amount columns (16 digits, 2 after the point)."""
    return forms.DecimalField(
        label=label,
        required=required,
        help_text=help_text,
        max_digits=16,
        decimal_places=2,
        min_value=Decimal("0"),
        error_messages={
            "required": f"请填写{label}。",
            "invalid": f"{label}应为金额数字。",
            "min_value": f"{label}不能为负数。",
            "max_digits": f"{label}最多 14 位整数、2 位小数。",
            "max_whole_digits": f"{label}最多 14 位整数、2 位小数。",
            "max_decimal_places": f"{label}最多保留 2 位小数。",
        },
    )


def _blank(choices: Any, label: str = "全部") -> list[tuple[str, str]]:
    return [("", label), *choices]


def dual_use_field(*, for_filter: bool = False) -> forms.ChoiceField:
    """军民双向转化 on a listing (default 不涉及) or in a hall's filter (全部, 军转民, 民参军)."""
    if for_filter:
        choices = [("", "全部"), *((v, label) for v, label in DualUse.choices if v)]
        return forms.ChoiceField(label="军民双向转化", choices=choices, required=False)
    return forms.ChoiceField(
        label="军民双向转化",
        choices=DualUse.choices,
        required=False,
        help_text="军转民或民参军的成果/需求请选择。",
    )


class OrganisationChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Organisation) -> str:
        return obj.name


class _ListingForm(forms.Form):
    """The organisation a listing is for: shown only when the user acts for several (an agency)."""

    def __init__(self, *args: Any, organisations: list[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["organisation"]
        field.queryset = Organisation.objects.filter(pk__in=[o.pk for o in organisations])  # type: ignore[attr-defined]
        if len(organisations) == 1:
            field.initial = organisations[0].pk
            field.widget = forms.HiddenInput()


class OfferForm(_ListingForm):
    organisation = OrganisationChoice(
        label="专利权人", queryset=Organisation.objects.none(), empty_label="—请选择—"
    )
    title = forms.CharField(label="成果名称", max_length=200)
    patent_numbers = forms.CharField(
        label="专利申请号",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="每行一个，例如 CN202310123456.7；须是本单位为专利权人的有效专利。",
    )
    mode = forms.ChoiceField(label="交易方式", choices=_blank(OfferMode.choices, "—请选择—"))
    price = money_field("价格或许可费（元）", help_text="免费许可无需填写；开放许可填写声明的许可费。")
    negotiable = forms.BooleanField(label="面议", required=False)
    fee_terms = forms.CharField(
        label="许可费标准说明",
        max_length=300,
        required=False,
        help_text="例如：每年 5 万元，或按销售额 3% 提成。",
    )
    payment_method = forms.CharField(label="支付方式", max_length=300, required=False)
    field = forms.ChoiceField(label="技术领域", choices=_blank(Industry.choices, "—请选择—"))
    applications = forms.CharField(
        label="应用领域与产品", widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=2000
    )
    description = forms.CharField(
        label="技术简介", widget=forms.Textarea(attrs={"rows": 4}), required=False, max_length=5000
    )
    maturity = forms.ChoiceField(label="成熟度", choices=_blank(Maturity.choices, "—请选择—"))
    region = forms.ModelChoiceField(
        label="所在区市", queryset=Region.objects.all(), required=False, empty_label="—请选择—"
    )
    dual_use = dual_use_field()
    contact_person = forms.CharField(label="联系人", max_length=40)
    contact_phone = forms.CharField(label="联系电话", max_length=40)
    evaluation_report = forms.FileField(
        label="专利权评价报告",
        required=False,
        help_text="实用新型、外观设计专利声明开放许可时必须上传（PDF 或 OFD）；修改时不上传则保留原文件。",
    )

    def values(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        for key in ("organisation", "patent_numbers", "evaluation_report"):
            data.pop(key, None)
        return data


class NeedForm(_ListingForm):
    organisation = OrganisationChoice(
        label="需求单位", queryset=Organisation.objects.none(), empty_label="—请选择—"
    )
    title = forms.CharField(label="需求名称", max_length=200)
    problem = forms.CharField(
        label="需要解决的技术问题", widget=forms.Textarea(attrs={"rows": 4}), max_length=5000
    )
    field = forms.ChoiceField(label="技术领域", choices=_blank(Industry.choices, "—请选择—"))
    budget_min = money_field("预算下限（元）")
    budget_max = money_field("预算上限（元）")
    deadline = DateField(label="期望解决日期", required=False, widget=DATE_WIDGET)
    region = forms.ModelChoiceField(
        label="所在区市", queryset=Region.objects.all(), required=False, empty_label="—请选择—"
    )
    dual_use = dual_use_field()
    contact_person = forms.CharField(label="联系人", max_length=40)
    contact_phone = forms.CharField(label="联系电话", max_length=40)

    def values(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("organisation", None)
        return data


class OfferFilterForm(forms.Form):
    q = SearchField(help_text="成果名称、简介、专利名称或申请号、专利权人")
    field = forms.ChoiceField(label="技术领域", choices=_blank(Industry.choices), required=False)
    mode = forms.ChoiceField(label="交易方式", choices=_blank(OfferMode.choices), required=False)
    maturity = forms.ChoiceField(label="成熟度", choices=_blank(Maturity.choices), required=False)
    region = forms.ModelChoiceField(
        label="区市", queryset=Region.objects.all(), required=False, empty_label="全部"
    )
    dual_use = dual_use_field(for_filter=True)


class NeedFilterForm(forms.Form):
    q = SearchField(help_text="需求名称、技术问题、需求单位")
    field = forms.ChoiceField(label="技术领域", choices=_blank(Industry.choices), required=False)
    region = forms.ModelChoiceField(
        label="区市", queryset=Region.objects.all(), required=False, empty_label="全部"
    )
    dual_use = dual_use_field(for_filter=True)


class DealFilterForm(forms.Form):
    q = SearchField(help_text="成果名称、当事人")
    status = forms.ChoiceField(label="状态", choices=_blank(DealStatus.choices), required=False)


class InterestForm(forms.Form):
    organisation = OrganisationChoice(
        label="意向单位", queryset=Organisation.objects.none(), empty_label=None
    )
    message = forms.CharField(
        label="意向说明", widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=2000
    )

    def __init__(self, *args: Any, organisations: list[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.filter(  # type: ignore[attr-defined]
            pk__in=[o.pk for o in organisations]
        )
        if len(organisations) == 1:
            self.fields["organisation"].initial = organisations[0].pk
            self.fields["organisation"].widget = forms.HiddenInput()


class NoteForm(forms.Form):
    text = forms.CharField(label="洽谈记录", widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)


class SignForm(forms.Form):
    kind = forms.ChoiceField(label="合同类型", choices=LicenceKind.choices)
    amount = money_field("合同金额（元）", required=True, help_text="免费许可填 0。")
    contract_date = DateField(label="合同签订日期", widget=DATE_WIDGET)
    term_end = DateField(label="许可期限至", required=False, widget=DATE_WIDGET, help_text="转让不填。")


class ReasonForm(forms.Form):
    reason = forms.CharField(label="理由", max_length=300)


class MandateForm(forms.Form):
    organisation = OrganisationChoice(
        label="委托机构", queryset=Organisation.objects.none(), empty_label="—请选择—"
    )
    agency = OrganisationChoice(
        label="受托服务机构",
        queryset=Organisation.objects.filter(kind=OrganisationKind.SERVICE_AGENCY),
        empty_label="—请选择—",
    )

    def __init__(self, *args: Any, organisations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]
        if organisations.count() == 1:
            self.fields["organisation"].initial = organisations.first().pk
            self.fields["organisation"].widget = forms.HiddenInput()


# ------------------------------------------------------------------------------ auctions

DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def _datetime_field(label: str) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        widget=DATETIME_WIDGET,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        error_messages={
            "required": f"请填写{label}。",
            "invalid": f"{label}应为日期和时间，如 2026-12-20 09:30。",
        },
    )


class AuctionForm(forms.Form):
    title = forms.CharField(label="竞价会名称", max_length=200)
    description = forms.CharField(
        label="竞价须知", required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )
    starts_at = _datetime_field("开始出价时间")
    ends_at = _datetime_field("结束时间")
    deposit = money_field("竞买保证金（元）", required=True)


class LotForm(forms.Form):
    holder = OrganisationChoice(label="委托人（专利权人）", queryset=Organisation.objects.none())
    title = forms.CharField(label="标的名称", max_length=200)
    patent_numbers = forms.CharField(
        label="专利申请号", max_length=2000, widget=forms.Textarea(attrs={"rows": 3}), help_text="每行一个"
    )
    starting_price = money_field("起拍价（元）", required=True)
    increment = money_field("加价幅度（元）", required=True)
    reserve_price = money_field("保留价（元）", required=True, help_text="不向竞买人公开；低于保留价不成交")
    close_rule = forms.ChoiceField(label="成交规则", choices=CloseRule.choices)

    def __init__(self, *args: Any, holders: list[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["holder"].queryset = Organisation.objects.filter(pk__in=[o.pk for o in holders])  # type: ignore[attr-defined]


class RegisterForm(forms.Form):
    organisation = OrganisationChoice(label="竞买单位", queryset=Organisation.objects.none())

    def __init__(self, *args: Any, organisations: list[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["organisation"]
        field.queryset = Organisation.objects.filter(pk__in=[o.pk for o in organisations])  # type: ignore[attr-defined]


class BidForm(RegisterForm):
    amount = money_field("出价（元）", required=True)


class DepositForm(forms.Form):
    amount = money_field("已交保证金（元）", required=True)
    received_on = DateField(label="到账日期", required=False, widget=DATE_WIDGET)


# ------------------------------------------------------------------------------ 专利留烟重点项目


class RetentionProjectForm(forms.Form):
    name = forms.CharField(label="项目名称", max_length=200)
    origin = forms.CharField(label="项目来源（原权利人或所在地）", max_length=200)
    overseas = forms.BooleanField(label="境外项目", required=False)
    industry = forms.ChoiceField(label="所属产业", choices=_blank(Industry.choices, "—请选择—"))
    description = forms.CharField(
        label="项目简介", widget=forms.Textarea(attrs={"rows": 4}), required=False, max_length=5000
    )
    patent_numbers = forms.CharField(
        label="核心专利（申请号）",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
        help_text="每行一个申请号；平台已登记的专利会自动关联。",
    )
    contact_person = forms.CharField(label="联系人", max_length=40, required=False)
    contact_phone = forms.CharField(label="联系电话", max_length=40, required=False)


class RelocateForm(forms.Form):
    organisation = forms.CharField(
        label="项目承担单位", max_length=200, help_text="统一社会信用代码或一企一档中的单位名称。"
    )
    relocated_on = DateField(label="落户日期", widget=DATE_WIDGET)


class FollowUpForm(forms.Form):
    on = DateField(label="日期", widget=DATE_WIDGET)
    service = forms.ChoiceField(label="服务内容", choices=RetentionService.choices)
    text = forms.CharField(label="情况记录", widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)


class RetentionFilterForm(forms.Form):
    q = SearchField(help_text="项目名称")
    status = forms.ChoiceField(label="状态", choices=_blank(RetentionStatus.choices), required=False)
    industry = forms.ChoiceField(label="所属产业", choices=_blank(Industry.choices), required=False)
    region = forms.ModelChoiceField(
        label="落户区市", queryset=Region.objects.all(), required=False, empty_label="全部"
    )
