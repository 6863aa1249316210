"""The authoring page (`kit author`): an educator writes or edits a case pack in forms, sees each
problem beside the field that causes it, previews a point as learners will see it, and saves a
draft or publishes. All rules live in kit/authoring.py; this turns typing and clicks into
Draft calls and shows what the check finds."""

from __future__ import annotations

import html as _html
from pathlib import Path
from typing import Any

import ipywidgets as W

from ..authoring import Draft, add_debate
from ..errors import KitError
from ..vocabulary import RATING_SCALE, load_vocabulary
from ..yamlfile import dotted
from .authorparts import Rows, place, problems_html
from .authorpreview import Preview
from .base import Notice, Status, View, box, button, html
from .parts import Choice, actions, card, text_field

SECTIONS = [("About the case", "case"), ("Source", "source"), ("Background", "background"),
            ("Decision points", "points"), ("Debates", "debates"), ("Workshop plans", "plans"),
            ("Preview", "preview")]
SCALE = [("not coded yet", None)] + [(f"{k} - {v}", k) for k, v in RATING_SCALE.items()]


class AuthorPage(View):
    """The whole authoring page. Parts: `section` (which part of the case to edit), `rows` (every
    field shown now, by its path, e.g. rows["decision_points[0].situation"]), `point` (which
    decision point), the add/move/remove buttons, `save`, `publish`, `status`, `preview`."""

    def __init__(self, draft: Draft):
        self.draft = draft
        self.vocab = load_vocabulary()
        self.heading = html()
        self.note = html(f"<p>{_html.escape(draft.note)}</p>" if draft.note else "")
        self.summary = html()
        self.section = Choice(SECTIONS, value="case", description="Part of the case to work on", inline=True)
        self.point = Choice([], description="Which decision point")
        self.add_point = button("Add a decision point")
        self.move_up, self.move_down = button("Move it earlier"), button("Move it later")
        self.remove_point = button("Remove this decision point")
        self.pasted = text_field("Reader comments, pasted (one comment per paragraph, a blank line between)",
                                 "Paste the comments from under the article here", rows=6)
        self.make_debate = button("Make a debate from these comments")
        self.save = button("Save draft", tooltip="Keep your work (problems and all); learners do not see a draft")
        self.publish = button("Publish to learners", primary=True,
                              tooltip="Only a case with nothing left to fix can be published")
        self.status = Status()
        self.preview = Preview(draft)
        self.rows = Rows(draft, self.changed)
        self.body = box()
        self._confirm: str | None = None  # a removal waiting for its second click
        self.section.observe(lambda _ch: self.redraw(), "value")
        self._quiet = False  # True while the page sets the point itself
        self.point.observe(lambda _ch: self.redraw() if self.section.value == "points" and not self._quiet else None,
                           "value")
        self.add_point.on_click(lambda _b: self.new_point())
        self.move_up.on_click(lambda _b: self.move_point(-1))
        self.move_down.on_click(lambda _b: self.move_point(1))
        self.remove_point.on_click(lambda _b: self.drop(("decision_points", self.point.value or 0),
                                                        self.remove_point))
        self.make_debate.on_click(lambda _b: self.debate_from_paste())
        self.save.on_click(lambda _b: self.save_draft())
        self.publish.on_click(lambda _b: self.publish_pack())
        self.widget = box(self.heading, self.note, self.summary, self.section, self.body,
                          actions(self.save, self.publish), self.status.widget)
        self.redraw()

    # -- drawing ---------------------------------------------------------------------------

    def redraw(self) -> None:
        """Draw the chosen part of the case afresh (after a part is chosen, or a list changes)."""
        self.rows.rows.clear()
        self._lists: dict[str, W.HTML] = {}
        self._confirm = None
        self.remove_point.description = "Remove this decision point"
        points = self.draft.get(("decision_points",)) or []
        labels = [(f"{i + 1}. {(p or {}).get('title') or (p or {}).get('when') or 'A new point'}", i)
                  for i, p in enumerate(points)]
        if self.point.options != labels:
            keep = self.point.value if self.point.value is not None and self.point.value < len(labels) else None
            self._quiet = True
            self.point.value = None
            self.point.options = labels
            self.point.value = keep if keep is not None else (0 if labels else None)
            self._quiet = False
        build = getattr(self, f"_{self.section.value}")
        self.body.children = [card(*build())]
        self.recheck()

    def recheck(self) -> None:
        check = self.draft.check()
        self.rows.show(check)
        for key, widget in getattr(self, "_lists", {}).items():
            widget.value = problems_html(check.at(key))
        title = self.draft.get(("title",)) or "A new case"
        self.heading.value = f"<h2>{_html.escape(str(title))}</h2>"
        errors, warnings = len(check.errors), len(check.problems) - len(check.errors)
        if not check.problems:
            self.summary.value = ('<div role="status" class="kit-status kit-status-ok"><strong>Ready:</strong> '
                                  "nothing to fix. You can publish it to learners.</div>")
            return
        items = "".join(f"<li><strong>{_html.escape(place(p.field))}</strong>: {_html.escape(p.sentence)}</li>"
                        for p in check.problems[:60])
        more = f"<li>and {len(check.problems) - 60} more</li>" if len(check.problems) > 60 else ""
        head = (f"{errors} to fix before publishing" if errors else "nothing that stops publishing") + (
            f", {warnings} to check" if warnings else "")
        self.summary.value = (f'<details class="kit-problem-list"><summary>Problems: {head} (each is also shown '
                              f"beside its field)</summary><ul>{items}{more}</ul></details>")

    def list_problems(self, path: tuple) -> W.HTML:
        """A place for the problems of a whole list (e.g. a point's options)."""
        widget = html()
        widget.add_class("kit-problems")
        self._lists = getattr(self, "_lists", {})
        self._lists[dotted(path)] = widget
        return widget

    # -- the parts of the case -------------------------------------------------------------

    def _case(self) -> list[W.Widget]:
        r = self.rows
        out = [html("<h3>About the case</h3><p>What learners read first. Name the situation as it looked then: "
                    "what was done, what became of the child and the review's verdict come later.</p>"),
               r.line(("title",), "Title", "e.g. Baby K: a referral from housing during a pregnancy")]
        if self.draft.home is None:
            out.append(r.line(("id",), "Folder name (made from the title; lowercase words and hyphens)", short=True))
        out += [r.text(("summary",), "Summary (2 to 5 sentences, in your own words)", rows=4),
                r.text(("content_note",), "Content note (shown before anything else)", "e.g. Serious injury to a baby; "
                       "domestic abuse.", rows=2),
                r.pick(("themes",), "Themes", self._vocab("themes")),
                r.line(("outcome_note",), "What the outcome describes (said before a learner chooses to read it)"),
                r.text(("outcome",), "What became of the children (shown at the end)", rows=3)]
        out += self._text_list(("recommendations",), "What the review recommended", "Add a recommendation")
        return out

    def _source(self) -> list[W.Widget]:
        r = self.rows
        out = [html("<h3>Source</h3>"), r.line(("source", "review"), "The review's title", "e.g. Serious case review: "
                                                "Baby K, Exampleshire Safeguarding Children Board"),
               r.year(("source", "year"), "Year published"),
               r.line(("source", "full_review"), "Where the full review can be read"),
               r.line(("source", "full_review_url"), "Its web address"),
               html("<h4>Articles the case is drawn from</h4>"), self.list_problems(("source", "articles"))]
        for i, _a in enumerate(self.draft.get(("source", "articles")) or []):
            p = ("source", "articles", i)
            out.append(card(html(f"<h5>Article {i + 1}</h5>"), r.line(p + ("publisher",), "Publisher"),
                            r.line(p + ("title",), "Headline"), r.date(p + ("date",), "Date"),
                            r.line(p + ("url",), "Web address"), self._remove(p, "Remove this article")))
        out.append(self._add(("source", "articles"), "Add an article"))
        out += [html("<h4>The source text</h4><p>Paste the article's text once. The page checks every field against "
                     "it and marks any run of 12 or more words copied from it. It is kept with your draft and "
                     "never shown to learners or published.</p>")]
        src = text_field("The source article's text", "Paste the whole article here", self.draft.source.text, rows=8)
        def pasted(ch: dict[str, Any]) -> None:
            self.draft.set_source_text(ch["new"])
            self.recheck()
        src.observe(pasted, "value")
        self.source_text = src
        return out + [src]

    def _background(self) -> list[W.Widget]:
        r = self.rows
        out = [html("<h3>Background</h3><h4>Timeline, as known at the start (oldest first)</h4>")]
        for i, _t in enumerate(self.draft.get(("timeline",)) or []):
            p = ("timeline", i)
            out.append(card(r.line(p + ("when",), "When"), r.text(p + ("what",), "What happened then", rows=2),
                            r.line(p + ("kit_reading",), "The kit's reading (only where you reconstruct it)"),
                            self._remove(p, "Remove this entry")))
        out += [self._add(("timeline",), "Add a timeline entry"), html("<h4>Who is involved (by role)</h4>")]
        for i, _p in enumerate(self.draft.get(("people",)) or []):
            p = ("people", i)
            out.append(card(r.line(p + ("role",), "Role", "e.g. Mother, 19, pregnant with her second child"),
                            self._remove(p, "Remove this person")))
        out += [self._add(("people",), "Add a person"), html("<h4>Anonymisation</h4>"),
                r.words(("anonymisation", "pseudonyms"), "The review's pseudonyms for the children (commas between)",
                        "e.g. K"),
                r.words(("anonymisation", "not_names"), "Capitalised words here that are not names (commas between)",
                        "e.g. Ofsted"),
                r.text(("anonymisation", "notes"), "Notes on anonymisation", rows=2)]
        return out

    def _points(self) -> list[W.Widget]:
        head = [html("<h3>Decision points</h3><p>In the order the case unfolded; at least three.</p>"),
                self.list_problems(("decision_points",)), self.point,
                actions(self.add_point, self.move_up, self.move_down, self.remove_point)]
        if self.point.value is None:
            return head
        return head + self._point_form(self.point.value)

    def _point_form(self, i: int) -> list[W.Widget]:
        r, p = self.rows, ("decision_points", i)
        out = [r.line(p + ("title",), "Short title (a few words naming the moment, no outcome)"),
               r.line(p + ("when",), "When", "e.g. Spring 2015", short=True),
               r.line(p + ("agency",), "Whose decision", "e.g. Children's social care", short=True),
               r.text(p + ("situation",), "The situation, only as it was known then", rows=4),
               html("<h4>What was known at this point</h4>")]
        for j, _f in enumerate(self.draft.get(p + ("known_at_the_time",)) or []):
            f = p + ("known_at_the_time", j)
            out.append(card(r.text(f + ("text",), f"Fact {j + 1}", rows=2),
                            r.line(f + ("kit_reading",), "The kit's reading (only where you reconstruct it)"),
                            self._remove(f, "Remove this fact")))
        out += [self._add(p + ("known_at_the_time",), "Add a fact"),
                r.line(p + ("question",), "The question learners answer", "e.g. You are the duty social worker. "
                       "What do you do next?"), html("<h4>Options</h4>"), self.list_problems(p + ("options",))]
        relies = self._vocab("reasoning")
        for j, _o in enumerate(self.draft.get(p + ("options",)) or []):
            o = p + ("options", j)
            out.append(card(html(f"<h5>Option {j + 1}</h5>"), r.text(o + ("text",), "The choice, in a sentence", rows=2),
                            r.tick(o + ("actual",), "This is what was done"),
                            r.tick(o + ("review_supported",), "Consistent with the review's findings"),
                            r.text(o + ("feedback",), "Feedback shown after a learner commits", rows=2),
                            r.pick(o + ("relies_on",), "What this choice relies on", relies),
                            r.line(o + ("kit_reading",), "The kit's reading (only where you reconstruct it)"),
                            self._remove(o, "Remove this option")))
        out += [self._add(p + ("options",), "Add an option"),
                r.text(p + ("what_happened",), "What happened (shown after the learner commits)", rows=3),
                r.text(p + ("review_finding",), "The review's finding, in your own words", rows=3),
                r.line(p + ("review_quote",), "A short quote from the review, word for word (optional, 40 words at most)"),
                html("<h4>Why it may have made sense at the time</h4>"),
                self.list_problems(p + ("contributing_factors",))]
        levels = [(self.vocab.label("levels", s), s) for s in self.vocab.levels]
        for j, _c in enumerate(self.draft.get(p + ("contributing_factors",)) or []):
            c = p + ("contributing_factors", j)
            out.append(card(r.choose(c + ("level",), "Level", levels), r.text(c + ("factor",), "The reason", rows=2),
                            r.choose(c + ("polarity",), "Its effect", [("not said", None), ("made harm more likely",
                                     "unsafe"), ("helped keep the child safe", "supportive")]),
                            r.choose(c + ("known_then",), "Known at the time?", [("not said", None), ("yes", True),
                                     ("no, seen only later", False)]),
                            r.line(c + ("kit_reading",), "The kit's reading (only where you reconstruct it)"),
                            self._remove(c, "Remove this reason")))
        out += [self._add(p + ("contributing_factors",), "Add a reason"),
                r.pick(p + ("themes",), "Themes", self._vocab("themes")),
                r.pick(p + ("pcf_domains",), "PCF domains", self._vocab("pcf_domains"))]
        return out + self._text_list(p + ("reflection_prompts",), "Questions to reflect on", "Add a question")

    def _debates(self) -> list[W.Widget]:
        r = self.rows
        out = [html("<h3>Debates</h3><p>Paste reader comments from under an article: the page makes one comment "
                    "per paragraph, names the commenters Commenter A, B, ... (their names and handles are replaced "
                    "wherever they appear) and finds replies. Then put each comment in the kit's words and code it "
                    "on the two scales.</p>"), self.pasted, self.make_debate]
        accountable = self._vocab("holds_accountable")
        for i, _d in enumerate(self.draft.get(("debates",)) or []):
            d = ("debates", i)
            comments = self.draft.get(d + ("comments",)) or []
            items = [html(f"<h4>Debate {i + 1}</h4>"), r.line(d + ("title",), "Title (a question)"),
                     r.line(d + ("source",), "Where the comments come from", "e.g. Reader comments under the "
                            "Community Care article, 2017"), self.list_problems(d + ("comments",))]
            for j, c in enumerate(comments):
                cp = d + ("comments", j)
                earlier = [("not a reply", None)] + [(f"{e.get('author')} (comment {k + 1})", e.get("id"))
                                                     for k, e in enumerate(comments[:j])]
                items.append(card(html(f"<h5>Comment {j + 1}: {_html.escape(str(c.get('author') or ''))}</h5>"),
                                  self.list_problems(cp),
                                  r.line(cp + ("role",), "What the commenter said of themselves (optional)"),
                                  r.choose(cp + ("reply_to",), "Replies to", earlier),
                                  r.text(cp + ("text",), "The argument, in the kit's words", rows=3),
                                  r.choose(cp + ("accountability",), "Holds individuals accountable", SCALE),
                                  r.choose(cp + ("context",), "Points to context and system", SCALE),
                                  r.pick(cp + ("holds_accountable",), "Who it holds accountable", accountable),
                                  self._remove(cp, "Remove this comment")))
            items += self._text_list(d + ("prompts",), "Questions for the group", "Add a question")
            items.append(self._remove(d, "Remove this debate"))
            out.append(card(*items))
        return out

    def _plans(self) -> list[W.Widget]:
        r = self.rows
        points = [(f"{(p or {}).get('title') or (p or {}).get('when') or 'A new point'}", (p or {}).get("id"))
                  for p in self.draft.get(("decision_points",)) or []]
        out = [html("<h3>Workshop plans</h3><p>A plan is a set of points a facilitator can run in a set time; "
                    "it fills the matching section of the educator notes.</p>")]
        minutes = [(f"{m} minutes", m) for m in (30, 45, 60, 90, 120, 150, 180, 240)]
        for i, _p in enumerate(self.draft.get(("plans",)) or []):
            p = ("plans", i)
            out.append(card(html(f"<h4>Plan {i + 1}</h4>"), r.line(p + ("title",), "Title", "e.g. A 60-minute seminar"),
                            r.choose(p + ("minutes",), "Length", minutes),
                            r.pick(p + ("points",), "The decision points it uses", points),
                            r.text(p + ("why",), "Why these points", rows=2), self._remove(p, "Remove this plan")))
        return out + [self._add(("plans",), "Add a plan")]

    def _preview(self) -> list[W.Widget]:
        self.preview.refresh_points()
        return [self.preview.widget]

    # -- lists -----------------------------------------------------------------------------

    def _text_list(self, path: tuple, heading: str, add: str) -> list[W.Widget]:
        out: list[W.Widget] = [html(f"<h4>{_html.escape(heading)}</h4>")]
        for j, _t in enumerate(self.draft.get(path) or []):
            out.append(card(self.rows.text(path + (j,), f"{heading.rstrip('s')} {j + 1}", rows=2),
                            self._remove(path + (j,), "Remove it")))
        return out + [self._add(path, add)]

    def _add(self, path: tuple, words: str) -> W.Button:
        b = button(words)
        b.on_click(lambda _b: self.add_item(path))
        return b

    def _remove(self, path: tuple, words: str) -> W.Button:
        b = button(words)
        b.on_click(lambda _b: self.drop(path, b))
        return b

    # -- actions ---------------------------------------------------------------------------

    def changed(self, path: tuple, value: Any) -> None:
        """A field was typed in or chosen: into the draft, then every problem shown afresh."""
        self.draft.set(path, value)
        if path == ("title",) and self.draft.home is None:
            self.draft.use_title_for_id()
            if "id" in self.rows.rows:
                self.rows.rows["id"].control.value = self.draft.pack_id
        if len(path) == 3 and path[0] == "decision_points" and path[2] in ("title", "when"):
            self.point.options = [(f"{k + 1}. {(p or {}).get('title') or (p or {}).get('when') or 'A new point'}", k)
                                  for k, p in enumerate(self.draft.get(("decision_points",)) or [])]
        self.status.clear()
        self.recheck()

    def add_item(self, path: tuple) -> None:
        self.draft.add(path)
        self.redraw()

    def new_point(self) -> None:
        i = self.draft.add(("decision_points",))
        self.redraw()
        self.point.value = i

    def move_point(self, step: int) -> None:
        if self.point.value is not None:
            i = self.draft.move(("decision_points", self.point.value), step)
            self.redraw()
            self.point.value = i
            self.redraw()

    def drop(self, path: tuple, b: W.Button) -> None:
        """Remove an item on a second click (the first asks), so a slip loses nothing."""
        key = dotted(path)
        if self._confirm != key:
            self._confirm = key
            b.description = "Click again to remove it"
            return
        self.draft.remove(path)
        if path[0] == "decision_points" and len(path) == 2:
            self.point.value = None
        self.redraw()

    def debate_from_paste(self) -> None:
        try:
            add_debate(self.draft, self.pasted.value)
        except KitError as exc:
            self.status.say(str(exc), "error")
            return
        self.pasted.value = ""
        self.redraw()
        self.status.say("Debate made: put each comment in the kit's words and code it on the two scales.", "info")

    def save_draft(self) -> None:
        try:
            self.draft.save_draft()
        except (KitError, OSError) as exc:
            self.status.say(str(exc), "error")
            return
        self.status.say("Your draft is saved on this computer; learners do not see it until you publish.", "ok")

    def publish_pack(self) -> None:
        try:
            home = self.draft.publish()
        except (KitError, OSError) as exc:
            self.status.say(str(exc), "error")
            return
        self.status.say(f"Published: learners now find this case (its folder is {home}).", "ok")

    def _vocab(self, kind: str) -> list[tuple[str, str]]:
        return [(self.vocab.label(kind, s), s) for s in self.vocab.slugs(kind)]


def author_page(pack_or_dir: str | Path | None = None) -> View:
    """The authoring page for a pack (id or folder) or a new pack in a folder of packs."""
    try:
        return AuthorPage(Draft.open(pack_or_dir))
    except KitError as exc:
        return Notice(str(exc), "error")
