"""Fixtures of the reliability suite: a store built once, copied per test."""

import shutil
import subprocess
from pathlib import Path

import pytest

from .helpers import CLI, env


@pytest.fixture(scope="session")
def built_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store built from the packaged files, once per test run."""
    store = tmp_path_factory.mktemp("built") / "store"
    subprocess.run([*CLI, "build", "--store", str(store)], env=env(), check=True, capture_output=True, timeout=120)
    return store


@pytest.fixture
def built_store(built_template: Path, tmp_path: Path) -> Path:
    """A fresh copy of the built store for one test (a few milliseconds)."""
    target = tmp_path / "store"
    shutil.copytree(built_template, target)
    return target
