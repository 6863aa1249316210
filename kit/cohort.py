"""Collect a workshop's submissions and turn them into tables (no widgets here).

`collect` reads a folder of submitted records: each bad file (malformed, truncated,
tampered, from a newer kit, over the size cap, a duplicate, naming a case, point, option
or comment the facilitator's packs do not have) is listed with its reason and skipped;
nothing a learner sent is changed. A learner who handed in twice counts once, with their
newest record.

What a hand-in may contribute is bounded by the facilitator's packs: at most one answer per
point of each case, one placing per debate comment, one rating per level; the words the
dashboard shows beside a choice (the point, the comment's author, what was done, what the
review supports) come from those packs, never from the file.

With a workshop key (`workshop.py`), each hand-in is marked signed, unsigned or wrongly
signed. Wrongly signed files are never counted; an unsigned file never replaces a signed one;
a learner id belongs to the learner key that first signed for it, and a learner key to the first
learner id it signed for (so a learner who re-signs a classmate's hand-in is listed, not
counted); and where hand-ins under one learner id come from different computer accounts (a
JupyterHub with one account per learner), the account that handed in first keeps the id.

A hand-in's `exported_at` must be a time with its zone, not before the kit existed and not after
the file arrived (beyond a few minutes' clock skew). Which of a learner's hand-ins is newest is
decided by the record's counter first (it only grows with the learner's work), then that time.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import partial
from multiprocessing import get_all_start_methods, get_context
from pathlib import Path
from typing import Any

import pandas as pd

from .errors import KitError, SubmissionError
from .models import Pack
from .record import (
    MAX_BYTES,
    SIGNED,
    UNSIGNED,
    WRONGLY_SIGNED,
    Record,
    parse_record,
    read_bytes,
    signature_status,
)
from .workshop import WorkshopKey

DEMO_PREFIX = "demo-"
PARALLEL_FROM = 400  # files; below this, starting worker processes costs more than it saves
MAX_SCALE = 3  # attribution ratings are 0-3
KIT_EPOCH = datetime(2025, 1, 1, tzinfo=timezone.utc)  # no hand-in was made before the kit existed
CLOCK_SKEW_SECONDS = 10 * 60  # how far a learner's clock may run ahead of the exchange's

# Why a file was not counted, in words a handout may show (no file names, no learner ids).
KINDS = {
    "unreadable": "damaged, changed after export, or not a hand-in",
    "unknown": "named a case, point or comment the facilitator's packs do not have",
    "duplicate": "an exact copy of another hand-in",
    "older": "an older hand-in from a learner who handed in again",
    "unsigned": "not signed with this workshop's key",
    "wrongly signed": "signed with another key, or changed after signing",
    "other account": "handed in from another computer account under a learner's id",
    "other key": "signed with another learner's key",
    "bad time": "its export time is not a time, or not a sensible one",
}


@dataclass
class Skipped:
    file: str
    reason: str
    kind: str = "unreadable"


def named(value: object, width: int = 40) -> str:
    """A value from a hand-in, quoted for a message: shortened, with anything invisible written out."""
    text = str(value)
    text = text if len(text) <= width else text[: width - 1] + "…"
    return "'" + "".join(c if c.isprintable() else f"\\u{ord(c):04x}" for c in text) + "'"


@dataclass(frozen=True)
class PackIndex:
    """What collect checks hand-ins against: the facilitator's packs, small enough to send to workers."""

    points: dict[str, dict[str, tuple[Any, ...]]]  # pack id -> point id -> (order, when, actual option id, supported option ids, option ids)
    comments: dict[str, dict[tuple[str, str], tuple[Any, ...]]]  # pack id -> (debate id, comment id) -> (author, the kit's stance)
    levels: frozenset[str]

    @classmethod
    def of(cls, packs: list[Pack]) -> PackIndex:
        from .vocabulary import load_vocabulary

        points = {p.id: {dp.id: (i, dp.when, dp.actual_option.id, frozenset(o.id for o in dp.supported_options),
                                 frozenset(o.id for o in dp.options))
                         for i, dp in enumerate(p.decision_points)} for p in packs}
        comments = {p.id: {(d.id, c.id): (c.author, c.scales) for d in p.debates for c in d.comments}
                    for p in packs}
        return cls(points, comments, frozenset(load_vocabulary().levels))


