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
    AllianceRecognitionLevel,
    CentreIndustry,
    ExpertTitle,
    RecognitionKind,
    RecognitionLevel,
    RelationKind,
    TalentKind,
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


class ImportForm(forms.Form):
    """An Excel list to import (the columns are the page's template's)."""

    file = forms.FileField(label="Excel 文件（.xlsx，按模板填写）")


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


class AllianceRecognitionForm(forms.Form):
    level = forms.ChoiceField(label="认定类别", choices=[("", "—请选择—"), *AllianceRecognitionLevel.choices])
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


# ------------------------------------------------------------------------------------------ 人才库、强企


def _enterprises() -> Any:
    from ipcity.registry.choices import OrganisationKind

    return Organisation.objects.filter(kind=OrganisationKind.ENTERPRISE).order_by("name")


class TalentFilterForm(forms.Form):
    q = SearchField(label="关键词", help_text="姓名、工作单位或职称")
    kind = forms.ChoiceField(label="人才类别", required=False, choices=[("", "全部"), *TalentKind.choices])
    field = forms.ChoiceField(label="专业领域", required=False, choices=[("", "全部"), *Industry.choices])
    year = forms.IntegerField(label="入库年度", min_value=1990, max_value=2099, required=False)


class TalentForm(forms.Form):
    name = forms.CharField(label="姓名", max_length=40)
    kind = forms.ChoiceField(label="人才类别", choices=[("", "—请选择—"), *TalentKind.choices])
    employer = OrganisationChoice(
        label="工作单位（登记机构）", queryset=Organisation.objects.order_by("name")
    )
    field = forms.ChoiceField(
        label="专业领域（产业）", required=False, choices=[("", "—请选择—"), *Industry.choices]
    )
    title = forms.CharField(label="职称/职务", max_length=60, required=False)
    recognised_year = forms.IntegerField(label="入库年度", min_value=1990, max_value=2099)
    phone = forms.CharField(label="联系电话", max_length=40, required=False, help_text="仅市局可见")
    email = forms.EmailField(label="电子邮箱", required=False, help_text="仅市局可见")
    active = forms.BooleanField(label="在库", required=False, initial=True)
    note = forms.CharField(label="备注", max_length=300, required=False)


class RecognitionFilterForm(forms.Form):
    q = SearchField(label="关键词", help_text="企业名称或认定文号")
    level = forms.ChoiceField(
        label="认定级别", required=False, choices=[("", "全部"), *RecognitionLevel.choices]
    )
    kind = forms.ChoiceField(
        label="认定类别", required=False, choices=[("", "全部"), *RecognitionKind.choices]
    )
    year = forms.IntegerField(label="认定年度", min_value=2000, max_value=2099, required=False)


class RecognitionForm(forms.Form):
    organisation = OrganisationChoice(label="企业", queryset=Organisation.objects.none())
    level = forms.ChoiceField(label="认定级别", choices=[("", "—请选择—"), *RecognitionLevel.choices])
    kind = forms.ChoiceField(label="认定类别", choices=[("", "—请选择—"), *RecognitionKind.choices])
    year = forms.IntegerField(label="认定年度", min_value=2000, max_value=2099)
    document_number = forms.CharField(label="认定文号", max_length=60, required=False)
    issued_on = DateField(label="认定文件印发日期", widget=DATE_WIDGET, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = _enterprises()  # type: ignore[attr-defined]


class BatchForm(forms.Form):
    year = forms.IntegerField(label="认定年度", min_value=2022, max_value=2099)
    note = forms.CharField(label="说明", max_length=300, required=False)


class CandidateForm(forms.Form):
    organisation = OrganisationChoice(label="申报企业", queryset=Organisation.objects.none())
    applied_on = DateField(label="申报日期", widget=DATE_WIDGET, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = _enterprises()  # type: ignore[attr-defined]


class EvaluateForm(forms.Form):
    candidate = forms.IntegerField(widget=forms.HiddenInput)
    score = forms.DecimalField(
        label="评审得分",
        max_digits=5,
        decimal_places=1,
        min_value=Decimal(0),
        max_value=Decimal(100),
        required=False,
    )
    selected = forms.BooleanField(label="拟认定", required=False)
    review_note = forms.CharField(label="评审意见", max_length=300, required=False)


class DocumentForm(forms.Form):
    document_number = forms.CharField(label="认定文号", max_length=60)


class StationForm(forms.Form):
    name = forms.CharField(label="辅导站名称", max_length=200)
    host = OrganisationChoice(label="依托单位", queryset=Organisation.objects.order_by("name"))
    established_on = DateField(label="设立日期", widget=DATE_WIDGET)
    contact_person = forms.CharField(label="联系人", max_length=40, required=False)
    phone = forms.CharField(label="联系电话", max_length=40, required=False)
    active = forms.BooleanField(label="运行中", required=False, initial=True)


class CoachingForm(forms.Form):
    enterprise = OrganisationChoice(label="辅导企业", queryset=Organisation.objects.none())
    started_on = DateField(label="开始辅导日期", widget=DATE_WIDGET)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = _enterprises()  # type: ignore[attr-defined]


class CoachingEndForm(forms.Form):
    ended_on = DateField(label="结束辅导日期", widget=DATE_WIDGET)
    outcome = forms.CharField(label="辅导结果", max_length=300, required=False)


class DenseProductForm(forms.Form):
    enterprise = OrganisationChoice(label="生产企业", queryset=Organisation.objects.none())
    name = forms.CharField(label="产品名称", max_length=200)
    filed_on = DateField(label="备案日期", widget=DATE_WIDGET)
    patents = forms.CharField(
        label="支撑专利（申请号）",
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="每行或以空格分隔一个申请号",
    )
    note = forms.CharField(label="说明", max_length=300, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = _enterprises()  # type: ignore[attr-defined]

    def clean_patents(self) -> list[Any]:
        from ipcity.lib.identifiers import IdentifierError, normalize_patent_application_number
        from ipcity.registry.models import Patent

        raw = self.cleaned_data["patents"].replace(",", " ").replace("，", " ").replace("、", " ").split()
        numbers, bad = [], []
        for value in raw:
            try:
                numbers.append(normalize_patent_application_number(value))
            except IdentifierError:
                bad.append(value)
        if bad:
            raise forms.ValidationError(f"申请号格式不正确：{'、'.join(bad[:5])}")
        found = {p.application_number: p for p in Patent.objects.filter(application_number__in=numbers)}
        missing = [n for n in numbers if n not in found]
        if missing:
            raise forms.ValidationError(f"专利库中没有：{'、'.join(missing[:5])}")
        return [found[n] for n in dict.fromkeys(numbers)]


class DenseRecogniseForm(forms.Form):
    year = forms.IntegerField(label="认定年度", min_value=2000, max_value=2099)


class DenseProductFilterForm(forms.Form):
    q = SearchField(label="关键词", help_text="产品名称或企业名称")
    recognised = forms.ChoiceField(
        label="认定情况",
        required=False,
        choices=[("", "全部"), ("yes", "已认定"), ("no", "已备案未认定")],
    )
