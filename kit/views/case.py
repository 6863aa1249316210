"""The case view: content note, background, each decision point (decide, commit, reveal), the
end of the case and the comparison. All rules live in the session; this turns clicks into
session calls and redraws."""

from __future__ import annotations

import html as _html
from pathlib import Path

import ipywidgets as W

from ..errors import KitError
from ..html import bullet_list, esc, message
from ..session import CaseSession, Reveal
from ..support import support_text
from .base import (
    FULL,
    ContentGate,
    Status,
    View,
    box,
    button,
    for_learner,
    html,
    picker,
    shared_session,
    support_html,
    text_area,
)

# ipywidgets gives radio labels one fixed line; long option texts must wrap instead of overlapping.
STYLE = """<style>
.kit-options .widget-radio-box label { height: auto !important; line-height: 1.35 !important;
  white-space: normal !important; margin: 0 0 8px 0 !important; align-items: flex-start !important;
  flex-wrap: nowrap !important; display: flex !important; }
.kit-options .widget-radio-box input { margin-top: 3px !important; flex-shrink: 0; }
.kit-options .widget-radio-box { height: auto !important; }
</style>"""


class PointView(View):
    """One decision point: decide and commit, then the reveal and second thoughts."""

    def __init__(self, case: CaseView, index: int, point):
        self.case, self.session, self.point = case, case.session, point
        n = len(self.session.pack.decision_points)
        agency = f" · {_html.escape(point.agency)}" if point.agency else ""
        self.header = html(
            f"<h3>Decision point {index + 1} of {n}: {_html.escape(point.when)}{agency}</h3>"
            + esc(point.situation)
            + (("<p><strong>What is known at this point</strong></p>"
                + bullet_list(k.text for k in point.known_at_the_time)) if point.known_at_the_time else "")
            + f"<p><strong>{_html.escape(point.question)}</strong></p>")
        self.choice = W.RadioButtons(
            options=[(o.text, o.id) for o in point.options], value=None,
            description="Your choice", layout=FULL, style={"description_width": "initial"},
        )
        self.choice.add_class("kit-options")
        # A dropdown, not a slider: ipywidgets' slider handle has no accessible name (axe: aria-input-field-name).
        self.confidence = W.Dropdown(
            options=[("1 - not at all", 1), ("2", 2), ("3 - fairly", 3), ("4", 4), ("5 - very", 5)], value=3,
            description="How confident are you?", style={"description_width": "initial"},
        )
        self.rationale = text_area("Your reasons", "Why this choice? What would you want to know, and from whom?",
                                   height="90px")
        self.commit = button("Commit my decision", primary=True,
                             tooltip="Commit: your first answer is locked, then the outcome is shown")
        self.status = Status()
        self.reveal_box = box()
        self.second = text_area("Second thought",
                                "Now that you know more, what would you add? (kept apart from your answer)",
                                height="70px")
        self.save_second = button("Save second thought")
        self.second_status = Status()
        self.commit.on_click(lambda _b: self.decide())
        self.save_second.on_click(lambda _b: self.add_second_thought())
        self.widget = W.VBox([self.header, self.choice, self.confidence, self.rationale, self.commit,
                              self.status.widget, self.reveal_box],
                             layout=W.Layout(width="100%", border="1px solid #bbb", padding="8px", margin="8px 0"))
        self.refresh()

    def refresh(self) -> None:
        d = self.session.decision(self.point.id)
        locked = d is not None
        for w in (self.choice, self.confidence, self.rationale, self.commit):
            w.disabled = locked
        if locked:
            self.choice.value = d.option_id
            if d.confidence is not None:
                self.confidence.value = d.confidence
            self.rationale.value = d.rationale
            self.commit.description = "Decision committed (locked)"
            self._show_reveal(self.session.reveal(self.point.id))

    def decide(self) -> None:
        try:
            self.session.decide(self.point.id, self.choice.value, confidence=self.confidence.value,
                                rationale=self.rationale.value)
        except KitError as exc:
            self.status.say(str(exc), "error")
            if self.session.decision(self.point.id):  # committed elsewhere: show what stands
                self.refresh()
                self.case.refresh()
            return
        warning = self.session.warning
        self.status.say(warning or "Your decision is committed and saved.", "warning" if warning else "ok")
        self.refresh()
        self.case.refresh()

    def add_second_thought(self) -> None:
        try:
            self.session.second_thought(self.point.id, self.second.value)
        except KitError as exc:
            self.second_status.say(str(exc), "error")
            return
        self.second.value = ""
        self.second_status.say("Second thought saved.", "ok")
        self._show_reveal(self.session.reveal(self.point.id))

    def _show_reveal(self, r: Reveal) -> None:
        self.reveal_box.children = [html(reveal_html(r, self.session.second_thoughts(self.point.id))),
                                    self.second, self.save_second, self.second_status.widget]


