"""Widget view of a reader-comment debate over a DebateSession (returned, never displayed)."""

from __future__ import annotations

import html
from pathlib import Path

import ipywidgets as W

from .debate import STANCE_LABELS, DebateSession
from .errors import KitError
from .learner import current_learner
from .session import CaseSession, open_case
from .ui import FULL, bullet_list, esc, message, support_html
from .vocabulary import load_vocabulary

STANCE_OPTIONS = [(f"{v:+d} {label}" if v else f"0 {label}", v) for v, label in STANCE_LABELS.items()]


def content_gate(session: CaseSession, on_ready) -> W.Widget:
    """The case's content note with go-on and step-out buttons; calls on_ready once acknowledged."""
    note = W.HTML("<h3>Content note</h3>" + esc(session.content_note) + support_html())
    go = W.Button(description="I have read this: continue", button_style="primary", layout=W.Layout(width="auto"))
    out = W.Button(description="Step out", layout=W.Layout(width="auto"))
    box = W.VBox([note, W.HBox([go, out])])

    def on_go(_b=None):
        session.acknowledge()
        on_ready()

    def on_out(_b=None):
        box.children = [W.HTML("<h3>You have stepped out</h3>" + esc(session.step_out()))]

    go.on_click(on_go)
    out.on_click(on_out)
    return box


class DebateView:
    def __init__(self, debate: DebateSession):
        self.debate = debate
        d = debate.debate
        people = load_vocabulary().lists["holds_accountable"]
        depth: dict[str, int] = {}
        self.sliders: dict[str, W.Dropdown] = {}
        self.ticks: dict[str, dict[str, W.Checkbox]] = {}
        rows = []
        codes = debate.codes
        for c in d.comments:
            depth[c.id] = depth.get(c.reply_to, -1) + 1 if c.reply_to else 0
            reply = f" replying to {html.escape(d.comment(c.reply_to).author)}" if c.reply_to else ""
            role = f" ({html.escape(c.role)})" if c.role else ""
            head = W.HTML(f"<p><strong>{html.escape(c.author)}</strong>{role}{reply}</p>{esc(c.text)}")
            code = codes.get(c.id)
            slider = W.Dropdown(options=STANCE_OPTIONS, value=code.stance if code else 0,
                                description=f"Where does {c.author} stand?", style={"description_width": "initial"})
            ticks = {slug: W.Checkbox(value=bool(code and slug in code.holds_accountable), description=term.label,
                                      indent=False, layout=W.Layout(width="auto", margin="0 12px 0 0"))
                     for slug, term in people.items()}
            self.sliders[c.id], self.ticks[c.id] = slider, ticks
            rows.append(W.VBox([head, slider, W.HTML(f"<p>Whom does {html.escape(c.author)} hold accountable?</p>"),
                                W.HBox(list(ticks.values()), layout=W.Layout(flex_flow="row wrap"))],
                               layout=W.Layout(margin=f"6px 0 6px {24 * min(depth[c.id], 4)}px",
                                               border="1px solid #ccc", padding="6px")))
        self.compare = W.Button(description="Compare my coding with the pack's", button_style="primary",
                                layout=W.Layout(width="auto"))
        self.status = W.HTML()
        self.result = W.HTML(layout=FULL)
        self.position = W.Textarea(continuous_update=False, description="My position", placeholder="Where do you stand, and why?",
                                   layout=W.Layout(width="100%", height="90px"), style={"description_width": "initial"})
        self.other = W.Textarea(continuous_update=False, description="The strongest case for the other side",
                                placeholder="Argue the view you disagree with as well as you can",
                                layout=W.Layout(width="100%", height="90px"), style={"description_width": "initial"})
        saved = debate.position or {}
        self.position.value, self.other.value = saved.get("position", ""), saved.get("other_side", "")
        self.save = W.Button(description="Save my position", layout=W.Layout(width="auto"))
        self.save_status = W.HTML()
        self.compare.on_click(self._on_compare)
        self.save.on_click(self._on_save)
        intro = (f"<h3>{html.escape(d.title)}</h3>" + (f"<p><em>{html.escape(d.source)}</em></p>" if d.source else "")
                 + "<p>The comments are paraphrased and the commenters anonymised. For each, choose where it "
                   "stands between <strong>individual accountability</strong> (-2) and <strong>context and "
                   "system</strong> (+2), and tick whom it holds accountable. Then compare with how the kit "
                   "coded it: neither coding is the answer.</p>")
        prompts = W.HTML("<h4>To discuss</h4>" + bullet_list(d.prompts) if d.prompts else "")
        self.widget = W.VBox([W.HTML(intro), *rows, self.compare, self.status, self.result, prompts,
                              W.HTML("<h4>Your position</h4>"), self.position, self.other, self.save,
                              self.save_status], layout=FULL)
        if debate.revealed:
            self._show()

    def _on_compare(self, _b=None):
        try:
            for cid, slider in self.sliders.items():
                held = [slug for slug, box in self.ticks[cid].items() if box.value]
                self.debate.code(cid, slider.value, held)
            self.debate.reveal()
        except KitError as exc:
            self.status.value = message(str(exc), "error")
            return
        self._show()

    def _show(self):
        for cid in self.sliders:
            self.sliders[cid].disabled = True
            for box in self.ticks[cid].values():
                box.disabled = True
        self.compare.disabled = True
        df = self.debate.comparison()
        shown = df[["author", "your_stance", "pack_stance", "your_holds", "pack_holds"]].rename(columns={
            "author": "Comment by", "your_stance": "Your placing", "pack_stance": "Kit's placing",
            "your_holds": "You: accountable", "pack_holds": "Kit: accountable"})
        diffs = self.debate.differences()
        self.result.value = ("<h4>Your coding beside the kit's</h4>" + shown.to_html(index=False, escape=True, border=0)
                             + ("<h4>Where you differ most</h4>" + bullet_list(diffs) if diffs else
                                "<p>You and the kit placed every comment within one step of each other.</p>"))

    def _on_save(self, _b=None):
        try:
            self.debate.save_position(self.position.value, self.other.value)
        except KitError as exc:
            self.save_status.value = message(str(exc), "error")
            return
        self.save_status.value = message("Your position is saved.", "ok")


def debate_view(pack: str | Path, debate_id: str | None = None, learner: str | None = None) -> W.Widget:
    """A debate from a pack, behind the pack's content note; a plain message if it has none."""
    box = W.VBox(layout=FULL)
    try:
        session = open_case(pack, learner=learner or current_learner() or "anonymous")
        if not session.pack.debates:
            return W.HTML(message("This case has no reader-comment debate. The debates notebook "
                                  "has the debates from the other cases.", "info"))
        debate = DebateSession(session, debate_id)
    except KitError as exc:
        return W.HTML(message(str(exc), "error"))

    def show():
        box.children = [DebateView(debate).widget]

    if session.acknowledged:
        show()
    else:
        box.children = [content_gate(session, show)]
    return box
