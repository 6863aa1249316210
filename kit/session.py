"""A learner working through one case: the rules of the journey, with no widgets.

Content note first; then the decision points in order. A commit locks the first answer
(no answering with hindsight), and only a committed point can be revealed. Everything
is written to the journal as it happens, and a session rebuilt from the journal resumes
exactly where the learner was.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import SessionError
from .events import (
    Acknowledged,
    CaseState,
    Decided,
    Decision,
    Event,
    Payload,
    ReliedOn,
    Revealed,
    SecondThought,
    SteppedBackIn,
    SteppedOut,
    new_event,
    replay,
)
from .journal import DuplicateDecision, Journal
from .learner import check_learner
from .models import ContributingFactor, DecisionPoint, Option, Pack, TimelineEntry
from .packs import load_pack, resolve
from .support import support_text

if TYPE_CHECKING:
    import pandas as pd

    from .reasoning import Reasoning

__all__ = ["CaseSession", "Decision", "GoneAnswer", "Reveal", "open_case", "MIN_REASON_WORDS", "MIN_CHANGE_MIND_WORDS"]

MIN_REASON_WORDS = 5  # a commit needs reasons: a short sentence at least
MIN_CHANGE_MIND_WORDS = 3  # and what would change the learner's mind: a short sentence too


@dataclass(frozen=True)
class GoneAnswer:
    """A committed answer the case no longer has a place for: point_label names the point when the
    point is still there (its option is not), None when the point itself is gone."""

    point_label: str | None
    decision: Decision


@dataclass(frozen=True)
class Reveal:
    """What a learner sees after committing: the outcome, the review's view, and why."""

    point: DecisionPoint
    chosen: Option
    actual: Option
    supported: list[Option]
    what_happened: str
    feedback: str | None
    review_finding: str
    review_quote: str | None
    factors_by_level: dict[str, list[ContributingFactor]]
    held: str | None = None  # in a workshop room: what is still to come (the finding), said in its place

    @property
    def matched_actual(self) -> bool:
        return self.chosen.id == self.actual.id

    @property
    def matched_review(self) -> bool:
        return self.chosen.review_supported


