"""The case view: content note, background, each decision point (decide, commit, reveal), the
end of the case (the patterns in the learner's reasoning, the outcome behind a warning step, the
full review) and the comparison. All rules live in the session; this turns clicks into session
calls and redraws."""

from __future__ import annotations

import html as _html
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, cast

from ..errors import KitError
from ..html import Markup, bullet_list, callout, esc, message, sentence, table_html
from ..identity import page_param
from ..reasoning import learner_reasoning
from ..roomsession import RoomSession, join
from ..session import MIN_CHANGE_MIND_WORDS, MIN_REASON_WORDS, CaseSession, Reveal
from ..vocabulary import CONFIDENCE_SCALE
from .base import (
    ContentGate,
    Status,
    View,
    box,
    button,
    html,
    shared_session,
    support_body_html,
    support_html,
    text_area,
)
from .feedback import ReliedOnPart, reasoning_html
from .live import Watch
from .page import for_learner, picker
from .parts import Choice, ResumeHere, card, checkbox, line_field
from .reveal import kit_reading_html, marked_list, reveal_html
from .roomvote import RoomDebate, room_vote_parts


class PointView(View):
    """One decision point: decide (choice, confidence, reasons, what would change my mind) and
    commit, then the reveal and second thoughts."""

    def __init__(self, case: CaseView, index: int, point):
        self.case, self.session, self.point = case, case.session, point
        n = len(self.session.sequence)
        byline = " · ".join(filter(None, [point.when if point.title else "", point.agency or ""]))
        known = marked_list((k.text, k.kit_reading) for k in point.known_at_the_time)
        self.header = html(
            f"<h3>Decision point {index + 1} of {n}: {_html.escape(point.title or point.when)}</h3>"
            + (f'<p class="kit-byline">{_html.escape(byline)}</p>' if byline else "") + esc(point.situation)
            + (("<h4>What is known at this point</h4>" + known) if known else ""))
        # The question is the option list's legend: one radio group, named by what it asks.
        self.choice = Choice([(" ".join(o.text.split()), o.id) for o in point.options],
                             description=" ".join(point.question.split()))
        # Nothing chosen: confidence starts unset and must be chosen (no preset).
        self.confidence = Choice([(f"{k} - {v}", k) for k, v in CONFIDENCE_SCALE.items()],
                                 description="How confident are you?", inline=True)
        self.confidence.add_class("kit-confidence")
        self.rationale = text_area(
            f"Your reasons (at least {MIN_REASON_WORDS} words)", "Why this choice, knowing only what was known "
            "then? What would you want to know, and from whom?", rows=4)
        self.change_mind = text_area(f"What would change your mind? (a short sentence, at least {MIN_CHANGE_MIND_WORDS} words)",
                                     "What would you need to see or hear to choose differently?", rows=2)
        self.share = (checkbox("Share these reasons with the room (shown without my name)")
                      if getattr(self.session, "asks_to_share", False) else None)  # asked with each room vote
        self.commit = button("Commit my decision", primary=True,
                             tooltip="Commit: your first answer is locked, then the outcome is shown")
        self.status = Status()
        self.reveal = html()  # what happened and what the review found, once committed
        self.reveal_box = box()
        self.second = text_area(
            "Second thought", "With only what was known then, what would you do differently, and what would you "
            "have needed to know? (kept apart from your first answer)", rows=3)
        self.save_second = button("Save second thought")
        self.second_status = Status()
        self.commit.on_click(lambda _b: self.decide())
        self.save_second.on_click(lambda _b: self.add_second_thought())
        self.relied_on: ReliedOnPart | None = None  # after the commit, before the reveal
        self.widget = card(self.header, self.choice, self.confidence, self.rationale, self.change_mind,
                           *([self.share] if self.share else []), self.commit, self.status.widget, self.reveal_box)
        self.refresh()

    def refresh(self) -> None:
        d = self.session.decision(self.point.id)
        locked = d is not None
        for w in (self.choice, self.confidence, self.rationale, self.change_mind, self.commit, self.share):
            if w is not None:
                w.disabled = locked
        if locked and self.session.answer_gone(self.point.id):  # never shown as another option
            self.reveal.value, self.reveal_box.children = gone_answers_html(self.session, self.point.id), [self.reveal]
            self.commit.description = "Decision committed (locked)"
        elif d is not None:
            self.choice.value = d.option_id
            if d.confidence is not None:
                self.confidence.value = d.confidence
            self.rationale.value = d.rationale
            self.change_mind.value = d.change_mind
            self.commit.description = "Decision committed (locked)"
            self._after_commit()

    def _after_commit(self) -> None:
        """First what the learner's reasons rested on; then the reveal, unless a room holds it."""
        if self.session.asks_relied_on(self.point.id):
            self._ask_relied_on()
            return
        waiting = self.session.waiting_reason(self.point.id)
        if waiting:  # a workshop room holds the reveal until the facilitator releases it
            self.reveal.value = message(waiting, "info")
            self.reveal_box.children = [self.reveal, *room_vote_parts(self)]
            self._held = True
        else:
            self._show_reveal(self.session.reveal(self.point.id))

    def _ask_relied_on(self) -> None:
        if self.relied_on is None:
            self.relied_on = ReliedOnPart(self.session, self.point.id, self._relied_on_saved)
        self.reveal_box.children = [self.relied_on.widget]

    def _relied_on_saved(self) -> None:
        self._after_commit()
        self.case.refresh()

    @property
    def waiting(self) -> bool:
        """True while a committed point's reveal waits: for the learner to say what their reasons rested
        on, or for a workshop room to release any part of it."""
        return self.session.decision(self.point.id) is not None and (
            self.session.asks_relied_on(self.point.id) or getattr(self, "_held", True))

    def decide(self) -> None:
        try:
            self.session.decide(self.point.id, self.choice.value, confidence=self.confidence.value,
                                rationale=self.rationale.value, change_mind=self.change_mind.value,
                                **({"share_reasons": self.share.value} if self.share else {}))
        except KitError as exc:
            self.status.say(str(exc), "error")
            if self.session.decision(self.point.id):  # committed elsewhere: show what stands
                self.refresh()
                self.case.refresh()
            return
        warning = self.session.warning or getattr(self.session, "vote_warning", None)
        note = getattr(self.session, "vote_note", None)
        self.status.say(warning or " ".join(filter(None, ["Your decision is committed and saved.", note])),
                        "warning" if warning else "ok")
        self.refresh()
        self.case.refresh()

    def add_second_thought(self) -> None:
        try:
            self.session.second_thought(self.point.id, self.second.value)
        except KitError as exc:
            self.second_status.say(str(exc), "error")
            return
        self.second.value = ""
        self.second_status.say("Second thought saved.", "ok")
        self._show_reveal(self.session.reveal(self.point.id))

    def _show_reveal(self, r: Reveal) -> None:
        self.reveal.value = reveal_html(r, self.session.second_thoughts(self.point.id))
        self.reveal_box.children = [self.reveal, self.second, self.save_second, self.second_status.widget]
        self._held = r.held is not None


