"""The authoring page's preview: a decision point on the draft exactly as the case page shows it,
before and after a learner commits, through the real case view (views/case.py). It works in a
throwaway journal of its own, so nobody's work (the educator's own included) is touched."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import KitError
from ..journal import Journal
from ..session import CaseSession
from ..vocabulary import OTHER_CONSIDERATION
from .base import Status, View, box, button, html
from .case import CaseView, PointView
from .parts import Choice, actions

if TYPE_CHECKING:
    from ..authoring import Draft

PREVIEWER = "Preview"
REASON = "Committed by the preview, to show what a learner sees next."
CHANGE_MIND = "Whatever the preview's author writes next."


class Preview(View):
    """Parts: `point` (which decision point), `before` and `after` (show it), `shown` (the case page's
    own view of the point), `status`."""

    def __init__(self, draft: Draft) -> None:
        self.draft = draft
        self._folder = tempfile.TemporaryDirectory(prefix="kit-preview-")
        self._n = 0
        self.point = Choice([], description="Which decision point to preview")
        self.before = button("Show it before the learner commits", primary=True)
        self.after = button("Show it after the learner commits")
        self.status = Status()
        self.shown = box()
        self.view: PointView | None = None
        self.before.on_click(lambda _b: self.render(committed=False))
        self.after.on_click(lambda _b: self.render(committed=True))
        self.widget = box(html("<h3>See it as a learner will</h3><p>The case page itself, on your draft. You can "
                               "choose and commit in the preview too; nothing is saved to anyone's work.</p>"),
                          self.point, actions(self.before, self.after), self.status.widget, self.shown)
        self.refresh_points()

    def refresh_points(self) -> None:
        points = self.draft.get(("decision_points",)) or []
        labels = [(f"{i + 1}. {(p or {}).get('title') or (p or {}).get('when') or 'A new point'}", i)
                  for i, p in enumerate(points)]
        keep = self.point.value if self.point.value is not None and self.point.value < len(labels) else None
        self.point.value = None
        self.point.options = labels
        self.point.value = keep if keep is not None else (0 if labels else None)

    def render(self, committed: bool) -> PointView | None:
        """Show the chosen point as a learner sees it (after committing what was done, if `committed`)."""
        self.status.clear()
        if self.point.value is None:
            self.status.say("Add a decision point first.", "info")
            return None
        try:
            pack = self.draft.preview_pack(self.point.value)
        except KitError as exc:
            self.shown.children = []
            self.status.say(str(exc), "error")
            return None
        self._n += 1
        journal = Journal(Path(self._folder.name) / f"preview-{self._n}.sqlite", separate=True)
        session = CaseSession(pack, PREVIEWER, journal)
        session.acknowledge()
        point = pack.decision_points[self.point.value]
        for earlier in pack.decision_points[:self.point.value]:  # a learner reaches it past the ones before
            session.decide(earlier.id, earlier.actual_option.id, confidence=3, rationale=REASON,
                           change_mind=CHANGE_MIND)
            session.rely_on(earlier.id, [OTHER_CONSIDERATION])
        case = CaseView(session)
        view = case.points[point.id]
        if committed:
            view.choice.value = view.point.actual_option.id
            view.confidence.value = 3
            view.rationale.value = REASON
            view.change_mind.value = CHANGE_MIND
            view.decide()
            session.rely_on(point.id, [OTHER_CONSIDERATION])  # the learner's ticks, then the reveal
            view.refresh()
        self.view = view
        self.shown.children = [view.widget]
        return view
