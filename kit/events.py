"""The learner's events: their kinds, their payloads, and the one replay that turns them into state.

Everything a learner does is one event in their journal (`journal.py` stores them). This
module is the only place that knows what each kind means: the session, the debate, the
reflection forms, the record, the accountability tables and the exercises all read a
learner's state through `replay`, never by walking the events themselves.

Payloads are stored as JSON objects. Each kind's payload class reads its own object
tolerantly (journals written by earlier kits lack later fields) and writes it back with
`as_payload()`; `new_event` builds an event from one, so no caller spells a key by hand.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from enum import Enum
from typing import Any, ClassVar


class Kind(str, Enum):
    """Every kind of event; the value is what the journal stores."""

    ACKNOWLEDGE = "acknowledge"  # read the content note and chose to go on
    STEP_OUT = "step_out"  # chose to stop; nothing more of the case is shown
    STEP_BACK_IN = "step_back_in"  # chose to come back after stepping out
    DECIDE = "decide"  # committed a decision (the first per point is final)
    RELIED_ON = "relied_on"  # after committing, before the reveal: what the learner's reasons rested on
    REVEAL = "reveal"  # saw what happened at a committed point
    SECOND_THOUGHT = "second_thought"  # a thought added after a reveal, kept apart
    DEBATE_CODE = "debate_code"  # placed one comment of a debate
    DEBATE_REVEAL = "debate_reveal"  # asked to see the kit's coding (codes lock)
    DEBATE_POSITION = "debate_position"  # their own position and the other side's case
    REFLECTION = "reflection"  # Gibbs' stages
    CPD = "cpd"  # a CPD entry in Social Work England's fields
    ATTRIBUTION = "attribution"  # how much each level contributed, in their view
    EXERCISE_ANSWER = "exercise_answer"  # an answer to one exercise question
    PCF_EVIDENCE = "pcf_evidence"  # the learner's own evidence against PCF domains (a form saved whole)
    ROOM_VOTE = "room_vote"  # a vote sent to a workshop room: which file, its content's hash, a second vote's choice


EXERCISES = "exercises"  # the journal's pack id for exercise answers (they belong to no case)


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds")


@dataclass(frozen=True)
class Event:
    """One thing a learner did, as the journal stores it."""

    learner: str
    pack_id: str
    kind: str
    target: str = ""
    payload: dict[str, Any] = field(default_factory=dict)
    created_at: str = ""
    id: int | None = None


# -- payloads ------------------------------------------------------------------------------

def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ("" if value is None else str(value))


def _int_or_none(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


@dataclass(frozen=True)
class Payload:
    """A kind's payload; subclasses name their fields, read tolerantly and write plainly."""

    kind: ClassVar[Kind]

    @classmethod
    def read(cls, payload: dict[str, Any]) -> Payload:
        return cls()

    def as_payload(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Acknowledged(Payload):
    kind = Kind.ACKNOWLEDGE
    pack_path: str = ""  # the pack.yaml it was opened from, so records find packs kept elsewhere

    @classmethod
    def read(cls, p: dict[str, Any]) -> Acknowledged:
        return cls(_text(p.get("pack_path")))


@dataclass(frozen=True)
class SteppedOut(Payload):
    kind = Kind.STEP_OUT


@dataclass(frozen=True)
class SteppedBackIn(Payload):
    kind = Kind.STEP_BACK_IN


@dataclass(frozen=True)
class Decided(Payload):
    kind = Kind.DECIDE
    option_id: str = ""
    confidence: int | None = None  # 1-5; journals from before confidence was required may lack it
    rationale: str = ""
    change_mind: str = ""  # what would change my mind

    @classmethod
    def read(cls, p: dict[str, Any]) -> Decided:
        return cls(_text(p.get("option_id")), _int_or_none(p.get("confidence")), _text(p.get("rationale")),
                   _text(p.get("change_mind")))


@dataclass(frozen=True)
class ReliedOn(Payload):
    """The considerations (vocabulary reasoning slugs, or "other") a learner ticked as what their
    reasons rested on, after committing and before the reveal. The first save at a point stands."""

    kind = Kind.RELIED_ON
    considerations: tuple[str, ...] = ()

    @classmethod
    def read(cls, p: dict[str, Any]) -> ReliedOn:
        given = p.get("considerations")
        return cls(tuple(str(c) for c in given if isinstance(c, str)) if isinstance(given, list) else ())

    def as_payload(self) -> dict[str, Any]:
        return {"considerations": list(self.considerations)}


@dataclass(frozen=True)
class Revealed(Payload):
    kind = Kind.REVEAL
    finding: bool = True  # False: only what happened was shown (a workshop room held the review's finding)

    @classmethod
    def read(cls, p: dict[str, Any]) -> Revealed:
        return cls(p.get("finding") is not False)


@dataclass(frozen=True)
class SecondThought(Payload):
    kind = Kind.SECOND_THOUGHT
    text: str = ""

    @classmethod
    def read(cls, p: dict[str, Any]) -> SecondThought:
        return cls(_text(p.get("text")))


@dataclass(frozen=True)
class DebateCode(Payload):
    """A learner's placing of one comment: the format-1 stance and/or the two scales (0-3)."""

    kind = Kind.DEBATE_CODE
    stance: int | None = None
    holds_accountable: tuple[str, ...] = ()
    accountability: int | None = None
    context: int | None = None

    @classmethod
    def read(cls, p: dict[str, Any]) -> DebateCode:
        held = p.get("holds_accountable")
        return cls(_int_or_none(p.get("stance")),
                   tuple(str(h) for h in held) if isinstance(held, list) else (),
                   _int_or_none(p.get("accountability")), _int_or_none(p.get("context")))

    def as_payload(self) -> dict[str, Any]:
        return {k: v for k, v in {**asdict(self), "holds_accountable": list(self.holds_accountable)}.items()
                if v is not None}


@dataclass(frozen=True)
class DebateRevealed(Payload):
    kind = Kind.DEBATE_REVEAL


@dataclass(frozen=True)
class DebatePosition(Payload):
    kind = Kind.DEBATE_POSITION
    position: str = ""
    other_side: str = ""
    moved: str = ""  # did the learner's position move, and how

    @classmethod
    def read(cls, p: dict[str, Any]) -> DebatePosition:
        return cls(_text(p.get("position")), _text(p.get("other_side")), _text(p.get("moved")))


@dataclass(frozen=True)
class Fields(Payload):
    """A form saved whole (reflection, CPD entry): field name to text; later saves supersede."""

    kind = Kind.REFLECTION
    fields: dict[str, str] = field(default_factory=dict)

    @classmethod
    def read(cls, p: dict[str, Any]) -> Fields:
        return cls({str(k): _text(v) for k, v in p.items()})

    def as_payload(self) -> dict[str, Any]:
        return dict(self.fields)


@dataclass(frozen=True)
class Reflection(Fields):
    kind = Kind.REFLECTION


@dataclass(frozen=True)
class CpdEntry(Fields):
    kind = Kind.CPD


@dataclass(frozen=True)
class PcfEvidence(Fields):
    """PCF domain slug to the learner's evidence for it; the record's domains are those with evidence."""

    kind = Kind.PCF_EVIDENCE


@dataclass(frozen=True)
class Attribution(Payload):
    """How much each contributing-factor level contributed, 0-3, in the learner's view."""

    kind = Kind.ATTRIBUTION
    ratings: dict[str, int] = field(default_factory=dict)

    @classmethod
    def read(cls, p: dict[str, Any]) -> Attribution:
        return cls({str(k): v for k, v in p.items() if _int_or_none(v) is not None})

    def as_payload(self) -> dict[str, Any]:
        return dict(self.ratings)


@dataclass(frozen=True)
class ExerciseAnswer(Payload):
    kind = Kind.EXERCISE_ANSWER
    text: str = ""
    prompt: str = ""  # the question's words as the learner saw them (older journals lack them)

    @classmethod
    def read(cls, p: dict[str, Any]) -> ExerciseAnswer:
        return cls(_text(p.get("text")), _text(p.get("prompt")))


@dataclass(frozen=True)
class RoomVote(Payload):
    """A vote the learner sent to a workshop room (target: the point). The file's name and its content's
    hash say which file in the room is theirs; a second vote (round 2, after discussing in pairs) keeps
    its choice here, apart from the committed first answer, which it never replaces."""

    kind = Kind.ROOM_VOTE
    room: str = ""  # the room's code
    round: int = 1
    file: str = ""
    sha256: str = ""
    option_id: str = ""
    confidence: int | None = None
    late: bool = False  # made after the point's reveal was released
    before: bool = False  # a decision made alone before the room

    @classmethod
    def read(cls, p: dict[str, Any]) -> RoomVote:
        return cls(_text(p.get("room")), _int_or_none(p.get("round")) or 1, _text(p.get("file")),
                   _text(p.get("sha256")), _text(p.get("option_id")), _int_or_none(p.get("confidence")),
                   p.get("late") is True, p.get("before") is True)


PAYLOADS: dict[Kind, type[Payload]] = {cls.kind: cls for cls in (
    Acknowledged, SteppedOut, SteppedBackIn, Decided, ReliedOn, Revealed, SecondThought, DebateCode, DebateRevealed,
    DebatePosition, Reflection, CpdEntry, Attribution, ExerciseAnswer, PcfEvidence, RoomVote)}


def kind_of(event: Event) -> Kind | None:
    """The event's kind, or None for a kind this kit does not know (a newer kit wrote it)."""
    try:
        return Kind(event.kind)
    except ValueError:
        return None


def payload_of(event: Event) -> Payload | None:
    kind = kind_of(event)
    return PAYLOADS[kind].read(event.payload if isinstance(event.payload, dict) else {}) if kind else None


def new_event(learner: str, pack_id: str, payload: Payload, target: str = "") -> Event:
    """An event ready for the journal (it stamps the time when it saves)."""
    return Event(learner, pack_id, payload.kind.value, target, payload.as_payload())


def comment_target(debate_id: str, comment_id: str) -> str:
    return f"{debate_id}/{comment_id}"


def answer_target(exercise: str, question: str) -> str:
    return f"{exercise}/{question}"


# -- state ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Decision:
    """A committed decision; the first commit of a point is the one that stands."""

    point_id: str
    option_id: str
    confidence: int | None
    rationale: str
    committed_at: str
    change_mind: str = ""


@dataclass
class CaseState:
    """Everything one learner has done in one case, rebuilt from their events in order."""

    pack_id: str
    acknowledged: bool = False
    stepped_out: bool = False  # stepped out and has not come back in
    ever_stepped_out: bool = False
    pack_path: str = ""
    decisions: dict[str, Decision] = field(default_factory=dict)
    gone: dict[str, Decision] = field(default_factory=dict)  # answers at points the pack no longer has: kept, locked
    relied_on: dict[str, tuple[str, ...]] = field(default_factory=dict)  # point id -> considerations (first save)
    revealed: set[str] = field(default_factory=set)
    second_thoughts: dict[str, list[str]] = field(default_factory=dict)
    debate_codes: dict[tuple[str, str], DebateCode] = field(default_factory=dict)  # latest per comment
    debates_revealed: set[str] = field(default_factory=set)
    debate_positions: dict[str, DebatePosition] = field(default_factory=dict)  # latest per debate
    reflection: dict[str, str] | None = None  # latest save
    cpd: dict[str, str] | None = None  # latest save
    pcf_evidence: dict[str, str] | None = None  # latest save
    attribution: dict[str, int] | None = None  # latest save
    room_votes: dict[tuple[str, str, int], RoomVote] = field(default_factory=dict)  # (room, point, round): first sent
    findings_seen: set[str] = field(default_factory=set)  # points whose review finding the learner was shown
    room_points: set[str] = field(default_factory=set)  # points decided inside a workshop room
    events: list[Event] = field(default_factory=list)

    @property
    def started_at(self) -> str:
        return self.events[0].created_at if self.events else ""

    @property
    def last_activity_at(self) -> str:
        return self.events[-1].created_at if self.events else ""

    def held(self, point_id: str) -> bool:
        """True while a workshop room holds the review's finding of a point the learner decided there:
        the record and hand-in leave the point out until the learner has been shown it."""
        return point_id in self.room_points and point_id not in self.findings_seen

    def codes_for(self, debate_id: str) -> dict[str, DebateCode]:
        """The learner's latest placing of each comment of one debate, by comment id."""
        return {c: code for (d, c), code in self.debate_codes.items() if d == debate_id}

    def apply(self, event: Event, points: set[str] | None = None) -> None:
        """Fold one event into the state (events must come oldest first)."""
        self.events.append(event)
        data = payload_of(event)
        match data:
            case Acknowledged():
                self.acknowledged = True
                self.pack_path = data.pack_path or self.pack_path
            case SteppedOut():
                self.stepped_out = self.ever_stepped_out = True
            case SteppedBackIn():
                self.stepped_out = False
            case Decided():
                if event.target not in self.decisions and event.target not in self.gone:  # the first stands
                    known = points is None or event.target in points
                    (self.decisions if known else self.gone)[event.target] = Decision(
                        event.target, data.option_id, data.confidence, data.rationale, event.created_at,
                        data.change_mind)
            case ReliedOn():
                if event.target in self.decisions and event.target not in self.relied_on:
                    self.relied_on[event.target] = data.considerations
            case Revealed():
                self.revealed.add(event.target)
                if data.finding:
                    self.findings_seen.add(event.target)
            case SecondThought():
                self.second_thoughts.setdefault(event.target, []).append(data.text)
            case DebateCode():
                debate_id, _, comment_id = event.target.partition("/")
                self.debate_codes[(debate_id, comment_id)] = data
            case DebateRevealed():
                self.debates_revealed.add(event.target)
            case DebatePosition():
                self.debate_positions[event.target] = data
            case Reflection():
                self.reflection = data.fields
            case CpdEntry():
                self.cpd = data.fields
            case PcfEvidence():
                self.pcf_evidence = data.fields
            case Attribution():
                self.attribution = data.ratings
            case RoomVote():
                self.room_votes.setdefault((data.room, event.target, data.round), data)
                if data.round == 1 and not data.before:
                    self.room_points.add(event.target)
            case _:  # an exercise answer, or a kind from a newer kit: kept in events, no state
                pass


def replay(events: Iterable[Event], pack_id: str = "", points: set[str] | None = None) -> CaseState:
    """One case's state from its events. With `points`, decisions at points the pack no longer
    has (a pack edited since) are kept apart in `gone`, never lost and never answerable again."""
    state = CaseState(pack_id)
    for e in events:
        state.apply(e, points)
    return state


@dataclass
class LearnerState:
    """Everything one learner has done: each case's state, and their exercise answers."""

    cases: dict[str, CaseState] = field(default_factory=dict)  # in the order first touched
    answers: dict[str, list[str]] = field(default_factory=dict)  # "exercise/question" -> every save, oldest first
    prompts: dict[str, str] = field(default_factory=dict)  # "exercise/question" -> its words, latest save that had them
    answered_at: dict[str, str] = field(default_factory=dict)  # "exercise/question" -> when last saved

    def answer(self, exercise: str, question: str) -> str | None:
        saved = self.answers.get(answer_target(exercise, question))
        return saved[-1] if saved else None


def replay_learner(events: Iterable[Event]) -> LearnerState:
    """A learner's whole state from all their events (cases by pack id, exercises apart)."""
    state = LearnerState()
    for e in events:
        if e.pack_id == EXERCISES:
            data = payload_of(e)
            if isinstance(data, ExerciseAnswer) and data.text:
                state.answers.setdefault(e.target, []).append(data.text)
                state.answered_at[e.target] = e.created_at
                if data.prompt:
                    state.prompts[e.target] = data.prompt
            continue
        state.cases.setdefault(e.pack_id, CaseState(e.pack_id)).apply(e)
    return state
