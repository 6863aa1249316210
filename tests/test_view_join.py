"""A shared app's pages, driven from Python as clicks would drive them: the learner comes from
the page (its learner key, or the join form), never from a pseudonym remembered on the machine.

Each `page(...)` stands for a new page of the app (a new kernel) opened at an address.
"""

from __future__ import annotations

import html

import pytest

from kit import context, identity
from kit.journal import Journal
from kit.learner import set_learner
from kit.views import join
from kit.views.case import CaseView, case_view, learner_picker
from kit.views.debate import debate_view
from kit.views.reflection import record_view
from tests.browser.conftest import free_port

CASE = "robyn-front-door"  # a repository pack with a debate


@pytest.fixture
def shared(tmp_path, monkeypatch, kit_home):
    folder = tmp_path / "shared-app"
    monkeypatch.setenv("KIT_SHARED", str(folder))
    monkeypatch.delenv("VOILA_PREHEAT", raising=False)
    yield identity.Registry(folder)
    _fresh_kernel()


def _fresh_kernel() -> None:
    context.reset()


def page(monkeypatch, query: str = "") -> None:
    """A new page of the shared app at ...?<query> (Voila gives the page's kernel its query)."""
    _fresh_kernel()
    monkeypatch.setenv("QUERY_STRING", query)


def key_in(view) -> str | None:
    """The learner key the view's invisible mark carries for the page's script."""
    import re

    def walk(w):
        yield w
        for c in getattr(w, "children", ()):
            yield from walk(c)

    for w in walk(view.widget):
        m = re.search(r'data-kit-learner="([^"]+)"', getattr(w, "value", "") or "")
        if m:
            return m.group(1)
    return None


def test_a_case_page_without_a_key_asks_once_then_every_part_opens(shared, monkeypatch):
    """The first part shows the join form, the others wait; joining opens all of them as the new
    learner, shows the recovery code once, and marks the page with the learner key."""
    set_learner("Machine Learner")  # a pseudonym remembered on the machine is never used
    page(monkeypatch)
    case, debate, record = case_view(CASE), debate_view(CASE), record_view(CASE)
    assert isinstance(case, join.PageLearner) and case.form is not None
    assert debate.form is None and "Join on the form above" in debate.waiting.value
    case.form.name.value = "Robin"
    case.form.join.click()
    assert isinstance(case.view, CaseView) and case.view.session.learner == "Robin"
    assert debate.view is not None and record.view is not None
    joined = case.form.joined
    assert joined.recovery_code in case.card.code.value
    assert key_in(case) == shared.key(joined.identity) == key_in(debate)
    case.view.go_on.click()
    assert Journal(joined.identity.home / "journal.sqlite3").events("Robin")  # saved in the learner's own folder


def test_a_page_with_a_key_opens_as_that_learner_directly(shared, monkeypatch):
    joined = shared.join("Robin")
    page(monkeypatch, f"learner={joined.key}")
    view = case_view(CASE)
    assert isinstance(view.view, CaseView) and view.view.session.learner == "Robin"
    assert key_in(view) == joined.key
    assert not context.current().join_forms  # no join form on a page that knows its learner


def test_two_learners_with_one_pseudonym_see_only_their_own_commit(shared, monkeypatch):
    """Two pages, one per learner, both 'Robin': each commits; each page shows only its own choice."""
    a, b = shared.join("Robin"), shared.join("Robin")
    chosen = {}
    for joined, pick in ((a, 0), (b, 1)):
        page(monkeypatch, f"learner={joined.key}")
        view = case_view(CASE).view
        view.go_on.click()
        pv = next(iter(view.points.values()))
        option = pv.point.options[pick]
        pv.choice.value = option.id
        pv.confidence.value = 3
        pv.rationale.value = f"reason {pick}, from what was known then"
        pv.change_mind.value = "A word from the health visitor."
        pv.commit.click()
        chosen[joined.identity.id] = option.id
    for joined in (a, b):
        page(monkeypatch, f"learner={joined.key}")
        view = case_view(CASE).view
        pv = next(iter(view.points.values()))
        assert pv.choice.value == chosen[joined.identity.id] and pv.commit.disabled
    assert chosen[a.identity.id] != chosen[b.identity.id]


