"""End to end in a real browser: the code-free app (Voila), as a learner uses it.

A whole case, from the start page to the exported record, with the mouse on a phone held upright
(390 px), each step also looked at on a desktop (1280 px); the same journey with the keyboard alone; zoomed to
200%; printed; and in the dark theme. Each step is saved as a full-page screenshot
(tests/browser/looks.py says where) and its structure is checked: nothing wider than the screen,
no text spilling out of its box or cut off, no internal id or literal escape in what a learner
reads. axe-core checks every impact level on the start page, a case page before and after a
commit, the comparison, the debate and the record.
"""

from __future__ import annotations

import json
import os
import subprocess

import pytest

from kit.packs import load_pack
from tests.browser.conftest import ROOT, free_port, open_page, stop, wait_http
from tests.browser.looks import (
    AXE,
    SCREENSHOTS,
    WIDTHS,
    axe,
    focus_ring,
    grow,
    look,
    problems,
    report,
)

CASE = "baby-c-closed-without-visit"
NOTEBOOK = "03_baby_c.ipynb"
REASONS = "I would want to meet the mother and see the home first."
CHANGE = "A home visit that found the baby's needs were met."
HISTORY = "The history: what had happened before"


@pytest.fixture
def pack():  # per test: the tests of this module can run on different workers (each with its own app)
    return load_pack(CASE)


@pytest.fixture(autouse=True)
def need_axe():
    if not AXE.exists():
        pytest.fail("axe-core is missing: bash kit.sh test installs it into .cache/axe")


def new_page(browser, width: int, *, scale: float = 1):
    return open_page(browser, width, device_scale_factor=scale, accept_downloads=True)


def open_start(page, app) -> None:
    page.goto(app["start"])
    page.get_by_role("button", name="Use this pseudonym").wait_for()


def choose_pseudonym(page, who: str) -> None:
    page.get_by_label("Your pseudonym").fill(who)
    page.get_by_role("button", name="Use this pseudonym").click()
    page.get_by_text(f"You are working as '{who}'").wait_for()


def point_card(page, n: int):
    return page.locator(".kit-card", has=page.locator("h3", has_text=f"Decision point {n} of"))


def rest_on(card, *considerations: str) -> None:
    """Tick what the reasons rested on (after the commit, before the reveal), save, and wait for the
    reveal it opens (a reload before the kernel has saved would lose the ticks)."""
    for words in considerations or (HISTORY,):
        card.get_by_role("checkbox", name=words).check()
    card.get_by_role("button", name="Save what my reasons rested on").click()
    card.get_by_role("heading", name="What the review found").wait_for()


def commit_point(card, option: str, confidence: str = "3 - fairly confident", reasons: str = REASONS,
                 rested_on: tuple[str, ...] = (HISTORY,)) -> None:
    card.get_by_role("radio", name=option, exact=True).check()
    card.get_by_role("radio", name=confidence).check()
    card.get_by_label("Your reasons").fill(reasons)
    card.get_by_label("What would change your mind?").fill(CHANGE)
    card.get_by_role("button", name="Commit my decision").click()
    card.get_by_text("Your decision is committed and saved.").wait_for()
    rest_on(card, *rested_on)


def look_both(page, name: str, found: dict) -> None:
    """Look at this step at the page's width (a phone's) and on a desktop: one journey, both screens."""
    look(page, name, found)
    size = page.viewport_size
    page.set_viewport_size({"width": WIDTHS["desktop"], "height": size["height"]})
    try:
        look(page, name, found)
    finally:
        page.set_viewport_size(size)


def axe_both(page) -> list:
    """axe-core at the page's width and on a desktop."""
    size = page.viewport_size
    found = axe(page)
    page.set_viewport_size({"width": WIDTHS["desktop"], "height": size["height"]})
    try:
        return found + [v for v in axe(page) if v not in found]
    finally:
        page.set_viewport_size(size)


