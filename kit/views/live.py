"""Keeping a view up to date without a reload: a quiet background check every few seconds."""

from __future__ import annotations

import threading
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