def test_an_edited_key_opens_nothing_and_says_why(shared, monkeypatch):
    joined = shared.join("Robin")
    page(monkeypatch, f"learner={joined.key[:-2]}00")
    view = case_view(CASE)
    assert view.view is None and view.form is not None
    assert "not one this workshop gave out" in view.form.status.text
    assert key_in(view) is None


def test_the_start_page_joins_and_the_recovery_code_continues_elsewhere(shared, monkeypatch):
    """Start page: join gives the learner card with the recovery code; another device's page
    without the key continues as the same learner with that code, and sees the same work."""
    page(monkeypatch)
    start = learner_picker()
    start.form.name.value = "Sam"
    start.form.join.click()
    card = start.view
    assert isinstance(card, join.LearnerCard) and "You are working as 'Sam'" in html.unescape(card.who.value)
    code = start.form.joined.recovery_code
    assert code in card.code.value

    page(monkeypatch, f"learner={start.form.joined.key}")  # the same browser, a case page
    view = case_view(CASE).view
    view.go_on.click()

    page(monkeypatch)  # another device: no key
    other = case_view(CASE)
    other.form.code.value = code.lower()
    other.form.resume.click()
    assert other.view.session.learner == "Sam" and other.view.session.acknowledged
    assert key_in(other) == start.form.joined.key


def test_a_wrong_recovery_code_is_refused_on_the_page(shared, monkeypatch):
    shared.join("Sam")
    page(monkeypatch)
    view = case_view(CASE)
    view.form.code.value = "AAAA-AAAA-AAAA"
    view.form.resume.click()
    assert view.view is None and "No learner in this workshop has the recovery code" in view.form.status.text


def test_a_bad_pseudonym_is_refused_on_the_page(shared, monkeypatch):
    page(monkeypatch)
    view = learner_picker()
    view.form.name.value = "   "
    view.form.join.click()
    assert view.view is None and "Choose a pseudonym first" in view.form.status.text
    assert not (shared.folder / "identities").exists() or not list((shared.folder / "identities").iterdir())


def test_a_new_recovery_code_from_the_start_page(shared, monkeypatch):
    joined = shared.join("Sam")
    page(monkeypatch, f"learner={joined.key}")
    card = learner_picker().view
    assert isinstance(card, join.LearnerCard) and card.code.value == ""  # the code is shown once, at joining
    fresh = card.make_new_code()
    assert fresh in card.code.value and shared.recover(fresh) == joined.identity
    new_key = shared.key(joined.identity)
    assert new_key != joined.key and new_key in card.mark.value  # the page's address moves to the new key


def test_a_shared_folder_that_cannot_be_written_is_said_on_the_page(tmp_path, monkeypatch, kit_home):
    """A broken shared folder (here a path under a file) gives the learner a sentence, not a traceback,
    and the page opens as no one."""
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    monkeypatch.setenv("KIT_SHARED", str(blocker / "shared-app"))
    page(monkeypatch)
    view = learner_picker()
    view.form.name.value = "Robin"
    view.form.join.click()
    assert view.view is None and identity.entered() is None
    assert "Tell your facilitator" in view.form.status.text
    _fresh_kernel()


@pytest.fixture
def voila_query_socket(monkeypatch):
    """Voila's own query websocket (the handler its server mounts at /voila/query/<kernel id>), served
    on a loopback port from a thread, with the variables Voila gives a kernel it keeps ready."""
    import asyncio
    import threading

    from tornado.httpserver import HTTPServer
    from tornado.netutil import bind_sockets
    from tornado.web import Application
    from voila.request_info_handler import RequestInfoSocketHandler

    sockets = bind_sockets(0, "127.0.0.1")
    port = sockets[0].getsockname()[1]
    ready, loop_box = threading.Event(), []

    def serve():
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        server = HTTPServer(Application([(r"/voila/query/(.*)", RequestInfoSocketHandler)]))
        server.add_sockets(sockets)
        loop_box.append(loop)
        ready.set()
        loop.run_forever()
        server.stop()
        loop.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    ready.wait(10)
    kernel = "5f2c8a9e-0000-4000-8000-00000000beef"
    for name, value in {"VOILA_PREHEAT": "True", "VOILA_APP_IP": "127.0.0.1", "VOILA_APP_PORT": str(port),
                        "VOILA_SERVER_URL": "/", "VOILA_KERNEL_ID": kernel}.items():
        monkeypatch.setenv(name, value)

    def take(query: str, after: float = 0.0) -> None:
        """A browser takes the page: Voila's handler hands the kernel its request (after a while)."""
        payload = {"kernel_id": kernel, "payload": {"QUERY_STRING": query, "SCRIPT_NAME": "/voila/render/x"}}
        loop_box[0].call_soon_threadsafe(loop_box[0].call_later, after, RequestInfoSocketHandler.send_updates,
                                         payload)

    yield take
    loop_box[0].call_soon_threadsafe(loop_box[0].stop)
    thread.join(10)
    RequestInfoSocketHandler._cache.clear()


