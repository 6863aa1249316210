"""The case view, driven from Python as a learner's clicks would drive them (through named parts)."""

from __future__ import annotations

import html as _html
import re

import ipywidgets as W

from kit.journal import Journal
from kit.learner import current_learner
from kit.session import open_case
from kit.views.base import Notice
from kit.views.case import CaseView, ReasoningView, case_view, my_reasoning
from kit.views.page import LearnerFirst

WHY = "I would want to see the home first."
CHANGE = "A recent visit by the health visitor."


def _commit(pv, option: str, confidence: int = 3, reasons: str = WHY,
            rested_on: tuple[str, ...] = ("history-informed",)) -> None:
    """Choose, rate confidence, give reasons and what would change my mind, commit, then tick what the
    reasons rested on and save (which opens the reveal), as a learner's clicks would."""
    pv.choice.value = option
    pv.confidence.value = confidence
    pv.rationale.value = reasons
    pv.change_mind.value = CHANGE
    pv.commit.click()
    if rested_on and pv.relied_on is not None:
        for slug in rested_on:
            pv.relied_on.ticks[slug].value = True
        pv.relied_on.save.click()


def _finish(view) -> None:
    for point, option, confidence in [("housing-referral", "close", 5), ("manager-sign-off", "return", 2),
                                      ("police-callout", "refer", 3)]:
        _commit(view.points[point], option, confidence)


def test_content_note_first_then_case(kit_home, example_pack):
    """Only the content note shows until the learner chooses to go on."""
    view = CaseView(open_case(example_pack, learner="Robin"))
    assert view.body.children == ()
    assert "Serious physical injury" in view.note.value
    view.go_on.click()
    assert len(view.points) == 1
    assert "Background" in view.background.value


def test_commit_with_nothing_chosen_shows_a_message(kit_home, example_pack):
    """Clicking commit with no option chosen shows a plain message and saves nothing."""
    view = CaseView(open_case(example_pack, learner="Robin"))
    view.go_on.click()
    pv = view.points["housing-referral"]
    pv.commit.click()
    assert "Choose one of the options" in pv.status.text
    assert Journal().events(kinds=["decide"]) == []


def test_commit_locks_reveals_and_opens_next(kit_home, example_pack):
    """A commit disables the inputs, shows the reveal, and opens the next point."""
    view = CaseView(open_case(example_pack, learner="Robin"))
    view.go_on.click()
    pv = view.points["housing-referral"]
    pv.choice.value = "visit"
    pv.confidence.value = 4
    pv.rationale.value = "I want to see the home."
    pv.change_mind.value = "A recent visit by the health visitor."
    pv.commit.click()
    assert pv.choice.disabled and pv.rationale.disabled and pv.commit.disabled
    assert pv.confidence.disabled and pv.change_mind.disabled
    assert pv.reveal_box.children == (pv.relied_on.widget,) and pv.reveal.value == ""  # the ticks come first
    pv.relied_on.ticks["professional-curiosity"].value = True
    pv.relied_on.save.click()
    reveal = pv.reveal.value
    assert "The case was closed without a visit." in reveal
    assert "an outline of the process followed" in reveal
    assert "Organisation" in reveal and "Ten-working-day" in reveal
    assert "consistent with the review&#x27;s findings as reported" in reveal
    assert list(view.points) == ["housing-referral", "manager-sign-off"]
    (d,) = Journal().events(kinds=["decide"])
    assert d.payload == {"option_id": "visit", "confidence": 4, "rationale": "I want to see the home.",
                         "change_mind": "A recent visit by the health visitor."}


def test_confidence_starts_unset_and_reasons_are_needed(kit_home, example_pack):
    """Nothing is preset: without a chosen confidence, or without reasons, commit shows a sentence and
    saves nothing; with both it commits."""
    view = CaseView(open_case(example_pack, learner="Robin"))
    view.go_on.click()
    pv = view.points["housing-referral"]
    assert pv.confidence.value is None and pv.rationale.value == ""
    pv.choice.value = "close"
    pv.rationale.value = WHY
    pv.commit.click()
    assert "Choose how confident you are" in pv.status.text
    pv.confidence.value = 2
    pv.rationale.value = "busy"
    pv.commit.click()
    assert "Say a little more about your reasons" in pv.status.text
    assert Journal().events(kinds=["decide"]) == [] and not pv.commit.disabled
    pv.rationale.value = WHY
    pv.commit.click()
    assert "Say what would change your mind" in pv.status.text and not pv.commit.disabled
    pv.change_mind.value = "midwife"
    pv.commit.click()
    assert "a short sentence at least" in pv.status.text and Journal().events(kinds=["decide"]) == []
    pv.change_mind.value = CHANGE
    pv.commit.click()
    assert pv.commit.disabled and view.session.decision("housing-referral").confidence == 2