def test_a_case_from_start_to_exported_record(app, browser, pack, tmp_path):
    """The whole journey, with the mouse on a phone: pseudonym, content note, every point committed (a
    commit without a confidence refused with a message read out), step out and back, a reload that
    keeps the commits, the comparison, the debate, the record exported and downloaded; screenshots of
    each step at phone and desktop width with nothing too wide, cut off, or internal; axe-core finds no
    violation of any impact at either width. (Desktop clicks: the keyboard journey below, and the
    other browser tests.)"""
    width = WIDTHS["phone"]
    page = new_page(browser, width)
    who = "Learner Phone"
    found: dict[str, list[str]] = {}
    violations: dict[str, list] = {}
    try:
        open_start(page, app)
        assert page.locator(".jp-InputArea-editor, .CodeMirror, .cm-editor").count() == 0  # no code shown
        assert page.get_by_role("main").count() == 1
        assert page.title().startswith("Start here")
        look_both(page, "01-start", found)
        violations["start"] = axe_both(page)
        choose_pseudonym(page, who)

        page.get_by_role("link", name=pack.title).click()
        go_on = page.get_by_role("button", name="I have read this: open the case")
        go_on.wait_for()
        assert page.get_by_text(pack.decision_points[0].situation.split(".")[0][:40]).count() == 0
        look_both(page, "02-content-note", found)
        go_on.click()
        first = point_card(page, 1)
        first.wait_for()
        look_both(page, "03-decision-point", found)
        violations["case before a commit"] = axe_both(page)

        option = " ".join(pack.decision_points[0].supported_options[0].text.split())
        first.get_by_role("radio", name=option, exact=True).check()
        first.get_by_label("Your reasons").fill(REASONS)
        first.get_by_label("What would change your mind?").fill(CHANGE)
        first.get_by_role("button", name="Commit my decision").click()
        refused = first.get_by_role("status").filter(has_text="Choose how confident you are")
        refused.wait_for()  # in a live region: read out as it appears
        look_both(page, "04-commit-refused", found)
        first.get_by_role("radio", name="4 - quite confident").check()
        first.get_by_role("button", name="Commit my decision").click()
        first.get_by_role("status").filter(has_text="Your decision is committed and saved.").wait_for()
        first.get_by_role("heading", name="What did your reasons rest on?").wait_for()
        assert first.get_by_role("heading", name="What the review found").count() == 0  # the ticks come first
        rest_on(first, HISTORY, "What I still needed to find out, and from whom")
        first.get_by_role("heading", name="What the review found").wait_for()
        look_both(page, "05-reveal", found)
        violations["case after a commit"] = axe_both(page)

        page.get_by_role("button", name="Step out of this case").click()
        page.get_by_role("heading", name="You have stepped out of this case").wait_for()
        assert page.get_by_role("heading", name="What the review found").count() == 0
        look_both(page, "06-stepped-out", found)
        page.get_by_role("button", name="Come back to this case").click()
        page.get_by_role("button", name="Decision committed (locked)").wait_for()
        page.reload()  # a reload opens the case where the learner left it: at the point they are on
        point_card(page, 2).wait_for()
        # Voila's page scrolls inside its panel: the point, far down the page, is brought to the top
        page.wait_for_function("() => { const c = document.querySelector('.kit-current');"
                               " return !!c && Math.abs(c.getBoundingClientRect().top) < 40; }")
        assert "Decision point 2 of" in page.locator(".kit-current h3").first.inner_text()

        for n, point in enumerate(pack.decision_points[1:], 2):
            commit_point(point_card(page, n), " ".join(point.options[0].text.split()))
        page.reload()
        page.get_by_role("button", name="Decision committed (locked)").first.wait_for()
        assert page.get_by_role("button", name="Decision committed (locked)").count() == len(pack.decision_points)
        assert page.get_by_role("radio", name=option, exact=True).is_checked()
        page.get_by_role("button", name="Read it now").click()
        page.get_by_role("heading", name="You have reached the end of the case").wait_for()
        look_both(page, "07-end-of-case", found)
        feedback = page.locator(".widget-html", has=page.get_by_role("heading", name="Your reasoning in this case"))
        size = grow(page)  # Voila scrolls an inner panel: the whole feedback is drawn only at full height
        try:
            page.wait_for_timeout(150)
            feedback.screenshot(path=str(SCREENSHOTS / str(width) / "07b-end-of-case-feedback.png"))
        finally:
            page.set_viewport_size(size)
        assert feedback.get_by_role("heading", name="Your reasons beside your choices").count() == 1
        assert feedback.get_by_role("heading", name="Patterns in your path through the case").count() == 1
        assert feedback.get_by_text(f"You wrote: \u201c{REASONS}\u201d").count() == len(pack.decision_points)
        assert feedback.get_by_text("You said your reasons rested on: the history: what had happened before").count()

        page.get_by_role("button", name="Compare my choices with the review").click()
        table = page.locator("table.kit-table", has_text="Your choices beside what was done")
        table.wait_for()
        caption, whole = table.locator("caption").bounding_box(), table.bounding_box()
        assert caption["y"] <= whole["y"] + 2 and caption["width"] > 0.9 * whole["width"]  # a caption, above
        assert caption["height"] < 60, "the caption reads as one or two lines, not squeezed into a column"
        assert page.get_by_role("heading", name="Patterns in your path through the case").count() == 1  # once
        assert table.get_by_role("rowheader").count() == len(pack.decision_points)
        page.locator("figure.kit-chart img").first.wait_for()
        assert page.locator("figure.kit-chart img").first.get_attribute("alt")  # the chart keeps its words
        look_both(page, "08-comparison", found)
        violations["comparison"] = axe_both(page)

        comment = page.locator(".kit-card", has=page.get_by_role("heading", name="Commenter A"))
        comment.get_by_label("How far it holds individuals accountable").select_option(label="2 a fair amount")
        comment.get_by_label("How far it points to context and system").select_option(label="3 a great deal")
        comment.get_by_role("checkbox", name="Managers").check()
        page.get_by_role("button", name="Compare my placings with the kit's coding").click()
        page.get_by_role("heading", name="Your placings beside the kit's coding").wait_for()
        page.get_by_label("My position").fill("Both: the worker decided, within a team that was short of staff.")
        page.get_by_label("The strongest case for the other side").fill(
            "Supervision should have caught it: a manager who read the file would have seen the gaps and asked.")
        page.get_by_role("button", name="Save my position").click()
        page.get_by_text("Your position and the case for the other side are saved.").wait_for()
        look_both(page, "09-debate", found)
        violations["debate"] = axe_both(page)

        page.get_by_label("Organisation", exact=True).select_option(label="3 a great deal")
        page.get_by_role("button", name="Save where I place the reasons").click()
        page.get_by_label("Feelings").fill("Uneasy that no one saw the baby.")
        page.get_by_role("button", name="Save my reflection").click()
        page.get_by_role("button", name="Export my record").click()
        link = page.get_by_role("link", name="Download your record: A web page to print or keep (HTML)")
        link.wait_for()
        status = page.get_by_role("status").filter(has_text="Your record is ready").first.inner_text()
        assert str(app["home"]) not in status and "/" not in status  # no server path for a learner
        with page.expect_download() as info:
            link.click()
        assert info.value.suggested_filename.startswith(f"record-{who.replace(' ', '-')}")
        saved = tmp_path / "record.html"
        info.value.save_as(saved)
        record = saved.read_text()
        assert REASONS in record and option in record and "Uneasy that no one saw the baby." in record
        look_both(page, "10-record-exported", found)
        violations["record"] = axe_both(page)

        page.emulate_media(media="print")
        look_both(page, "11-printed", found)
        assert page.get_by_role("button", name="Export my record").is_hidden()  # buttons are not printed
        pdf = page.pdf(format="A4")
        assert pdf.startswith(b"%PDF") and pdf.count(b"/Type /Page") > 3  # the whole page, not one screen
        page.emulate_media(media="screen")

        page.goto(f"{app['base']}/voila/render/notebooks/06_accountability_vs_context.ipynb")
        page.get_by_text("Your placing of the debates").wait_for()  # the learner's own, beside the reviews'
        page.locator("figure.kit-chart img").nth(1).wait_for()
        look_both(page, "12-across-the-cases", found)
    finally:
        page.context.close()
    bad = {k: v for k, v in violations.items() if v}
    assert not found, report(found)
    assert not bad, json.dumps(bad, indent=1)


