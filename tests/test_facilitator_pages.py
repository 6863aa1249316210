"""The facilitator's side of a shared app: the room console and the dashboard open only for the
facilitator. A real `kit app --shared` server answers real HTTP requests: a learner's browser is
refused at every spelling of a facilitator's address; the facilitator's own address (its key,
printed for them alone) opens the console; the learner pages carry no link there. The page's
kernel checks again (views.page.for_facilitator), and the facilitator's notebooks are never
copied into a learner's folder or served beside the learner notebooks."""

from __future__ import annotations

import html
import http.cookiejar
import os
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from kit import context
from kit.app import prepare
from kit.identity import Registry
from kit.views.base import Notice
from kit.views.room import RoomOpener, room_console
from tests.browser.conftest import free_port, stop, wait_http
from tests.conftest import ROOT

CONSOLE = "/voila/render/facilitator/91_room_console.ipynb"


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def get(url: str, jar: http.cookiejar.CookieJar | None = None, follow: bool = True) -> tuple[int, str, dict]:
    handlers = [urllib.request.HTTPCookieProcessor(jar)] if jar is not None else []
    if not follow:
        handlers.append(NoRedirect())
    opener = urllib.request.build_opener(*handlers)
    try:
        with opener.open(url, timeout=120) as r:
            return r.status, r.read().decode("utf-8", "replace"), dict(r.headers)
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode("utf-8", "replace"), dict(e.headers)


@pytest.fixture(scope="module")
def shared_app(tmp_path_factory):
    """`kit app --shared` on a free loopback port with its own KIT_HOME (no workshop code)."""
    home = tmp_path_factory.mktemp("facilitator-app-home")
    port = free_port()
    env = {**os.environ, "KIT_HOME": str(home)}
    for var in ("KIT_SHARED", "KIT_EXCHANGE", "KIT_ROOMS"):
        env.pop(var, None)
    log = open(home / "app.log", "w+")  # noqa: SIM115 (closed with the server)
    proc = subprocess.Popen([sys.executable, "-m", "kit.cli", "app", "--shared", "--port", str(port),
                             "--idle-minutes", "1"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_http(f"{base}/voila/static/voila.js", proc, timeout=300)  # a busy machine starts slowly
        yield {"base": base, "home": home, "log": home / "app.log", "registry": Registry(home / "shared-app")}
    finally:
        stop(proc)
        log.close()


@pytest.mark.parametrize("path", [
    CONSOLE,
    "/voila/render/facilitator/90_facilitator_dashboard.ipynb",
    "/voila/render/notebooks/../facilitator/91_room_console.ipynb",
    "/voila/render/notebooks/%2e%2e/facilitator/91_room_console.ipynb",
    "/voila/render//facilitator/91_room_console.ipynb",
    "/voila/render/fac%69litator/91_room_console.ipynb",
    "/voila/tree/facilitator",
    "/voila/files/facilitator/91_room_console.ipynb",  # Voila refuses notebook files itself
])
def test_a_learner_is_refused_at_every_address_of_a_facilitator_page(shared_app, path):
    """Whatever spelling a learner tries, the answer is a refusal, never the console or its notebook;
    a page address gets the sentence saying the page is the facilitator's."""
    status, body, _ = get(shared_app["base"] + path)
    assert status == 403, (path, status)
    if "/files/" not in path:
        assert "This page is for the workshop" in body and "facilitator" in body
    assert "Room console" not in body and "room_console" not in body and "Traceback" not in body


def test_a_wrong_facilitator_key_is_refused(shared_app):
    jar = http.cookiejar.CookieJar()
    status, body, _ = get(shared_app["base"] + "/facilitator?key=" + "x" * 32, jar, follow=False)
    assert status == 403 and "not this workshop" in body and not list(jar)
    assert get(shared_app["base"] + CONSOLE, jar)[0] == 403


def test_the_facilitators_address_opens_the_console_in_their_browser_only(shared_app):
    """The address kit app prints for the facilitator sets a signed cookie and opens the console; the
    same browser can then open the dashboard; a second browser without it is still refused."""
    key = shared_app["registry"].facilitator_key()
    assert key in shared_app["log"].read_text() and "keep this address to yourself" in shared_app["log"].read_text()
    jar = http.cookiejar.CookieJar()
    status, _, headers = get(shared_app["base"] + f"/facilitator?key={key}", jar, follow=False)
    assert status == 302 and headers["Location"].endswith(CONSOLE)
    status, body, _ = get(shared_app["base"] + CONSOLE, jar)
    assert status == 200 and "Room console" in body
    assert get(shared_app["base"] + CONSOLE)[0] == 403  # another browser: no cookie


def test_learner_pages_never_link_to_the_facilitators(shared_app):
    status, body, _ = get(shared_app["base"] + "/voila/render/notebooks/07_workshop_room.ipynb")
    assert status == 200 and "facilitator/" not in body and "91_room_console" not in body


def test_a_page_not_served_from_the_facilitator_folder_builds_no_console(monkeypatch, tmp_path):
    """Defence in depth: in a shared app, a kernel whose page is a learner's refuses to build the
    console (one sentence), and records nothing; on the facilitator's page it builds it and the page
    context says the page is the facilitator's."""
    monkeypatch.setenv("KIT_SHARED", str(tmp_path / "shared"))
    monkeypatch.setenv("SCRIPT_NAME", "/voila/render/notebooks/07_workshop_room.ipynb")
    view = room_console("", live_seconds=None)
    assert isinstance(view, Notice) and "for the workshop's facilitator" in html.unescape(view.message.value)
    assert not context.current().is_facilitator
    monkeypatch.setenv("SCRIPT_NAME", CONSOLE)
    assert isinstance(room_console("", live_seconds=None), RoomOpener) and context.current().is_facilitator


def test_learners_folders_never_hold_the_facilitators_pages(tmp_path, capsys):
    """kit init copies learner notebooks and exercises only; the app serves the facilitator's pages in
    facilitator/ (pages only: never the model answers or notes)."""
    from kit.cli import main

    assert main(["init", str(tmp_path / "course")]) == 0
    copied = {p.relative_to(tmp_path / "course").as_posix() for p in (tmp_path / "course").rglob("*") if p.is_file()}
    assert not any("facilitator" in p or p.split("/")[-1].startswith("9") for p in copied)
    served = prepare(tmp_path / "served", shared=True)
    assert sorted(p.name for p in (served / "facilitator").iterdir()) == [
        "90_facilitator_dashboard.ipynb", "91_room_console.ipynb"]
    assert not list((served / "notebooks").glob("9*"))
    assert Path(ROOT / "facilitator" / "exercises").is_dir()  # the model answers stay in the kit
