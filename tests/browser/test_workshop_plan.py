"""A whole sixty-minute workshop plan as a practice educator runs it: one `kit workshop start`, the
facilitator's console in their browser, learners in theirs (one on a phone), every point of the plan
opened, voted, held and released in stages, a re-vote after talking in pairs, a console reload, a
learner who joins late, the debate, the outcome at the end and the handout.

At each step the learners' side is read against the pack's own text: before a release, nothing of
what was done, the review's finding or the outcome is on a learner's page (the point card, *Compare
my choices with the review*, the end of the case). A learner who tries the facilitator's addresses is
refused. Screenshots of the console at projector sizes and of the phone learner's page are checked
for what a reader should never see (internal ids, escapes, clipped or too-wide text).
"""

from __future__ import annotations

import contextlib
import html
import os
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest

from kit import joininfo
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
from tests.browser.looks import look, problems
from tests.browser.test_app import point_card

CASE = "nadiya-plans-ended-early"  # three points and a debate: the shortest bundled plan with both
PLAN = "sixty-minutes"
LEARNERS = ["Ash", "Bo", "Cy"]  # Cy is on a phone
LATE = "Dee"
HISTORY = "The history: what had happened before"
SHARED = "Reasons shared with the room, from what was known then."
PRIVATE = "Reasons kept private, from what was known then."
CHANGE = "A clear account from every agency."
PHONE = {"width": 390, "height": 844}


def flat(text: str) -> str:
    return " ".join(text.split())


def body(page) -> str:
    return flat(page.inner_text("body"))


@pytest.fixture(scope="module")
def workshop(tmp_path_factory):
    """`kit workshop start --pack ... --plan sixty-minutes` on a free loopback port, with its own KIT_HOME;
    the learners' address and the facilitator's as the command printed them."""
    _need_browser()
    home = tmp_path_factory.mktemp("workshop-plan")
    port = free_port()
    env = {**os.environ, "KIT_HOME": str(home / "home")}
    for var in ("KIT_SHARED", "KIT_EXCHANGE", "KIT_ROOMS"):
        env.pop(var, None)
    log_path = home / "out.log"
    log = open(log_path, "w+")  # noqa: SIM115 (closed with the server)
    proc = subprocess.Popen([sys.executable, "-m", "kit.cli", "workshop", "start", "--pack", CASE, "--plan", PLAN,
                             "--host", "127.0.0.1", "--port", str(port)], cwd=ROOT, env=env, stdout=log,
                            stderr=subprocess.STDOUT)
    try:
        wait_http(f"http://127.0.0.1:{port}/voila/static/voila.js", proc, timeout=300)
        out = log_path.read_text()
        join = next(line.strip() for line in out.splitlines() if joininfo.ROOM_PAGE in line and "http" in line)
        facilitator = re.search(r"http://\S+/facilitator\?key=\S+", out).group(0)
        yield {"base": f"http://127.0.0.1:{port}", "join": join, "facilitator": facilitator, "out": out,
               "code": re.search(r"Workshop room ([A-Z0-9]{3}-[A-Z0-9]{3})", out).group(1)}
    finally:
        stop(proc)
        log.close()
        ARTIFACTS.mkdir(exist_ok=True)
        (ARTIFACTS / "workshop-plan-server.log").write_text(log_path.read_text())


@pytest.fixture
def contexts(browser):
    made = []

    def make(viewport=None):
        size = viewport or {"width": 1280, "height": 900}
        page = open_page(browser, size["width"], size["height"], timeout=120_000, accept_downloads=True)
        made.append(page.context)
        return page

    yield make
    for ctx in made:
        with contextlib.suppress(Exception):
            ctx.close()




def join(page, workshop, name: str) -> None:
    """The address from the projector (the QR code's), a pseudonym, the content note: in the room."""
    page.goto(workshop["join"])
    page.get_by_placeholder("e.g. Robin, or Student 7").fill(name)
    page.get_by_role("button", name="Join as this learner").click()
    page.get_by_role("button", name="I have read this: open the case").click()
    page.get_by_text(f"You are in workshop room {workshop['code']}").wait_for()


def join_by_typing(page, workshop, name: str) -> None:
    """No camera: the room page's address, then both codes typed as someone might (lower case, a space)."""
    door = parse_qs(urlparse(workshop["join"]).query)["token"][0]
    page.goto(workshop["base"] + joininfo.ROOM_PAGE)
    page.get_by_label("Workshop code").fill(door.lower().replace("-", " "))
    page.get_by_role("button", name="Enter the workshop").click()
    page.get_by_placeholder("e.g. Robin, or Student 7").fill(name)
    page.get_by_role("button", name="Join as this learner").click()
    page.get_by_placeholder("e.g. K7Q-4XP").fill(workshop["code"].lower().replace("-", " "))
    page.get_by_role("button", name="Join the room").click()
    page.get_by_role("button", name="I have read this: open the case").click()
    page.get_by_text(f"You are in workshop room {workshop['code']}").wait_for()