def test_after_the_commit_the_learner_ticks_what_their_reasons_rested_on_before_the_reveal(kit_home, example_pack):
    """The considerations come in plain words, none ticked; saving none is a sentence and no reveal;
    ticking and saving opens the reveal; a view built afresh shows the ticks as saved, and the reveal."""
    view = CaseView(open_case(example_pack, learner="Robin"))
    view.go_on.click()
    pv = view.points["housing-referral"]
    _commit(pv, "close", rested_on=())
    part = pv.relied_on
    assert pv.reveal.value == "" and part.widget in pv.reveal_box.children
    words = [t.description for t in part.ticks.values()]
    assert "The history: what had happened before" in words and "Something not on this list" in words
    assert not any(t.value for t in part.ticks.values())
    assert "history-informed" not in " ".join(words)  # slugs never shown
    part.save.click()
    assert "Tick at least one" in part.status.text and Journal().events(kinds=["relied_on"]) == []
    part.ticks["rule-of-optimism"].value = part.ticks["other"].value = True
    part.save.click()
    assert "The case was closed without a visit." in pv.reveal.value
    assert view.session.relied_on("housing-referral") == ("rule-of-optimism", "other")
    again = CaseView(open_case(example_pack, learner="Robin"))
    assert "The case was closed without a visit." in again.points["housing-referral"].reveal.value


def test_the_reveal_follows_the_systems_order(kit_home, example_pack):
    """What happened, then why it may have made sense at the time, then what the review found."""
    view = CaseView(open_case(example_pack, learner="Robin"))
    view.go_on.click()
    pv = view.points["housing-referral"]
    _commit(pv, "close")
    reveal = pv.reveal.value
    order = [reveal.index(h) for h in ("<h4>What happened</h4>", "<h4>Why it may have made sense at the time</h4>",
                                       "<h4>What the review found</h4>")]
    assert order == sorted(order)


def test_second_thought_from_the_view(kit_home, example_pack):
    """The second thought asks what the learner would do with only what was known then (not 'now that you
    know more'); one typed after the reveal is saved apart and listed."""
    view = CaseView(open_case(example_pack, learner="Robin"))
    view.go_on.click()
    pv = view.points["housing-referral"]
    _commit(pv, "close")
    assert "know more" not in pv.second.placeholder
    assert "With only what was known then" in pv.second.placeholder
    assert "What would you have needed to know" in pv.reveal.value
    pv.second.value = "I would have needed the midwife's view."
    pv.save_second.click()
    assert "Second thought saved" in pv.second_status.text
    assert _html.escape("I would have needed the midwife's view.") in pv.reveal.value
    assert view.session.decision("housing-referral").option_id == "close"


def test_learner_text_is_escaped(kit_home, example_pack):
    """A second thought holding HTML is shown as text, never as markup."""
    view = CaseView(open_case(example_pack, learner="Robin"))
    view.go_on.click()
    pv = view.points["housing-referral"]
    _commit(pv, "close")
    pv.second.value = "<script>alert('x')</script><b>bold</b>"
    pv.save_second.click()
    html = pv.reveal.value
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_view_resumes_after_restart(kit_home, example_pack):
    """A view built afresh (as after a kernel restart) shows committed points locked with their reveal,
    confidence and reasons."""
    first = CaseView(open_case(example_pack, learner="Robin"))
    first.go_on.click()
    _commit(first.points["housing-referral"], "visit", confidence=5)
    again = CaseView(open_case(example_pack, learner="Robin"))
    assert list(again.points) == ["housing-referral", "manager-sign-off"]
    locked = again.points["housing-referral"]
    assert locked.choice.value == "visit" and locked.choice.disabled
    assert locked.confidence.value == 5 and locked.rationale.value == WHY
    assert not again.points["manager-sign-off"].commit.disabled


