"""Accountability against context across all cases: where the reviews place the reasons
(contributing factors by level) and where the learner places them (their ratings and
their coding of the debates). Tables are pandas; charts come with their words.
"""

from __future__ import annotations

import html

import pandas as pd

from .charts import (
    LEVEL_ORDER,
    chart_html,
    factors_by_level,
    factors_chart,
    factors_text,
)
from .errors import KitError
from .exercises import factors_table
from .journal import Journal

SYSTEM_LEVELS = ["supervision", "organisation", "policy", "multi-agency", "tools"]


def levels_share(factors: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per case, the share of contributing factors at each level (rows sum to 1)."""
    counts = factors_by_level(factors if factors is not None else factors_table())
    return counts.div(counts.sum(axis=1), axis=0).round(3)


def system_vs_individual(factors: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per case: how many factors the review places in the system, in the individual, in the family."""
    counts = factors_by_level(factors if factors is not None else factors_table())
    out = pd.DataFrame({
        "individual": counts.get("individual", 0),
        "system (team, organisation, agencies, policy, tools)": counts[[c for c in SYSTEM_LEVELS if c in counts]].sum(axis=1),
        "family": counts.get("family", 0),
    })
    out["total"] = out.sum(axis=1)
    return out


def learner_attributions(learner: str, journal: Journal | None = None) -> pd.DataFrame:
    """The learner's latest rating (0-3) of each level for each case they rated, beside the reviews' share."""
    events = (journal or Journal()).events(learner, kinds=["attribution"])
    latest = {e.pack_id: e.payload for e in events}
    shares = levels_share()
    rows = []
    for case, ratings in latest.items():
        total = sum(int(v) for v in ratings.values()) or 1
        for level in LEVEL_ORDER:
            rows.append({"case": case, "level": level, "your_rating": int(ratings.get(level, 0)),
                         "your_share": round(int(ratings.get(level, 0)) / total, 3),
                         "review_share": float(shares.loc[case, level]) if case in shares.index and level in shares
                         else 0.0})
    return pd.DataFrame(rows, columns=["case", "level", "your_rating", "your_share", "review_share"])


def learner_stances(learner: str, journal: Journal | None = None) -> pd.DataFrame:
    """Per debate: the learner's average placing of the comments against the kit's coding of the same comments."""
    from .packs import load_pack

    events = (journal or Journal()).events(learner, kinds=["debate_code"])
    latest = {(e.pack_id, e.target): e.payload for e in events}
    rows = []
    packs: dict = {}  # each pack parsed once, however many comments were coded
    for (pack_id, target), code in latest.items():
        debate_id, comment_id = target.split("/", 1)
        try:
            if pack_id not in packs:
                packs[pack_id] = load_pack(pack_id)
            comment = packs[pack_id].debate(debate_id).comment(comment_id)
        except (KitError, AttributeError):  # a pack or debate that no longer loads: nothing to compare
            continue
        if comment is not None:
            rows.append({"case": pack_id, "debate": debate_id, "yours": int(code["stance"]), "kit": comment.legacy_stance})
    df = pd.DataFrame(rows, columns=["case", "debate", "yours", "kit"])
    if df.empty:
        return df
    return df.groupby(["case", "debate"], as_index=False)[["yours", "kit"]].mean().round(2)


def accountability_overview():
    """Widget: the reviews' contributing factors by level, as a chart, in words, and as a table."""
    import ipywidgets as W

    df = factors_table()
    table = system_vs_individual(df).to_html(escape=True, border=0)
    text = factors_text(df)
    return W.HTML(chart_html(factors_chart(df), text.splitlines())
                  + "<h4>Individual, system and family, per case</h4>" + table)


def my_attributions(learner: str | None = None):
    """Widget: the learner's own attributions and debate placings beside the reviews' and the kit's."""
    import ipywidgets as W
    import matplotlib.pyplot as plt
    import seaborn as sns

    from .learner import current_learner

    who = learner or current_learner() or "anonymous"
    att = learner_attributions(who)
    stances = learner_stances(who)
    parts = []
    if att.empty:
        parts.append("<p>You have not yet said where you place the reasons in any case. Do that at the end of "
                     "a case (<em>Where do you place the reasons?</em>), then run this cell again.</p>")
    else:
        long = att.melt(id_vars=["case", "level"], value_vars=["your_share", "review_share"],
                        var_name="who", value_name="share")
        long["who"] = long["who"].map({"your_share": "You", "review_share": "The review"})
        g = sns.catplot(data=long, kind="bar", x="share", y="level", hue="who", col="case", col_wrap=2,
                        palette="colorblind", height=3.2, aspect=1.3, order=LEVEL_ORDER)
        g.set_axis_labels("Share of the reasons", "")
        g.figure.suptitle("Where you place the reasons, and where the review does", y=1.02)
        lines = [f"{r.case}, {r.level}: you {r.your_share:.0%}, the review {r.review_share:.0%}."
                 for r in att.itertuples() if r.your_share or r.review_share]
        parts.append(chart_html(g.figure, lines))
        plt.close("all")
    if stances.empty:
        parts.append("<p>You have not coded a debate yet.</p>")
    else:
        rows = "".join(f"<li>{html.escape(r.case)} ({html.escape(r.debate)}): your average placing {r.yours:+.2f}, "
                       f"the kit's {r.kit:+.2f} (-2 individuals ... +2 context).</li>" for r in stances.itertuples())
        parts.append(f"<h4>Your placing of the debates</h4><ul>{rows}</ul>")
    return W.HTML("".join(parts))
