"""The facilitator dashboard: a cohort's choices, confidence, debate placings, attributions
and shared rationales as charts legible on a projector, each with its words beside it, and
a one-file HTML summary to hand out.

Chart labels are plain text (a "$" is a dollar sign, not maths markup), and a section that
cannot be drawn shows one sentence in its place while the rest of the summary renders. The
summary handed out lists no file names and no learner ids: skipped files are counted by why.
"""

from __future__ import annotations

import html
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, cast

from . import settings
from .charts import chart_html, plain_text, safely, short_title
from .cohort import KINDS, Cohort, collect
from .files import write_atomic
from .html import table_html
from .packs import load_packs
from .vocabulary import RATING_SCALE, load_vocabulary, scale_ends

if TYPE_CHECKING:
    from collections.abc import Iterable

    from matplotlib.container import BarContainer

CATEGORIES = ["What was done", "Consistent with the review's findings as reported", "Something else"]


def _chart(fig, lines: list[str]) -> str:
    """Projector charts keep their words open beneath them."""
    return chart_html(fig, lines, words="In words", opened=True)


def _section(title: str, body: str) -> str:
    return f"<section><h2>{html.escape(title)}</h2>{body}</section>"


def packs_by_id():
    return {p.id: p for p in load_packs(settings.packs_dir())}


def case_name(case: str, packs: dict, *, short: bool = False) -> str:
    """A case as people know it: its title (or, on a chart, its short name), never its id."""
    pack = packs.get(case)
    if not pack:
        return "a case not in this kit"
    return short_title(pack.title) if short else pack.title


def point_name(case: str, point: str, packs: dict) -> str:
    pack = packs.get(case)
    return pack.point_label(point) if pack else "a point not in this kit"


def option_words(case: str, point: str, option: str, packs: dict) -> str:
    pack = packs.get(case)
    for d in pack.decision_points if pack else []:
        if d.id == point:
            for o in d.options:
                if o.id == option:
                    return " ".join(o.text.split())
    return "an option not in this case"


def load_cohort(folder: str | Path = "", *, demo_size: int = 30) -> Cohort:
    """SUBMISSIONS folder, else KIT_EXCHANGE, else a labelled demo cohort in KIT_HOME; checked
    with the workshop key when KIT_WORKSHOP_KEY is set."""
    from .errors import KitError
    from .workshop import WorkshopKey, workshop_key

    def key() -> WorkshopKey | None:  # hand-ins are checked with the workshop's key, never a learner's
        found = workshop_key()
        if found is not None and not isinstance(found, WorkshopKey):
            raise KitError("KIT_WORKSHOP_KEY holds a learner's key; the dashboard checks hand-ins with the "
                           "workshop key file (kit workshop new --key FILE).")
        return found

    if folder:
        return collect(folder, key=key())
    exchange = settings.exchange_dir()
    if exchange and exchange.is_dir():
        return collect(exchange, key=key())
    from .demo import demo_cohort

    demo = settings.kit_home() / "demo-cohort"
    if not demo.is_dir() or not any(demo.glob("*.json")):
        demo_cohort(demo_size, demo)
    return collect(demo)


