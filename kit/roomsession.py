"""A learner in a workshop room (kit/room.py is the room itself): the case's rules, plus the room's.

Only the points the facilitator has opened, in the room's order; each stage of each reveal only once
the facilitator releases it (`RoomSession.stage`: views ask the session what a learner may see);
a vote sent to the room once per point and round, its file and hash kept in the learner's journal;
a second vote after discussing in pairs, kept apart from the committed first answer; decisions
made alone before the room sent apart, as "before the room"; the debate's placings sent when they
lock.
"""

from __future__ import annotations

import dataclasses
import json
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import SessionError
from .events import DebateRevealed, Event, Kind, Payload, Revealed, RoomVote, kind_of, now
from .files import write_atomic
from .journal import Journal
from .models import DecisionPoint, Pack
from .packs import load_pack
from .room import VOTES, Room, RoomError, RoomState, find_room
from .roomtally import counted
from .session import CaseSession, Decision, Reveal

if TYPE_CHECKING:
    import pandas as pd

    from .cohort import Cohort
    from .reasoning import Reasoning

WAITING = ("The room is waiting: your facilitator will show what happened when the room has decided. "
           "Your decision is locked and saved.")
FINDING_HELD = ("Your facilitator will share what the review found, and why the decision may have made sense "
                "at the time, when the room has talked about what happened.")
OUTCOME_HELD = "Your facilitator will share what became of the children with the room at the end."