def test_whole_case_with_clicks_then_compare(kit_home, example_pack):
    """Deciding every point by clicks reaches the end, which holds the learner's reasoning; compare shows
    the summary, the table and the chart with its words, in the comparison's own terms, and does not
    repeat the reasoning (it is shown once, at the end of the case)."""
    view = CaseView(open_case(example_pack, learner="Robin"))
    view.go_on.click()
    _finish(view)
    assert "You have reached the end of the case" in view.ending.value
    assert "Your reasons beside your choices" in view.ending.value
    view.compare_button.click()
    out = view.compare_out.value
    assert "You have decided every point in this case." in out
    assert "Your reasons beside your choices" not in out and "Patterns in your path" not in out
    assert "do not name the reasoning they rely on" not in out
    assert "<table" in out and 'src="data:image/svg+xml;base64,' in out and "The chart in words" in out
    assert "consistent with the review&#x27;s findings as reported" in out
    assert "review supports" not in out
    assert "housing-referral" not in out  # points are named by label, never by id


def test_comparison_mid_case_shows_nothing_of_points_not_yet_decided(kit_home, example_pack):
    """Comparing after one commit shows that point beside what was done, and nothing of what was
    done at the points still to decide (it was once in the table, before the learner's choice)."""
    from kit.packs import load_pack

    pack = load_pack(example_pack)
    view = CaseView(open_case(example_pack, learner="Robin"))
    view.go_on.click()
    view.compare_button.click()
    assert "Commit a decision first" in view.compare_out.value and "<table" not in view.compare_out.value
    _commit(view.points["housing-referral"], "visit", 3)
    view.compare_button.click()
    out = view.compare_out.value
    assert out.count('<th scope="row">') == 1 and "Point 1" in out
    later = [p for p in pack.decision_points if p.id != "housing-referral"]
    assert all(_html.escape(" ".join(p.actual_option.text.split())) not in out for p in later)


def test_version_1_case_end_says_there_is_nothing_to_name(kit_home, example_pack):
    """A version-1 pack has no relies_on: the end of the case says so plainly and asks about the
    learner's own reasons, rather than failing or inventing patterns."""
    view = CaseView(open_case(example_pack, learner="Robin"))
    view.go_on.click()
    _finish(view)
    assert "do not name the reasoning they rely on" in view.ending.value
    assert "what would have changed your mind?" in view.ending.value
    assert "Patterns in the options you chose" not in view.ending.value  # none to name
    assert _html.escape(f"You wrote: \u201c{WHY}\u201d") in view.ending.value  # their own reasons, all the same


def test_outcome_waits_behind_a_warning_the_learner_chooses_to_pass(kit_home, example_pack):
    """At the end the outcome is not shown: a warning says what it contains (built from the content
    note for a version-1 pack) and the learner reads it only by choosing to; it may stay unread."""
    view = CaseView(open_case(example_pack, learner="Robin"))
    view.go_on.click()
    _finish(view)
    page = "".join(c.value for c in view.end.children if isinstance(c, W.HTML))
    assert "The children live with a relative." not in page
    assert "serious physical injury to a baby; domestic abuse" in view.outcome_warning.value
    assert view.read_outcome in view.end.children
    view.read_outcome.click()
    assert "The children live with a relative." in view.outcome.value
    assert view.outcome in view.end.children and view.read_outcome not in view.end.children


def test_version_1_1_case_end_names_patterns_links_review_and_uses_outcome_note(kit_home):
    """In a tagged format 1.1 pack, the end of the case names the patterns in the learner's choices with
    a question on each, warns with the pack's outcome_note, and links the full review."""
    case = open_case("robyn-front-door", learner="Robin")
    view = CaseView(case)
    view.go_on.click()
    for p in case.pack.decision_points:
        _commit(view.points[p.id], p.actual_option.id, confidence=4)
    ending = view.ending.value
    assert "Your reasons beside your choices" in ending and "A question to consider" in ending
    assert "Patterns in your path through the case" in ending and "Patterns in the options you chose" in ending
    assert any(_html.escape(case.pack.point_label(p.id)) in ending for p in case.pack.decision_points)
    assert _html.escape(case.pack.outcome_note[1:]) in view.outcome_warning.value
    assert f'href="{case.pack.source.full_review_url}"' in view.after_outcome.value
    assert "Leicester" not in view.after_outcome.value  # places stay in the educator's notes
    assert not re.search(r"\b(score|right|wrong|correct)\b", ending, re.IGNORECASE)


