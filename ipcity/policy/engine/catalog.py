"""The reward catalog as data: items, their clauses, facts, conditions, rules and dated parameters.

Files (format in docs/policy.md):
- `data/policy/catalog.yaml` — documents cited, tracks, beneficiary kinds, facts and conditions
  common to every item, and the order of the items;
- `data/policy/items/<code>.yaml` — one reward item each;
- `data/policy/series/<name>.yaml` — reference rate series (the one-year LPR, …).

Everything is validated before anything is used: a file that fails is refused with the file, the
path inside it and the reason, in Chinese (ipcity.lib.datafile.DataFileError). No Django here.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path
from typing import Any

from ipcity.lib.datafile import DataFileError, load_data_file
from ipcity.policy.engine.errors import FactError, OverlayError, UnknownItem
from ipcity.policy.engine.params import (
    KIND_COUNT,
    KIND_MONEY,
    KIND_RATE,
    Document,
    Parameter,
    Source,
    Value,
    overlay_source,
)
from ipcity.policy.engine.schema import CATALOG_SCHEMA, ITEM_SCHEMA, SERIES_SCHEMA, SHAPES

POLICY_DIR = Path(__file__).resolve().parents[3] / "data" / "policy"

# Parameters each shape needs (name -> required?); anything else in a rule is refused.
SHAPE_PARAMS: dict[str, dict[str, bool]] = {
    "fixed": {"amount": True},
    "fixed_by_level": {},  # amount.<level> for every level, checked separately
    "rate_with_cap": {"rate": True, "cap": False},
    "per_piece": {"unit_amount": True, "cap": False},
    "actual_cost": {"ceiling": True, "cap": False},
    "interest_subsidy": {"subsidy_ratio": True, "day_basis": True, "cap": False},
    "decided": {"cap": True},
}
# Facts a shape reads, by the rule field naming them.
SHAPE_FACT_FIELDS = {
    "fixed_by_level": ("level_fact",),
    "rate_with_cap": ("base_fact",),
    "per_piece": ("count_fact",),
    "actual_cost": ("cost_fact",),
    "interest_subsidy": (),
    "fixed": (),
    "decided": (),
}
INTEREST_FACTS = ("loan_principal", "interest_days", "interest_paid", "pledge_share")
PARAM_LABELS = {
    "amount": "奖补金额",
    "rate": "补贴比例",
    "cap": "单项上限",
    "unit_amount": "每件金额",
    "ceiling": "每件（每项）费用上限",
    "subsidy_ratio": "贴息比例（占基准利率）",
    "day_basis": "年计息天数",
    "beneficiary_annual_cap": "每个对象年度累计上限",
    "quota": "名额",
}
PARAM_KINDS = {"rate": KIND_RATE, "subsidy_ratio": KIND_RATE, "day_basis": KIND_COUNT, "quota": KIND_COUNT}
FACT_TYPE_LABELS = {
    "bool": "是/否",
    "money": "金额（元，最多两位小数）",
    "money_list": "金额列表（元，每件一项）",
    "int": "整数",
    "rate": "比例（0–1 的小数）",
    "date": "日期（YYYY-MM-DD）",
    "choice": "选项",
    "text": "文本",
}

# ---------------------------------------------------------------- model


@dataclass(frozen=True, slots=True)
class Clause:
    ref: str
    quote: str


@dataclass(slots=True)
class FactSpec:
    name: str
    type: str
    label: str
    required: bool
    choices: dict[str, str] | None = None
    default: Any = None
    help: str | None = None

    def coerce(self, item: str, value: Any) -> Any:
        kind = self.type
        if kind == "money":
            return _money(item, self.name, value)
        if kind == "bool":
            if value is True or value is False:
                return value
            if isinstance(value, str) and value.strip().lower() in _BOOL_WORDS:
                return _BOOL_WORDS[value.strip().lower()]
            raise FactError(item, self.name, f"应为是/否，收到 {value!r}")
        if kind == "int":
            if type(value) is int:
                if value < 0:
                    raise FactError(item, self.name, f"不能为负数：{value}")
                return value
            if isinstance(value, str) and value.strip().isdigit():
                return int(value.strip())
            raise FactError(item, self.name, f"应为非负整数，收到 {value!r}")
        if kind == "choice":
            assert self.choices is not None
            if value in self.choices:
                return value
            for key, label in self.choices.items():
                if value == label:
                    return key
            options = "、".join(f"{k}（{v}）" for k, v in self.choices.items())
            raise FactError(item, self.name, f"取值 {value!r} 不在可选范围内：{options}")
        if kind == "date":
            if isinstance(value, dt.date):
                return value
            try:
                return dt.date.fromisoformat(str(value))
            except ValueError:
                raise FactError(item, self.name, f"应为日期 YYYY-MM-DD，收到 {value!r}") from None
        if kind == "rate":
            rate = _decimal(item, self.name, value)
            if not Decimal(0) <= rate <= Decimal(1):
                raise FactError(item, self.name, f"应为 0 到 1 之间的比例，收到 {value!r}")
            return rate
        if kind == "money_list":
            if not isinstance(value, list | tuple) or not value:
                raise FactError(item, self.name, "应为非空的金额列表（每件一项）")
            return tuple(_money(item, f"{self.name}[{i}]", v) for i, v in enumerate(value))
        if not isinstance(value, str):
            raise FactError(item, self.name, f"应为文本，收到 {value!r}")
        return value

    def describe_type(self) -> str:
        if self.type == "choice" and self.choices:
            return "选项：" + "、".join(f"`{k}` {v}" for k, v in self.choices.items())
        return FACT_TYPE_LABELS[self.type]


def _fast_bool(spec: FactSpec, item: str, value: Any) -> Any:
    return value if value is True or value is False else spec.coerce(item, value)


def _fast_money(spec: FactSpec, item: str, value: Any) -> Any:
    if type(value) is Decimal and value.is_finite() and value >= 0 and value.quantize(_FEN) == value:
        return value
    return spec.coerce(item, value)


def _fast_int(spec: FactSpec, item: str, value: Any) -> Any:
    return value if type(value) is int and value >= 0 else spec.coerce(item, value)


def _fast_choice(spec: FactSpec, item: str, value: Any) -> Any:
    return value if type(value) is str and value in spec.choices else spec.coerce(item, value)  # type: ignore[operator]


def _slow(spec: FactSpec, item: str, value: Any) -> Any:
    return spec.coerce(item, value)


# Fast paths for values that are already of the right type (a batch built in code); anything else
# goes through FactSpec.coerce, which converts or refuses with a Chinese message.
_FAST: dict[str, Callable[[FactSpec, str, Any], Any]] = {
    "bool": _fast_bool,
    "money": _fast_money,
    "int": _fast_int,
    "choice": _fast_choice,
    "money_list": _slow,
    "rate": _slow,
    "date": _slow,
    "text": _slow,
}

_FEN = Decimal("0.01")
_BOOL_WORDS = {"true": True, "false": False, "是": True, "否": False, "yes": True, "no": False}


def _decimal(item: str, name: str, value: Any) -> Decimal:
    if type(value) is Decimal:
        return value
    if isinstance(value, bool | float):
        raise FactError(item, name, f'请写成带引号的数字（如 "1234.50"），避免浮点误差；收到 {value!r}')
    try:
        return Decimal(str(value).strip().replace(",", ""))
    except (InvalidOperation, ValueError):
        raise FactError(item, name, f"应为数字，收到 {value!r}") from None


def _money(item: str, name: str, value: Any) -> Decimal:
    amount = _decimal(item, name, value)
    if not amount.is_finite() or amount < 0:
        raise FactError(item, name, f"金额应为非负数，收到 {value!r}")
    exponent = amount.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -2:
        raise FactError(item, name, f"金额最多到分（两位小数），收到 {value!r}")
    return amount


@dataclass(frozen=True, slots=True)
class Condition:
    fact: str
    op: str  # equals | in | at_least | at_most
    operand: Any
    message: str
    clause: str | None
    quote: str | None

    check: Callable[[Any], bool] = field(default=lambda value: False, compare=False, repr=False)

    def holds(self, value: Any) -> bool:
        return self.check(value)


def _checker(op: str, operand: Any) -> Callable[[Any], bool]:
    # Built once at load, so that evaluating a condition is one call without branching on `op`.
    if op == "equals":
        return lambda value: bool(value == operand)
    if op == "in":
        return lambda value: value in operand
    if op == "at_least":
        return lambda value: value is not None and bool(value >= operand)
    return lambda value: value is not None and bool(value <= operand)


@dataclass(slots=True)
class Rule:
    code: str
    label: str
    clause: str
    shape: str
    when: list[Condition]
    params: dict[str, Parameter]
    decided_by: str | None = None
    level_fact: str | None = None
    base_fact: str | None = None
    count_fact: str | None = None
    cost_fact: str | None = None
    base_rate: dict[str, str] | None = None
    # The plan gives the amount as a maximum ("最高", "最多"): the engine computes that maximum.
    up_to: bool = False


@dataclass(slots=True)
class Limits:
    beneficiary_annual_cap: Parameter | None = None
    quota: Parameter | None = None
    quota_period: str = "year"
    once_per_beneficiary: bool = False


@dataclass(frozen=True, slots=True)
class Track:
    key: str
    label: str
    description: str
    time_limit: str
    sla_working_days: int | None


@dataclass(frozen=True, slots=True)
class BeneficiaryBasis:
    """The plan's words naming an item's beneficiaries, and how the catalog reads them when the
    words do not name a kind outright."""

    clause: str
    quote: str
    reading: str | None = None


# Who provides a named material of a 申兑指南 (`by` in an item file's `materials`): the applicant
# uploads a file of that kind (a plain name in the file), the platform compares registry data, or the
# payee account the organisation keeps in its 一企一档.
MATERIAL_UPLOAD, MATERIAL_PLATFORM, MATERIAL_PAYEE_ACCOUNT = "upload", "platform", "payee_account"
MATERIAL_NOTES = {
    MATERIAL_PLATFORM: "平台比对，无需上传",
    MATERIAL_PAYEE_ACCOUNT: "一企一档中的收款账户，无需上传",
}


@dataclass(frozen=True, slots=True)
class Material:
    """One named kind of material the guide lists (认证证书, 认证合同 …) and who provides it."""

    name: str
    by: str = MATERIAL_UPLOAD
    note: str = ""

    @property
    def text(self) -> str:
        """As the guide writes it: the name, and how it is provided unless it is an upload."""
        note = self.note or MATERIAL_NOTES.get(self.by, "")
        return f"{self.name}（{note}）" if note else self.name


@dataclass(slots=True)
class Item:
    code: str
    name: str
    beneficiary: str
    beneficiary_kinds: list[str]
    beneficiary_basis: BeneficiaryBasis
    # Kinds of registered organisation (registry Organisation.kind) that can be a beneficiary.
    organisation_kinds: frozenset[str]
    track: Track
    decisive_date: str
    clauses: list[Clause]
    applies_clause: str
    applies_reason: str
    facts: dict[str, FactSpec]
    conditions: list[Condition]
    rules: list[Rule]
    limits: Limits
    guide: dict[str, str]
    materials: list[Material]
    notes: list[str]
    file: str = ""
    # Filled at load: facts every evaluation must have, and defaults of optional facts.
    required_facts: tuple[str, ...] = ()
    defaults: dict[str, Any] = field(default_factory=dict)
    coercers: dict[str, tuple[FactSpec, Callable[[FactSpec, str, Any], Any]]] = field(default_factory=dict)
    required_set: frozenset[str] = frozenset()

    def parameters(self) -> Iterator[Parameter]:
        for rule in self.rules:
            yield from rule.params.values()
        if self.limits.beneficiary_annual_cap is not None:
            yield self.limits.beneficiary_annual_cap
        if self.limits.quota is not None:
            yield self.limits.quota

    def is_for(self, organisation_kind: str) -> bool:
        """Whether an organisation of this registry kind can be one of the item's beneficiaries."""
        return organisation_kind in self.organisation_kinds

    @property
    def upload_materials(self) -> list[str]:
        """The kinds of file an applicant must upload, one file at least each, before submitting."""
        return [m.name for m in self.materials if m.by == MATERIAL_UPLOAD]

    @property
    def needs_payee_account(self) -> bool:
        return any(m.by == MATERIAL_PAYEE_ACCOUNT for m in self.materials)

    @property
    def shape(self) -> str:
        shapes = {r.shape for r in self.rules}
        return self.rules[0].shape if len(shapes) == 1 else "mixed"

    def coerce_facts(self, facts: Mapping[str, Any]) -> dict[str, Any]:
        """Typed facts, or FactError naming what is undefined, of the wrong type or missing."""
        code = self.code
        fast = self.coercers
        out: dict[str, Any] = {}
        saw_none = False
        for name, value in facts.items():
            entry = fast.get(name)
            if entry is None:
                known = "、".join(self.facts)
                raise FactError(code, name, f"不是本项目定义的事实（可用：{known}）")
            if value is None:
                out[name] = None
                saw_none = True
            elif (value is True or value is False) and entry[0].type == "bool":
                out[name] = value
            else:
                out[name] = entry[1](entry[0], code, value)
        if self.defaults:
            for name, value in self.defaults.items():
                if out.get(name) is None:
                    out[name] = value
        if not self.required_set.issubset(out) or saw_none:
            missing = [n for n in self.required_facts if out.get(n) is None]
            if missing:
                labels = "、".join(f"{n}（{self.facts[n].label}）" for n in missing)
                raise FactError(code, "、".join(missing), f"缺失，必须提供：{labels}")
        return out

    def quota_window(self, on: dt.date, plan_period: tuple[dt.date, dt.date]) -> tuple[dt.date, dt.date]:
        """Dates over which the caller counts grants already made against the quota."""
        if self.limits.quota_period == "plan":
            return plan_period
        return dt.date(on.year, 1, 1), dt.date(on.year, 12, 31)


