"""A case notebook in JupyterLab itself: run it, open the case, decide and commit."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

from tests.browser.conftest import ROOT, free_port, shot, stop, wait_http

NOTEBOOK = "03_baby_c.ipynb"


def test_case_notebook_in_jupyterlab(browser, tmp_path):
    """JupyterLab opens a copy of a case notebook; running it and clicking commits a decision."""
    work = tmp_path / "notebooks"
    shutil.copytree(ROOT / "notebooks", work)  # Lab autosaves: never test on the real files
    settings = tmp_path / "lab-settings" / "@jupyterlab" / "apputils-extension"
    settings.mkdir(parents=True)
    (settings / "notification.jupyterlab-settings").write_text(
        json.dumps({"fetchNews": "false", "checkForUpdates": False}))
    port = free_port()
    env = {**os.environ, "KIT_HOME": str(tmp_path / "home"),
           "JUPYTERLAB_SETTINGS_DIR": str(tmp_path / "lab-settings")}
    (tmp_path / "home").mkdir()
    (tmp_path / "home" / "learner.txt").write_text("Lab Learner\n")
    cmd = [sys.executable, "-m", "jupyter", "lab", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
           "--ServerApp.port_retries=0", "--IdentityProvider.token=", "--ServerApp.password=",
           "--LabApp.news_url=None", "--expose-app-in-browser", f"--ServerApp.root_dir={work}", "--allow-root"]
    log = open(tmp_path / "lab.log", "w")  # noqa: SIM115 (closed below)
    proc = subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT)
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(120_000)
    try:
        wait_http(f"http://127.0.0.1:{port}/lab", proc)
        page.goto(f"http://127.0.0.1:{port}/lab/tree/{NOTEBOOK}")
        page.wait_for_function("window.jupyterapp && window.jupyterapp.shell.currentWidget "
                               "&& window.jupyterapp.shell.currentWidget.sessionContext "
                               "&& window.jupyterapp.shell.currentWidget.sessionContext.session")
        page.wait_for_function("window.jupyterapp.shell.currentWidget.sessionContext.session.kernel"
                               " && window.jupyterapp.shell.currentWidget.sessionContext.session.kernel.status"
                               " === 'idle'")
        page.evaluate("window.jupyterapp.commands.execute('notebook:run-all-cells')")
        go_on = page.get_by_role("button", name="I have read this: open the case", exact=True)
        go_on.wait_for()
        shot(page, "09-lab-content-note")
        go_on.click()
        page.locator("h3", has_text="Decision point 1 of").first.wait_for()
        page.get_by_role("radio").first.check()
        page.get_by_role("button", name="Commit my decision", exact=True).first.click()
        page.locator(".widget-html", has_text="Your decision is committed and saved.").first.wait_for()
        page.locator("h4", has_text="What the review found").first.wait_for()
        shot(page, "10-lab-reveal")
    finally:
        context.close()
        stop(proc)
        log.close()
    from kit.journal import Journal

    decided = Journal(tmp_path / "home" / "journal.sqlite3").events("Lab Learner", kinds=["decide"])
    assert len(decided) == 1
