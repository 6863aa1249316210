"""Counting a room's votes by the room's rules, and saying what was left out and why.

Anyone who can reach `votes/` can add a file to it, so nothing in a vote file is taken on trust:
a vote counts only from a learner who joined the room, for one of the room's points while it was
open (not before it opened, not after the room closed), for an option the point has, once per
learner, point and round. A vote made after its point's reveal counts apart ("late"), and so do
decisions a learner made alone before the room ("before the room"). A second vote (after
discussing in pairs) counts only from a learner whose first vote counted, and only before the
reveal. "Decided" is the number of first votes counted, never more.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from .models import Pack

SLACK = 2.0  # seconds: file times and the facilitator's clock may differ a little on a shared disk

# Why a file was not counted, in the words the console shows (no file names: they hold learners' codes).
NOT_A_FILE = "not a plain file (a link, a folder or a pipe)"
TOO_LARGE = "too large to be a vote"
UNREADABLE = "not a vote the kit can read"
NOT_IN_ROOM = "for a point that is not in this room"
NOT_JOINED = "from a learner code that never joined the room"
NOT_OPEN = "for a point that was not open yet"
AFTER_CLOSE = "made after the room closed"
NO_OPTION = "for an option the point does not have"
NO_CONFIDENCE = "without a confidence from 1 to 5"
TWICE = "a second file from one learner for one point"
DISPLACED = "a file under a learner's code that they did not write"
NO_FIRST = "a second vote without a counted first vote"
NOT_ASKED = "a second vote the room was not asked for"
SECOND_LATE = "a second vote made after the reveal"


@dataclass(frozen=True)
class Vote:
    """One file in votes/: a vote (round 1 or 2), a learner joining, or their debate placements."""

    point: str
    option: str
    confidence: int | None
    rationale: str | None  # only when the learner chose to share
    voter: str
    at: str
    kind: str = "vote"  # vote | joined | debate
    round: int = 1
    late: bool = False
    before: bool = False
    displaces: str = ""  # the name of a file under this learner's code they did not write
    name: str = ""
    mtime: float = 0.0
    placements: tuple[tuple[str, int, int], ...] = ()  # debate: (comment, accountability, context)


def _int(value: object, low: int, high: int) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and low <= value <= high else None


def _short(value: object, limit: int = 200) -> str:
    return value[:limit] if isinstance(value, str) else ""


def parse_vote(d: object, name: str, mtime: float) -> Vote | str:
    """A vote file's content as a Vote, or the reason it is not one."""
    if not isinstance(d, dict):
        return UNREADABLE
    voter = _short(d.get("voter"), 64)
    if not voter or not name.startswith(voter + "--"):
        return UNREADABLE
    kind = d.get("kind", "vote")
    if kind == "joined":
        return Vote("", "", None, None, voter, _short(d.get("at"), 40), "joined", name=name, mtime=mtime)
    if kind == "debate":
        raw = d.get("placements")
        placed = tuple((_short(c, 80), a, b) for c, (a, b) in (raw.items() if isinstance(raw, dict) else [])
                       if isinstance(c, str) and _int(a, 0, 3) is not None and _int(b, 0, 3) is not None)
        return Vote(_short(d.get("debate"), 80), "", None, None, voter, _short(d.get("at"), 40), "debate",
                    name=name, mtime=mtime, placements=placed)
    if kind != "vote" or not isinstance(d.get("point"), str) or not isinstance(d.get("option"), str):
        return UNREADABLE
    reasons = d.get("rationale")
    return Vote(_short(d["point"], 80), _short(d["option"], 80), _int(d.get("confidence"), 1, 5),
                reasons[:2000] if isinstance(reasons, str) and reasons.strip() else None, voter,
                _short(d.get("at"), 40), "vote", _int(d.get("round"), 1, 2) or 1, d.get("late") is True,
                d.get("before") is True, _short(d.get("displaces"), 200), name, mtime)


@dataclass
class Bucket:
    """Votes of one kind at one point: how many learners, per option, per confidence, shared reasons."""

    options: dict[str, int]
    confidence: dict[str, int] = field(default_factory=lambda: {str(c): 0 for c in range(1, 6)})
    reasons: list[str] = field(default_factory=list)
    decided: int = 0

    def add(self, v: Vote) -> None:
        self.decided += 1
        self.options[v.option] = self.options.get(v.option, 0) + 1
        if v.confidence:
            self.confidence[str(v.confidence)] += 1
        if v.rationale:
            self.reasons.append(v.rationale)

    def as_dict(self) -> dict[str, Any]:
        return {"decided": self.decided, "options": dict(self.options), "confidence": dict(self.confidence),
                "shared_reasons": sorted(self.reasons)}


