"""Keeping a view up to date without a reload: a quiet background check (`Every` few seconds), or a
watch on the files a view shows (`Watch`: a stat every tenth of a second, a redraw only on a change)."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable


class Every:
    """Calls `tick` every `seconds` in a daemon thread until stopped, or until tick returns False.

    Widget values set from the thread reach the page as ordinary widget updates (JupyterLab and
    Voila alike), so a learner's view changes on its own when the facilitator acts.
    """

    def __init__(self, seconds: float, tick: Callable[[], bool | None]):
        self.seconds, self._tick = seconds, tick
        self._stop = threading.Event()
        self.last_error: Exception | None = None  # the last failed check, for the view to report
        self.thread = threading.Thread(target=self._run, daemon=True, name="kit-live")
        self.thread.start()

    def _run(self) -> None:
        while not self._stop.wait(self.seconds):
            try:
                if self._tick() is False:
                    return
                self.last_error = None
            except Exception as exc:  # a failed check must never end the page: keep it, try again next time
                self.last_error = exc

    def stop(self) -> None:
        self._stop.set()


class Watch(Every):
    """Calls `tick` as soon as a watched file or folder changes, and at least every `fallback` seconds.

    Every `seconds` (0.1 by default) it only looks at each path's time, size and inode (a stat: no
    file is read), so a room's change reaches the page within about a tenth of a second for the cost
    of a few stats. A folder's time changes when a file is added to it (a learner's vote); a replaced
    file gets a new inode (the facilitator's room.json). The fallback catches what a shared disk's
    cached file times hide.
    """

    def __init__(self, paths: Callable[[], list], tick: Callable[[], bool | None], seconds: float = 0.1,
                 fallback: float = 2.0):
        self._paths, self._fallback = paths, fallback
        self._seen: tuple | None = None
        self._ticked = 0.0
        super().__init__(seconds, tick)

    def _signature(self) -> tuple[tuple[int, int, int] | None, ...]:
        out: list[tuple[int, int, int] | None] = []
        for p in self._paths():
            try:
                st = os.lstat(p)
                out.append((st.st_mtime_ns, st.st_ino, st.st_size))
            except OSError:
                out.append(None)
        return tuple(out)

    def _run(self) -> None:
        while not self._stop.wait(self.seconds):
            try:
                seen = self._signature()
                if seen == self._seen and time.monotonic() - self._ticked < self._fallback:
                    continue
                self._seen, self._ticked = seen, time.monotonic()
                if self._tick() is False:
                    return
                self.last_error = None
            except Exception as exc:  # a failed check must never end the page: keep it, try again next time
                self.last_error = exc
