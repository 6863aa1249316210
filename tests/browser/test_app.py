"""End to end in a real browser: the code-free app (Voila) with mouse and with keyboard alone,
a reload that keeps the committed decision, export, and accessibility (axe-core)."""

from __future__ import annotations

import json

import pytest

from kit.packs import load_pack
from tests.browser.conftest import ROOT, shot

CASE = "baby-c-closed-without-visit"
NOTEBOOK = "03_baby_c.ipynb"
AXE = ROOT / ".cache" / "axe" / "node_modules" / "axe-core" / "axe.min.js"


@pytest.fixture(scope="module")
def pack():
    return load_pack(CASE)


def open_start(page, app):
    page.goto(app["start"])
    page.get_by_role("button", name="Use this pseudonym").wait_for()


def test_learner_path_with_the_mouse(app, page, pack, tmp_path):
    """Start page, pseudonym, open a case, content note, decide, commit, reveal, reload, export."""
    open_start(page, app)
    assert page.locator(".jp-InputArea-editor, .CodeMirror, .cm-editor").count() == 0  # no code shown
    assert page.get_by_text("Run All Cells").count() == 0  # the app has no Run menu to point to
    shot(page, "01-start-page")
    page.get_by_placeholder("e.g. Robin, or Student 7").fill("Mouse Learner")
    page.get_by_role("button", name="Use this pseudonym").click()
    page.get_by_text("You are working as 'Mouse Learner'").wait_for()

    page.get_by_role("link", name=pack.title).click()
    page.get_by_role("button", name="I have read this: open the case").wait_for()
    assert page.get_by_text(pack.decision_points[0].situation.split(".")[0][:40]).count() == 0  # nothing before the note
    shot(page, "02-content-note")
    page.get_by_role("button", name="I have read this: open the case").click()
    first = pack.decision_points[0]
    page.get_by_text(f"Decision point 1 of {len(pack.decision_points)}").wait_for()
    shot(page, "03-first-decision-point")

    choice = first.supported_options[0]
    page.get_by_role("radio", name=choice.text).check()
    page.get_by_placeholder("Why this choice").first.fill("I would want to meet the mother first.")
    page.get_by_role("button", name="Commit my decision").first.click()
    page.get_by_text("Choose how confident you are").wait_for()  # no preset confidence
    page.get_by_role("radio", name="4 - quite confident").first.check()
    page.get_by_role("button", name="Commit my decision").first.click()
    page.get_by_text("What the review found").first.wait_for()
    page.get_by_text("Your decision is committed and saved.").wait_for()
    shot(page, "04-reveal")

    page.get_by_role("button", name="Step out of this case").click()  # reachable once the case is open
    page.get_by_role("heading", name="You have stepped out of this case").wait_for()
    shot(page, "04b-stepped-out")
    assert page.get_by_role("heading", name="What the review found").count() == 0  # the case is hidden
    page.get_by_role("button", name="Come back to this case").click()
    page.get_by_role("button", name="Decision committed (locked)").wait_for()

    page.reload()
    page.get_by_role("button", name="Decision committed (locked)").wait_for()
    assert page.get_by_role("button", name="Decision committed (locked)").is_disabled()
    assert page.get_by_role("radio", name=choice.text).is_checked()
    shot(page, "05-after-reload")

    opener = page.get_by_role("button", name="Open my reflection and export")
    export = page.get_by_role("button", name="Export my record")
    export.or_(opener).first.wait_for()
    if opener.count():
        opener.click()
    export.click()
    link = page.get_by_role("link", name="Download record-Mouse-Learner")
    link.wait_for()
    with page.expect_download() as info:
        link.click()
    saved = tmp_path / "record.html"
    info.value.save_as(saved)
    html = saved.read_text()
    assert "I would want to meet the mother first." in html and choice.text in html
    assert list((app["home"] / "exports").glob(f"record-Mouse-Learner-*-{CASE}.html"))  # a copy kept too
    shot(page, "06-export")


def tab_until(page, predicate_js: str, limit: int = 120) -> None:
    """Press Tab until document.activeElement satisfies the predicate (keyboard only)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"(() => {{ const el = document.activeElement; return !!el && ({predicate_js}); }})()"):
            return
    raise AssertionError(f"never reached an element where {predicate_js}")


def test_learner_path_with_the_keyboard_alone(app, page, pack):
    """The same path with Tab, typing, Enter and Space only."""
    open_start(page, app)
    tab_until(page, "el.placeholder === 'e.g. Robin, or Student 7'")
    page.keyboard.press("Control+A")
    page.keyboard.type("Keyboard Learner")
    tab_until(page, "el.textContent.trim() === 'Use this pseudonym'")
    page.keyboard.press("Enter")
    try:
        page.get_by_text("You are working as 'Keyboard Learner'").wait_for(timeout=30_000)
    finally:
        shot(page, "07-keyboard-pseudonym")
    tab_until(page, f"el.tagName === 'A' && el.textContent.trim() === {json.dumps(pack.title)}")
    page.keyboard.press("Enter")
    page.get_by_role("button", name="I have read this: open the case").wait_for()
    tab_until(page, "el.textContent.trim() === 'I have read this: open the case'")
    page.keyboard.press("Enter")
    page.get_by_text("Decision point 1 of").wait_for()
    tab_until(page, "el.type === 'radio'")
    page.keyboard.press("Space")
    tab_until(page, "el.type === 'radio' && !!el.closest('.kit-confidence')")  # confidence: chosen, not preset
    page.keyboard.press("Space")
    tab_until(page, "el.tagName === 'TEXTAREA'")
    page.keyboard.type("Chosen with the keyboard, for these reasons.")
    tab_until(page, "el.textContent.trim() === 'Commit my decision'")
    page.keyboard.press("Enter")
    page.get_by_text("Your decision is committed and saved.").wait_for()
    from kit.journal import (
        Journal,  # the whole rationale reached the journal: nothing typed was lost
    )

    (decided,) = Journal(app["home"] / "journal.sqlite3").events("Keyboard Learner", kinds=["decide"])
    assert decided.payload["rationale"] == "Chosen with the keyboard, for these reasons."
    assert decided.payload["confidence"] == 1
    page.get_by_text("What the review found").first.wait_for()
    shot(page, "07-keyboard-reveal")


def run_axe(page) -> list[dict]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [v for v in result["violations"] if v["impact"] in ("critical", "serious")]


@pytest.mark.parametrize("where", ["start", "case"])
def test_no_critical_or_serious_accessibility_violations(app, page, pack, where):
    """axe-core finds no critical or serious violations on the start page and a case page."""
    if not AXE.exists():
        pytest.fail("axe-core is missing: bash kit.sh test installs it into .cache/axe")
    if where == "start":
        open_start(page, app)
    else:
        page.goto(f"{app['base']}/voila/render/notebooks/{NOTEBOOK}")
        go_on = page.get_by_role("button", name="I have read this: open the case")
        opened = page.get_by_text("Decision point 1 of")
        go_on.or_(opened).first.wait_for()
        if go_on.count():
            go_on.click()
        opened.wait_for()
    bad = run_axe(page)
    shot(page, f"08-axe-{where}")
    assert bad == [], json.dumps([{"id": v["id"], "impact": v["impact"], "help": v["help"],
                                   "nodes": [n["html"][:160] for n in v["nodes"][:3]]} for v in bad], indent=1)
