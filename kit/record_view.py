"""Widgets for the end of a case: where I place the reasons, Gibbs reflection, CPD entry, export."""

from __future__ import annotations

import base64
import html
from pathlib import Path

import ipywidgets as W

from .errors import KitError
from .learner import current_learner
from .reflection import (
    ATTRIBUTION_LEVELS,
    ATTRIBUTION_SCALE,
    CPD,
    CPD_STANDARD,
    GIBBS,
    cpd_defaults,
    latest,
    save_attribution,
    save_cpd,
    save_reflection,
)
from .session import CaseSession, open_case
from .ui import FULL, message
from .vocabulary import load_vocabulary

MIME = {"html": "text/html", "md": "text/markdown", "json": "application/json"}


def _area(label: str, placeholder: str, value: str = "") -> W.Textarea:
    return W.Textarea(continuous_update=False, value=value, description=label, placeholder=placeholder,
                      layout=W.Layout(width="100%", height="80px"), style={"description_width": "initial"})


def _saver(description: str, save, fields: dict) -> W.Widget:
    """A save button for a group of fields, with a status line."""
    button = W.Button(description=description, layout=W.Layout(width="auto"))
    status = W.HTML()

    def on_click(_b=None):
        try:
            save({k: w.value for k, w in fields.items()})
        except KitError as exc:
            status.value = message(str(exc), "error")
            return
        status.value = message("Saved.", "ok")

    button.on_click(on_click)
    return W.VBox([button, status])


def attribution_widget(case: CaseSession) -> W.Widget:
    vocab = load_vocabulary()
    saved = latest(case, "attribution")
    options = [(f"{v} {label}", v) for v, label in ATTRIBUTION_SCALE.items()]
    sliders = {lv: W.Dropdown(options=options, value=int(saved.get(lv, 0)), description=vocab.label("levels", lv),
                              style={"description_width": "220px"}) for lv in ATTRIBUTION_LEVELS}
    return W.VBox([W.HTML("<h3>Where do you place the reasons?</h3><p>How much did each level contribute to "
                          "what happened, in your view? There is no right answer; the workshop compares views.</p>"),
                   *sliders.values(), _saver("Save where I place the reasons", lambda v: save_attribution(case, v),
                                             sliders)])


def gibbs_widget(case: CaseSession) -> W.Widget:
    saved = latest(case, "reflection")
    areas = {k: _area(label, prompt, saved.get(k, "")) for k, label, prompt in GIBBS}
    return W.VBox([W.HTML("<h3>Reflection (Gibbs' cycle)</h3><p>Six stages, each optional. Write as much or as "
                          "little as helps you.</p>"), *areas.values(),
                   _saver("Save my reflection", lambda v: save_reflection(case, v), areas)])


def cpd_widget(case: CaseSession) -> W.Widget:
    saved = latest(case, "cpd") or cpd_defaults(case)
    areas = {k: _area(label, hint, saved.get(k, "")) for k, label, hint in CPD}
    domains = ", ".join(load_vocabulary().label("pcf_domains", d) for d in case.pack.pcf_domains)
    return W.VBox([W.HTML(f"<h3>CPD entry</h3><p>In the fields Social Work England asks for. It will be tagged "
                          f"to {html.escape(CPD_STANDARD)} and to the PCF domains this case touched: "
                          f"{html.escape(domains)}.</p>"), *areas.values(),
                   _saver("Save my CPD entry", lambda v: save_cpd(case, v), areas)])


def export_widget(learner: str, case: str | None = None) -> W.Widget:
    """Export the record; the file is saved in KIT_HOME/exports and offered as a download link."""
    from .export import export_record

    fmt = W.Dropdown(options=[("A web page to print or keep (HTML)", "html"), ("Markdown", "md"),
                              ("Data for a workshop or another tool (JSON)", "json")],
                     value="html", description="Format", style={"description_width": "initial"})
    scope = W.Dropdown(options=[("This case", case), ("All my cases", None)] if case else [("All my cases", None)],
                       description="Include", style={"description_width": "initial"})
    button = W.Button(description="Export my record", button_style="primary", layout=W.Layout(width="auto"))
    out = W.HTML()

    def on_click(_b=None):
        try:
            path = export_record(learner, scope.value, fmt.value)
        except KitError as exc:
            out.value = message(str(exc), "error")
            return
        data = base64.b64encode(path.read_bytes()).decode("ascii")
        out.value = (message(f"Saved to {path}.", "ok")
                     + f'<p><a download="{html.escape(path.name)}" href="data:{MIME[fmt.value]};base64,{data}">'
                       f"Download {html.escape(path.name)}</a></p>")

    button.on_click(on_click)
    return W.VBox([W.HTML("<h3>Export your record</h3><p>For your portfolio or CPD: your decisions and reasons "
                          "beside what happened and what the review found, your debate positions and reflections."
                          "</p>"), fmt, scope, button, out])


def record_view(pack: str | Path, learner: str | None = None) -> W.Widget:
    """The end-of-case activities for a pack: attribution, reflection, CPD entry and export."""
    try:
        case = open_case(pack, learner=learner or current_learner() or "anonymous")
    except KitError as exc:
        return W.HTML(message(str(exc), "error"))
    def build() -> list[W.Widget]:
        return [attribution_widget(case), gibbs_widget(case), cpd_widget(case),
                export_widget(case.learner, case.pack.id)]

    if case.acknowledged:
        return W.VBox(build(), layout=FULL)
    start = W.Button(description="Open my reflection and export", layout=W.Layout(width="auto"))
    status = W.HTML()
    box = W.VBox([start, status], layout=FULL)

    def on_start(_b=None):
        case.reload()  # the learner may have opened the case in the cell above since this ran
        if not case.acknowledged:
            status.value = message("Open the case above first: read its content note and choose to continue.",
                                   "info")
            return
        box.children = build()

    start.on_click(on_start)
    return box