def report_html(cohort: Cohort, *, handout: bool = False) -> str:
    """Who is in the group and what was not counted. For the facilitator every skipped file is
    listed with its reason; a handout counts them by reason, with no file names or learner ids."""
    packs = packs_by_id()
    done = cohort.cases_done()
    banner = ("<p style='border:3px solid #7a4b00;padding:8px'><strong>DEMO DATA:</strong> this is a synthetic "
              "cohort for rehearsal, not real learners.</p>") if cohort.is_demo else ""
    rows = "".join(f"<tr><td>{html.escape(p.title)}</td><td>{int(done.get(pid, 0))}</td></tr>"
                   for pid, p in packs.items())
    if not cohort.skipped:
        skipped = "<p>No file was skipped.</p>"
    elif handout:
        counts: dict[str, int] = {}
        for s in cohort.skipped:
            counts[s.kind] = counts.get(s.kind, 0) + 1
        skipped = ("<h3>Files not counted</h3><ul>" + "".join(
            f"<li>{n}: {html.escape(KINDS.get(kind, kind))}</li>" for kind, n in counts.items()) + "</ul>")
    else:
        skipped = ("<h3>Skipped files</h3><table><tr><th>File</th><th>Reason</th></tr>"
                   + "".join(f"<tr><td>{html.escape(s.file)}</td><td>{html.escape(s.reason)}</td></tr>"
                             for s in cohort.skipped) + "</table>")
    signed = ""
    if cohort.workshop:
        unsigned = cohort.unsigned
        signed = (f"<p>Checked with the key of workshop {html.escape(cohort.workshop)}: "
                  f"{cohort.size - len(unsigned)} hand-in(s) signed, {len(unsigned)} counted without a signature"
                  + ("" if handout or not unsigned else " (" + ", ".join(html.escape(h.file) for h in unsigned) + ")")
                  + ".</p>")
    return (banner + f"<p><strong>{cohort.size}</strong> learner(s) loaded"
            + ("" if handout else f" from {html.escape(cohort.folder)}")
            + f"; {len(cohort.skipped)} file(s) skipped.</p>{signed}<table><tr><th>Case</th><th>Learners who "
            f"decided at least one point</th></tr>{rows}</table>" + skipped)


def choices_html(cohort: Cohort, case: str, title: str | None = None, pack=None) -> str:
    """Per decision point of one case: the share choosing what was done, a review-supported option, or other."""
    import matplotlib.pyplot as plt
    import seaborn as sns

    if title is None or pack is None:
        pack = pack or packs_by_id().get(case)
        title = title or (pack.title if pack else case)
    ch = cohort.choices()
    ch = ch[ch["case"] == case]
    if ch.empty:
        return _section(title, "<p>Nobody in this group has committed a decision in this case yet.</p>")
    ch = ch.assign(category=[CATEGORIES[0] if d else CATEGORIES[1] if s else CATEGORIES[2]
                             for d, s in zip(ch["was_done"], ch["review_supported"], strict=True)])
    order = list(dict.fromkeys(ch["point"]))
    agg = (ch.groupby(["point", "category"])["learners"].sum().unstack(fill_value=0)
           .reindex(index=order, columns=CATEGORIES, fill_value=0))
    share = agg.div(agg.sum(axis=1), axis=0)
    labels = [pack.point_label(p) if pack else f"{i + 1}. {p}" for i, p in enumerate(order)]
    long = share.set_axis(labels).reset_index(names="point").melt(id_vars="point", var_name="choice",
                                                                   value_name="share")
    with plain_text(), sns.plotting_context("talk", font_scale=0.8):
        fig, ax = plt.subplots(figsize=(12, 1.5 + 0.8 * len(order)), layout="constrained")
        sns.barplot(data=long, y="point", x="share", hue="choice", hue_order=CATEGORIES, palette="colorblind", errorbar=None, ax=ax)
        for container in cast("list[BarContainer]", ax.containers):  # a bar plot's containers are bars
            ax.bar_label(container, labels=[f"{v:.0%}" if v else "" for v in cast("Iterable[float]", container.datavalues)], padding=3)  # Axes.bar sets an array of the values
        ax.set_xlim(0, 1.15)
        ax.set_xlabel("Share of the group")
        ax.set_ylabel("")
        ax.set_title(title, loc="left")
        ax.legend(title="", loc="lower right")
    lines = [f"{lab}: {int(agg.loc[p].sum())} learner(s); " + ", ".join(
        f"{share.loc[p, c]:.0%} {c.lower()}" for c in CATEGORIES) + "." for lab, p in zip(labels, order, strict=True)]
    yes = {True: "yes", False: "no"}
    named = {case: pack} if pack else {}
    table = table_html(["Decision point", "Option", "Learners", "Share", "What was done", "The review supports it"],
                       [[point_name(case, r.point, named), option_words(case, r.point, r.option, named), int(r.learners),
                         f"{r.share:.0%}", yes.get(bool(r.was_done)), yes.get(bool(r.review_supported))]
                        for r in ch.itertuples()])
    return _section(title, _chart(fig, lines)
                    + f"<details><summary>Every option</summary>{table}</details>")


