"""Forms of the protection pages: bound and checked here for shape, checked again by the services."""

from __future__ import annotations

from typing import Any

from django import forms

from ipcity.core.models import Region
from ipcity.lib.inputs import DateField, SearchField
from ipcity.protection.choices import (
    AidBodyKind,
    ComplaintStatus,
    CreditKind,
    CreditStatus,
    DisputeKind,
    DisputeStatus,
    MeasureKind,
    OverseasOutcome,
    RightKind,
    RiskCheckPurpose,
    RiskKind,
    SecretSiteKind,
)
from ipcity.protection.models import AidBody, MediationBody
from ipcity.registry.choices import Industry
from ipcity.registry.models import Organisation

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _blank(choices: Any, label: str = "全部") -> list[tuple[str, str]]:
    return [("", label), *choices]


class _Styled(forms.Form):
    """Bootstrap classes on every widget (CSP: no inline styles)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.Select):
                widget.attrs.setdefault("class", "form-select")
            else:
                widget.attrs.setdefault("class", "form-control")


class OrganisationChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Organisation) -> str:
        return obj.name


def _text(label: str, *, rows: int = 3, max_length: int = 2000, required: bool = True) -> forms.CharField:
    return forms.CharField(
        label=label,
        widget=forms.Textarea(attrs={"rows": rows}),
        max_length=max_length,
        required=required,
        error_messages={"required": f"请填写{label}。", "max_length": f"{label}最多 {max_length} 字。"},
    )


# ------------------------------------------------------------------------------------ credit


class CreditFilterForm(forms.Form):
    q = SearchField(help_text="机构名称、认定机关或文号")
    kind = forms.ChoiceField(label="类别", choices=_blank(CreditKind.choices), required=False)
    status = forms.ChoiceField(label="状态", choices=_blank(CreditStatus.choices), required=False)


class PublicCreditFilterForm(forms.Form):
    q = SearchField(help_text="机构名称")


class CreditRecordForm(_Styled):
    organisation = OrganisationChoice(
        label="机构",
        queryset=Organisation.objects.order_by("name"),
        error_messages={"required": "请选择机构。"},
    )
    kind = forms.ChoiceField(label="类别", choices=CreditKind.choices)
    legal_basis = forms.CharField(
        label="认定依据", max_length=300, required=False, help_text="法律法规及条款"
    )
    source = forms.CharField(
        label="认定机关及文号", max_length=200, error_messages={"required": "请填写认定机关及文号。"}
    )
    document = forms.FileField(label="认定文书", required=False, help_text="PDF 或图片")
    start = DateField(label="起始日期", widget=DATE_WIDGET)
    end = DateField(label="终止日期", widget=DATE_WIDGET, required=False, help_text="留空表示仍在名单中")
    note = forms.CharField(label="说明", max_length=300, required=False)
    public = forms.BooleanField(label="在信用名单中公示", required=False)


class ReasonForm(_Styled):
    reason = _text("理由")


class EndForm(_Styled):
    end = DateField(label="终止日期", widget=DATE_WIDGET)


class ReviewForm(_Styled):
    decision = forms.ChoiceField(label="结论", choices=[], error_messages={"required": "请选择结论。"})
    comment = _text("意见", max_length=300)

    def __init__(self, *args: Any, decisions: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["decision"].choices = decisions  # type: ignore[attr-defined]


OBJECTION_DECISIONS = [("upheld", "异议成立，撤销记录"), ("dismissed", "异议不成立，维持记录")]
REPAIR_DECISIONS = [("approved", "准予信用修复"), ("refused", "不予信用修复")]


# ------------------------------------------------------------------------------------ complaints


class ComplaintFilterForm(forms.Form):
    q = SearchField(help_text="店铺、权利人、权利号")
    status = forms.ChoiceField(label="状态", choices=_blank(ComplaintStatus.choices), required=False)


class ComplaintForm(_Styled):
    platform = OrganisationChoice(
        label="电商平台",
        queryset=Organisation.objects.none(),
        error_messages={"required": "请选择电商平台。"},
    )
    shop = forms.CharField(label="店铺名称", max_length=200, error_messages={"required": "请填写店铺名称。"})
    listing_url = forms.URLField(
        label="商品链接",
        max_length=500,
        assume_scheme="https",
        error_messages={"required": "请填写商品链接。", "invalid": "商品链接应为完整网址。"},
    )
    right_kind = forms.ChoiceField(label="权利类型", choices=RightKind.choices)
    right_number = forms.CharField(
        label="权利证书号或申请号",
        max_length=60,
        help_text="专利填申请号（如 CN202310000001.X），平台将与专利数据核对",
        error_messages={"required": "请填写权利证书号或申请号。"},
    )
    proof = forms.FileField(
        label="权属证明", required=False, help_text="不在本平台专利数据中的权利须上传（PDF 或图片）"
    )
    evidence = _text("侵权初步证据", rows=4)

    def __init__(self, *args: Any, platforms: list[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["platform"].queryset = Organisation.objects.filter(  # type: ignore[attr-defined]
            pk__in=[p.pk for p in platforms]
        ).order_by("name")


class MeasureForm(_Styled):
    measure = forms.ChoiceField(label="必要措施", choices=MeasureKind.choices)


class CounterNoticeForm(_Styled):
    statement = _text("经营者不侵权声明", rows=4)


class FeedbackForm(_Styled):
    score = forms.TypedChoiceField(
        label="办结满意度",
        coerce=int,
        choices=[
            (5, "5 分 非常满意"),
            (4, "4 分 满意"),
            (3, "3 分 一般"),
            (2, "2 分 不满意"),
            (1, "1 分 很不满意"),
        ],
    )
    note = forms.CharField(label="意见", max_length=300, required=False)


# ------------------------------------------------------------------------------------ disputes


class DisputeFilterForm(forms.Form):
    q = SearchField(help_text="当事人、请求事项")
    kind = forms.ChoiceField(label="案件类型", choices=_blank(DisputeKind.choices), required=False)
    status = forms.ChoiceField(label="状态", choices=_blank(DisputeStatus.choices), required=False)


class DisputeForm(_Styled):
    kind = forms.ChoiceField(label="案件类型", choices=DisputeKind.choices)
    region = forms.ModelChoiceField(
        label="办理区市", queryset=Region.objects.none(), error_messages={"required": "请选择办理区市。"}
    )
    claimant = OrganisationChoice(
        label="请求人（机构）",
        queryset=Organisation.objects.order_by("name"),
        required=False,
        help_text="个人请留空并填写姓名",
    )
    claimant_name = forms.CharField(label="请求人姓名或名称", max_length=200, required=False)
    respondent = OrganisationChoice(
        label="被请求人（机构）", queryset=Organisation.objects.order_by("name"), required=False
    )
    respondent_name = forms.CharField(label="被请求人姓名或名称", max_length=200, required=False)
    patent_numbers = forms.CharField(
        label="涉案专利",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="专利申请号，每行一个",
    )
    rights_note = forms.CharField(
        label="涉案权利", max_length=300, required=False, help_text="不在专利数据中的权利在此说明"
    )
    summary = _text("请求事项", rows=3)

    def __init__(self, *args: Any, regions: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions  # type: ignore[attr-defined]


class InvestigatorForm(_Styled):
    investigator = forms.CharField(label="技术调查官", max_length=100)


class DecisionForm(_Styled):
    decision = _text("裁决结果", rows=3)


class EnforcementForm(_Styled):
    enforcement = forms.CharField(label="执行情况", max_length=300)


class MediationBodyForm(_Styled):
    """Assign a mediation body of the register (its accounts then act on the case), or name one."""

    mediator = forms.ModelChoiceField(
        label="调解组织（名录）",
        queryset=MediationBody.objects.filter(active=True),
        required=False,
        help_text="名录中的调解组织的账号可以登记调解协议和司法确认申请",
    )
    mediation_body = forms.CharField(
        label="名录外的调解组织", max_length=200, required=False, help_text="不在名录中时填写名称"
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("mediator") and not (data.get("mediation_body") or "").strip():
            raise forms.ValidationError("请选择名录中的调解组织，或填写调解组织名称。")
        return data


class MediationRegisterForm(_Styled):
    name = forms.CharField(label="名称", max_length=200)
    organisation = OrganisationChoice(
        label="对应机构",
        queryset=Organisation.objects.order_by("name"),
        required=False,
        help_text="该机构的账号可以办理分派给本调解组织的案件",
    )
    region = forms.ModelChoiceField(
        label="所在区市", queryset=Region.objects.order_by("code"), required=False
    )
    contact = forms.CharField(label="联系人", max_length=40, required=False)
    phone = forms.CharField(label="联系电话", max_length=40, required=False)


class AgreementForm(_Styled):
    agreement = _text("调解协议", rows=3)


class CourtForm(_Styled):
    court = forms.CharField(label="司法确认法院", max_length=200)


# ------------------------------------------------------------------------------------ 维权援助, overseas, sites


class AidBodyForm(_Styled):
    name = forms.CharField(label="名称", max_length=200)
    kind = forms.ChoiceField(label="类型", choices=AidBodyKind.choices)
    service_scope = forms.CharField(label="服务范围", max_length=300)
    region = forms.ModelChoiceField(
        label="所在区市", queryset=Region.objects.order_by("code"), required=False
    )
    organisation = OrganisationChoice(
        label="对应机构",
        queryset=Organisation.objects.order_by("name"),
        required=False,
        help_text="该机构的账号可以受理分派给本援助机构的申请并登记办理结果",
    )
    contact = forms.CharField(label="联系人", max_length=40, required=False)
    phone = forms.CharField(label="联系电话", max_length=40, required=False)


class AidRequestForm(_Styled):
    summary = _text("援助事项", rows=3)


class RouteForm(_Styled):
    body = forms.ModelChoiceField(
        label="援助机构",
        queryset=AidBody.objects.filter(active=True),
        error_messages={"required": "请选择援助机构。"},
    )


class ReasonOptionalForm(_Styled):
    reason = forms.CharField(label="说明", max_length=300, required=False)


class AidCloseForm(_Styled):
    outcome = forms.CharField(label="办理结果", max_length=300)
    successful = forms.BooleanField(label="维权成功", required=False)
    influential = forms.BooleanField(
        label="具有较大影响力（市局认定；公益维权奖补的事实依据）", required=False
    )

    def __init__(self, *args: Any, city: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not city:  # 较大影响力 is the city office's finding (services.close_aid_request)
            del self.fields["influential"]


class RiskAlertForm(_Styled):
    title = forms.CharField(label="标题", max_length=200)
    kind = forms.ChoiceField(label="风险类型", choices=RiskKind.choices)
    country = forms.CharField(label="国家或地区", max_length=60)
    industry = forms.ChoiceField(label="产业", choices=_blank(Industry.choices, "不限"), required=False)
    ipc = forms.CharField(
        label="国际专利分类号", max_length=20, required=False, help_text="如 H01M，留空表示不限"
    )
    body = _text("预警内容", rows=4, max_length=5000)


class SubscriptionForm(_Styled):
    industry = forms.ChoiceField(label="产业", choices=_blank(Industry.choices, "不限"), required=False)
    country = forms.CharField(label="国家或地区", max_length=60, required=False)
    own_patents = forms.BooleanField(label="按本单位专利的国际专利分类号", required=False)


class RiskCheckForm(_Styled):
    purpose = forms.ChoiceField(label="事由", choices=RiskCheckPurpose.choices)
    country = forms.CharField(label="目的国家或地区", max_length=60)
    products = forms.CharField(label="产品", max_length=300)
    event_on = DateField(label="展会或出口日期", widget=DATE_WIDGET, required=False)


class AnswerForm(_Styled):
    answer = _text("排查意见", rows=4, max_length=5000)


class OverseasDisputeForm(_Styled):
    organisation = OrganisationChoice(label="当事单位", queryset=Organisation.objects.order_by("name"))
    country = forms.CharField(label="国家或地区", max_length=60)
    kind = forms.ChoiceField(label="纠纷类型", choices=RiskKind.choices)
    opponent = forms.CharField(label="对方当事人", max_length=200)
    forum = forms.CharField(label="受理机构", max_length=200, required=False)
    started_on = DateField(label="开始日期", widget=DATE_WIDGET)
    note = forms.CharField(label="说明", max_length=300, required=False)


class OutcomeForm(_Styled):
    outcome = forms.ChoiceField(label="结果", choices=OverseasOutcome.choices)
    ended_on = DateField(label="结束日期", widget=DATE_WIDGET, required=False)


class SecretSiteForm(_Styled):
    name = forms.CharField(label="名称", max_length=200)
    kind = forms.ChoiceField(label="类型", choices=SecretSiteKind.choices)
    region = forms.ModelChoiceField(label="所在区市", queryset=Region.objects.order_by("code"))
    contact = forms.CharField(label="联系人", max_length=40)
    phone = forms.CharField(label="联系电话", max_length=40)
    designated_on = DateField(label="认定日期", widget=DATE_WIDGET, required=False)
