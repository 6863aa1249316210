"""The facilitator's console for a workshop room, made for a projector: the room's state first (the
point being decided, "decided of joined", the options' words with whole counts, confidence, the
shared reasons), then the situation; below, the buttons that pace the room, each naming the point it
acts on. It updates itself as learners vote, and a reload (or a second tab) finds the open room."""

from __future__ import annotations

import html as _html
import json
import threading
from pathlib import Path

from .. import settings
from ..errors import KitError
from ..html import download_link, img_html, message
from ..joininfo import joining, qr_svg
from ..packs import load_packs
from ..room import VOTES, Room, find_room, open_rooms
from ..roomreport import board_html, debate_board_html, room_handout
from ..roomtally import skipped_sentence
from .base import Status, View, box, button, html
from .live import Watch
from .page import for_facilitator
from .parts import Choice, actions

ONE_COMPUTER = ("This room is in this computer's own folder: learners can join it only through the shared app on "
                "this computer (kit app --shared) or on a JupyterHub whose workshop folder holds the rooms, not "
                "from the kit on their own laptops.")


class RoomConsole(View):
    """The room as the facilitator runs it. Parts: `which` (the point shown), the buttons (each names
    its point), `confirm_open`/`cancel_open` (asked before opening past an unreleased point), the
    board, the debate chart, the handout."""

    def __init__(self, room: Room, live_seconds: float | None = 0.1):
        self.room = room
        self.heading = html()
        self.board = html()
        self.which = Choice([], None, "The point on the screen")
        self.open_next = button("Open the next point", primary=True)
        self.confirm_open = button("Yes, open it")
        self.cancel_open = button("Not yet")
        self.release = button("Show what happened")
        self.release_finding = button("Release the review's finding")
        self.revote = button("Ask the room to talk in pairs and vote again")
        self.release_outcome = button("Share what became of the children")
        self.open_debate = button("Open the debate now")
        self.close = button("Close the room")
        self.handout = button("Write the handout")
        self.status = Status()
        self.asking = html()
        self.ask_box = box()
        self.debate = html()
        self.summary = html()
        self.join_strip = html()  # once a point is on the board: the address, small, for anyone joining late
        self.open_next.on_click(lambda _b: self._open_next())
        self.confirm_open.on_click(lambda _b: self._confirmed_open())
        self.cancel_open.on_click(lambda _b: self._act(lambda: None))
        self.release.on_click(lambda _b: self._act(lambda: self.room.release(self._shown())))
        self.release_finding.on_click(lambda _b: self._act(lambda: self.room.release_finding(self._shown())))
        self.revote.on_click(lambda _b: self._act(lambda: self.room.ask_revote(self._shown())))
        self.release_outcome.on_click(lambda _b: self._act(self.room.release_outcome))
        self.open_debate.on_click(lambda _b: self._act(self.room.open_debate))
        self.close.on_click(lambda _b: self._act(self.room.close))
        self.handout.on_click(lambda _b: self.write_handout())
        self.which.observe(lambda _c: None if self._drawing else self.refresh(force=True), names="value")
        self._drawing: bool = False
        self._lock = threading.RLock()  # live updates and clicks never redraw at once
        self._last: str | None = None
        self._pending: str | None = None  # a point to open once the facilitator confirms
        self.widget = box(self.heading, self.board, self.status.widget, self.ask_box, self.which,
                          actions(self.open_next, self.release, self.release_finding, self.revote),
                          actions(self.release_outcome, self.open_debate, self.handout, self.close),
                          self.join_strip, self.debate, self.summary)
        self.refresh()
        # Learners' votes change votes/ and the facilitator's actions room.json: redraw within live_seconds.
        self.live = (Watch(lambda: [room.file, room.folder / VOTES], self.refresh, live_seconds)
                     if live_seconds else None)

    # -- actions -----------------------------------------------------------------------------

    def _shown(self) -> str:
        if not self.which.value:
            raise KitError("Open a point first.")
        return self.which.value

    def _act(self, action) -> None:
        self._pending = None
        self.ask_box.children = []
        try:
            action()
        except KitError as exc:
            self.status.say(str(exc), "error")
        else:
            self.status.clear()
        self.refresh(force=True)

    def _open_next(self) -> None:
        """Open the next point; while one opened point's reveal is unreleased, ask first."""
        st = self.room.state()
        rest = [p for p in st.points if p not in st.opened]
        waiting = self.room.unreleased()
        if rest and waiting:
            pack = self.room.pack()
            self._pending = rest[0]
            self.asking.value = message(
                f"What happened at {pack.point_label(waiting)} is not shown to the room yet. Open "
                f"{pack.point_label(rest[0])} anyway? Learners who have not decided the earlier point can still "
                "decide it.", "warning")
            self.ask_box.children = [self.asking, actions(self.confirm_open, self.cancel_open)]
            return
        self._act(lambda: self._opened(self.room.open_point()))

    def _confirmed_open(self) -> None:
        pending = self._pending
        if pending:
            self._act(lambda: self._opened(self.room.open_point(pending)))

    def _opened(self, point: str) -> None:
        self._follow: str | None = point  # the screen moves to the point just opened

    def write_handout(self) -> None:
        try:
            data = room_handout(self.room).encode("utf-8")
        except KitError as exc:
            self.status.say(str(exc), "error")
            return
        self.summary.value = ("<p>The handout: one printable page of how this room decided (nobody named).</p>"
                              + download_link("room-handout.html", data, "text/html", "Download the room's handout"))

    # -- drawing ------------------------------------------------------------------------------

    def refresh(self, force: bool = False) -> bool:
        """Redraw from the room's files; returns False once the room is closed (live updates stop)."""
        with self._lock:
            self._drawing = True
            try:
                return self._refresh(force)
            finally:
                self._drawing = False

    def _refresh(self, force: bool) -> bool:
        status = self.last_status = self.room.status()
        key = json.dumps([status, self.which.value], sort_keys=True)
        if key == self._last and not force:
            return not status["closed"]
        self._last = key
        pack = self.room.pack()
        points = status["points"]
        opened = [p for p in points if p["opened"]]
        follow = getattr(self, "_follow", None)
        options = [(f"Point {points.index(p) + 1}: {pack.point_label(p['point'])}", p["point"]) for p in opened]
        if [v for _, v in options] != [v for _, v in self.which.options]:
            self.which.options = options
        grew = len(opened) > getattr(self, "_seen_open", 0)  # a point opened (here, in another tab or by command)
        self._seen_open = len(opened)
        if follow or (opened and (grew or self.which.value not in [p["point"] for p in opened])):
            self._follow = None
            self.which.value = follow or opened[-1]["point"]
        shown = next((p for p in points if p["point"] == self.which.value), None)
        n, code = len(points), _html.escape(status["code"])
        where = (f"Point {points.index(shown) + 1} of {n}: {_html.escape(shown['title'])}" if shown
                 else f"No point is open yet ({n} in this room)")
        alone = not settings.ROOMS.raw() and settings.exchange_dir() is None
        self.heading.value = (f'<h2 style="margin:0.2em 0">Room {code}: {_html.escape(status["title"])}</h2>'
                              f'<p style="font-size:1.3em;margin:0.2em 0">{where}. Join with the code '
                              f'<strong style="white-space:nowrap">{code}</strong>.'
                              f"{' The room is closed.' if status['closed'] else ''}</p>"
                              + (message(ONE_COMPUTER, "warning") if alone else ""))
        self.board.value = board_html(pack, status, shown, points.index(shown)) if shown else ""
        skipped = skipped_sentence(status["skipped"])
        self.board.value += message(skipped, "warning") if skipped else ""
        self._buttons(pack, status, shown)
        info = joining() if opened else None
        self.join_strip.value = join_strip_html(info) if info else ""
        self.debate.value = (debate_board_html(pack, status)
                             if status["debate_open"] or all(p["released"] for p in points) else "")
        return not status["closed"]

    def _buttons(self, pack, status: dict, shown: dict | None) -> None:
        done = status["closed"]
        points = status["points"]
        rest = [p for p in points if not p["opened"]]
        self.open_next.description = (f"Open point {points.index(rest[0]) + 1}: {rest[0]['title']}" if rest
                                      else "Every point is open")
        self.open_next.disabled = done or not rest
        label = f"point {points.index(shown) + 1}: {shown['title']}" if shown else "the point"
        self.release.description = f"Show what happened at {label}"
        self.release_finding.description = f"Release the review's finding for {label}"
        self.revote.description = f"Ask the room to talk in pairs and vote again on {label}"
        self.release.disabled = done or shown is None or shown["released"]
        self.release_finding.disabled = done or shown is None or not shown["released"] or shown["finding_released"]
        self.revote.disabled = done or shown is None or shown["released"] or shown["revote"] or not shown["decided"]
        self.release_outcome.disabled = done or status["outcome_released"] or not all(p["released"] for p in points)
        self.open_debate.disabled = done or status["debate_open"] or not pack.debates
        self.close.disabled = done


