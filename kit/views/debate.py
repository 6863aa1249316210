"""The view of a reader-comment debate over a DebateSession.

A case's debate opens once the learner has finished the case (every decision committed), or
on a deliberate "Show the debate anyway": the comments were written knowing the outcome.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import cast

import ipywidgets as W

from ..debate import MIN_OTHER_SIDE_WORDS, STEELMAN, DebateSession, one_scale_words, people, rating
from ..errors import KitError
from ..html import bullet_list, esc, message, table_html
from ..models import Comment
from ..vocabulary import RATING_SCALE, load_vocabulary
from .base import (
    AfterTheGate,
    Notice,
    Status,
    View,
    box,
    button,
    full,
    shared_session,
    text_area,
)
from .page import for_learner
from .parts import card, checkbox, rating_row

NOT_PLACED = "not placed yet"
UNPLACED = -1  # the dropdowns' value for "not placed yet" (a Dropdown shows None as no selection at all)
RATING_OPTIONS = [(NOT_PLACED, UNPLACED)] + [(f"{v} {label}", v) for v, label in RATING_SCALE.items()]
WHY_WAIT = ("The comments were written by people who knew how the case ended. Reading them before "
            "your own decisions brings that hindsight into them, so the debate opens here once you "
            "have committed every decision in the case.")


class DebateView(View):
    """Place each comment on two scales, compare with the kit's coding, then state a position."""

    def __init__(self, debate: DebateSession):
        self.debate = debate
        d = debate.debate
        holders = load_vocabulary().lists["holds_accountable"]
        depth: dict[str, int] = {}
        self.accountability: dict[str, W.Dropdown] = {}
        self.context: dict[str, W.Dropdown] = {}
        self.ticks: dict[str, dict[str, W.Checkbox]] = {}
        rows = []
        codes = debate.codes
        for c in d.comments:
            depth[c.id] = depth.get(c.reply_to, -1) + 1 if c.reply_to else 0
            reply = f", replying to {html.escape(cast(Comment, d.comment(c.reply_to)).author)}" if c.reply_to else ""  # the pack format checks reply_to names a comment
            role = f" ({html.escape(c.role)})" if c.role else ""
            head = W.HTML(f"<h4>{html.escape(c.author)}{role}{reply}</h4>{esc(c.text)}", layout=full())
            code = codes.get(c.id)
            self.accountability[c.id] = rating_row("How far it holds individuals accountable",
                                                   RATING_OPTIONS, code.accountability if code else UNPLACED)
            self.context[c.id] = rating_row("How far it points to context and system",
                                            RATING_OPTIONS, code.context if code else UNPLACED)
            ticks = {slug: checkbox(term.label, bool(code and slug in code.holds_accountable))
                     for slug, term in holders.items()}
            self.ticks[c.id] = ticks
            older = (W.HTML(f"<p><em>You placed this comment on the kit's earlier single scale, at "
                          f"{html.escape(one_scale_words(code.one_scale))}; it is read here on the two "
                          "scales.</em></p>") if code and code.one_scale is not None else W.HTML())
            whom = W.HBox(list(ticks.values()), layout=W.Layout(width="100%", height="auto"))
            whom.add_class("kit-checks")
            row = card(head, self.accountability[c.id], self.context[c.id], older,
                       W.HTML(f"<p class='kit-lead'>Whom does {html.escape(c.author)} hold accountable?</p>"), whom)
            indent = 1.25 * min(depth[c.id], 3)  # replies sit under their comment, within the page's width
            row.layout.margin = f"0.75rem 0 0.75rem {indent}rem"
            row.layout.width = f"calc(100% - {indent}rem)" if indent else "100%"
            rows.append(row)
        self.compare = button("Compare my placings with the kit's coding", primary=True)
        self.status = Status()
        self.result = W.HTML(layout=full())
        saved = debate.position
        self.position = text_area("My position", "Where do you stand, and why?",
                                  saved.position if saved else "")
        self.other = text_area(f"The strongest case for the other side (needed before saving; at least "
                               f"{MIN_OTHER_SIDE_WORDS} words)",
                               "Argue the view you disagree with as well as you can",
                               saved.other_side if saved else "")
        self.save = button("Save my position")
        self.save_status = Status()
        self.moved = text_area("Has your position moved?",
                               "Now that you have argued the other side: did your position move, and how? "
                               "If not, what held it?", saved.moved if saved else "", rows=3)
        self.save_moved = button("Save")
        self.moved_status = Status()
        self.moved_part = box()
        self.compare.on_click(lambda _b: self.compare_codes())
        self.save.on_click(lambda _b: self.save_position())
        self.save_moved.on_click(lambda _b: self.save_movement())
        intro = (f"<h3>{html.escape(d.title)}</h3>" + (f"<p><em>{html.escape(d.source)}</em></p>" if d.source else "")
                 + "<p>The comments are paraphrased and the commenters anonymised. Accountability and context "
                   "are not opposites, so each comment has two scales, from 0 (not at all) to 3 (a great "
                   "deal): <strong>how far it holds individuals accountable</strong>, and <strong>how far it "
                   "points to context and system</strong>. A comment can do both, or neither. Place the "
                   "comments you want to (one you leave unplaced is not counted), tick whom each holds "
                   "accountable, then compare with the kit's coding: neither coding is the answer.</p>")
        self.position_intro = W.HTML("<h4>Your position</h4><p>Write where you stand, and the strongest case "
                                     "for the other side: your position is saved with both.</p>"
                                     f"<p><strong>What a good case for the other side does:</strong> "
                                     f"{html.escape(STEELMAN)}</p>")
        prompts = W.HTML("<h4>To discuss</h4>" + bullet_list(d.prompts) if d.prompts else "")
        self.widget = box(W.HTML(intro), *rows, self.compare, self.status.widget, self.result, prompts,
                          self.position_intro,
                          self.position, self.other, self.save, self.save_status.widget, self.moved_part)
        if debate.revealed:
            self._show()
        if saved:
            self._ask_moved()

    def compare_codes(self) -> None:
        try:
            for cid in self.accountability:
                a, c = (None if w.value == UNPLACED else w.value for w in (self.accountability[cid], self.context[cid]))
                held = [slug for slug, tick in self.ticks[cid].items() if tick.value]
                author = cast(Comment, self.debate.debate.comment(cid)).author  # cid is one of this debate's comments
                if (a is None) != (c is None):
                    raise KitError(f"Place {author}'s comment on both scales, or leave both unplaced.")
                if a is None or c is None:  # both or neither (checked above)
                    if held:
                        raise KitError(f"You ticked whom {author} holds accountable: place the comment on "
                                       "the two scales too, or untick.")
                    continue
                self.debate.code(cid, a, c, held)
            self.debate.reveal()
        except KitError as exc:
            self.status.say(str(exc), "error")
            return
        self.status.clear()
        self._show()

    def _show(self) -> None:
        for cid in self.accountability:
            self.accountability[cid].disabled = self.context[cid].disabled = True
            for tick in self.ticks[cid].values():
                tick.disabled = True
        self.compare.disabled = True
        df = self.debate.comparison()
        columns = ["Comment by", "You: holds individuals accountable", "You: points to context",
                   "Kit's coding: holds individuals accountable", "Kit's coding: points to context",
                   "You: whom", "Kit's coding: whom"]
        rows = [[r.author, rating(_int(r.your_accountability)), rating(_int(r.your_context)),
                 rating(r.kit_accountability), rating(r.kit_context),
                 people(r.your_holds) if r.placed else "not placed", people(r.kit_holds)] for r in df.itertuples()]
        diffs = self.debate.differences()
        notes = self.debate.notes()
        self.result.value = ("<h4>Your placings beside the kit's coding</h4>"
                             + table_html(columns, rows)
                             + (bullet_list(notes) if notes else "")
                             + ("<h4>Where you differ most</h4>" + bullet_list(diffs) if diffs else
                                "<p>You and the kit's coding are within one step of each other on both scales "
                                "for every comment you placed, and agree on whom each holds accountable.</p>"))

    def save_position(self) -> None:
        try:
            self.debate.save_position(self.position.value, self.other.value)
        except KitError as exc:
            self.save_status.say(str(exc), "error")
            return
        self.save_status.say("Your position and the case for the other side are saved.", "ok")
        self._ask_moved()

    def _ask_moved(self) -> None:
        self.moved_part.children = [W.HTML("<h4>Did it move you?</h4><p>You have argued the other side as "
                                         "well as you can. Say whether that moved your position.</p>"),
                                    self.moved, self.save_moved, self.moved_status.widget]

    def save_movement(self) -> None:
        try:
            self.debate.save_moved(self.moved.value)
        except KitError as exc:
            self.moved_status.say(str(exc), "error")
            return
        self.moved_status.say("Whether your position moved is kept with it.", "ok")


