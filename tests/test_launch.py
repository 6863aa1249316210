"""`kit workshop start`: one command for a workshop. The room is opened, the app planned with a door
code, the learners' address printed with a QR code that decodes to it (and opens the room page with
both codes filled in), the facilitator's own address printed for them alone, and the network checked
in sentences. A real server started by the command lets the QR's address through the door."""

from __future__ import annotations

import io
import os
import stat
import subprocess
import sys
import urllib.request
from urllib.parse import parse_qs, urlparse

import pytest

from kit import joininfo, launch
from kit.cli import main
from kit.room import Room
from tests.browser.conftest import free_port, stop, wait_http
from tests.conftest import ROOT

CASE = "robyn-front-door"


@pytest.fixture
def shop(kit_home, monkeypatch):
    for var in ("KIT_SHARED", "KIT_EXCHANGE", "KIT_ROOMS"):
        monkeypatch.delenv(var, raising=False)
    return launch.start(CASE, plan="sixty-minutes", host="127.0.0.1", port=free_port(), workshop_code="ROOM-4TUE")


def test_start_opens_the_room_and_gives_an_address_with_both_codes(shop, kit_home):
    """The room holds the plan's points; the learners' address opens the workshop room page with the
    room code and the door code; the console can read them from the app's folder (owner only)."""
    room = Room(shop.room.folder)
    assert room.state().pack_id == CASE and room.state().points == room.pack().plan("sixty-minutes").points
    url = urlparse(shop.join_url)
    assert url.path == joininfo.ROOM_PAGE
    assert parse_qs(url.query) == {"room": [shop.room_code], "token": ["ROOM-4TUE"]}
    kept = joininfo.joining(shop.serving.shared)
    assert kept["join_url"] == shop.join_url and kept["room"] == shop.room_code
    assert stat.S_IMODE((shop.serving.shared / joininfo.JOIN_FILE).stat().st_mode) == 0o600
    assert shop.facilitator_url.startswith("http://127.0.0.1:") and "/facilitator?key=" in shop.facilitator_url


def test_the_qr_code_decodes_to_the_learners_address(shop):
    """The QR code a learner scans (drawn by segno, read back by zxing-cpp) is exactly the address."""
    import segno
    import zxingcpp
    from PIL import Image

    png = io.BytesIO()
    segno.make(shop.join_url, error="m").save(png, kind="png", scale=6, border=4)
    (found,) = zxingcpp.read_barcodes(Image.open(io.BytesIO(png.getvalue())))
    assert found.text == shop.join_url
    assert "<svg" in joininfo.qr_svg(shop.join_url) and "QR code" in joininfo.qr_svg(shop.join_url)
    text = launch.lines(shop)
    assert shop.join_url in "\n".join(text) and any("█" in line or "▀" in line for line in text)
    assert any("keep this address to yourself" in line for line in text)


def test_the_network_check_speaks_in_sentences():
    """Loopback only, no network address, a self-assigned address: each a sentence with what to do; a
    normal address still warns about networks that keep laptops apart."""
    (only_here,) = launch.network_check("127.0.0.1", ["127.0.0.1"])
    assert "this computer only" in only_here and "--host" in only_here
    (none,) = launch.network_check("0.0.0.0", [])
    assert "cannot reach it" in none and "hotspot" in none
    self_assigned = launch.network_check("0.0.0.0", ["169.254.3.4"])
    assert "self-assigned" in self_assigned[0]
    (campus,) = launch.network_check("0.0.0.0", ["10.1.2.3"])
    assert "campus wifi" in campus and "hub" in campus


def test_wrong_requests_are_sentences(kit_home, capsys):
    assert main(["workshop", "start", "--pack", CASE, "--plan", "sixty-minutes", "--points", "a,b"]) == 1
    assert "either --plan or --points" in capsys.readouterr().err
    assert main(["workshop", "start", "--pack", "no-such-case", "--port", str(free_port())]) == 1
    err = capsys.readouterr().err
    assert "no-such-case" in err and "Traceback" not in err


