"""ipywidgets views over a CaseSession. Views return widgets; they never call display().

All state and rules live in the session; a view only turns clicks into session calls
and redraws. Every text from a pack or a learner is HTML-escaped before it is shown.
"""

from __future__ import annotations

import html
from pathlib import Path

import ipywidgets as W

from .errors import KitError
from .session import CaseSession, Reveal, open_case
from .support import support_text

FULL = W.Layout(width="100%")
# Text boxes sync when they lose focus (continuous_update=False), so the value always reaches
# the kernel before a following button press: a fast Tab+Enter never loses the last characters.

# ipywidgets gives radio labels one fixed line; long option texts must wrap instead of overlapping.
STYLE = """<style>
.kit-options .widget-radio-box label { height: auto !important; line-height: 1.35 !important;
  white-space: normal !important; margin: 0 0 8px 0 !important; align-items: flex-start !important;
  flex-wrap: nowrap !important; display: flex !important; }
.kit-options .widget-radio-box input { margin-top: 3px !important; flex-shrink: 0; }
.kit-options .widget-radio-box { height: auto !important; }
</style>"""


def esc(text: str | None) -> str:
    """Escaped text with paragraphs and line breaks kept."""
    if not text:
        return ""
    paras = [html.escape(p.strip()).replace("\n", "<br>") for p in str(text).split("\n\n") if p.strip()]
    return "".join(f"<p>{p}</p>" for p in paras)


def bullet_list(items) -> str:
    return "<ul>" + "".join(f"<li>{html.escape(str(i))}</li>" for i in items) + "</ul>" if items else ""


def message(text: str, kind: str = "info") -> str:
    """A status line that screen readers announce; the kind is in words, not only colour."""
    label = {"info": "Note", "error": "Cannot do that yet", "ok": "Saved", "warning": "Warning"}[kind]
    colour = {"info": "#1f4e79", "error": "#8a1c1c", "ok": "#1e5e2e", "warning": "#7a4b00"}[kind]
    return (f'<div role="status" aria-live="polite" style="color:{colour};margin:4px 0">'
            f"<strong>{label}:</strong> {html.escape(text)}</div>")


def support_html() -> str:
    return "<details><summary>Where to find support</summary>" + esc(support_text()) + "</details>"


