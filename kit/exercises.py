"""Building blocks for the standalone exercises: the packs' data as tables, answer boxes
that save to the journal, and model answers kept out of the learner's first view.

Model answers live in exercises/solutions/<exercise>.md and are only read when the
learner asks for them.
"""

from __future__ import annotations

import html

import pandas as pd

from .journal import Event, Journal
from .packs import load_pack, load_packs
from .settings import facilitator_dir
from .settings import packs_dir as default_packs_dir

SOLUTIONS = facilitator_dir() / "exercises"
EXERCISE_PACK = "exercises"  # the journal's pack_id for exercise answers


def _packs(pack_ids=None):
    if pack_ids is None:
        return load_packs(default_packs_dir())
    if isinstance(pack_ids, str):
        pack_ids = [pack_ids]
    return [load_pack(p) for p in pack_ids]


def points_table(pack_ids=None) -> pd.DataFrame:
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


def outcomes_table(pack_ids=None) -> pd.DataFrame:
    """One row per decision point with what was done and what the review found (for after a task)."""
    rows = []
    for p in _packs(pack_ids):
        for i, d in enumerate(p.decision_points, 1):
            rows.append({"case": p.id, "n": i, "point": d.id, "when": d.when,
                         "what_was_done": d.actual_option.text,
                         "review_supports": [o.text for o in d.supported_options],
                         "what_happened": d.what_happened, "review_finding": d.review_finding})
    return pd.DataFrame(rows)


def factors_table(pack_ids=None) -> pd.DataFrame:
    """Every contributing factor, one row each, with its case, point and level."""
    rows = []
    for p in _packs(pack_ids):
        for d in p.decision_points:
            for f in d.contributing_factors:
                rows.append({"case": p.id, "point": d.id, "when": d.when, "level": f.level,
                             "factor": f.factor, "polarity": f.polarity or "", "known_then": f.known_then})
    return pd.DataFrame(rows)


def show_text(df: pd.DataFrame, columns: list[str] | None = None):
    """A readable HTML view of a table's text columns (long text wraps; nothing is cut off)."""
    from IPython.display import HTML

    cols = columns or list(df.columns)
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in cols)
    body = "".join(
        "<tr>" + "".join(f"<td style='text-align:left;vertical-align:top'>{_cell(r[c])}</td>" for c in cols) + "</tr>"
        for _, r in df.iterrows()
    )
    return HTML(f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")


def _cell(value) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return "<em>not stated</em>"
    if isinstance(value, list):
        return "<ul>" + "".join(f"<li>{html.escape(str(v))}</li>" for v in value) + "</ul>"
    return html.escape(str(value))


def answer_box(exercise: str, question: str, prompt: str, learner: str | None = None):
    """A text box whose answer is saved to the journal on 'Save' and shown again next time."""
    import ipywidgets as W

    from .learner import current_learner
    from .ui import message

    who = learner or current_learner() or "anonymous"
    journal = Journal()
    target = f"{exercise}/{question}"
    saved = [e for e in journal.events(who, EXERCISE_PACK, kinds=["exercise_answer"]) if e.target == target]
    box = W.Textarea(continuous_update=False, value=saved[-1].payload.get("text", "") if saved else "", placeholder="Write your answer here",
                     description="Your answer", layout=W.Layout(width="100%", height="100px"),
                     style={"description_width": "initial"})
    save = W.Button(description="Save answer", layout=W.Layout(width="auto"))
    status = W.HTML(message(journal.warning, "warning") if journal.warning else "")

    def on_save(_b=None):
        text = box.value.strip()
        if not text:
            status.value = message("Write something before saving.", "error")
            return
        journal.append(Event(who, EXERCISE_PACK, "exercise_answer", target, {"text": text}))
        status.value = message(journal.warning, "warning") if journal.warning else message("Answer saved.", "ok")

    save.on_click(on_save)
    return W.VBox([W.HTML(f"<p><strong>{html.escape(prompt)}</strong></p>"), box, save, status])


def saved_answer(exercise: str, question: str, learner: str, journal: Journal | None = None) -> str | None:
    """The learner's latest saved answer to one exercise question, or None."""
    target = f"{exercise}/{question}"
    found = [e for e in (journal or Journal()).events(learner, EXERCISE_PACK, kinds=["exercise_answer"])
             if e.target == target]
    return str(found[-1].payload.get("text", "")) if found else None


def after_answer(exercise: str, question: str, content, label: str = "Show what the review found",
                 learner: str | None = None):
    """Content (a table, HTML or a widget) that opens only once the learner has saved an answer
    to exercise/question, so outcomes and findings never come before the learner's own answer."""
    import ipywidgets as W

    from .learner import current_learner
    from .ui import message

    who = learner or current_learner() or "anonymous"
    button = W.Button(description=label, layout=W.Layout(width="auto"))
    status = W.HTML()
    out = W.Output()

    def on_click(_b=None):
        if not saved_answer(exercise, question, who):
            status.value = message("Save your own answer above first: this stays hidden until you have.", "info")
            return
        status.value = ""
        out.outputs = ()
        out.append_display_data(content)
        button.disabled = True

    button.on_click(on_click)
    return W.VBox([button, status, out])


def solution(exercise: str):
    """A 'Show the model answer' button; the answer is read from exercises/solutions only on click."""
    import ipywidgets as W

    from .ui import message

    out = W.HTML()
    button = W.Button(description="Show the model answer / facilitator notes", layout=W.Layout(width="auto"))

    def on_click(_b=None):
        path = SOLUTIONS / f"{exercise}.md"
        if not path.is_file():
            out.value = message(f"No model answer is available for '{exercise}'. Ask your tutor.", "info")
            return
        out.value = _markdown_html(path.read_text(encoding="utf-8"))
        button.disabled = True

    button.on_click(on_click)
    return W.VBox([W.HTML("<p>Try the task first. When you are ready, compare your answer with a model "
                          "answer (one reasonable answer, not the only one).</p>"), button, out])


def _markdown_html(text: str) -> str:
    """Markdown to HTML (mistune), with any raw HTML in the file escaped."""
    import mistune

    return mistune.create_markdown(escape=True, plugins=["table"])(text)