def confidence_html(cohort: Cohort) -> str:
    import matplotlib.pyplot as plt
    import seaborn as sns

    conf = cohort.confidence()
    if conf.empty:
        return _section("Confidence", "<p>No decisions yet.</p>")
    packs = packs_by_id()
    conf = conf.assign(agreement=conf["matched_review"].map({True: "Chose an option consistent with the review's findings as reported",
                                                             False: "Chose another option"}),
                       title=[case_name(c, packs) for c in conf["case"]],
                       name=[case_name(c, packs, short=True) for c in conf["case"]])
    with plain_text(), sns.plotting_context("talk", font_scale=0.8):
        fig, ax = plt.subplots(figsize=(12, 1.5 + 0.9 * conf["case"].nunique()), layout="constrained")
        sns.barplot(data=conf, y="name", x="mean_confidence", hue="agreement", palette="colorblind", errorbar=None, ax=ax)
        for container in cast("list[BarContainer]", ax.containers):  # a bar plot's containers are bars
            ax.bar_label(container, fmt="%.1f", padding=3)
        ax.set_xlim(0, 5.5)
        ax.set_xlabel("Mean confidence (1-5)")
        ax.set_ylabel("")
        ax.legend(title="", loc="lower right")
    lines = [f"{r.title}: {r.agreement.lower()}: mean confidence {r.mean_confidence:.1f} over {r.decisions} decisions."
             for r in conf.itertuples()]
    return _section("Confidence against agreement with the review", _chart(fig, lines))


def stances_html(cohort: Cohort) -> str:
    import matplotlib.pyplot as plt
    import seaborn as sns

    st = cohort.stances()
    if st.empty:
        return _section("Debates", "<p>Nobody has placed a debate comment yet.</p>")
    packs = packs_by_id()
    st = st.assign(label=[f"{case_name(c, packs, short=True)} · {a}" for c, a in zip(st["case"], st["author"], strict=True)])
    scales = {"accountability": "Holds individuals accountable", "context": "Points to context and system"}
    with plain_text(), sns.plotting_context("talk", font_scale=0.7):
        fig, axes = plt.subplots(1, 2, sharey=True, figsize=(12, 1.5 + 0.45 * len(st)), layout="constrained")
        for ax, (scale, title) in zip(axes, scales.items(), strict=True):
            long = st.melt(id_vars=["label"], value_vars=[f"group_{scale}", f"kit_{scale}"], var_name="who",
                           value_name="rating")
            long["who"] = long["who"].map({f"group_{scale}": "Group (mean)", f"kit_{scale}": "Kit's coding"})
            sns.scatterplot(data=long, y="label", x="rating", hue="who", style="who", s=140, palette="colorblind",
                            ax=ax, legend=scale == "context")
            ax.set_xlim(-0.3, 3.3)
            ends = (min(RATING_SCALE), max(RATING_SCALE))
            ax.set_xticks(list(RATING_SCALE), [f"{v}\n{RATING_SCALE[v]}" if v in ends else str(v) for v in RATING_SCALE])
            ax.set_title(title)
            ax.set_ylabel("")
            ax.set_xlabel("")
        axes[1].legend(title="", loc="lower right")
    lines = [f"{r.label}: holds individuals accountable, group {r.group_accountability:.1f} and kit "
             f"{r.kit_accountability}; points to context and system, group {r.group_context:.1f} and kit "
             f"{r.kit_context} ({r.learners} learners)." for r in st.itertuples()]
    return _section("Debate placings on two scales: the group against the kit's coding", _chart(fig, lines))


