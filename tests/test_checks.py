"""The start notebook's pieces: self-check, pseudonym memory, support text."""

from __future__ import annotations

import pytest

from kit.checks import run_checks
from kit.errors import SessionError
from kit.learner import current_learner, set_learner
from kit.views.checks import self_check


def test_self_check_passes_here(kit_home):
    """On a working setup every check is OK and the widget says so."""
    checks = run_checks()
    assert all(c.ok for c in checks), [c for c in checks if not c.ok]
    assert {"Python", "ipywidgets", "Case packs", "Saving your work"} <= {c.name for c in checks}
    assert "Everything is ready" in self_check().result.value


def test_self_check_reports_unwritable_home_with_a_fix(tmp_path, monkeypatch):
    """A KIT_HOME that cannot be written is a Problem with what to do."""
    blocker = tmp_path / "file"
    blocker.write_text("x")
    monkeypatch.setenv("KIT_HOME", str(blocker / "home"))
    (saving,) = [c for c in run_checks() if c.name == "Saving your work"]
    assert not saving.ok and "KIT_HOME" in saving.fix
    assert "Something needs fixing" in self_check().result.value


def test_pseudonym_is_remembered(kit_home):
    """set_learner stores the pseudonym for every notebook; nothing stored means None."""
    assert current_learner() is None
    set_learner("  Robin  ")
    assert current_learner() == "Robin"
    with pytest.raises(SessionError):
        set_learner("a/b")
    assert current_learner() == "Robin"


def test_self_check_in_a_shared_app_names_no_server_path(kit_home, tmp_path, monkeypatch):
    """In a shared app the learner's browser is not the server: the check says where in words,
    not the server's folder path."""
    monkeypatch.setenv("KIT_SHARED", str(tmp_path / "shared"))
    (saving,) = [c for c in run_checks() if c.name == "Saving your work"]
    assert saving.ok and "workshop's server" in saving.detail
    assert str(tmp_path) not in self_check().result.value
