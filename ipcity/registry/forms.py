from __future__ import annotations

from typing import Any

from django import forms

from ipcity.core.models import Region
from ipcity.lib.identifiers import IdentifierError, normalize_bank_account
from ipcity.lib.inputs import IdField, SearchField
from ipcity.lib.uploads import within_upload_size
from ipcity.registry.choices import (
    DemonstrationZoneStatus,
    GIKind,
    ImportKind,
    Industry,
    LegalStatus,
    LicenceKind,
    OrganisationKind,
    OrganisationTagKind,
    PatentType,
    ReviewStatus,
    TrademarkKind,
    TrademarkStatus,
    VocabularyField,
)
from ipcity.registry.industries import scope_choices
from ipcity.registry.models import Organisation


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


class PayeeAccountForm(forms.Form):
    """收款账户 on the contacts page; the service normalises and checks the number again."""

    payee_name = forms.CharField(label="户名", max_length=200, help_text="一般与机构名称相同")
    payee_bank = forms.CharField(
        label="开户行", max_length=100, help_text="写到支行，如：中国工商银行烟台芝罘支行"
    )
    payee_account = forms.CharField(
        label="账号", max_length=60, help_text="8 到 30 位数字，可按存折或回单上的分段输入空格"
    )

    def clean_payee_account(self) -> str:
        try:
            return normalize_bank_account(self.cleaned_data["payee_account"])
        except IdentifierError as exc:
            raise forms.ValidationError(str(exc)) from exc


