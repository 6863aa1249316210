"""kit settings, kit init and kit lab: where things are, a learner's own copy, and Lab's start."""

from __future__ import annotations

import nbformat
import pytest

from kit import settings
from kit.cli import main
from kit.lab import lab_command
from kit.tidy import START_LINE, pre_save_hook, problems
from tests.conftest import ROOT


def test_settings_lists_every_variable_and_location(capsys, monkeypatch, tmp_path):
    monkeypatch.setenv("KIT_EXCHANGE", str(tmp_path / "exchange"))
    assert main(["settings"]) == 0
    out = capsys.readouterr().out
    for s in settings.SETTINGS:
        assert s.env in out and s.help in out
    assert str(tmp_path / "exchange") in out
    for what, path in settings.locations():
        assert what in out and str(path) in out
    assert str(ROOT / "casepacks") in out  # a checkout uses its own folders


def test_settings_say_plainly_what_is_set_and_what_is_not(monkeypatch, tmp_path):
    """A setting that is not set says '(unset: its default)' once, with where that default is on this
    computer when it is a place; a setting that is set shows its value; the key's secret never shows."""
    for s in settings.SETTINGS:
        monkeypatch.delenv(s.env, raising=False)
    rows = {env: now for env, now, _ in settings.describe()}
    assert all(now.startswith("(unset: ") and "unset: unset" not in now
               for env, now in rows.items() if env != "KIT_DEBUG"), rows
    assert f"here {ROOT / 'casepacks'}" in rows["KIT_PACKS"] and "denylist.txt" in rows["KIT_DENYLIST"]
    monkeypatch.setenv("KIT_PACKS", str(tmp_path / "packs"))
    monkeypatch.setenv("KIT_WORKSHOP_KEY", "secret-key-line")
    monkeypatch.setenv("KIT_DENYLIST", str(tmp_path / "names.txt"))
    rows = {env: now for env, now, _ in settings.describe()}
    assert rows["KIT_PACKS"] == str(tmp_path / "packs") and rows["KIT_DENYLIST"] == str(tmp_path / "names.txt")
    assert "secret-key-line" not in rows["KIT_WORKSHOP_KEY"] and "not shown" in rows["KIT_WORKSHOP_KEY"]


@pytest.mark.parametrize("doc", ["README.md", "docs/architecture.md"])
def test_docs_name_every_setting(doc):
    """The README's settings table and the architecture notes name every setting settings.py defines."""
    text = (ROOT / doc).read_text(encoding="utf-8")
    missing = [s.env for s in settings.SETTINGS if f"`{s.env}`" not in text]
    assert missing == []


def test_init_copies_learner_material_and_keeps_the_learners_files(capsys, tmp_path):
    dest = tmp_path / "course"
    assert main(["init", str(dest)]) == 0
    assert "kit lab" in capsys.readouterr().out
    for folder in ("notebooks", "exercises"):
        assert sorted(p.name for p in (dest / folder).iterdir()) == \
            sorted(p.name for p in (ROOT / folder).iterdir() if not p.name.startswith("."))
    assert not (dest / "facilitator").exists()  # model answers stay with the kit
    mine = dest / "notebooks" / "00_start_here.ipynb"
    mine.write_text("my own notes")
    assert main(["init", str(dest)]) == 0
    n = sum(1 for d in ("notebooks", "exercises") for p in (ROOT / d).iterdir() if not p.name.startswith("."))
    out = capsys.readouterr().out
    assert f"Copied 0 file(s) into {dest}" in out and f"kept {n} you already had" in out
    assert mine.read_text() == "my own notes"


def test_init_into_a_file_is_refused(capsys, tmp_path):
    (tmp_path / "file").write_text("x")
    assert main(["init", str(tmp_path / "file")]) == 1
    assert "is a file" in capsys.readouterr().err


def test_lab_needs_a_folder_with_the_start_notebook(capsys, tmp_path):
    assert main(["lab", str(tmp_path)]) == 1
    assert f"kit init {tmp_path}" in capsys.readouterr().err


def test_lab_command_opens_the_start_notebook_and_saves_tidy():
    cmd = lab_command(ROOT, ["--port=9999"])
    assert "--LabApp.default_url=/lab/tree/notebooks/00_start_here.ipynb" in cmd
    assert "--ContentsManager.pre_save_hook=kit.tidy.pre_save_hook" in cmd
    assert "--ip=127.0.0.1" in cmd and cmd[-1] == "--port=9999"


@pytest.mark.parametrize("kit_notebook", [True, False])
def test_pre_save_hook_tidies_only_the_kits_notebooks(kit_notebook):
    nb = nbformat.read(ROOT / "notebooks" / "02_robyn.ipynb", as_version=4)
    if not kit_notebook:
        nb.cells = nb.cells[1:]  # a learner's own notebook has no start line
    code = next(c for c in nb.cells if c.cell_type == "code")
    code.outputs = [nbformat.v4.new_output("stream", text="VBox(children=...)")]
    code.execution_count = 4
    model = {"type": "notebook", "content": nbformat.from_dict(nb)}
    pre_save_hook(model=model, path="x.ipynb", contents_manager=None)
    saved = model["content"]
    if kit_notebook:
        assert problems(saved) == [] and saved.cells[0].source == START_LINE
    else:
        assert next(c for c in saved.cells if c.cell_type == "code").outputs  # left alone
    pre_save_hook(model={"type": "file", "content": "text"}, path="notes.txt", contents_manager=None)