def gone_answers_html(session: CaseSession, point_id: str | None = None) -> str:
    """The learner's answers the case no longer has a place for (an educator changed it after they
    answered), each with their reasons, said as 'no longer in this case': at one point's card
    (point_id: its option is gone), or for the case (None: points that are gone). Empty if none."""
    gone = [g for g in session.gone_answers if (g.point_label == session.pack.point_label(point_id)
                                                  if point_id else g.point_label is None)]
    if not gone:
        return ""
    items = []
    for g in gone:
        reasons = f"<p><em>Your reasons:</em> {_html.escape(g.decision.rationale)}</p>" if g.decision.rationale else ""
        items.append("<li><p>" + ("The option you chose here is" if point_id else "You answered a decision point that is")
                     + " <strong>no longer in this case</strong>: the case was changed after you answered. Your answer "
                     "stays as you made it (it cannot be answered again) and is kept in your record.</p>"
                     + reasons + "</li>")
    head = "" if point_id else "<h3>Answers no longer in this case</h3>"
    return f'<div class="kit-gone">{head}<ul>{"".join(items)}</ul></div>'


def full_review_html(pack) -> str:
    """Where to read the full review, when the pack says (a link only for a web address)."""
    src = pack.source
    if not (src.full_review or src.full_review_url):
        return ""
    url = src.full_review_url or ""
    label = _html.escape(src.full_review or "The full review")
    where = (f'<a href="{_html.escape(url, quote=True)}" target="_blank" rel="noopener">{label}</a>'
             if url.startswith(("https://", "http://")) else label)
    return ("<h4>Reading the full review</h4>"
            f"<p>{where}. The case's educator notes give the review's title to search for. The full review "
            "describes what happened in more detail than this case does; read it when you choose.</p>")