def tab_until(page, predicate_js: str, limit: int = 150, rings: list | None = None) -> None:
    """Press Tab until document.activeElement satisfies the predicate (keyboard only); note the
    focus ring of each stop on the way."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if rings is not None:
            rings.append(focus_ring(page))
        if page.evaluate(f"(() => {{ const el = document.activeElement; return !!el && ({predicate_js}); }})()"):
            return
    raise AssertionError(f"never reached an element where {predicate_js}")


def test_the_journey_with_the_keyboard_alone(app, browser, pack):
    """Start page to exported record with Tab, arrows, typing, Space and Enter only: each option list
    is one Tab stop whose options the arrow keys choose; every stop shows a visible focus ring."""
    page = new_page(browser, WIDTHS["desktop"])
    rings: list = []
    try:
        open_start(page, app)
        tab_until(page, "el.placeholder === 'e.g. Robin, or Student 7'", rings=rings)
        page.keyboard.press("Control+A")
        page.keyboard.type("Keyboard Learner")
        tab_until(page, "el.textContent.trim() === 'Use this pseudonym'", rings=rings)
        page.keyboard.press("Enter")
        page.get_by_text("You are working as 'Keyboard Learner'").wait_for()
        tab_until(page, f"el.tagName === 'A' && el.textContent.trim() === {json.dumps(pack.title)}")
        page.keyboard.press("Enter")
        page.get_by_role("button", name="I have read this: open the case").wait_for()
        tab_until(page, "el.textContent.trim() === 'I have read this: open the case'", rings=rings)
        page.keyboard.press("Enter")
        for n in range(1, len(pack.decision_points) + 1):
            point_card(page, n).wait_for()
            tab_until(page, f"el.type === 'radio' && !!el.closest('.kit-card')?.querySelector('h3')"
                            f"?.textContent.includes('Decision point {n} of')", rings=rings)
            page.keyboard.press("Space")  # the first option
            page.keyboard.press("ArrowDown")  # arrows move the choice within the group
            page.keyboard.press("Tab")  # one Tab leaves the options for the confidence scale
            rings.append(focus_ring(page))
            assert page.evaluate("!!document.activeElement.closest('.kit-confidence')"), \
                "one Tab should move from the options to the confidence scale"
            for _ in range(3):
                page.keyboard.press("ArrowRight")  # 1, then 2, 3, 4
            page.keyboard.press("Tab")
            assert page.evaluate("document.activeElement.tagName") == "TEXTAREA"
            rings.append(focus_ring(page))
            page.keyboard.type("Chosen with the keyboard, for these reasons.")
            page.keyboard.press("Tab")
            assert page.evaluate("document.activeElement.tagName") == "TEXTAREA"
            page.keyboard.type("A word from the midwife would change it.")
            tab_until(page, "el.textContent.trim() === 'Commit my decision'", rings=rings)
            page.keyboard.press("Enter")
            point_card(page, n).get_by_text("Your decision is committed and saved.").wait_for()
            tab_until(page, f"el.type === 'checkbox' && el.closest('label')?.textContent.includes({json.dumps(HISTORY)})",
                      rings=rings)
            page.keyboard.press("Space")
            tab_until(page, "el.textContent.trim() === 'Save what my reasons rested on'", rings=rings)
            page.keyboard.press("Enter")
            point_card(page, n).get_by_role("heading", name="What happened").wait_for()
        from kit.journal import Journal  # everything typed and chosen reached the journal

        decided = Journal(app["home"] / "journal.sqlite3").events("Keyboard Learner", kinds=["decide"])
        assert len(decided) == len(pack.decision_points)
        first = decided[0].payload
        assert first["rationale"] == "Chosen with the keyboard, for these reasons." and first["confidence"] == 4
        assert first["option_id"] == pack.decision_points[0].options[1].id  # the second option, by arrow

        tab_until(page, "el.textContent.trim() === 'Compare my choices with the review'", rings=rings)
        page.keyboard.press("Enter")
        page.get_by_text("Point by point").wait_for()
        tab_until(page, "el.textContent.trim() === 'Export my record'", rings=rings)
        page.keyboard.press("Enter")
        # as a person would, wait until the link is there (the kernel writes the record first): Tab
        # pressed before it appears passes the place where it will be
        page.get_by_role("link", name="Download your record: A web page to print or keep (HTML)").wait_for()
        tab_until(page, "el.tagName === 'A' && el.textContent.startsWith('Download your record')",
                  rings=rings)
        with page.expect_download() as info:
            page.keyboard.press("Enter")
        assert info.value.suggested_filename.startswith("record-Keyboard-Learner")
        look(page, "13-keyboard-exported")
    finally:
        page.context.close()
    stops = [r for r in rings if r]
    assert stops and all(r["outline"] != "none" and r["width"] >= 2 for r in stops), \
        json.dumps([r for r in stops if r["outline"] == "none" or r["width"] < 2], indent=1)


def test_zoomed_to_200_percent(app, browser, pack):
    """A 1280 px screen zoomed to 200% (640 CSS pixels at twice the density): the start page and a
    case page fit, with nothing cut off."""
    page = new_page(browser, 640, scale=2)
    found: dict[str, list[str]] = {}
    try:
        open_start(page, app)
        look(page, "14-zoomed-start", found)
        page.goto(f"{app['base']}/voila/render/notebooks/{NOTEBOOK}")
        page.locator(".kit-card, .kit .jupyter-button").first.wait_for()
        look(page, "15-zoomed-case", found)
    finally:
        page.context.close()
    assert not found, report(found)


def test_dark_theme(browser, tmp_path):
    """The app in Voila's dark theme: the start page and an open case read well (axe-core's contrast
    and every other rule) and fit the screen."""
    from kit.app import prepare, voila_command

    port = free_port()
    home = tmp_path / "home"
    home.mkdir()
    (home / "learner.txt").write_text("Dark Learner\n")
    served = prepare(tmp_path / "app")
    log = open(tmp_path / "voila.log", "w")  # noqa: SIM115 (closed with the server)
    command = [a if a != "--theme=light" else "--theme=dark" for a in voila_command(port, served)]
    proc = subprocess.Popen(command, cwd=ROOT,
                            env={**os.environ, "KIT_HOME": str(home)}, stdout=log, stderr=subprocess.STDOUT)
    page = new_page(browser, WIDTHS["desktop"])
    found: dict[str, list[str]] = {}
    try:
        wait_http(f"http://127.0.0.1:{port}/", proc)
        page.goto(f"http://127.0.0.1:{port}/voila/render/notebooks/{NOTEBOOK}")
        page.get_by_role("button", name="I have read this: open the case").click()
        point_card(page, 1).wait_for()
        assert page.evaluate("document.body.dataset.jpThemeLight") == "false"
        look(page, "16-dark-case", found)
        bad = axe(page)
    finally:
        page.context.close()
        stop(proc)
        log.close()
    assert not found, report(found)
    assert bad == [], json.dumps(bad, indent=1)


def test_structure_check_finds_what_it_should(app, browser):
    """The structure check is not blind: a box wider than the screen, words cut off in a list and an
    internal id in the text (on its own or inside a file name) are each reported."""
    page = new_page(browser, WIDTHS["phone"])
    try:
        open_start(page, app)
        assert problems(page) == []
        page.evaluate("""() => {
            const main = document.querySelector('#kit-main');
            const wide = document.createElement('div'); wide.style.width = '900px'; wide.textContent = 'wide';
            const sel = document.createElement('select'); sel.style.width = '40px';
            sel.innerHTML = '<option>3 a great deal</option>';
            const id = document.createElement('p'); id.textContent = 'See bruising-contact.';
            const file = document.createElement('p'); file.textContent = 'Saved as record-Ash-baby-c-closed-without-visit.html';
            main.append(wide, sel, id, file);
        }""")
        found = "\n".join(problems(page))
    finally:
        page.context.close()
    assert "wider than the screen" in found and "list cuts its words" in found
    assert "internal id 'bruising-contact'" in found and "internal id 'baby-c-closed-without-visit'" in found
