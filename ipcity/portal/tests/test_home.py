"""The home page: the plan's part cached per version of the plan's data, fresh after a reload,
and a fixed number of queries."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from ipcity.core.audit import Actor
from ipcity.plans.models import Goal, Programme
from ipcity.plans.services import load_plan_file
from ipcity.test import PLAN_FILE, Personas


@pytest.mark.django_db
def test_home_shows_programmes_with_their_task_counts(plan: Any, client: Any) -> None:
    html = client.get("/").content.decode()
    for programme in Programme.objects.all():
        assert programme.title in html
        assert f"{programme.tasks.count()} 项主要任务" in html


@pytest.mark.django_db
def test_a_reloaded_plan_shows_on_the_next_request(plan: Any, client: Any, tmp_path: Path) -> None:
    goal = Goal.objects.get(code="G1")
    assert goal.title in client.get("/").content.decode()
    assert goal.title in client.get("/").content.decode()  # served from the cache
    changed = tmp_path / "plan.yaml"
    changed.write_text(PLAN_FILE.read_text().replace(goal.title, "知识产权保护环境持续优化（修订）"))
    load_plan_file(changed, actor=Actor.cli("test"))
    html = client.get("/").content.decode()
    assert "知识产权保护环境持续优化（修订）" in html and goal.title not in html


@pytest.mark.django_db
def test_query_budget(plan: Any, personas: Personas, django_assert_max_num_queries: Any) -> None:
    admin = personas.client(personas.admin)
    # Built: the data version, the plan, goals, targets, programmes with counts, stages (+5 for
    # session, user, the navigation's two and the city office's working-day calendar notice);
    # served: the data version only. The portal's own sections, never cached (each a few rows): +4,
    # the published notices, the public indicators, the rewards in 公示 (+1, their city figures, once
    # an indicator is public) and the published white papers.
    with django_assert_max_num_queries(11 + 4):
        assert admin.get("/").status_code == 200
    with django_assert_max_num_queries(6 + 4):
        assert admin.get("/").status_code == 200
    with django_assert_max_num_queries(2 + 4):  # the public: no session, no notifications
        assert personas.client(None).get("/").status_code == 200
