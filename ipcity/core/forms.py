from __future__ import annotations

from django import forms

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
        field.choices = [("", "全部"), *[(t, t) for t in types]]
