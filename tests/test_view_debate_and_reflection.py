"""Debate, reflection and export views, driven from Python as clicks would drive them."""

from __future__ import annotations

import base64
import json

from kit.events import DebateCode, Kind, comment_target
from kit.journal import Journal
from kit.reflection import CPD_ACTIVITIES
from kit.session import open_case
from kit.views.base import AfterTheGate, Notice
from kit.views.case import case_view
from kit.views.debate import NOT_PLACED, UNPLACED, DebateView, DebateWhenDone, debate_view
from kit.views.reflection import RecordView, record_view

DECISIONS = [("housing-referral", "visit"), ("manager-sign-off", "return"), ("police-callout", "refer")]


OTHER = "Individuals still decide: the worker saw the family and could have asked for help, whatever the caseload."


def _finish(case) -> None:
    for point, option in DECISIONS:
        case.decide(point, option, confidence=3, rationale="Reasons enough for this choice here.", change_mind="A word from another agency.")


def test_debate_waits_for_the_case_then_code_compare_and_position(kit_home, example_pack):
    """Content note first; while the case is unfinished the debate says why waiting helps and opens
    only on 'Show the debate anyway'; then two scales per comment (unplaced by default), compare,
    a position saved with the other side's case, and whether it moved."""
    view = debate_view(example_pack, learner="Robin")
    assert isinstance(view, AfterTheGate) and view.inner is None
    view.gate.go_on.click()
    waiting = view.inner
    assert isinstance(waiting, DebateWhenDone) and waiting.view is None
    assert "knew how the case ended" in waiting.waiting.value
    waiting.show_anyway.click()
    debate = waiting.view
    assert isinstance(debate, DebateView) and list(debate.accountability) == ["c1", "c2"]
    assert debate.accountability["c2"].label == NOT_PLACED and debate.context["c2"].label == NOT_PLACED
    debate.accountability["c1"].value, debate.context["c1"].value = 1, 3
    debate.ticks["c1"]["managers"].value = True
    debate.compare.click()
    result = debate.result.value
    assert "Commenter A" in result and "Where you differ most" in result and "not placed" in result
    assert "the kit's coding" in result.lower() and "pack" not in result.lower()
    assert "made on one scale" in result  # the example pack is coded on format 1's one scale
    assert debate.accountability["c1"].disabled and debate.compare.disabled
    debate.position.value = "Both."
    debate.save.click()
    assert "strongest case for the other side first" in debate.save_status.text
    assert debate.moved_part.children == ()
    debate.other.value = "Individuals decide."
    debate.save.click()
    assert "more fully (at least 12 words)" in debate.save_status.text and debate.moved_part.children == ()
    assert "What a good case for the other side does" in debate.position_intro.value
    debate.other.value = OTHER
    debate.save.click()
    assert debate.moved in debate.moved_part.children
    debate.moved.value = "Not much."
    debate.save_moved.click()
    events = Journal().events("Robin")
    kinds = [e.kind for e in events]
    assert kinds.count(Kind.DEBATE_CODE) == 1 and Kind.DEBATE_REVEAL in kinds
    assert [e.payload for e in events if e.kind == Kind.DEBATE_POSITION][-1] == {
        "position": "Both.", "other_side": OTHER, "moved": "Not much."}


def test_half_placed_comment_is_refused_and_nothing_saved(kit_home, example_pack):
    """A comment on one scale only, or ticks without a placing, gets a sentence and saves nothing."""
    case = open_case(example_pack, learner="Robin")
    case.acknowledge()
    _finish(case)
    debate = debate_view(example_pack, learner="Robin").inner.view
    debate.accountability["c1"].value = 2
    debate.compare.click()
    assert "on both scales" in debate.status.text
    debate.accountability["c1"].value = UNPLACED
    debate.ticks["c2"]["government"].value = True
    debate.compare.click()
    assert "place the comment on the two scales too" in debate.status.text
    assert not [e for e in Journal().events("Robin") if e.kind in (Kind.DEBATE_CODE, Kind.DEBATE_REVEAL)]


def test_debate_opens_by_itself_when_the_case_is_finished(kit_home, example_pack):
    """Below the case, the debate opens as soon as the last decision is committed; a finished case
    opens it straight away."""
    case = case_view(example_pack, learner="Robin")
    debate = debate_view(example_pack, learner="Robin")
    case.go_on.click()
    assert isinstance(debate.inner, DebateWhenDone) and debate.inner.view is None
    _finish(case.session)
    assert isinstance(debate.inner.view, DebateView)
    again = debate_view(example_pack, learner="Robin")
    assert isinstance(again.inner.view, DebateView)


def test_old_one_scale_code_is_shown_and_labelled(kit_home, example_pack):
    """A placing from a kit before the two scales shows on both and says it came from one scale."""
    case = open_case(example_pack, learner="Robin")
    case.acknowledge()
    case.save(DebateCode(stance=-1, holds_accountable=("practitioners",)),
              comment_target("accountability-vs-context", "c1"))
    debate = debate_view(example_pack, learner="Robin").inner.view  # started: opens without waiting
    assert (debate.accountability["c1"].value, debate.context["c1"].value) == (2, 1)
    assert debate.ticks["c1"]["practitioners"].value
    assert "earlier single scale" in json.dumps([getattr(w, "value", "") for w in debate.widget.children[1].children])