def test_kit_reading_markers_are_shown_as_the_kits(kit_home):
    """Every kit_reading a learner meets (a known fact, the options after the reveal, a factor, the
    timeline) is shown as 'The kit's reading: <note>', so reconstructed items are visibly the kit's."""
    case = open_case("nadiya-plans-ended-early", learner="Robin")
    view = CaseView(case)
    view.go_on.click()
    first = case.pack.decision_points[0]
    pv = view.points[first.id]
    marker = "<em>The kit&#x27;s reading:</em> "
    fact = next(k for k in first.known_at_the_time if k.kit_reading)
    assert marker + _html.escape(" ".join(fact.kit_reading.split())) in pv.header.value
    option = next(o for o in first.options if o.kit_reading)
    note = _html.escape(" ".join(option.kit_reading.split()))
    assert note not in pv.header.value  # an option's note waits for the reveal
    _commit(pv, option.id)
    reveal = pv.reveal.value
    assert marker + note in reveal
    for f in first.contributing_factors:
        if f.kit_reading:
            assert marker + _html.escape(" ".join(f.kit_reading.split())) in reveal
    background = view.background.value
    for t in case.pack.timeline:
        if t.kit_reading:
            assert marker + _html.escape(" ".join(t.kit_reading.split())) in background


def test_my_reasoning_across_cases(kit_home):
    """The across-cases view says plainly when there is nothing to name, then names the patterns from
    every case the learner committed in, with the case."""
    view = my_reasoning(learner="Robin")
    assert isinstance(view, ReasoningView) and "not committed a decision yet" in view.patterns.value
    case = open_case("robyn-front-door", learner="Robin")
    case.acknowledge()
    p = case.pack.decision_points[0]
    tagged = next(o for o in p.options if o.relies_on)
    case.decide(p.id, tagged.id, confidence=5, rationale=WHY, change_mind="A word from another agency.")
    view.refresh_button.click()
    assert "A question to consider" in view.patterns.value
    assert _html.escape(case.pack.title) in view.patterns.value


def test_step_out_hides_the_case_and_signposts(kit_home, example_pack):
    """Stepping out before opening shows support and no case text."""
    view = CaseView(open_case(example_pack, learner="Robin"))
    view.step_out_button.click()
    assert view.body.children == ()
    assert "Samaritans" in view.gate.away.value and "NAPAC" in view.gate.away.value
    assert view.gate.widget.children == (view.gate.away, view.come_back)


def test_step_out_mid_case_and_come_back_where_you_left(kit_home, example_pack):
    """Once the case is open, 'Step out of this case' stays on the page; stepping out mid-case hides
    every part of the case and shows support with a way back, which (saved as its own event) shows the
    case where the learner left it, after a restart too."""
    view = CaseView(open_case(example_pack, learner="Robin"))
    view.go_on.click()
    assert view.gate.widget.children == (view.gate.bar,) and view.step_out_button in view.gate.bar.children
    _commit(view.points["housing-referral"], "close")
    view.step_out_button.click()
    assert view.body.children == () and "You have stepped out" in view.gate.away.value
    again = CaseView(open_case(example_pack, learner="Robin"))  # as after a restart
    assert again.body.children == () and again.come_back in again.gate.widget.children
    again.come_back.click()
    assert list(again.points) == ["housing-referral", "manager-sign-off"]
    assert again.points["housing-referral"].commit.disabled
    assert again.step_out_button in again.gate.bar.children
    kinds = [e.kind for e in Journal().events(kinds=["step_out", "step_back_in"])]
    assert kinds == ["step_out", "step_back_in"]


def test_stepping_out_hides_the_parts_below_the_case_too(kit_home, example_pack):
    """A debate below the case view hides while the learner has stepped out, and opens again when they
    come back; a debate on a page of its own keeps its own step-out bar once open."""
    from kit.views.debate import debate_view

    view = case_view(example_pack, learner="Robin")
    below = debate_view(example_pack, learner="Robin")
    view.go_on.click()
    assert below.widget.children == (below.inner.widget,)
    view.step_out_button.click()
    assert below.widget.children == (below.away,) and "stepped out" in below.away.value
    view.come_back.click()
    assert below.widget.children == (below.inner.widget,)
    alone = debate_view(example_pack, learner="Sam")  # no case view for Sam: the debate has its own gate
    alone.gate.go_on.click()
    assert alone.widget.children == (alone.gate.widget, alone.inner.widget)
    assert alone.gate.step_out_button in alone.gate.bar.children
    alone.gate.step_out_button.click()
    assert alone.widget.children == (alone.gate.widget,) and alone.gate.come_back in alone.gate.widget.children


