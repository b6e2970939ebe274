"""Fixtures for the policy tests: a writable copy of the catalog to break on purpose."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from ipcity.policy.engine.catalog import POLICY_DIR


@pytest.fixture
def catalog_copy(tmp_path: Path) -> Path:
    """data/policy copied to a temporary directory (cases left out)."""
    target = tmp_path / "policy"
    shutil.copytree(POLICY_DIR, target, ignore=shutil.ignore_patterns("cases"))
    return target


@pytest.fixture
def edit_yaml() -> Callable[[Path, Callable[[Any], None]], None]:
    """Load a YAML file, let a function change it, write it back."""

    def edit(path: Path, change: Callable[[Any], None]) -> None:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        change(data)
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")

    return edit