class CaseSession:
    """One learner in one case. Every method a learner's click calls is here."""

    def __init__(self, pack: Pack, learner: str, journal: Journal | None = None,
                 source: Path | None = None):
        self.pack = pack
        self.source = source  # the pack.yaml it came from, so records can find packs outside casepacks/
        self.learner = check_learner(learner)
        self.journal = journal or Journal()
        self.state = CaseState(pack.id)
        self._listeners: list[Callable[[], None]] = []
        self.reload()

    def subscribe(self, listener: Callable[[], None]) -> None:
        """Call listener after every change to this session's state (views on one page stay in step)."""
        self._listeners.append(listener)

    def _changed(self) -> None:
        for listener in list(self._listeners):
            listener()

    # -- reading state --------------------------------------------------------------

    def reload(self) -> None:
        """Rebuild state from the journal (another notebook may have written to it)."""
        self.state = replay(self.journal.events(self.learner, self.pack.id), self.pack.id,
                            {p.id for p in self.pack.decision_points})

    @property
    def warning(self) -> str | None:
        """A message for the learner if their work cannot be saved to disk right now."""
        return self.journal.warning

    @property
    def content_note(self) -> str:
        return self.pack.content_note

    @property
    def acknowledged(self) -> bool:
        return self.state.acknowledged

    @property
    def stepped_out(self) -> bool:
        """True while the learner has stepped out of this case and not come back in."""
        return self.state.stepped_out

    @property
    def outcome_warning(self) -> str:
        """What the outcome at the end of the case contains, said before the learner chooses to read it."""
        if self.pack.outcome_note:
            return self.pack.outcome_note
        note = " ".join(self.pack.content_note.split()).rstrip(". ")
        return ("What became of the children, in brief. It may include what the content note named: "
                f"{note[:1].lower()}{note[1:]}.")

    @property
    def decisions(self) -> dict[str, Decision]:
        return dict(self.state.decisions)

    def decision(self, point_id: str) -> Decision | None:
        return self.state.decisions.get(point_id)

    def answer_gone(self, point_id: str) -> bool:
        """True when the learner's committed answer here is to an option the pack no longer has (an
        educator edited the case since): the answer is kept as it was, locked, never replaced."""
        d, point = self.state.decisions.get(point_id), self.pack.point(point_id)
        return d is not None and point is not None and point.option(d.option_id) is None

    @property
    def gone_answers(self) -> list[GoneAnswer]:
        """The learner's answers the case no longer has a place for, in the order they were committed:
        at an option the pack no longer has (named by its point), or at a point it no longer has."""
        out = [GoneAnswer(self.pack.point_label(pid), d) for pid, d in self.state.decisions.items()
               if self.answer_gone(pid)]
        out += [GoneAnswer(None, d) for d in self.state.gone.values()]
        return sorted(out, key=lambda g: g.decision.committed_at)

    def relied_on(self, point_id: str) -> tuple[str, ...]:
        """The considerations the learner said their reasons at this point rested on (none if not said)."""
        return self.state.relied_on.get(point_id, ())

    def asks_relied_on(self, point_id: str) -> bool:
        """True when a committed point waits for the learner to say what their reasons rested on: after
        the commit and before the reveal (a point already revealed is not asked: that would be hindsight)."""
        return (point_id in self.state.decisions and point_id not in self.state.relied_on
                and point_id not in self.state.revealed)

    def second_thoughts(self, point_id: str) -> list[str]:
        return list(self.state.second_thoughts.get(point_id, []))

    @property
    def current_point(self) -> DecisionPoint | None:
        """The first point not yet committed, or None when the case is done."""
        return next((p for p in self.pack.decision_points if p.id not in self.state.decisions), None)

    @property
    def sequence(self) -> list[DecisionPoint]:
        """The points this learner takes, in the order they take them (a room may choose fewer)."""
        return list(self.pack.decision_points)

    @property
    def open_points(self) -> list[DecisionPoint]:
        """Points the learner may see: every committed one and the current one."""
        if not self.acknowledged:
            return []
        current = self.current_point
        return [p for p in self.pack.decision_points if p.id in self.state.decisions or p is current]

    @property
    def is_complete(self) -> bool:
        return self.current_point is None

    @property
    def timeline(self) -> list[TimelineEntry]:
        self.require_acknowledged()
        return self.pack.timeline

    # -- actions (each one is saved to the journal) ------------------------------------

    def acknowledge(self) -> None:
        """The learner has read the content note and chooses to go on."""
        if not self.state.acknowledged:
            self.save(Acknowledged(str(self.source.resolve()) if self.source else ""))

    def step_out(self) -> str:
        """The learner chooses not to continue (at any point, with no reason asked); returns where to
        find support. Nothing more of the case is shown until they choose to come back."""
        if not self.state.stepped_out:
            self.save(SteppedOut())
        return support_text()

    def step_back_in(self) -> None:
        """The learner chooses to come back to the case after stepping out; it opens where they left it."""
        if self.state.stepped_out:
            self.save(SteppedBackIn())

    def decide(self, point_id: str, option_id: str | None, confidence: int | None = None,
               rationale: str = "", change_mind: str = "") -> Decision:
        """Commit a decision with a chosen confidence, reasons and what would change the learner's mind.
        The first commit is final; later thoughts are second thoughts."""
        self.require_acknowledged()
        if self.state.stepped_out:
            raise SessionError("You stepped out of this case. Choose to come back to it before you decide.")
        point = self._point(point_id)
        self.reload()
        if point_id in self.state.decisions:
            raise SessionError(
                f"You already committed your decision at {self.pack.point_label(point_id)}. It stays as you "
                "first made it; add a second thought after the reveal instead."
            )
        current = self.current_point
        if current is not None and point.id != current.id:
            raise SessionError(
                f"Decision points open in order: decide {self.pack.point_label(current.id)} first ({current.when})."
            )
        if not option_id:
            raise SessionError("Choose one of the options before you commit.")
        if point.option(option_id) is None:
            ids = ", ".join(o.id for o in point.options)
            raise SessionError(f"'{option_id}' is not an option at '{point_id}'. The options are: {ids}.")
        if isinstance(confidence, bool) or not isinstance(confidence, int) or not 1 <= confidence <= 5:
            raise SessionError("Choose how confident you are, from 1 (not at all) to 5 (very).")
        rationale = (rationale or "").strip()
        if not rationale:
            raise SessionError("Write your reasons before you commit: why this choice, knowing only what "
                               "was known then?")
        if len(rationale.split()) < MIN_REASON_WORDS:
            raise SessionError(f"Say a little more about your reasons (at least {MIN_REASON_WORDS} words): "
                               "why this choice, and what it rests on?")
        change_mind = (change_mind or "").strip()
        if len(change_mind.split()) < MIN_CHANGE_MIND_WORDS:
            raise SessionError("Say what would change your mind before you commit (a short sentence at least): "
                               "what would you need to see or hear to choose differently?")
        try:
            self.save(Decided(option_id, confidence, rationale, change_mind), point_id)
        except DuplicateDecision:
            self.reload()
            raise SessionError(
                f"Your decision at {self.pack.point_label(point_id)} was already committed in another notebook; "
                "that first answer stands. This view now shows it."
            ) from None
        return self.state.decisions[point_id]

    def rely_on(self, point_id: str, considerations: Iterable[str]) -> tuple[str, ...]:
        """Save what the learner's reasons at a committed point rested on (vocabulary considerations, in
        their plain words on the page), before the reveal. The first save stands."""
        from .vocabulary import load_vocabulary

        self._point(point_id)
        if point_id not in self.state.decisions:
            raise SessionError("Commit your decision first, then say what your reasons rested on.")
        if point_id in self.state.relied_on:
            raise SessionError("You have already said what your reasons rested on here; it stays as you first said.")
        if point_id in self.state.revealed:
            raise SessionError("You have already seen what happened here, so ticking now would be with hindsight. "
                               "Add a second thought instead.")
        known = dict(load_vocabulary().considerations())
        chosen = tuple(dict.fromkeys(c for c in considerations or ()))
        unknown = [c for c in chosen if c not in known]
        if unknown:
            raise SessionError(f"'{unknown[0]}' is not one of the considerations on the list.")
        if not chosen:
            raise SessionError("Tick at least one consideration your reasons rested on (or 'Something this list "
                               "does not name').")
        self.save(ReliedOn(chosen), point_id)
        return chosen

    def waiting_reason(self, point_id: str) -> str | None:
        """Why a committed point's reveal must wait (a workshop room holds it), or None."""
        return None

    def outcome_waiting(self) -> str | None:
        """Why the case's outcome must wait (a workshop room holds it until the end), or None."""
        return None

    def reveal(self, point_id: str) -> Reveal:
        """What happened and what the review found; only after the learner has committed."""
        point = self._point(point_id)
        d = self.state.decisions.get(point_id)
        if d is None:
            raise SessionError("Commit your decision first: what happened stays hidden until then.")
        if self.answer_gone(point_id):
            raise SessionError("The option you chose here is no longer in this case (it was changed after you "
                               "answered). Your answer and your reasons are kept as you wrote them.")
        if point_id not in self.state.revealed:
            self.save(Revealed(), point_id)
        by_level: dict[str, list[ContributingFactor]] = {}
        for f in point.contributing_factors:
            by_level.setdefault(f.level, []).append(f)
        chosen = point.option(d.option_id)
        if chosen is None:  # answer_gone above: never reached
            raise SessionError("The option you chose here is no longer in this case.")
        return Reveal(point, chosen, point.actual_option, point.supported_options, point.what_happened,
                      chosen.feedback, point.review_finding, point.review_quote, by_level)

    def second_thought(self, point_id: str, text: str) -> None:
        """A thought added after the reveal; kept apart from the committed answer."""
        self._point(point_id)
        if point_id not in self.state.decisions:
            raise SessionError("Second thoughts come after the reveal: commit your decision first.")
        text = (text or "").strip()
        if not text:
            raise SessionError("Write your second thought before saving it.")
        self.save(SecondThought(text), point_id)

    def save(self, payload: Payload, target: str = "") -> Event:
        """Save one piece of the learner's work to the journal now, and fold it into the state."""
        e = self.journal.append(new_event(self.learner, self.pack.id, payload, target))
        self.state.apply(e, {p.id for p in self.pack.decision_points})
        self._changed()
        return e

    # -- views over the state ----------------------------------------------------------

    def compare(self) -> pd.DataFrame:
        """A table (pandas DataFrame) of your choices against what was done and what the review supports."""
        from .compare import compare_table

        return compare_table(self.pack, self.state.decisions)

    def summary(self) -> str:
        """A short plain-language summary of what the learner might take from the case (no marks, no counts)."""
        from .compare import comparison_summary
        from .vocabulary import load_vocabulary

        vocab = load_vocabulary()
        return comparison_summary(self.compare(), [vocab.label("themes", t) for t in self.pack.themes])

    def reasoning(self) -> Reasoning:
        """The feedback on this case's committed choices: the learner's reasons beside their choices, the
        patterns in their path and in the options, with a question about each (no marks)."""
        from .reasoning import case_reasoning

        return case_reasoning(self.pack, self.state.decisions, relied_on=self.state.relied_on)

    # -- helpers ---------------------------------------------------------------------

    def _point(self, point_id: str) -> DecisionPoint:
        point = self.pack.point(point_id)
        if point is None:
            ids = ", ".join(p.id for p in self.pack.decision_points)
            raise SessionError(f"'{point_id}' is not a decision point in this case. The points are: {ids}.")
        return point

    def require_acknowledged(self) -> None:
        """Raise unless the learner has read the content note and chosen to go on."""
        if not self.state.acknowledged:
            raise SessionError("Read the content note and choose to continue before the case opens.")


def open_case(pack: str | Path | Pack, learner: str, journal: Journal | None = None) -> CaseSession:
    """Open a case (pack id, pack folder path, or a loaded Pack) for a learner, resuming their work."""
    if isinstance(pack, Pack):
        return CaseSession(pack, learner, journal)
    source = resolve(pack)
    return CaseSession(load_pack(source), learner, journal, source=source)
