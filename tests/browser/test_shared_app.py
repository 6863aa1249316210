"""A shared app (`kit app --shared`) in a real browser: each browser context is its own learner.

Two contexts that type the same pseudonym are two learners whose commits never mix; one cannot
become the other by typing the pseudonym or editing the address; the recovery code continues the
work in a third context; leaving or closing a page frees its kernel, even when the page's leave
request is lost (a context closed at once, as a laptop lid does); the workshop code is asked at the
door. The app is started through the `kit app` command, as an educator would.

Kernels are counted by waiting on the server's own list (its ipykernel children) until it matches,
with a generous bound for a busy machine, never after a fixed sleep.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kit.identity import Registry
from kit.packs import load_pack
from tests.browser.conftest import (
    ARTIFACTS,
    ROOT,
    _need_browser,
    free_port,
    open_page,
    shot,
    stop,
    wait_http,
)
from tests.browser.looks import AXE, axe, report
from tests.browser.test_app import commit_point, point_card

CASE = "baby-c-closed-without-visit"
NOTEBOOK = "03_baby_c.ipynb"
CODE = "ROOM-4TUE"
REASON_TAIL = "It fits what was known at the time."  # a reason needs five words or more


def kernels(pid: int) -> int:
    """Kernels the app runs now: its child processes that are ipykernel."""
    out = subprocess.run(["pgrep", "-P", str(pid), "-f", "ipykernel"], capture_output=True, text=True).stdout
    return len(out.split())


SETTLE = 240  # seconds: a left page's kernel goes within 10 s of its websocket closing, a page that never
# connected within a minute of rendering; a loaded 2-core machine renders a page in up to a minute or more


def settle(pid: int, want: int, timeout: float = SETTLE) -> int:
    """Wait until the app runs `want` kernels (the page's kernel gone, the pool refilled)."""
    deadline = time.time() + timeout
    n = kernels(pid)
    while n != want and time.time() < deadline:
        time.sleep(0.5)
        n = kernels(pid)
    return n


@pytest.fixture(scope="module")
def shared_app(tmp_path_factory):
    """`kit app --shared --workshop-code ... --preheat 1` on a free loopback port, with its own KIT_HOME
    (one kernel kept ready: the start page learns its learner when a browser takes it)."""
    _need_browser()
    home = tmp_path_factory.mktemp("shared-app-home")
    port = free_port()
    env = {**os.environ, "KIT_HOME": str(home)}
    env.pop("KIT_SHARED", None)
    env.pop("KIT_EXCHANGE", None)
    log = open(home / "app.log", "w+")  # noqa: SIM115 (closed with the server)
    proc = subprocess.Popen([sys.executable, "-m", "kit.cli", "app", "--shared", "--port", str(port),
                             "--workshop-code", CODE.lower(), "--preheat", "1"], cwd=ROOT, env=env, stdout=log,
                            stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_http(f"{base}/voila/static/voila.js", proc, timeout=SETTLE)  # the setup check and Voila start: slow when busy
        pool = settle(proc.pid, 1)  # one kernel kept ready with the start page already run
        yield {"base": base, "home": home, "pid": proc.pid, "pool": pool, "log": home / "app.log",
               "registry": Registry(home / "shared-app")}
    finally:
        stop(proc)
        log.close()
        ARTIFACTS.mkdir(exist_ok=True)
        shutil.copy(home / "app.log", ARTIFACTS / "shared-app-server.log")  # the server's side of a failure


@pytest.fixture
def new_context(browser):
    contexts = []

    def make():
        page = open_page(browser, timeout=180_000)
        contexts.append(page.context)
        return page

    yield make
    for ctx in contexts:  # close the tabs as a person would (the page says it is leaving), then the browser
        for page in ctx.pages:
            with contextlib.suppress(Exception):  # a page the test closed already
                page.close(run_before_unload=True)
        ctx.close()


@pytest.fixture(scope="module")
def pack():
    return load_pack(CASE)


def enter(page, app) -> None:
    """The room's address, then the workshop code at the door (typed as someone might)."""
    page.goto(app["base"] + "/")
    page.get_by_label("Workshop code").fill(CODE.lower().replace("-", " "))
    page.get_by_role("button", name="Enter the workshop").click()
    page.get_by_role("button", name="Join as this learner").wait_for()


def join(page, app, pseudonym: str) -> str:
    """Join on the start page; returns the recovery code shown."""
    enter(page, app)
    page.get_by_placeholder("e.g. Robin, or Student 7").fill(pseudonym)
    page.get_by_role("button", name="Join as this learner").click()
    code = page.locator(".kit-recovery-code")
    code.wait_for()
    page.wait_for_url("**learner=*")
    return code.inner_text().strip()


def open_case_and_commit(page, pack, option_index: int, reason: str) -> str:
    page.get_by_role("link", name=pack.title).click()
    page.wait_for_url(f"**/{NOTEBOOK}?learner=*")
    page.get_by_role("button", name="I have read this: open the case").click()
    option = pack.decision_points[0].options[option_index]
    commit_point(point_card(page, 1), option.text, reasons=reason + " " + REASON_TAIL)
    return option.id


def learner_key(page) -> str:
    return page.evaluate("new URLSearchParams(location.search).get('learner')")


def decisions(app, pseudonym: str) -> dict[str, list[str]]:
    """Each learner of that pseudonym (by identity id): the options in their own journal."""
    from kit.journal import Journal

    out = {}
    for ident in app["registry"].identities():
        if ident.pseudonym == pseudonym:
            events = Journal(ident.home / "journal.sqlite3").events(kinds=["decide"])
            out[ident.id] = [e.payload["option_id"] for e in events]
    return out


def test_two_browsers_with_one_pseudonym_are_two_learners(shared_app, new_context, pack):
    """Two contexts both join as 'Robin' and commit different options: each page, reloaded,
    shows only its own choice, and each learner's journal holds only their own commit."""
    a, b = new_context(), new_context()
    join(a, shared_app, "Robin")
    join(b, shared_app, "Robin")
    assert learner_key(a) != learner_key(b)
    chose_a = open_case_and_commit(a, pack, 0, "Learner A's reason.")
    chose_b = open_case_and_commit(b, pack, 1, "Learner B's reason.")
    assert chose_a != chose_b
    for page, chosen in ((a, chose_a), (b, chose_b)):
        page.reload()
        page.get_by_role("button", name="Decision committed (locked)").wait_for()
        text = next(o.text for o in pack.decision_points[0].options if o.id == chosen)
        assert page.get_by_role("radio", name=text).is_checked()
    shot(a, "shared-01-learner-a")
    shot(b, "shared-02-learner-b")
    assert sorted(decisions(shared_app, "Robin").values()) == sorted([[chose_a], [chose_b]])
    assert len(list((shared_app["home"] / "shared-app" / "learners").iterdir())) == 2


def test_no_one_becomes_another_by_pseudonym_or_address(shared_app, new_context, pack):
    """A third context typing 'Sam' (already taken) is a new learner with nothing committed; an
    edited key, or another learner's id with one's own signature, opens nothing and says why."""
    a = new_context()
    join(a, shared_app, "Sam")
    open_case_and_commit(a, pack, 0, "Sam's own reason.")
    key_a = learner_key(a)

    c = new_context()
    join(c, shared_app, "Sam")
    c.get_by_text("Another learner here already uses this pseudonym").wait_for()
    key_c = learner_key(c)
    c.get_by_role("link", name=pack.title).click()
    c.get_by_role("button", name="I have read this: open the case").click()
    c.get_by_role("button", name="Commit my decision").first.wait_for()
    assert c.get_by_role("button", name="Decision committed (locked)").count() == 0  # not Sam A's work

    for forged in (key_a[:-1] + ("0" if key_a[-1] != "0" else "1"),
                   key_a.split(".")[0] + "." + key_c.split(".")[1]):
        c.goto(f"{shared_app['base']}/voila/render/notebooks/{NOTEBOOK}?learner={forged}")
        c.get_by_text("This page's learner key is not one this workshop gave out").wait_for()
        assert c.get_by_text("Sam's own reason.").count() == 0
        assert c.get_by_role("button", name="Decision committed (locked)").count() == 0
    shot(c, "shared-03-forged-key")


def test_the_recovery_code_continues_in_a_third_context(shared_app, new_context, pack):
    """Another device (a new context, no key): the case page's join form takes the recovery code,
    and the learner's committed decision is there, locked; the address then carries their key."""
    a = new_context()
    code = join(a, shared_app, "Kim")
    chosen = open_case_and_commit(a, pack, 1, "Kim's reason.")
    key = learner_key(a)

    other = new_context()
    enter(other, shared_app)
    other.goto(f"{shared_app['base']}/voila/render/notebooks/{NOTEBOOK}")
    other.get_by_placeholder("e.g. ABCD-EFGH-JKMN").fill(code.lower())
    other.get_by_role("button", name="Continue my work").click()
    other.get_by_role("button", name="I have read this: open the case").or_(
        other.get_by_role("button", name="Decision committed (locked)")).first.wait_for()
    other.wait_for_url("**learner=*")
    assert learner_key(other) == key
    other.reload()
    other.get_by_role("button", name="Decision committed (locked)").wait_for()
    text = next(o.text for o in pack.decision_points[0].options if o.id == chosen)
    assert other.get_by_role("radio", name=text).is_checked()
    shot(other, "shared-04-recovered")


def test_leaving_or_closing_a_page_frees_its_kernel(shared_app, new_context, pack):
    """Going from page to page keeps one kernel for the learner; closing the tab leaves none of theirs."""
    pid, pool = shared_app["pid"], shared_app["pool"]
    assert settle(pid, pool) == pool
    page = new_context()
    join(page, shared_app, "Alex")
    for _ in range(3):
        page.get_by_role("link", name=pack.title).click()
        page.get_by_role("button", name="I have read this: open the case").wait_for()
        page.get_by_role("link", name="contents").first.click()
        page.get_by_text("You are working as 'Alex'").wait_for()
    assert settle(pid, pool + 1) == pool + 1  # the open page's kernel, and the ready one
    page.close(run_before_unload=True)
    assert settle(pid, pool) == pool
    log = shared_app["log"].read_text()
    assert "403 POST /voila/api/shutdown" not in log and "'_xsrf' argument missing" not in log


def test_the_door_asks_for_the_workshop_code(shared_app, new_context):
    """Without the code nothing opens (no page, no kernel); a wrong code is refused in words."""
    pid, pool = shared_app["pid"], shared_app["pool"]
    page = new_context()
    page.goto(f"{shared_app['base']}/voila/render/notebooks/{NOTEBOOK}")
    page.get_by_label("Workshop code").wait_for()
    assert "/login" in page.url
    page.get_by_label("Workshop code").fill("WRONG-CODE")
    page.get_by_role("button", name="Enter the workshop").click()
    page.get_by_text("That is not this workshop's code").wait_for()
    assert settle(pid, pool) == pool  # the earlier tests' pages all freed, and none started at the door
    shot(page, "shared-05-door")
    first = shared_app["log"].read_text().splitlines()[:4]
    assert any(line.startswith("The kit is serving a room at http://127.0.0.1:") for line in first)
    assert f"Workshop code: {CODE}  (each browser types it once to enter)" in first
    assert json.dumps(CODE) and CODE not in Path(shared_app["home"] / "shared-app" / "secret").read_text()


UNCLAIMED = 15  # seconds an unclaimed page's kernel waits in the test below


def test_a_page_whose_leave_request_is_lost_still_frees_its_kernel(browser, tmp_path):
    """Browsers that go without a word (the context closed right after a page loads: no leave request):
    one whose page had connected, one closed as soon as the page's address answered. With the idle cull
    off (--idle-minutes 0), both kernels are still freed: the first when its websocket closed and did not
    come back, the second when no browser connected to its page (within 15 s here, set in Voila's own
    config file as an operator would; 60 s by default)."""
    port = free_port()
    config = tmp_path / "jupyter-config"
    config.mkdir()
    (config / "voila.json").write_text(json.dumps({"KitKernelManager": {"unclaimed_timeout": UNCLAIMED}}))
    env = {**os.environ, "KIT_HOME": str(tmp_path), "JUPYTER_CONFIG_DIR": str(config)}
    log = open(tmp_path / "app.log", "w+")  # noqa: SIM115 (closed below)
    proc = subprocess.Popen([sys.executable, "-m", "kit.cli", "app", "--shared", "--port", str(port),
                             "--idle-minutes", "0", "--preheat", "0"], cwd=ROOT, env=env, stdout=log,
                            stderr=subprocess.STDOUT)
    try:
        wait_http(f"http://127.0.0.1:{port}/voila/static/voila.js", proc, timeout=SETTLE)
        for wait_for_widgets in (True, False):
            ctx = browser.new_context()
            page = ctx.new_page()
            page.route("**/cdn.jsdelivr.net/**", lambda r: r.abort())
            page.set_default_timeout(180_000)
            page.goto(f"http://127.0.0.1:{port}/", wait_until="commit" if not wait_for_widgets else "load")
            if wait_for_widgets:
                page.get_by_role("button", name="Join as this learner").wait_for()
            ctx.close()  # no beforeunload: the page never says it is leaving
            # (the page's first bytes come after its kernel started: "commit" means a kernel to free)
            assert "Kernel started" in (tmp_path / "app.log").read_text()
            assert settle(proc.pid, 0) == 0
        text = (tmp_path / "app.log").read_text()
        assert "Culling" not in text and "/voila/api/shutdown" not in text  # neither the cull nor a leave request
        assert "its page closed 10 s ago and did not come back" in text
        assert f"no browser connected to its page within {UNCLAIMED} s" in text and "Traceback" not in text
    finally:
        stop(proc)
        log.close()


def test_the_door_and_the_join_form_have_no_serious_accessibility_violations(shared_app, new_context):
    """axe-core on the workshop-code page and on the start page's join form."""
    if not AXE.exists():
        pytest.fail("axe-core is missing: bash kit.sh test installs it into .cache/axe")
    page = new_context()
    page.goto(shared_app["base"] + "/")
    page.get_by_label("Workshop code").wait_for()
    bad = axe(page)
    assert bad == [], report(bad)
    enter(page, shared_app)
    bad = axe(page)
    assert bad == [], report(bad)
