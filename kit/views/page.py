"""Who a view is for: the one entry every learner's view, and every facilitator's, goes through.

`for_learner` builds a view for the page's learner. On this computer that is the pseudonym
given, else the one remembered in KIT_HOME, else the pseudonym picker first (work is never
saved under a made-up name). In a shared app (kit app --shared) the learner is the page's
own: its learner key, or the join form (views/join.py), never a remembered pseudonym. Who
the page is for is held in the page context (kit/context.py).

`for_facilitator` builds a facilitator's view (the room console, the dashboard). On this
computer or in JupyterLab the person at the keyboard is the facilitator. In a shared app the
server opens the facilitator's pages (served from facilitator/) only to the browser that used
the facilitator's address (kit/appserver.py); the page's kernel checks again that its page is
one of those before it builds anything, and records the role in the page context.

This module sits above both the shared parts (views/base.py) and the join form, so the
dependency on each is an import that the layer contracts can see.
"""

from __future__ import annotations

from collections.abc import Callable

from .. import context
from ..errors import KitError
from ..learner import current_learner
from ..settings import page_path, shared_dir
from .base import Notice, PseudonymPicker, View, box, html
from .join import page_learner_view, page_picker


def picker() -> View:
    """The start page's pseudonym picker; in a shared app, the page's learner or the join form."""
    if shared_dir() is not None:
        return page_picker()
    return PseudonymPicker()


class LearnerFirst(View):
    """Asks for a pseudonym first, then shows the view built for that learner (`.view`).

    Learner work is never saved under a made-up name: without a pseudonym nothing opens.
    """

    def __init__(self, build: Callable[[str], View]):
        self._build = build
        self.view: View | None = None
        self.picker = PseudonymPicker(on_chosen=self._open)
        self.widget = box(html("<p>Choose your pseudonym first: any name you like, <strong>not</strong> your "
                               "real name. Your decisions are saved under it, and the start page "
                               "asks for it too.</p>"), self.picker.widget)

    def _open(self, who: str) -> None:
        self.view = for_learner(self._build, who)
        self.show(self.view.widget)


def for_learner(build: Callable[[str], View], learner: str | None = None) -> View:
    """The view built for the given or remembered learner; the pseudonym picker first if there is
    none; one sentence instead if the view cannot open. In a shared app (kit app --shared) the
    learner is the page's own (its learner key, or the join form), never a remembered pseudonym."""
    if learner is None and shared_dir() is not None:
        return page_learner_view(build)
    who = learner or current_learner()
    if not who:
        return LearnerFirst(build)
    try:
        return build(who)
    except KitError as exc:
        return Notice(str(exc), "error")


FACILITATOR_FOLDER = "facilitator"  # where the app serves the facilitator's pages (kit.app.FACILITATOR_PAGES)
FOR_FACILITATORS = ("This page is for the workshop's facilitator. If you are a learner, go back to the start "
                    "page; your facilitator gives you the room's code.")


def on_facilitator_page() -> bool:
    """True when this page is the facilitator's: anywhere but a shared app, or a shared app's page
    served from its facilitator folder (which the server opens only to the facilitator)."""
    if shared_dir() is None:
        return True
    parts = [p for p in page_path().split("/") if p]
    return len(parts) >= 3 and parts[0] == "voila" and parts[2] == FACILITATOR_FOLDER


def for_facilitator(build: Callable[[], View]) -> View:
    """The facilitator's view, built only on the facilitator's page (else one sentence); the page
    context then says the page is the facilitator's."""
    if not on_facilitator_page():
        return Notice(FOR_FACILITATORS, "warning")
    context.current().role = context.FACILITATOR
    try:
        return build()
    except KitError as exc:
        return Notice(str(exc), "error")
