"""Service-agency credit grading: 100 points less each record's deduction by kind, from the dated
data file; the page shows the rule and its source and is for government users only."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from ipcity.protection import clock, config, services
from ipcity.protection.selectors import agency_grades
from ipcity.protection.tests.helpers import CLI, MONDAY
from ipcity.test import Personas

pytestmark = pytest.mark.django_db


def test_grading_parameters_are_dated_and_sourced() -> None:
    params = config.grading(MONDAY)
    assert params.base == 100 and [g for g, _m in params.grades] == ["A+", "A", "B", "C", "D"]
    assert params.source["status"] == "decision"  # deduction values are the office's decision
    with pytest.raises(config.ParameterError):
        config.grading(dt.date(2020, 1, 1))


def test_grades_follow_the_records_in_force(personas: Personas) -> None:
    params = config.grading(MONDAY)
    start = MONDAY - dt.timedelta(days=10)
    services.add_credit_record(personas.org_agency, actor=CLI, source="甲", start=start, kind="general")
    services.add_credit_record(personas.org_agency, actor=CLI, source="乙", start=start, kind="abnormal")
    # Ended before the grading day: no deduction.
    services.add_credit_record(
        personas.org_agency, actor=CLI, source="丙", start=start, end=start, kind="serious"
    )
    (grade,), _params = agency_grades(MONDAY)
    expected = 100 - params.deductions["general"] - params.deductions["abnormal"]
    assert grade.organisation == personas.org_agency and grade.score == expected
    assert grade.grade == params.grade(expected)
    assert sorted(r.source for r, _p in grade.deductions) == ["乙", "甲"]
    # Enterprises are not graded.
    services.add_credit_record(personas.org_a, actor=CLI, source="丁", start=start)
    assert [g.organisation for g in agency_grades(MONDAY)[0]] == [personas.org_agency]


def test_score_is_floored_at_zero(personas: Personas) -> None:
    for n in range(4):
        services.add_credit_record(personas.org_agency, actor=CLI, source=f"记录{n}", start=MONDAY)
    (grade,), params = agency_grades(MONDAY)
    assert grade.score == 0 and grade.grade == params.grades[-1][0]


def test_grades_page_for_government_users_only(personas: Personas) -> None:
    url = reverse("protection:agency_grades")
    with clock.frozen(MONDAY):
        page = personas.client(personas.admin).get(url).content.decode()
        assert personas.org_agency.name in page and "市局决定" in page
        assert personas.org_agency.name in personas.client(personas.district_a).get(url).content.decode()
        # 莱山区 has no agency of the personas.
        assert personas.org_agency.name not in personas.client(personas.district_b).get(url).content.decode()
        for user in (personas.enterprise_a, personas.agency, personas.liaison):
            assert personas.client(user).get(url).status_code == 403
        xlsx = personas.client(personas.admin).get(url + "?format=xlsx")
        assert xlsx.status_code == 200 and xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