def test_debate_view_for_case_without_debate(kit_home):
    """A case with no debate gets a plain sentence."""
    view = debate_view("robyn-front-door", learner="Robin")
    assert isinstance(view, Notice) and "no reader-comment debate" in view.message.value


def test_one_content_note_per_page(kit_home, example_pack):
    """Below a case view, the debate and the reflection wait for the case's own content note
    (no second note) and open by themselves once the learner opens the case."""
    case = case_view(example_pack, learner="Robin")
    debate = debate_view(example_pack, learner="Robin")
    record = record_view(example_pack, learner="Robin")
    assert debate.inner is None and record.inner is None
    assert "Content note" not in debate.waiting.value and "opens here by itself" in debate.waiting.value
    case.go_on.click()
    assert isinstance(debate.inner, DebateWhenDone) and isinstance(record.inner, RecordView)


def test_hiding_the_empty_cpd_text_hides_nothing_else(kit_home, example_pack):
    """The record's empty CPD plain-text part is hidden on its own: the case above it and every
    other part keep showing (a layout shared between parts once hid the whole page)."""
    case = case_view(example_pack, learner="Robin")
    record = record_view(example_pack, learner="Robin")
    case.go_on.click()
    assert record.inner.cpd.plain_part.layout.display == "none"
    shown = [case.widget, case.body, record.widget, record.inner.widget, record.inner.cpd.widget,
             case.points["housing-referral"].header]
    assert all(w.layout.display in (None, "") for w in shown)
    assert len({id(w.layout) for w in shown + [record.inner.cpd.plain_part]}) == len(shown) + 1


def test_record_view_saves_and_exports(kit_home, example_pack):
    """After the case is opened, reflection, PCF evidence and CPD saves and the export give a
    downloadable record whose PCF domains are the learner's evidenced ones, with the CPD entry
    offered as plain text for Social Work England's form."""
    case = open_case(example_pack, learner="Robin")
    case.acknowledge()
    case.decide("housing-referral", "visit", confidence=4, rationale="r: my reasons for this choice", change_mind="A word from another agency.")
    case.step_out()  # stepping out (and back) never shows in the record
    case.step_back_in()
    view = record_view(example_pack, learner="Robin")
    record = view.inner
    record.gibbs.stages["feelings"].value = "Uneasy about the closure."
    record.gibbs.saver.button.click()
    assert record.gibbs.saver.status.text == ("Saved: Your reflection is kept with your work; each save is kept, "
                                              "and your record shows the latest.")  # never "Saved: Saved."
    record.pcf.saver.button.click()
    assert "at least one domain" in record.pcf.saver.status.text
    record.pcf.evidence["values-and-ethics"].value = "I asked to see the baby's parents."
    record.pcf.saver.button.click()
    assert record.cpd.plain.value == "" and record.cpd.plain_part.layout.display == "none"
    assert record.cpd.fields["activity_type"].value == ""  # chosen, never preset for a learner alone
    record.cpd.fields["learning"].value = "Visit before closing."
    record.cpd.saver.button.click()
    assert "Choose the type of activity" in record.cpd.saver.status.text
    record.cpd.fields["activity_type"].value = CPD_ACTIVITIES["workshop"]
    record.cpd.saver.button.click()
    assert record.cpd.saver.status.text == ("Saved: Your CPD entry is kept with your work; the plain text below is "
                                            "ready to copy.")
    assert "What you learnt:\nVisit before closing." in record.cpd.plain.value
    assert record.cpd.plain_part.layout.display is None
    record.export.format.value = "json"
    record.export.button.click()
    link = record.export.link.value
    assert "Download your record: Data for a workshop or another tool (JSON)" in link
    assert 'download="record-Robin' in link and "record-Robin" not in record.export.status.text
    data = json.loads(base64.b64decode(link.split("base64,")[1].split('"')[0]))
    c = data["cases"][0]
    assert c["reflection"]["feelings"] == "Uneasy about the closure."
    assert c["cpd"]["learning"] == "Visit before closing." and "pcf_domains" not in c["cpd"]
    assert c["pcf_domains"] == ["values-and-ethics"] and data["pcf_domains_covered"] == ["values-and-ethics"]
    assert c["pcf_evidence"] == {"values-and-ethics": "I asked to see the baby's parents."}
    assert "stepped" not in json.dumps(data)
    assert c["decisions"][0]["option_id"] == "visit"


def test_an_exercise_plan_presets_the_cpd_activity(kit_home, example_pack):
    """A notebook for a workshop exercise passes its activity, and the CPD entry starts with it chosen."""
    case = open_case(example_pack, learner="Robin")
    case.acknowledge()
    record = record_view(example_pack, learner="Robin", activity="workshop").inner
    assert record.cpd.fields["activity_type"].value == CPD_ACTIVITIES["workshop"]