def _int(value) -> int | None:
    try:
        return None if value is None or value != value else int(value)
    except TypeError:  # pandas' NA
        return None


class DebateWhenDone(View):
    """The debate once the learner has finished the case, or on a deliberate 'show it anyway'."""

    def __init__(self, debate: DebateSession):
        self.debate = debate
        self.view: DebateView | None = None
        self.waiting = W.HTML(message(WHY_WAIT + " You can open it now if you prefer.", "info"), layout=full())
        self.show_anyway = button("Show the debate anyway")
        self.show_anyway.on_click(lambda _b: self.open())
        self.widget = box()
        if debate.case.is_complete or debate.started:
            self.open()
        else:
            self.show(self.waiting, self.show_anyway)
            debate.case.subscribe(self._maybe_open)

    def _maybe_open(self) -> None:
        if self.view is None and self.debate.case.is_complete:
            self.open()

    def open(self) -> None:
        if self.view is None:
            self.view = DebateView(self.debate)
        self.show(self.view.widget)


def debate_view(pack: str | Path, debate_id: str | None = None, learner: str | None = None) -> View:
    """A debate from a pack, after the case's content note and once the case is finished (or on
    'Show the debate anyway'); a plain sentence if the case has none."""

    def build(who: str) -> View:
        session = shared_session(pack, who)
        if not session.pack.debates:
            return Notice("This case has no reader-comment debate. The debates notebook "
                          "has the debates from the other cases.")
        debate = DebateSession(session, debate_id)
        return AfterTheGate(session, lambda: DebateWhenDone(debate), "the debate")

    return for_learner(build, learner)
