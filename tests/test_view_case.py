"""The case view, driven from Python as a learner's clicks would drive them (through named parts)."""

from __future__ import annotations

import ipywidgets as W

from kit.journal import Journal
from kit.learner import current_learner
from kit.session import open_case
from kit.views.base import LearnerFirst, Notice
from kit.views.case import CaseView, case_view


def test_content_note_first_then_case(kit_home, example_pack):
    """Only the content note shows until the learner chooses to go on."""
    view = CaseView(open_case(example_pack, learner="Robin"))
    assert view.body.children == ()
    assert "Serious physical injury" in view.note.value
    view.go_on.click()
    assert len(view.points) == 1
    assert "Background" in view.body.children[0].value


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
    pv.commit.click()
    assert pv.choice.disabled and pv.rationale.disabled and pv.commit.disabled
    reveal = pv.reveal_box.children[0].value
    assert "The case was closed without a visit." in reveal
    assert "an outline of the process followed" in reveal
    assert "Organisation" in reveal and "Ten-working-day" in reveal
    assert list(view.points) == ["housing-referral", "manager-sign-off"]
    (d,) = Journal().events(kinds=["decide"])
    assert d.payload == {"option_id": "visit", "confidence": 4, "rationale": "I want to see the home.", "change_mind": ""}


def test_second_thought_from_the_view(kit_home, example_pack):
    """A second thought typed after the reveal is saved apart and listed."""
    view = CaseView(open_case(example_pack, learner="Robin"))
    view.go_on.click()
    pv = view.points["housing-referral"]
    pv.choice.value = "close"
    pv.commit.click()
    pv.second.value = "Now I would ring the midwife."
    pv.save_second.click()
    assert "Second thought saved" in pv.second_status.text
    assert "Now I would ring the midwife." in pv.reveal_box.children[0].value
    assert view.session.decision("housing-referral").option_id == "close"


def test_learner_text_is_escaped(kit_home, example_pack):
    """A rationale or second thought holding HTML is shown as text, never as markup."""
    view = CaseView(open_case(example_pack, learner="Robin"))
    view.go_on.click()
    pv = view.points["housing-referral"]
    pv.choice.value = "close"
    pv.commit.click()
    pv.second.value = "<script>alert('x')</script><b>bold</b>"
    pv.save_second.click()
    html = pv.reveal_box.children[0].value
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_view_resumes_after_restart(kit_home, example_pack):
    """A view built afresh (as after a kernel restart) shows committed points locked with their reveal."""
    first = CaseView(open_case(example_pack, learner="Robin"))
    first.go_on.click()
    pv = first.points["housing-referral"]
    pv.choice.value = "visit"
    pv.commit.click()
    again = CaseView(open_case(example_pack, learner="Robin"))
    assert list(again.points) == ["housing-referral", "manager-sign-off"]
    locked = again.points["housing-referral"]
    assert locked.choice.value == "visit" and locked.choice.disabled
    assert not again.points["manager-sign-off"].commit.disabled


def test_whole_case_with_clicks_then_compare(kit_home, example_pack):
    """Deciding every point by clicks shows the outcome, and compare shows table, chart and words."""
    view = CaseView(open_case(example_pack, learner="Robin"))
    view.go_on.click()
    for point, option in [("housing-referral", "close"), ("manager-sign-off", "return"),
                          ("police-callout", "refer")]:
        pv = view.points[point]
        pv.choice.value = option
        pv.commit.click()
    ending = [c for c in view.body.children if isinstance(c, W.HTML) and "end of the case" in c.value]
    assert ending and "The children live with a relative." in ending[0].value
    view.compare_button.click()
    out = view.compare_out.value
    assert "At 1 of 3 points you chose what was actually done." in out
    assert "<table" in out and 'src="data:image/svg+xml;base64,' in out and "The chart in words" in out


def test_step_out_hides_the_case_and_signposts(kit_home, example_pack):
    """Stepping out shows support and no case text."""
    view = CaseView(open_case(example_pack, learner="Robin"))
    view.step_out_button.click()
    assert view.body.children == ()
    assert "Samaritans" in view.gate.widget.children[0].value


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
