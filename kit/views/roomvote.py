"""A learner's parts of a workshop room beyond the case page: the second vote after discussing in
pairs, and the case's debate on the room page. The rules are the room session's; these turn
clicks into its calls."""

from __future__ import annotations

import html as _html

from ..debate import DebateSession
from ..errors import KitError
from ..html import message
from ..vocabulary import CONFIDENCE_SCALE
from .base import Status, View, box, button, html, text_area
from .parts import Choice, card, checkbox


class RevoteView(View):
    """Vote again after discussing in pairs: an option, a confidence, reasons if the learner wants to
    share them. The committed first answer above stays as it is."""

    def __init__(self, session, point):
        self.session, self.point = session, point
        self.intro = html("<h4>Vote again after talking in pairs</h4><p>Your facilitator asks the room to vote "
                          "again. Your first decision stays locked as you made it; this second vote is kept "
                          "beside it.</p>")
        self.choice = Choice([(" ".join(o.text.split()), o.id) for o in point.options],
                             description="Your choice now")
        self.confidence = Choice([(f"{k} - {v}", k) for k, v in CONFIDENCE_SCALE.items()],
                                 description="How confident are you now?", inline=True)
        self.reasons = text_area("What moved you, or held you (optional)",
                                 "What did your partner say that you had not weighed?", rows=2)
        self.share = checkbox("Share these reasons with the room (shown without my name)")
        self.vote = button("Vote again", primary=True)
        self.status = Status()
        self.vote.on_click(lambda _b: self.send())
        self.widget = card(self.intro, self.choice, self.confidence, self.reasons, self.share, self.vote,
                           self.status.widget)
        self.refresh()

    def refresh(self) -> None:
        second = self.session.second_choice(self.point.id)
        if second is None:
            return
        for w in (self.choice, self.confidence, self.reasons, self.share, self.vote):
            w.disabled = True
        option = self.point.option(second.option_id)
        self.choice.value = second.option_id if option else None
        self.confidence.value = second.confidence
        self.vote.description = "Second vote sent (locked)"
        words = " ".join(option.text.split()) if option else "an option no longer in this case"
        self.status.say(f"Your second vote is saved: {words.rstrip('.')}.", "ok")  # an option's words may end in a full stop

    def send(self) -> None:
        try:
            self.session.vote_again(self.point.id, self.choice.value, self.confidence.value, self.reasons.value,
                                    share_reasons=self.share.value)
        except KitError as exc:
            self.status.say(str(exc), "error")
            return
        self.refresh()


def room_vote_parts(pv) -> list:
    """The parts a workshop room adds under a committed point while its reveal waits (none outside a room)."""
    session = pv.session
    if not hasattr(session, "can_vote_again"):
        return []
    if not (session.can_vote_again(pv.point.id) or session.second_choice(pv.point.id)):
        return []
    part = getattr(pv, "revote", None)
    if part is None:
        part = pv.revote = RevoteView(session, pv.point)
    part.refresh()
    return [part.widget]


class RoomDebate(View):
    """The case's debate on the room page: shown once every point is released, or when the facilitator
    opens it; the learner's placings reach the room's chart when they compare with the kit's coding."""

    def __init__(self, session):
        self.session = session
        self.view = None
        self.note = html()
        self.widget = box(self.note)
        self.refresh()

    def refresh(self) -> None:
        s = self.session
        if not s.pack.debates or not s.acknowledged:
            self.show()
            return
        if self.view is None and s.debate_open:
            from .debate import DebateView

            self.view = DebateView(DebateSession(s))
        if self.view is None:
            self.show()
            return
        title = _html.escape(s.pack.debates[0].title)
        self.note.value = ("<h3>The debate in the room</h3>" + message(
            f"Place each comment of “{title}” on the two scales, then compare with the kit's coding: "
            "your placings then join the room's chart on the projector, without your name.", "info"))
        self.show(self.note, self.view.widget)
