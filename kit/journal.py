"""The learner's journal: an append-only SQLite event log under KIT_HOME.

Every acknowledge, commit, reveal, second thought, debate answer and reflection is one
row, written in its own transaction the moment it happens, so a crash loses nothing
already committed. State is rebuilt by replaying events, so two kernels writing to one
journal never overwrite each other; a unique index lets only the first commit of a
decision win.

`Journal(path)` is this page's one object for that file (kept in the page context): every view, export and
hand-in in a kernel shares it, so all of them see the same work, including work held in
memory. If the journal cannot be written (a full or read-only disk, a folder in the way,
a journal from a newer kit) the work goes on in memory with a warning, shows everywhere,
and is written as soon as the file can be written again (on the next read or write).
What is already on disk stays visible while the disk is full: reads take SQLite's
normal path, which reads the write-ahead log, and if even a read fails, the events this
process has already seen stand in. Anything that can never be written (a second commit
of a point already committed in another notebook) is refused with a sentence that gives
the learner back what they wrote; nothing is dropped silently.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, cast

from . import context
from .errors import JournalError, KitError
from .events import Acknowledged, Decided, Event, Kind, now, payload_of
from .files import in_the_way, why
from .settings import kit_home

if TYPE_CHECKING:
    from .models import Pack

_T = TypeVar("_T")

SCHEMA_VERSION = 1
FILE_NAME = "journal.sqlite3"
BUSY_TIMEOUT_MS = 15_000

# Each entry upgrades a journal from version (index) to version (index + 1).
MIGRATIONS: list[list[str]] = [
    [
        """CREATE TABLE events (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            learner TEXT NOT NULL,
            pack_id TEXT NOT NULL,
            kind TEXT NOT NULL,
            target TEXT NOT NULL DEFAULT '',
            payload TEXT NOT NULL DEFAULT '{}',
            created_at TEXT NOT NULL
        )""",
        "CREATE INDEX events_by_learner ON events (learner, pack_id, id)",
        # The first committed answer to a decision point is final: a second commit from
        # another kernel fails here instead of silently replacing it.
        f"CREATE UNIQUE INDEX one_decision ON events (learner, pack_id, target) WHERE kind = '{Kind.DECIDE.value}'",
    ],
]



class DuplicateDecision(JournalError):
    """Another session already committed this decision point."""


class Journal:
    """One journal file, opened per operation so many processes can share it.

    `Journal(path)` returns this process's one object for the file (created on first use);
    `Journal(path, separate=True)` a private one, as a second kernel would have.
    """

    def __new__(cls, path: str | Path | None = None, *, separate: bool = False) -> Journal:
        if separate:
            return super().__new__(cls)
        key = os.path.abspath(Path(path) if path else kit_home() / FILE_NAME)
        page = context.current()
        with page.lock:
            if key not in page.journals:
                page.journals[key] = super().__new__(cls)
            return cast(Journal, page.journals[key])  # the page context holds journals untyped (it sits below this module)

    def __init__(self, path: str | Path | None = None, *, separate: bool = False):
        if getattr(self, "_lock", None) is not None:
            return  # the process's journal for this file, set up already
        self._lock = threading.RLock()
        self.path = Path(path) if path else kit_home() / FILE_NAME
        self._write_warning: str | None = None
        self._read_warning: str | None = None
        self._pending: list[Event] = []  # events kept in memory while the file cannot be written
        self._seen: dict[int | None, Event] = {}  # every saved event this object has read or written, by row id
        self._foreign = False  # a newer kit's journal: never read or written
        self.refused: list[Event] = []  # held events the journal can never take (a point committed elsewhere)
        self._ready = False
        with self._lock:
            self._open_or_warn()

    # -- public API -----------------------------------------------------------------

    @property
    def warning(self) -> str | None:
        """Everything the learner must know about where their work is, or None when it is all on disk."""
        parts = [w for w in (self._write_warning, self._read_warning) if w]
        parts += [self._refusal_sentence(e) for e in self.refused]
        return " ".join(parts) or None

    @property
    def in_memory(self) -> bool:
        """True while some of the work exists only in this process's memory."""
        return bool(self._pending) or not self._ready

    def append(self, event: Event) -> Event:
        """Save one event now; if the file cannot be written, keep it in memory and set .warning.

        A second commit of a decision point raises DuplicateDecision, whether the first is on
        disk, seen earlier, or held in memory.
        """
        event = Event(event.learner, event.pack_id, event.kind, event.target, dict(event.payload),
                      event.created_at or now())
        with self._lock:
            if not self._ready:
                self._open_or_warn()
            if self._ready:
                try:
                    self._flush_pending()
                    saved = self._insert(event)
                    self._seen[saved.id] = saved
                    return saved
                except DuplicateDecision:
                    raise
                except sqlite3.Error as exc:
                    self._fall_back(exc)
            if event.kind == Kind.DECIDE and self._committed(event):
                raise DuplicateDecision(f"decision point '{event.target}' is already committed.")
            self._pending.append(event)
            return event

    def events(self, learner: str | None = None, pack_id: str | None = None,
               kinds: Iterable[Kind | str] | None = None) -> list[Event]:
        """Saved and held events, oldest first, optionally filtered. Held events are written
        first if the journal can take them again."""
        with self._lock:
            if self._pending and not self._foreign:
                self._retry()
            rows = self._read(learner, pack_id)
            rows += [e for e in self._pending
                     if (learner is None or e.learner == learner) and (pack_id is None or e.pack_id == pack_id)]
        if kinds is not None:
            wanted = {getattr(k, "value", k) for k in kinds}  # Kind members or their stored values
            rows = [e for e in rows if e.kind in wanted]
        return rows

    # -- opening, migrating, recovering ------------------------------------------------

    def _connect(self) -> sqlite3.Connection:
        con = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
        con.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        return con

    def _open_or_warn(self, *, may_move_aside: bool = True) -> None:
        if self._foreign:
            return
        try:
            if in_the_way(self.path):
                raise FileExistsError(in_the_way(self.path))
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._open()
            self._ready = True
            self._write_warning = None
        except _Corrupt as exc:
            if may_move_aside:
                self._move_aside(exc)
            else:
                self._fall_back(exc)
        except (sqlite3.Error, OSError, JournalError) as exc:
            self._fall_back(exc)

    def _open(self) -> None:
        con = self._retrying(self._connect)
        try:
            try:  # read the version first: a newer kit's journal must not be touched at all
                version = con.execute("PRAGMA user_version").fetchone()[0]
                if version > SCHEMA_VERSION:
                    self._foreign = True
                    raise JournalError(
                        f"{self.path} was written by a newer version of the kit (journal version "
                        f"{version}; this kit knows {SCHEMA_VERSION}). Upgrade the kit; the file is left untouched."
                    )
                if version and con.execute("PRAGMA quick_check").fetchone()[0] != "ok":
                    raise _Corrupt("the integrity check failed")
                con.execute("PRAGMA journal_mode = WAL").fetchone()
            except sqlite3.DatabaseError as exc:
                if _is_corruption(exc):
                    raise _Corrupt(str(exc)) from exc
                raise
            if version < SCHEMA_VERSION:
                self._migrate(con)
        finally:
            con.close()

    def _migrate(self, con: sqlite3.Connection) -> None:
        con.execute("BEGIN IMMEDIATE")
        try:
            current = con.execute("PRAGMA user_version").fetchone()[0]  # another process may have won
            for v in range(current, SCHEMA_VERSION):
                for statement in MIGRATIONS[v]:
                    con.execute(statement)
            con.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise

    def _move_aside(self, exc: Exception) -> None:
        """A corrupt journal is renamed, never overwritten, and a fresh one started."""
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        aside = self.path.with_name(f"{self.path.stem}.corrupt-{stamp}{self.path.suffix}")
        n = 1
        while aside.exists():
            aside = self.path.with_name(f"{self.path.stem}.corrupt-{stamp}-{n}{self.path.suffix}")
            n += 1
        try:
            self.path.rename(aside)
            for suffix in ("-wal", "-shm"):
                side = Path(str(self.path) + suffix)
                if side.exists():
                    side.rename(Path(str(aside) + suffix))
        except OSError as move_exc:
            self._fall_back(move_exc)
            return
        self._seen.clear()  # row ids start again in the fresh file
        self._open_or_warn(may_move_aside=False)
        if not self._ready:
            return
        self._write_warning = (
            f"Your journal at {self.path} could not be read ({exc}). It was moved aside to {aside} "
            "(nothing was deleted) and a fresh journal started. Ask your tutor if you need what was in it."
        )

    def _fall_back(self, exc: BaseException) -> None:
        self._ready = False
        blocked = in_the_way(self.path)
        if blocked:
            self._write_warning = (
                f"Your work could not be saved to {self.path}: {blocked}. Move or rename it (the kit "
                "changes nothing in it), or set KIT_HOME to another folder. Until then your work is kept "
                "in memory, shown here and included when you export or hand in; it is saved as soon as "
                "the journal can be written. Export your record before you close this notebook."
            )
            return
        self._write_warning = (
            f"Your work could not be saved to {self.path} ({self._reason(exc)}). It is kept in memory for now, "
            "shown here and included when you export or hand in, and saved as soon as the journal can be "
            "written. Export your record before you close this notebook, or set KIT_HOME to a folder you "
            "can write to."
        )

    def _reason(self, exc: BaseException) -> str:
        if isinstance(exc, OSError):
            return why(exc, self.path)
        reason = str(exc) or type(exc).__name__
        low = reason.lower()
        if any(w in low for w in ("full", "no space", "too large")):
            return "the disk is full"
        if any(w in low for w in ("readonly", "read-only", "permission", "unable to open", "not permitted")):
            return "the folder is read-only or not yours"
        if "disk i/o" in low:
            return "the disk is full or failing"
        return reason

    def _retry(self) -> None:
        """Write held events if the journal can take them now (space came back, a folder moved)."""
        if not self._ready:
            self._open_or_warn()
        if self._ready:
            try:
                self._flush_pending()
            except sqlite3.Error as exc:
                self._fall_back(exc)

    # -- reading and writing ---------------------------------------------------------

    def _committed(self, e: Event) -> bool:
        """True when this process knows a commit of the same point (saved or held)."""
        key = (e.learner, e.pack_id, e.target)
        return any(o.kind == Kind.DECIDE and (o.learner, o.pack_id, o.target) == key
                   for o in [*self._seen.values(), *self._pending])

    def _insert(self, e: Event) -> Event:
        def write() -> int | None:
            con = self._connect()
            try:
                cur = con.execute(
                    "INSERT INTO events (learner, pack_id, kind, target, payload, created_at) VALUES (?,?,?,?,?,?)",
                    (e.learner, e.pack_id, e.kind, e.target, json.dumps(e.payload, ensure_ascii=False), e.created_at),
                )
                return cur.lastrowid
            except sqlite3.IntegrityError as exc:
                raise DuplicateDecision(f"decision point '{e.target}' is already committed.") from exc
            finally:
                con.close()

        row_id = self._retrying(write)
        return Event(e.learner, e.pack_id, e.kind, e.target, e.payload, e.created_at, row_id)

    def _flush_pending(self) -> None:
        while self._pending:
            held = self._pending[0]
            try:
                saved = self._insert(held)
                self._seen[saved.id] = saved
            except DuplicateDecision:  # committed in another notebook meanwhile: that first answer stands
                self.refused.append(held)
            self._pending.pop(0)

    def _read(self, learner: str | None, pack_id: str | None) -> list[Event]:
        """Saved events from the file; if it cannot be read, the ones this process has seen, with a warning."""
        if self._foreign:
            return []
        if in_the_way(self.path):  # the write warning already says what is in the way
            return self._cached(learner, pack_id)
        try:
            rows = self._select(learner, pack_id)
        except (sqlite3.Error, OSError) as exc:
            self._read_warning = (
                f"Your journal at {self.path} could not be read just now ({self._reason(exc)}). What you did "
                "earlier in this notebook still shows and stays locked; work saved from other notebooks may "
                "not show until it can be read."
            )
            return self._cached(learner, pack_id)
        self._read_warning = None
        for e in rows:
            self._seen[e.id] = e
        return rows

    def _cached(self, learner: str | None, pack_id: str | None) -> list[Event]:
        return sorted((e for e in self._seen.values()
                       if (learner is None or e.learner == learner) and (pack_id is None or e.pack_id == pack_id)),
                      key=lambda e: e.id or 0)

    def _select(self, learner: str | None, pack_id: str | None) -> list[Event]:
        """Saved events. The normal connection reads the write-ahead log, which a full disk leaves
        behind; a read-only folder falls back to read-only opening."""
        if not self.path.is_file():
            return []
        sql = "SELECT id, learner, pack_id, kind, target, payload, created_at FROM events WHERE 1=1"
        args: list[str] = []
        if learner is not None:
            sql += " AND learner = ?"
            args.append(learner)
        if pack_id is not None:
            sql += " AND pack_id = ?"
            args.append(pack_id)

        def read(connect: Callable[[], sqlite3.Connection]) -> list[Any]:
            con = connect()
            try:
                return con.execute(sql + " ORDER BY id", args).fetchall()
            finally:
                con.close()

        uri = self.path.resolve().as_uri()
        openers = [self._connect, lambda: sqlite3.connect(f"{uri}?mode=ro", uri=True)]
        wal = Path(str(self.path) + "-wal")
        if not wal.exists() or wal.stat().st_size == 0:  # only then is the main file the whole journal
            openers.append(lambda: sqlite3.connect(f"{uri}?mode=ro&immutable=1", uri=True))
        first: sqlite3.Error | None = None
        for connect in openers:
            try:
                found = self._retrying(partial(read, connect))
                return [Event(r[1], r[2], r[3], r[4], _loads(r[5]), r[6], r[0]) for r in found]
            except sqlite3.Error as exc:
                first = first or exc
        assert first is not None
        raise first

    def _refusal_sentence(self, e: Event) -> str:
        """What became of a held commit the journal could never take, with the learner's own words."""
        label, parts = "one of your decision points", []
        data = payload_of(e)
        pack = self._pack_of(e)
        point = pack.point(e.target) if pack is not None else None
        if pack is not None and point is not None:
            label = pack.point_label(e.target)
            option = point.option(data.option_id) if isinstance(data, Decided) else None
            if option is not None:
                parts.append(f'"{option.text}"')
        if isinstance(data, Decided):
            if data.confidence:
                parts.append(f"confidence {data.confidence} of 5")
            if data.rationale:
                parts.append(f'your reasons: "{data.rationale}"')
        what = f" What you had committed there: {'; '.join(parts)}." if parts else ""
        return (f"Your answer at {label}, made while your work could not be saved, was not saved: that point "
                f"already had a committed answer, saved from another notebook, and that first answer stands."
                f"{what} Copy anything you want to keep from here.")

    def _pack_of(self, e: Event) -> Pack | None:
        """The pack an event belongs to, for naming its point in words (None if it cannot be loaded)."""
        from .packs import load_pack

        paths = [cast(Acknowledged, payload_of(o)).pack_path for o in [*self._seen.values(), *self._pending]  # an acknowledge event reads as Acknowledged
                 if o.kind == Kind.ACKNOWLEDGE and (o.learner, o.pack_id) == (e.learner, e.pack_id)]
        for candidate in [e.pack_id, *filter(None, paths)]:
            try:
                pack = load_pack(candidate)
            except KitError:
                continue
            if pack.id == e.pack_id:
                return pack
        return None

    @staticmethod
    def _retrying(fn: Callable[[], _T], attempts: int = 8) -> _T:
        """Retry briefly on 'database is locked' so the learner never sees it."""
        for i in range(attempts):
            try:
                return fn()
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) and "busy" not in str(exc) or i == attempts - 1:
                    raise
                time.sleep(0.05 * (2 ** i))
        raise AssertionError("unreachable")


class _Corrupt(Exception):
    pass


def _is_corruption(exc: sqlite3.DatabaseError) -> bool:
    """Only a damaged file counts; locks, permissions and full disks never move a journal aside."""
    text = str(exc).lower()
    return "not a database" in text or "malformed" in text or "corrupt" in text


def _loads(text: str) -> dict[str, Any]:
    try:
        value = json.loads(text)
    except ValueError:
        return {"unreadable": text}
    return value if isinstance(value, dict) else {"value": value}
