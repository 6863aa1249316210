"""The view of a reader-comment debate over a DebateSession."""

from __future__ import annotations

import html
from pathlib import Path

import ipywidgets as W

from ..debate import DebateSession
from ..errors import KitError
from ..html import bullet_list, esc
from ..vocabulary import STANCE_SCALE, load_vocabulary
from .base import (
    FULL,
    AfterTheGate,
    Notice,
    Status,
    View,
    box,
    button,
    for_learner,
    shared_session,
    text_area,
)

STANCE_OPTIONS = [(f"{v:+d} {label}" if v else f"0 {label}", v) for v, label in STANCE_SCALE.items()]


class DebateView(View):
    """Place each comment, compare with the kit's coding, then state a position."""

    def __init__(self, debate: DebateSession):
        self.debate = debate
        d = debate.debate
        people = load_vocabulary().lists["holds_accountable"]
        depth: dict[str, int] = {}
        self.placings: dict[str, W.Dropdown] = {}
        self.ticks: dict[str, dict[str, W.Checkbox]] = {}
        rows = []
        codes = debate.codes
        for c in d.comments:
            depth[c.id] = depth.get(c.reply_to, -1) + 1 if c.reply_to else 0
            reply = f" replying to {html.escape(d.comment(c.reply_to).author)}" if c.reply_to else ""
            role = f" ({html.escape(c.role)})" if c.role else ""
            head = W.HTML(f"<p><strong>{html.escape(c.author)}</strong>{role}{reply}</p>{esc(c.text)}")
            code = codes.get(c.id)
            placing = W.Dropdown(options=STANCE_OPTIONS, value=code.stance if code else 0,
                                description=f"Where does {c.author} stand?", style={"description_width": "initial"})
            ticks = {slug: W.Checkbox(value=bool(code and slug in code.holds_accountable), description=term.label,
                                      indent=False, layout=W.Layout(width="auto", margin="0 12px 0 0"))
                     for slug, term in people.items()}
            self.placings[c.id], self.ticks[c.id] = placing, ticks
            rows.append(W.VBox([head, placing, W.HTML(f"<p>Whom does {html.escape(c.author)} hold accountable?</p>"),
                                W.HBox(list(ticks.values()), layout=W.Layout(flex_flow="row wrap"))],
                               layout=W.Layout(margin=f"6px 0 6px {24 * min(depth[c.id], 4)}px",
                                               border="1px solid #ccc", padding="6px")))
        self.compare = button("Compare my coding with the kit's", primary=True)
        self.status = Status()
        self.result = W.HTML(layout=FULL)
        saved = debate.position
        self.position = text_area("My position", "Where do you stand, and why?",
                                  saved.position if saved else "", height="90px")
        self.other = text_area("The strongest case for the other side",
                               "Argue the view you disagree with as well as you can",
                               saved.other_side if saved else "", height="90px")
        self.save = button("Save my position")
        self.save_status = Status()
        self.compare.on_click(lambda _b: self.compare_codes())
        self.save.on_click(lambda _b: self.save_position())
        intro = (f"<h3>{html.escape(d.title)}</h3>" + (f"<p><em>{html.escape(d.source)}</em></p>" if d.source else "")
                 + "<p>The comments are paraphrased and the commenters anonymised. For each, choose where it "
                   "stands between <strong>individual accountability</strong> (-2) and <strong>context and "
                   "system</strong> (+2), and tick whom it holds accountable. Then compare with how the kit "
                   "coded it: neither coding is the answer.</p>")
        prompts = W.HTML("<h4>To discuss</h4>" + bullet_list(d.prompts) if d.prompts else "")
        self.widget = box(W.HTML(intro), *rows, self.compare, self.status.widget, self.result, prompts,
                          W.HTML("<h4>Your position</h4>"), self.position, self.other, self.save,
                          self.save_status.widget)
        if debate.revealed:
            self._show()

    def compare_codes(self) -> None:
        try:
            for cid, placing in self.placings.items():
                held = [slug for slug, tick in self.ticks[cid].items() if tick.value]
                self.debate.code(cid, placing.value, held)
            self.debate.reveal()
        except KitError as exc:
            self.status.say(str(exc), "error")
            return
        self._show()

    def _show(self) -> None:
        for cid in self.placings:
            self.placings[cid].disabled = True
            for tick in self.ticks[cid].values():
                tick.disabled = True
        self.compare.disabled = True
        df = self.debate.comparison()
        shown = df[["author", "your_stance", "pack_stance", "your_holds", "pack_holds"]].rename(columns={
            "author": "Comment by", "your_stance": "Your placing", "pack_stance": "Kit's placing",
            "your_holds": "You: accountable", "pack_holds": "Kit: accountable"})
        diffs = self.debate.differences()
        self.result.value = ("<h4>Your coding beside the kit's</h4>" + shown.to_html(index=False, escape=True, border=0)
                             + ("<h4>Where you differ most</h4>" + bullet_list(diffs) if diffs else
                                "<p>You and the kit placed every comment within one step of each other.</p>"))

    def save_position(self) -> None:
        try:
            self.debate.save_position(self.position.value, self.other.value)
        except KitError as exc:
            self.save_status.say(str(exc), "error")
            return
        self.save_status.say("Your position is saved.", "ok")


def debate_view(pack: str | Path, debate_id: str | None = None, learner: str | None = None) -> View:
    """A debate from a pack, after the case's content note; a plain sentence if it has none."""

    def build(who: str) -> View:
        session = shared_session(pack, who)
        if not session.pack.debates:
            return Notice("This case has no reader-comment debate. The debates notebook "
                          "has the debates from the other cases.")
        debate = DebateSession(session, debate_id)
        return AfterTheGate(session, lambda: DebateView(debate), "the debate")

    return for_learner(build, learner)