class PointView:
    """One decision point: decide and commit, then the reveal and second thoughts."""

    def __init__(self, case: CaseView, index: int, point):
        self.case, self.session, self.point = case, case.session, point
        n = len(self.session.pack.decision_points)
        agency = f" · {html.escape(point.agency)}" if point.agency else ""
        self.header = W.HTML(
            f"<h3>Decision point {index + 1} of {n}: {html.escape(point.when)}{agency}</h3>"
            + esc(point.situation)
            + (("<p><strong>What is known at this point</strong></p>" + bullet_list(k.text for k in point.known_at_the_time))
               if point.known_at_the_time else "")
            + f"<p><strong>{html.escape(point.question)}</strong></p>",
            layout=FULL,
        )
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
        self.rationale = W.Textarea(continuous_update=False,
            placeholder="Why this choice? What would you want to know, and from whom?",
            description="Your reasons", layout=W.Layout(width="100%", height="90px"),
            style={"description_width": "initial"},
        )
        self.commit = W.Button(description="Commit my decision", button_style="primary",
                               tooltip="Commit: your first answer is locked, then the outcome is shown",
                               layout=W.Layout(width="auto"))
        self.status = W.HTML()
        self.reveal_box = W.VBox(layout=FULL)
        self.second = W.Textarea(continuous_update=False, placeholder="Now that you know more, what would you add? (kept apart from your answer)",
                                 description="Second thought", layout=W.Layout(width="100%", height="70px"),
                                 style={"description_width": "initial"})
        self.save_second = W.Button(description="Save second thought", layout=W.Layout(width="auto"))
        self.second_status = W.HTML()
        self.commit.on_click(self._on_commit)
        self.save_second.on_click(self._on_second)
        self.widget = W.VBox([self.header, self.choice, self.confidence, self.rationale, self.commit,
                              self.status, self.reveal_box], layout=W.Layout(width="100%", border="1px solid #bbb",
                                                                             padding="8px", margin="8px 0"))
        self.refresh()

    def refresh(self) -> None:
        d = self.session.decision(self.point.id)
        locked = d is not None
        for w in (self.choice, self.confidence, self.rationale, self.commit):
            w.disabled = locked
        if locked:
            self.choice.value = d.option_id
            self.confidence.value = d.confidence
            self.rationale.value = d.rationale
            self.commit.description = "Decision committed (locked)"
            self._show_reveal(self.session.reveal(self.point.id))

    def _on_commit(self, _button=None) -> None:
        try:
            self.session.decide(self.point.id, self.choice.value, confidence=self.confidence.value,
                                rationale=self.rationale.value)
        except KitError as exc:
            self.status.value = message(str(exc), "error")
            if self.session.decision(self.point.id):  # committed elsewhere: show what stands
                self.refresh()
                self.case.refresh()
            return
        saved = "Your decision is committed and saved." if not self.session.warning else self.session.warning
        self.status.value = message(saved, "ok" if not self.session.warning else "warning")
        self.refresh()
        self.case.refresh()

    def _on_second(self, _button=None) -> None:
        try:
            self.session.second_thought(self.point.id, self.second.value)
        except KitError as exc:
            self.second_status.value = message(str(exc), "error")
            return
        self.second.value = ""
        self.second_status.value = message("Second thought saved.", "ok")
        self._show_reveal(self.session.reveal(self.point.id))

    def _show_reveal(self, r: Reveal) -> None:
        self.reveal_box.children = [W.HTML(reveal_html(r, self.session.second_thoughts(self.point.id)), layout=FULL),
                                    self.second, self.save_second, self.second_status]


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
        parts.append(f"<blockquote>&ldquo;{html.escape(r.review_quote)}&rdquo; (the review)</blockquote>")
    parts.append("<h4>Why it may have made sense at the time</h4>")
    for level, factors in r.factors_by_level.items():
        parts.append(f"<p><strong>{html.escape(level.replace('-', ' ').capitalize())}</strong></p>"
                     + bullet_list(f.factor for f in factors))
    if r.point.reflection_prompts:
        parts += ["<h4>To reflect on</h4>", bullet_list(r.point.reflection_prompts)]
    if second_thoughts:
        parts += ["<h4>Your second thoughts</h4>", bullet_list(second_thoughts)]
    return "".join(parts)


class CaseView:
    """The whole case: content note, then timeline and decision points, then comparison."""

    def __init__(self, session: CaseSession):
        self.session = session
        pack = session.pack
        self.title = W.HTML(STYLE + f"<h2>{html.escape(pack.title)}</h2><p><em>Working as: "
                            f"{html.escape(session.learner)}</em></p>")
        self.warning = W.HTML()
        self.note = W.HTML(
            "<h3>Content note</h3>" + esc(pack.content_note)
            + "<p>You can step out now or at any point, without giving a reason.</p>" + support_html()
        )
        self.go_on = W.Button(description="I have read this: open the case", button_style="primary",
                              layout=W.Layout(width="auto"))
        self.step_out_button = W.Button(description="Step out of this case", layout=W.Layout(width="auto"))
        self.go_on.on_click(lambda _b: self.acknowledge())
        self.step_out_button.on_click(lambda _b: self.step_out())
        self.note_box = W.VBox([self.note, W.HBox([self.go_on, self.step_out_button])])
        self.body = W.VBox(layout=FULL)
        self.points: dict[str, PointView] = {}
        self.compare_button = W.Button(description="Compare my choices with the review",
                                       layout=W.Layout(width="auto"))
        self.compare_out = W.HTML(layout=FULL)
        self.compare_button.on_click(lambda _b: self.show_compare())
        self.widget = W.VBox([self.title, self.warning, self.note_box, self.body], layout=FULL)
        self.refresh()

    def acknowledge(self) -> None:
        self.session.acknowledge()
        self.refresh()

    def step_out(self) -> None:
        text = self.session.step_out()
        self.body.children = []
        self.note_box.children = [W.HTML("<h3>You have stepped out of this case</h3>"
                                         "<p>Nothing more of the case will be shown. You can come back "
                                         "to it later, or choose another activity.</p>" + esc(text))]

    def refresh(self) -> None:
        s = self.session
        self.warning.value = message(s.warning, "warning") if s.warning else ""
        if not s.acknowledged:
            return
        self.note_box.children = [W.HTML("<details><summary>Content note and support</summary>"
                                         + esc(s.content_note) + esc(support_text()) + "</details>")]
        for i, p in enumerate(s.pack.decision_points):
            if p in s.open_points and p.id not in self.points:
                self.points[p.id] = PointView(self, i, p)
        for pv in self.points.values():
            if s.decision(pv.point.id) and not pv.commit.disabled:
                pv.refresh()
        done = W.HTML(("<h3>You have reached the end of the case</h3><h4>What became of the children</h4>"
                       + esc(s.pack.outcome)
                       + (("<h4>What the review recommended</h4>" + bullet_list(s.pack.recommendations))
                          if s.pack.recommendations else "") + support_html())
                      if s.is_complete else "")
        self.body.children = [timeline_widget(s.pack), *[pv.widget for pv in self.points.values()], done,
                              W.HTML("<h3>Compare with the review</h3><p>You can compare at any time; "
                                     "only committed points are compared.</p>"),
                              self.compare_button, self.compare_out]

    def show_compare(self) -> None:
        self.compare_out.value = compare_html(self.session)


