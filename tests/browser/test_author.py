"""End to end in a real browser: the authoring page (`kit author`), as a lecturer who has never seen
YAML uses it. A case built from empty in forms: an inline problem met and fixed, copied words
marked and rewritten, a point previewed as learners see it (before and after commit), saved and
published; the published pack passes kit lint and opens in a case notebook. Screenshots at
1280 px (tests/browser/looks.py says where), their structure checked, and axe-core at every impact."""

from __future__ import annotations

import os
import re
import shutil
import subprocess

import nbformat
import pytest
from nbclient import NotebookClient
from playwright.sync_api import expect

from kit.authorapp import PAGE, page_url, prepare
from kit.cli import main
from tests.browser.conftest import ROOT, free_port, open_page, stop, wait_http
from tests.browser.looks import AXE, axe, look, report
from tests.conftest import CASEPACKS

SOURCE = ("A serious case review published today found that the duty team closed the referral without a home "
          "visit because the family had moved twice in a year and nobody had asked the housing officer what she "
          "had seen. The board said there was 'a lack of professional curiosity at every stage' of the case.")
expect.set_options(timeout=90_000)  # a busy machine: the kernel answers each field in turn
COPIED = "The team closed the referral without a home visit because the family had moved twice in a year."


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    if not AXE.exists():
        pytest.fail("axe-core is missing: bash kit.sh test installs it into .cache/axe")
    from tests.browser.conftest import _need_browser

    _need_browser()
    from kit.app import voila_command

    base = tmp_path_factory.mktemp("author")
    packs = base / "my-packs"
    packs.mkdir()
    shutil.copy(CASEPACKS / "vocabulary.yaml", packs / "vocabulary.yaml")
    home = base / "kit-home"
    folder = prepare(str(packs), base / "page")
    port = free_port()
    env = {**os.environ, "KIT_HOME": str(home)}
    log = open(base / "voila.log", "w")  # noqa: SIM115 (closed with the server)
    proc = subprocess.Popen(voila_command(port, folder, idle_minutes=0), cwd=ROOT, env=env, stdout=log,
                            stderr=subprocess.STDOUT)
    try:
        wait_http(f"http://127.0.0.1:{port}/voila/static/voila.js", proc)
        yield {"url": page_url(port), "packs": packs, "home": home, "base": base}
    finally:
        stop(proc)
        log.close()


# Resolves once the page has not changed for `ms` (at most 15 s): the kernel's answer to a field
# (a problem line appearing or going under it) moves what is below, and a click aimed before the
# move lands beside its target.
QUIET_JS = """(ms) => new Promise(resolve => {
  let timer;
  const obs = new MutationObserver(() => { clearTimeout(timer); timer = setTimeout(done, ms); });
  const cap = setTimeout(done, 15000);
  function done() { obs.disconnect(); clearTimeout(cap); resolve(); }
  obs.observe(document.body, {subtree: true, childList: true, attributes: true, characterData: true});
  timer = setTimeout(done, ms);
})"""


def settle(page, ms: int = 400) -> None:
    page.evaluate(QUIET_JS, ms)


def tick(page, label: str, nth: int = 0) -> None:
    settle(page)
    box = page.get_by_label(label, exact=True).nth(nth)
    box.check()
    expect(box).to_be_checked()


def type_into(page, label: str, text: str, nth: int = 0) -> None:
    box = page.get_by_label(label, exact=True).nth(nth)
    box.fill(text)
    box.press("Tab")  # the page takes a field's words when the educator moves on
    settle(page)


def section(page, name: str) -> None:
    page.get_by_role("radio", name=name, exact=True).check()
    page.get_by_role("heading", name=name if name != "Preview" else "See it as a learner will").first.wait_for()


def write_point(page, n: int) -> None:
    settle(page)
    page.get_by_role("button", name="Add a decision point").click()
    expect(page.get_by_role("radio", name=f"{n}. A new point")).to_be_checked()
    expect(page.get_by_label("Short title (a few words naming the moment, no outcome)", exact=True)).to_have_value("")
    expect(page.get_by_label("What happened (shown after the learner commits)", exact=True)).to_have_value("")
    type_into(page, "Short title (a few words naming the moment, no outcome)", f"A call from housing, part {n}")
    page.get_by_role("radio", name=f"{n}. A call from housing, part {n}").wait_for()
    type_into(page, "When", f"Spring {2014 + n}")
    type_into(page, "The situation, only as it was known then",
              "A housing officer rings about a pregnant tenant who seems frightened of her partner.")
    type_into(page, "The question learners answer", "You are the duty social worker. What do you do next?")
    type_into(page, "The choice, in a sentence", "Record the call and close it with advice to the caller.", 0)
    tick(page, "This is what was done", 0)
    type_into(page, "The choice, in a sentence", "Arrange a home visit with a colleague within the week.", 1)
    tick(page, "Consistent with the review's findings", 1)
    tick(page, "Professional curiosity", 1)
    type_into(page, "What happened (shown after the learner commits)", "The call was logged and closed that day.")
    type_into(page, "The review's finding, in your own words",
              "The review said a visit would have let someone see the home and meet the partner.")
    page.get_by_label("Level", exact=True).select_option(label="Organisation")
    type_into(page, "The reason", "Ten-day timescales were closely watched by managers.")