@dataclass(slots=True)
class Catalog:
    title: str
    plan_period: tuple[dt.date, dt.date]
    documents: dict[str, Document]
    tracks: dict[str, Track]
    beneficiary_kinds: dict[str, str]  # code -> label
    items: dict[str, Item]
    series: dict[str, Parameter]
    series_entered_until: dict[str, dt.date]
    # Beneficiary kind -> the registry organisation kinds that can be one (catalog.yaml).
    kind_organisations: dict[str, tuple[str, ...]] = field(default_factory=dict)
    root: Path = field(default=POLICY_DIR)
    # sha256 (first 16 hex digits) over every catalog file: store it with each decision.
    version: str = ""

    def items_for(self, organisation_kind: str) -> list[Item]:
        """The items an organisation of this registry kind can be a beneficiary of, in order."""
        return [i for i in self.items.values() if i.is_for(organisation_kind)]

    def item(self, code: str | Item) -> Item:
        if isinstance(code, Item):
            return code
        try:
            return self.items[code]
        except KeyError:
            raise UnknownItem(f"目录中没有奖补项目“{code}”") from None

    def parameters(self) -> Iterator[Parameter]:
        for item in self.items.values():
            yield from item.parameters()
        yield from self.series.values()

    def parameter(self, path: str) -> Parameter:
        for param in self.parameters():
            if param.path == path:
                return param
        raise OverlayError(f"没有参数“{path}”")

    def with_overlay(self, overlay: Mapping[str, Any], label: str = "what-if") -> Catalog:
        """A copy in which the named parameters take the given values (a scalar for every date, or
        a list of {from, value}). Sources of overlaid values say "假设测算"."""
        paths = {p.path for p in self.parameters()}
        unknown = sorted(set(overlay) - paths)
        if unknown:
            raise OverlayError(f"假设参数中有目录里不存在的参数：{'、'.join(unknown)}")
        source = overlay_source(label)

        def new_values(param: Parameter, spec: Any) -> list[Value]:
            entries = spec if isinstance(spec, list) else [{"from": "1900-01-01", "value": spec}]
            values = []
            for entry in entries:
                raw = entry.get("value")
                start = dt.date.fromisoformat(str(entry["from"]))
                if raw is None:
                    values.append(Value(start, None, False, source))
                    continue
                try:
                    number = Decimal(str(raw))
                except InvalidOperation:
                    raise OverlayError(f"假设参数 {param.path} 的取值 {raw!r} 不是数字") from None
                _check_kind(param.kind, number, where=param.path)
                values.append(Value(start, number, False, source))
            return values

        def swap(param: Parameter | None) -> Parameter | None:
            if param is None or param.path not in overlay:
                return param
            return param.replaced(new_values(param, overlay[param.path]))

        items: dict[str, Item] = {}
        for code, item in self.items.items():
            rules = [replace(r, params={n: swap(p) or p for n, p in r.params.items()}) for r in item.rules]
            limits = replace(
                item.limits,
                beneficiary_annual_cap=swap(item.limits.beneficiary_annual_cap),
                quota=swap(item.limits.quota),
            )
            items[code] = replace(item, rules=rules, limits=limits)
        series = {k: swap(v) or v for k, v in self.series.items()}
        return Catalog(
            title=self.title,
            plan_period=self.plan_period,
            documents=self.documents,
            tracks=self.tracks,
            beneficiary_kinds=self.beneficiary_kinds,
            kind_organisations=self.kind_organisations,
            items=items,
            series=series,
            series_entered_until=self.series_entered_until,
            root=self.root,
            version=f"{self.version}+{label}",
        )


