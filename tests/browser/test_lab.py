"""The learner notebooks in JupyterLab itself, started as `bash kit.sh start` starts it
(`kit lab`): the start notebook opens first, unrun; a case notebook runs and commits a
decision; saving keeps the stored notebook tidy; nothing is written to the real ~/.jupyter."""

from __future__ import annotations

import json
import os
import shutil
import subprocess

import nbformat

from kit.lab import lab_command
from kit.tidy import START_LINE, problems
from tests.browser.conftest import ROOT, free_port, home_jupyter_state, shot, stop, wait_http
from tests.browser.looks import look, report

NOTEBOOK = "03_baby_c.ipynb"
CURRENT = "window.jupyterapp.shell.currentWidget"


def jupyter_env(tmp_path) -> dict[str, str]:
    """Throwaway Jupyter config, data, runtime, settings and workspace folders for one Lab."""
    env = {**os.environ, "KIT_HOME": str(tmp_path / "home")}
    for var, sub in (("JUPYTER_CONFIG_DIR", "config"), ("JUPYTER_DATA_DIR", "data"),
                     ("JUPYTER_RUNTIME_DIR", "runtime"), ("JUPYTERLAB_WORKSPACES_DIR", "workspaces"),
                     ("JUPYTERLAB_SETTINGS_DIR", "lab-settings"), ("IPYTHONDIR", "ipython")):
        env[var] = str(tmp_path / "jupyter" / sub)
    return env


def wait_for_kernel(page) -> None:
    page.wait_for_function(f"window.jupyterapp && {CURRENT} && {CURRENT}.sessionContext "
                           f"&& {CURRENT}.sessionContext.session && {CURRENT}.sessionContext.session.kernel "
                           f"&& {CURRENT}.sessionContext.session.kernel.status === 'idle'")


def test_lab_opens_the_start_notebook_and_runs_a_case(browser, tmp_path):
    """kit lab opens 00_start_here (unrun: the start line, no outputs); a case runs and commits,
    with the kit's look (one radio group per question, nothing too wide or cut off, no internal id);
    a save stores the notebook tidy; the real ~/.jupyter is untouched."""
    before = home_jupyter_state()
    root = tmp_path / "learner"
    shutil.copytree(ROOT / "notebooks", root / "notebooks")  # Lab saves: never test on the real files
    env = jupyter_env(tmp_path)
    (tmp_path / "home").mkdir()
    (tmp_path / "home" / "learner.txt").write_text("Lab Learner\n")
    port = free_port()
    cmd = lab_command(root, [f"--port={port}", "--ServerApp.port_retries=0", "--IdentityProvider.token=",
                             "--ServerApp.password=", "--expose-app-in-browser"])
    log = open(tmp_path / "lab.log", "w")  # noqa: SIM115 (closed below)
    proc = subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT)
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(120_000)
    try:
        wait_http(f"http://127.0.0.1:{port}/lab", proc)
        page.goto(f"http://127.0.0.1:{port}/")  # the address Lab prints leads to the start notebook
        page.wait_for_function(f"window.jupyterapp && {CURRENT} && {CURRENT}.context")
        assert page.evaluate(f"{CURRENT}.context.path") == "notebooks/00_start_here.ipynb"
        first = page.locator(".jp-Notebook .jp-Cell").first
        first.locator("strong", has_text="Run > Run All Cells").wait_for()  # the first thing on the page
        assert page.locator(".jp-Notebook .jp-OutputArea-output").count() == 0  # unrun: nothing stale
        assert page.get_by_text("PACK =").count() == 0 and page.get_by_text("VBox(").count() == 0
        shot(page, "08-lab-start-page")

        page.goto(f"http://127.0.0.1:{port}/lab/tree/notebooks/{NOTEBOOK}")
        page.wait_for_function(f"{CURRENT} && {CURRENT}.context && {CURRENT}.context.path.endsWith('{NOTEBOOK}')")
        wait_for_kernel(page)
        page.evaluate("window.jupyterapp.commands.execute('notebook:run-all-cells')")
        go_on = page.get_by_role("button", name="I have read this: open the case", exact=True)
        go_on.wait_for()
        shot(page, "09-lab-content-note")
        go_on.click()
        card = page.locator(".kit-card", has=page.locator("h3", has_text="Decision point 1 of")).first
        card.wait_for()
        assert card.locator("fieldset.kit-choice").count() == 2  # the options and the confidence scale
        assert page.evaluate("getComputedStyle(document.querySelector('.kit')).paddingLeft") == "5px"  # the kit's stylesheet
        found: dict[str, list[str]] = {}
        look(page, "lab-decision-point", found, root=".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook")
        card.get_by_role("radio").first.check()
        card.get_by_role("radio", name="3 - fairly confident").check()
        card.get_by_label("Your reasons").fill("Reasons enough for a first choice here.")
        card.get_by_label("What would change your mind?").fill("A word from the health visitor.")
        card.get_by_role("button", name="Commit my decision", exact=True).click()
        card.get_by_role("status").filter(has_text="Your decision is committed and saved.").wait_for()
        card.get_by_role("checkbox", name="The history: what had happened before").check()
        card.get_by_role("button", name="Save what my reasons rested on", exact=True).click()
        card.locator("h4", has_text="What the review found").wait_for()
        look(page, "lab-reveal", found, root=".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook")
        assert not found, report(found)
        page.evaluate(f"{CURRENT}.context.save()")  # what a learner's Ctrl+S (or autosave) does
        page.wait_for_function(f"!{CURRENT}.context.model.dirty")
    finally:
        context.close()
        stop(proc)
        log.close()
    from kit.journal import Journal

    decided = Journal(tmp_path / "home" / "journal.sqlite3").events("Lab Learner", kinds=["decide"])
    assert len(decided) == 1
    saved = nbformat.read(root / "notebooks" / NOTEBOOK, as_version=4)
    assert problems(saved) == [] and saved.cells[0].source == START_LINE  # saved without outputs
    assert json.loads((root / "notebooks" / NOTEBOOK).read_text()) == \
        json.loads((ROOT / "notebooks" / NOTEBOOK).read_text())
    assert list((tmp_path / "jupyter" / "workspaces").glob("*.jupyterlab-workspace"))  # Lab wrote here...
    assert home_jupyter_state() == before  # ...and not in ~/.jupyter or ~/.local/share/jupyter
