"""Accountability against context across all cases: where the reviews place the reasons
(contributing factors by level) and where the learner places them (their ratings and
their coding of the debates). Tables are pandas; charts come with their words.
"""

from __future__ import annotations

import pandas as pd

from .debate import placing
from .events import replay_learner
from .journal import Journal
from .packs import find_pack
from .tables import factors_by_level, factors_table
from .vocabulary import load_vocabulary


def levels_share(factors: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per case, the share of contributing factors at each level (rows sum to 1)."""
    counts = factors_by_level(factors if factors is not None else factors_table())
    return counts.div(counts.sum(axis=1), axis=0).round(3)


def system_vs_individual(factors: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per case: how many factors the review places in each group of levels (the vocabulary's
    level_groups: the individual, the system, the family; a level with no group is its own), by
    group slug, then the total. Every factor counts in exactly one group."""
    counts = factors_by_level(factors if factors is not None else factors_table())
    groups = load_vocabulary().level_groups()
    known = {lv for g in groups for lv in g.levels}
    out = pd.DataFrame({g.slug: counts[[lv for lv in g.levels if lv in counts]].sum(axis=1) for g in groups},
                       index=counts.index)
    for level in (c for c in counts.columns if c not in known):  # a level the vocabulary does not list
        out[level] = counts[level]
    out["total"] = out.sum(axis=1)
    return out


def learner_attributions(learner: str, journal: Journal | None = None) -> pd.DataFrame:
    """The learner's latest rating (0-3) of each level for each case they rated, beside the reviews' share."""
    state = replay_learner((journal or Journal()).events(learner))
    shares = levels_share()
    levels = load_vocabulary().levels
    rows = []
    for case, cs in state.cases.items():
        if cs.attribution is None:
            continue
        total = sum(cs.attribution.values()) or 1
        for level in levels:
            rating = cs.attribution.get(level, 0)
            rows.append({"case": case, "level": level, "your_rating": rating, "your_share": round(rating / total, 3),
                         "review_share": float(shares.loc[case, level]) if case in shares.index and level in shares
                         else 0.0})
    return pd.DataFrame(rows, columns=["case", "level", "your_rating", "your_share", "review_share"])


def learner_stances(learner: str, journal: Journal | None = None) -> pd.DataFrame:
    """Per debate: the learner's average placing of the comments they placed, on each of the two
    scales (0-3), against the kit's coding of the same comments (packs kept outside the packs
    folder are found as the record finds them). Unplaced comments are not counted."""
    state = replay_learner((journal or Journal()).events(learner))
    rows = []
    for case, cs in state.cases.items():
        if not cs.debate_codes:
            continue
        pack = find_pack(cs.pack_id, cs.pack_path)
        if pack is None:  # a pack that no longer loads: nothing to compare
            continue
        for (debate_id, comment_id), saved in cs.debate_codes.items():
            debate = pack.debate(debate_id)
            comment = debate.comment(comment_id) if debate else None
            code = placing(saved)
            if debate is not None and comment is not None and code is not None:
                kit_a, kit_c = comment.scales
                rows.append({"case": case, "case_title": pack.title, "debate": debate_id, "debate_title": debate.title,
                             "your_accountability": code.accountability, "kit_accountability": kit_a,
                             "your_context": code.context, "kit_context": kit_c,
                             "one_scale": code.one_scale is not None, "kit_one_scale": comment.scales_derived})
    columns = ["case", "case_title", "debate", "debate_title", "your_accountability", "kit_accountability",
               "your_context", "kit_context", "comments", "one_scale", "kit_one_scale"]
    df = pd.DataFrame(rows, columns=[c for c in columns if c != "comments"])
    if df.empty:
        return pd.DataFrame(columns=columns)
    out = (df.groupby(["case", "case_title", "debate", "debate_title"], as_index=False, sort=False)
           .agg(your_accountability=("your_accountability", "mean"), kit_accountability=("kit_accountability", "mean"),
                your_context=("your_context", "mean"), kit_context=("kit_context", "mean"),
                comments=("your_context", "size"), one_scale=("one_scale", "any"), kit_one_scale=("kit_one_scale", "any")))
    return out.round(2)[columns]