def _check_kind(kind: str, number: Decimal, *, where: str) -> None:
    if kind == KIND_RATE and not Decimal(0) <= number <= Decimal(1):
        raise OverlayError(f"{where}：比例应在 0 到 1 之间，收到 {number}")
    if kind == KIND_COUNT and number != number.to_integral_value():
        raise OverlayError(f"{where}：应为整数，收到 {number}")
    if kind == KIND_MONEY:
        exponent = number.as_tuple().exponent
        if isinstance(exponent, int) and exponent < -2:
            raise OverlayError(f"{where}：金额最多到分，收到 {number}")


# ---------------------------------------------------------------- loading


class _Loader:
    def __init__(self, documents: dict[str, Document]) -> None:
        self.documents = documents

    def source(self, file: Path, where: str, raw: dict[str, Any]) -> Source:
        doc = self.documents.get(raw["doc"])
        if doc is None:
            raise DataFileError(
                file, f"{where}.doc", f"引用了未登记的文件“{raw['doc']}”（见 catalog.yaml documents）"
            )
        return Source(
            document=doc,
            clause=raw["clause"],
            checked=dt.date.fromisoformat(raw["checked"]),
            status=raw.get("status", "verified"),
            quote=raw.get("quote"),
            note=raw.get("note"),
        )

    def parameter(
        self, file: Path, where: str, path: str, name: str, raw: Any, kind: str | None = None
    ) -> Parameter:
        if isinstance(raw, dict):
            label = raw.get("label") or PARAM_LABELS.get(name.split(".")[0], name)
            entries = raw["values"]
            where_values = f"{where}.values"
        else:
            label = PARAM_LABELS.get(name.split(".")[0], name)
            entries = raw
            where_values = where
        kind = kind or PARAM_KINDS.get(name, KIND_MONEY)
        values: list[Value] = []
        starts: set[str] = set()
        for i, entry in enumerate(entries):
            at = f"{where_values}[{i}]"
            if entry["from"] in starts:
                raise DataFileError(file, f"{at}.from", f"同一生效日期 {entry['from']} 出现两次")
            starts.add(entry["from"])
            has_value = "value" in entry
            tbd = entry.get("to_be_set", False)
            if has_value == tbd:
                raise DataFileError(
                    file, at, "每个取值必须写 value（数字或 null）或 to_be_set: true 二者之一"
                )
            number: Decimal | None = None
            if has_value and entry["value"] is not None:
                number = Decimal(entry["value"])
                try:
                    _check_kind(kind, number, where=path)
                except OverlayError as exc:
                    raise DataFileError(file, f"{at}.value", exc.message) from None
            values.append(
                Value(
                    start=dt.date.fromisoformat(entry["from"]),
                    value=number,
                    to_be_set=tbd,
                    source=self.source(file, f"{at}.source", entry["source"]),
                )
            )
        return Parameter.build(path, label, kind, values)

    def condition(self, raw: dict[str, Any], facts: dict[str, FactSpec], file: Path, where: str) -> Condition:
        ops = [k for k in ("equals", "in", "at_least", "at_most") if k in raw]
        if len(ops) != 1:
            raise DataFileError(file, where, "条件必须且只能有 equals / in / at_least / at_most 之一")
        spec = facts.get(raw["fact"])
        if spec is None:
            raise DataFileError(file, f"{where}.fact", f"条件引用了未定义的事实“{raw['fact']}”")
        op = ops[0]
        operand = raw[op]
        try:
            if op == "in":
                operand = frozenset(spec.coerce("catalog", v) for v in operand)
            else:
                operand = spec.coerce("catalog", operand)
        except FactError as exc:
            raise DataFileError(file, f"{where}.{op}", exc.message) from None
        return Condition(
            raw["fact"],
            op,
            operand,
            raw["message"],
            raw.get("clause"),
            raw.get("quote"),
            _checker(op, operand),
        )