def test_support_set_by_the_institution_is_shown(kit_home, example_pack):
    """A support.yaml in KIT_HOME replaces the kit's list in the content note and after stepping out."""
    kit_home.mkdir(parents=True, exist_ok=True)
    (kit_home / "support.yaml").write_text(
        "contacts:\n  - name: Course office\n    for: anything about this module\n    how: extension 42\n")
    view = CaseView(open_case(example_pack, learner="Robin"))
    assert "Course office" in view.note.value and "Samaritans" not in view.note.value
    view.step_out_button.click()
    assert "extension 42" in view.gate.away.value


def test_case_view_asks_for_a_pseudonym_first(kit_home, example_pack):
    """With no pseudonym chosen, the case view asks for one, remembers it, then opens the case."""
    view = case_view(example_pack)
    assert isinstance(view, LearnerFirst) and view.view is None
    view.picker.name.value = "../bad"
    view.picker.use.click()
    assert "cannot be used as a pseudonym" in view.picker.status.text
    assert view.view is None
    view.picker.name.value = "Robin"
    view.picker.use.click()
    assert current_learner() == "Robin"
    assert isinstance(view.view, CaseView) and "Content note" in view.view.note.value
    assert view.widget.children == (view.view.widget,)


def test_case_view_with_unknown_pack_shows_message(kit_home):
    """A bad PACK in a notebook gives a plain message, not a traceback."""
    view = case_view("no-such-pack", learner="Robin")
    assert isinstance(view, Notice) and "no pack with this id or path" in view.message.value


def test_no_two_widgets_share_a_layout(kit_home, example_pack):
    """Hiding one part (a layout's display) never hides another: every widget of a whole case page
    has a layout of its own."""
    from kit.views.debate import debate_view
    from kit.views.handin import submit_view
    from kit.views.reflection import record_view

    views = [case_view(example_pack, learner="Robin"), debate_view(example_pack, learner="Robin"),
             record_view(example_pack, learner="Robin"), submit_view("Robin")]
    views[0].go_on.click()
    seen: dict[int, object] = {}

    def walk(w):
        layout = getattr(w, "layout", None)
        if layout is not None:
            assert id(layout) not in seen or seen[id(layout)] is w, f"{type(w).__name__} shares a layout"
            seen[id(layout)] = w
        for c in getattr(w, "children", ()):
            walk(c)

    for v in views:
        walk(v.widget)
    assert len(seen) > 20


def test_a_reload_opens_the_case_at_the_point_the_learner_was_on(kit_home, example_pack):
    """A view built afresh (a reload) marks the point the learner is on and asks the page to scroll there:
    the next point after a commit, the ticks of a point committed but not yet ticked, the end of the case
    once it is done; a case with nothing committed opens at the top."""
    fresh = CaseView(open_case(example_pack, learner="Robin"))
    assert not fresh.resume.active
    fresh.go_on.click()
    _commit(fresh.points["housing-referral"], "visit")
    again = CaseView(open_case(example_pack, learner="Robin"))
    assert again.resume.active and again.resume in again.widget.children
    assert "kit-current" in again.points["manager-sign-off"].widget._dom_classes
    assert "kit-current" not in again.points["housing-referral"].widget._dom_classes
    _commit(again.points["manager-sign-off"], "return", rested_on=())
    assert "kit-current" in again.points["manager-sign-off"].widget._dom_classes  # its ticks wait
    again.points["manager-sign-off"].relied_on.ticks["child-focused"].value = True
    again.points["manager-sign-off"].relied_on.save.click()
    _commit(again.points["police-callout"], "refer")
    done = CaseView(open_case(example_pack, learner="Robin"))
    assert "kit-current" in done.end._dom_classes
    assert not any("kit-current" in pv.widget._dom_classes for pv in done.points.values())
