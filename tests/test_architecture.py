"""The shape of the package: layers checked by import-linter, one home for event kinds and settings."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

KIT = ROOT / "kit"
TOP = {p.stem for p in KIT.glob("*.py") if p.stem != "__init__"} | {"views"}


def _contracts() -> list[dict]:
    tomllib = pytest.importorskip("tomllib", reason="tomllib is in the standard library from Python 3.11")
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]["contracts"]


def test_import_contracts_are_kept():
    """lint-imports (import-linter) finds every layer contract kept."""
    lint_imports = Path(sys.executable).with_name("lint-imports")
    out = subprocess.run([str(lint_imports), "--no-cache"], cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-2000:]
    assert "BROKEN" not in out.stdout and "kept, 0 broken" in out.stdout


def test_every_module_is_in_a_layer_and_only_views_may_use_widgets():
    """A new module cannot slip past the contracts: each is in exactly one layer, and every module
    but the views and the app is forbidden ipywidgets and IPython."""
    layers, forbidden = _contracts()[0], _contracts()[1]
    placed = [m.strip() for layer in layers["layers"] for m in re.split(r"[:|]", layer)]
    assert sorted(placed) == sorted(TOP), set(placed) ^ TOP
    assert {m.removeprefix("kit.") for m in forbidden["source_modules"]} == TOP - {"views", "app"}


def test_no_module_but_events_spells_an_event_kind():
    """Event kinds are compared as events.Kind members; no other module writes their stored strings."""
    from kit.events import Kind

    kinds = "|".join(re.escape(k.value) for k in Kind)
    pattern = re.compile(rf"""['"]({kinds})['"]""")
    offenders = [f"{p.relative_to(ROOT)}:{i}" for p in KIT.rglob("*.py") if p.name != "events.py"
                 for i, line in enumerate(p.read_text().splitlines(), 1) if pattern.search(line)]
    assert offenders == []


def test_settings_and_locations_have_one_home():
    """Only kit/settings.py reads KIT_* variables or works out paths from the package's location."""
    offenders = []
    for p in KIT.rglob("*.py"):
        if p.name == "settings.py":
            continue
        text = p.read_text()
        for i, line in enumerate(text.splitlines(), 1):
            if "__file__" in line or re.search(r"environ(\.get)?\(?\[?['\"]KIT_", line):
                offenders.append(f"{p.relative_to(ROOT)}:{i}: {line.strip()}")
    assert offenders == []
