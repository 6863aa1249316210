"""The packs' data as pandas tables, for exercises and for the accountability notebook.

`points_table` shows situations only; `outcomes_table` and `factors_table` hold what was
done and what the reviews found, so views show them only after the learner's own answer.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

import pandas as pd

from . import settings
from .packs import load_pack, load_packs
from .vocabulary import load_vocabulary

if TYPE_CHECKING:
    from .models import Pack


def _packs(pack_ids: str | Iterable[str] | None = None) -> list[Pack]:
    if pack_ids is None:
        return load_packs(settings.packs_dir())
    if isinstance(pack_ids, str):
        pack_ids = [pack_ids]
    return [load_pack(p) for p in pack_ids]


def points_table(pack_ids: str | Iterable[str] | None = None) -> pd.DataFrame:
    """One row per decision point: case, when, agency, the situation as it looked then, the question.

    Nothing here reveals an outcome: no actual option, no finding.
    """
    rows = []
    for p in _packs(pack_ids):
        for i, d in enumerate(p.decision_points, 1):
            rows.append({"case": p.id, "n": i, "point": d.id, "when": d.when, "agency": d.agency or "",
                         "situation": " ".join(d.situation.split()), "known": [k.text for k in d.known_at_the_time],
                         "question": d.question, "themes": list(d.themes)})
    return pd.DataFrame(rows)


def outcomes_table(pack_ids: str | Iterable[str] | None = None) -> pd.DataFrame:
    """One row per decision point with what was done and what the review found (for after a task)."""
    rows = []
    for p in _packs(pack_ids):
        for i, d in enumerate(p.decision_points, 1):
            rows.append({"case": p.id, "n": i, "point": d.id, "when": d.when,
                         "what_was_done": d.actual_option.text,
                         "review_supports": [o.text for o in d.supported_options],
                         "what_happened": d.what_happened, "review_finding": d.review_finding})
    return pd.DataFrame(rows)


def factors_table(pack_ids: str | Iterable[str] | None = None) -> pd.DataFrame:
    """Every contributing factor, one row each, with its case, point and level."""
    rows = []
    for p in _packs(pack_ids):
        for d in p.decision_points:
            for f in d.contributing_factors:
                rows.append({"case": p.id, "point": d.id, "when": d.when, "level": f.level,
                             "factor": f.factor, "polarity": f.polarity or "", "known_then": f.known_then})
    return pd.DataFrame(rows)


def factors_by_level(factors: pd.DataFrame) -> pd.DataFrame:
    """Counts of contributing factors per case and level, levels in the vocabulary's order."""
    levels = load_vocabulary().ordered("levels", factors["level"])
    table = factors.groupby(["case", "level"]).size().unstack(fill_value=0)
    return table.reindex(columns=levels, fill_value=0)


# What each column is called for learners: a table shown to them never has an id or a slug in it.
HEADINGS = {
    "case": "Case", "n": "Point", "point": "Decision point", "when": "When", "agency": "Agency",
    "situation": "The situation", "known": "What was known", "question": "The question", "themes": "Themes",
    "what_was_done": "What was done",
    "review_supports": "Options consistent with the review's findings as reported",
    "what_happened": "What happened", "review_finding": "What the review found", "level": "Level",
    "factor": "Contributing factor", "polarity": "Kind of factor", "known_then": "Known at the time?",
}


def case_titles() -> dict[str, str]:
    """Each pack's id and the title learners know it by."""
    return {p.id: p.title for p in load_packs(settings.packs_dir())}


def readable(df: pd.DataFrame, columns: list[str] | None = None) -> pd.DataFrame:
    """The table as learners read it: cases by their titles, points by their labels, levels and
    themes in the vocabulary's words, yes or no for true or false, and headings in words."""
    vocab = load_vocabulary()
    out = df[columns or list(df.columns)].copy()
    titles = case_titles() if "case" in df else {}

    def point_name(row: pd.Series) -> str:
        ids = [row["case"]] if "case" in row and row["case"] in titles else list(titles or case_titles())
        for pid in ids:
            pack = load_pack(pid)
            if any(p.id == row["point"] for p in pack.decision_points):
                return pack.point_label(row["point"])
        return "a point no longer in the case"

    if "point" in out:
        out["point"] = [point_name(r) for _, r in df.iterrows()]
    if "case" in out:
        out["case"] = [titles.get(c, c) for c in out["case"]]
    if "level" in out:
        out["level"] = [vocab.label("levels", lv) for lv in out["level"]]
    if "themes" in out:
        out["themes"] = [[vocab.label("themes", t) for t in ts] for ts in out["themes"]]
    if "known_then" in out:
        out["known_then"] = [{True: "yes", False: "no"}.get(v, "not stated") for v in out["known_then"]]
    for col in ("what_was_done", "situation", "what_happened", "review_finding"):
        if col in out:
            out[col] = [" ".join(str(v).split()) if isinstance(v, str) else v for v in out[col]]
    return out.rename(columns={c: HEADINGS.get(c, str(c).replace("_", " ").capitalize()) for c in out.columns})