def commit(page, n: int, option: str, *, share: bool = False, reasons: str = PRIVATE) -> None:
    c = point_card(page, n)
    c.get_by_role("radio", name=flat(option), exact=True).check()
    c.get_by_role("radio", name="3 - fairly confident").check()
    c.get_by_label("Your reasons").fill(reasons)
    if share:
        c.get_by_role("checkbox", name="Share these reasons with the room").check()
    c.get_by_label("What would change your mind?").fill(CHANGE)
    c.get_by_role("button", name="Commit my decision").click()
    c.get_by_text("Your decision is committed and saved.").wait_for()
    c.get_by_role("checkbox", name=HISTORY).check()
    c.get_by_role("button", name="Save what my reasons rested on").click()


def held(page, point, pack) -> None:
    """Nothing of what was done at `point`, its finding or the case's outcome on the page, in Compare too."""
    page.get_by_role("button", name="Compare my choices with the review").click()
    compared = page.locator(".widget-html", has=page.locator("h4", has_text="In short"))
    compared.wait_for()
    text = body(page)
    for secret in (point.what_happened, point.review_finding, pack.outcome):
        assert flat(secret)[:120] not in text, (point.id, secret[:60])
    assert flat(point.actual_option.text) not in flat(compared.inner_text())  # Bo chose another: it is not named
    rows = compared.locator("tr, li", has_text=flat(point.title))  # this point's row and line under the chart, if any
    for i in range(rows.count()):
        row = flat(rows.nth(i).inner_text())
        for tell in ("consistent with the review", "what was done", "what was actually done"):
            assert tell not in row.lower(), row


