"""The learner's journal: an append-only SQLite event log under KIT_HOME.

Every acknowledge, commit, reveal, second thought, debate answer and reflection is one
row, written in its own transaction the moment it happens, so a crash loses nothing
already committed. State is rebuilt by replaying events, so two kernels writing to one
journal never overwrite each other; a unique index lets only the first commit of a
decision win. If the journal cannot be written (read-only or full disk, a journal from
a newer kit) the session carries on in memory with a warning, and retries on each write.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from .errors import JournalError
from .settings import kit_home  # noqa: F401 (kept importable from here)

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
        "CREATE UNIQUE INDEX one_decision ON events (learner, pack_id, target) WHERE kind = 'decide'",
    ],
]


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds")


@dataclass(frozen=True)
class Event:
    learner: str
    pack_id: str
    kind: str
    target: str = ""
    payload: dict = field(default_factory=dict)
    created_at: str = ""
    id: int | None = None


class DuplicateDecision(JournalError):
    """Another session already committed this decision point."""


class Journal:
    """One journal file, opened per operation so many processes can share it."""

    def __init__(self, path: str | Path | None = None):
        self.path = Path(path) if path else kit_home() / FILE_NAME
        self.warning: str | None = None
        self._pending: list[Event] = []  # events kept in memory while the file cannot be written
        self._ready = False
        self._open_or_warn()

    # -- public API -----------------------------------------------------------------

    @property
    def in_memory(self) -> bool:
        return bool(self._pending) or not self._ready

    def append(self, event: Event) -> Event:
        """Save one event now; on failure keep it in memory and set .warning."""
        event = Event(event.learner, event.pack_id, event.kind, event.target, dict(event.payload),
                      event.created_at or now())
        if not self._ready:
            self._open_or_warn()
        if self._ready:
            try:
                self._flush_pending()
                return self._insert(event)
            except DuplicateDecision:
                raise
            except sqlite3.Error as exc:
                self._fall_back(exc)
        if event.kind == "decide" and any(
            e.kind == "decide" and (e.learner, e.pack_id, e.target) == (event.learner, event.pack_id, event.target)
            for e in self._pending
        ):
            raise DuplicateDecision(f"decision point '{event.target}' is already committed.")
        self._pending.append(event)
        return event

    def events(self, learner: str | None = None, pack_id: str | None = None,
               kinds: Iterable[str] | None = None) -> list[Event]:
        """Saved and pending events, oldest first, optionally filtered."""
        rows: list[Event] = []
        try:
            rows = self._select(learner, pack_id, read_only=not self._ready)
        except sqlite3.Error as exc:
            if self._ready:
                self._fall_back(exc)
        rows += [e for e in self._pending
                 if (learner is None or e.learner == learner) and (pack_id is None or e.pack_id == pack_id)]
        if kinds is not None:
            wanted = set(kinds)
            rows = [e for e in rows if e.kind in wanted]
        return rows

    def learners(self) -> list[str]:
        return sorted({e.learner for e in self.events()})

    # -- opening, migrating, recovering ------------------------------------------------

    def _connect(self) -> sqlite3.Connection:
        con = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
        con.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        return con

    def _open_or_warn(self, *, may_move_aside: bool = True) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._open()
            self._ready = True
            self.warning = None
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
                self._migrate(con, version)
        finally:
            con.close()

    def _migrate(self, con: sqlite3.Connection, version: int) -> None:
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
        self._open_or_warn(may_move_aside=False)
        if not self._ready:
            return
        self.warning = (
            f"Your journal at {self.path} could not be read ({exc}). It was moved aside to {aside} "
            "(nothing was deleted) and a fresh journal started. Ask your tutor if you need what was in it."
        )

    def _fall_back(self, exc: BaseException) -> None:
        self._ready = False
        reason = str(exc) or type(exc).__name__
        low = reason.lower()
        if any(w in low for w in ("readonly", "read-only", "permission", "unable to open", "not permitted")):
            reason = "the folder is read-only or not yours"
        elif any(w in low for w in ("full", "no space", "too large", "disk i/o")):
            reason = "the disk is full or failing"
        self.warning = (
            f"Your work could not be saved to {self.path} ({reason}). It is kept in memory for now and "
            "saved as soon as the journal can be written. Export your record before you close this "
            "notebook, or set KIT_HOME to a folder you can write to."
        )

    # -- reading and writing ---------------------------------------------------------

    def _insert(self, e: Event) -> Event:
        def write():
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
            with contextlib.suppress(DuplicateDecision):  # another kernel committed it first; that stands
                self._insert(self._pending[0])
            self._pending.pop(0)

    def _select(self, learner: str | None, pack_id: str | None, read_only: bool = False) -> list[Event]:
        """Saved events; read_only opens the file without locks or writes (when it cannot be written)."""
        if read_only and not self.path.is_file():
            return []
        sql = "SELECT id, learner, pack_id, kind, target, payload, created_at FROM events WHERE 1=1"
        args: list[str] = []
        if learner is not None:
            sql += " AND learner = ?"
            args.append(learner)
        if pack_id is not None:
            sql += " AND pack_id = ?"
            args.append(pack_id)

        def read():
            con = (sqlite3.connect(f"{self.path.resolve().as_uri()}?mode=ro&immutable=1", uri=True)
                   if read_only else self._connect())
            try:
                return con.execute(sql + " ORDER BY id", args).fetchall()
            finally:
                con.close()

        return [Event(r[1], r[2], r[3], r[4], _loads(r[5]), r[6], r[0]) for r in self._retrying(read)]

    @staticmethod
    def _retrying(fn, attempts: int = 8):
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


def _loads(text: str) -> dict:
    try:
        value = json.loads(text)
    except ValueError:
        return {"unreadable": text}
    return value if isinstance(value, dict) else {"value": value}
