"""The pieces of the authoring page: a form row bound to one field of the draft with its problems
shown under it, pick lists from the vocabulary, and where a problem is, in words."""

from __future__ import annotations

import datetime as dt
import html as _html
import re
from collections.abc import Callable
from typing import Any

import ipywidgets as W

from ..authoring import FieldProblem
from ..copying import highlighted
from ..yamlfile import dotted
from .base import box, html
from .parts import checkbox, line_field, rating_row, text_field


def problems_html(problems: list[FieldProblem], text: Any = None) -> str:
    """A field's problems, each with its kind in words; copied text shown with the copied words marked."""
    out = []
    for p in problems:
        kind = "error" if p.severity == "error" else "warning"
        label = "To fix" if kind == "error" else "To check"
        body = _html.escape(p.sentence)
        if p.copied and isinstance(text, str):
            body += ('<br><span class="kit-copied">' + highlighted(text, list(p.copied), escape=_html.escape)
                     + "</span>")
        out.append(f'<div class="kit-status kit-status-{kind} kit-problem"><strong>{label}:</strong> '
                   f"{body}</div>")
    return "".join(out)


class Row:
    """One field of the draft: its control, and its problems under it (live as the educator types)."""

    def __init__(self, path: tuple, control, on_change: Callable[[tuple, Any], None],
                 read: Callable[[Any], Any] = lambda v: v, shown: W.Widget | None = None):
        self.path, self.control, self._read = path, control, read
        self.problems = html()
        self.problems.add_class("kit-problems")
        self.widget = box(shown or control, self.problems)
        control.observe(lambda ch: on_change(self.path, self._read(ch["new"])), "value")

    @property
    def value(self) -> Any:
        return self.control.value

    @value.setter
    def value(self, new: Any) -> None:
        self.control.value = new

    def show(self, problems: list[FieldProblem]) -> None:
        self.problems.value = problems_html(problems, self.control.value if isinstance(self.control.value, str) else None)


class Picks:
    """A pick list: one checkbox per entry of a vocabulary list, under its label; `.value` is the
    chosen slugs, in the list's order."""

    def __init__(self, label: str, options: list[tuple[str, Any]], value: list[str] | None):  # a new point may have no id yet
        chosen = set(value or [])
        self._quiet = False
        self.boxes = {slug: checkbox(words, slug in chosen) for words, slug in options}
        self.control = self  # a Row observes its control
        self._observers: list[Callable] = []
        for b in self.boxes.values():
            b.observe(lambda _ch: self._changed(), "value")
        heading = W.HTML(f"<strong>{_html.escape(label)}</strong>", layout=W.Layout(width="100%"))
        grid = W.Box(list(self.boxes.values()), layout=W.Layout(width="100%", height="auto"))
        grid.add_class("kit-checks")  # the stylesheet's wrapping row of checkboxes
        self.widget = W.VBox([heading, grid], layout=W.Layout(width="100%"))
        self.widget.add_class("kit-field")

    @property
    def value(self) -> list[str]:
        return [slug for slug, b in self.boxes.items() if b.value]

    @value.setter
    def value(self, slugs: list[str]) -> None:
        self._quiet = True
        for slug, b in self.boxes.items():
            b.value = slug in slugs
        self._quiet = False
        self._changed()

    def observe(self, handler: Callable, _name: str = "value") -> None:
        self._observers.append(handler)

    def _changed(self) -> None:
        if not self._quiet:
            for handler in self._observers:
                handler({"new": self.value})


NOT_SAID = "(not said)"  # a list's value for a field left out of the file


