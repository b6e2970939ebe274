"""Linking names in imported files to organisations, and attributing records to a region.

Organisations: by 统一社会信用代码 when the file gives one; else by the normalised name against
names, former names and aliases; a name shared by several organisations goes to the review queue
(`ReviewItem`) and stays unlinked until a person decides (the decision is then reused).

Regions (DOMAIN.md: first patentee convention): the organisation's region; else the address —
functional-zone and district names, then 6-digit division codes.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import F

from ipcity.core.models import Region
from ipcity.lib.text import fold, name_key
from ipcity.registry.choices import RegionRule, ReviewStatus
from ipcity.registry.models import ImportRun, Organisation, OrganisationName, ReviewItem


@dataclass
class Match:
    organisation_id: int | None
    ambiguous: bool = False


@dataclass
class OrganisationMatcher:
    """All organisations' keys in memory (a city has thousands, not millions, of organisations)."""

    by_uscc: dict[str, int] = field(default_factory=dict)
    uscc_of: dict[int, str | None] = field(default_factory=dict)
    by_key: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))
    decisions: dict[str, int | None] = field(default_factory=dict)
    region_of: dict[int, int | None] = field(default_factory=dict)
    pending: dict[str, tuple[str, set[int], int]] = field(default_factory=dict)

    @classmethod
    def load(cls) -> OrganisationMatcher:
        matcher = cls()
        for pk, uscc, key, region_id in Organisation.objects.values_list(
            "pk", "uscc", "name_key", "region_id"
        ):
            matcher.add(pk, uscc=uscc, keys=[key], region_id=region_id)
        for pk, key in OrganisationName.objects.values_list("organisation_id", "name_key"):
            matcher.by_key[key].add(pk)
        for key, status, org_id in ReviewItem.objects.exclude(status=ReviewStatus.OPEN).values_list(
            "name_key", "status", "organisation_id"
        ):
            matcher.decisions[key] = org_id if status == ReviewStatus.RESOLVED else None
        return matcher

    def add(self, pk: int, *, uscc: str | None, keys: list[str], region_id: int | None) -> None:
        if uscc:
            self.by_uscc[uscc] = pk
        self.uscc_of[pk] = uscc
        self.region_of[pk] = region_id
        for key in keys:
            if key:
                self.by_key[key].add(pk)

    def match(self, name: str, *, key: str | None = None, uscc: str = "") -> Match:
        if uscc and uscc in self.by_uscc:
            return Match(self.by_uscc[uscc])
        key = key if key is not None else name_key(name)
        if key in self.decisions:
            return Match(self.decisions[key])
        candidates = self.by_key.get(key)
        if not candidates:
            return Match(None)
        if uscc:
            # A code was given that no organisation has: only an organisation without a code may be it.
            candidates = {pk for pk in candidates if not self.uscc_of.get(pk)}
        if len(candidates) == 1:
            return Match(next(iter(candidates)))
        if len(candidates) > 1:
            _name, pks, count = self.pending.get(key, (name, set(candidates), 0))
            self.pending[key] = (name, pks, count + 1)
            return Match(None, ambiguous=True)
        return Match(None)

    def save_reviews(self, run: ImportRun | None) -> int:
        """Write the names found ambiguous in this import to the review queue; returns how many are new."""
        new = 0
        for key, (name, pks, count) in self.pending.items():
            item, created = ReviewItem.objects.get_or_create(
                name_key=key, defaults={"name": name, "first_seen_in": run, "occurrences": count}
            )
            if created:
                new += 1
            else:
                ReviewItem.objects.filter(pk=item.pk).update(occurrences=F("occurrences") + count)
            item.candidates.add(*pks)
        self.pending.clear()
        return new


# Functional zones are matched before districts (an address in 烟台开发区 names no district), and only
# when the address is in 烟台 (every city has a 开发区). Longer phrases first.
ZONE_KEYWORDS: list[tuple[str, tuple[str, ...]]] = [
    ("YT-GXQ", ("高新技术产业开发区", "高新技术产业园区", "高新区")),
    ("YT-KFQ", ("经济技术开发区", "经济开发区", "开发区")),
    ("YT-CD", ("长岛综合试验区", "长岛县", "长岛")),
]
# Former names still seen in addresses.
FORMER_NAMES = {"蓬莱市": "370614"}
_DIVISION = re.compile(r"(?<!\d)(3706\d{2})(?!\d)")


class RegionResolver:
    def __init__(self) -> None:
        regions = list(Region.objects.values_list("pk", "code", "division_code", "name"))
        self.by_code = {code: pk for pk, code, _d, _n in regions}
        self.by_division = {division: pk for pk, _c, division, _n in regions if division}
        full: list[tuple[str, int]] = []
        short: list[tuple[str, int]] = []
        for pk, _code, division, region_name in regions:
            if not division:
                continue
            full.append((region_name, pk))
            if len(region_name) > 2 and region_name[-1] in "区市县":
                short.append((region_name[:-1], pk))
        for former, division in FORMER_NAMES.items():
            if division in self.by_division:
                full.append((former, self.by_division[division]))
        self.full_names = full
        self.short_names = short
        self.zones = [
            (keyword, self.by_code[code])
            for code, words in ZONE_KEYWORDS
            if code in self.by_code
            for keyword in words
        ]
        self._cache: dict[str, tuple[int | None, str]] = {}
        self.by_text = {fold(code): pk for pk, code, _d, _n in regions}
        self.by_text |= {fold(region_name): pk for pk, _c, _d, region_name in regions}
        self.by_text |= self.by_division

    def lookup(self, text: str) -> int | None:
        """A region written in a file: its code, division code or name ('芝罘区', '370602', '烟台高新区',
        '烟台经济技术开发区', '莱州')."""
        found = self.by_text.get(fold(text))
        if found is None:
            found, _rule = self._resolve(text if "烟台" in text else f"烟台{text}")
        return found

    def from_address(self, address: str) -> tuple[int | None, str]:
        if not address:
            return None, RegionRule.NONE
        cached = self._cache.get(address)
        if cached is None:
            cached = self._resolve(address)
            if len(self._cache) < 200_000:
                self._cache[address] = cached
        return cached

    def _resolve(self, address: str) -> tuple[int | None, str]:
        in_yantai = "烟台" in address
        if in_yantai:
            for keyword, pk in self.zones:
                if keyword in address:
                    return pk, RegionRule.ADDRESS_NAME
        for keyword, pk in self.full_names:
            if keyword in address:
                return pk, RegionRule.ADDRESS_NAME
        if in_yantai:
            for keyword, pk in self.short_names:
                if keyword in address:
                    return pk, RegionRule.ADDRESS_NAME
        match = _DIVISION.search(address)
        if match and match.group(1) in self.by_division:
            return self.by_division[match.group(1)], RegionRule.ADDRESS_CODE
        return None, RegionRule.NONE

    def from_uscc(self, uscc: str) -> int | None:
        """Positions 3–8 of a 统一社会信用代码: the registering authority's division."""
        return self.by_division.get(uscc[2:8]) if uscc else None

    def attribute(
        self, organisation_id: int | None, matcher: OrganisationMatcher, address: str
    ) -> tuple[int | None, str]:
        if organisation_id is not None:
            region_id = matcher.region_of.get(organisation_id)
            if region_id is not None:
                return region_id, RegionRule.ORGANISATION
        return self.from_address(address)
