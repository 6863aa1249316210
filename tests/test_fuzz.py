"""Property-based: whatever text or bytes arrive, the loader returns a pack or a PackError."""

from __future__ import annotations

import contextlib
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kit.errors import PackError
from kit.packs import validate_file
from kit.yamlfile import load
from tests.conftest import EXAMPLE

EXAMPLE_TEXT = (EXAMPLE / "pack.yaml").read_text()
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _check_bytes(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as d:
        (Path(d) / "pack.yaml").write_bytes(data)
        report = validate_file(d)  # must never raise
        assert report.ok == (report.pack is not None and not report.errors)
        for p in report.errors:
            assert p.problem and p.path


@SETTINGS
@given(st.binary(max_size=2000))
def test_arbitrary_bytes(data):
    """Random bytes never crash the validator."""
    _check_bytes(data)


@SETTINGS
@given(st.text(max_size=2000))
def test_arbitrary_text(text):
    """Random text never crashes the YAML reader: it parses or raises PackError."""
    with contextlib.suppress(PackError):
        load(Path("pack.yaml"), text)


@SETTINGS
@given(st.integers(0, len(EXAMPLE_TEXT) - 1), st.integers(1, 40), st.text(max_size=30))
def test_mutated_example_pack(start, length, insert):
    """A valid pack with a random slice replaced gives a pack or located problems, never a crash."""
    mutated = EXAMPLE_TEXT[:start] + insert + EXAMPLE_TEXT[start + length:]
    _check_bytes(mutated.encode("utf-8"))


@SETTINGS
@given(st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=10),
                    lambda kids: st.lists(kids, max_size=4) | st.dictionaries(st.text(max_size=8), kids, max_size=4),
                    max_leaves=30))
def test_arbitrary_structures(value):
    """Any YAML-shaped structure under the pack's keys is refused cleanly."""
    import yaml

    data = {"schema_version": 1, "id": "fuzz-pack", "decision_points": value, "source": value}
    _check_bytes(yaml.safe_dump(data).encode())
