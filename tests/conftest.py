"""Shared fixtures: the repository's packs, a fictional pack written from the format page,
and a fresh KIT_HOME per test."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CASEPACKS = ROOT / "casepacks"
FIXTURES = Path(__file__).resolve().parent / "packs"
EXAMPLE = FIXTURES / "example-baby-k"


@pytest.fixture(autouse=True)
def fresh_page():
    """Every test starts on a fresh page, as a new kernel would: who the page is for, its shared
    sessions and journals (kit/context.py). The one reset tests need."""
    from kit import context

    context.reset()
    yield
    context.reset()


@pytest.fixture
def kit_home(tmp_path, monkeypatch):
    """A fresh, empty KIT_HOME for one test."""
    home = tmp_path / "kit-home"
    monkeypatch.setenv("KIT_HOME", str(home))
    return home


@pytest.fixture
def example_pack(tmp_path) -> Path:
    """A copy of the fictional example pack, outside the repository, safe to edit."""
    dest = tmp_path / "elsewhere" / "example-baby-k"
    shutil.copytree(EXAMPLE, dest)
    return dest


def repository_pack_ids() -> list[str]:
    return sorted(d.name for d in CASEPACKS.iterdir() if d.is_dir() and d.name[0] not in "_.")