def counted(st: Any, pack: Pack, votes: list[Vote], skipped: Counter[str]) -> dict[tuple[str, str, int, bool], Vote]:
    """The votes that count, by (voter, point, round, before the room); each one left out adds its
    reason to `skipped`. `st` is the room's RoomState (Any here: kit/room.py is a layer above)."""
    times = st.times
    joined = {v.voter for v in votes if v.kind == "joined"}
    displaced = {v.displaces for v in votes if v.displaces}
    kept: dict[tuple[str, str, int, bool], Vote] = {}
    for v in sorted((v for v in votes if v.kind == "vote"), key=lambda v: (v.mtime, v.name)):
        point = pack.point(v.point)
        reason = None
        if v.name in displaced:
            reason = DISPLACED
        elif v.point not in st.points or point is None:
            reason = NOT_IN_ROOM
        elif v.voter not in joined:
            reason = NOT_JOINED
        elif point.option(v.option) is None:
            reason = NO_OPTION
        elif v.confidence is None:
            reason = NO_CONFIDENCE
        elif st.closed and v.mtime > times.get("closed", v.mtime) + SLACK:
            reason = AFTER_CLOSE
        elif not v.before and (v.point not in st.opened or v.mtime < times.get(f"opened:{v.point}", 0) - SLACK):
            reason = NOT_OPEN
        elif (v.voter, v.point, v.round, v.before) in kept:
            reason = TWICE
        if reason:
            skipped[reason] += 1
        else:
            kept[(v.voter, v.point, v.round, v.before)] = v
    return kept


def tally(st: Any, pack: Pack, votes: list[Vote], skipped: Counter[str]) -> dict[str, Any]:
    """The room's status: per point in the room's order, the counted first votes (and late, before the
    room, and second votes apart), how the room moved between votes; the learners joined; what was
    skipped and why. `st` is the room's state; `skipped` holds the reasons found while reading."""
    skipped = Counter(skipped)
    joined = {v.voter for v in votes if v.kind == "joined"}
    kept = counted(st, pack, votes, skipped)
    times = st.times
    points = []
    for pid in st.points:
        point = pack.point(pid)
        blank = {o.id: 0 for o in (point.options if point else [])}
        on_time, late, before, second = Bucket(dict(blank)), Bucket(dict(blank)), Bucket(dict(blank)), Bucket(dict(blank))
        released_at = times.get(f"released:{pid}")
        firsts: dict[str, str] = {}
        for (voter, vp, rnd, was_before), v in kept.items():
            if vp != pid or rnd != 1:
                continue
            if was_before:
                before.add(v)
            elif v.late or (released_at is not None and v.mtime > released_at + SLACK):
                late.add(v)
            else:
                on_time.add(v)
                firsts[voter] = v.option
        moved: Counter[tuple[str, str]] = Counter()
        for (voter, vp, rnd, was_before), v in kept.items():
            if vp != pid or rnd != 2 or was_before:
                continue
            if pid not in st.revote:
                skipped[NOT_ASKED] += 1
            elif voter not in firsts:
                skipped[NO_FIRST] += 1
            elif released_at is not None and v.mtime > released_at + SLACK:
                skipped[SECOND_LATE] += 1
            else:
                second.add(v)
                moved[(firsts[voter], v.option)] += 1
        points.append({
            "point": pid, "title": pack.point_label(pid),
            "opened": pid in st.opened, "released": pid in st.released,
            "finding_released": pid in st.finding_released, "revote": pid in st.revote,
            **on_time.as_dict(),
            "late": late.as_dict(), "before": before.as_dict(), "second": second.as_dict(),
            "moved": [{"from": a, "to": b, "learners": n} for (a, b), n in sorted(moved.items())],
        })
    debate: dict[str, list[tuple[int, int]]] = {}
    placed: set[str] = set()
    for v in sorted((v for v in votes if v.kind == "debate" and v.voter in joined), key=lambda v: v.mtime):
        if v.voter in placed:
            skipped[TWICE] += 1
            continue
        placed.add(v.voter)
        for comment, a, c in v.placements:
            debate.setdefault(comment, []).append((a, c))
    return {"code": st.code, "pack_id": st.pack_id, "title": st.title, "closed": st.closed,
            "joined": len(joined), "learners": len(joined), "outcome_released": st.outcome_released,
            "debate_open": st.debate_open, "debate": debate, "points": points,
            "skipped": dict(sorted(skipped.items(), key=lambda kv: (-kv[1], kv[0])))}


def skipped_sentence(skipped: dict[str, int]) -> str:
    """What the count left out, in one sentence; empty when nothing was."""
    if not skipped:
        return ""
    n = sum(skipped.values())
    parts = "; ".join(f"{k} ({v})" for k, v in skipped.items())
    return f"{n} {'file was' if n == 1 else 'files were'} not counted: {parts}."