def reveal_html(r: Reveal, second_thoughts: list[str]) -> str:
    """The reveal as HTML: outcome, feedback on your choice, finding, and why it made sense then."""
    parts = ["<h4>What happened</h4>", esc(r.what_happened)]
    same = "the same as" if r.matched_actual else "different from"
    parts.append(f"<p>Your choice was <strong>{same}</strong> what was done"
                 f"{' and is one the review supports' if r.matched_review else ''}.</p>")
    if r.feedback:
        parts += ["<h4>About your choice</h4>", esc(r.feedback)]
    if not r.matched_actual and r.actual.feedback:
        parts += ["<h4>About what was actually done</h4>", esc(r.actual.feedback)]
    parts += ["<h4>What the review found</h4>", esc(r.review_finding)]
    if r.review_quote:
        parts.append(f"<blockquote>&ldquo;{_html.escape(r.review_quote)}&rdquo; (the review)</blockquote>")
    parts.append("<h4>Why it may have made sense at the time</h4>")
    for level, factors in r.factors_by_level.items():
        parts.append(f"<p><strong>{_html.escape(level.replace('-', ' ').capitalize())}</strong></p>"
                     + bullet_list(f.factor for f in factors))
    if r.point.reflection_prompts:
        parts += ["<h4>To reflect on</h4>", bullet_list(r.point.reflection_prompts)]
    if second_thoughts:
        parts += ["<h4>Your second thoughts</h4>", bullet_list(second_thoughts)]
    return "".join(parts)


class CaseView(View):
    """The whole case: content note, then background and decision points, then comparison."""

    def __init__(self, session: CaseSession):
        self.session = session
        pack = session.pack
        self.title = html(STYLE + f"<h2>{_html.escape(pack.title)}</h2><p><em>Working as: "
                          f"{_html.escape(session.learner)}</em></p>")
        self.warning = html()
        self.gate = ContentGate(session, on_open=self.refresh)
        self.note, self.go_on, self.step_out_button = self.gate.note, self.gate.go_on, self.gate.step_out_button
        self.body = box()
        self.points: dict[str, PointView] = {}
        self.compare_button = button("Compare my choices with the review")
        self.compare_out = html()
        self.compare_button.on_click(lambda _b: self.show_compare())
        self.widget = box(self.title, self.warning, self.gate.widget, self.body)
        self.refresh()

    def refresh(self) -> None:
        s = self.session
        self.warning.value = message(s.warning, "warning") if s.warning else ""
        if not s.acknowledged:
            return
        self.gate.show(html("<details><summary>Content note and support</summary>"
                            + esc(s.content_note) + esc(support_text()) + "</details>"))
        for i, p in enumerate(s.pack.decision_points):
            if p in s.open_points and p.id not in self.points:
                self.points[p.id] = PointView(self, i, p)
        for pv in self.points.values():
            if s.decision(pv.point.id) and not pv.commit.disabled:
                pv.refresh()
        done = html(("<h3>You have reached the end of the case</h3><h4>What became of the children</h4>"
                     + esc(s.pack.outcome)
                     + (("<h4>What the review recommended</h4>" + bullet_list(s.pack.recommendations))
                        if s.pack.recommendations else "") + support_html())
                    if s.is_complete else "")
        self.body.children = [html(background_html(s.pack)), *[pv.widget for pv in self.points.values()], done,
                              html("<h3>Compare with the review</h3><p>You can compare at any time; "
                                   "only committed points are compared.</p>"),
                              self.compare_button, self.compare_out]

    def step_out(self) -> None:
        self.gate.step_out()
        self.body.children = []

    def show_compare(self) -> None:
        self.compare_out.value = compare_html(self.session)


def background_html(pack) -> str:
    rows = "".join(f"<li><strong>{_html.escape(t.when)}</strong>: {_html.escape(t.what)}</li>" for t in pack.timeline)
    people = bullet_list(p.role for p in pack.people)
    return (f"<h3>Background</h3>{esc(pack.summary)}"
            + (f"<h4>Timeline, as known at the start</h4><ul>{rows}</ul>" if rows else "")
            + (f"<h4>Who is involved</h4>{people}" if people else ""))


def compare_html(session: CaseSession) -> str:
    """Summary, table and chart (with its text alternative) for a learner's committed points."""
    from ..charts import chart_html, comparison_chart, comparison_text
    from ..compare import display_table

    df = session.compare()
    table = display_table(df).to_html(escape=True, border=0, classes="kit-table")
    return ("<h4>In short</h4>" + esc(session.summary())
            + "<h4>Point by point</h4>" + table
            + "<h4>As a chart</h4>" + chart_html(comparison_chart(df), comparison_text(df).splitlines()))


def case_view(pack: str | Path, learner: str | None = None) -> View:
    """The case for the given or remembered learner; asks for a pseudonym first if none is chosen."""
    return for_learner(lambda who: CaseView(shared_session(pack, who)), learner)


def learner_picker() -> View:
    """Choose a pseudonym (remembered on this computer for every notebook); in a shared app, join."""
    return picker()


def support_box() -> View:
    """Where to find support (the educator's local text if they set one)."""
    view = View()
    view.text = html("<h3>Support</h3>" + esc(support_text()))
    view.widget = box(view.text)
    return view
