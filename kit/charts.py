"""Seaborn charts with a text alternative beside each; matplotlib is imported only here.

Every chart says in words what it shows, and never relies on colour alone: bars carry
their category as a text label too. Every label is plain text: a "$" in a pack or a
hand-in is drawn as a dollar sign, never read as matplotlib's maths markup. A chart that
cannot be drawn all the same gives one sentence in its place, and its words still show.
"""

from __future__ import annotations

import contextlib
import html as _html
import io
import textwrap
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, cast

import pandas as pd

from .html import figure_html, img_html, words_html
from .tables import case_titles, factors_by_level
from .vocabulary import CONFIDENCE_SCALE, load_vocabulary, scale_ends

if TYPE_CHECKING:
    from matplotlib.container import BarContainer

# How a choice compares: the kit reads reports of reviews, so "as reported" stays in the words.
CATEGORY_ORDER = ["Same as what was done, and consistent with the review's findings as reported",
                  "Consistent with the review's findings as reported", "Same as what was done",
                  "Neither what was done nor consistent with the review's findings as reported"]


@contextlib.contextmanager
def plain_text() -> Iterator[None]:
    """Draw every label as written: no "$...$" maths markup (labels hold pack and learner text)."""
    import matplotlib

    with matplotlib.rc_context({"text.parse_math": False}):
        yield


def _category(row) -> str:
    if row["matched_actual"] and row["matched_review"]:
        return CATEGORY_ORDER[0]
    if row["matched_review"]:
        return CATEGORY_ORDER[1]
    if row["matched_actual"]:
        return CATEGORY_ORDER[2]
    return CATEGORY_ORDER[3]


def _short(label: str, width: int = 40) -> str:
    """Axis labels stay short so the bars keep their room (the words beside the chart are full)."""
    return label if len(label) <= width else label[: width - 1].rstrip() + "…"


def axis_label(label: str, width: int = 34) -> str:
    """A point's whole label, wrapped to lines that fit beside the bars (never cut short)."""
    return textwrap.fill(" ".join(label.split()), width, break_on_hyphens=False)


def short_title(title: str) -> str:
    """A case's short name for a chart label: its title up to the colon ('Baby C'), else shortened."""
    head = title.split(":", 1)[0].strip()
    return _short(head if head and head != title else title, 28)


def named_by_level(factors: pd.DataFrame) -> pd.DataFrame:
    """Counts of factors per case and level, cases by their titles and levels in words (never ids)."""
    vocab = load_vocabulary()
    titles = case_titles()
    table = factors_by_level(factors)
    table.index = [titles.get(c, c) for c in table.index]
    table.columns = [vocab.label("levels", lv) for lv in table.columns]
    return table


def comparison_frame(df: pd.DataFrame) -> pd.DataFrame:
    done = df[df["committed"]].copy()
    done["category"] = [_category(r) for _, r in done.iterrows()]
    if "label" not in done:  # a table from before points had labels
        done["label"] = [f"Point {i + 1}" for i in range(len(done))]
    done["confidence"] = done["confidence"].astype(float)
    return done


def comparison_chart(df: pd.DataFrame):
    """A horizontal bar per committed point: your confidence, labelled with how your choice compared."""
    with plain_text():
        return _comparison_chart(df)


def _comparison_chart(df: pd.DataFrame):
    import matplotlib.pyplot as plt
    import seaborn as sns

    done = comparison_frame(df)
    labels = [axis_label(r["label"] if r.get("titled") else f"{r['label']} ({r['when']})") for _, r in done.iterrows()]
    rows = max([label.count("\n") + 1 for label in labels] + [2])  # a row holds its label's lines
    height = 1.2 + (0.2 + 0.2 * rows) * max(len(done), 1)
    fig, ax = plt.subplots(figsize=(9, height))
    fig.subplots_adjust(left=0.36, right=0.98, top=1 - 0.5 / height, bottom=0.7 / height)  # fixed: faster than constrained
    if done.empty:
        ax.text(0.5, 0.5, "No decisions committed yet", ha="center", va="center", fontsize=14)
        ax.set_axis_off()
        return fig
    palette = dict(zip(CATEGORY_ORDER, sns.color_palette("colorblind", 4), strict=True))
    y = list(range(len(done)))  # plain barh with seaborn's palette: a fifth of the time of sns.barplot
    ax.barh(y, done["confidence"].fillna(0), color=[palette[c] for c in done["category"]], height=0.7)
    ax.set_yticks(y, labels, fontsize=9, linespacing=1.1)
    ax.invert_yaxis()
    for i, (_, row) in enumerate(done.iterrows()):
        ax.text((0 if pd.isna(row["confidence"]) else row["confidence"]) + 0.08, i,
                textwrap.fill(row["category"], 34), va="center", fontsize=9, linespacing=1.1)
    ax.set_xlim(0, 8.5)
    ax.set_xticks(range(0, 6))
    ax.set_xlabel(f"Your confidence ({scale_ends(CONFIDENCE_SCALE)})")
    ax.set_ylabel("")
    ax.set_title("Your decisions, what was done, and the review's findings as reported", loc="left")
    sns.despine(ax=ax)
    return fig


