"""The one shape every view has, and the pieces every view shares.

A view is an object with named parts (the widgets a learner uses, as attributes) and one
`widget` that holds them. It displays itself in JupyterLab and Voila like a widget, so a
notebook cell ends with it; tests hold it and drive its parts with `.value` and `.click()`.
Views call the model (session, debate, reflection, ...) and redraw; rules live in the model.
"""

from __future__ import annotations

from collections.abc import Callable

import ipywidgets as W

from ..errors import KitError
from ..html import esc, message
from ..learner import current_learner, set_learner
from ..session import CaseSession, open_case
from ..settings import shared_dir
from ..support import support_text

FULL = W.Layout(width="100%")


class View:
    """A widget view with named parts. Subclasses set `self.widget` and their parts."""

    widget: W.Box

    def _repr_mimebundle_(self, **kwargs):  # a notebook shows the view as its widget
        return self.widget._repr_mimebundle_(**kwargs)

    def show(self, *children: W.Widget) -> None:
        """Replace what the view shows (its parts stay reachable as attributes)."""
        self.widget.children = list(children)


def box(*children: W.Widget) -> W.VBox:
    return W.VBox(list(children), layout=FULL)


def html(value: str = "") -> W.HTML:
    return W.HTML(value, layout=FULL)


def button(description: str, *, primary: bool = False, tooltip: str = "") -> W.Button:
    return W.Button(description=description, button_style="primary" if primary else "", tooltip=tooltip,
                    layout=W.Layout(width="auto"))


def text_area(label: str, placeholder: str = "", value: str = "", *, height: str = "80px") -> W.Textarea:
    """A text box that syncs when it loses focus, so a fast Tab then Enter loses nothing typed."""
    return W.Textarea(continuous_update=False, value=value, description=label, placeholder=placeholder,
                      layout=W.Layout(width="100%", height=height), style={"description_width": "initial"})


class Status:
    """A status line (announced to screen readers) under a control."""

    def __init__(self) -> None:
        self.widget = html()

    def say(self, text: str, kind: str = "info") -> None:
        self.widget.value = message(text, kind)

    def clear(self) -> None:
        self.widget.value = ""

    @property
    def text(self) -> str:
        return self.widget.value


_SESSIONS: dict[tuple[str, str], CaseSession] = {}  # one session per case and learner in this kernel
_GATED: set[int] = set()  # sessions whose content gate is already on the page


def shared_session(pack, learner: str) -> CaseSession:
    """The session for this case and learner that every view in this kernel shares, so a
    commit or an acknowledgement in one view reaches the others on the page."""
    session = open_case(pack, learner=learner)
    key = (str(session.source or session.pack.id), session.learner)
    if key not in _SESSIONS:
        _SESSIONS[key] = session
    else:
        _SESSIONS[key].reload()
    return _SESSIONS[key]


def support_html() -> str:
    return "<details><summary>Where to find support</summary>" + esc(support_text()) + "</details>"


class ContentGate(View):
    """A case's content note, with going on and stepping out: the one gate before any case content."""

    def __init__(self, session: CaseSession, on_open: Callable[[], None],
                 go_label: str = "I have read this: open the case"):
        _GATED.add(id(session))
        self.session = session
        self._on_open = on_open
        self.note = html("<h3>Content note</h3>" + esc(session.content_note)
                         + "<p>You can step out now or at any point, without giving a reason.</p>" + support_html())
        self.go_on = button(go_label, primary=True)
        self.step_out_button = button("Step out of this case")
        self.go_on.on_click(lambda _b: self.open())
        self.step_out_button.on_click(lambda _b: self.step_out())
        self.widget = box(self.note, W.HBox([self.go_on, self.step_out_button]))

    def open(self) -> None:
        self.session.acknowledge()
        self._on_open()

    def step_out(self) -> None:
        text = self.session.step_out()
        self.show(html("<h3>You have stepped out of this case</h3>"
                       "<p>Nothing more of the case will be shown. You can come back to it later, "
                       "or choose another activity.</p>" + esc(text)))