@dataclass(frozen=True)
class Handin:
    """What the dashboard needs from one submission: small enough to hold thousands."""

    file: str
    learner_id: str
    exported_at: str
    checksum: str
    decisions: tuple[tuple[Any, ...], ...]  # (case, order, point, when, option, actual_option, matched_actual, matched_review, confidence, rationale)
    codes: tuple[tuple[Any, ...], ...]  # (case, debate, comment, author, accountability, context, kit_accountability, kit_context)
    attributions: tuple[tuple[Any, ...], ...]  # (case, level, rating)
    signature: str | None = None  # SIGNED, UNSIGNED or WRONGLY_SIGNED when collected with a key
    owner: int = -1  # the computer account that owns the file
    arrived: int = 0  # the file's status-change time (ns): a later edit cannot move it earlier
    counter: int = -1  # the learner's saved actions when it was made (-1: a version-2 hand-in has none)
    signer: str | None = None  # the learner key that signed it (with a workshop key only)
    exported: float = 0.0  # exported_at as a POSIX time, checked for sense

    @classmethod
    def from_record(cls, rec: Record, file: str, index: PackIndex, **extra: Any) -> Handin:
        """The parts of a record the dashboard uses, checked against the facilitator's packs (free
        text only if the learner shared it); SubmissionError names the first part they lack."""
        def unknown(what: str) -> SubmissionError:
            return SubmissionError(f"{file}: {what}.", reason=f"{what}; the facilitator's packs do not have it")

        text = rec.includes_text
        decisions, codes, attributions = [], [], []
        cases: set[str] = set()
        for c in rec.cases:
            points = index.points.get(c.pack_id)
            if points is None:
                raise unknown(f"names the case {named(c.pack_id)}")
            if c.pack_id in cases:
                raise SubmissionError(f"{file}: the case {named(c.pack_id)} appears twice.",
                                      reason=f"the case {named(c.pack_id)} appears twice")
            cases.add(c.pack_id)
            seen: set[str] = set()
            for d in c.decisions:
                point = points.get(d.point_id)
                if d.gone and (point is None or d.option_id not in point[4]):
                    continue  # answered before the learner's pack was edited: in their record, not counted here
                if point is None:
                    raise unknown(f"names the point {named(d.point_id)} in {named(c.pack_id)}")
                order, when, actual, supported, options = point
                if d.option_id not in options:
                    raise unknown(f"names the option {named(d.option_id)} at {named(d.point_id)}")
                if d.point_id in seen:
                    raise SubmissionError(f"{file}: two answers at one point.",
                                          reason=f"two answers at the point {named(d.point_id)}")
                seen.add(d.point_id)
                decisions.append((c.pack_id, order, d.point_id, when, d.option_id, actual, d.option_id == actual,
                                  d.option_id in supported, d.confidence, d.rationale if text else None))
            comments = index.comments.get(c.pack_id, {})
            placed: set[tuple[str, str]] = set()
            for db in c.debates:
                for k in db.codes:
                    known = comments.get((db.debate_id, k.comment_id))
                    if known is None:
                        raise unknown(f"names the comment {named(k.comment_id)} in the debate {named(db.debate_id)}")
                    if (db.debate_id, k.comment_id) in placed:
                        raise SubmissionError(f"{file}: one comment placed twice.",
                                              reason=f"the comment {named(k.comment_id)} is placed twice")
                    placed.add((db.debate_id, k.comment_id))
                    codes.append((c.pack_id, db.debate_id, k.comment_id, known[0], k.accountability, k.context, *known[1]))
            for level, rating in (c.attribution or {}).items():
                if level not in index.levels:
                    raise unknown(f"names the level {named(level)}")
                if not 0 <= rating <= MAX_SCALE:
                    raise SubmissionError(f"{file}: a rating outside 0-3.", reason=f"a rating of {rating} (0-3 only)")
                attributions.append((c.pack_id, level, rating))
        decisions.sort(key=lambda d: (d[0], d[1]))
        return cls(file, rec.learner_id, rec.exported_at, rec.checksum, tuple(decisions), tuple(codes),
                   tuple(attributions), counter=-1 if rec.counter is None else rec.counter, **extra)


