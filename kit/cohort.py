"""Collect a workshop's submissions and turn them into tables (no widgets here).

`collect` reads a folder of submitted records: each bad file (malformed, truncated,
tampered, from a newer kit, over the size cap, a duplicate) is listed with its reason
and skipped; nothing a learner sent is changed. A learner who handed in twice counts
once, with their newest record.
"""

from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from multiprocessing import get_all_start_methods, get_context
from pathlib import Path

import pandas as pd

from .errors import KitError, SubmissionError
from .record import MAX_BYTES, Record, read_record

DEMO_PREFIX = "demo-"
PARALLEL_FROM = 400  # files; below this, starting worker processes costs more than it saves


@dataclass
class Skipped:
    file: str
    reason: str


@dataclass(frozen=True)
class Handin:
    """What the dashboard needs from one submission: small enough to hold thousands."""

    file: str
    learner_id: str
    exported_at: str
    checksum: str
    decisions: tuple  # (case, order, point, when, option, actual_option, matched_actual, matched_review, confidence, rationale)
    codes: tuple  # (case, debate, comment, author, accountability, context, kit_accountability, kit_context)
    attributions: tuple  # (case, level, rating)

    @classmethod
    def from_record(cls, rec: Record, file: str) -> Handin:
        """The parts of a record the dashboard uses (free text only if the learner shared it)."""
        text = rec.includes_text
        return cls(
            file, rec.learner_id, rec.exported_at, rec.checksum,
            tuple((c.pack_id, i, d.point_id, d.when, d.option_id, d.actual_option_id, d.matched_actual,
                   d.matched_review, d.confidence, d.rationale if text else None)
                  for c in rec.cases for i, d in enumerate(c.decisions)),
            tuple((c.pack_id, db.debate_id, k.comment_id, k.author, k.accountability, k.context,
                   k.kit_accountability, k.kit_context)
                  for c in rec.cases for db in c.debates for k in db.codes),
            tuple((c.pack_id, level, w) for c in rec.cases if c.attribution for level, w in c.attribution.items()))


@dataclass
class Cohort:
    folder: str
    records: list[Handin] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    _decisions: pd.DataFrame | None = field(default=None, repr=False)

    @property
    def size(self) -> int:
        return len(self.records)

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


def _read(path: str, max_bytes: int) -> Handin | str:
    """One file: its Handin, or the reason it is skipped (runs in worker processes)."""
    try:
        return Handin.from_record(read_record(path, max_bytes), Path(path).name)
    except SubmissionError as exc:
        return exc.reason


def _read_all(paths: list[str], max_bytes: int) -> list[Handin | str]:
    if len(paths) < PARALLEL_FROM or (os.cpu_count() or 1) < 2 or "fork" not in get_all_start_methods():
        return [_read(p, max_bytes) for p in paths]
    workers = min(os.cpu_count() or 2, 8)
    with ProcessPoolExecutor(workers, mp_context=get_context("fork")) as pool:
        return list(pool.map(_read, paths, [max_bytes] * len(paths), chunksize=max(50, len(paths) // (workers * 4))))


def collect(folder: str | Path, *, max_bytes: int = MAX_BYTES) -> Cohort:
    """Read every *.json submission in a folder (not recursive); bad ones are listed and skipped.

    Large folders are read by one worker process per core; files are only read, never changed.
    """
    base = Path(folder)
    if not base.is_dir():
        raise KitError(f"{base} is not a folder of submissions. Check the path, or set KIT_EXCHANGE.")
    cohort = Cohort(str(base))
    names = sorted(e.name for e in os.scandir(base) if e.name.endswith(".json") and not e.name.startswith("."))
    seen_checksums: dict[str, str] = {}
    newest: dict[str, Handin] = {}
    for name, got in zip(names, _read_all([str(base / n) for n in names], max_bytes), strict=True):
        if isinstance(got, str):
            cohort.skipped.append(Skipped(name, got))
            continue
        if got.checksum in seen_checksums:
            cohort.skipped.append(Skipped(name, f"duplicate of {seen_checksums[got.checksum]}"))
            continue
        seen_checksums[got.checksum] = name
        prev = newest.get(got.learner_id)
        if prev and prev.exported_at > got.exported_at:
            cohort.skipped.append(Skipped(name, f"older hand-in from the same learner than {prev.file}"))
            continue
        if prev:
            cohort.skipped.append(Skipped(prev.file, f"older hand-in from the same learner than {name}"))
        newest[got.learner_id] = got
    cohort.records = list(newest.values())
    return cohort