class CaseView(View):
    """The whole case: content note, then background and decision points, then the end of the case
    and the comparison. Stepping out is one click away at every point once the case is open."""

    def __init__(self, session: CaseSession):
        self.session = session
        pack = session.pack
        self.title = html(f"<h2>{_html.escape(pack.title)}</h2><p class=\"kit-byline\">Working as "
                          f"{_html.escape(session.learner)}</p>")
        self.warning = html()
        self.gate = ContentGate(session, on_change=self.refresh)
        self.note, self.go_on, self.step_out_button = self.gate.note, self.gate.go_on, self.gate.step_out_button
        self.come_back = self.gate.come_back
        self.body = box()
        self.background = html(background_html(pack))
        self.points: dict[str, PointView] = {}
        self.ending = html()  # the end of the case: patterns in your reasoning
        self.outcome_warning = html()  # what the outcome contains, before the learner chooses to read it
        self.read_outcome = button("Read it now", primary=True,
                                   tooltip="Show what became of the children (you may leave it unread)")
        self.outcome = html()
        self.after_outcome = html()  # recommendations, the full review, support
        self.read_outcome.on_click(lambda _b: self.show_outcome())
        self.end = box()
        self.compare_button = button("Compare my choices with the review")
        self.compare_out = html()
        self.compare_button.on_click(lambda _b: self.show_compare())
        self.room_note = html()  # in a workshop room: what the room is doing now
        self.gone = html()  # answers at points the case no longer has (gone_answers_html)
        self.also_refresh: list[Callable[[], None]] = []  # parts beside the case that redraw with it (a room's debate)
        self._lock = threading.RLock()  # live room updates and clicks never redraw at once
        # A reload opens the case where the learner left it: the page scrolls to the point they were on.
        self.resume = ResumeHere(active=bool(session.decisions) and session.acknowledged)
        self.widget = box(self.title, self.resume, self.warning, self.room_note, self.gate.widget, self.body)
        self.refresh()
        self.live = (Watch(lambda: [session.room.file], self.room_tick) if isinstance(session, RoomSession)
                     else None)  # the room's file changes when the facilitator acts: redraw within 0.1 s

    def refresh(self) -> None:
        with self._lock:
            self._refresh()

    def _refresh(self) -> None:
        s = self.session
        self.warning.value = message(s.warning, "warning") if s.warning else ""
        self.room_note.value = room_note_html(s) if isinstance(s, RoomSession) else ""
        if not s.acknowledged or s.stepped_out:
            self.body.children = []
            return
        index = {p.id: i for i, p in enumerate(s.sequence)}
        for p in s.open_points:  # in the session's order (a room's order in a room)
            if p.id not in self.points:
                self.points[p.id] = PointView(self, index[p.id], p)
        for pv in self.points.values():
            if s.decision(pv.point.id) and (not pv.commit.disabled or pv.waiting):
                pv.refresh()
        self._draw_end()
        self.gone.value = gone_answers_html(s)
        for also in self.also_refresh:
            also()
        self._mark_current()
        self.body.children = [self.background, *[pv.widget for pv in self.points.values()], self.gone, self.end,
                              html("<h3>Compare with the review</h3><p>You can compare at any time; "
                                   "only committed points are compared.</p>"),
                              self.compare_button, self.compare_out]

    def _mark_current(self) -> None:
        """The class `kit-current` on the part the learner is on: the point waiting for them (its ticks or
        its commit), else the end of the case."""
        s = self.session
        here = next((pv.widget for pv in self.points.values() if s.asks_relied_on(pv.point.id)), None)
        if here is None:
            current = s.current_point
            here = self.points[current.id].widget if current is not None and current.id in self.points else self.end
        for part in [*(pv.widget for pv in self.points.values()), self.end]:
            (part.add_class if part is here else part.remove_class)("kit-current")

    def room_tick(self) -> bool:
        """Redraw when the facilitator has changed the room (a point opened, a reveal released);
        returns False once the room is closed, which ends the live updates."""
        session = cast(RoomSession, self.session)  # room_tick runs only on a room's page
        key = session.room_key()
        if key != getattr(self, "_room_key", None):
            self._room_key = key
            self.refresh()
        return not session.room.state().closed

    def _draw_end(self) -> None:
        s = self.session
        if not s.is_complete or any(s.asks_relied_on(p.id) for p in s.sequence):
            self.end.children = []  # the end waits for the last point's reveal
            return
        self.ending.value = ("<h3>You have reached the end of the case</h3>"
                             "<h4>Your reasoning in this case</h4>" + reasoning_html(s.reasoning(), level=5))
        self.outcome_warning.value = (
            "<h4>What became of the children</h4>"
            f"<p><strong>Before you read on:</strong> this part says {_html.escape(_lower_first(s.outcome_warning))}</p>"
            "<p>You can read it now, later, or not at all. You can also step out of the case at the top of "
            "the page.</p>")
        held = s.outcome_waiting()
        self.after_outcome.value = (
            (("<h4>What the review recommended</h4>" + bullet_list(s.pack.recommendations))
             if s.pack.recommendations and not held else "") + full_review_html(s.pack) + support_html())
        shown = [self.outcome] if self.outcome.value else [self.read_outcome]
        if held:  # a workshop room: the facilitator shares the outcome with the room at the end
            self.outcome.value = ""
            shown = [html(message(held, "info"))]
        self.end.children = [self.ending, self.outcome_warning, *shown, self.after_outcome]

    def show_outcome(self) -> None:
        """The learner chooses to read the outcome now."""
        if self.session.outcome_waiting():
            return
        self.outcome.value = esc(self.session.pack.outcome)
        self._draw_end()

    def step_out(self) -> None:
        self.gate.step_out()

    def step_back_in(self) -> None:
        self.gate.step_back_in()

    def show_compare(self) -> None:
        self.compare_out.value = compare_html(self.session)


