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


def pytest_collection_modifyitems(config, items):
    """Keep together what must run on one pytest-xdist worker (bash kit.sh test runs `-n` workers with
    `--dist loadgroup`): a notebook's cells share one kernel, in order, so each notebook is one group; the
    tests of a module with a module-scoped fixture (a server, accounts, a built wheel) share it, so the
    module is one group, started once. Every other test goes to whichever worker is free."""
    for item in items:
        if item.path.suffix == ".ipynb":
            item.add_marker(pytest.mark.xdist_group(item.path.name))
            continue
        defs = getattr(getattr(item, "_fixtureinfo", None), "name2fixturedefs", {})
        if any(d.scope == "module" for fixturedefs in defs.values() for d in fixturedefs):
            item.add_marker(pytest.mark.xdist_group(item.path.stem))


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
