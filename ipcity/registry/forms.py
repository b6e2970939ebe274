from __future__ import annotations

from django import forms


class OrganisationContactForm(forms.Form):
    address = forms.CharField(label="地址", max_length=300, required=False)
    contact_person = forms.CharField(label="联系人", max_length=40, required=False)
    contact_phone = forms.RegexField(
        label="联系电话",
        max_length=40,
        required=False,
        regex=r"^[0-9+\-() ]{5,40}$",
        error_messages={"invalid": "电话号码只能包含数字、空格和 + - ( )，至少 5 位。"},
    )
