"""The building blocks every view is made of, so the kit looks and behaves the same everywhere.

- `frame`: the element every displayed view sits in (class ``kit``), with the kit's one
  stylesheet (kit/data/kit.css) brought to the page by `Stylesheet`, in JupyterLab and Voila.
- `Choice`: an option list as one accessible radio group (one Tab stop, arrow keys between
  options, the control before its text), driven from Python through `.value` like any widget.
- `Live`: a status line that screen readers announce when it changes (a live region that stays
  on the page, so each new message is read out).
- `ResumeHere`: on a reload, the page scrolls back to the point the learner was on.
- Form rows: `text_field`, `line_field`, `rating_row`, `checkbox`; and `actions`, `card`.

The small custom widgets are anywidget modules (plain JavaScript, no build step); the rest
are ipywidgets with the stylesheet's classes.
"""

from __future__ import annotations

from functools import cache

import anywidget
import ipywidgets as W
import traitlets as t

from ..settings import data_dir


@cache
def stylesheet_text() -> str:
    """The kit's stylesheet (kit/data/kit.css)."""
    return (data_dir() / "kit.css").read_text(encoding="utf-8")


class Stylesheet(anywidget.AnyWidget):
    """Shows nothing; puts the kit's stylesheet in the page's head (once, however often shown)."""

    _esm = "export default { render({ el }) { el.classList.add('kit-stylesheet'); } };"
    _css = t.Unicode("").tag(sync=True)

    def __init__(self) -> None:
        super().__init__(_css=stylesheet_text(), layout=W.Layout(height="0px", margin="0", overflow="hidden"))


@cache
def stylesheet() -> Stylesheet:
    """The one stylesheet widget of this kernel (shown in every frame)."""
    return Stylesheet()


def frame(widget: W.Widget) -> W.VBox:
    """The element a view is displayed in: the kit's class and stylesheet around the view's widget."""
    outer = W.VBox([stylesheet(), widget], layout=W.Layout(width="100%"))
    outer.add_class("kit")
    return outer


CHOICE_JS = r"""
function render({ model, el }) {
  // A name of its own: radios sharing a name are one group, even across widgets.
  const name = `kit-choice-${Math.random().toString(36).slice(2)}${Math.random().toString(36).slice(2)}`;
  const group = document.createElement("fieldset");
  group.className = "kit-choice";
  const legend = document.createElement("legend");
  const list = document.createElement("div");
  list.className = "kit-choice-options";
  group.append(legend, list);
  el.append(group);
  const same = (a, b) => a === b || (a !== null && b !== null && JSON.stringify(a) === JSON.stringify(b));
  function mark() {
    const value = model.get("value");
    const options = model.get("options");
    list.querySelectorAll("input").forEach((input, i) => {
      input.checked = options[i] !== undefined && same(options[i][1], value);
      input.disabled = model.get("disabled");
    });
  }
  function draw() {
    legend.textContent = model.get("description");
    group.classList.toggle("kit-choice-inline", model.get("inline"));
    list.replaceChildren();
    model.get("options").forEach(([text, value]) => {
      const label = document.createElement("label");
      label.className = "kit-choice-option";
      const input = document.createElement("input");
      input.type = "radio";
      input.name = name;
      input.addEventListener("change", () => {
        if (input.checked) { model.set("value", value); model.save_changes(); }
      });
      const words = document.createElement("span");
      words.textContent = text;
      label.append(input, words);
      list.append(label);
    });
    mark();
  }
  draw();
  model.on("change:options", draw);
  model.on("change:description", draw);
  model.on("change:inline", draw);
  model.on("change:value", mark);
  model.on("change:disabled", mark);
  return () => {
    model.off("change:options", draw);
    model.off("change:description", draw);
    model.off("change:inline", draw);
    model.off("change:value", mark);
    model.off("change:disabled", mark);
  };
}
export default { render };
"""


class Choice(anywidget.AnyWidget):
    """An option list as one radio group: a legend (the question), then each option with its radio
    button before its words. One Tab stop; arrow keys move between options; nothing is chosen
    until the learner chooses. `options` are (words, value) pairs; `value` is the chosen value
    or None; setting a value that is not an option is refused."""

    _esm = CHOICE_JS
    description = t.Unicode("").tag(sync=True)
    options = t.List(t.Tuple(t.Unicode(), t.Any())).tag(sync=True)
    value = t.Any(None, allow_none=True).tag(sync=True)
    disabled = t.Bool(False).tag(sync=True)
    inline = t.Bool(False).tag(sync=True)

    def __init__(self, options, value=None, description: str = "", *, inline: bool = False, **kwargs) -> None:
        pairs = [(str(o[0]), o[1]) if isinstance(o, tuple | list) else (str(o), o) for o in options]
        super().__init__(options=pairs, description=description, inline=inline,
                         layout=W.Layout(width="100%"), **kwargs)
        self.value = value

    @t.validate("value")
    def _an_option(self, proposal):
        value = proposal["value"]
        if value is not None and value not in [v for _, v in self.options]:
            raise t.TraitError(f"{value!r} is not one of the options of '{self.description}'.")
        return value

    @property
    def label(self) -> str | None:
        """The words of the chosen option, or None."""
        return next((words for words, v in self.options if v == self.value and self.value is not None), None)