def comparison_text(df: pd.DataFrame) -> str:
    """The chart in words, one line per committed point."""
    done = comparison_frame(df)
    if done.empty:
        return "No decisions committed yet."
    lines = [f"{r['label']} ({r['when']}): "
             + ("confidence not given" if pd.isna(r["confidence"]) else f"confidence {int(r['confidence'])} of 5")
             + f"; {r['category'][0].lower()}{r['category'][1:]}." for _, r in done.iterrows()]
    return "\n".join(lines)


def figure_image(fig) -> bytes:
    """The figure as SVG: crisp when printed on A4 and quicker to write than a PNG."""
    import matplotlib.pyplot as plt

    buf = io.BytesIO()
    try:
        with plain_text():  # tick labels are made while saving
            fig.savefig(buf, format="svg", metadata={"Date": None}, bbox_inches="tight")  # nothing clipped
    finally:
        plt.close(fig)
    return buf.getvalue()


def factors_chart(factors: pd.DataFrame):
    """Grouped bars: how many contributing factors each case's review points to, by level."""
    with plain_text():
        return _factors_chart(factors)


def _factors_chart(factors: pd.DataFrame):
    import matplotlib.pyplot as plt
    import seaborn as sns

    table = named_by_level(factors)
    table.index = [short_title(t) for t in table.index]
    counts = table.rename_axis("case").reset_index().melt(id_vars="case", var_name="level", value_name="factors")
    cases = counts["case"].nunique()
    fig, ax = plt.subplots(figsize=(8, 2.2 + 1.0 * cases), layout="constrained")
    sns.barplot(data=counts, y="case", x="factors", hue="level", palette="colorblind", errorbar=None, ax=ax)
    for container in cast("list[BarContainer]", ax.containers):  # a bar plot's containers are bars
        ax.bar_label(container, fontsize=8, padding=2)
    ax.set_xlabel("Number of contributing factors")
    ax.set_ylabel("")
    ax.set_title("Where the reviews locate the reasons:\ncontributing factors by level", loc="left")
    ax.legend(title="Level", loc="upper center", bbox_to_anchor=(0.5, -0.12 * 4 / (2 + cases)), ncol=3,
              frameon=False)
    sns.despine(ax=ax)
    return fig


def factors_text(factors: pd.DataFrame) -> str:
    """The factors chart in words: per case, the count at each level, largest first."""
    table = named_by_level(factors)
    lines = []
    for case, row in table.iterrows():
        parts = [f"{level} {int(n)}" for level, n in row.sort_values(ascending=False).items() if n]
        lines.append(f"{case}: {', '.join(parts)} (total {int(row.sum())}).")
    return "\n".join(lines)


def chart_html(fig, lines: list[str], *, words: str = "The chart in words", opened: bool = False) -> str:
    """The chart as an image whose alt text is its words, with the words beside it.

    fig is a figure, or a function that draws one; if drawing fails, a sentence stands in for
    the image and the words still show (they say everything the chart does)."""
    return figure_html(image_html(fig, " ".join(lines)), words_html(lines, words, opened=opened))


def image_html(fig: object, alt: str) -> str:
    """The figure (or a function drawing it) as an embedded image; one sentence if it cannot be drawn."""
    try:
        return img_html(figure_image(fig() if callable(fig) else fig), alt)
    except Exception as exc:  # a chart must never stop a page, an export or a summary
        return cannot_draw(exc)


def cannot_draw(exc: BaseException, what: str = "This chart") -> str:
    """The sentence shown where a chart or a section could not be drawn."""
    return (f'<p class="kit-cannot-draw" role="note">{_html.escape(what)} could not be drawn '
            f"({_html.escape(type(exc).__name__)}); everything else on this page is complete.</p>")


def safely(draw: Callable[[], str], what: str) -> str:
    """A section's HTML, or one sentence in its place if drawing it fails."""
    try:
        return draw()
    except Exception as exc:  # one section must never stop the rest of a page
        return cannot_draw(exc, what)


def room_chart(labels: list[str], counts: list[int], marks: list[str] | None = None):
    """A projector chart of how a room chose at one point: a bar per option, large and labelled with
    its count and share (and, after the release, what was done and what the review supports)."""
    import matplotlib.pyplot as plt
    import seaborn as sns

    total = sum(counts) or 1
    height = 1.0 + 0.9 * max(len(labels), 1)
    with sns.plotting_context("talk"):
        fig, ax = plt.subplots(figsize=(11, height))
        fig.subplots_adjust(left=0.08, right=0.97, top=1 - 0.3 / height, bottom=0.8 / height)
        y = list(range(len(labels)))
        ax.barh(y, counts, color=sns.color_palette("colorblind", 1)[0], height=0.6)
        ax.set_yticks(y, labels)
        ax.invert_yaxis()
        for i, n in enumerate(counts):
            note = f"  {n} ({n / total:.0%})" + (f"  {marks[i]}" if marks and marks[i] else "")
            ax.text(n, i, note, va="center", fontsize=16)
        ax.set_xlim(0, max(max(counts, default=0), 1) * 1.8)
        ax.set_xlabel("Learners")
        sns.despine(ax=ax)
    return fig
