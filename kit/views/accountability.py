"""Accountability against context across the cases: the reviews' factors by level, and the
learner's own attributions and debate placings beside them."""

from __future__ import annotations

import html as _html

from ..accountability import learner_attributions, learner_stances, system_vs_individual
from ..charts import chart_html, factors_chart, factors_text, short_title
from ..html import table_html
from ..tables import case_titles, factors_table
from ..vocabulary import load_vocabulary
from .base import View, box, html
from .page import for_learner


class ChartView(View):
    """A chart with its words beside it, and anything after (a table)."""

    def __init__(self, chart: str, after: str = ""):
        self.chart = html(chart)
        self.after = html(after)
        self.widget = box(self.chart, self.after)


def factors_view(pack_ids=None) -> ChartView:
    """Contributing factors by level for some or all cases: the chart and its words."""
    df = factors_table(pack_ids)
    return ChartView(chart_html(factors_chart(df), factors_text(df).splitlines()))


def accountability_overview() -> ChartView:
    """The reviews' contributing factors by level, as a chart, in words, and as a table."""
    df = factors_table()
    split = system_vs_individual(df)
    titles = case_titles()
    groups = {g.slug: g for g in load_vocabulary().level_groups()}
    heads = [groups[c].label if c in groups else load_vocabulary().label("levels", c) for c in split.columns[:-1]]
    rows = [[titles.get(case, case), *(int(v) for v in r)] for case, r in split.iterrows()]
    within = "; ".join(f"{g.label}: {', '.join(load_vocabulary().label('levels', lv) for lv in g.levels)}"
                       for g in groups.values() if len(g.levels) > 1)
    return ChartView(chart_html(factors_chart(df), factors_text(df).splitlines()),
                     table_html(["Case", *heads, "Total"], rows,
                                caption=f"{', '.join(heads)}: the reviews' factors per case"
                                + (f" ({within})" if within else "")))


def _attributions_chart(att) -> str:
    import matplotlib.pyplot as plt
    import seaborn as sns
    from matplotlib.patches import Patch

    vocab = load_vocabulary()
    titles = case_titles()
    att = att.assign(title=[titles.get(c, c) for c in att["case"]],
                     level_words=[vocab.label("levels", lv) for lv in att["level"]])
    long = att.assign(case_name=[short_title(t) for t in att["title"]]).melt(
        id_vars=["case_name", "level_words"], value_vars=["your_share", "review_share"], var_name="who",
        value_name="share")
    long["who"] = long["who"].map({"your_share": "You", "review_share": "The review"})
    cases = long["case_name"].nunique()
    who = ["You", "The review"]
    colours = dict(zip(who, sns.color_palette("colorblind", 2), strict=True))
    g = sns.catplot(data=long, kind="bar", x="share", y="level_words", hue="who", hue_order=who, col="case_name",
                    col_wrap=min(cases, 2), palette=colours, height=3.4, aspect=1.2,
                    order=[vocab.label("levels", lv) for lv in vocab.levels], legend=False)
    g.set_axis_labels("Share of the reasons", "")
    g.set_titles("{col_name}")
    g.figure.legend(handles=[Patch(color=colours[w], label=w) for w in who], loc="lower center", ncol=2,
                    frameon=False, bbox_to_anchor=(0.5, 0))
    g.figure.suptitle("Where you place the reasons,\nand where the review does", x=0.02, ha="left")
    g.figure.tight_layout(rect=(0, 0.05, 1, 0.95))
    lines = [f"{r.title}, {r.level_words}: you {r.your_share:.0%}, the review {r.review_share:.0%}."
             for r in att.itertuples() if r.your_share or r.review_share]
    out = chart_html(g.figure, lines)
    plt.close("all")
    return out


def _mine(learner: str) -> View:
    att = learner_attributions(learner)
    stances = learner_stances(learner)
    if att.empty:
        chart = ("<p>You have not yet said where you place the reasons in any case. Do that at the end of "
                 "a case (<em>Where do you place the reasons?</em>), then run this cell again.</p>")
    else:
        chart = _attributions_chart(att)
    if stances.empty:
        after = "<p>You have not coded a debate yet.</p>"
    else:
        rows = "".join(
            f"<li>{_html.escape(r.case_title)}, <em>{_html.escape(r.debate_title)}</em> ({r.comments} comments "
            f"placed): how far they hold individuals accountable, you {r.your_accountability:.1f} and the kit's "
            f"coding {r.kit_accountability:.1f}; how far they point to context and system, you {r.your_context:.1f} "
            f"and the kit's coding {r.kit_context:.1f}."
            + (" Some of your placings were made on the earlier single scale." if r.one_scale else "")
            + (" The kit's coding here was made on one scale and read on the two." if r.kit_one_scale else "")
            + "</li>" for r in stances.itertuples())
        after = (f"<h4>Your placing of the debates</h4><p>Averages on two scales, from 0 (not at all) to 3 (a great "
                 f"deal), over the comments you placed.</p><ul>{rows}</ul>")
    return ChartView(chart, after)


def my_attributions(learner: str | None = None) -> View:
    """The learner's own attributions and debate placings beside the reviews' and the kit's."""
    return for_learner(_mine, learner)