def join_strip_html(info: dict[str, str]) -> str:
    """The workshop's address in small, below the board: the large join card above the console gives way to
    the board once a point is open (kit.css hides it), so the board is on the projector without scrolling."""
    codes = [f"{w} <strong style='white-space:nowrap'>{_html.escape(info[k])}</strong>"
             for k, w in (("door_code", "the workshop code"), ("room", "the room code")) if info.get(k)]
    said = " and ".join(codes)
    typed = f" Typing it instead? {said[:1].upper()}{said[1:]}." if codes else ""
    return ("<div class='kit-join kit-join-strip'>"
            + img_html(qr_svg(info["join_url"]).encode("utf-8"), "QR code: scan it to open the workshop room")
            + f"<p>Joining late? Scan the code or open <strong class='kit-join-address-small'>"
              f"{_html.escape(info['join_url'])}</strong>.{typed}</p></div>")


class RoomOpener(View):
    """Open a room from a notebook or the app: choose the case and the plan, then run the console."""

    def __init__(self, live_seconds: float | None = 0.1):
        self._live = live_seconds
        packs = load_packs(settings.packs_dir())
        self.case = Choice([(p.title, p.id) for p in packs], packs[0].id if packs else None, "Case")
        self.plan = Choice([], None, "Points")
        self.case.observe(lambda _c: self._plans(), names="value")
        self._plans()
        self.open = button("Open the room", primary=True)
        self.status = Status()
        self.console: RoomConsole | None = None
        self.open.on_click(lambda _b: self.open_room())
        self.widget = box(html("<h3>Open a workshop room</h3><p>Choose the case and the points the room will use. "
                               "You then open each point in turn and release what happened when the room has "
                               "decided.</p>"), self.case, self.plan, self.open, self.status.widget)

    def _plans(self) -> None:
        from ..packs import load_pack

        pack = load_pack(self.case.value)
        options = [(f"{pl.title} ({pl.minutes} minutes, {len(pl.points)} points)", pl.id) for pl in pack.plans or []]
        self.plan.value = None  # the old plan may not be one of the new case's
        self.plan.options = [*options, (f"Every point ({len(pack.decision_points)})", "")]
        self.plan.value = options[0][1] if options else ""

    def open_room(self) -> None:
        try:
            room = Room.open(None, self.case.value, plan=self.plan.value or None)
        except KitError as exc:
            self.status.say(str(exc), "error")
            return
        self.console = RoomConsole(room, self._live)
        self.show(self.console.widget)