class Saver(View):
    """A save button for a group of named fields, with a status line."""

    def __init__(self, description: str, save: Callable[[dict], object], fields: dict[str, W.Widget],
                 saved: str = "Saved."):
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
        self.name = W.Text(continuous_update=False, value=current_learner() or "",
                           placeholder="e.g. Robin, or Student 7", description="Your pseudonym",
                           style={"description_width": "initial"})
        self.use = button("Use this pseudonym", primary=True)
        self.status = Status()
        self.use.on_click(lambda _b: self.choose())
        self.widget = box(html("<p>Choose a pseudonym: any name you like, <strong>not</strong> your real "
                               "name. Your decisions are saved under it on this computer.</p>"),
                          W.HBox([self.name, self.use]), self.status.widget)

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


# In a shared app (kit app --shared) the learner comes from the page, never from a remembered
# pseudonym: views/join.py (imported with the views package) registers how, here.
_SHARED_APP: dict[str, Callable] = {}


def register_shared_app(view_for_page: Callable[[Callable[[str], View]], View],
                        picker_for_page: Callable[[], View]) -> None:
    _SHARED_APP.update(view=view_for_page, picker=picker_for_page)


def picker() -> View:
    """The start page's pseudonym picker; in a shared app, the page's learner or the join form."""
    if shared_dir() is not None:
        return _SHARED_APP["picker"]()
    return PseudonymPicker()


class Notice(View):
    """One sentence in place of a view that cannot open (a bad pack, a case without a debate)."""

    def __init__(self, text: str, kind: str = "info"):
        self.message = html(message(text, kind))
        self.widget = box(self.message)


class LearnerFirst(View):
    """Asks for a pseudonym first, then shows the view built for that learner (`.view`).

    Learner work is never saved under a made-up name: without a pseudonym nothing opens.
    """

    def __init__(self, build: Callable[[str], View]):
        self._build = build
        self.view: View | None = None
        self.picker = PseudonymPicker(on_chosen=self._open)
        self.widget = box(html("<p>Choose your pseudonym first: any name you like, not your real name. "
                               "The start page asks for it too.</p>"), self.picker.widget)

    def _open(self, who: str) -> None:
        self.view = for_learner(self._build, who)
        self.show(self.view.widget)


def for_learner(build: Callable[[str], View], learner: str | None = None) -> View:
    """The view built for the given or remembered learner; the pseudonym picker first if there is
    none; one sentence instead if the view cannot open. In a shared app (kit app --shared) the
    learner is the page's own (its learner key, or the join form), never a remembered pseudonym."""
    if learner is None and shared_dir() is not None:
        return _SHARED_APP["view"](build)
    who = learner or current_learner()
    if not who:
        return LearnerFirst(build)
    try:
        return build(who)
    except KitError as exc:
        return Notice(str(exc), "error")


class AfterTheGate(View):
    """A part of a case page that opens once the learner has read the content note.

    If the page already shows the case's content note (the case view above), this waits for it
    and opens by itself; a page without one (the debates notebook) shows its own gate.
    """

    def __init__(self, session: CaseSession, build: Callable[[], View], what: str):
        self.session, self._build, self.inner = session, build, None
        self.widget = box()
        if session.acknowledged:
            self._open()
        elif id(session) in _GATED:
            self.waiting = html(message(f"Read the content note at the top and open the case first; {what} then "
                                        "opens here by itself.", "info"))
            self.show(self.waiting)
            session.subscribe(self._maybe_open)
        else:
            self.gate = ContentGate(session, on_open=self._open, go_label="I have read this: continue")
            self.show(self.gate.widget)

    def _maybe_open(self) -> None:
        if self.inner is None and self.session.acknowledged:
            self._open()

    def _open(self) -> None:
        self.inner = self._build()
        self.show(self.inner.widget)
