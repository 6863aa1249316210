"""A live workshop room: the facilitator paces the points and releases each reveal.

A room is a folder (on one machine, or a folder every JupyterHub user can reach):

    room.json        the facilitator's state: the case, the points in the room's order, which are
                     open, which released, whether the finding is on the projector, closed or not
    votes/           one file per learner per point, written once when the learner commits:
                     the option, the confidence, and the reasons only if the learner chose to share

Only the facilitator writes room.json (atomically); learners only add vote files, never change
one. A vote carries a per-room code for the learner (a hash of the room code and the learner's
salted id), never a pseudonym, so the console can count and quote without naming anyone. A
learner's work in a room is in their own journal like any other: the room adds rules (only
opened points, in the room's order; the reveal waits for the release) and a copy of the choice.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path

from . import settings
from .errors import KitError, SessionError
from .events import now
from .files import write_atomic
from .journal import Journal
from .learner import learner_id
from .models import DecisionPoint, Pack
from .packs import find_pack, load_pack, resolve
from .roomfolder import (
    FILE_MODE,
    VOTES_MODE,
    RoomFolderError,
    check_room_folder,
    locked,
    own_folder,
    read_room_bytes,
)
from .session import CaseSession, Decision

FORMAT = "reflective-practice-kit/room"
VERSION = 1
ROOM_FILE = "room.json"
VOTES = "votes"
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: read aloud and typed without doubt
MAX_VOTE_BYTES = 64 * 1024


class RoomError(KitError):
    """A room that cannot be opened, joined or changed as asked."""


def new_code() -> str:
    """A short room code to read out or write on a board, e.g. 'K7Q-4XP'."""
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(6))
    return f"{raw[:3]}-{raw[3:]}"


def normal_code(code: str) -> str:
    """What a learner typed, as the code is written (case and spacing forgiven)."""
    raw = "".join(ch for ch in str(code).upper() if ch.isalnum())
    return f"{raw[:3]}-{raw[3:]}" if len(raw) == 6 else str(code).strip().upper()


@dataclass
class RoomState:
    """What room.json holds."""

    code: str
    pack_id: str
    pack_path: str
    title: str
    points: list[str]
    opened: list[str] = field(default_factory=list)
    released: list[str] = field(default_factory=list)
    finding_shown: list[str] = field(default_factory=list)
    closed: bool = False
    created_at: str = ""
    updated_at: str = ""
    format: str = FORMAT
    version: int = VERSION


@dataclass(frozen=True)
class Vote:
    point: str
    option: str
    confidence: int | None
    rationale: str | None  # only when the learner chose to share
    voter: str
    at: str


class Room:
    """A room folder; every read goes to disk, so a reload shows the room as it is."""

    def __init__(self, folder: str | Path):
        self.folder = Path(folder)

    # -- reading -----------------------------------------------------------------------------

    @property
    def file(self) -> Path:
        return self.folder / ROOM_FILE

    def state(self) -> RoomState:
        try:
            check_room_folder(self.folder)
            data = json.loads(read_room_bytes(self.file).decode("utf-8"))
        except RoomFolderError as exc:
            raise RoomError(str(exc)) from None
        except FileNotFoundError:
            raise RoomError(f"There is no workshop room at {self.folder}. Check the room code with your "
                            "facilitator.") from None
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            raise RoomError(f"The workshop room at {self.folder} cannot be read ({exc}). "
                            "Ask your facilitator to open it again.") from None
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise RoomError(f"{self.file} is not a workshop room file.")
        if not isinstance(data.get("version"), int) or data["version"] > VERSION:
            raise RoomError(f"{self.file} was made by a newer kit (room version {data.get('version')}). "
                            "Upgrade the kit.")
        known = set(RoomState.__dataclass_fields__)
        try:
            return RoomState(**{k: v for k, v in data.items() if k in known})
        except TypeError as exc:
            raise RoomError(f"{self.file} is missing a field ({exc}).") from None

    def pack(self) -> Pack:
        st = self.state()
        pack = find_pack(st.pack_id, st.pack_path)
        if pack is not None:
            return pack
        raise RoomError(f"The room's case '{st.pack_id}' cannot be found here. Ask your facilitator.")

    def votes(self) -> list[Vote]:
        """Every learner's vote, each file read once; a file that is not a vote is skipped."""
        out: list[Vote] = []
        folder = self.folder / VOTES
        if not folder.is_dir():
            return out
        for f in sorted(folder.glob("*.json")):
            try:
                if f.is_symlink() or f.stat().st_size > MAX_VOTE_BYTES:
                    continue
                d = json.loads(f.read_text(encoding="utf-8"))
                conf = d.get("confidence")
                out.append(Vote(str(d["point"]), str(d["option"]),
                                conf if isinstance(conf, int) and not isinstance(conf, bool) else None,
                                d.get("rationale") if isinstance(d.get("rationale"), str) else None,
                                str(d["voter"]), str(d.get("at", ""))))
            except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError):
                continue
        return out

    def status(self) -> dict:
        """Per point in the room's order: opened, released, how many decided, the count per option
        and per confidence, and the reasons learners chose to share (no names)."""
        st = self.state()
        pack = self.pack()
        votes: dict[str, list[Vote]] = {}
        for v in self.votes():
            votes.setdefault(v.point, []).append(v)
        points = []
        for pid in st.points:
            point = pack.point(pid)
            mine = votes.get(pid, [])
            valid = [v for v in mine if point is not None and point.option(v.option) is not None]
            counts = Counter(v.option for v in valid)
            points.append({
                "point": pid,
                "title": pack.point_label(pid),
                "opened": pid in st.opened,
                "released": pid in st.released,
                "finding_shown": pid in st.finding_shown,
                "decided": len({v.voter for v in valid}),
                "options": {o.id: counts.get(o.id, 0) for o in (point.options if point else [])},
                "confidence": {str(c): sum(1 for v in valid if v.confidence == c) for c in range(1, 6)},
                "shared_reasons": sorted(v.rationale for v in valid if v.rationale),
            })
        return {"code": st.code, "pack_id": st.pack_id, "title": st.title, "closed": st.closed,
                "learners": len({v.voter for v in self.votes()}), "points": points}

    # -- the facilitator's actions ----------------------------------------------------------------

    @classmethod
    def open(cls, folder: str | Path | None, pack: str | Path, points: list[str] | None = None,
             plan: str | None = None) -> Room:
        """Open a room for a case: all its points, a plan's, or the ones named (in that order)."""
        source = resolve(pack)
        p = load_pack(source)
        if plan:
            chosen_plan = p.plan(plan)
            if chosen_plan is None:
                known = ", ".join(pl.id for pl in p.plans or []) or "none"
                raise RoomError(f"'{p.title}' has no plan '{plan}'. Its plans: {known}.")
            points = list(chosen_plan.points)
        chosen = points or [d.id for d in p.decision_points]
        unknown = [x for x in chosen if p.point(x) is None]
        if unknown:
            raise RoomError(f"'{unknown[0]}' is not a decision point of '{p.title}'. The points are: "
                            f"{', '.join(d.id for d in p.decision_points)}.")
        if len(set(chosen)) != len(chosen):
            raise RoomError("A point is named twice; name each point once, in the order the room takes them.")
        rooms = settings.rooms_dir()
        code = new_code()
        while (rooms / code).exists():
            code = new_code()
        target = Path(folder) if folder else rooms / code
        if target.absolute().parent != rooms.absolute():
            raise RoomError(f"A room is joined by its code from the rooms folder ({rooms}), so a room at {target} "
                            "could not be joined. Leave out --dir (the room goes in the rooms folder), or set "
                            f"KIT_ROOMS to {target.absolute().parent}.")
        room = cls(target)
        try:
            own_folder(rooms, "rooms folder")
            own_folder(target, "room folder")
            own_folder(target / VOTES, "votes folder", VOTES_MODE)  # learners add votes; cannot list or change
        except RoomFolderError as exc:
            raise RoomError(str(exc)) from None
        except OSError as exc:
            raise RoomError(f"Could not make the room at {target} ({exc.strerror}). "
                            "Choose a folder you can write to.") from None
        stamp = now()
        try:
            with locked(target):
                if room.file.exists() or room.file.is_symlink():
                    raise RoomError(f"{target} already holds a room; choose another folder or close that one.")
                room._write(RoomState(code, p.id, str(source.resolve()), p.title, chosen, created_at=stamp,
                                      updated_at=stamp))
        except RoomFolderError as exc:
            raise RoomError(str(exc)) from None
        return room

    def open_point(self, point: str | None = None) -> str:
        """Open the given point, or the next one in the room's order; returns the point opened."""
        def change(st: RoomState) -> str:
            chosen = point
            if chosen is None:
                rest = [p for p in st.points if p not in st.opened]
                if not rest:
                    raise RoomError("Every point of this room is already open.")
                chosen = rest[0]
            if chosen not in st.points:
                raise RoomError(f"'{chosen}' is not one of this room's points: {', '.join(st.points)}.")
            if chosen not in st.opened:
                st.opened.append(chosen)
            return chosen
        return self._change(change)

    def release(self, point: str | None = None) -> str:
        """Release the reveal of the given point, or of the earliest open one not yet released."""
        def change(st: RoomState) -> str:
            chosen = point
            if chosen is None:
                waiting = [p for p in st.opened if p not in st.released]
                if not waiting:
                    raise RoomError("There is no open point waiting for its reveal.")
                chosen = waiting[0]
            if chosen not in st.opened:
                raise RoomError(f"Open '{chosen}' before releasing its reveal.")
            if chosen not in st.released:
                st.released.append(chosen)
            return chosen
        return self._change(change)

    def show_finding(self, point: str) -> None:
        """Put the review's finding for a released point on the projector."""
        def change(st: RoomState) -> None:
            if point not in st.released:
                raise RoomError("Release the point's reveal before showing the review's finding.")
            if point not in st.finding_shown:
                st.finding_shown.append(point)
        self._change(change)

    def close(self) -> None:
        def change(st: RoomState) -> None:
            st.closed = True
        self._change(change, live=False)

    def _change(self, change, live: bool = True):
        """Read room.json, change it and write it back under the room's lock (the facilitator's only)."""
        try:
            check_room_folder(self.folder, owner=os.getuid() if hasattr(os, "getuid") else None)
            with locked(self.folder):
                st = self.state()
                if live and st.closed:
                    raise RoomError("This room is closed. Open a new room to run the case again.")
                before = json.dumps(asdict(st), sort_keys=True)
                result = change(st)
                if json.dumps(asdict(st), sort_keys=True) != before:
                    self._write(st)
        except RoomFolderError as exc:
            raise RoomError(str(exc)) from None
        return result

    def _write(self, st: RoomState) -> None:
        st.updated_at = now()
        try:
            write_atomic(self.file, json.dumps(asdict(st), indent=2, ensure_ascii=False) + "\n")
            self.file.chmod(FILE_MODE)
        except OSError as exc:
            raise RoomError(f"Could not write the room at {self.folder} ({exc.strerror}). "
                            "Choose a folder you can write to.") from None

    # -- a learner's vote -------------------------------------------------------------------------

    def voter(self, learner: str) -> str:
        """The learner's code in this room: stable for them here, meaningless anywhere else."""
        return hashlib.sha256(f"{self.state().code}:{learner_id(learner)}".encode()).hexdigest()[:16]

    def add_vote(self, learner: str, d: Decision, share_reasons: bool) -> bool:
        """Write the learner's vote once; False when it could not reach the room folder."""
        voter = self.voter(learner)
        body = {"point": d.point_id, "option": d.option_id, "confidence": d.confidence, "voter": voter,
                "at": d.committed_at}
        if share_reasons and d.rationale:
            body["rationale"] = d.rationale
        try:
            write_atomic(self.folder / VOTES / f"{voter}--{d.point_id}.json", json.dumps(body, ensure_ascii=False),
                         replace=False)
        except FileExistsError:
            return True  # already counted: the first commit stands
        except OSError:
            return False
        return True


