"""Forms of the white paper pages: checked here for shape, again by the services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from ipcity.reports.services import FIRST_YEAR, MAX_EDITORIAL_CHARS


def year_choices() -> list[tuple[int, str]]:
    """The completed years from the plan's base year on, newest first."""
    return [(y, f"{y} 年") for y in range(timezone.localdate().year - 1, FIRST_YEAR - 1, -1)]


class YearForm(forms.Form):
    year = forms.TypedChoiceField(label="年度", coerce=int, choices=())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = year_choices()  # type: ignore[attr-defined]
        self.fields["year"].widget.attrs["class"] = "form-select form-select-sm"


class EditorialForm(forms.Form):
    foreword = forms.CharField(
        label="前言",
        required=False,
        max_length=MAX_EDITORIAL_CHARS,
        widget=forms.Textarea(attrs={"rows": 8, "class": "form-control"}),
        help_text="每段一行；合并到之后生成的白皮书。",
    )
    highlights = forms.CharField(
        label="年度亮点",
        required=False,
        max_length=MAX_EDITORIAL_CHARS,
        widget=forms.Textarea(attrs={"rows": 6, "class": "form-control"}),
        help_text="每行一条。",
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label="理由", max_length=300, widget=forms.TextInput(attrs={"class": "form-control"})
    )