def test_a_lecturer_builds_previews_and_publishes_a_case(server, browser, tmp_path):
    """From an empty page to a published case that passes kit lint and opens in a case notebook."""
    page = open_page(browser)
    context = page.context
    found: dict[str, list[str]] = {}
    violations: dict[str, list] = {}
    try:
        page.goto(server["url"])
        page.get_by_role("radio", name="About the case", exact=True).wait_for()
        assert page.locator(".jp-InputArea-editor, .CodeMirror, .cm-editor").count() == 0  # no code shown
        look(page, "author-01-empty", found)
        violations["empty page"] = axe(page)

        type_into(page, "Title", "Baby Q: a referral from housing")
        summary = page.locator(".kit-problems", has_text="is empty").first
        summary.wait_for()  # the problem beside the empty summary, as the educator works
        look(page, "author-02-inline-problem", found)
        type_into(page, "Summary (2 to 5 sentences, in your own words)",
                  "A teaching case about a call from a housing officer during a pregnancy, and what the duty "
                  "team made of it.")
        type_into(page, "Content note (shown before anything else)", "Serious injury to a baby; domestic abuse.")
        type_into(page, "What became of the children (shown at the end)", "The baby was later hurt at home.")

        section(page, "Source")
        type_into(page, "The review's title", "Serious case review: Baby Q, Exampleshire Safeguarding Children Board")
        type_into(page, "Year published", "2019")
        type_into(page, "Publisher", "Community Care")
        type_into(page, "Headline", "Review finds referral was closed early")
        type_into(page, "The source article's text", SOURCE)

        section(page, "Background")
        type_into(page, "The review's pseudonyms for the children (commas between)", "Q")
        type_into(page, "Capitalised words here that are not names (commas between)", "Exampleshire")

        section(page, "Decision points")
        write_point(page, 1)
        write_point(page, 2)
        page.locator(".kit-problems").get_by_text("needs at least 3, but has 2. Add a decision point.").wait_for()
        look(page, "author-03-two-points-inline-error", found)
        write_point(page, 3)
        page.locator(".kit-problems").get_by_text("needs at least 3, but has 2").wait_for(state="detached")

        type_into(page, "What happened (shown after the learner commits)", COPIED)
        marked = page.locator(".kit-problems mark", has_text="closed the referral without a home visit")
        marked.wait_for()
        page.locator(".kit-problems").get_by_text(re.compile(r"copies 1\d words in a row from the source text")).wait_for()
        marked.scroll_into_view_if_needed()
        look(page, "author-04-copied-words-marked", found)
        violations["copied words marked"] = axe(page)
        page.get_by_role("button", name="Publish to learners").click()
        page.get_by_text("The case is not published: 1 problem still to fix").wait_for()
        type_into(page, "What happened (shown after the learner commits)", "The call was logged and the case closed.")
        marked.wait_for(state="detached")
        page.get_by_text("nothing to fix. You can publish it to learners.").wait_for()

        section(page, "Preview")
        page.get_by_role("radio", name="2. A call from housing, part 2").check()
        page.get_by_role("button", name="Show it before the learner commits").click()
        page.get_by_role("heading", name="Decision point 2 of 3: A call from housing, part 2").wait_for()
        page.get_by_role("button", name="Commit my decision").wait_for()
        look(page, "author-05-preview-before", found)
        violations["preview before commit"] = axe(page)
        page.get_by_role("button", name="Show it after the learner commits").click()
        page.get_by_role("heading", name="What the review found").wait_for()
        look(page, "author-06-preview-after", found)

        page.get_by_role("button", name="Save draft").click()
        page.get_by_text("Your draft is saved on this computer").wait_for()
        page.get_by_role("button", name="Publish to learners").click()
        page.get_by_text("Published: learners now find this case").wait_for()
        look(page, "author-07-published", found)

        section(page, "Debates")
        page.get_by_label("Reader comments, pasted (one comment per paragraph, a blank line between)").fill(
            "JaneDoe99 says:\nThe social workers should answer for this.\n\n"
            "Mark T:\n@JaneDoe99 they had forty cases each and no manager.")
        page.get_by_role("button", name="Make a debate from these comments").click()
        page.get_by_role("heading", name="Comment 2: Commenter B").wait_for()
        assert page.get_by_text("JaneDoe99").count() == 0
        look(page, "author-08-debate-from-comments", found)
        violations["debate from comments"] = axe(page)
    finally:
        context.close()
    assert not found, report(found)
    assert not any(violations.values()), report(violations)

    published = server["packs"] / "baby-q"
    assert main(["lint", str(published)]) == 0
    assert not (server["home"] / "journal.sqlite3").exists()  # the preview's journal was a throwaway
    nb = nbformat.read(ROOT / "notebooks" / "01_nadiya.ipynb", as_version=4)
    cell = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    cell.source = f"PACK = {str(published)!r}"
    home = tmp_path / "learner-home"
    env_before = os.environ.get("KIT_HOME")
    os.environ["KIT_HOME"] = str(home)
    try:
        NotebookClient(nb, timeout=180, kernel_name="python3", resources={"metadata": {"path": str(ROOT)}}).execute()
    finally:
        if env_before is None:
            os.environ.pop("KIT_HOME")
        else:
            os.environ["KIT_HOME"] = env_before
    errors = [o for c in nb.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors, errors
    assert PAGE == "write_a_case.ipynb"
