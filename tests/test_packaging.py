"""Packaging: pyproject.toml and environment.yml agree; the README gives the two commands."""

from __future__ import annotations

import re

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
