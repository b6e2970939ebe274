"""Every registered workflow (core.workflow.WORKFLOWS) is walked: every status × persona × action,
the page, the table, the service and the POST agree (ipcity/core/tests/walk.py). A workflow whose app
registers no walk (`@walk_for(Model)` in `<app>/tests/walks.py`) fails here."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.utils.module_loading import autodiscover_modules

from ipcity.core.tests.walk import WALKS, check_walk
from ipcity.core.workflow import WORKFLOWS
from ipcity.test import Personas

# Every app's tables (<app>/workflows.py) and walks (<app>/tests/walks.py), so that the list below
# is complete whatever else the test run has imported.
autodiscover_modules("workflows")
autodiscover_modules("tests.walks")


def _name(model: Any) -> str:
    return str(model._meta.label)


@pytest.mark.django_db
@pytest.mark.parametrize("model", sorted(WORKFLOWS, key=_name), ids=_name)
def test_every_workflow_is_walked(model: Any, personas: Personas, tmp_path: Path) -> None:
    build = WALKS.get(model)
    assert build is not None, f"{_name(model)} has a workflow but no walk: register one in its tests/walks.py"
    problems = check_walk(build(personas, tmp_path), personas)
    assert problems == [], "\n".join(problems)
