from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone

from ipcity.api.services import DEFAULT_LIFETIME_DAYS


class TokenForm(forms.Form):
    name = forms.CharField(
        label="用途", max_length=60, help_text="例如对接的系统名称：省惠企平台、12345 热线"
    )
    expires_on = forms.DateField(
        label="有效期至", widget=forms.DateInput(attrs={"type": "date"}), help_text="最长一年"
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["expires_on"].initial = timezone.localdate() + dt.timedelta(days=DEFAULT_LIFETIME_DAYS)
