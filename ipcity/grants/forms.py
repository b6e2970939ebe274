"""Forms. The facts part of an application (and of the calculator) is generated from the item's
fact definitions (policy Item.facts), so a new item in the catalog needs no new form code."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from ipcity.core.models import Region
from ipcity.grants import clock
from ipcity.grants.choices import ApplicationStatus, EntitlementStatus, ReviewDecision
from ipcity.grants.records import PLATFORM_FACTS, RecordChoice, RightIdError, normalize_right_id
from ipcity.grants.selectors import item_choices
from ipcity.lib.inputs import COUNT_MAX, DateField, IdsField, SearchField, whole_number_field
from ipcity.policy.engine import Item, default_catalog
from ipcity.policy.engine.catalog import FactSpec
from ipcity.registry.choices import Industry, OrganisationKind
from ipcity.support.models import Expert

BOOL_CHOICES = [("", "—请选择—"), ("true", "是"), ("false", "否")]
DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def money_field(label: str, *, required: bool = True, help_text: str = "") -> forms.DecimalField:
    # The digits of the amount columns (max_digits=14, decimal_places=2): at most 12 before the point.
    return forms.DecimalField(
        label=label,
        required=required,
        help_text=help_text,
        max_digits=14,
        decimal_places=2,
        min_value=Decimal("0"),
        error_messages={
            "invalid": f"{label}应为金额数字。",
            "min_value": f"{label}不能为负数。",
            "max_digits": f"{label}最多 12 位整数、2 位小数。",
            "max_whole_digits": f"{label}最多 12 位整数、2 位小数。",
            "max_decimal_places": f"{label}最多保留 2 位小数。",
        },
    )


def _bool(value: str) -> bool | None:
    return {"true": True, "false": False}.get(value)


def fact_field(spec: FactSpec, *, required: bool) -> forms.Field:
    label = spec.label
    help_text = spec.help or ""
    if spec.type == "bool":
        return forms.TypedChoiceField(
            label=label,
            choices=BOOL_CHOICES,
            coerce=_bool,
            empty_value=None,
            required=required,
            help_text=help_text,
        )
    if spec.type == "money":
        return money_field(f"{label}（元）", required=required, help_text=help_text)
    if spec.type == "int":
        # Counts (pieces, days) that amounts are multiplied by: bounded so the product stays money.
        return whole_number_field(label, max_value=COUNT_MAX, required=required, help_text=help_text)
    if spec.type == "rate":
        return forms.DecimalField(
            label=label,
            min_value=Decimal("0"),
            max_value=Decimal("1"),
            max_digits=6,
            decimal_places=4,
            required=required,
            help_text=help_text or "0 到 1 之间的小数，如 0.5",
        )
    if spec.type == "date":
        return DateField(label=label, widget=DATE_WIDGET, required=required, help_text=help_text)
    if spec.type == "choice":
        assert spec.choices is not None
        return forms.ChoiceField(
            label=label,
            choices=[("", "—请选择—"), *spec.choices.items()],
            required=required,
            help_text=help_text,
        )
    if spec.type == "money_list":
        return forms.CharField(
            label=f"{label}（元，多项用逗号分隔）", required=required, help_text=help_text, max_length=500
        )
    return forms.CharField(label=label, required=required, help_text=help_text, max_length=200)


def applicant_specs(item: Item) -> list[FactSpec]:
    return [s for s in item.facts.values() if s.name not in PLATFORM_FACTS]


def to_json(spec: FactSpec, value: Any) -> Any:
    """A cleaned form value as stored in Application.facts (strings for money; the engine re-reads)."""
    if value is None or value == "":
        return None
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if spec.type == "money_list":
        return [part.strip() for part in str(value).replace("，", ",").split(",") if part.strip()]
    return value


def to_initial(spec: FactSpec, value: Any) -> Any:
    if spec.type == "bool" and isinstance(value, bool):
        return "true" if value else "false"
    if spec.type == "money_list" and isinstance(value, list):
        return ", ".join(value)
    return value


class FactsMixin:
    """Adds one field per applicant fact of `item`, named `<prefix><fact>`."""

    fields: dict[str, forms.Field]
    cleaned_data: dict[str, Any]

    def add_fact_fields(
        self, item: Item, *, prefix: str = "", required: bool = True, initial: dict[str, Any] | None = None
    ) -> list[str]:
        names = []
        for spec in applicant_specs(item):
            name = prefix + spec.name
            field = fact_field(spec, required=required and spec.required and spec.default is None)
            if initial and spec.name in initial:
                field.initial = to_initial(spec, initial[spec.name])
            elif spec.default is not None:
                field.initial = spec.default
            self.fields[name] = field
            names.append(name)
        return names

    def facts_for(self, item: Item, *, prefix: str = "") -> dict[str, Any]:
        out = {}
        for spec in applicant_specs(item):
            value = to_json(spec, self.cleaned_data.get(prefix + spec.name))
            if value is not None:
                out[spec.name] = value
        return out


class ApplicationForm(FactsMixin, forms.Form):
    decisive_date = DateField(label="判定日期", widget=DATE_WIDGET)
    right_id = forms.CharField(
        label="知识产权或项目编号",
        required=False,
        max_length=80,
        help_text="专利号、商标注册号、案号、产品代码等；同一编号在同一项目中不重复奖补。不填时取第一条关联记录。",
    )
    links = forms.MultipleChoiceField(
        label="关联登记记录",
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text="从本单位的一企一档中选择（可多选）：质押、获奖、商标、地理标志、专利……",
    )

    def __init__(
        self,
        *args: Any,
        item: Item,
        records: list[RecordChoice],
        initial_facts: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.item = item
        self.fields["decisive_date"].label = f"判定日期：{item.decisive_date}"
        self.fields["links"].choices = [(c.value, c.label) for c in records]  # type: ignore[attr-defined]
        self.fact_names = self.add_fact_fields(item, initial=initial_facts)

    def clean_decisive_date(self) -> dt.date:
        value: dt.date = self.cleaned_data["decisive_date"]
        if value > clock.today():
            raise ValidationError("判定日期不能晚于今天")
        return value

    def clean_right_id(self) -> str:
        try:
            return normalize_right_id(self.cleaned_data.get("right_id", ""))
        except RightIdError as exc:
            raise ValidationError(str(exc)) from exc

    def facts(self) -> dict[str, Any]:
        return self.facts_for(self.item)


class MaterialForm(forms.Form):
    """One file for one of the kinds of material the item names (or 其他材料, named by the applicant)."""

    label = forms.ChoiceField(label="材料名称")
    other = forms.CharField(label="其他材料名称", required=False, max_length=200)
    file = forms.FileField(
        label="文件",
        help_text="PDF、OFD、Word、Excel（含 97–2003 格式）、WPS 文字/表格、JPEG 或 PNG；"
        "按文件内容识别类型，扩展名须与内容一致",
    )

    def __init__(self, *args: Any, item: Item, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kinds = [(name, name) for name in item.upload_materials]
        self.fields["label"].choices = [*kinds, ("__other__", "其他材料")]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        """`label` is the material's name as stored: the one chosen, or the one typed for 其他材料."""
        data = super().clean() or {}
        if data.get("label") == "__other__":
            data["label"] = data.get("other") or "其他材料"
        return data


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(label="审核意见", choices=ReviewDecision.choices, widget=forms.RadioSelect)
    comment = forms.CharField(label="意见/理由", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    decided_amount = money_field(
        "审定金额（元）", required=False, help_text="仅择优评审或由市局审定金额的项目填写"
    )

    def __init__(self, *args: Any, allow_return: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not allow_return:
            self.fields["decision"].choices = [  # type: ignore[attr-defined]
                c for c in ReviewDecision.choices if c[0] != ReviewDecision.RETURN
            ]


class AssignExpertsForm(forms.Form):
    """A random draw from support's expert pool (support.services.draw_experts): the field, how many,
    and the experts the applicant asked to keep out; the other 回避 rules apply by themselves."""

    field = forms.ChoiceField(label="专业领域", choices=[("", "—请选择—"), *Industry.choices])
    ipc_subclass = forms.CharField(label="IPC小类（可选）", max_length=8, required=False)
    count = whole_number_field("抽取人数", min_value=1, max_value=50, unit="人")
    named_avoid = IdsField(
        label="申报单位申请回避的专家",
        queryset=Expert.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["named_avoid"].queryset = Expert.objects.in_pool()  # type: ignore[attr-defined]
        self.fields["count"].initial = 3


class ReplaceExpertForm(forms.Form):
    reason = forms.CharField(label="退出原因", max_length=300)


class ScoreForm(forms.Form):
    score = forms.DecimalField(
        label="评分（0–100）", min_value=Decimal(0), max_value=Decimal(100), decimal_places=2
    )
    opinion = forms.CharField(label="评审意见", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    recommended_amount = money_field("建议金额（元）", required=False)


class ObjectionForm(forms.Form):
    received_on = DateField(label="收到日期", widget=DATE_WIDGET)
    submitter = forms.CharField(label="异议人", max_length=100)
    content = forms.CharField(label="异议内容", widget=forms.Textarea(attrs={"rows": 3}))


class ResolveObjectionForm(forms.Form):
    upheld = forms.TypedChoiceField(
        label="处理结果",
        choices=[("false", "异议不成立，继续公示"), ("true", "异议成立，不予支持")],
        coerce=lambda v: v == "true",
        widget=forms.RadioSelect,
    )
    resolution = forms.CharField(label="处理意见", widget=forms.Textarea(attrs={"rows": 2}))


class PaymentForm(forms.Form):
    paid_on = DateField(label="支付日期", widget=DATE_WIDGET)
    reference = forms.CharField(label="支付凭证号", max_length=60)


class ConfirmEntitlementForm(FactsMixin, forms.Form):
    accept = forms.TypedChoiceField(
        label="申领意愿",
        choices=[("true", "确认申领"), ("false", "放弃申领")],
        coerce=lambda v: v == "true",
        widget=forms.RadioSelect,
        initial="true",
    )
    comment = forms.CharField(label="说明", required=False, max_length=300)

    def __init__(
        self, *args: Any, item: Item, confirm_facts: list[str], facts: dict[str, Any], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.item = item
        self.confirm_names = []
        for name in confirm_facts:
            spec = item.facts[name]
            field = fact_field(spec, required=False)
            field.initial = to_initial(spec, facts.get(name))
            field.help_text = "平台按登记数据预填；请按实际情况核对，放弃申领时不必填写"
            self.fields[f"fact_{name}"] = field
            self.confirm_names.append(name)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("accept"):
            for name in self.confirm_names:
                if data.get(f"fact_{name}") in (None, ""):
                    self.add_error(f"fact_{name}", "确认申领时必须填写")
        # `facts`: the confirmed facts as stored (JSON values), when the organisation accepts.
        data["facts"] = self._confirmed_facts(data) if data.get("accept") else None
        return data

    def _confirmed_facts(self, data: dict[str, Any]) -> dict[str, Any]:
        out = {}
        for name in self.confirm_names:
            value = to_json(self.item.facts[name], data.get(f"fact_{name}"))
            if value is not None:
                out[name] = value
        return out


class ApproveForm(forms.Form):
    decided_amount = money_field("审定金额（元）", required=False, help_text="仅金额由市局审定的项目填写")


class CancelForm(forms.Form):
    comment = forms.CharField(label="撤销理由", widget=forms.Textarea(attrs={"rows": 2}))


class BudgetForm(forms.Form):
    item_code = forms.ChoiceField(label="奖补项目")
    year = forms.IntegerField(label="年度", min_value=2022, max_value=2100)
    amount = money_field("预算（元）")
    note = forms.CharField(label="说明", required=False, max_length=200)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["item_code"].choices = item_choices(blank=None)  # type: ignore[attr-defined]


class DetectionForm(forms.Form):
    year = forms.IntegerField(label="比对年度", min_value=2022, max_value=2100)
    dry_run = forms.BooleanField(label="只预览，不生成", required=False)

    def clean_year(self) -> int:
        year: int = self.cleaned_data["year"]
        if year > clock.today().year:
            raise ValidationError("不能比对未来年度")
        return year


class ApplicationFilterForm(forms.Form):
    status = forms.ChoiceField(
        label="状态", required=False, choices=[("", "全部"), *ApplicationStatus.choices]
    )
    item = forms.ChoiceField(label="项目", required=False)
    region = forms.ChoiceField(label="区市", required=False)
    q = SearchField(label="单位名称")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["item"].choices = item_choices()  # type: ignore[attr-defined]
        self.fields["region"].choices = [("", "全部"), *Region.objects.values_list("pk", "name")]  # type: ignore[attr-defined]


class EntitlementFilterForm(forms.Form):
    status = forms.ChoiceField(
        label="状态", required=False, choices=[("", "全部"), *EntitlementStatus.choices]
    )
    item = forms.ChoiceField(label="项目", required=False)
    year = forms.IntegerField(label="比对年度", required=False, min_value=2000, max_value=2100)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["item"].choices = item_choices()  # type: ignore[attr-defined]


class LedgerFilterForm(forms.Form):
    year = forms.IntegerField(label="支付年度", required=False, min_value=2000, max_value=2100)
    item = forms.ChoiceField(label="项目", required=False)
    region = forms.ChoiceField(label="区市", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["item"].choices = item_choices()  # type: ignore[attr-defined]
        self.fields["region"].choices = [("", "全部"), *Region.objects.values_list("pk", "name")]  # type: ignore[attr-defined]


# The registry's "other" kind covers parks (园区、区市), alliances, associations and market operators.
OTHER_KIND_LABEL = "其他（园区、产业联盟、行业协会、市场开办者等）"


def organisation_kind_choices() -> list[tuple[str, str]]:
    """Kinds of registered organisation that the catalog has items for, labelled for readers."""
    catalog = default_catalog()
    return [
        (value, OTHER_KIND_LABEL if value == OrganisationKind.OTHER else str(label))
        for value, label in OrganisationKind.choices
        if catalog.items_for(value)
    ]


def organisation_kind_label(kind: str) -> str:
    return dict(organisation_kind_choices()).get(kind) or str(dict(OrganisationKind.choices).get(kind, kind))


class CalculatorForm(FactsMixin, forms.Form):
    """The organisation's kind and the questions every item shares, then each item's own facts, all
    optional: what is not answered stays unknown (the calculator says which answers are missing)."""

    kind = forms.ChoiceField(label="您的单位类型", required=False)
    registered_in_yantai = forms.TypedChoiceField(
        label="是否在烟台市登记注册", choices=BOOL_CHOICES, coerce=_bool, empty_value=None, required=False
    )
    blacklisted = forms.TypedChoiceField(
        label="是否被列入知识产权领域严重失信主体名单",
        choices=BOOL_CHOICES,
        coerce=_bool,
        empty_value=None,
        required=False,
    )
    on = DateField(label="判定日期（获奖、注册、签约等日期）", widget=DATE_WIDGET, required=False)

    def __init__(
        self,
        *args: Any,
        items: list[Item],
        fixed_kind: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.items = items
        kind = self.fields["kind"]
        kind.choices = [("", "全部类型"), *organisation_kind_choices()]  # type: ignore[attr-defined]
        if fixed_kind is not None:
            # Signed in as an organisation: its kind is the registry's, not a choice.
            kind.choices = [(fixed_kind, organisation_kind_label(fixed_kind))]  # type: ignore[attr-defined]
            kind.initial = fixed_kind
            kind.disabled = True
            kind.help_text = "按一企一档登记的单位类型"
        self.item_fields: dict[str, list[str]] = {}
        for item in items:
            self.item_fields[item.code] = self.add_fact_fields(item, prefix=f"{item.code}__", required=False)

    def common_facts(self) -> dict[str, Any]:
        """The shared questions answered (unanswered ones are left out, so they stay unknown)."""
        return {
            name: self.cleaned_data[name]
            for name in ("registered_in_yantai", "blacklisted")
            if self.cleaned_data.get(name) is not None
        }