def room_note_html(s: RoomSession) -> str:
    """One line on the room: who paces it, and what the learner is waiting for, if anything."""
    st = s.room.state()
    if st.closed:
        return message("The workshop room has closed. Your work is saved; you can carry on with the case on "
                       "your own from its notebook.", "info")
    line = (f"You are in workshop room {st.code}. Your facilitator opens each point and shows what happened "
            "when the room has decided; this page updates by itself.")
    if s.acknowledged and s.waiting_for_room:
        held = [p for p in st.opened if p in s.state.decisions and s.stage(p, st) == 0]
        line += (" The room is waiting for the facilitator to show what happened." if held else
                 " The room is waiting for the facilitator to open the next point.")
    if s.before_note:
        line += " " + s.before_note
    return message(line, "info")


def _lower_first(text: str) -> str:
    text = sentence(text)
    return text[:1].lower() + text[1:] if text[:2] != text[:2].upper() else text


def background_html(pack) -> str:
    rows = "".join(f"<li><strong>{_html.escape(t.when)}</strong>: {_html.escape(t.what)}"
                   f"{kit_reading_html(t.kit_reading)}</li>" for t in pack.timeline)
    people = bullet_list(p.role for p in pack.people)
    return (f"<h3>Background</h3>{esc(pack.summary)}"
            + (f"<h4>Timeline, as known at the start</h4><ul>{rows}</ul>" if rows else "")
            + (f"<h4>Who is involved</h4>{people}" if people else ""))