LIVE_JS = r"""
function render({ model, el }) {
  const line = document.createElement("div");
  line.setAttribute("role", "status");
  line.setAttribute("aria-live", "polite");
  line.setAttribute("aria-atomic", "true");
  el.append(line);
  function draw() {
    const text = model.get("text");
    line.className = `kit-status kit-status-${model.get("kind")}`;
    line.replaceChildren();
    if (!text) return;
    const label = document.createElement("strong");
    label.textContent = `${model.get("label")}: `;
    line.append(label, document.createTextNode(text));
  }
  draw();
  model.on("change:text change:kind change:label", draw);
  return () => model.off("change:text change:kind change:label", draw);
}
export default { render };
"""


class Live(anywidget.AnyWidget):
    """A status line that stays on the page as a live region, so each message is announced."""

    _esm = LIVE_JS
    text = t.Unicode("").tag(sync=True)
    kind = t.Unicode("info").tag(sync=True)
    label = t.Unicode("").tag(sync=True)

    def __init__(self) -> None:
        super().__init__(layout=W.Layout(width="100%"))


RESUME_JS = r"""
function render({ model, el }) {
  // Once, when the page is drawn (a reload in Voila or Lab): bring the learner back to where they were.
  if (!model.get("active")) return;
  let tries = 0;
  const look = () => {
    const root = el.closest(".kit") || document;
    const here = root.querySelector("." + model.get("target"));
    if (here) {
      here.scrollIntoView({ block: "start" });
      const heading = here.querySelector("h3");
      if (heading) { heading.setAttribute("tabindex", "-1"); heading.focus({ preventScroll: true }); }
    } else if (tries++ < 50) {
      setTimeout(look, 100);
    }
  };
  setTimeout(look, 50);
}
export default { render };
"""


class ResumeHere(anywidget.AnyWidget):
    """Shows nothing; when the page is drawn, scrolls to the part marked with the class `target` (the
    point the learner was on) and puts the keyboard there, if `active`."""

    _esm = RESUME_JS
    target = t.Unicode("kit-current").tag(sync=True)
    active = t.Bool(False).tag(sync=True)

    def __init__(self, active: bool = False) -> None:
        super().__init__(active=active, layout=W.Layout(height="0px", margin="0", overflow="hidden"))


def _field(widget: W.Widget, css: str = "kit-field") -> W.Widget:
    widget.add_class(css)
    return widget


def text_field(label: str, placeholder: str = "", value: str = "", *, rows: int = 4) -> W.Textarea:
    """A labelled text box (label above it, at the same left edge as every other), synced when it
    loses focus, so a fast Tab then Enter loses nothing typed."""
    return _field(W.Textarea(continuous_update=False, value=value, description=label, placeholder=placeholder,
                             rows=rows, layout=W.Layout(width="100%", height="auto"),
                             style={"description_width": "initial"}))


def line_field(label: str, placeholder: str = "", value: str = "", *, short: bool = False) -> W.Text:
    """A labelled one-line box (a date, a name, a code)."""
    box = _field(W.Text(continuous_update=False, value=value, description=label, placeholder=placeholder,
                        layout=W.Layout(width="100%", height="auto"), style={"description_width": "initial"}))
    if short:
        box.add_class("kit-short")
    return box


def rating_row(label: str, options, value) -> W.Dropdown:
    """A labelled choice from a short list: label and list side by side, stacked on a narrow screen;
    the list is as wide as its longest option, so nothing is cut off."""
    return _field(W.Dropdown(options=options, value=value, description=label,
                             layout=W.Layout(width="100%", height="auto"),
                             style={"description_width": "initial"}), "kit-row")


def checkbox(label: str, value: bool = False) -> W.Checkbox:
    """A checkbox with its words beside it (they wrap on a narrow screen)."""
    return _field(W.Checkbox(value=value, description=label, indent=False,
                             layout=W.Layout(width="auto", height="auto")), "kit-check")


def actions(*buttons: W.Widget) -> W.HBox:
    """A row of buttons that wraps on a narrow screen."""
    row = W.HBox(list(buttons), layout=W.Layout(width="100%", height="auto"))
    row.add_class("kit-actions")
    return row


def card(*children: W.Widget) -> W.VBox:
    """A bordered group (one decision point, one comment)."""
    box = W.VBox(list(children), layout=W.Layout(width="100%", height="auto"))
    box.add_class("kit-card")
    return box
