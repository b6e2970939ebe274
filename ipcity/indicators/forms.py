from __future__ import annotations

from typing import Any

from django import forms

from ipcity.core.models import Region
from ipcity.indicators.models import Indicator
from ipcity.lib.inputs import DateField, whole_number_field
from ipcity.lib.uploads import within_upload_size

YEAR_ERRORS = {
    "min_value": "年份不能早于 %(limit_value)s。",
    "max_value": "年份不能晚于 %(limit_value)s。",
    "invalid": "请输入年份。",
    "required": "请填写年份。",
}


class ReportedValueForm(forms.Form):
    indicator = forms.ModelChoiceField(
        queryset=Indicator.objects.filter(kind="reported"),
        label="指标",
        error_messages={"required": "请选择指标。"},
    )
    region = forms.ModelChoiceField(
        queryset=Region.objects.all(), required=False, label="区市", empty_label="烟台市（全市）"
    )
    year = forms.IntegerField(label="年份", min_value=2015, max_value=2035, error_messages=YEAR_ERRORS)
    value = forms.DecimalField(
        label="数值",
        max_digits=20,
        decimal_places=4,
        error_messages={"invalid": "请输入数字。", "required": "请填写数值。"},
    )
    source = forms.CharField(
        label="来源（文件、文号或发布机构）",
        max_length=300,
        error_messages={"required": "每个数值都必须注明来源。"},
    )
    source_date = DateField(
        label="来源日期",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "日期格式应为 YYYY-MM-DD。", "required": "请填写来源日期。"},
    )


class PopulationForm(forms.Form):
    region = forms.ModelChoiceField(
        queryset=Region.objects.all(), required=False, label="区市", empty_label="烟台市（全市）"
    )
    year = forms.IntegerField(label="年份", min_value=2015, max_value=2035, error_messages=YEAR_ERRORS)
    value = whole_number_field(
        "年末常住人口（人）",
        min_value=1,
        unit=" 人",
        error_messages={
            "invalid": "请输入整数人数。",
            "min_value": "人口必须大于 0。",
            "required": "请填写人口。",
        },
    )
    source = forms.CharField(
        label="来源（统计公报等）", max_length=300, error_messages={"required": "每个数值都必须注明来源。"}
    )


class PopulationGapForm(forms.Form):
    region = forms.ModelChoiceField(
        queryset=Region.objects.all(), required=False, label="区市", empty_label="烟台市（全市）"
    )
    year = forms.IntegerField(label="年份", min_value=2015, max_value=2035, error_messages=YEAR_ERRORS)
    reason = forms.CharField(
        label="原因（如“功能区无常住人口统计”；留空则删除已有说明）", max_length=200, required=False
    )


class UploadForm(forms.Form):
    file = forms.FileField(label="Excel 文件（.xlsx）", error_messages={"required": "请选择文件。"})

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].widget.attrs["accept"] = ".xlsx"

    def clean_file(self) -> Any:
        return within_upload_size(self.cleaned_data["file"])


class SurveyUploadForm(UploadForm):
    organiser = forms.CharField(
        label="组织实施单位", max_length=200, error_messages={"required": "请填写组织实施单位。"}
    )
    method = forms.CharField(
        label="调查方法", max_length=2000, error_messages={"required": "请填写调查方法。"}
    )
    source = forms.CharField(
        label="来源（报告名称、文号）", max_length=300, error_messages={"required": "调查结果必须注明来源。"}
    )
