"""The facilitator's console for a workshop room, for the projector: how many have decided, the
spread of choices with its words beside it, the confidence spread, reasons shared without names;
and the buttons that pace the room. It updates itself as learners commit."""

from __future__ import annotations

import html as _html
import json
from pathlib import Path

from .. import settings
from ..charts import chart_html, room_chart
from ..dashboard import summary_html
from ..errors import KitError
from ..html import bullet_list, download_link, esc
from ..packs import load_packs
from ..room import Room, find_room
from ..roomsession import room_cohort
from .base import Notice, Status, View, box, button, html
from .live import Every
from .parts import Choice, actions

LETTERS = "ABCDEFGH"


class RoomConsole(View):
    """The room as the facilitator runs it. Parts: the buttons, the board, the finding, the summary."""

    def __init__(self, room: Room, live_seconds: float | None = 2.0):
        self.room = room
        self.heading = html()
        self.open_next = button("Open the next point", primary=True)
        self.release = button("Release the reveal")
        self.show_finding = button("Show the review's finding")
        self.close = button("Close the room")
        self.status = Status()
        self.board = html()
        self.finding = html()
        self.summary = html()
        self.open_next.on_click(lambda _b: self._act(lambda: self.room.open_point()))
        self.release.on_click(lambda _b: self._act(lambda: self.room.release()))
        self.show_finding.on_click(lambda _b: self._act(self._show_finding))
        self.close.on_click(lambda _b: self._act(self._close))
        self._last: str | None = None
        self.widget = box(self.heading, actions(self.open_next, self.release, self.show_finding, self.close),
                          self.status.widget, self.board, self.finding, self.summary)
        self.refresh()
        self.live = Every(live_seconds, self.refresh) if live_seconds else None

    def _act(self, action) -> None:
        try:
            action()
        except KitError as exc:
            self.status.say(str(exc), "error")
        else:
            self.status.clear()
        self.refresh()

    def _current(self, status: dict) -> dict | None:
        """The point the room is on: the last opened."""
        opened = [p for p in status["points"] if p["opened"]]
        return opened[-1] if opened else None

    def _show_finding(self) -> None:
        current = self._current(self.room.status())
        if current is None:
            raise KitError("Open a point first.")
        self.room.show_finding(current["point"])

    def _close(self) -> None:
        self.room.close()
        data = summary_html(room_cohort(self.room)).encode("utf-8")
        self.summary.value = ("<h3>The room is closed</h3><p>The one-file summary of how the room decided "
                              "(no names):</p>" + download_link("workshop-summary.html", data, "text/html"))

    def refresh(self) -> bool:
        """Redraw from the room's files; returns False once the room is closed (live updates stop)."""
        status = self.room.status()
        key = json.dumps(status, sort_keys=True)
        if key == self._last:
            return not status["closed"]
        self._last = key
        pack = self.room.pack()
        current = self._current(status)
        n = len(status["points"])
        where = (f"Point {status['points'].index(current) + 1} of {n}: {_html.escape(current['title'])}"
                 if current else f"No point is open yet ({n} in this room)")
        self.heading.value = (f"<h2>Room {_html.escape(status['code'])}: {_html.escape(status['title'])}</h2>"
                              f"<p style='font-size:1.4em'>{where}. Learners join with the code "
                              f"<strong>{_html.escape(status['code'])}</strong>.</p>")
        done = status["closed"]
        self.open_next.disabled = done or all(p["opened"] for p in status["points"])
        self.release.disabled = done or current is None or current["released"]
        self.show_finding.disabled = done or current is None or not current["released"]
        self.close.disabled = done
        self.board.value = self._board(pack, current) if current else ""
        point = pack.point(current["point"]) if current else None
        self.finding.value = (("<h3>What the review found</h3>" + esc(point.review_finding))
                              if current and current["finding_released"] and point else "")
        return not done

    def _board(self, pack, current: dict) -> str:
        point = pack.point(current["point"])
        options = point.options
        counts = [current["options"].get(o.id, 0) for o in options]
        released = current["released"]
        marks = [("what was done" if o.actual else "") + (" · consistent with the review as reported"
                                                          if o.review_supported else "")
                 for o in options] if released else None
        labels = [LETTERS[i] for i in range(len(options))]
        total = current["decided"]
        lines = [f"{labels[i]}: {o.text.strip()} - {counts[i]} of {total}"
                 + (f" ({marks[i].strip(' ·')})" if marks and marks[i] else "") for i, o in enumerate(options)]
        conf = current["confidence"]
        conf_line = ", ".join(f"{k}: {v}" for k, v in conf.items())
        reasons = current["shared_reasons"]
        return (f"<h3>{total} learner(s) have decided</h3>"
                + chart_html(room_chart(labels, counts, marks), lines, words="The options and the counts",
                             opened=True)
                + f"<p><strong>Confidence</strong> (1 not at all ... 5 very): {_html.escape(conf_line)}</p>"
                + ("<h3>Reasons learners chose to share</h3>" + bullet_list(reasons) if reasons else
                   "<p>No learner has chosen to share their reasons at this point.</p>"))


class RoomOpener(View):
    """Open a room from a notebook or the app: choose the case and the plan, then run the console."""

    def __init__(self, live_seconds: float | None = 2.0):
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


def room_console(room: str | Path = "", live_seconds: float | None = 2.0) -> View:
    """The facilitator's console for a room (its folder or code); with none given, a form to open one."""
    if not str(room).strip():
        return RoomOpener(live_seconds)
    try:
        return RoomConsole(find_room(room), live_seconds)
    except KitError as exc:
        return Notice(str(exc), "error")