@dataclass
class Cohort:
    folder: str
    records: list[Handin] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    workshop: str | None = None  # the workshop code, when collected with a key
    _decisions: pd.DataFrame | None = field(default=None, repr=False)

    @property
    def size(self) -> int:
        return len(self.records)

    @property
    def unsigned(self) -> list[Handin]:
        """Counted hand-ins that carry no signature (only when collected with a workshop key)."""
        return [r for r in self.records if r.signature == UNSIGNED]

    @property
    def is_demo(self) -> bool:
        return bool(self.records) and all(r.learner_id.startswith(DEMO_PREFIX) for r in self.records)

    # -- tables -------------------------------------------------------------------

    def decisions(self) -> pd.DataFrame:
        """One row per learner per committed decision (built once, then reused)."""
        if self._decisions is not None:
            return self._decisions
        rows = [(r.learner_id, *d) for r in self.records for d in r.decisions]
        self._decisions = pd.DataFrame(rows, columns=[
            "learner_id", "case", "order", "point", "when", "option", "actual_option", "matched_actual",
            "matched_review", "confidence", "rationale"])
        return self._decisions

    def choices(self) -> pd.DataFrame:
        """Per case, point and option: how many chose it, and whether it was done / review-supported."""
        d = self.decisions()
        if d.empty:
            return pd.DataFrame(columns=["case", "point", "when", "option", "learners", "share",
                                         "was_done", "review_supported"])
        keys = ["case", "order", "point", "when", "option"]
        g = d.groupby(keys, sort=True).agg(learners=("learner_id", "size"), actual_option=("actual_option", "first"),
                                            review_supported=("matched_review", "first")).reset_index()
        g["share"] = (g["learners"] / g.groupby(["case", "point"])["learners"].transform("sum")).round(3)
        g["was_done"] = g["option"] == g["actual_option"]
        g = g[["case", "order", "point", "when", "option", "learners", "share", "was_done", "review_supported"]]
        return g.drop(columns="order")

    def confidence(self) -> pd.DataFrame:
        """Mean confidence by whether the choice matched the review, per case."""
        d = self.decisions()
        if d.empty:
            return pd.DataFrame(columns=["case", "matched_review", "mean_confidence", "decisions"])
        return (d.groupby(["case", "matched_review"]).agg(mean_confidence=("confidence", "mean"),
                                                          decisions=("confidence", "size"))
                .round(2).reset_index())

    def stances(self) -> pd.DataFrame:
        """Per debate comment: the group's mean placing on each of the two scales (0-3) beside the
        kit's coding; only learners who placed the comment count."""
        rows = [k for r in self.records for k in r.codes]
        keys = ["case", "debate", "comment", "author", "kit_accountability", "kit_context"]
        df = pd.DataFrame(rows, columns=["case", "debate", "comment", "author", "accountability", "context",
                                         "kit_accountability", "kit_context"])
        if df.empty:
            return pd.DataFrame(columns=[*keys, "group_accountability", "group_context", "learners"])
        return (df.groupby(keys, sort=False)
                .agg(group_accountability=("accountability", "mean"), group_context=("context", "mean"),
                     learners=("context", "size")).round(2).reset_index())

    def attributions(self) -> pd.DataFrame:
        """Per case and level: the group's mean rating (0-3) of how much that level contributed."""
        rows = [a for r in self.records for a in r.attributions]
        df = pd.DataFrame(rows, columns=["case", "level", "rating"])
        if df.empty:
            return pd.DataFrame(columns=["case", "level", "mean_rating", "learners"])
        return df.groupby(["case", "level"]).agg(mean_rating=("rating", "mean"),
                                                 learners=("rating", "size")).round(2).reset_index()

    def rationales(self) -> pd.DataFrame:
        """Rationales learners chose to share, by case, point and option."""
        d = self.decisions()
        d = d[d["rationale"].notna() & (d["rationale"].fillna("").str.strip() != "")]
        return d[["case", "point", "option", "rationale"]].reset_index(drop=True)

    def cases_done(self) -> pd.Series:
        """How many learners committed at least one decision in each case."""
        d = self.decisions()
        return d.groupby("case")["learner_id"].nunique() if not d.empty else pd.Series(dtype=int)


