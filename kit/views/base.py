"""The one shape every view has, and the pieces every view shares.

A view is an object with named parts (the widgets a learner uses, as attributes) and one
`widget` that holds them. It displays itself in JupyterLab and Voila like a widget, so a
notebook cell ends with it; tests hold it and drive its parts with `.value` and `.click()`.
Views call the model (session, debate, reflection, ...) and redraw; rules live in the model.
"""

from __future__ import annotations

import html as _html
from collections.abc import Callable

import ipywidgets as W

from .. import context
from ..errors import KitError
from ..html import STATUS, callout, details, esc, message
from ..learner import current_learner, set_learner
from ..session import CaseSession, open_case
from ..support import default_list_notice, load_support
from .parts import Live, actions, frame, line_field, text_field


def full() -> W.Layout:
    """A full-width layout, new each time: widgets must never share a Layout (hiding one would hide all)."""
    return W.Layout(width="100%")


class View:
    """A widget view with named parts. Subclasses set `self.widget` and their parts."""

    widget: W.Box

    def _repr_mimebundle_(self, **kwargs):  # a notebook shows the view as its widget, in the kit's frame
        if getattr(self, "_frame", None) is None:
            self._frame = frame(self.widget)
        return self._frame._repr_mimebundle_(**kwargs)

    def show(self, *children: W.Widget) -> None:
        """Replace what the view shows (its parts stay reachable as attributes)."""
        self.widget.children = list(children)


def box(*children: W.Widget) -> W.VBox:
    return W.VBox(list(children), layout=full())


def html(value: str = "") -> W.HTML:
    return W.HTML(value, layout=full())


def button(description: str, *, primary: bool = False, tooltip: str = "") -> W.Button:
    """A button as wide as its words (they wrap on a narrow screen)."""
    return W.Button(description=description, button_style="primary" if primary else "", tooltip=tooltip,
                    layout=W.Layout(width="auto", height="auto"))


def text_area(label: str, placeholder: str = "", value: str = "", *, rows: int = 4) -> W.Textarea:
    """A labelled text box (see parts.text_field)."""
    return text_field(label, placeholder, value, rows=rows)


class Status:
    """A status line under a control: a live region, so screen readers announce each message."""

    def __init__(self) -> None:
        self.widget = Live()

    def say(self, text: str, kind: str = "info") -> None:
        self.widget.label, self.widget.kind, self.widget.text = STATUS[kind], kind, text

    def clear(self) -> None:
        self.widget.text = ""

    @property
    def text(self) -> str:
        """What it says, with its kind in words ('Saved: ...'), or '' when it says nothing."""
        return f"{self.widget.label}: {self.widget.text}" if self.widget.text else ""


def shared_session(pack, learner: str) -> CaseSession:
    """The session for this case and learner that every view in this kernel shares, so a
    commit or an acknowledgement in one view reaches the others on the page."""
    session = open_case(pack, learner=learner)
    key = (str(session.source or session.pack.id), session.learner)
    sessions = context.current().sessions
    if key not in sessions:
        sessions[key] = session
    else:
        sessions[key].reload()
    return sessions[key]


def support_body_html() -> str:
    """The institution's support (or the kit's default list) as HTML, every text escaped."""
    s = load_support()
    if s.markdown:
        body = esc(s.markdown)
    else:
        rows = "".join(
            f"<li><strong>{_html.escape(c.name)}</strong>, for {_html.escape(c.what_for)}: {_html.escape(c.how)}"
            + (f' (<a href="{_html.escape(c.link, quote=True)}" target="_blank" rel="noopener">'
               f"{_html.escape(_site(c.link))}</a>)" if c.link else "") + ".</li>" for c in s.contacts)
        body = esc(s.intro) + f"<ul>{rows}</ul>"
    return body + (message(s.problem, "warning") if s.problem else "")


def _site(link: str) -> str:
    """A web address as a person reads it: 'samaritans.org' for https://www.samaritans.org/."""
    site = link.split("://", 1)[-1].removeprefix("www.").rstrip("/")
    return site if len(site) <= 40 else site.split("/", 1)[0]


def facilitator_support_notice_html() -> str:
    """For a facilitator's page only, never a learner's: one line when learners are shown the kit's default
    support list rather than the institution's, saying how to set theirs; nothing otherwise."""
    notice = default_list_notice()
    return message(notice, "warning") if notice else ""


def support_html(*, opened: bool = False) -> str:
    return callout(details("Where to find support", support_body_html(), opened=opened), "support")