class RoomSession(CaseSession):
    """A learner's case inside a room: only the points the facilitator has opened, in the room's
    order, and each stage of each reveal only once the facilitator releases it (`stage`). Views ask
    this session what the learner may see; everything else is a case."""

    asks_to_share = True  # the page asks with each vote whether its reasons are shared with the room

    def __init__(self, pack: Pack, learner: str, room: Room, journal: Journal | None = None,
                 source: Path | None = None, share_reasons: bool = False):
        self.room = room
        self.share_reasons = share_reasons  # the default when a vote does not say
        self.vote_warning: str | None = None
        self.vote_note: str | None = None
        super().__init__(pack, learner, journal, source)
        st = room.state()
        self.code, self.created_at = st.code, st.created_at
        self.voter = room.voter(self.learner)
        self.before_note = self._join(st)

    # -- joining -------------------------------------------------------------------------------

    def _join(self, st: RoomState) -> str | None:
        """Tell the room this learner is here, and send, counted apart, the room's points they decided
        alone before the room; returns what the learner is told about those."""
        if st.closed:
            return None
        try:
            write_atomic(self.room.folder / VOTES / f"{self.voter}--joined.json",
                         json.dumps({"kind": "joined", "voter": self.voter, "at": now()}), replace=False)
        except FileExistsError:
            pass  # joined before (this learner, another day or notebook)
        except OSError:
            self.vote_warning = ("Your decisions are saved in your own record, but the room's folder cannot be "
                                 "reached, so the room's count will not include them.")
        before = [pid for pid in st.points if (d := self.state.decisions.get(pid)) and d.committed_at < st.created_at]
        for pid in before:
            d = self.state.decisions[pid]
            self._send(pid, 1, d.option_id, d.confidence, "", before=True)
        if not before:
            return None
        return (f"You decided {len(before)} of this room's points on your own before the room. Those answers stay "
                "as you made them; the room counts them apart, as \"before the room\", and you will not be asked "
                "to decide them again here.")

    # -- what the learner may see ---------------------------------------------------------------

    def _room_points(self, st: RoomState | None = None) -> list[DecisionPoint]:
        st = st or self.room.state()
        return [p for pid in st.points if (p := self.pack.point(pid)) is not None]

    @property
    def sequence(self) -> list[DecisionPoint]:
        return self._room_points()

    @property
    def current_point(self) -> DecisionPoint | None:
        """The first point the room has opened that this learner has not decided."""
        st = self.room.state()
        return next((p for p in self._room_points(st) if p.id in st.opened and p.id not in self.state.decisions),
                    None)

    @property
    def open_points(self) -> list[DecisionPoint]:
        if not self.acknowledged:
            return []
        current = self.current_point
        return [p for p in self._room_points() if p.id in self.state.decisions or p is current]

    @property
    def is_complete(self) -> bool:
        return all(p.id in self.state.decisions for p in self._room_points())

    @property
    def waiting_for_room(self) -> bool:
        """True when the learner has decided every point the room has opened, and more are to come."""
        return self.current_point is None and not self.is_complete

    def _seen_alone(self) -> set[str]:
        """Points whose reveal the learner read on their own before the room was opened."""
        return {e.target for e in self.state.events
                if kind_of(e) is Kind.REVEAL and e.created_at < self.created_at}

    def stage(self, point_id: str, st: RoomState | None = None) -> int:
        """What this learner may see of a point: 0 nothing yet, 1 what happened, 2 the review's finding
        and why it may have made sense too (the facilitator releases each; read alone before: all)."""
        if point_id not in self.state.decisions:
            return 0
        if point_id in self._seen_alone():
            return 2
        st = st or self.room.state()
        return 2 if point_id in st.finding_released else 1 if point_id in st.released else 0

    def waiting_reason(self, point_id: str) -> str | None:
        if point_id in self.state.decisions and self.stage(point_id) == 0:
            return WAITING
        return None

    def reveal(self, point_id: str) -> Reveal:
        reason = self.waiting_reason(point_id)
        if reason:
            raise SessionError(reason)
        stage = self.stage(point_id)
        if point_id not in self.state.revealed or (stage >= 2 and point_id not in self.state.findings_seen):
            self.save(Revealed(finding=stage >= 2), point_id)  # the record holds what the learner was shown
        r = super().reveal(point_id)
        if stage >= 2:
            return r
        return dataclasses.replace(r, supported=[], feedback=None, review_finding="", review_quote=None,
                                   factors_by_level={}, held=FINDING_HELD)

    def outcome_waiting(self) -> str | None:
        return None if self.room.state().outcome_released else OUTCOME_HELD

    def _seen_in_full(self) -> dict[str, Decision]:
        st = self.room.state()
        return {k: d for k, d in self.state.decisions.items() if self.stage(k, st) >= 2}

    def compare(self) -> pd.DataFrame:
        """The comparison, of the points whose finding the learner may see (the others wait for the room)."""
        from .compare import compare_table

        return compare_table(self.pack, self._seen_in_full())

    def reasoning(self) -> Reasoning:
        from .reasoning import case_reasoning

        return case_reasoning(self.pack, self._seen_in_full(), relied_on=self.state.relied_on)  # what they said, too

    @property
    def debate_open(self) -> bool:
        """The case's debate is on the room page once every point is released, or when the facilitator opens it."""
        st = self.room.state()
        return st.debate_open or set(st.points) <= set(st.released)

    def room_key(self) -> tuple[object, ...]:
        """What the learner's page shows of the room's state (a change means a redraw)."""
        st = self.room.state()
        return (tuple(st.opened), tuple(st.released), tuple(st.finding_released), tuple(st.revote),
                st.outcome_released, st.debate_open, st.closed)

    # -- votes -------------------------------------------------------------------------------

    def decide(self, point_id: str, option_id: str | None, confidence: int | None = None,
               rationale: str = "", change_mind: str = "", share_reasons: bool | None = None,
               **more: Any) -> Decision:
        st = self.room.state()
        if point_id not in st.points:
            raise SessionError("This point is not part of today's workshop room.")
        if point_id not in st.opened and point_id not in self.state.decisions:
            raise SessionError("Your facilitator has not opened this point yet; it opens here when the room "
                               "gets to it.")
        late = point_id in st.released
        d = super().decide(point_id, option_id, confidence=confidence, rationale=rationale, change_mind=change_mind,
                           **more)
        share = self.share_reasons if share_reasons is None else share_reasons
        self._send(point_id, 1, d.option_id, d.confidence, d.rationale if share else "", late=late)
        if late and self.vote_warning is None:
            self.vote_note = ("What happened here was already shown to the room when you decided, so the room "
                              "counts your decision apart, as made after the reveal.")
        return d

    def can_vote_again(self, point_id: str) -> bool:
        """True when the facilitator has asked the room to vote again here and this learner may."""
        st = self.room.state()
        return (point_id in st.revote and point_id not in st.released and point_id in self.state.decisions
                and self.second_choice(point_id) is None and not self._before(point_id))

    def _before(self, point_id: str) -> bool:
        sent = self.state.room_votes.get((self.code, point_id, 1))
        return bool(sent and sent.before)

    def second_choice(self, point_id: str) -> RoomVote | None:
        """The learner's second vote at a point (after discussing in pairs), if they made one."""
        return self.state.room_votes.get((self.code, point_id, 2))

    def vote_again(self, point_id: str, option_id: str | None, confidence: int | None,
                   rationale: str = "", share_reasons: bool | None = None) -> RoomVote:
        """A second vote after discussing in pairs: saved apart in the learner's journal and sent to the
        room; the committed first answer stays as it was."""
        st = self.room.state()
        point = self._point(point_id)
        if point_id not in self.state.decisions:
            raise SessionError("Commit your first decision before voting again; the second vote sits beside it.")
        if self.second_choice(point_id):
            raise SessionError("You have already voted again here; that second vote stands.")
        if point_id not in st.revote:
            raise SessionError("Your facilitator has not asked the room to vote again at this point.")
        if point_id in st.released or self._before(point_id):
            raise SessionError("What happened here is already known to you, so a second vote now would be made "
                               "knowing it.")
        if not option_id or point.option(option_id) is None:
            raise SessionError("Choose one of the options for your second vote.")
        if isinstance(confidence, bool) or not isinstance(confidence, int) or not 1 <= confidence <= 5:
            raise SessionError("Choose how confident you are now, from 1 (not at all) to 5 (very).")
        share = self.share_reasons if share_reasons is None else share_reasons
        self._send(point_id, 2, option_id, confidence, (rationale or "").strip() if share else "")
        return self.state.room_votes[(self.code, point_id, 2)]

    def _send(self, point_id: str, round_: int, option: str, confidence: int | None, shared: str,
              late: bool = False, before: bool = False) -> None:
        """Send one vote to the room (once per point and round) and keep its file and hash in the journal."""
        if (self.code, point_id, round_) in self.state.room_votes:
            return  # sent already: the first stands
        body = {"kind": "vote", "point": point_id, "round": round_, "option": option, "confidence": confidence,
                "at": now(), "late": late, "before": before}
        if shared:
            body["rationale"] = shared
        sent = self.room.send(self.voter, point_id if round_ == 1 else f"{point_id}--2", body)
        name, digest, displaced = sent or ("", "", "")
        self.save(RoomVote(self.code, round_, name, digest, option, confidence, late, before), point_id)
        if sent is None:
            self.vote_warning = ("Your decision is saved in your own record, but it could not reach the room's "
                                 "folder, so the room's count will not include it.")
        elif displaced:
            self.vote_warning = ("A file under your room code was already in the room, and you did not write it. "
                                 "Your vote is saved under a new name, and the room's count leaves the other file "
                                 "out.")

    def save(self, payload: Payload, target: str = "") -> Event:
        event = super().save(payload, target)
        if isinstance(payload, DebateRevealed):  # the learner's placings lock: the room sees them
            self._send_debate(target)
        return event

    def _send_debate(self, debate_id: str) -> None:
        from .debate import placing

        if (self.code, f"debate/{debate_id}", 1) in self.state.room_votes or not hasattr(self, "voter"):
            return
        placed = {cid: [p.accountability, p.context] for cid, code in self.state.codes_for(debate_id).items()
                  if (p := placing(code)) is not None}
        sent = self.room.send(self.voter, f"debate-{debate_id}",
                              {"kind": "debate", "debate": debate_id, "placements": placed, "at": now()})
        if sent:
            self.save(RoomVote(self.code, 1, sent[0], sent[1]), f"debate/{debate_id}")


