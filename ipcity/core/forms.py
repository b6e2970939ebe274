from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from openpyxl import load_workbook

from ipcity.core.audit_labels import object_type_label
from ipcity.core.choices import CalendarDayKind
from ipcity.core.models import AuditEvent
from ipcity.lib.inputs import DateField, SearchField


class ContactForm(forms.Form):
    contact_person = forms.CharField(label="联络人", max_length=40, required=False)
    contact_phone = forms.RegexField(
        label="联系电话",
        max_length=40,
        required=False,
        regex=r"^[0-9+\-() ]{5,40}$",
        error_messages={"invalid": "电话号码只能包含数字、空格和 + - ( )，至少 5 位。"},
    )
    contact_email = forms.EmailField(
        label="电子邮箱",
        required=False,
        max_length=254,  # the column's length (Django's form field alone allows 320)
        error_messages={
            "invalid": "请输入有效的电子邮箱地址。",
            "max_length": "电子邮箱最多 %(limit_value)d 个字符（现有 %(show_value)d 个）。",
        },
    )


class AuditFilterForm(forms.Form):
    actor = SearchField(label="操作人", max_length=150)
    action = SearchField(label="操作", max_length=80)
    object_type = forms.ChoiceField(label="对象类型", required=False)
    date_from = DateField(label="起始日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = DateField(label="截止日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    q = SearchField(label="对象关键词")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        types = AuditEvent.objects.order_by("object_type").values_list("object_type", flat=True).distinct()
        field = self.fields["object_type"]
        assert isinstance(field, forms.ChoiceField)
        labelled = sorted(((t, object_type_label(t)) for t in types), key=lambda c: c[1])
        field.choices = [("", "全部"), *labelled]


MAX_TABLE_ROWS = 200
MAX_TABLE_FILE_BYTES = 1024 * 1024
_CELL_SEPARATORS = re.compile(r"[,，;；]")


def table_lines(text: str) -> list[tuple[int, list[str]]]:
    """Pasted rows as (line number, cells): cells split on tabs (copied from a spreadsheet), else on
    commas or semicolons, else on spaces (the service finds the 类型 cell by its word)."""
    rows = []
    for number, line in enumerate(text.splitlines(), start=1):
        if "\t" in line:
            cells = line.split("\t")
        elif _CELL_SEPARATORS.search(line):
            cells = _CELL_SEPARATORS.split(line)
        else:
            cells = line.split()
        rows.append((number, [c.strip() for c in cells]))
    return rows


def workbook_lines(upload: UploadedFile) -> list[tuple[int, list[object]]]:
    try:
        workbook = load_workbook(upload, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises several types for a file that is not a workbook
        raise forms.ValidationError("不是有效的 Excel（.xlsx）文件。") from exc
    sheet = workbook.worksheets[0]
    rows = [(n, list(values)) for n, values in enumerate(sheet.iter_rows(values_only=True), start=1)]
    workbook.close()
    return rows


class BootstrapForm(forms.Form):
    """Widgets with Bootstrap's classes, and is-invalid on the fields with errors."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            css = (
                "form-check-input"
                if isinstance(widget, forms.CheckboxInput)
                else "form-select"
                if isinstance(widget, forms.Select)
                else "form-control"
            )
            widget.attrs["class"] = css

    def full_clean(self) -> None:
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["class"] += " is-invalid"
                widget.attrs["aria-describedby"] = f"{self[name].auto_id}-err"


class CalendarImportForm(BootstrapForm):
    """A year of the working-day calendar: the notice, and its dates as a small table."""

    year = forms.IntegerField(
        label="年份", min_value=2000, max_value=2100, error_messages={"invalid": "年份应为四位数字。"}
    )
    notice = forms.CharField(label="通知标题", max_length=200)
    number = forms.CharField(label="文号", max_length=60, required=False, help_text="通知原文有文号时填写。")
    issuer = forms.CharField(label="发布机关", max_length=60, initial="国务院办公厅")
    published = forms.DateField(
        label="发布日期",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "日期格式应为 YYYY-MM-DD。"},
    )
    note = forms.CharField(label="说明", max_length=300, required=False)
    table = forms.CharField(
        label="日期表",
        required=False,
        widget=forms.Textarea(attrs={"rows": 14, "spellcheck": "false"}),
        help_text="每行一项：日期或起止日期、类型（放假或调休上班）、节日名称，用制表符、逗号或空格分隔；"
        "可从 Excel 直接复制粘贴。放假的日期含周末（按通知写明的起止日期填写）。",
    )
    file = forms.FileField(
        label="或上传 Excel 文件",
        required=False,
        help_text="第一张工作表，列同上（可有表头行）。",
    )
    replace = forms.BooleanField(label="替换该年已有的安排", required=False)

    def clean_file(self) -> UploadedFile | None:
        upload = self.cleaned_data.get("file")
        if upload is not None and upload.size is not None and upload.size > MAX_TABLE_FILE_BYTES:
            raise forms.ValidationError("文件超过 1 MB，节假日安排不会有这么多行。")
        return upload

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        upload, text = data.get("file"), (data.get("table") or "").strip()
        if upload is not None and text:
            raise forms.ValidationError("请只用一种方式：粘贴日期表，或上传 Excel 文件。")
        if upload is not None:
            try:
                rows: list[tuple[int, Sequence[object]]] = list(workbook_lines(upload))
            except forms.ValidationError as exc:
                self.add_error("file", exc)
                return data
        elif text:
            rows = list(table_lines(text))
        else:
            raise forms.ValidationError("请粘贴日期表或上传 Excel 文件。")
        if sum(1 for _n, cells in rows if any(c not in (None, "") for c in cells)) > MAX_TABLE_ROWS:
            raise forms.ValidationError(f"日期表超过 {MAX_TABLE_ROWS} 行；每年的安排只有二三十行。")
        data["rows"] = rows
        return data


class CalendarDayForm(BootstrapForm):
    date = forms.DateField(
        label="日期",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "日期格式应为 YYYY-MM-DD。"},
    )
    kind = forms.ChoiceField(label="类型", choices=CalendarDayKind.choices)
    name = forms.CharField(label="节日名称", max_length=40, required=False, help_text="放假的日期必填。")
