"""Packaging: pyproject.toml, uv.lock and environment.yml agree; kit.sh installs the lock; one
module owns the settings; the README gives the two commands and how to test the newest releases."""

from __future__ import annotations

import os
import re
import struct
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.conftest import ROOT

tomllib = pytest.importorskip("tomllib")  # Python 3.11+; the test suite runs on 3.11

CONDA_NAMES = {"pyyaml": "pyyaml"}  # PyPI name -> conda-forge name where they differ


def _name(spec: str) -> str:
    return re.split(r"[<>=!~\[ ;]", spec.strip(), maxsplit=1)[0].lower()


def test_environment_yml_matches_pyproject():
    """Every dependency (and test extra) in pyproject is in environment.yml, and nothing else."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = {_name(d) for d in project["dependencies"] + project["optional-dependencies"]["test"]}
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    conda = {_name(d) for d in env["dependencies"] if isinstance(d, str)} - {"python", "pip"}
    assert {CONDA_NAMES.get(n, n) for n in wanted} == conda


def test_environment_yml_installs_the_kit_itself():
    """Binder/repo2docker installs the kit from the checkout."""
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    assert "-e ." in pip or "." in pip


def test_readme_opens_with_the_two_commands():
    """The README's first lines give the start command and the test command, and CI runs the latter."""
    head = "\n".join((ROOT / "README.md").read_text().splitlines()[:25])
    assert "bash kit.sh start" in head and "bash kit.sh test" in head
    assert "bash kit.sh test" in (ROOT / ".ci" / "run").read_text()


def test_lock_file_is_committed_and_installed_by_kit_sh():
    """uv.lock pins every package for the kit and its test extra; kit.sh installs exactly it."""
    lock = tomllib.loads((ROOT / "uv.lock").read_text())
    names = {p["name"] for p in lock["package"]}
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = {re.sub(r"[-_.]+", "-", _name(d)) for d in project["dependencies"] + project["optional-dependencies"]["test"]}  # PEP 503 names
    assert wanted <= names, f"not in uv.lock (run bash kit.sh lock): {sorted(wanted - names)}"
    script = (ROOT / "kit.sh").read_text()
    assert "uv sync -q --locked" in script and "--extra test" in script
    assert "uv lock" in script and "--latest" in script


def test_readme_names_the_lock_and_the_newest_releases_run():
    readme = (ROOT / "README.md").read_text()
    assert "uv.lock" in readme and "bash kit.sh test --latest" in readme and "bash kit.sh lock" in readme


def test_only_settings_reads_settings_and_finds_files():
    """kit/settings.py alone reads KIT_* variables and works out paths from the package's location."""
    for f in sorted((ROOT / "kit").glob("*.py")):
        if f.name == "settings.py":
            continue
        text = f.read_text()
        assert "__file__" not in text, f"{f.name} locates files itself: use kit.settings"
        assert not re.search(r"os\.(environ|getenv)", text), f"{f.name} reads the environment: use kit.settings"


def test_workers_get_a_notebook_or_a_server_module_whole_and_other_tests_alone(pytestconfig):
    """bash kit.sh test shares the suite among pytest-xdist workers by conftest.py's work units: a
    notebook's cells (one kernel, in order) and a module with a module-scoped fixture (one server)
    go to one worker whole; any other test alone."""
    root = next(m for m in pytestconfig.pluginmanager.get_plugins()  # the repository's conftest.py
                if getattr(m, "__file__", None) == str(ROOT / "conftest.py"))
    assert root.work_unit("notebooks/01_nadiya.ipynb::Cell 3") == "notebooks/01_nadiya.ipynb"
    assert root.work_unit("notebooks/01_nadiya::ipynb::Cell 3") == "notebooks/01_nadiya::ipynb"
    assert root.work_unit("tests/test_wheel.py::test_installed_wheel_works_outside_the_checkout") == \
        "tests/test_wheel.py"  # its built wheel is a module-scoped fixture
    one = "tests/test_packaging.py::test_readme_opens_with_the_two_commands"
    assert root.work_unit(one) == one
    assert 'test --latest' in (ROOT / "kit.sh").read_text() and "--dist loadscope" in (ROOT / "kit.sh").read_text()


def _fresh(source: str, cached: str) -> bool:
    """A compiled file Python would use for `source`: it exists and its header's mtime and size are
    the source's (or it is checked by hash instead)."""
    try:
        head, st = Path(cached).read_bytes()[:16], os.stat(source)
    except OSError:
        return False
    if len(head) < 16:
        return False
    flags, mtime, size = struct.unpack("<4xIII", head)  # PEP 552: magic, flags, then mtime and size
    return bool(flags & 1) or (mtime, size) == (int(st.st_mtime) & 0xFFFFFFFF, st.st_size & 0xFFFFFFFF)


def test_kit_sh_lets_what_a_kernel_imports_stay_compiled(tmp_path):
    """Every test starts kernels and servers, and where PYTHONDONTWRITEBYTECODE is set (the project's
    machines) Python never keeps what it compiles: kit.sh lets its processes keep it, so after one kernel
    has opened a case page the next compiles next to nothing (it halved a page's kernel CPU:
    docs/figures.md). Run in the environment kit.sh gives the tests: a kernel's imports, twice."""
    if os.environ.get("KIT_BROWSER_TESTS") != "required":
        pytest.skip("checks the environment bash kit.sh test gives")
    probe = ("import sys, ipykernel.ipkernel, kit; kit.case_view\n"
             "for m in list(sys.modules.values()):\n"
             "    spec = getattr(m, '__spec__', None)\n"
             "    if spec and spec.origin and spec.origin.endswith('.py') and spec.cached:\n"
             "        print(spec.origin, spec.cached, sep='\\t')\n")
    env = {**os.environ, "KIT_HOME": str(tmp_path)}  # as kit.sh left it, for every kernel and server
    for _ in range(2):  # the first may compile (a fresh clone); the second finds it all kept
        done = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
    modules = [line.split("\t") for line in done.stdout.splitlines()]
    uncompiled = [source for source, cached in modules if not _fresh(source, cached)]
    assert modules and not uncompiled, f"{len(uncompiled)} modules compiled at every start, e.g. {uncompiled[:5]}"