class OpenRoomConsole(View):
    """The console of the facilitator's open room (found again after a reload), with a way to open a new one."""

    def __init__(self, room: Room, live_seconds: float | None):
        self.console = RoomConsole(room, live_seconds)
        self.new_room = button("Open a new room instead")
        self.opener: RoomOpener | None = None
        self.new_room.on_click(lambda _b: self._new())
        self.widget = box(self.console.widget, self.new_room)
        self._live = live_seconds

    def _new(self) -> None:
        if self.console.live:
            self.console.live.stop()
        self.opener = RoomOpener(self._live)
        self.show(self.opener.widget)


def room_console(room: str | Path = "", live_seconds: float | None = 0.1) -> View:
    """The facilitator's console for a room (its folder or code); with none given, this facilitator's
    open room in the rooms folder (so a reload or a second tab shows it), else a form to open one.
    Only on the facilitator's page (views.page.for_facilitator)."""
    return for_facilitator(lambda: _console(room, live_seconds))


def _console(room: str | Path, live_seconds: float | None) -> View:
    if not str(room).strip():
        mine = open_rooms(settings.rooms_dir())
        return OpenRoomConsole(mine[0], live_seconds) if mine else RoomOpener(live_seconds)
    return RoomConsole(find_room(room), live_seconds)
