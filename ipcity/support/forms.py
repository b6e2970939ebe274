"""Forms of the support pages: bound and checked here for shape, checked again by the services."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms

from ipcity.core.models import Region
from ipcity.lib.inputs import DateField, SearchField
from ipcity.registry.choices import Industry
from ipcity.registry.models import Organisation
from ipcity.support.choices import (
    AgencyKind,
    CentreIndustry,
    ExpertTitle,
    RecognitionLevel,
    RelationKind,
    TrainingKind,
)

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class OrganisationChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Organisation) -> str:
        return obj.name


class ExpertFilterForm(forms.Form):
    q = SearchField(label="关键词", help_text="姓名、工作单位或专长")
    field = forms.ChoiceField(label="专业领域", required=False, choices=[("", "全部"), *Industry.choices])


class ExpertForm(forms.Form):
    name = forms.CharField(label="姓名", max_length=40)
    title = forms.ChoiceField(label="职称", required=False, choices=[("", "—请选择—"), *ExpertTitle.choices])
    field = forms.ChoiceField(label="专业领域（产业）", choices=[("", "—请选择—"), *Industry.choices])
    ipc_subclasses = forms.CharField(
        label="专业领域（IPC小类）", max_length=200, required=False, help_text="如 G06F H04L，以空格分隔"
    )
    speciality = forms.CharField(label="专长", max_length=100, required=False)
    employer_name = forms.CharField(label="工作单位", max_length=200, required=False)
    employer = OrganisationChoice(
        label="工作单位（登记机构，用于回避）",
        queryset=Organisation.objects.order_by("name"),
        required=False,
    )
    phone = forms.CharField(label="联系电话", max_length=40, required=False)
    email = forms.EmailField(label="电子邮箱", required=False)
    available = forms.BooleanField(label="可参加评审", required=False, initial=True)
    active = forms.BooleanField(label="在库", required=False, initial=True)
    note = forms.CharField(label="备注", max_length=300, required=False)

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if editing:  # the name and the employer's name are the record's key
            del self.fields["name"]
            del self.fields["employer_name"]


class RelationForm(forms.Form):
    organisation = OrganisationChoice(label="关系单位", queryset=Organisation.objects.order_by("name"))
    kind = forms.ChoiceField(label="关系", choices=[("", "—请选择—"), *RelationKind.choices])
    note = forms.CharField(label="说明", max_length=300, required=False)


class TrainingForm(forms.Form):
    title = forms.CharField(label="培训名称", max_length=200)
    organiser = forms.CharField(label="主办单位", max_length=200)
    kind = forms.ChoiceField(label="培训类别", choices=[("", "—请选择—"), *TrainingKind.choices])
    start_date = DateField(label="开始日期", widget=DATE_WIDGET)
    end_date = DateField(label="结束日期", widget=DATE_WIDGET)
    hours = forms.DecimalField(
        label="学时", max_digits=5, decimal_places=1, min_value=Decimal("0.5"), max_value=Decimal("1000")
    )
    place = forms.CharField(label="地点", max_length=200)
    region = forms.ModelChoiceField(
        label="所在区市", queryset=Region.objects.order_by("code"), required=False, empty_label="（全市）"
    )


class PersonForm(forms.Form):
    name = forms.CharField(label="姓名", max_length=60)
    organisation_name = forms.CharField(label="单位", max_length=200, required=False)
    phone = forms.CharField(label="电话", max_length=40, required=False)


class SheetForm(forms.Form):
    file = forms.FileField(label="签到表（Excel：姓名、单位、电话）")


class TrainingFilterForm(forms.Form):
    q = SearchField(label="关键词", help_text="培训名称、主办单位或地点")
    year = forms.IntegerField(label="年度", required=False, min_value=2000, max_value=2099)


class AgencyFilterForm(forms.Form):
    q = SearchField(label="关键词", help_text="机构名称、服务内容或资质")
    kind = forms.ChoiceField(label="服务类型", required=False, choices=[("", "全部"), *AgencyKind.choices])
    region = forms.ModelChoiceField(
        label="服务区市", queryset=Region.objects.order_by("code"), required=False, empty_label="全部"
    )


class AgencyProfileForm(forms.Form):
    kinds = forms.MultipleChoiceField(
        label="服务类型", choices=AgencyKind.choices, widget=forms.CheckboxSelectMultiple
    )
    qualifications = forms.CharField(
        label="资质", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    services = forms.CharField(
        label="服务内容", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    districts = forms.ModelMultipleChoiceField(
        label="服务区市",
        queryset=Region.objects.order_by("code"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    phone = forms.CharField(label="对外联系电话", max_length=40, required=False)
    website = forms.URLField(label="网址", required=False, assume_scheme="https")


class StaffForm(forms.Form):
    name = forms.CharField(label="姓名", max_length=40)
    licence_number = forms.CharField(label="执业证号", max_length=40, required=False)
    position = forms.CharField(label="职务", max_length=40, required=False)


class ClusterApplyForm(forms.Form):
    statement = forms.CharField(
        label="入驻申请说明", max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(label="理由", max_length=300)


class ClusterReportForm(forms.Form):
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2099)
    staff = forms.IntegerField(label="从业人员（人）", min_value=0, max_value=1_000_000)
    revenue = forms.DecimalField(
        label="营业收入（元）", min_value=Decimal(0), max_digits=16, decimal_places=2
    )
    clients = forms.IntegerField(label="服务客户数", min_value=0, max_value=10_000_000)


class YearForm(forms.Form):
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2099, required=False)


# ------------------------------------------------------------------------------------------ 联盟


class AllianceFilterForm(forms.Form):
    q = SearchField(label="关键词", help_text="联盟名称、牵头单位或简介")
    industry = forms.ChoiceField(label="所属产业", required=False, choices=[("", "全部"), *Industry.choices])


class AllianceForm(forms.Form):
    name = forms.CharField(label="联盟名称", max_length=200)
    industry = forms.ChoiceField(label="所属产业", choices=[("", "—请选择—"), *Industry.choices])
    lead = OrganisationChoice(label="牵头单位（登记机构）", queryset=Organisation.objects.order_by("name"))
    organisation = OrganisationChoice(
        label="联盟登记机构（申报联盟奖励的主体）",
        queryset=Organisation.objects.order_by("name"),
        required=False,
        help_text="联盟未单独登记时留空，由牵头单位申报",
    )
    founded_on = DateField(label="成立日期", widget=DATE_WIDGET)
    description = forms.CharField(
        label="简介", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if editing:  # the name is the record's key
            del self.fields["name"]


class MembersForm(forms.Form):
    organisations = forms.ModelMultipleChoiceField(
        label="成员单位（登记机构）", queryset=Organisation.objects.order_by("name")
    )


class MemberForm(forms.Form):
    organisation = OrganisationChoice(label="成员单位", queryset=Organisation.objects.all())


class RecognitionForm(forms.Form):
    level = forms.ChoiceField(label="认定类别", choices=[("", "—请选择—"), *RecognitionLevel.choices])
    recognised_on = DateField(label="认定日期", widget=DATE_WIDGET)
    issuer = forms.CharField(label="认定机关", max_length=100)
    document_number = forms.CharField(label="文号", max_length=100, required=False)


class PoolForm(forms.Form):
    name = forms.CharField(label="专利池名称", max_length=200)
    established_on = DateField(label="组建日期", widget=DATE_WIDGET)
    licensing_terms = forms.CharField(
        label="许可条件", max_length=4000, widget=forms.Textarea(attrs={"rows": 3}),
        help_text="许可方式、费用标准、对象范围等",
    )  # fmt: skip
    patent_numbers = forms.CharField(
        label="入池专利申请号",
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="每行或以空格分隔一个申请号，如 2021100000001.5；须已在平台登记",
    )

    def clean_patent_numbers(self) -> list[str]:
        raw = self.cleaned_data.get("patent_numbers") or ""
        return [n for n in raw.replace("，", " ").replace(",", " ").split() if n]


# ------------------------------------------------------------------------------------------ 运营中心


class CentreForm(forms.Form):
    industry = forms.ChoiceField(label="产业", choices=[("", "—请选择—"), *CentreIndustry.choices])
    name = forms.CharField(label="运营中心名称", max_length=200)
    organisation = OrganisationChoice(
        label="承建单位（登记机构）", queryset=Organisation.objects.order_by("name")
    )
    established_on = DateField(label="设立日期", widget=DATE_WIDGET, required=False)
    services = forms.CharField(
        label="服务内容", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class AssessmentOpenForm(forms.Form):
    year = forms.IntegerField(label="考评年度", min_value=2022, max_value=2099)


class AssessmentReportForm(forms.Form):
    """One number field per item the centre reports (built from the scoring table)."""

    def __init__(self, *args: Any, items: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for code, label in items:
            self.fields[code] = forms.DecimalField(
                label=label, required=False, min_value=Decimal(0), max_digits=14, decimal_places=2
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        return {"values": {k: v for k, v in data.items() if k in self.fields}}


class RatingYearForm(forms.Form):
    year = forms.IntegerField(label="评级年度", min_value=2022, max_value=2099)
