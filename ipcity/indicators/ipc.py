"""IPC symbols and the 战略性新兴产业 ↔ IPC concordance (CNIPA 2021), without Django.

IPC structure: section (G) → class (G06) → subclass (G06F) → main group (G06F 16/00) → subgroups
(G06F 16/30). Concordance patterns:

- ``G06F1*``   main group 1 of G06F and every subgroup under it (G06F 1/16 yes, G06F 16/30 no —
  a main-group match, never a string prefix);
- ``G06F11/14`` that group exactly;
- ``B41J*`` / ``G16H`` the whole subclass; ``G16*`` the whole class;
- ``H03M13`` (not normalised in the source) is read as main group 13 of H03M, like ``H03M13*``.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

_IPC_RE = re.compile(r"^([A-H])\s*(\d{2})\s*([A-Z])\s*(?:(\d{1,4})\s*(?:/\s*(\d{2,6}))?)?")


@dataclass(frozen=True, slots=True)
class Ipc:
    """A parsed IPC symbol. `main_group`/`subgroup` are None for a bare subclass."""

    subclass: str
    main_group: int | None
    subgroup: str | None

    @property
    def ipc_class(self) -> str:
        return self.subclass[:3]

    def __str__(self) -> str:
        if self.main_group is None:
            return self.subclass
        return f"{self.subclass} {self.main_group}/{self.subgroup or '00'}"


def parse_ipc(text: str) -> Ipc | None:
    """'G06F 16/30', 'G06F16/30', 'g06f 16/30 (2019.01)', 'Ｇ０６Ｆ１６／３０' → Ipc; None if not IPC."""
    folded = unicodedata.normalize("NFKC", text).strip().upper()
    match = _IPC_RE.match(folded)
    if not match:
        return None
    section, klass, letter, group, sub = match.groups()
    subclass = f"{section}{klass}{letter}"
    if group is None:
        return Ipc(subclass, None, None)
    subgroup = sub.rstrip("0").ljust(2, "0") if sub else "00"
    return Ipc(subclass, int(group), subgroup)


@dataclass(frozen=True, slots=True)
class Pattern:
    """One code of the concordance: class, subclass, main group (with everything under it) or group."""

    kind: str  # "class" | "subclass" | "main_group" | "group"
    key: str  # class "G16", subclass "G06F"
    main_group: int | None = None
    subgroup: str | None = None
    source: str = ""

    def matches(self, ipc: Ipc) -> bool:
        if self.kind == "class":
            return ipc.ipc_class == self.key
        if ipc.subclass != self.key:
            return False
        if self.kind == "subclass":
            return True
        if self.kind == "main_group":
            return ipc.main_group == self.main_group
        return ipc.main_group == self.main_group and (ipc.subgroup or "00") == self.subgroup


def parse_pattern(code: str) -> Pattern:
    raw = code.strip()
    star = raw.endswith("*")
    body = raw.rstrip("*")
    if re.fullmatch(r"[A-H]\d\d", body) and star:
        return Pattern("class", body, source=raw)
    if re.fullmatch(r"[A-H]\d\d[A-Z]", body):
        return Pattern("subclass", body, source=raw)
    if m := re.fullmatch(r"([A-H]\d\d[A-Z])(\d+)", body):
        # "G06F1*" and the unnormalised "H03M13": the main group and everything under it.
        return Pattern("main_group", m.group(1), int(m.group(2)), source=raw)
    if (m := re.fullmatch(r"([A-H]\d\d[A-Z])(\d+)/(\d+)", body)) and not star:
        subgroup = m.group(3).rstrip("0").ljust(2, "0")
        return Pattern("group", m.group(1), int(m.group(2)), subgroup, source=raw)
    raise ValueError(f"无法识别的 IPC 参照代码：{code!r}")


@dataclass(frozen=True)
class SeiRule:
    sector_no: str
    branch_no: str
    branch_name: str
    rule_no: str
    include: tuple[Pattern, ...]
    exclude: tuple[Pattern, ...]
    keywords: tuple[str, ...]

    def matches_code(self, ipc: Ipc) -> bool:
        return any(p.matches(ipc) for p in self.include) and not any(p.matches(ipc) for p in self.exclude)


@dataclass
class SeiConcordance:
    """All rules, indexed by subclass (and class) so a patent is checked only against rules that can match."""

    rules: list[SeiRule]
    branches: dict[str, str] = field(default_factory=dict)
    _by_key: dict[str, list[SeiRule]] = field(default_factory=lambda: defaultdict(list))

    def __post_init__(self) -> None:
        for rule in self.rules:
            self.branches.setdefault(rule.branch_no, rule.branch_name)
            for key in {p.key for p in rule.include}:
                self._by_key[key].append(rule)

    def branches_for(self, codes: Iterable[str | Ipc]) -> set[str]:
        """The 战略性新兴产业 branches (e.g. "1.1") any of the codes falls in (IPC-only matching)."""
        found: set[str] = set()
        for code in codes:
            ipc = code if isinstance(code, Ipc) else parse_ipc(code)
            if ipc is None:
                continue
            for rule in [*self._by_key.get(ipc.subclass, []), *self._by_key.get(ipc.ipc_class, [])]:
                if rule.branch_no not in found and rule.matches_code(ipc):
                    found.add(rule.branch_no)
        return found


def load_concordance(path: Path) -> SeiConcordance:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    rules = []
    for line, row in enumerate(rows, start=2):
        try:
            include = tuple(parse_pattern(c) for c in row["ipc_include"].split(";") if c.strip())
            exclude = tuple(parse_pattern(c) for c in row["ipc_exclude"].split(";") if c.strip())
        except ValueError as exc:
            raise ValueError(f"{path}: 第 {line} 行：{exc}") from exc
        keywords = tuple(k.strip() for k in row["keywords"].split("；") if k.strip())
        rules.append(
            SeiRule(
                row["sector_no"],
                row["branch_no"],
                row["branch_name"],
                row["rule_no"],
                include,
                exclude,
                keywords,
            )
        )
    return SeiConcordance(rules)
