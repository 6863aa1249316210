"""The learner's own reasoning on the case page: after a commit and before the reveal, the learner
ticks what their reasons rested on; at the end of the case, the feedback sets their own reasons
beside what the options they chose rely on, then the patterns in their path, then the patterns in
the options, each with a question. All the words come from reasoning.py and journey.py."""

from __future__ import annotations

import html as _html
from collections.abc import Callable

import ipywidgets as W

from ..errors import KitError
from ..reasoning import OwnReading, Reasoning
from ..session import CaseSession
from ..vocabulary import load_vocabulary
from .base import Status, View, box, button, html
from .parts import checkbox

RELIED_ON_ASK = ("<h4>What did your reasons rest on?</h4><p>Before you see what happened: tick the "
                 "considerations your reasons rested on, as many as fit. At the end of the case the kit sets "
                 "what you tick beside what the option you chose relies on. None of them is a wrong answer.</p>")


class ReliedOnPart(View):
    """The considerations to tick after a commit; saving them opens the reveal (through `then`)."""

    def __init__(self, session: CaseSession, point_id: str, then: Callable[[], None]):
        self.session, self.point_id, self.then = session, point_id, then
        self.ticks = {slug: checkbox(words) for slug, words in load_vocabulary().considerations()}
        group = W.VBox(list(self.ticks.values()), layout=W.Layout(width="100%", height="auto"))
        group.add_class("kit-checks")
        self.save = button("Save what my reasons rested on", primary=True,
                           tooltip="Saves what you ticked (it stays as you first said); what happened comes next")
        self.status = Status()
        self.save.on_click(lambda _b: self.submit())
        self.widget = box(html(RELIED_ON_ASK), group, self.save, self.status.widget)

    @property
    def ticked(self) -> list[str]:
        return [slug for slug, tick in self.ticks.items() if tick.value]

    def submit(self) -> None:
        try:
            self.session.rely_on(self.point_id, self.ticked)
        except KitError as exc:
            self.status.say(str(exc), "error")
            return
        self.status.say(self.session.warning or "What your reasons rested on is saved.",
                        "warning" if self.session.warning else "ok")
        self.then()


def _p(text: str) -> str:
    return f"<p>{_html.escape(text)}</p>"


def _question(q: str | None) -> str:
    return f"<p><em>A question to consider:</em> {_html.escape(q)}</p>" if q else ""


def own_html(o: OwnReading, across_cases: bool = False, level: int = 6) -> str:
    """One point under its name: the choice, the learner's reasons quoted, what they said beside what the
    option relies on, and a question where the two differ."""
    h, c = f"h{min(level, 6)}", o.choice
    name = f"{c.point}, in {c.case}" if across_cases else c.point
    return (f'<div class="kit-own"><{h}>{_html.escape(name)}</{h}>'
            + "".join(_p(s) for s in o.body()) + _question(o.question) + "</div>")


def path_html(r: Reasoning) -> str:
    """The patterns in the learner's path, each named, where it showed, a question and its source."""
    if not r.path:
        return _p("Your path through the case showed none of the patterns the kit looks for across points "
                  "(an unmoved view, each point judged alone, confidence drifting, or high confidence apart "
                  "from both what was done and the review). Look back over it all the same: where did your "
                  "view move, and why?")
    parts = []
    for p in r.path:
        parts.append(f"<p><strong>{_html.escape(p.label)}</strong>. {_html.escape(p.summary)}</p>"
                     + _question(p.question))
        if p.reference:
            parts.append(f'<p class="kit-reading">From the literature: {_html.escape(p.reference)}</p>')
    return "".join(parts)


def option_patterns_html(r: Reasoning) -> str:
    """The patterns in the options the learner chose: each named, how often and where, where their
    confidence was highest, a question, and its source in the literature."""
    of = len(r.named)
    if not of:
        return ""
    parts = []
    for group, title in ((r.strengths, "Habits the literature recommends"),
                         (r.cautions, "Patterns the literature cautions about")):
        if not group:
            continue
        parts.append(f"<h5>{title}</h5>")
        for p in group:
            parts.append(f"<p><strong>{_html.escape(p.label)}</strong>. "
                         f"{_html.escape(' '.join(p.summary(of, r.across_cases)))}</p>" + _question(p.question))
            if p.reference:
                parts.append(f'<p class="kit-reading">From the literature: {_html.escape(p.reference)}</p>')
    return "".join(parts)


def reasoning_html(r: Reasoning, level: int = 4) -> str:
    """The whole feedback: what it is read from; your reasons beside your choices; the patterns in your
    path; the patterns in the options you chose. Never a mark. `level` is the sections' heading level."""
    h = f"h{level}"
    parts = [_p(r.opening())]
    if not r.choices:
        return "".join(parts)
    parts.append(f"<{h}>Your reasons beside your choices</{h}>")
    parts += [own_html(o, r.across_cases, level + 1) for o in r.own]
    parts += [f"<{h}>Patterns in your path through the case{'s' if r.across_cases else ''}</{h}>", path_html(r)]
    options = option_patterns_html(r)
    if options:
        parts += [f"<{h}>Patterns in the options you chose</{h}>", options]
    return "".join(parts)