def join(pack: str | Path | Pack | None, learner: str, room: str | Path, journal: Journal | None = None,
         share_reasons: bool = False) -> RoomSession:
    """Join a room as a learner (the room names its case; a pack given must be the same one)."""
    r = find_room(room)
    st = r.state()
    if st.closed:
        raise RoomError("This workshop room is closed. You can carry on with the case on your own.")
    room_pack = r.pack()
    if pack is not None:
        given = pack if isinstance(pack, Pack) else load_pack(pack)
        if given.id != room_pack.id:
            raise RoomError(f"This room is for '{room_pack.title}', not '{given.title}'.")
    return RoomSession(room_pack, learner, r, journal, Path(st.pack_path) if st.pack_path else None, share_reasons)


def open_case(pack: str | Path | Pack, learner: str, journal: Journal | None = None,
              room: str | Path | None = None, share_reasons: bool = False) -> CaseSession:
    """Open a case for a learner, resuming their work; with `room` (a room folder or code), inside
    that workshop room, where the facilitator opens the points and releases the reveals."""
    from .session import open_case as open_alone

    if room is None:
        return open_alone(pack, learner, journal)
    return join(pack, learner, room, journal, share_reasons)


def room_cohort(room: Room) -> Cohort:
    """The room's votes as a workshop cohort, so the dashboard's one-file summary can be made from them."""
    from .cohort import Cohort, Handin

    st, pack = room.state(), room.pack()
    order = {pid: i for i, pid in enumerate(st.points)}
    by_voter: dict[str, list[tuple[object, ...]]] = {}
    votes = room.votes()
    for (_voter, _point, round_, before), v in counted(st, pack, votes, Counter(room.skipped)).items():
        point = pack.point(v.point)
        option = point.option(v.option) if point else None
        if point is None or option is None:  # counted keeps only votes for the pack's points and options
            continue
        if round_ != 1 or before or v.late:  # the room's first votes, made before the reveal
            continue
        by_voter.setdefault(v.voter, []).append(
            (pack.id, order.get(v.point, 0), v.point, point.when, option.id, point.actual_option.id, option.actual,
             option.review_supported, v.confidence, v.rationale))
    cohort = Cohort(str(room.folder))
    cohort.records = [Handin(f"room vote {i + 1}", voter, st.updated_at, voter, tuple(rows), (), ())
                      for i, (voter, rows) in enumerate(sorted(by_voter.items()))]
    return cohort
