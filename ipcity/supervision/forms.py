from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import forms

from ipcity.core.models import Department, Region
from ipcity.lib.inputs import DateField, SearchField
from ipcity.lib.uploads import within_upload_size
from ipcity.plans.models import Plan, Programme
from ipcity.supervision.choices import FollowUpKind, ReportFrequency, RuleKind


class AsOfForm(forms.Form):
    as_of = DateField(label="截至日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))


class MilestoneFilterForm(forms.Form):
    as_of = DateField(label="截至日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    year = forms.TypedChoiceField(label="年度", required=False, coerce=int, empty_value=None)
    programme = forms.ModelChoiceField(
        label="重点工程",
        queryset=Programme.objects.none(),
        required=False,
        to_field_name="code",
        empty_label="全部",
    )
    department = forms.ModelChoiceField(
        label="责任部门",
        queryset=Department.objects.all(),
        required=False,
        to_field_name="code",
        empty_label="全部",
    )
    region = forms.ModelChoiceField(
        label="责任区市",
        queryset=Region.objects.all(),
        required=False,
        to_field_name="code",
        empty_label="全部",
    )
    colour = forms.ChoiceField(label="标记", required=False)
    q = SearchField()

    def __init__(self, *args: Any, plan: Plan, colours: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        years = range(plan.period_start.year, plan.period_end.year + 1)
        self.fields["year"].choices = [("", "全部"), *[(y, f"{y}年") for y in years]]  # type: ignore[attr-defined]
        self.fields["programme"].queryset = Programme.objects.filter(plan=plan)  # type: ignore[attr-defined]
        self.fields["colour"].choices = [("", "全部"), *colours, ("none", "无标记"), ("complete", "已完成")]  # type: ignore[attr-defined]


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; their type and size are checked by core.attachments."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


class ReportForm(forms.Form):
    percent_complete = forms.DecimalField(
        label="完成进度（%）", min_value=Decimal(0), max_value=Decimal(100), max_digits=4, decimal_places=1
    )
    actual_value = forms.DecimalField(
        label="完成量", required=False, max_digits=20, decimal_places=4, min_value=Decimal(0)
    )
    narrative = forms.CharField(label="进展情况", widget=forms.Textarea(attrs={"rows": 6}), max_length=5000)
    attachments = MultipleFileField(label="附件（PDF、Word、Excel、JPG、PNG）", required=False)

    def __init__(self, *args: Any, quantitative: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["actual_value"].required = quantitative


# The forms below are posted through core.workflow.act, which shows their errors as messages on the
# page they came from: each message names its field.
TOO_LONG = "最多 %(limit_value)d 个字（现有 %(show_value)d 个）。"


class ReturnForm(forms.Form):
    comment = forms.CharField(
        label="退回意见",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": "退回报告时请写明退回意见。", "max_length": "退回意见" + TOO_LONG},
    )


class AcceptForm(forms.Form):
    comment = forms.CharField(
        label="审核意见（可选）",
        required=False,
        max_length=2000,
        error_messages={"max_length": "审核意见" + TOO_LONG},
    )


class FollowUpForm(forms.Form):
    kind = forms.ChoiceField(
        label="跟进类型",
        choices=FollowUpKind.choices,
        error_messages={"required": "请选择跟进类型。", "invalid_choice": "跟进类型无效。"},
    )
    on = DateField(
        label="日期",
        widget=forms.DateInput(attrs={"type": "date"}),
        initial=dt.date.today,
        error_messages={"required": "请填写跟进日期。"},
    )
    note = forms.CharField(
        label="情况说明",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": "请填写情况说明。", "max_length": "情况说明" + TOO_LONG},
    )


class RuleSetForm(forms.Form):
    kind = forms.ChoiceField(label="规则类型", choices=RuleKind.choices, widget=forms.HiddenInput)
    text = forms.CharField(
        label="规则文本", widget=forms.Textarea(attrs={"rows": 30, "class": "font-monospace"})
    )
    note = forms.CharField(label="修改说明", max_length=300)


class RowSettingForm(forms.Form):
    is_key_project = forms.BooleanField(label="重点项目", required=False)
    report_frequency = forms.ChoiceField(label="报送频次", choices=ReportFrequency.choices)


class ImportForm(forms.Form):
    file = forms.FileField(label="年度任务分解表（.xlsx）")

    def clean_file(self) -> Any:
        return within_upload_size(self.cleaned_data["file"])


class AssessmentForm(forms.Form):
    year = forms.TypedChoiceField(label="考核年度", coerce=int)
    as_of = DateField(label="截至日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, plan: Plan, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        years = range(plan.period_start.year, plan.period_end.year + 1)
        self.fields["year"].choices = [(y, f"{y}年") for y in years]  # type: ignore[attr-defined]
