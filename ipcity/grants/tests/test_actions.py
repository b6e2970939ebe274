"""Services called directly (not through the pages' 403s) refuse other personas with a reason. The
walk of every status × persona × action of grants/workflows.py is ipcity/grants/tests/walks.py, run
by ipcity/core/tests/test_every_workflow.py."""

from __future__ import annotations

import pytest

from ipcity.core.workflow import Refused
from ipcity.grants import services
from ipcity.grants.choices import ReviewDecision
from ipcity.grants.tests.conftest import draft, web
from ipcity.test import Personas

pytestmark = pytest.mark.django_db


def test_services_refuse_other_personas_with_a_reason(personas: Personas, budgets: None) -> None:
    app = draft(personas)
    with pytest.raises(Refused, match="无权提交申请"):
        services.submit_application(app, actor=web(personas.enterprise_b))
    services.submit_application(app, actor=web(personas.enterprise_a))
    with pytest.raises(Refused, match="无权区市初审"):
        services.review_in_district(app, actor=web(personas.district_b), decision=ReviewDecision.PASS)
    with pytest.raises(Refused, match="不在市级审核阶段"):
        services.review_in_city(app, actor=web(personas.district_a), decision=ReviewDecision.PASS)
