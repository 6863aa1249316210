"""A live workshop room: the facilitator paces the points and releases each reveal.

A room is a folder (on one machine, or a folder every JupyterHub user can reach):

    room.json        the facilitator's state: the case, the points in the room's order, which are
                     open, which released, whether the finding is on the projector, closed or not
    votes/           one file per learner per point, written once when the learner commits:
                     the option, the confidence, and the reasons only if the learner chose to share

Only the facilitator writes room.json (atomically, under the room's lock; kit/roomfolder.py makes
the folders theirs); learners only add vote files, never change one. A vote carries a per-room code
for the learner (a hash of the room code, the pseudonym and the learner's secret salt, so nobody
can work out another's), never a pseudonym, so the console can count and quote without naming
anyone; kit/roomtally.py counts by the room's rules. A learner's work in a room is in their own
journal like any other: the room adds rules (only opened points, in the room's order; each stage of
the reveal waits for the facilitator's release) and a copy of the choice, whose file and hash the
journal keeps, so a file someone else planted is never taken for theirs.

The reveal comes in stages, each released by the facilitator: (a) what happened at a point,
(b) the review's finding and why the decision may have made sense, and at the end (c) what became
of the children. RoomSession says what a learner may see of each point; the views ask it.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import stat
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from . import settings
from .errors import KitError
from .events import now
from .files import Refused, read_json, write_atomic
from .learner import _salt, check_learner
from .models import Pack
from .packs import find_pack, load_pack, resolve
from .roomfolder import (
    FILE_MODE,
    MAX_ROOM_BYTES,
    VOTES_MODE,
    RoomFolderError,
    check_room_folder,
    locked,
    own_folder,
)
from .roomtally import NOT_A_FILE, TOO_LARGE, UNREADABLE, Vote, parse_vote, tally

FORMAT = "reflective-practice-kit/room"
VERSION = 2  # 2: the reveal in stages (an older kit would show the finding with what happened: it refuses)
ROOM_FILE = "room.json"
VOTES = "votes"
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: read aloud and typed without doubt
MAX_VOTE_BYTES = 64 * 1024
_T = TypeVar("_T")


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
    released: list[str] = field(default_factory=list)  # (a) what happened
    finding_released: list[str] = field(default_factory=list)  # (b) the review's finding, why it made sense
    outcome_released: bool = False  # (c) what became of the children
    revote: list[str] = field(default_factory=list)  # points where the room is asked to vote again
    debate_open: bool = False  # the facilitator opened the case's debate before every point was done
    closed: bool = False
    times: dict[str, float] = field(default_factory=dict)  # "opened:POINT", "released:POINT", "closed": when
    created_at: str = ""
    updated_at: str = ""
    format: str = FORMAT
    version: int = VERSION


_READ: dict[str, dict[str, tuple[tuple[int, int], Vote | str]]] = {}  # votes/ -> name -> (size, mtime), what it held


_PACKS: dict[tuple[str, str], Pack] = {}  # (pack id, pack path) -> the pack, loaded once per process


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
            if not os.path.lexists(self.file):
                raise FileNotFoundError(self.file)
            data = read_json(self.file, MAX_ROOM_BYTES)  # a regular file only, bounded (files.read_json)
        except RoomFolderError as exc:
            raise RoomError(str(exc)) from None
        except FileNotFoundError:
            raise RoomError(f"There is no workshop room at {self.folder}. Check the room code with your "
                            "facilitator.") from None
        except (OSError, Refused) as exc:
            raise RoomError(f"The workshop room at {self.folder} cannot be read ({exc}). "
                            "Ask your facilitator to open it again.") from None
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise RoomError(f"{self.file} is not a workshop room file.")
        if not isinstance(data.get("version"), int) or data["version"] > VERSION:
            raise RoomError(f"{self.file} was made by a newer kit (room version {data.get('version')}). "
                            "Upgrade the kit.")
        known = set(RoomState.__dataclass_fields__)
        if "finding_shown" in data:  # a version-1 room: the finding was shown with the projector's button
            data.setdefault("finding_released", data["finding_shown"])
        try:
            return RoomState(**{k: v for k, v in data.items() if k in known})
        except TypeError as exc:
            raise RoomError(f"{self.file} is missing a field ({exc}).") from None

    def pack(self) -> Pack:
        st = self.state()
        key = (st.pack_id, st.pack_path)
        cached = _PACKS.get(key)
        if cached is not None:  # a pack is read once per process: a live console redraws often
            return cached
        pack = find_pack(st.pack_id, st.pack_path)
        if pack is not None:
            _PACKS[key] = pack
            return pack
        raise RoomError(f"The room's case '{st.pack_id}' cannot be found here. Ask your facilitator.")

    def votes(self) -> list[Vote]:
        """Every file in votes/ that reads as a vote (a join, a debate's placements); each file is read
        once while it stays the same (by name, size and time), so a status reads only what changed.
        What was left out, and why, is in `self.skipped` (links, pipes, large files, not a vote)."""
        out: list[Vote] = []
        self.skipped: Counter[str] = Counter()
        folder = self.folder / VOTES
        cache = _READ.setdefault(str(folder.absolute()), {})
        try:
            entries = list(os.scandir(folder))
        except OSError:
            return out
        seen = set()
        for entry in entries:
            if not entry.name.endswith(".json") or entry.name.startswith("."):
                continue  # a vote being written (its temporary file), or not the kit's
            try:
                st = entry.stat(follow_symlinks=False)
            except OSError:
                continue
            if not stat.S_ISREG(st.st_mode):
                self.skipped[NOT_A_FILE] += 1
                continue
            if st.st_size > MAX_VOTE_BYTES:
                self.skipped[TOO_LARGE] += 1
                continue
            seen.add(entry.name)
            key = (st.st_size, st.st_mtime_ns)
            cached = cache.get(entry.name)
            if cached is None or cached[0] != key:
                try:
                    d = read_json(entry.path, MAX_VOTE_BYTES)  # a regular file only, bounded (files.read_json)
                    found = parse_vote(d, entry.name, st.st_mtime)
                except (Refused, KeyError, TypeError):
                    found = UNREADABLE
                cached = cache[entry.name] = (key, found)
            if isinstance(cached[1], str):
                self.skipped[cached[1]] += 1
            else:
                out.append(cached[1])
        for gone in set(cache) - seen:
            del cache[gone]
        return out

    def status(self) -> dict[str, Any]:
        """Per point in the room's order: opened, released, how many decided, the count per option
        and per confidence, and the reasons learners chose to share (no names); late votes, votes from
        before the room and second votes apart; how many joined; what was not counted and why."""
        st = self.state()
        votes = self.votes()
        return tally(st, self.pack(), votes, self.skipped)

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
                st.times[f"opened:{chosen}"] = time.time()
            return chosen
        return self._change(change)

    def unreleased(self) -> str | None:
        """The open point whose reveal (what happened) is not released yet, if any: opening the next
        point while one waits is asked about first."""
        st = self.state()
        return next((p for p in st.opened if p not in st.released), None)

    def release(self, point: str | None = None) -> str:
        """Release what happened at the given point (or the earliest open one still waiting)."""
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
                st.times[f"released:{chosen}"] = time.time()
            return chosen
        return self._change(change)

    def release_finding(self, point: str) -> None:
        """Release the review's finding for a point, with the reasons it may have made sense at the
        time, to every learner (and the projector); after what happened there."""
        def change(st: RoomState) -> None:
            if point not in st.released:
                raise RoomError("Release what happened at this point before the review's finding.")
            if point not in st.finding_released:
                st.finding_released.append(point)
                st.times[f"finding:{point}"] = time.time()
        self._change(change)

    show_finding = release_finding  # the name of the version-1 button and command

    def release_outcome(self) -> None:
        """Release what became of the children (the end of the case) to every learner."""
        def change(st: RoomState) -> None:
            st.outcome_released = True
            st.times["outcome"] = time.time()
        self._change(change)

    def ask_revote(self, point: str) -> None:
        """Ask the room to discuss the point in pairs and vote again, before what happened is released
        (a second vote never replaces a learner's locked first answer)."""
        def change(st: RoomState) -> None:
            if point not in st.opened:
                raise RoomError("Open the point, and let the room vote, before asking for a second vote.")
            if point in st.released:
                raise RoomError("What happened at this point is already released: a second vote now would "
                                "be made knowing it.")
            if point not in st.revote:
                st.revote.append(point)
                st.times[f"revote:{point}"] = time.time()
        self._change(change)

    def open_debate(self) -> None:
        """Put the case's debate on every learner's room page now (it opens by itself once the room's
        points are all released)."""
        def change(st: RoomState) -> None:
            st.debate_open = True
        self._change(change)

    def close(self) -> None:
        def change(st: RoomState) -> None:
            if not st.closed:
                st.closed = True
                st.times["closed"] = time.time()
        self._change(change, live=False)

    def _change(self, change: Callable[[RoomState], _T], live: bool = True) -> _T:
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
        """The learner's code in this room: made with their own secret salt (kept in their folder), so
        nobody can work out another learner's code from anything in the exchange."""
        name = check_learner(learner)
        return hashlib.sha256(_salt() + f":room:{self.state().code}:{name}".encode()).hexdigest()[:16]

    def send(self, voter: str, stem: str, body: dict[str, Any]) -> tuple[str, str, str] | None:
        """Write one file into votes/, never over another: as VOTER--STEM.json, or, when a file someone
        else put there already holds that name, under a fresh name that says it displaces it. Returns
        (file name, the content's sha256, the displaced name or "") or None when it could not be written."""
        name, displaced = f"{voter}--{stem}.json", ""
        for _ in range(3):
            raw = json.dumps({**body, "voter": voter, **({"displaces": displaced} if displaced else {})},
                             ensure_ascii=False)
            try:
                write_atomic(self.folder / VOTES / name, raw, replace=False)
            except FileExistsError:
                displaced = displaced or name
                name = f"{voter}--{stem}--{secrets.token_hex(4)}.json"
                continue
            except OSError:
                return None
            return name, hashlib.sha256(raw.encode("utf-8")).hexdigest(), displaced
        return None


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


def open_rooms(rooms: Path) -> list[Room]:
    """This facilitator's rooms in the rooms folder that are not closed, the latest changed first."""
    mine = []
    for room in _rooms_in(rooms):
        try:
            check_room_folder(room.folder, owner=os.getuid() if hasattr(os, "getuid") else None)
            if not room.state().closed:
                mine.append(room)
        except (RoomError, RoomFolderError):
            continue
    return mine


def _rooms_in(rooms: Path, limit: int = 500) -> list[Room]:
    """The room folders in the rooms folder (no links), newest first, at most `limit`."""
    try:
        entries = [e for e in os.scandir(rooms) if e.is_dir(follow_symlinks=False)]
    except OSError:
        return []
    entries.sort(key=lambda e: e.stat(follow_symlinks=False).st_mtime, reverse=True)
    return [Room(Path(e.path)) for e in entries[:limit] if (Path(e.path) / ROOM_FILE).is_file()]
