"""The shape of the package: layers checked by import-linter, one home for event kinds and settings."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

KIT = ROOT / "kit"
TOP = {p.stem for p in KIT.glob("*.py") if p.stem != "__init__"} | {"views"}


VIEWS = {p.stem for p in (KIT / "views").glob("*.py") if p.stem != "__init__"}
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _contracts() -> list[dict]:
    tomllib = pytest.importorskip("tomllib", reason="tomllib is in the standard library from Python 3.11")
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]["contracts"]


def _contract(cid: str) -> dict:
    return next(c for c in _contracts() if c.get("id") == cid)


def _placed(contract: dict) -> list[str]:
    return [m.strip() for layer in contract["layers"] for m in re.split(r"[:|]", layer)]


def _lint(root: Path, *contracts: str) -> subprocess.CompletedProcess:
    ids = [a for c in contracts for a in ("--contract", c)]
    return subprocess.run([str(LINT_IMPORTS), "--no-cache", *ids], cwd=root, capture_output=True, text=True)


def test_import_contracts_are_kept():
    """lint-imports (import-linter) finds every layer contract kept."""
    out = _lint(ROOT)
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-2000:]
    assert "BROKEN" not in out.stdout and "kept, 0 broken" in out.stdout


def test_every_module_is_in_a_layer_and_only_views_may_use_widgets_or_the_server():
    """A new module cannot slip past the contracts: each is in exactly one layer (and each view in one
    layer of the views' own contract); every module but the views and the app is forbidden ipywidgets
    and IPython, and every module below them Voila, anywidget, the Jupyter server and tornado."""
    placed = _placed(_contract("layers"))
    assert sorted(placed) == sorted(TOP), set(placed) ^ TOP
    views = _placed(_contract("views"))
    assert sorted(views) == sorted(VIEWS), set(views) ^ VIEWS
    widgets = _contract("widgets")
    assert {m.removeprefix("kit.") for m in widgets["source_modules"]} == TOP - {"views", "app"}
    server = _contract("server")
    top = _contract("layers")["layers"]
    entry = {m.strip() for layer in top[:top.index("views") + 1] for m in re.split(r"[:|]", layer)}
    assert {m.removeprefix("kit.") for m in server["source_modules"]} == TOP - entry
    assert set(server["forbidden_modules"]) >= {"voila", "anywidget", "jupyter_server", "tornado"}


@pytest.mark.parametrize("module, line, broken", [
    ("session.py", "import voila  # noqa", "server"),  # a model module reaching for the server
    ("settings.py", "import tornado  # noqa", "server"),
    ("events.py", "from . import session  # noqa", "layers"),  # a lower level of the learner model importing a higher
    ("journal.py", "from . import identity  # noqa", "layers"),  # two siblings at one level, no longer independent
    ("views/join.py", "from . import page  # noqa", "views"),  # the join form reaching up to the entry that uses it
])
def test_the_contracts_catch_a_broken_layer(tmp_path, module, line, broken):
    """lint-imports fails, naming the contract, when a model module imports Voila or tornado, when a
    lower level of the learner model imports a higher one or two independent siblings meet, and when
    the join form imports the page entry above it (a copy of the package with one line added)."""
    shutil.copytree(KIT, tmp_path / "kit", ignore=shutil.ignore_patterns("__pycache__", "bundled"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    target = tmp_path / "kit" / module
    target.write_text(target.read_text() + "\n" + line + "\n")
    assert _lint(tmp_path, broken).returncode != 0
    target.write_text(target.read_text().replace(line, ""))
    assert _lint(tmp_path, broken).returncode == 0  # the same copy without the line keeps it


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


STRICT_FLAGS = {"disallow_any_generics", "disallow_subclassing_any", "disallow_untyped_calls",
                "disallow_untyped_defs", "disallow_incomplete_defs", "check_untyped_defs",
                "disallow_untyped_decorators", "warn_return_any", "strict_equality", "extra_checks"}


def test_the_learner_model_format_and_base_are_type_checked_strictly():
    """mypy runs in the test command with --strict's flags on every module from the learner model
    (below the rendering's last layer, html) down to the base, and only there: a module added to those layers is checked
    strictly or this fails; the rendering, views and entry points keep mypy's default checking."""
    tomllib = pytest.importorskip("tomllib", reason="tomllib is in the standard library from Python 3.11")
    mypy = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["mypy"]
    layers = _contract("layers")["layers"]
    below = layers[layers.index("html") + 1:]  # the learner model's top level, then everything under it
    wanted = {f"kit.{m.strip()}" for layer in below for m in re.split(r"[:|]", layer)}
    strict = [o for o in mypy["overrides"] if o.get("disallow_untyped_defs")]
    assert len(strict) == 1 and "strict" not in strict[0]  # a per-module strict = true reaches every module
    assert set(strict[0]["module"]) == wanted, set(strict[0]["module"]) ^ wanted
    assert all(strict[0].get(flag) is True for flag in STRICT_FLAGS) and strict[0].get("implicit_reexport") is False
    assert mypy["files"] == ["kit"] and not any(o.get("ignore_errors") for o in mypy["overrides"])
    script = (ROOT / "kit.sh").read_text()  # mypy checks beside pytest, and its failure fails the command
    assert '"$venv/bin/mypy" >"$typed" 2>&1 &' in script and 'wait "$mypy_pid" || status=1' in script