class ContentGate(View):
    """A case's content note, with going on and stepping out: the one gate before any case content.

    Once the case is open the gate stays on the page as a bar (the content note and support to
    reopen, and *Step out of this case*), so stepping out is one click away at every point. After
    stepping out it shows support and *Come back to this case*, which opens the case where the
    learner left it. `on_change` is called after each of the learner's choices here.
    """

    def __init__(self, session: CaseSession, on_change: Callable[[], None],
                 go_label: str = "I have read this: open the case"):
        context.current().gated.add(id(session))
        self.session = session
        self._on_change = on_change
        self.note = html(callout("<h3>Content note</h3>" + esc(session.content_note)
                                 + "<p>You can step out now or at any point, without giving a reason.</p>", "warning")
                         + support_html())
        self.go_on = button(go_label, primary=True)
        self.step_out_button = button("Step out of this case",
                                      tooltip="Leave the case now, with no reason asked; you can come back later")
        self.come_back = button("Come back to this case", primary=True,
                                tooltip="Open the case again where you left it")
        self.opened = W.HTML(layout=W.Layout(width="auto"))  # once open: note and support
        self.bar = W.HBox([self.opened, self.step_out_button], layout=W.Layout(width="100%", height="auto"))
        self.bar.add_class("kit-bar")  # the way out is never squeezed: the bar wraps instead
        self.away = html()  # after stepping out: support, and the way back in
        self.go_on.on_click(lambda _b: self.open())
        self.step_out_button.on_click(lambda _b: self.step_out())
        self.come_back.on_click(lambda _b: self.step_back_in())
        self.widget = box()
        self.redraw()

    def redraw(self) -> None:
        """Show what fits the learner's state: the note, the bar over an open case, or the way back."""
        s = self.session
        if s.stepped_out:
            self.away.value = ("<h3>You have stepped out of this case</h3>"
                               "<p>Nothing more of the case is shown. You did not need to give a reason, and "
                               "nothing is lost: your work so far is saved. You can come back to the case when "
                               "you choose, where you left it, or do another activity instead.</p>"
                               + support_html(opened=True))
            self.show(self.away, self.come_back)
        elif s.acknowledged:
            self.opened.value = details("Content note and support", esc(s.content_note) + support_body_html())
            self.show(self.bar)
        else:
            self.show(self.note, actions(self.go_on, self.step_out_button))

    def open(self) -> None:
        self.session.acknowledge()
        self.redraw()
        self._on_change()

    def step_out(self) -> None:
        self.session.step_out()
        self.redraw()
        self._on_change()

    def step_back_in(self) -> None:
        self.session.step_back_in()
        self.redraw()
        self._on_change()


class Saver(View):
    """A save button for a group of named fields, with a status line."""

    def __init__(self, description: str, save: Callable[[dict], object], fields: dict[str, W.Widget],
                 saved: str = "Kept with your work."):
        self.fields = fields
        self.button = button(description)
        self.status = Status()
        self._save, self._saved = save, saved
        self.button.on_click(lambda _b: self.save())
        self.widget = box(self.button, self.status.widget)

    def save(self) -> None:
        try:
            self._save({k: w.value for k, w in self.fields.items()})
        except KitError as exc:
            self.status.say(str(exc), "error")
            return
        self.status.say(self._saved, "ok")


class PseudonymPicker(View):
    """Choose a pseudonym (remembered on this computer for every notebook)."""

    def __init__(self, on_chosen: Callable[[str], None] | None = None):
        self._on_chosen = on_chosen
        self.name = line_field("Your pseudonym", "e.g. Robin, or Student 7", current_learner() or "", short=True)
        self.use = button("Use this pseudonym", primary=True)
        self.status = Status()
        self.use.on_click(lambda _b: self.choose())
        self.widget = box(self.name, self.use, self.status.widget)  # the page around it says what it is for

    def choose(self) -> str | None:
        try:
            who = set_learner(self.name.value)
        except KitError as exc:
            self.status.say(str(exc), "error")
            return None
        self.status.say(f"You are working as '{who}'. Your work is saved under this name.", "ok")
        if self._on_chosen:
            self._on_chosen(who)
        return who


class Notice(View):
    """One sentence in place of a view that cannot open (a bad pack, a case without a debate)."""

    def __init__(self, text: str, kind: str = "info"):
        self.message = html(message(text, kind))
        self.widget = box(self.message)


class AfterTheGate(View):
    """A part of a case page that opens once the learner has read the content note.

    If the page already shows the case's content note (the case view above), this waits for it
    and opens by itself; a page without one (the debates notebook) shows its own gate. While the
    learner has stepped out of the case it shows nothing of the case, and it opens again when
    they come back.
    """

    inner: View | None  # the part, once built

    def __init__(self, session: CaseSession, build: Callable[[], View], what: str):
        self.session, self._build, self.inner, self.gate = session, build, None, None
        self.widget = box()
        self.waiting = html(message(f"Read the content note at the top and open the case first; {what} then "
                                    "opens here by itself.", "info"))
        self.away = html(message(f"You have stepped out of this case, so {what} is hidden. Come back to the "
                                 "case at the top when you choose.", "info"))
        if id(session) in context.current().gated:  # the case view above holds the gate: follow it
            session.subscribe(self._update)
        else:
            self.gate = ContentGate(session, on_change=self._update, go_label="I have read this: continue")
        self._update()

    def _update(self) -> None:
        s = self.session
        open_now = s.acknowledged and not s.stepped_out
        if open_now and self.inner is None:
            self.inner = self._build()
        shown = [self.inner.widget] if open_now and self.inner is not None else []
        if self.gate is not None:
            self.show(self.gate.widget, *shown)
        else:
            self.show(*(shown or [self.away if s.stepped_out else self.waiting]))
