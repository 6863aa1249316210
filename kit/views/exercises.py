"""Exercise pieces: tables to read, answer boxes saved to the journal, and content that opens
only after the learner's own answer is saved."""

from __future__ import annotations

import html as _html

import pandas as pd

from ..answers import save_answer, saved_answer
from ..errors import KitError
from ..journal import Journal
from ..settings import facilitator_dir
from .base import Status, View, box, button, for_learner, html, text_area


def table_html(df: pd.DataFrame, columns: list[str] | None = None) -> str:
    """A readable HTML table of a frame's text columns (long text wraps; nothing is cut off)."""
    cols = columns or list(df.columns)
    head = "".join(f"<th>{_html.escape(str(c))}</th>" for c in cols)
    body = "".join(
        "<tr>" + "".join(f"<td style='text-align:left;vertical-align:top'>{_cell(r[c])}</td>" for c in cols) + "</tr>"
        for _, r in df.iterrows()
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _cell(value) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return "<em>not stated</em>"
    if isinstance(value, list):
        return "<ul>" + "".join(f"<li>{_html.escape(str(v))}</li>" for v in value) + "</ul>"
    return _html.escape(str(value))


class TextTable(View):
    def __init__(self, df: pd.DataFrame, columns: list[str] | None = None):
        self.table = html(table_html(df, columns))
        self.widget = box(self.table)


def show_text(df: pd.DataFrame, columns: list[str] | None = None) -> TextTable:
    """A table's text columns, readable (long text wraps; nothing is cut off)."""
    return TextTable(df, columns)


class AnswerBox(View):
    """A text box whose answer is saved to the journal on 'Save answer' and shown again next time."""

    def __init__(self, exercise: str, question: str, prompt: str, learner: str):
        self.exercise, self.question, self.learner = exercise, question, learner
        journal = Journal()
        self.answer = text_area("Your answer", "Write your answer here",
                                saved_answer(exercise, question, learner, journal) or "", height="100px")
        self.save = button("Save answer")
        self.status = Status()
        if journal.warning:
            self.status.say(journal.warning, "warning")
        self.save.on_click(lambda _b: self.save_answer())
        self.widget = box(html(f"<p><strong>{_html.escape(prompt)}</strong></p>"), self.answer, self.save,
                          self.status.widget)

    def save_answer(self) -> None:
        try:
            journal = save_answer(self.exercise, self.question, self.learner, self.answer.value)
        except KitError as exc:
            self.status.say(str(exc), "error")
            return
        self.status.say(journal.warning or "Answer saved.", "warning" if journal.warning else "ok")


def answer_box(exercise: str, question: str, prompt: str, learner: str | None = None) -> View:
    return for_learner(lambda who: AnswerBox(exercise, question, prompt, who), learner)


def _as_html(content) -> str:
    if isinstance(content, View):
        return "".join(getattr(w, "value", "") for w in content.widget.children)
    if isinstance(content, pd.DataFrame):
        return table_html(content)
    if hasattr(content, "_repr_html_"):
        return content._repr_html_() or ""
    return _html.escape(str(content))


class AfterAnswer(View):
    """Content that opens only once the learner has saved an answer to one exercise question."""

    def __init__(self, exercise: str, question: str, content, label: str, learner: str):
        self.exercise, self.question, self.learner, self._content = exercise, question, learner, content
        self.open = button(label)
        self.status = Status()
        self.content = html()
        self.open.on_click(lambda _b: self.show_content())
        self.widget = box(self.open, self.status.widget, self.content)

    def show_content(self) -> None:
        if not saved_answer(self.exercise, self.question, self.learner):
            self.status.say("Save your own answer above first: this stays hidden until you have.", "info")
            return
        self.status.clear()
        self.content.value = _as_html(self._content)
        self.open.disabled = True


def after_answer(exercise: str, question: str, content, label: str = "Show what the review found",
                 learner: str | None = None) -> View:
    """Content (a table, HTML or a view) shown only after the learner's answer to exercise/question
    is saved, so outcomes and findings never come before the learner's own answer."""
    return for_learner(lambda who: AfterAnswer(exercise, question, content, label, who), learner)


class ModelAnswer(View):
    def __init__(self, exercise: str):
        self.exercise = exercise
        self.open = button("Show the model answer / facilitator notes")
        self.answer = html()
        self.open.on_click(lambda _b: self.show_answer())
        self.widget = box(html("<p>Try the task first. When you are ready, compare your answer with a model "
                               "answer (one reasonable answer, not the only one).</p>"), self.open, self.answer)

    def show_answer(self) -> None:
        from ..html import message

        path = facilitator_dir() / "exercises" / f"{self.exercise}.md"
        if not path.is_file():
            self.answer.value = message(f"No model answer is available for '{self.exercise}'. Ask your tutor.", "info")
            return
        import mistune

        self.answer.value = mistune.create_markdown(escape=True, plugins=["table"])(path.read_text(encoding="utf-8"))
        self.open.disabled = True


def solution(exercise: str) -> View:
    """A 'Show the model answer' button; the answer is read from the facilitator folder only on click."""
    return ModelAnswer(exercise)