def test_join_room_takes_the_room_code_from_the_page_address(kit_home, monkeypatch, shop):
    """The room page opened from the QR code's address joins the room by itself."""
    from kit.views.case import CaseView, join_room

    monkeypatch.setenv("QUERY_STRING", f"room={shop.room_code}&token=ROOM-4TUE")
    monkeypatch.setenv("KIT_ROOMS", str(shop.room.folder.parent))
    view = join_room(learner="Robin")
    assert view.code.value == shop.room_code and isinstance(view.case, CaseView)


def test_a_real_workshop_lets_the_qr_address_through_the_door(tmp_path):
    """`kit workshop start` as a facilitator runs it: it prints the address, the QR code, their own address
    and the network check; the printed address opens the room page without the door's form, while the
    bare address still asks for the workshop code."""
    port = free_port()
    env = {**os.environ, "KIT_HOME": str(tmp_path / "home")}
    for var in ("KIT_SHARED", "KIT_EXCHANGE", "KIT_ROOMS"):
        env.pop(var, None)
    log = open(tmp_path / "out.log", "w+")  # noqa: SIM115 (closed below)
    proc = subprocess.Popen([sys.executable, "-m", "kit.cli", "workshop", "start", "--pack", CASE, "--plan",
                             "sixty-minutes", "--host", "127.0.0.1", "--port", str(port)], cwd=ROOT, env=env,
                            stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_http(f"http://127.0.0.1:{port}/voila/static/voila.js", proc, timeout=300)
        out = (tmp_path / "out.log").read_text()
        join = next(line.strip() for line in out.splitlines() if joininfo.ROOM_PAGE in line)
        assert "▀" in out or "█" in out
        assert "/facilitator?key=" in out and "Network: The app listens on 127.0.0.1" in out
        with urllib.request.urlopen(join, timeout=300) as r:
            page = r.read().decode()
            assert r.status == 200 and r.url.startswith(join.split("?")[0]) and "Workshop code" not in page
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/voila/render/notebooks/00_start_here.ipynb",
                                    timeout=60) as r:
            assert "Workshop code" in r.read().decode()  # the door, for anyone without the code
    finally:
        stop(proc)
        log.close()


def test_the_console_shows_the_address_and_qr_code_kept_by_the_command(shop, monkeypatch):
    """On the facilitator's page the join card shows the QR code (an image with words), the address and
    both codes; without a started workshop it shows nothing."""
    import base64
    import html as _html
    import re

    from kit.views.joincard import join_card

    monkeypatch.setenv("KIT_SHARED", str(shop.serving.shared))
    monkeypatch.setenv("SCRIPT_NAME", "/voila/render/facilitator/91_room_console.ipynb")
    card = join_card().card.value
    assert _html.escape(shop.join_url) in card and "ROOM-4TUE" in card and shop.room_code in card
    svg = base64.b64decode(re.search(r'base64,([^"]+)"', card).group(1))
    assert b"<svg" in svg and 'alt="QR code: scan it to open the workshop room"' in card
    (shop.serving.shared / joininfo.JOIN_FILE).unlink()
    assert join_card().card.value == ""


def test_once_a_point_is_open_the_board_comes_first_and_the_address_sits_small_below(shop, monkeypatch):
    """Before a point opens the large join card leads the console (no strip); once one is open the console
    carries a small strip with the address and both codes below its buttons, and the large card is the one
    kit.css hides beside a board, so the board is on a 1280x720 projector without scrolling."""
    import html as _html

    from kit.views.joincard import join_card_html
    from kit.views.room import RoomConsole

    monkeypatch.setenv("KIT_SHARED", str(shop.serving.shared))
    console = RoomConsole(shop.room, live_seconds=None)
    assert console.join_strip.value == "" and "kit-join-full" in join_card_html(joininfo.joining())
    shop.room.open_point()
    console.refresh(force=True)
    strip = console.join_strip.value
    assert "kit-room-board" in console.board.value
    assert _html.escape(shop.join_url) in strip and "ROOM-4TUE" in strip and shop.room_code in strip
    assert 'alt="QR code: scan it to open the workshop room"' in strip
    assert "Typing it instead? The workshop code <strong" in strip
    css = (ROOT / "kit" / "data" / "kit.css").read_text()
    assert "body[data-voila]:has(.kit-room-board) .kit .kit-join-full { display: none; }" in css  # in the app