def compare_html(session: CaseSession) -> str:
    """Summary, table and chart (with its text alternative) for a learner's committed points. The
    patterns in the learner's reasoning are shown once, at the end of the case, not here."""
    from ..charts import chart_html, comparison_chart, comparison_text
    from ..compare import display_table

    df = session.compare()
    t = display_table(df[df["committed"]])  # a point not yet decided shows nothing of what was done
    columns = [c for c in t.columns if c != "When"]
    rows = [[Markup(f'{_html.escape(label)}<br><span class="kit-muted">{_html.escape(r["When"])}</span>'),
             *[r[c] for c in columns]] for label, r in t.iterrows()]
    table = (table_html(["Decision point", *columns], rows, caption="Your choices beside what was done and the review")
             if rows else "<p>Commit a decision first: only the points you have decided are compared.</p>")
    return ("<h4>In short</h4>" + esc(session.summary())
            + "<h4>Point by point</h4>" + table
            + "<h4>As a chart</h4>" + chart_html(comparison_chart(df), comparison_text(df).splitlines()))


def case_view(pack: str | Path, learner: str | None = None) -> View:
    """The case for the given or remembered learner; asks for a pseudonym first if none is chosen."""
    return for_learner(lambda who: CaseView(shared_session(pack, who)), learner)


def learner_picker() -> View:
    """Choose a pseudonym (remembered on this computer for every notebook); in a shared app, join."""
    return picker()


def support_box() -> View:
    """Where to find support (the institution's list if they set one, else the kit's UK default)."""
    view: Any = View()  # a plain view that also carries its text
    view.text = html(callout(support_body_html(), "support"))
    view.widget = box(view.text)
    return view


class ReasoningView(View):
    """The patterns in a learner's choices across every case they did, with a question on each."""

    def __init__(self, learner: str):
        self.learner = learner
        self.refresh_button = button("Show my patterns again", tooltip="Read your latest choices")
        self.patterns = html()
        self.refresh_button.on_click(lambda _b: self.refresh())
        self.widget = box(self.patterns, self.refresh_button)
        self.refresh()

    def refresh(self) -> None:
        self.patterns.value = ("<h3>Your reasoning, across the cases</h3>"
                               + reasoning_html(learner_reasoning(self.learner)))


def my_reasoning(learner: str | None = None) -> View:
    """The reasoning patterns in the learner's committed choices across every case they did."""
    return for_learner(ReasoningView, learner)


class RoomJoin(View):
    """Join a workshop room with its code; the case then opens inside the room."""

    def __init__(self, learner: str, code: str = ""):
        self.learner = learner
        self.code = line_field("Room code", "e.g. K7Q-4XP", code, short=True)
        self.join = button("Join the room", primary=True)
        self.status = Status()
        self.case: CaseView | None = None
        self.join.on_click(lambda _b: self.enter())
        self.widget = box(html("<h3>Join a workshop room</h3><p>Your facilitator gives the room's code. In the "
                               "room, the facilitator opens each decision point and shows what happened once the "
                               "room has decided. Your decisions are saved in your own record as usual.</p>"),
                          self.code, self.join, self.status.widget)
        if code:
            self.enter()

    def enter(self) -> None:
        try:
            session = join(None, self.learner, self.code.value.strip())
        except KitError as exc:
            self.status.say(str(exc), "error")
            return
        self.case = CaseView(session)
        self.debate = RoomDebate(session)
        self.case.also_refresh = [self.debate.refresh]
        self.show(self.case.widget, self.debate.widget)


def join_room(code: str = "", learner: str | None = None) -> View:
    """A room code box (or the room given, or the one in the page's address, as the workshop's QR code
    gives it), then the room's case for the learner."""
    return for_learner(lambda who: RoomJoin(who, code or page_param("room") or ""), learner)