def test_a_page_kept_ready_learns_its_learner_key_when_a_browser_takes_it(shared, monkeypatch, voila_query_socket):
    """A pre-heated start page (Voila's ready-kernel pool) runs before anyone asks for it, waits on Voila's
    query socket, and opens as the learner whose key the taking browser's address carries."""
    joined = shared.join("Sam")
    _fresh_kernel()
    monkeypatch.delenv("QUERY_STRING", raising=False)  # a kernel kept ready has no request yet
    voila_query_socket(f"learner={joined.key}", after=0.5)  # the browser comes after the page has run
    card = learner_picker().view
    assert isinstance(card, join.LearnerCard) and "You are working as 'Sam'" in html.unescape(card.who.value)
    assert key_in(card) == joined.key


def test_a_page_kept_ready_that_hears_nothing_opens_the_join_form(shared, monkeypatch, voila_query_socket):
    """No request to learn from (nothing listens at the address; a server that answers "not found"): the
    start page asks who you are, in words, instead of failing."""
    closed = free_port()  # a port nothing listens on
    for settings in ({"VOILA_SERVER_URL": "/not-voila/"}, {"VOILA_APP_PORT": str(closed)}):  # a 404, then no one
        for name, value in settings.items():
            monkeypatch.setenv(name, value)
        _fresh_kernel()
        monkeypatch.delenv("QUERY_STRING", raising=False)
        view = learner_picker()
        assert view.view is None and view.form is not None, settings


def test_the_ready_pages_address_is_the_one_voilas_own_helper_would_ask(monkeypatch):
    """The kit waits for a page's request as voila.utils.wait_for_request does (without importing Voila's
    server into every kernel); the address it asks must stay the one Voila's helper builds."""
    import asyncio

    from voila import utils

    asked, loops = [], []
    new_loop = asyncio.new_event_loop

    async def capture(url):
        asked.append(url)
        return None

    def tracked_loop():  # Voila's helper leaves its loop open: closed here after it
        loops.append(new_loop())
        return loops[-1]

    monkeypatch.setattr(utils, "_get_request_info", capture)
    monkeypatch.setattr(asyncio, "new_event_loop", tracked_loop)
    for name, value in {"VOILA_PREHEAT": "True", "VOILA_APP_IP": "10.1.2.3", "VOILA_APP_PORT": "8123",
                        "VOILA_WS_PROTOCOL": "wss", "VOILA_SERVER_URL": "/hub/user/ash/",
                        "VOILA_KERNEL_ID": "abc-123"}.items():
        monkeypatch.setenv(name, value)
    try:
        utils.wait_for_request()
    finally:
        for loop in loops:
            loop.close()
    from kit import settings

    assert asked == [settings.voila_request_address()] == ["wss://10.1.2.3:8123/hub/user/ash/voila/query/abc-123"]


def test_a_page_kept_ready_does_not_load_voilas_server_into_its_kernel(tmp_path):
    """Voila's helper imports Voila's whole server (about two seconds of CPU for every kernel a room keeps
    ready); the kit's wait loads neither Voila nor the Jupyter server into the page's kernel."""
    import os
    import subprocess
    import sys

    probe = ("import sys\nfrom kit.views.case import learner_picker\nlearner_picker()\n"
             "print(sorted(m for m in ('voila', 'jupyter_server', 'jsonschema') if m in sys.modules))\n")
    env = {**os.environ, "KIT_HOME": str(tmp_path / "home"), "KIT_SHARED": str(tmp_path / "shared"),
           "VOILA_PREHEAT": "True", "VOILA_APP_PORT": "9", "VOILA_KERNEL_ID": "k"}  # port 9: nothing answers
    env.pop("QUERY_STRING", None)
    done = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]", done.stdout
