"""Exercise pieces: tables to read, answer boxes saved to the journal, and content that opens
only after the learner's own answer is saved. Model answers and facilitator notes are not
here: they are for facilitators (`facilitator/`, and `kit guide`)."""

from __future__ import annotations

import html as _html

import pandas as pd

from ..answers import save_answer, saved_answer
from ..errors import KitError
from ..html import table_html as html_table
from ..journal import Journal
from ..tables import readable
from .base import Status, View, box, button, html, text_area
from .page import for_learner


def table_html(df: pd.DataFrame, columns: list[str] | None = None) -> str:
    """A readable table of a frame's columns: headings in words, cases, points and levels by their
    names (never an id), long text wrapping, one card per row on a narrow screen."""
    shown = readable(df, columns)
    return html_table(list(shown.columns), shown.itertuples(index=False, name=None), row_headers=False)


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
        self.exercise, self.question, self.learner, self.prompt = exercise, question, learner, prompt
        journal = Journal()
        self.answer = text_area(prompt, "Write your answer here",
                                saved_answer(exercise, question, learner, journal) or "", rows=5)
        self.save = button("Save answer")
        self.status = Status()
        if journal.warning:
            self.status.say(journal.warning, "warning")
        self.save.on_click(lambda _b: self.save_answer())
        self.widget = box(self.answer, self.save, self.status.widget)  # the prompt is the box's label

    def save_answer(self) -> None:
        try:
            journal = save_answer(self.exercise, self.question, self.learner, self.answer.value, prompt=self.prompt)
        except KitError as exc:
            self.status.say(str(exc), "error")
            return
        self.status.say(journal.warning or "Answer saved.", "warning" if journal.warning else "ok")


def answer_box(exercise: str, question: str, prompt: str, learner: str | None = None) -> View:
    return for_learner(lambda who: AnswerBox(exercise, question, prompt, who), learner)


def _as_html(content, columns: list[str] | None = None) -> str:
    if callable(content) and not isinstance(content, pd.DataFrame):
        content = content()
    if isinstance(content, View):
        return "".join(getattr(w, "value", "") for w in content.widget.children)
    if isinstance(content, pd.DataFrame):
        return table_html(content, columns)
    if hasattr(content, "_repr_html_"):
        return content._repr_html_() or ""
    return _html.escape(str(content))


class AfterAnswer(View):
    """Content that opens only once the learner has saved an answer to each of some exercise questions."""

    def __init__(self, exercise: str, questions: list[str], content, label: str, learner: str,
                 columns: list[str] | None = None):
        self.exercise, self.questions, self.learner, self._content = exercise, questions, learner, content
        self._columns = columns
        self.open = button(label)
        self.status = Status()
        self.content = html()
        self.open.on_click(lambda _b: self.show_content())
        self.widget = box(self.open, self.status.widget, self.content)

    def show_content(self) -> None:
        journal = Journal()
        missing = [q for q in self.questions if not saved_answer(self.exercise, q, self.learner, journal)]
        if missing:
            self.status.say("Save your own answer above first: this stays hidden until you have." if len(self.questions) == 1
                            else f"Save your own answers to the tasks above first ({len(missing)} of "
                                 f"{len(self.questions)} still to save): this stays hidden until you have.", "info")
            return
        self.status.clear()
        self.content.value = _as_html(self._content, self._columns)
        self.open.disabled = True


def after_answer(exercise: str, question: str | list[str], content, label: str = "Show what the review found",
                 columns: list[str] | None = None, learner: str | None = None) -> View:
    """Content shown only after the learner has saved an answer to the question (or to every question
    in a list), so outcomes and findings never come before the learner's own answer.

    content is a table (a DataFrame, shown with `columns` if given) or a function that makes what to
    show (a view, a table, HTML), called only when it opens. A view made beforehand is refused: its
    widgets would already have sent their text to the browser."""
    questions = [question] if isinstance(question, str) else list(question)
    if not questions:
        raise ValueError("after_answer needs at least one question to wait for.")
    if isinstance(content, View):
        raise TypeError("after_answer needs the table itself (with columns=[...]) or a function that makes the "
                        "view (lambda: kit.factors_view(...)), not a view made beforehand: a view's text "
                        "reaches the browser as soon as it is made.")
    return for_learner(lambda who: AfterAnswer(exercise, questions, content, label, who, columns), learner)
