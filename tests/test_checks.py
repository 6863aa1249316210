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


def test_self_check_speaks_to_a_student_and_keeps_versions_and_paths_for_the_tutor(kit_home):
    """The table a student reads names the software, the cases and saving their work in plain words, with
    no version, package name or path; those are folded under 'Details for your tutor'."""
    import sys

    from kit.journal import Journal

    view = self_check()
    student = view.result.value
    assert "Everything the kit needs is installed." in student and "Every case opens." in student
    assert "Your work is saved as you go, on this computer." in student
    for technical in ("ipywidgets", "pydantic", sys.version.split()[0], str(Journal().path), "Python"):
        assert technical not in student, technical
    assert "<summary>Details for your tutor</summary>" in view.details.value
    assert "ipywidgets" in view.details.value and str(Journal().path) in view.details.value


def test_a_student_reads_what_to_do_when_saving_fails(tmp_path, monkeypatch):
    """An unwritable home reads, for the student, as work that cannot be saved and who to ask."""
    blocker = tmp_path / "file"
    blocker.write_text("x")
    monkeypatch.setenv("KIT_HOME", str(blocker / "home"))
    student = self_check().result.value
    assert "Your work cannot be saved at the moment" in student and "Ask your tutor" in student
    assert "KIT_HOME" not in student
