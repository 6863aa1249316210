"""A live workshop room in real browsers: one facilitator's console and two learners, each on
their own server (as on a JupyterHub: own KIT_HOME, one shared rooms folder). The facilitator
opens a point, the learners commit, and the facilitator's release reaches every learner page
without a reload."""

from __future__ import annotations

import os
import re
import subprocess

import pytest

from tests.browser.conftest import ROOT, free_port, open_page, shot, stop, wait_http

LEARNERS = ["Ash", "Bo"]  # the whole plan, four learners on one app: test_workshop_plan.py


@pytest.fixture(scope="module")
def servers(tmp_path_factory):
    """Three Voilà servers (facilitator and two learners), each with its own KIT_HOME."""
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
            folder = "facilitator" if who == "facilitator" else "notebooks"  # the console is the facilitator's page
            out[who] = f"http://127.0.0.1:{port}/voila/render/{folder}"
            wait_http(f"http://127.0.0.1:{port}/", proc)
        yield out
    finally:
        for proc, log in procs:
            stop(proc)
            log.close()


def _page(browser):
    page = open_page(browser)
    return page.context, page


def test_release_reaches_learners_on_their_own_servers_without_a_reload(browser, servers):
    """Facilitator opens a room and a point; two learners join with the code, commit (one shares their
    reasons with that vote), wait; the console reads "2 of 2" with the board on screen at projector
    sizes; releasing what happened shows it to each learner without the finding (nor in Compare); the
    finding's release shows it; nobody is named on the console."""
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

        console.get_by_role("button", name=re.compile("^Open point 1: ")).click()
        for name, page in learners.items():  # the point appears on each learner's page by itself
            page.get_by_text("Decision point").first.wait_for()
            page.get_by_role("radio").first.check()
            page.get_by_role("radio", name=re.compile("^3 - ")).first.check()
            shared = "shared with the room" if name == "Ash" else "kept private"
            page.get_by_placeholder("Why this choice").first.fill(f"Reasons from what was known then, {shared}.")
            if name == "Ash":
                page.get_by_text("Share these reasons with the room").first.click()
            page.get_by_label("What would change your mind?").first.fill("A word from the health visitor.")
            page.get_by_role("button", name="Commit my decision").first.click()
            page.get_by_role("checkbox", name="The history: what had happened before").first.check()
            page.get_by_role("button", name="Save what my reasons rested on").first.click()
            page.get_by_text("The room is waiting: your facilitator").wait_for()
            assert page.get_by_role("heading", name="What the review found").count() == 0
        shot(learners["Ash"], "room-02-learner-waiting")

        console.get_by_text("2 of 2 learners in the room have decided").wait_for()
        console.get_by_text("Reasons from what was known then, shared with the room.").wait_for()
        assert console.get_by_text("kept private").count() == 0
        for width, height in ((1280, 720), (1920, 1080)):  # the board is on the projector without scrolling
            console.set_viewport_size({"width": width, "height": height})
            console.evaluate("window.scrollTo(0, 0)")
            top = console.get_by_text("2 of 2 learners in the room have decided").bounding_box()
            assert top and top["y"] + top["height"] < height, (width, top)
            shot(console, f"room-03-console-{width}x{height}")
        console.get_by_role("button", name=re.compile("^Show what happened at ")).click()
        for page in learners.values():
            page.get_by_role("heading", name="What happened").first.wait_for()  # no reload
            page.get_by_text("will share what the review found").first.wait_for()
            assert page.get_by_role("heading", name="What the review found").count() == 0
        page = learners["Bo"]
        page.get_by_role("button", name="Compare my choices with the review").click()
        page.get_by_role("heading", name="In short").wait_for()
        assert "what was actually done" not in page.inner_text("body")
        console.get_by_role("button", name=re.compile("^Release the review's finding for ")).click()
        for page in learners.values():
            page.get_by_role("heading", name="What the review found").first.wait_for()
        learners["Bo"].set_viewport_size({"width": 390, "height": 844})
        shot(learners["Bo"], "room-04-learner-after-release-390")
        seen = console.inner_text("body")
        assert not [n for n in LEARNERS if re.search(rf"\b{n}\b", seen)]  # the console never names a learner
    finally:
        for ctx in contexts:
            ctx.close()
