from __future__ import annotations

from django import forms

from ipcity.indicators.models import Indicator
from ipcity.lib.uploads import within_upload_size
from ipcity.portal.choices import NoticeKind


class NoticeForm(forms.Form):
    kind = forms.ChoiceField(label="类别", choices=NoticeKind.choices)
    title = forms.CharField(label="标题", max_length=200)
    body = forms.CharField(label="正文", widget=forms.Textarea(attrs={"rows": 12}))
    attachment = forms.FileField(
        label="附件（可选）", required=False, help_text="PDF、Word、Excel、WPS、OFD 或图片；保存后可继续添加"
    )

    def clean_attachment(self) -> object:
        upload = self.cleaned_data.get("attachment")
        return within_upload_size(upload) if upload else None


class PublicIndicatorsForm(forms.Form):
    indicators = forms.MultipleChoiceField(
        label="向公众展示的指标", required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["indicators"].choices = [  # type: ignore[attr-defined]
            (i.code, f"{i.name}（{i.unit}）") for i in Indicator.objects.order_by("position", "code")
        ]