def attributions_html(cohort: Cohort) -> str:
    import matplotlib.pyplot as plt
    import seaborn as sns

    at = cohort.attributions()
    if at.empty:
        return _section("Where the group places the reasons", "<p>Nobody has rated the levels yet.</p>")
    vocab = load_vocabulary()
    grid = at.pivot(index="case", columns="level", values="mean_rating")
    grid = grid.reindex(columns=vocab.ordered("levels", grid.columns))
    packs = packs_by_id()
    titles = [case_name(c, packs) for c in grid.index]
    grid = grid.set_axis([case_name(c, packs, short=True) for c in grid.index]).set_axis(
        [vocab.label("levels", lv) for lv in grid.columns], axis=1)
    with plain_text(), sns.plotting_context("talk", font_scale=0.8):
        fig, ax = plt.subplots(figsize=(12, 1.8 + 0.8 * len(grid)), layout="constrained")
        sns.heatmap(grid, annot=True, fmt=".1f", vmin=0, vmax=3, cmap="Blues", cbar_kws={"label": scale_ends(RATING_SCALE)},
                    linewidths=1, ax=ax)
        ax.set_xlabel("")
        ax.set_ylabel("")
    lines = [f"{title}: " + ", ".join(f"{lv} {v:.1f}" for lv, v in row.dropna().items()) + "."
             for title, (_, row) in zip(titles, grid.iterrows(), strict=True)]
    return _section(f"Where the group places the reasons (mean rating, {scale_ends(RATING_SCALE)})", _chart(fig, lines))


def rationales_html(cohort: Cohort, case: str | None = None) -> str:
    ra = cohort.rationales()
    if case:
        ra = ra[ra["case"] == case]
    if ra.empty:
        return _section("Shared rationales", "<p>No learner has chosen to share written reasons here.</p>")
    parts = []
    packs = packs_by_id()
    for (c, point), grp in ra.groupby(["case", "point"], sort=False):
        parts.append(f"<h3>{html.escape(case_name(c, packs))}: {html.escape(point_name(c, point, packs))}</h3>")
        for option, g in grp.groupby("option"):
            parts.append(f"<h4>Chose “{html.escape(option_words(c, point, option, packs))}” ({len(g)})</h4><ul>"
                         + "".join(f"<li>{html.escape(t)}</li>" for t in g["rationale"]) + "</ul>")
    return _section("Rationales learners chose to share, by option", "".join(parts))


def summary_html(cohort: Cohort) -> str:
    """The whole workshop summary as one self-contained HTML page."""
    from jinja2 import Environment, select_autoescape

    parts = [("The group", lambda: _section("The group", report_html(cohort, handout=True)))]
    parts += [(p.title, partial(choices_html, cohort, p.id, p.title, p)) for p in packs_by_id().values()]
    parts += [("Confidence", lambda: confidence_html(cohort)), ("Debate placings", lambda: stances_html(cohort)),
              ("Where the group places the reasons", lambda: attributions_html(cohort)),
              ("Shared rationales", lambda: rationales_html(cohort))]
    body = [safely(draw, f"The part '{title}'") for title, draw in parts]
    page = Environment(autoescape=select_autoescape(default=True)).from_string(
        "<!DOCTYPE html><html lang='en-GB'><head><meta charset='utf-8'><title>{{ title }}</title><style>"
        "body{font-family:Arial,sans-serif;max-width:1100px;margin:auto;padding:1em}img{max-width:100%}"
        "table{border-collapse:collapse}td,th{border:1px solid #999;padding:3px 6px;text-align:left}"
        "@page{size:A4 landscape;margin:12mm}section{break-inside:avoid-page}</style></head><body>"
        "<h1>{{ title }}</h1>{{ body|safe }}</body></html>")
    return page.render(title="Workshop summary", body="".join(body))


def write_summary(cohort: Cohort, path: str | Path) -> Path:
    return write_atomic(path, summary_html(cohort))