def _facts(raw: dict[str, Any], file: Path, where: str) -> dict[str, FactSpec]:
    out: dict[str, FactSpec] = {}
    for name, spec in raw.items():
        if spec["type"] == "choice" and not spec.get("choices"):
            raise DataFileError(file, f"{where}.{name}", "选项类事实必须列出 choices")
        out[name] = FactSpec(
            name=name,
            type=spec["type"],
            label=spec["label"],
            required=spec.get("required", True),
            choices=spec.get("choices"),
            default=spec.get("default"),
            help=spec.get("help"),
        )
    return out


def load_series(path: Path, loader: _Loader) -> tuple[Parameter, dt.date, dict[str, Document]]:
    data, _ = load_data_file(path, SERIES_SCHEMA)
    docs = {
        k: Document(k, v["title"], v.get("number"), v["issuer"], v.get("note"))
        for k, v in data.get("documents", {}).items()
    }
    local = _Loader({**loader.documents, **docs})
    param = local.parameter(path, "values", f"series.{data['code']}", data["code"], data["values"], KIND_RATE)
    param.label = data["label"]
    return param, dt.date.fromisoformat(data["entered_until"]), docs


def load_catalog(root: str | Path = POLICY_DIR) -> Catalog:
    """Read catalog.yaml, every items/*.yaml and series/*.yaml; refuse the lot on the first error."""
    root = Path(root)
    cat_file = root / "catalog.yaml"
    data, _ = load_data_file(cat_file, CATALOG_SCHEMA)
    documents = {
        k: Document(k, v["title"], v.get("number"), v["issuer"], v.get("note"))
        for k, v in data["documents"].items()
    }
    loader = _Loader(documents)
    series: dict[str, Parameter] = {}
    entered: dict[str, dt.date] = {}
    for path in sorted((root / "series").glob("*.yaml")):
        param, until, docs = load_series(path, loader)
        code = param.path.removeprefix("series.")
        if code in series:
            raise DataFileError(path, "code", f"序列“{code}”重复")
        series[code] = param
        entered[code] = until
        documents.update(docs)
    tracks: dict[str, Track] = {}
    for key, raw in data["tracks"].items():
        if "sla_working_days" in raw and "source" not in raw:
            raise DataFileError(cat_file, f"tracks.{key}", "时限天数必须注明来源（source）")
        tracks[key] = Track(
            key, raw["label"], raw["description"], raw["time_limit"], raw.get("sla_working_days")
        )
    common_facts = _facts(data["common_facts"], cat_file, "common_facts")
    common_conditions = [
        loader.condition(c, common_facts, cat_file, f"common_conditions[{i}]")
        for i, c in enumerate(data["common_conditions"])
    ]
    kinds = {code: raw["label"] for code, raw in data["beneficiary_kinds"].items()}
    kind_organisations = {
        code: tuple(raw["organisations"]) for code, raw in data["beneficiary_kinds"].items()
    }
    items: dict[str, Item] = {}
    listed = data["items"]
    if len(set(listed)) != len(listed):
        raise DataFileError(cat_file, "items", "项目代码重复")
    files = {p.stem: p for p in (root / "items").glob("*.yaml")}
    missing = [c for c in listed if c not in files]
    if missing:
        raise DataFileError(
            cat_file, "items", f"缺少项目文件：{'、'.join(f'items/{c}.yaml' for c in missing)}"
        )
    extra = sorted(set(files) - set(listed))
    if extra:
        raise DataFileError(cat_file, "items", f"项目文件未列入目录：{'、'.join(extra)}")
    for code in listed:
        items[code] = _load_item(
            files[code],
            loader,
            tracks,
            kind_organisations,
            common_facts,
            common_conditions,
            series,
            data["guide_defaults"],
        )
    period = data["plan_period"]
    digest = hashlib.sha256()
    for path in [cat_file, *sorted((root / "series").glob("*.yaml")), *(files[c] for c in listed)]:
        digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes())
    return Catalog(
        title=data["title"],
        plan_period=(dt.date.fromisoformat(period["from"]), dt.date.fromisoformat(period["to"])),
        documents=documents,
        tracks=tracks,
        beneficiary_kinds=kinds,
        kind_organisations=kind_organisations,
        items=items,
        series=series,
        series_entered_until=entered,
        root=root,
        version=digest.hexdigest()[:16],
    )


