"""A live workshop room in real browsers: one facilitator's console and three learners, each on
their own server (as on a JupyterHub: own KIT_HOME, one shared rooms folder). The facilitator
opens a point, the learners commit, and the facilitator's release reaches every learner page
without a reload."""

from __future__ import annotations

import os
import re
import subprocess

import pytest

from tests.browser.conftest import ROOT, free_port, shot, stop, wait_http

LEARNERS = ["Ash", "Bo", "Cy"]


@pytest.fixture(scope="module")
def servers(tmp_path_factory):
    """Four Voilà servers (facilitator and three learners), each with its own KIT_HOME."""
    from kit.app import prepare, voila_command

    base = tmp_path_factory.mktemp("room-servers")
    rooms = base / "rooms"
    procs, out = [], {}
    try:
        for who in ["facilitator", *LEARNERS]:
            home = base / who
            home.mkdir()
            port = free_port()
            env = {**os.environ, "KIT_HOME": str(home), "KIT_ROOMS": str(rooms)}
            log = open(home / "voila.log", "w")  # noqa: SIM115 (closed with the server)
            proc = subprocess.Popen(voila_command(port, prepare(home / "app")), cwd=ROOT, env=env, stdout=log,
                                    stderr=subprocess.STDOUT)
            procs.append((proc, log))
            out[who] = f"http://127.0.0.1:{port}/voila/render/notebooks"
            wait_http(f"http://127.0.0.1:{port}/", proc)
        yield out
    finally:
        for proc, log in procs:
            stop(proc)
            log.close()


def _page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.route("**/fonts.googleapis.com/**", lambda r: r.abort())
    page.route("**/cdn.jsdelivr.net/**", lambda r: r.abort())
    page.set_default_timeout(90_000)
    return context, page


def test_release_reaches_three_learners_without_a_reload(browser, servers):
    """Facilitator opens a room and a point; three learners join with the code, commit, wait; the
    release shows each of them what happened, with no reload; the console counted three."""
    contexts = []
    try:
        ctx, console = _page(browser)
        contexts.append(ctx)
        console.goto(f"{servers['facilitator']}/91_room_console.ipynb")
        console.get_by_role("button", name="Open the room").click()
        heading = console.get_by_role("heading", name=re.compile(r"^Room [A-Z0-9]{3}-[A-Z0-9]{3}:"))
        heading.wait_for()
        code = re.search(r"Room ([A-Z0-9]{3}-[A-Z0-9]{3})", heading.inner_text()).group(1)
        shot(console, "room-01-console-open")

        learners = {}
        for name in LEARNERS:
            ctx, page = _page(browser)
            contexts.append(ctx)
            page.goto(f"{servers[name]}/00_start_here.ipynb")
            page.get_by_placeholder("e.g. Robin, or Student 7").fill(name)
            page.get_by_role("button", name="Use this pseudonym").click()
            page.get_by_text(f"You are working as '{name}'").wait_for()
            page.goto(f"{servers[name]}/07_workshop_room.ipynb")
            page.get_by_placeholder("e.g. K7Q-4XP").fill(code.lower().replace("-", " "))  # typed loosely
            page.get_by_role("button", name="Join the room").click()
            page.get_by_role("button", name="I have read this: open the case").click()
            page.get_by_text("waiting for the facilitator to open the next point").wait_for()
            learners[name] = page

        console.get_by_role("button", name="Open the next point").click()
        for name, page in learners.items():  # the point appears on each learner's page by itself
            page.get_by_text("Decision point").first.wait_for()
            page.get_by_role("radio").first.check()
            page.get_by_role("radio", name=re.compile("^3 - ")).first.check()
            page.get_by_placeholder("Why this choice").first.fill(f"{name} reasons from what was known then.")
            page.get_by_label("What would change your mind?").first.fill("A word from the health visitor.")
            page.get_by_role("button", name="Commit my decision").first.click()
            page.get_by_role("checkbox", name="The history: what had happened before").first.check()
            page.get_by_role("button", name="Save what my reasons rested on").first.click()
            page.get_by_text("The room is waiting: your facilitator").wait_for()
            assert page.get_by_role("heading", name="What the review found").count() == 0
        shot(learners["Ash"], "room-02-learner-waiting")

        console.get_by_text("3 learner(s) have decided").wait_for()
        shot(console, "room-03-console-three-decided")
        console.get_by_role("button", name="Release the reveal").click()
        for page in learners.values():
            page.get_by_role("heading", name="What the review found").first.wait_for()  # no reload
        shot(learners["Bo"], "room-04-learner-after-release")
        seen = console.inner_text("body")
        assert not [n for n in LEARNERS if re.search(rf"\b{n}\b", seen)]  # the console never names a learner
    finally:
        for ctx in contexts:
            ctx.close()
