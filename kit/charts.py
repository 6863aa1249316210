"""Seaborn charts with a text alternative beside each; matplotlib is imported only here.

Every chart says in words what it shows, and never relies on colour alone: bars carry
their category as a text label too.
"""

from __future__ import annotations

import base64
import html
import io

import pandas as pd

CATEGORY_ORDER = ["Same as done, and review supports it", "Review supports it", "Same as what was done",
                  "Neither"]


def _category(row) -> str:
    if row["matched_actual"] and row["matched_review"]:
        return CATEGORY_ORDER[0]
    if row["matched_review"]:
        return CATEGORY_ORDER[1]
    if row["matched_actual"]:
        return CATEGORY_ORDER[2]
    return CATEGORY_ORDER[3]


def comparison_frame(df: pd.DataFrame) -> pd.DataFrame:
    done = df[df["committed"]].copy()
    done["category"] = [_category(r) for _, r in done.iterrows()]
    done["label"] = [f"{i + 1}. {w}" for i, w in enumerate(done["when"])]
    done["confidence"] = done["confidence"].astype(float)
    return done


def comparison_chart(df: pd.DataFrame):
    """A horizontal bar per committed point: your confidence, labelled with how your choice compared."""
    import matplotlib.pyplot as plt
    import seaborn as sns

    done = comparison_frame(df)
    height = 1.2 + 0.55 * max(len(done), 1)
    fig, ax = plt.subplots(figsize=(9, height), layout="constrained")
    if done.empty:
        ax.text(0.5, 0.5, "No decisions committed yet", ha="center", va="center", fontsize=14)
        ax.set_axis_off()
        return fig
    palette = dict(zip(CATEGORY_ORDER, sns.color_palette("colorblind", 4), strict=True))
    sns.barplot(data=done, y="label", x="confidence", hue="category", hue_order=CATEGORY_ORDER,
                palette=palette, dodge=False, ax=ax, legend=False)
    for i, (_, row) in enumerate(done.iterrows()):
        ax.text(row["confidence"] + 0.05, i, row["category"], va="center", fontsize=10)
    ax.set_xlim(0, 8.5)
    ax.set_xticks(range(0, 6))
    ax.set_xlabel("Your confidence (1 = not at all, 5 = very)")
    ax.set_ylabel("")
    ax.set_title("Your decisions compared with what was done and with the review")
    sns.despine(ax=ax)
    return fig


def comparison_text(df: pd.DataFrame) -> str:
    """The chart in words, one line per committed point."""
    done = comparison_frame(df)
    if done.empty:
        return "No decisions committed yet."
    lines = [f"Point {r['label']}: confidence {int(r['confidence'])} of 5; {r['category'].lower()}."
             for _, r in done.iterrows()]
    return "\n".join(lines)


def figure_png(fig) -> bytes:
    import matplotlib.pyplot as plt

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110)
    plt.close(fig)
    return buf.getvalue()


def img_html(png: bytes, alt: str) -> str:
    """An <img> with the text alternative as alt text, for HTML widgets and exports."""
    data = base64.b64encode(png).decode("ascii")
    return (f'<img src="data:image/png;base64,{data}" alt="{html.escape(alt, quote=True)}" '
            'style="max-width:100%;height:auto">')