def _load_item(
    file: Path,
    loader: _Loader,
    tracks: dict[str, Track],
    kinds: dict[str, tuple[str, ...]],
    common_facts: dict[str, FactSpec],
    common_conditions: list[Condition],
    series: dict[str, Parameter],
    guide_defaults: dict[str, str],
) -> Item:
    raw, _ = load_data_file(file, ITEM_SCHEMA)
    code = raw["code"]
    if code != file.stem:
        raise DataFileError(file, "code", f"代码“{code}”与文件名“{file.stem}”不一致")
    for i, kind in enumerate(raw["beneficiary_kinds"]):
        if kind not in kinds:
            raise DataFileError(file, f"beneficiary_kinds[{i}]", f"未登记的对象类型“{kind}”")
    refs = [c["ref"] for c in raw["clauses"]]
    if raw["applies"]["clause"] not in refs:
        raise DataFileError(file, "applies.clause", "适用条款必须是 clauses 中列出的条款之一")
    basis = raw["beneficiary_basis"]
    if basis["clause"] not in refs:
        raise DataFileError(file, "beneficiary_basis.clause", "惠及对象的条款必须是 clauses 中列出的条款之一")
    quoted = next(c["quote"] for c in raw["clauses"] if c["ref"] == basis["clause"])
    if basis["quote"] not in quoted:
        raise DataFileError(
            file, "beneficiary_basis.quote", f"引文须摘自 {basis['clause']} 的条款原文（clauses 中的 quote）"
        )
    own = _facts(raw.get("facts", {}), file, "facts")
    clash = sorted(set(own) & set(common_facts))
    if clash:
        raise DataFileError(file, "facts", f"与公共事实重名：{'、'.join(clash)}")
    facts = {**common_facts, **own}
    conditions = list(common_conditions) + [
        loader.condition(c, facts, file, f"conditions[{i}]") for i, c in enumerate(raw.get("conditions", []))
    ]
    rules: list[Rule] = []
    rule_codes: set[str] = set()
    needed: set[str] = {c.fact for c in conditions}
    for i, r in enumerate(raw["rules"]):
        where = f"rules[{i}]"
        if r["code"] in rule_codes:
            raise DataFileError(file, f"{where}.code", f"规则代码“{r['code']}”重复")
        rule_codes.add(r["code"])
        shape = r["shape"]
        if r["clause"] not in refs:
            raise DataFileError(file, f"{where}.clause", "规则条款必须是 clauses 中列出的条款之一")
        for field_name in ("level_fact", "base_fact", "count_fact", "cost_fact"):
            wanted = field_name in SHAPE_FACT_FIELDS[shape]
            if wanted and field_name not in r:
                raise DataFileError(file, where, f"{SHAPES[shape]}规则必须指明 {field_name}")
            if not wanted and field_name in r:
                raise DataFileError(file, f"{where}.{field_name}", f"{SHAPES[shape]}规则不使用 {field_name}")
            if wanted:
                fact = r[field_name]
                if fact not in facts:
                    raise DataFileError(file, f"{where}.{field_name}", f"未定义的事实“{fact}”")
                expected = {
                    "level_fact": ("choice",),
                    "base_fact": ("money",),
                    "count_fact": ("int",),
                    "cost_fact": ("money", "money_list"),
                }[field_name]
                if facts[fact].type not in expected:
                    raise DataFileError(
                        file, f"{where}.{field_name}", f"事实“{fact}”的类型应为 {'/'.join(expected)}"
                    )
                needed.add(fact)
        if shape == "interest_subsidy":
            for fact in INTEREST_FACTS:
                if fact not in facts:
                    raise DataFileError(file, where, f"贴息规则需要事实“{fact}”")
            needed.update(f for f in INTEREST_FACTS if facts[f].required)
            if "base_rate" not in r:
                raise DataFileError(file, where, "贴息规则必须指明基准利率序列 base_rate")
            if r["base_rate"]["series"] not in series:
                raise DataFileError(
                    file, f"{where}.base_rate.series", f"未找到利率序列“{r['base_rate']['series']}”"
                )
        elif "base_rate" in r:
            raise DataFileError(file, f"{where}.base_rate", "只有贴息规则使用 base_rate")
        if shape == "decided" and "decided_by" not in r:
            raise DataFileError(file, where, "择优/审定规则必须写明 decided_by（expert_review 或 office）")
        if shape == "decided" and r.get("up_to"):
            raise DataFileError(file, f"{where}.up_to", "择优/审定规则的金额本来就是上限以内审定，不用 up_to")
        params: dict[str, Parameter] = {}
        for name, spec in r["parameters"].items():
            params[name] = loader.parameter(
                file, f"{where}.parameters.{name}", f"{code}.{r['code']}.{name}", name, spec
            )
        allowed = SHAPE_PARAMS[shape]
        if shape == "decided" and "cap" in params and params["cap"].label == PARAM_LABELS["cap"]:
            params["cap"].label = "审定金额上限"
        if shape == "fixed_by_level":
            level = facts[r["level_fact"]]
            assert level.choices is not None
            wanted_names = {f"amount.{k}" for k in level.choices}
            if set(params) != wanted_names:
                raise DataFileError(
                    file,
                    f"{where}.parameters",
                    f"按等级定额须为每个等级给出金额：应为 {sorted(wanted_names)}，实为 {sorted(params)}",
                )
            for k, label in level.choices.items():
                param = params[f"amount.{k}"]
                if param.label == PARAM_LABELS["amount"]:
                    param.label = f"{label}奖补金额"
        else:
            unknown = sorted(set(params) - set(allowed))
            if unknown:
                raise DataFileError(
                    file, f"{where}.parameters", f"{SHAPES[shape]}规则不使用参数：{'、'.join(unknown)}"
                )
            lacking = sorted(n for n, req in allowed.items() if req and n not in params)
            if lacking:
                raise DataFileError(
                    file, f"{where}.parameters", f"{SHAPES[shape]}规则缺少参数：{'、'.join(lacking)}"
                )
        when = [
            loader.condition(c, facts, file, f"{where}.when[{j}]") for j, c in enumerate(r.get("when", []))
        ]
        needed.update(c.fact for c in when)
        rules.append(
            Rule(
                code=r["code"],
                label=r["label"],
                clause=r["clause"],
                shape=shape,
                when=when,
                params=params,
                decided_by=r.get("decided_by"),
                level_fact=r.get("level_fact"),
                base_fact=r.get("base_fact"),
                count_fact=r.get("count_fact"),
                cost_fact=r.get("cost_fact"),
                base_rate=r.get("base_rate"),
                up_to=r.get("up_to", False),
            )
        )
    if len(rules) > 1:
        for i, rule in enumerate(rules):
            if not rule.when:
                raise DataFileError(file, f"rules[{i}].when", "有多条规则时，每条都必须写明适用条件 when")
    limits_raw = raw.get("limits", {})
    limits = Limits(once_per_beneficiary=limits_raw.get("once_per_beneficiary", False))
    if "beneficiary_annual_cap" in limits_raw:
        limits.beneficiary_annual_cap = loader.parameter(
            file,
            "limits.beneficiary_annual_cap",
            f"{code}.limits.beneficiary_annual_cap",
            "beneficiary_annual_cap",
            limits_raw["beneficiary_annual_cap"],
        )
    if "quota" in limits_raw:
        q = limits_raw["quota"]
        limits.quota = loader.parameter(file, "limits.quota", f"{code}.limits.quota", "quota", q)
        limits.quota_period = q["period"]
    for name in needed:
        if not facts[name].required and facts[name].default is None and name not in INTEREST_FACTS:
            raise DataFileError(file, "facts", f"条件或规则用到的事实“{name}”必须是必填的（或给出 default）")
    guide = {**guide_defaults, **raw["guide"]}
    return Item(
        code=code,
        name=raw["name"],
        beneficiary=raw["beneficiary"],
        beneficiary_kinds=raw["beneficiary_kinds"],
        beneficiary_basis=BeneficiaryBasis(basis["clause"], basis["quote"], basis.get("reading")),
        organisation_kinds=frozenset(o for k in raw["beneficiary_kinds"] for o in kinds[k]),
        track=tracks[raw["track"]],
        decisive_date=raw["decisive_date"],
        clauses=[Clause(c["ref"], c["quote"]) for c in raw["clauses"]],
        applies_clause=raw["applies"]["clause"],
        applies_reason=raw["applies"]["reason"],
        facts=facts,
        conditions=conditions,
        rules=rules,
        limits=limits,
        guide=guide,
        materials=_materials(file, raw["materials"]),
        notes=raw.get("notes", []),
        file=str(file),
        required_facts=tuple(n for n, s in facts.items() if s.required and s.default is None),
        defaults={n: s.coerce(code, s.default) for n, s in facts.items() if s.default is not None},
        coercers={n: (s, _FAST[s.type]) for n, s in facts.items()},
        required_set=frozenset(n for n, s in facts.items() if s.required and s.default is None),
    )


def _materials(file: Path, raw: list[Any]) -> list[Material]:
    """A plain name is a file the applicant uploads; a mapping says who else provides it."""
    materials = [
        Material(entry)
        if isinstance(entry, str)
        else Material(entry["name"], entry["by"], entry.get("note", ""))
        for entry in raw
    ]
    seen: set[str] = set()
    for index, material in enumerate(materials):
        if material.name in seen:
            raise DataFileError(file, f"materials[{index}]", f"申报材料“{material.name}”重复")
        seen.add(material.name)
    return materials


@lru_cache(maxsize=1)
def default_catalog() -> Catalog:
    """The project's catalog under data/policy/, loaded once per process."""
    return load_catalog(POLICY_DIR)