class Rows:
    """Makes the rows of one part of the page, each bound to a path of the draft."""

    def __init__(self, draft, on_change: Callable[[tuple, Any], None]):
        self.draft, self.on_change = draft, on_change
        self.rows: dict[str, Row] = {}

    def _row(self, path: tuple, control, read=lambda v: v) -> W.Widget:
        row = Row(path, control, self.on_change, read)
        self.rows[dotted(path)] = row
        return row.widget

    def line(self, path: tuple, label: str, hint: str = "", *, short: bool = False) -> W.Widget:
        value = self.draft.get(path)
        return self._row(path, line_field(label, hint, "" if value is None else str(value), short=short))

    def text(self, path: tuple, label: str, hint: str = "", rows: int = 3) -> W.Widget:
        return self._row(path, text_field(label, hint, str(self.draft.get(path) or "").strip(), rows=rows))

    def tick(self, path: tuple, label: str) -> W.Widget:
        return self._row(path, checkbox(label, bool(self.draft.get(path))))

    def choose(self, path: tuple, label: str, options: list[tuple[str, Any]]) -> W.Widget:
        """A choice from a short list; 'not said' (None in the file) is shown as its words, never a blank."""
        value = self.draft.get(path)
        if value not in [v for _, v in options]:
            options = [*options, (str(value), value)]
        shown = [(words, NOT_SAID if v is None else v) for words, v in options]
        return self._row(path, rating_row(label, shown, NOT_SAID if value is None else value),
                         read=lambda v: None if v == NOT_SAID else v)

    def pick(self, path: tuple, label: str, options: list[tuple[str, Any]]) -> W.Widget:
        picks = Picks(label, options, self.draft.get(path))
        row = Row(path, picks, self.on_change, shown=picks.widget)
        self.rows[dotted(path)] = row
        return row.widget

    def year(self, path: tuple, label: str) -> W.Widget:
        value = self.draft.get(path)
        return self._row(path, line_field(label, "e.g. 2019", "" if value is None else str(value), short=True),
                         read=lambda v: int(v) if v.strip().isdigit() else (v.strip() or None))

    def date(self, path: tuple, label: str) -> W.Widget:
        value = self.draft.get(path)
        return self._row(path, line_field(label, "e.g. 2019-04-03", "" if value is None else str(value), short=True),
                         read=_date)

    def words(self, path: tuple, label: str, hint: str) -> W.Widget:
        """A list of names or words, typed with commas between them."""
        value = ", ".join(self.draft.get(path) or [])
        return self._row(path, line_field(label, hint, value),
                         read=lambda v: [w.strip() for w in v.split(",") if w.strip()])

    def show(self, check) -> None:
        for key, row in self.rows.items():
            row.show(check.at(key))


def _date(text: str):
    text = text.strip()
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            return text
    return text or None


WORDS = {  # a field's key -> what the page calls it
    "decision_points": "Decision point", "options": "Option", "known_at_the_time": "What was known",
    "contributing_factors": "Why it made sense", "timeline": "Timeline entry", "people": "Person",
    "debates": "Debate", "comments": "Comment", "plans": "Plan", "articles": "Article",
    "recommendations": "Recommendation", "reflection_prompts": "Reflection question", "prompts": "Question",
    "title": "title", "summary": "summary", "content_note": "content note", "outcome": "what became of the children",
    "outcome_note": "what the outcome describes", "source": "Source", "review": "the review's title",
    "year": "year", "publisher": "publisher", "url": "web address", "date": "date", "full_review": "where to read it",
    "full_review_url": "its web address", "anonymisation": "Anonymisation", "pseudonyms": "pseudonyms",
    "not_names": "words that are not names", "notes": "notes", "themes": "themes", "when": "when",
    "what": "what happened then", "agency": "whose decision", "situation": "situation", "question": "question",
    "text": "words", "feedback": "feedback", "actual": "what was done", "review_supported": "consistent with the review",
    "relies_on": "what it relies on", "kit_reading": "the kit's reading", "what_happened": "what happened",
    "review_finding": "the review's finding", "review_quote": "the review's quote", "level": "level",
    "factor": "reason", "polarity": "effect", "known_then": "known at the time", "pcf_domains": "PCF domains",
    "role": "role", "author": "commenter", "reply_to": "reply to", "accountability": "accountability scale",
    "context": "context scale", "holds_accountable": "who it holds accountable", "minutes": "minutes",
    "points": "points", "why": "why these points", "id": "folder name", "schema_version": "format version",
}


def place(field: str) -> str:
    """Where a problem is, in the page's words: 'Decision point 2, Option 1: words'."""
    parts = re.findall(r"([a-z_]+)|\[(\d+)\]", field)
    out: list[str] = []
    for key, index in parts:
        if index:
            if out:
                out[-1] = f"{out[-1]} {int(index) + 1}"
        else:
            out.append(WORDS.get(key, key.replace("_", " ")))
    words = ", ".join(out) or "The case as a whole"
    return words[:1].upper() + words[1:]