def exported_time(stamp: str, arrived: float) -> float | str:
    """A hand-in's export time as a POSIX time, or why it is not a sensible one: not a time with
    its zone, before the kit existed, or after the file arrived (beyond CLOCK_SKEW_SECONDS)."""
    try:
        when = datetime.fromisoformat(stamp)
    except (TypeError, ValueError):
        return f"its export time {named(stamp)} is not a time"
    if when.tzinfo is None:
        return f"its export time {named(stamp)} has no time zone"
    latest = min(arrived, time.time()) + CLOCK_SKEW_SECONDS
    if when.timestamp() > latest:
        return f"its export time {named(stamp)} is after the file arrived (a clock set ahead, or an edited file)"
    if when < KIT_EPOCH:
        return f"its export time {named(stamp)} is before this kit existed"
    return when.timestamp()


def _read(path: str, max_bytes: int, index: PackIndex, key: WorkshopKey | None) -> Handin | Skipped:
    """One file: its Handin, or why it is skipped (runs in worker processes)."""
    name = Path(path).name
    try:
        st = os.lstat(path)
        raw = read_bytes(path, max_bytes)
        rec = parse_record(raw, name)
        status = signature_status(raw, rec, key) if key else None
        exported = exported_time(rec.exported_at, st.st_ctime)
        if isinstance(exported, str):
            return Skipped(name, exported, "bad time")
        return Handin.from_record(rec, name, index, signature=status, owner=st.st_uid, arrived=st.st_ctime_ns,
                                  signer=rec.signer if status == SIGNED else None, exported=exported)
    except SubmissionError as exc:
        kind = "unknown" if "packs do not have" in exc.reason else "unreadable"
        return Skipped(name, exc.reason, kind)
    except OSError:
        return Skipped(name, "cannot be read")
    except (ValueError, RecursionError, MemoryError):  # a file no check above foresaw never stops a collect
        return Skipped(name, "not a hand-in this kit can read")


