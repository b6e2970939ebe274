"""Fixtures for registry tests."""

from __future__ import annotations

import pytest

from ipcity.core.audit import Actor
from ipcity.registry.tests.helpers import ACTOR


@pytest.fixture
def actor() -> Actor:
    return ACTOR
