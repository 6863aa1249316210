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


def comparison_summary(df: pd.DataFrame) -> str:
    """A few plain sentences about the committed points (no marks, no judgement)."""
    done = df[df["committed"]]
    n = len(done)
    total = len(df)
    if n == 0:
        return "You have not committed a decision yet, so there is nothing to compare."
    lines = [f"You have committed decisions at {n} of {total} points."]
    same = done[done["matched_actual"].astype(bool)]
    lines.append(_at(len(same), n, "you chose what was actually done", "choose what was actually done"))
    if len(same):
        not_supported = same[~same["actual_was_supported"].astype(bool)]
        if len(not_supported) == len(same):
            which = {1: "At that point", 2: "At both of those"}.get(len(same), f"At all {len(same)} of those")
            lines.append(f"{which}, the review found that more was needed.")
        elif len(not_supported):
            lines.append(f"At {len(not_supported)} of those {len(same)}, the review found that more was needed.")
    review = done[done["matched_review"].astype(bool)]
    lines.append(_at(len(review), n, f"your choice was {COMPARED}", f"choose an option {COMPARED}"))
    conf = _confidence_pattern(done)
    if conf:
        lines.append(conf)
    lines.append("This is a comparison, not a mark: the review had hindsight that you did not.")
    return " ".join(lines)


def _at(k: int, n: int, did: str, did_not: str) -> str:
    """'At 3 of 6 points you ...', or 'You did not ... at any of the 6 points.'"""
    if k == 0:
        return f"You did not {did_not} at {'that point' if n == 1 else f'any of the {n} points'}."
    if n == 1:
        return f"At that point {did}."
    return f"At {'all ' + str(n) if k == n else f'{k} of {n}'} points {did}."


def _confidence_pattern(done: pd.DataFrame) -> str:
    rated = done[done["confidence"].notna()]
    if rated.empty:
        return ""
    agree = rated[rated["matched_review"].astype(bool)]["confidence"].astype(float)
    differ = rated[~rated["matched_review"].astype(bool)]["confidence"].astype(float)
    if agree.empty or differ.empty:
        return f"Your average confidence was {rated['confidence'].astype(float).mean():.1f} out of 5."
    a, d = agree.mean(), differ.mean()
    if abs(a - d) < 0.5:
        return (f"Your confidence was about the same where your choice was {COMPARED} ({a:.1f}) "
                f"and where it was not ({d:.1f}).")
    where = "was not" if d > a else "was"
    return (f"Your confidence was highest where your choice {where} {COMPARED} "
            f"({max(a, d):.1f} against {min(a, d):.1f} out of 5).")


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