def _read_all(paths: list[str], read: Callable[[str], Handin | Skipped]) -> list[Handin | Skipped]:
    if len(paths) < PARALLEL_FROM or (os.cpu_count() or 1) < 2 or "fork" not in get_all_start_methods():
        return [read(p) for p in paths]
    workers = min(os.cpu_count() or 2, 8)
    with ProcessPoolExecutor(workers, mp_context=get_context("fork")) as pool:
        return list(pool.map(read, paths, chunksize=max(50, len(paths) // (workers * 4))))


def collect(folder: str | Path, *, max_bytes: int = MAX_BYTES, packs: list[Pack] | None = None,
            key: WorkshopKey | None = None, signed_only: bool = False) -> Cohort:
    """Read every *.json submission in a folder (not recursive); bad ones are listed and skipped.

    packs are the facilitator's (default: KIT_PACKS or the kit's own); a hand-in naming anything
    they lack is skipped. With a key, wrongly signed hand-ins are skipped, unsigned ones count but
    are marked (skipped too with signed_only) and never replace a signed one. Large folders are read
    by one worker process per core; files are only read, never changed.
    """
    base = Path(folder)
    if not base.is_dir():
        raise KitError(f"{base} is not a folder of submissions. Check the path, or set KIT_EXCHANGE.")
    if packs is None:
        from .packs import load_packs

        packs = load_packs()
    cohort = Cohort(str(base), workshop=key.code if key else None)
    names = sorted(e.name for e in os.scandir(base) if e.name.endswith(".json") and not e.name.startswith("."))
    read = partial(_read, max_bytes=max_bytes, index=PackIndex.of(packs), key=key)
    seen_checksums: dict[str, str] = {}
    by_learner: dict[str, list[Handin]] = {}
    for got in _read_all([str(base / n) for n in names], read):
        if isinstance(got, Skipped):
            cohort.skipped.append(got)
        elif got.signature == WRONGLY_SIGNED:
            cohort.skipped.append(Skipped(got.file, "wrongly signed: made with another workshop's key, or changed "
                                          "after it was signed; not counted", "wrongly signed"))
        elif signed_only and got.signature == UNSIGNED:
            cohort.skipped.append(Skipped(got.file, "not signed with this workshop's key; not counted", "unsigned"))
        elif got.checksum in seen_checksums:
            cohort.skipped.append(Skipped(got.file, f"duplicate of {seen_checksums[got.checksum]}", "duplicate"))
        else:
            seen_checksums[got.checksum] = got.file
            by_learner.setdefault(got.learner_id, []).append(got)
    by_learner = _one_key_per_learner(by_learner, cohort.skipped)
    for handins in by_learner.values():
        kept, dropped = _one_per_learner(handins)
        cohort.records.append(kept)
        cohort.skipped += dropped
    return cohort


def _one_per_learner(handins: list[Handin]) -> tuple[Handin, list[Skipped]]:
    """The hand-in that counts for one learner id, and why each other one does not.

    Signed beats unsigned; then the account that handed in first keeps the id; then the newest
    hand-in from that account counts (the largest counter, then the latest export time). The order of
    the files never changes the answer."""
    if len(handins) == 1:
        return handins[0], []
    dropped: list[Skipped] = []
    best = SIGNED if any(h.signature == SIGNED for h in handins) else None
    if best:
        signed = [h for h in handins if h.signature == SIGNED]
        dropped += [Skipped(h.file, f"unsigned, and {signed[0].file} under the same learner id is signed; not "
                            "counted", "unsigned") for h in handins if h.signature != SIGNED]
        handins = signed
    first = min(handins, key=lambda h: (h.arrived, h.file))
    others = [h for h in handins if h.owner != first.owner]
    dropped += [Skipped(h.file, f"handed in from another computer account than {first.file} under the same "
                        "learner id; not counted (check with the learners)", "other account") for h in others]
    mine = sorted((h for h in handins if h.owner == first.owner), key=lambda h: (h.counter, h.exported, h.file))
    kept = mine[-1]
    dropped += [Skipped(h.file, f"older hand-in from the same learner than {kept.file}", "older") for h in mine[:-1]]
    return kept, dropped


def _one_key_per_learner(by_learner: dict[str, list[Handin]], skipped: list[Skipped]) -> dict[str, list[Handin]]:
    """Hand-ins signed with learner keys, each learner id kept for the key that first signed for it
    and each key for the first learner id it signed for (by arrival: a learner cannot move a file's
    arrival earlier); any other is listed and not counted."""
    keyed = sorted((h for hs in by_learner.values() for h in hs if h.signer), key=lambda h: (h.arrived, h.file))
    key_of: dict[str, str] = {}
    id_of: dict[str, str] = {}
    first: dict[str, Handin] = {}
    for h in keyed:
        if not h.signer:  # keyed holds signed hand-ins only
            continue
        key_of.setdefault(h.learner_id, h.signer)
        id_of.setdefault(h.signer, h.learner_id)
        first.setdefault(h.signer, h)
    out: dict[str, list[Handin]] = {}
    for learner, handins in by_learner.items():
        for h in handins:
            if h.signer and key_of[learner] != h.signer:
                skipped.append(Skipped(h.file, f"signed with another learner's key ({named(h.signer)}) than the one "
                                       "that first signed for this learner id; not counted (check with the "
                                       "learners)", "other key"))
            elif h.signer and id_of[h.signer] != learner:
                skipped.append(Skipped(h.file, f"its learner key ({named(h.signer)}) first signed "
                                       f"{first[h.signer].file} under another learner id; not counted (check "
                                       "with the learners)", "other key"))
            else:
                out.setdefault(learner, []).append(h)
    return out