def test_a_sixty_minute_plan_from_the_first_minute_to_the_handout(workshop, contexts, tmp_path):
    pack = load_pack(CASE)
    points = [pack.point(pid) for pid in pack.plan(PLAN).points]
    looks: dict[str, list[str]] = {}

    # 1. The facilitator opens their address: the console of the room the command opened.
    console = contexts({"width": 1280, "height": 720})
    console.goto(workshop["facilitator"])
    console.get_by_role("heading", name=f"Room {workshop['code']}: {pack.title}").wait_for()
    console.get_by_text("No point is open yet (3 in this room)").wait_for()

    learners = {}
    for name in LEARNERS:
        page = contexts(PHONE if name == "Cy" else None)
        join(page, workshop, name)
        learners[name] = page
    phone = learners["Cy"]
    phone.get_by_text("The room is waiting for the facilitator to open the next point").wait_for()
    look(phone, "plan-01-learner-joined", looks)

    # 2. A learner tries the facilitator's addresses: refused, and nothing of the console shown.
    bo = learners["Bo"]
    own = bo.url  # the learner's own room page (their key in its address), to come back to
    for path in ("/voila/render/facilitator/91_room_console.ipynb",
                 "/voila/render/facilitator/90_facilitator_dashboard.ipynb",
                 "/voila/render/facilitator/91_room_console.ipynb?learner=x", "/facilitator",
                 "/facilitator?key=not-the-key", "/voila/tree/facilitator", "/voila/files/facilitator/README.md"):
        response = bo.goto(workshop["base"] + path)
        assert response.status in (403, 404), path
        text = body(bo)
        if "/render/" in path or path.startswith("/facilitator"):  # a page: refused in a sentence
            assert "This page is for the workshop's facilitator" in text, path
        for inside in ("Open the next point", "Open point 1", workshop["code"], "Facilitator dashboard",
                       flat(points[0].situation)[:80]):
            assert inside not in text, (path, inside)
        if path.endswith("91_room_console.ipynb"):
            shot(bo, "plan-02-learner-refused")
    bo.goto(own)  # back to the room: the learner carries on
    point_card(bo, 1).or_(bo.get_by_text("The room is waiting for the facilitator")).first.wait_for()

    # 3. Each point of the plan.
    for n, point in enumerate(points, start=1):
        console.get_by_role("button", name=re.compile(f"^Open point {n}: ")).click()
        console.get_by_text(f"Point {n} of 3: {point.title}").first.wait_for()
        others = [o for o in point.options if not o.actual]
        choices = {"Ash": point.actual_option, "Bo": others[0], "Cy": others[-1]}
        for name, page in learners.items():
            point_card(page, n).wait_for()  # the point appears by itself
            commit(page, n, choices[name].text, share=name == "Ash", reasons=SHARED if name == "Ash" else PRIVATE)
            point_card(page, n).get_by_text("The room is waiting").wait_for()
        if n == len(points):  # the last commit: the end of the case is on the page, the outcome held
            bo.get_by_role("heading", name="You have reached the end of the case").wait_for()
        held(bo, point, pack)  # Bo chose another option than what was done
        if n == len(points):  # 7a. the debate (minute 45): the facilitator opens it while the last point waits
            assert bo.get_by_role("heading", name="The debate in the room").count() == 0
            console.get_by_role("button", name="Open the debate now").click()
            for page in learners.values():
                page.get_by_role("heading", name="The debate in the room").wait_for()  # no reload
        console.get_by_text(f"3 of {3 if n == 1 else 4} learners in the room have decided").wait_for()  # 4 once Dee joined
        console.get_by_text(SHARED).first.wait_for()
        assert console.get_by_text(PRIVATE).count() == 0
        if n == 1:
            look(phone, "plan-03-learner-waiting", looks)
            for width, height in ((1280, 720), (1920, 1080)):  # the board on the projector without scrolling
                console.set_viewport_size({"width": width, "height": height})
                console.evaluate("window.scrollTo(0, 0)")
                top = console.get_by_text("3 of 3 learners in the room have decided").bounding_box()
                bars = console.locator(".kit-room-bars").first.bounding_box()  # every option with its count
                assert top and bars and top["y"] >= 0 and bars["y"] + bars["height"] <= height, (width, top, bars)
                looks[f"console-{width}"] = problems(console)
                shot(console, f"plan-04-console-{width}x{height}")
            console.set_viewport_size({"width": 1280, "height": 720})
            # The re-vote: talk in pairs and vote again; the first answer stays locked.
            console.get_by_role("button", name=f"Ask the room to talk in pairs and vote again on point {n}: {point.title}").click()
            for name, page in learners.items():
                again = page.locator(".kit-card", has=page.get_by_text("Vote again after talking in pairs")).last
                again.wait_for()
                second = choices["Ash"] if name == "Cy" else choices[name]  # Cy moves to what was done
                again.get_by_role("radio", name=flat(second.text), exact=True).check()
                again.get_by_role("radio", name="4 - quite confident").check()
                again.get_by_role("button", name="Vote again").click()
                again.get_by_text("Your second vote is saved").wait_for()
            console.get_by_text("3 voted again after talking in pairs: 2 kept their choice; 1 from").wait_for()
            moved = body(console)
            letters = "ABCD"
            cy_from, cy_to = (letters[point.options.index(choices["Cy"])], letters[point.options.index(choices["Ash"])])
            assert f"1 from {cy_from} to {cy_to}" in moved
            phone.reload()  # the locked first answer is as Cy made it
            first = point_card(phone, 1)
            first.get_by_role("button", name="Decision committed (locked)").wait_for()
            vote = first.get_by_role("group", name=flat(point.question))
            assert vote.get_by_role("radio", name=flat(choices["Cy"].text), exact=True).is_checked()
            again = first.get_by_role("group", name="Your choice now")  # the second vote kept beside it
            assert again.get_by_role("radio", name=flat(choices["Ash"].text), exact=True).is_checked()
            look(phone, "plan-05-learner-revoted", looks)
        # Release in stages: what happened, then the finding; each reaches learners without a reload.
        console.get_by_role("button", name=f"Show what happened at point {n}: {point.title}").click()
        for page in learners.values():
            point_card(page, n).get_by_role("heading", name="What happened").wait_for()
            assert flat(point.review_finding)[:120] not in body(page)
        console.get_by_role("button", name=f"Release the review's finding for point {n}: {point.title}").click()
        for page in learners.values():
            point_card(page, n).get_by_role("heading", name="What the review found").wait_for()
        assert flat(point.review_finding)[:120] in flat(point_card(phone, n).inner_text())
        assert flat(point.what_happened)[:120] in flat(point_card(phone, n).inner_text())
        if n == 1:
            look(phone, "plan-06-learner-released", looks)

            # 4. A reload of the console shows the open room, its point and counts.
            console.reload()
            console.get_by_role("heading", name=f"Room {workshop['code']}: {pack.title}").wait_for()
            console.get_by_text(f"Point 1 of 3: {point.title}").first.wait_for()
            console.get_by_text("3 of 3 learners in the room have decided").wait_for()
            assert console.get_by_role("button", name=re.compile("^Open point 2: ")).is_enabled()

            # 5. A late joiner decides point 1 after its reveal: counted apart.
            late = contexts()
            join_by_typing(late, workshop, LATE)
            first = point_card(late, 1)
            first.wait_for()
            assert flat(point.what_happened)[:120] not in body(late)  # they decide before they read it
            commit(late, 1, others[0].text)
            first.get_by_text("counts your decision apart, as made after the reveal").wait_for()
            console.get_by_text("3 of 4 learners in the room have decided").wait_for()
            console.get_by_text("1 decided after the reveal (counted apart)").wait_for()
            late.close()

    # 6. The end of the case before and after the outcome's release.
    ending = phone.get_by_role("heading", name="What became of the children")
    ending.wait_for()
    assert flat(pack.outcome)[:120] not in body(phone)
    assert phone.get_by_role("button", name="Read it now").count() == 0
    assert "did not say what your reasons rested on" not in body(phone)  # the ticks saved with each vote are read
    look(phone, "plan-07-learner-end-held", looks)
    console.get_by_role("button", name="Share what became of the children").click()
    phone.get_by_role("button", name="Read it now").click()  # each learner still chooses to read it
    phone.get_by_text(flat(pack.outcome)[:80]).wait_for()

    # 7b. The debate: learners place a comment on the two scales; the placings reach the console's chart.
    debate = pack.debates[0]
    for name, page in learners.items():
        first = page.locator(".kit-card", has=page.get_by_role("heading", name=debate.comments[0].author)).first
        first.get_by_label("How far it holds individuals accountable").select_option(
            label="1 a little" if name == "Bo" else "3 a great deal")
        first.get_by_label("How far it points to context and system").select_option(label="2 a fair amount")
        page.get_by_role("button", name="Compare my placings with the kit's coding").click()
        page.get_by_role("heading", name="Your placings beside the kit's coding").wait_for()
    console.get_by_role("heading", name="The debate: how the room placed each comment").wait_for()
    words = " ".join(debate.comments[0].text.split()[:10])
    placed = console.locator("figure", has_text=words)
    placed.get_by_text("3 placed it. Holds individuals accountable: most often a great deal (average 2.3 of 3). "
                       "Points to context and system: most often a fair amount (average 2.0 of 3).").wait_for()
    assert placed.get_by_role("img", name=re.compile("^How the room placed")).count() == 1
    cut = placed.locator("svg").evaluate(  # the chart's words sit whole inside it
        """svg => { const v = svg.getBoundingClientRect();
             return [...svg.querySelectorAll('text')].filter(t => { const b = t.getBoundingClientRect();
               return b.left < v.left - 1 || b.top < v.top - 1 || b.right > v.right + 1 || b.bottom > v.bottom + 1; })
             .map(t => t.textContent); }""")
    assert cut == [], cut
    look(phone, "plan-08-learner-debate", looks)

    # 8. The handout: exactly this room.
    console.get_by_role("button", name="Write the handout").click()
    with console.expect_download() as got:
        console.get_by_role("link", name="Download the room's handout").click()
    path = Path(tmp_path / "handout.html")
    got.value.save_as(path)
    handout = path.read_text()
    plain = flat(html.unescape(re.sub(r"<[^>]+>", " ", handout)))
    for n, point in enumerate(points, start=1):
        assert f"Point {n}: {flat(point.title)}" in plain
    assert plain.count("The room's first vote (3 decided before the reveal)") == 3
    assert plain.count("After talking in pairs") == 1 and "2 kept their choice; 1 from" in plain
    assert plain.count("Decided after the reveal (counted apart)") == 1
    assert SHARED in plain and PRIVATE not in plain
    assert "4 learners joined this room" in plain
    assert plain.count("3 placed it.") == 1 and "The debate: how the room placed each comment" in plain
    for name in [*LEARNERS, LATE]:
        assert not re.search(rf"\b{name}\b", plain), name
    for empty in ("<ul></ul>", "<p></p>", "<li></li>", "<td></td>"):
        assert empty not in handout
    for wording in ("file(s)", "skipped", "hand in", "handed in", "submission"):
        assert wording not in plain.lower(), wording
    seen = body(console)
    assert not [n for n in [*LEARNERS, LATE] if re.search(rf"\b{n}\b", seen)]  # the console never names a learner
    shot(console, "plan-09-console-end")
    looks["console-end"] = problems(console)
    printed = console.context.new_page()  # the handout as the facilitator opens it to print
    printed.goto(path.as_uri())
    shot(printed, "plan-10-handout")
    looks["handout"] = problems(printed)
    assert not {k: v for k, v in looks.items() if v}, looks
