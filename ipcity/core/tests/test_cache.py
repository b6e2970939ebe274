"""Cached page parts (ipcity.core.cache): data versions follow the audit trail, keys decide reuse,
and the choice-label filter says what Django's get_FOO_display says."""

from __future__ import annotations

import pytest
from django.template import engines

from ipcity.core.audit import Actor, record_event
from ipcity.core.cache import cached, data_version, object_types, user_scope
from ipcity.registry.choices import LegalStatus, PatentType
from ipcity.registry.models import Patent
from ipcity.test import Personas

ACTOR = Actor.cli("cache tests")


def test_object_types_expand_an_app_into_its_models() -> None:
    types = object_types("supervision", "indicators.snapshot")
    assert "supervision.milestone" in types and "supervision.progressreport" in types
    assert "indicators.snapshot" in types and "indicators.indicator" not in types


@pytest.mark.django_db
def test_data_version_changes_with_each_audited_write_of_its_models_only() -> None:
    first = data_version("supervision", "indicators.snapshot")
    record_event(ACTOR, "test.other", object_type="grants.application", object_id="1")
    assert data_version("supervision", "indicators.snapshot") == first
    record_event(ACTOR, "test.compute", object_type="indicators.snapshot")
    second = data_version("supervision", "indicators.snapshot")
    assert second != first
    record_event(ACTOR, "test.report", object_type="supervision.progressreport", object_id="1")
    assert data_version("supervision", "indicators.snapshot") not in {first, second}


def test_cached_builds_once_per_key() -> None:
    built: list[str] = []

    def build(value: str) -> str:
        built.append(value)
        return value

    assert cached("test.part", [1, "v1"], lambda: build("a")) == "a"
    assert cached("test.part", [1, "v1"], lambda: build("b")) == "a"  # same key: reused
    assert cached("test.part", [1, "v2"], lambda: build("c")) == "c"  # new data version
    assert cached("test.other", [1, "v1"], lambda: build("d")) == "d"  # another part
    assert built == ["a", "c", "d"]


@pytest.mark.django_db
def test_user_scope_tells_apart_what_users_may_see(personas: Personas) -> None:
    scopes = {
        user_scope(u)
        for u in (
            personas.admin,
            personas.district_a,
            personas.district_b,
            personas.liaison,
            personas.liaison_other,
        )
    }
    assert len(scopes) == 5
    personas.district_b.region = personas.district_a.region
    assert user_scope(personas.district_b) == user_scope(personas.district_a)


def test_label_filter_matches_get_display() -> None:
    template = engines["django"].from_string(
        '{% load labels %}{{ p|label:"patent_type" }}/{{ p|label:"legal_status" }}'
    )
    for patent_type in PatentType.values:
        for status in LegalStatus.values:
            patent = Patent(patent_type=patent_type, legal_status=status)
            expected = f"{patent.get_patent_type_display()}/{patent.get_legal_status_display()}"
            assert template.render({"p": patent}) == expected
