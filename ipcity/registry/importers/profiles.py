"""Source profiles (导入格式): how one export tool writes a file, as data.

A profile (`data/registry/sources/*.yaml`, validated against `PROFILE_SCHEMA`) names one layout —
the CNIPA search system's export, incoPat's, PatSnap's … — and says

- `columns`: its headers → our canonical column (a `Column.label` of the kind's `ImportSpec`), or
  null for a column the tool writes that we do not read (counted as recognised, never warned about);
- `wordings`: per coded field (法律状态, 专利类型) its cell texts → the registry's value;
- `date_formats`: strptime patterns tried before the general date reader (lib.dates);
- `separators`: what splits a multi-valued cell (default `;` `；` `|` `｜`).

The city office adds synonyms on the 导入格式 page (`SourceWording` rows); `vocabulary()` merges the
file's wordings, the registry's own labels and those synonyms into one plain dict per field —
folded wording → value — looked up once per distinct cell text (no scan per cell).

`detect()` picks the best-fitting profile from the header row; `import_file(..., profile=CODE)`
forces one. A kind without profile files reads its standard layout (the spec's columns).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models

from ipcity.lib.datafile import DataFileError, load_data_file
from ipcity.lib.text import fold
from ipcity.registry.choices import LegalStatus, PatentType, VocabularyField

if TYPE_CHECKING:
    from ipcity.registry.importers.engine import Column, ImportSpec

STANDARD = "standard"
STANDARD_NAME = "标准格式"
DEFAULT_SEPARATORS = (";", "；", "|", "｜")

# The coded fields a profile may give wordings for, per kind, and the registry's values for each.
VOCABULARIES: dict[str, dict[str, type[models.TextChoices]]] = {
    "patents": {
        VocabularyField.LEGAL_STATUS: LegalStatus,
        VocabularyField.DECLARED_TYPE: PatentType,
    },
}

PROFILE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["schema_version", "code", "kind", "name", "columns"],
    "additionalProperties": False,
    "properties": {
        "schema_version": {"const": 1},
        "code": {"type": "string", "pattern": "^[a-z][a-z0-9-]{1,39}$"},
        "kind": {"enum": ["organisations", "patents", "trademarks", "gis", "pledges", "licences", "awards"]},
        "name": {"type": "string", "minLength": 2, "maxLength": 40},
        "source": {"type": "string"},
        "note": {"type": "string"},
        # Also read the spec's canonical headers and their aliases (for headers this file lists no
        # mapping for): an export with one column more still reads.
        "standard_columns": {"type": "boolean"},
        "columns": {
            "type": "object",
            "additionalProperties": {"type": ["string", "null"]},
        },
        "wordings": {
            "type": "object",
            "propertyNames": {"enum": [str(v) for v in VocabularyField.values]},
            "additionalProperties": {
                "type": "object",
                "additionalProperties": {"type": "string"},
            },
        },
        "date_formats": {
            "type": "array",
            "items": {"type": "string", "pattern": "%[Ymd]"},
        },
        "separators": {
            "type": "array",
            "minItems": 1,
            "items": {"type": "string", "minLength": 1, "maxLength": 3},
        },
    },
}


def wording_key(text: str) -> str:
    """'专利权 维持' and '专利权维持', 'Active' and 'ACTIVE ' share one key (NFKC, no spaces, case-folded)."""
    return fold(text).casefold()


def sources_dir() -> Path:
    return Path(
        getattr(settings, "IPCITY_REGISTRY_SOURCES_DIR", Path(settings.DATA_DIR) / "registry" / "sources")
    )


class ProfileError(ValueError):
    """A profile cannot be used (unknown code, wrong kind, invalid file). The message is Chinese."""


@dataclass
class Profile:
    code: str
    kind: str
    name: str  # Chinese, shown to users: 按“incoPat 导出”格式读取
    source: str = ""
    note: str = ""
    standard_columns: bool = True
    # Folded header key → our field; None: a column the tool writes that we do not read.
    own_columns: dict[str, str | None] = field(default_factory=dict)
    # With `standard_columns`: the spec's canonical headers and aliases this profile does not map.
    fallback_columns: dict[str, str] = field(default_factory=dict)
    # The headers as the profile file writes them → our canonical Chinese header (for the page).
    column_labels: dict[str, str | None] = field(default_factory=dict)
    # Field → {wording as written: value} from the file.
    wordings: dict[str, dict[str, str]] = field(default_factory=dict)
    # Field → {wording as typed: value} added by the office (SourceWording rows).
    synonyms: dict[str, dict[str, str]] = field(default_factory=dict)
    date_formats: tuple[str, ...] = ()
    separators: tuple[str, ...] = DEFAULT_SEPARATORS
    path: Path | None = None
    _vocabularies: dict[str, dict[str, str]] = field(default_factory=dict, repr=False)

    @property
    def called(self) -> str:
        """How messages name it: “incoPat 导出”格式, but “标准格式” (not “标准格式”格式)."""
        return f"“{self.name}”" if self.name.endswith("格式") else f"“{self.name}”格式"

    # -- what the Polars validator and the importer consume ---------------------------------

    @property
    def columns(self) -> dict[str, str]:
        """Folded header key → our field, for every header this profile reads (its own mappings;
        with `standard_columns` also the spec's canonical headers and aliases it does not override)."""
        own = {key: name for key, name in self.own_columns.items() if name is not None}
        return {**self.fallback_columns, **own}

    @property
    def ignored(self) -> frozenset[str]:
        """Folded header keys the tool writes and we do not read."""
        return frozenset(key for key, name in self.own_columns.items() if name is None)

    def vocabulary(self, field_name: str) -> dict[str, str]:
        """Folded wording → registry value for a coded field: the registry's own labels and codes,
        then the profile file's wordings, then the office's synonyms (cached on the profile)."""
        cached = self._vocabularies.get(field_name)
        if cached is not None:
            return cached
        choices = VOCABULARIES.get(self.kind, {}).get(field_name)
        table: dict[str, str] = {}
        if choices is not None:
            for value, label in choices.choices:
                table[wording_key(value)] = value
                table[wording_key(str(label))] = value
        for wording, value in self.wordings.get(field_name, {}).items():
            table[wording_key(wording)] = value
        for wording, value in self.synonyms.get(field_name, {}).items():
            table.setdefault(wording_key(wording), value)  # the file wins over a later contradiction
        self._vocabularies[field_name] = table
        return table

    @property
    def vocabulary_fields(self) -> list[str]:
        return list(VOCABULARIES.get(self.kind, {}))

    def split(self, text: str) -> list[str]:
        """A multi-valued cell's parts by this profile's separators (None: the default ones)."""
        return [part for part in self._splitter().split(text)]

    @property
    def custom_separators(self) -> bool:
        return tuple(self.separators) != DEFAULT_SEPARATORS

    def _splitter(self) -> re.Pattern[str]:
        return _separator_pattern(tuple(self.separators))

    def with_synonyms(self, synonyms: Mapping[str, Mapping[str, str]]) -> Profile:
        """A copy that also knows the office's synonyms (per import: the DB rows read once)."""
        return Profile(
            code=self.code,
            kind=self.kind,
            name=self.name,
            source=self.source,
            note=self.note,
            standard_columns=self.standard_columns,
            own_columns=dict(self.own_columns),
            fallback_columns=dict(self.fallback_columns),
            column_labels=dict(self.column_labels),
            wordings={k: dict(v) for k, v in self.wordings.items()},
            synonyms={k: dict(v) for k, v in synonyms.items()},
            date_formats=self.date_formats,
            separators=self.separators,
            path=self.path,
        )

    # -- parsers for the importer ----------------------------------------------------------

    def parser(self, column: Column) -> Callable[[Any], Any]:
        """How this profile reads a column: coded fields by its vocabulary, dates by its formats
        first, multi-valued cells split by its separators; else the column's own parser."""
        from ipcity.registry.importers import fields as f

        if column.vocabulary:
            return self._vocabulary_parser(column)
        parse = column.parse
        if self.date_formats and parse in (f.date, f.dates):
            parse = self._date_parser(parse is f.dates)
        if self.custom_separators and column.multi:
            inner = parse

            def split_then_parse(raw: Any) -> Any:
                if isinstance(raw, str):
                    return inner([p for p in self.split(f.cell_text(raw)) if p.strip()])
                return inner(raw)

            return split_then_parse
        return parse

    def _vocabulary_parser(self, column: Column) -> Callable[[Any], str]:
        from ipcity.registry.importers.fields import CellError, cell_text

        table = self.vocabulary(column.vocabulary)
        seen: dict[str, str] = {}  # cell text → value: exports repeat a handful of wordings
        called = self.called

        def parse(raw: Any) -> str:
            text = raw if type(raw) is str else cell_text(raw)
            value = seen.get(text)
            if value is not None:
                return value
            value = table.get(wording_key(text))
            if value is None:
                shown = cell_text(text)
                raise CellError(
                    f"无法识别的{column.label}“{shown}”（{called}中没有这一写法；"
                    "市知识产权局可在“导入格式”页为该格式添加同义写法）"
                )
            seen[text] = value
            return value

        return parse

    def _date_parser(self, multi: bool) -> Callable[[Any], Any]:
        from ipcity.registry.importers import fields as f

        formats = self.date_formats

        def one(raw: Any) -> dt.date:
            if isinstance(raw, str):
                text = raw.strip()
                for pattern in formats:
                    try:
                        return dt.datetime.strptime(text, pattern).date()
                    except ValueError:
                        continue
            return f.date(raw)

        if not multi:
            return one

        def many(raw: Any) -> list[dt.date]:
            if isinstance(raw, list):
                return [one(part) for part in raw]
            if isinstance(raw, str):
                return [one(part.strip()) for part in self.split(raw) if part.strip()]
            return [one(raw)]

        return many


@lru_cache(maxsize=32)
def _separator_pattern(separators: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile("|".join(re.escape(s) for s in sorted(separators, key=len, reverse=True)))


def spec_columns(spec: ImportSpec) -> dict[str, str]:
    """The spec's canonical headers and aliases: folded header key → field."""
    return {key: column.field for column in spec.columns for key in column.header_keys()}


def _standard(spec: ImportSpec) -> Profile:
    """A kind's standard layout without a profile file: the spec's columns, no wordings."""
    return Profile(
        code=STANDARD,
        kind=spec.kind,
        name=STANDARD_NAME,
        standard_columns=True,
        own_columns=dict(spec_columns(spec)),
    )


def load_profile_file(path: Path, spec: ImportSpec | None = None) -> Profile:
    """One profile file, validated (schema; targets are the spec's columns; values the registry's)."""
    from ipcity.registry.importers import SPECS
    from ipcity.registry.importers.engine import header_key

    data, _checksum = load_data_file(path, PROFILE_SCHEMA)
    kind = data["kind"]
    spec = spec or SPECS[kind]()
    if spec.kind != kind:
        raise DataFileError(path, "kind", f"该导入格式适用于“{kind}”，不能用于导入“{spec.kind}”")
    labels = {header_key(c.label): c for c in spec.columns}
    own: dict[str, str | None] = {}
    for header, target in data["columns"].items():
        if target is None:
            own[header_key(header)] = None
            continue
        column = labels.get(header_key(target))
        if column is None:
            raise DataFileError(path, f"columns.{header}", f"目标列“{target}”不是{spec.label}导入的标准列名")
        own[header_key(header)] = column.field
    standard_columns = data.get("standard_columns", True)
    fallback: dict[str, str] = {}
    if data["code"] == STANDARD:  # the standard layout reads the spec's columns as its own
        own = {**spec_columns(spec), **own}
    elif standard_columns:
        fallback = {key: name for key, name in spec_columns(spec).items() if key not in own}
    vocabularies = VOCABULARIES.get(kind, {})
    wordings: dict[str, dict[str, str]] = {}
    for field_name, table in (data.get("wordings") or {}).items():
        choices = vocabularies.get(field_name)
        if choices is None:
            raise DataFileError(path, f"wordings.{field_name}", f"{spec.label}导入没有这一编码字段")
        folded: dict[str, str] = {}
        for wording, value in table.items():
            if value not in choices.values:
                raise DataFileError(
                    path,
                    f"wordings.{field_name}.{wording}",
                    f"“{value}”不是可用的值（{'、'.join(choices.values)}）",
                )
            key = wording_key(str(wording))
            if key in folded and folded[key] != value:
                raise DataFileError(path, f"wordings.{field_name}.{wording}", "同一写法对应了两个不同的值")
            folded[key] = value
        wordings[field_name] = {str(k): v for k, v in table.items()}
    return Profile(
        code=data["code"],
        kind=kind,
        name=data["name"],
        source=data.get("source", ""),
        note=data.get("note", ""),
        standard_columns=standard_columns,
        own_columns=own,
        fallback_columns=fallback,
        column_labels={str(h): t for h, t in data["columns"].items()},
        wordings=wordings,
        date_formats=tuple(data.get("date_formats", ())),
        separators=tuple(data.get("separators", DEFAULT_SEPARATORS)),
        path=Path(path),
    )


def _directory_state(directory: Path) -> tuple[tuple[str, int, int], ...]:
    if not directory.is_dir():
        return ()
    return tuple(
        sorted(
            (p.name, p.stat().st_mtime_ns, p.stat().st_size) for p in directory.glob("*.yaml") if p.is_file()
        )
    )


@lru_cache(maxsize=8)
def _load_all(directory: str, _state: tuple[tuple[str, int, int], ...]) -> dict[str, dict[str, Profile]]:
    by_kind: dict[str, dict[str, Profile]] = {}
    for path in sorted(Path(directory).glob("*.yaml")):
        profile = load_profile_file(path)
        same_kind = by_kind.setdefault(profile.kind, {})
        if profile.code in same_kind:
            raise DataFileError(
                path, "code", f"导入格式代码“{profile.code}”与 {same_kind[profile.code].path} 重复"
            )
        same_kind[profile.code] = profile
    return by_kind


def profiles_for(kind: str) -> list[Profile]:
    """The kind's profiles from the files, the standard one first (a kind without files: only the
    standard layout). Read again when a file changes."""
    from ipcity.registry.importers import SPECS

    directory = sources_dir()
    found = dict(_load_all(str(directory), _directory_state(directory)).get(kind, {}))
    standard = found.pop(STANDARD, None) or _standard(SPECS[kind]())
    return [standard, *sorted(found.values(), key=lambda p: p.code)]


def all_profiles() -> list[Profile]:
    directory = sources_dir()
    loaded = _load_all(str(directory), _directory_state(directory))
    return [p for kind in loaded for p in profiles_for(kind)]


def get_profile(kind: str, code: str) -> Profile:
    for profile in profiles_for(kind):
        if profile.code == code:
            return profile
    known = "、".join(f"{p.code}（{p.name}）" for p in profiles_for(kind))
    raise ProfileError(f"没有代码为“{code}”的导入格式（可用：{known}）")


def resolve_profile(kind: str, profile: str | Path, spec: ImportSpec) -> Profile:
    """A profile code, or the path of a profile file (to try a new layout before adding it)."""
    text = str(profile)
    if text.endswith((".yaml", ".yml")) or Path(text).is_file():
        try:
            return load_profile_file(Path(text), spec)
        except DataFileError as exc:
            raise ProfileError(f"导入格式文件有误：{exc}") from exc
        except KeyError as exc:
            raise ProfileError(f"导入格式文件有误：{text}") from exc
    return get_profile(kind, text)


def synonyms_by_profile(kind: str) -> dict[str, dict[str, dict[str, str]]]:
    """The office's synonyms for a kind: profile code → field → {wording: value}. One query."""
    from ipcity.registry.models import SourceWording

    out: dict[str, dict[str, dict[str, str]]] = {}
    for code, field_name, wording, value in SourceWording.objects.filter(kind=kind).values_list(
        "profile", "field", "wording", "value"
    ):
        out.setdefault(code, {}).setdefault(field_name, {})[wording] = value
    return out


def value_label(kind: str, field_name: str, value: str) -> str:
    choices = VOCABULARIES.get(kind, {}).get(field_name)
    if choices is None:
        return value
    try:
        return str(choices(value).label)
    except ValueError:
        return value


def latin_words(profiles: Iterable[Profile]) -> set[str]:
    """Latin words the profiles show on purpose (tool names, English headers and wordings)."""
    words: set[str] = set()
    for profile in profiles:
        texts = [profile.name, profile.source, profile.note, *profile.column_labels]
        for table in (*profile.wordings.values(), *profile.synonyms.values()):
            texts.extend(table)
        for text in texts:
            words.update(re.findall(r"[A-Za-z]+", text))
    return words