def find_room(room: str | Path) -> Room:
    """A room by its folder, or by its code in the rooms folder."""
    p = Path(room)
    if (p / ROOM_FILE).is_file():
        return Room(p)
    code = normal_code(str(room))
    rooms = settings.rooms_dir()
    candidate = rooms / code
    if (candidate / ROOM_FILE).is_file():
        return Room(candidate)
    for found in _rooms_in(rooms):  # a room opened in the rooms folder under a name of its own
        try:
            if found.state().code == code:
                return found
        except RoomError:
            continue
    raise RoomError(f"There is no open workshop room '{room}'. Check the code with your facilitator.")


def _rooms_in(rooms: Path, limit: int = 500) -> list[Room]:
    """The room folders in the rooms folder (no links), newest first, at most `limit`."""
    try:
        entries = [e for e in os.scandir(rooms) if e.is_dir(follow_symlinks=False)]
    except OSError:
        return []
    entries.sort(key=lambda e: e.stat(follow_symlinks=False).st_mtime, reverse=True)
    return [Room(Path(e.path)) for e in entries[:limit] if (Path(e.path) / ROOM_FILE).is_file()]


class RoomSession(CaseSession):
    """A learner's case inside a room: only the points the facilitator has opened, in the room's
    order, and each reveal only once the facilitator releases it. Everything else is a case."""

    def __init__(self, pack: Pack, learner: str, room: Room, journal: Journal | None = None,
                 source: Path | None = None, share_reasons: bool = False):
        self.room = room
        self.share_reasons = share_reasons
        self.vote_warning: str | None = None
        super().__init__(pack, learner, journal, source)

    def _room_points(self) -> list[DecisionPoint]:
        st = self.room.state()
        return [p for pid in st.points if (p := self.pack.point(pid)) is not None]

    @property
    def sequence(self) -> list[DecisionPoint]:
        return self._room_points()

    @property
    def current_point(self) -> DecisionPoint | None:
        """The first point the room has opened that this learner has not decided."""
        opened = set(self.room.state().opened)
        return next((p for p in self._room_points() if p.id in opened and p.id not in self.state.decisions), None)

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

    def decide(self, point_id: str, option_id: str | None, confidence: int | None = None,
               rationale: str = "", **more) -> Decision:
        st = self.room.state()
        if point_id not in st.points:
            raise SessionError("This point is not part of today's workshop room.")
        if point_id not in st.opened and point_id not in self.state.decisions:
            raise SessionError("Your facilitator has not opened this point yet; it opens here when the room "
                               "gets to it.")
        d = super().decide(point_id, option_id, confidence=confidence, rationale=rationale, **more)
        ok = self.room.add_vote(self.learner, d, self.share_reasons)
        self.vote_warning = None if ok else ("Your decision is saved in your own record, but it could not reach "
                                             "the room's folder, so the room's count will not include it.")
        return d

    def waiting_reason(self, point_id: str) -> str | None:
        if point_id in self.state.decisions and point_id not in self.room.state().released:
            return ("The room is waiting: your facilitator will show what happened when the room has decided. "
                    "Your decision is locked and saved.")
        return None

    def reveal(self, point_id: str):
        reason = self.waiting_reason(point_id)
        if reason:
            raise SessionError(reason)
        return super().reveal(point_id)


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


def room_cohort(room: Room):
    """The room's votes as a workshop cohort, so the dashboard's one-file summary can be made from them."""
    from .cohort import Cohort, Handin

    st, pack = room.state(), room.pack()
    order = {pid: i for i, pid in enumerate(st.points)}
    by_voter: dict[str, list] = {}
    for v in room.votes():
        point = pack.point(v.point)
        option = point.option(v.option) if point else None
        if option is None or v.confidence is None:
            continue
        by_voter.setdefault(v.voter, []).append(
            (pack.id, order.get(v.point, 0), v.point, point.when, option.id, point.actual_option.id, option.actual,
             option.review_supported, v.confidence, v.rationale))
    cohort = Cohort(str(room.folder))
    cohort.records = [Handin(f"room vote {i + 1}", voter, st.updated_at, voter, tuple(rows), (), ())
                      for i, (voter, rows) in enumerate(sorted(by_voter.items()))]
    return cohort