class _RegionChoices(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        regions = list(Region.objects.values_list("pk", "name"))  # one query; a list renders without COUNT
        self.fields["region"].choices = [("", "全部"), *regions]  # type: ignore[attr-defined]


def _blank(choices: list[tuple[str, Any]], label: str = "全部") -> list[tuple[str, Any]]:
    return [("", label), *choices]


class PatentFilterForm(_RegionChoices):
    q = SearchField(help_text="名称、申请号或权利人")
    region = forms.TypedChoiceField(label="区市", required=False, coerce=int, empty_value=None)
    patent_type = forms.ChoiceField(label="类型", choices=_blank(PatentType.choices), required=False)
    status = forms.ChoiceField(label="法律状态", choices=_blank(LegalStatus.choices), required=False)
    ipc = SearchField(label="IPC", max_length=20, help_text="小类 G06F、大组 G06F 16 或分类号 G06F 16/30")
    year = forms.IntegerField(label="申请年份", required=False, min_value=1985, max_value=2100)
    scope = forms.ChoiceField(label="产业范围", choices=lambda: _blank(scope_choices()), required=False)
    tag = forms.ChoiceField(
        label="第一权利人标签", choices=_blank(OrganisationTagKind.choices), required=False
    )
    organisation = IdField(label="单位编号", widget=forms.HiddenInput)


class OrganisationFilterForm(_RegionChoices):
    q = SearchField(label="名称或代码")
    region = forms.TypedChoiceField(label="区市", required=False, coerce=int, empty_value=None)
    kind = forms.ChoiceField(label="类型", choices=_blank(OrganisationKind.choices), required=False)
    industry = forms.ChoiceField(label="重点产业", choices=_blank(Industry.choices), required=False)
    tag = forms.ChoiceField(label="标签", choices=_blank(OrganisationTagKind.choices), required=False)


YES_NO = [("", "全部"), ("yes", "是"), ("no", "否")]


class TrademarkFilterForm(_RegionChoices):
    q = SearchField(help_text="注册号、商标名称或注册人")
    region = forms.TypedChoiceField(label="区市", required=False, coerce=int, empty_value=None)
    kind = forms.ChoiceField(label="种类", choices=_blank(TrademarkKind.choices), required=False)
    nice_class = forms.IntegerField(label="尼斯分类", required=False, min_value=1, max_value=45)
    madrid = forms.ChoiceField(label="马德里国际注册", choices=YES_NO, required=False)
    well_known = forms.ChoiceField(label="驰名商标", choices=YES_NO, required=False)
    status = forms.ChoiceField(label="状态", choices=_blank(TrademarkStatus.choices), required=False)
    year = forms.IntegerField(label="注册年份", required=False, min_value=1980, max_value=2100)


class GIFilterForm(_RegionChoices):
    q = SearchField(help_text="产品名称、持有人或公告号")
    region = forms.TypedChoiceField(label="区市", required=False, coerce=int, empty_value=None)
    kind = forms.ChoiceField(label="类别", choices=_blank(GIKind.choices), required=False)
    demonstration_zone = forms.ChoiceField(
        label="保护示范区", choices=_blank(DemonstrationZoneStatus.choices), required=False
    )


class PledgeFilterForm(_RegionChoices):
    q = SearchField(help_text="登记号、出质人或质权人")
    region = forms.TypedChoiceField(label="出质人区市", required=False, coerce=int, empty_value=None)
    year = forms.IntegerField(label="登记年份", required=False, min_value=1990, max_value=2100)
    min_amount = forms.DecimalField(
        label="担保金额不低于（元）", required=False, min_value=0, max_digits=16, decimal_places=2
    )


class LicenceFilterForm(forms.Form):
    q = SearchField(help_text="备案号、许可人/转让人或被许可人/受让人")
    kind = forms.ChoiceField(label="类型", choices=_blank(LicenceKind.choices), required=False)
    year = forms.IntegerField(label="合同年份", required=False, min_value=1985, max_value=2100)
    recorded = forms.ChoiceField(label="已备案/已登记", choices=YES_NO, required=False)


def _profile_choices() -> list[tuple[str, str]]:
    from ipcity.registry.importers.profiles import VOCABULARIES, profiles_for

    choices = [("", "自动识别（按表头选择最相符的格式）")]
    for kind in ImportKind.values:
        if kind in VOCABULARIES:
            label = ImportKind(kind).label
            choices += [(f"{kind}:{p.code}", f"{label}：{p.name}") for p in profiles_for(kind)]
    return choices


class ImportUploadForm(forms.Form):
    kind = forms.ChoiceField(label="数据类别", choices=ImportKind.choices)
    file = forms.FileField(label="文件（.xlsx 或 .csv）")
    profile = forms.ChoiceField(label="导入格式", required=False, choices=())
    skip_invalid = forms.BooleanField(
        label="跳过错误行，导入其余行（默认：有错误则整个文件不导入）", required=False
    )
    dry_run = forms.BooleanField(label="只校验，不写入", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["profile"].choices = _profile_choices()  # type: ignore[attr-defined]

    def clean_file(self) -> object:
        return within_upload_size(self.cleaned_data["file"])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        chosen = data.get("profile") or ""
        if chosen and data.get("kind"):
            kind, _, code = chosen.partition(":")
            if kind != data["kind"]:
                self.add_error("profile", f"所选导入格式用于{ImportKind(kind).label}数据，与数据类别不符。")
            data["profile"] = code
        return data


class SourceWordingForm(forms.Form):
    """A synonym for a profile's coded column (导入格式页); the service checks it against the profile."""

    kind = forms.ChoiceField(choices=ImportKind.choices, widget=forms.HiddenInput)
    profile = forms.CharField(max_length=50, widget=forms.HiddenInput)
    field = forms.ChoiceField(choices=VocabularyField.choices, widget=forms.HiddenInput)
    wording = forms.CharField(label="文件中的写法", max_length=100)
    value = forms.ChoiceField(label="对应", choices=[*LegalStatus.choices, *PatentType.choices])


class ReviewFilterForm(forms.Form):
    status = forms.ChoiceField(label="状态", choices=_blank(ReviewStatus.choices), required=False)
    q = SearchField(help_text="名称")


class ReviewResolveForm(forms.Form):
    """Which of the name's candidates it is (posted through core.workflow.act: errors name the field)."""

    organisation: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label="机构",
        queryset=Organisation.objects.none(),
        error_messages={"required": "请选择机构。", "invalid_choice": "所选机构不是该名称的候选机构。"},
    )

    def __init__(self, *args: Any, item: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = item.candidates.all()  # type: ignore[attr-defined]