def timeline_widget(pack) -> W.Widget:
    rows = "".join(f"<li><strong>{html.escape(t.when)}</strong>: {html.escape(t.what)}</li>" for t in pack.timeline)
    people = bullet_list(p.role for p in pack.people)
    return W.HTML(f"<h3>Background</h3>{esc(pack.summary)}"
                  + (f"<h4>Timeline, as known at the start</h4><ul>{rows}</ul>" if rows else "")
                  + (f"<h4>Who is involved</h4>{people}" if people else ""), layout=FULL)


def compare_html(session: CaseSession) -> str:
    """Summary, table and chart (with its text alternative) for a learner's committed points."""
    from .charts import chart_html, comparison_chart, comparison_text
    from .compare import display_table

    df = session.compare()
    table = display_table(df).to_html(escape=True, border=0, classes="kit-table")
    return ("<h4>In short</h4>" + esc(session.summary())
            + "<h4>Point by point</h4>" + table
            + "<h4>As a chart</h4>" + chart_html(comparison_chart(df), comparison_text(df).splitlines()))


def case_view(pack: str | Path, learner: str | None = None) -> W.Widget:
    """The case for the remembered learner; asks for a pseudonym first if none is chosen yet."""
    from .learner import current_learner

    name = learner or current_learner()
    box = W.VBox(layout=FULL)

    def open_for(who: str) -> None:
        try:
            box.children = [CaseView(open_case(pack, learner=who)).widget]
        except KitError as exc:
            box.children = [W.HTML(message(str(exc), "error"))]

    if name:
        open_for(name)
        return box
    picker = learner_picker(on_chosen=open_for)
    box.children = [picker]
    return box


def learner_picker(on_chosen=None) -> W.Widget:
    """Choose a pseudonym (remembered on this computer for every notebook)."""
    from .learner import current_learner, set_learner

    name = W.Text(continuous_update=False, value=current_learner() or "", placeholder="e.g. Robin, or Student 7",
                  description="Your pseudonym", style={"description_width": "initial"})
    save = W.Button(description="Use this pseudonym", button_style="primary", layout=W.Layout(width="auto"))
    status = W.HTML()

    def on_save(_b=None):
        try:
            who = set_learner(name.value)
        except KitError as exc:
            status.value = message(str(exc), "error")
            return
        status.value = message(f"You are working as '{who}'. Your work is saved under this name.", "ok")
        if on_chosen:
            on_chosen(who)

    save.on_click(on_save)
    return W.VBox([W.HTML("<p>Choose a pseudonym: any name you like, <strong>not</strong> your real "
                          "name. Your decisions are saved under it on this computer.</p>"),
                   W.HBox([name, save]), status])


def case_outline(pack: str | Path) -> str:
    """A plain overview of a case for the top of its notebook: no outcomes, nothing revealed."""
    from .packs import load_pack

    p = load_pack(pack)
    minutes = 10 + 8 * len(p.decision_points)
    lines = [p.title, f"Decision points: {len(p.decision_points)} (about {minutes} minutes)",
             f"Debates: {len(p.debates)}", f"Content note: {p.content_note}"]
    return "\n".join(lines)


def support_box():
    """Where to find support, as a widget (the educator's local text if they set one)."""
    return W.HTML("<h3>Support</h3>" + esc(support_text()))
