"""Compare a learner's choices with what was done and what the review supports.

The kit compares; it does not grade. The summary states patterns in plain language,
computed from the table, and never scores the learner. The kit reads reports of reviews, so a
choice is called "consistent with the review's findings as reported", never "what the review
supports" as if the kit had read the review itself.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from .models import Pack

COMPARED = "consistent with the review's findings as reported"


def compare_table(pack: Pack, decisions: Mapping[str, Any]) -> pd.DataFrame:
    """One row per decision point, in case order; uncommitted points have empty choices.

    `decisions` maps point id to anything with .option_id and .confidence (a Decision).
    """
    rows = []
    for i, p in enumerate(pack.decision_points):
        d = decisions.get(p.id)
        chosen = p.option(d.option_id) if d else None
        rows.append({
            "point": p.id,
            "label": p.label(i),
            "titled": p.title is not None,
            "when": p.when,
            "your_choice": " ".join(chosen.text.split()) if chosen else None,
            "your_option": chosen.id if chosen else None,
            "what_was_done": " ".join(p.actual_option.text.split()),
            "actual_option": p.actual_option.id,
            "review_supports": [" ".join(o.text.split()) for o in p.supported_options],
            "supported_options": [o.id for o in p.supported_options],
            "matched_actual": bool(chosen and chosen.actual) if d else None,
            "matched_review": bool(chosen and chosen.review_supported) if d else None,
            "actual_was_supported": p.actual_option.review_supported,
            "confidence": d.confidence if d else None,
            "committed": d is not None,
        })
    df = pd.DataFrame(rows)
    df["confidence"] = df["confidence"].astype("Int64")
    return df


def _named(rows: pd.DataFrame) -> list[str]:
    return [f"\u201c{r.label}\u201d" if r.titled else r.label for r in rows.itertuples()]


def _and(items: list[str]) -> str:
    return "".join(items) if len(items) < 2 else ", ".join(items[:-1]) + " and " + items[-1]


def comparison_summary(df: pd.DataFrame, themes: list[str] | None = None) -> str:
    """A few plain sentences on what the learner might take from the case: where to look again, where
    they were surest, and the case's themes. No counts, no marks, and never a verdict that more (or
    less) was needed: the review had hindsight the people deciding did not. `themes` are the case's
    themes in words."""
    done = df[df["committed"]]
    if done.empty:
        return "You have not committed a decision yet, so there is nothing to compare."
    lines = ["You have decided every point in this case." if len(done) == len(df) else
             "You have decided some of the points so far; the comparison below covers those."]
    apart = done[~done["matched_actual"].astype(bool) & ~done["matched_review"].astype(bool)]
    if len(apart):
        lines.append(f"Worth a second look: {_and(_named(apart))}, where your choice stood apart from both "
                     f"what was done and the options {COMPARED}. What were you weighing that the others were not?")
    same = done[done["matched_actual"].astype(bool) & ~done["actual_was_supported"].astype(bool)]
    if len(same):
        lines.append(f"At {_and(_named(same))} you chose what was done, and the review saw it differently "
                     "afterwards: what made that step seem sound at the time, to you and to them?")
    rated = done[done["confidence"].notna()]
    if len(rated):
        top = rated[rated["confidence"] == rated["confidence"].max()]
        lines.append(f"You were surest at {_and(_named(top))}: a good place to ask what would have changed "
                     "your mind.")
    if themes:
        lines.append(f"What you might take from this case: how {_and([t[:1].lower() + t[1:] for t in themes])} "
                     "shaped the decisions, and what you would want to know, and from whom, before a decision "
                     "like these in your own practice.")
    lines.append("This is a comparison, not a mark: the review had hindsight that you did not.")
    return " ".join(lines)


def display_table(df: pd.DataFrame) -> pd.DataFrame:
    """The table learners see: a row per point named by its label (never its id), every column
    in words, the options consistent with the review as a list."""
    rows = [{
        "Decision point": r.label,
        "When": r.when,
        "Your choice": r.your_choice if r.committed else "not decided yet",
        "What was done": r.what_was_done,
        f"Options {COMPARED}": list(r.review_supports),
        "How your choice compares": how_it_compares(r.matched_actual, r.matched_review) if r.committed else "-",
        "Your confidence (1-5)": "-" if pd.isna(r.confidence) else int(r.confidence),
    } for r in df.itertuples()]
    columns = ["Decision point", "When", "Your choice", "What was done", f"Options {COMPARED}",
               "How your choice compares", "Your confidence (1-5)"]
    return pd.DataFrame(rows, columns=columns).set_index("Decision point")


def how_it_compares(matched_actual: bool, matched_review: bool) -> str:
    """One sentence: was the choice what was done, and is it consistent with the review as reported."""
    done = "The same as what was done" if matched_actual else "Different from what was done"
    review = f"{COMPARED}" if matched_review else f"not among the options {COMPARED}"
    return f"{done}; {review}."
