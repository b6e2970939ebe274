"""pytest fixtures shared by every test module."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from ipcity.plans.models import Plan
from ipcity.test import Personas, load_plan_for_tests, make_personas


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load the reference data and the plan once; each test runs in a transaction rolled back after it."""
    with django_db_blocker.unblock():
        load_plan_for_tests()


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    # PBKDF2 with production iterations costs ~0.3 s per password; tests only need a real hasher.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.IPCITY_JOB_PROGRESS_DB = "default"
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture(autouse=True)
def _empty_cache():
    # Cached page parts are keyed by data versions (ipcity.core.cache), which a test rolled back
    # can repeat with other data: each test starts with an empty cache.
    cache.clear()


@pytest.fixture
def plan(db) -> Plan:
    # Transactional tests (live server) flush the database after them: load again when needed.
    return Plan.objects.first() or load_plan_for_tests()


@pytest.fixture
def personas(plan) -> Personas:
    return make_personas()
