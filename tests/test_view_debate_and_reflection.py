"""Debate, reflection and export views, driven from Python as clicks would drive them."""

from __future__ import annotations

import base64
import json

from kit.events import Kind
from kit.journal import Journal
from kit.session import open_case
from kit.views.base import AfterTheGate, Notice
from kit.views.case import case_view
from kit.views.debate import DebateView, debate_view
from kit.views.reflection import RecordView, record_view


def test_debate_view_gate_code_compare_and_position(kit_home, example_pack):
    """Content note first; then placing and ticks, compare, and a saved position."""
    view = debate_view(example_pack, learner="Robin")
    assert isinstance(view, AfterTheGate) and view.inner is None
    view.gate.go_on.click()
    debate = view.inner
    assert isinstance(debate, DebateView) and list(debate.placings) == ["c1", "c2"]
    debate.placings["c1"].value = 2
    debate.ticks["c1"]["managers"].value = True
    debate.compare.click()
    assert "Commenter A" in debate.result.value and "Where you differ most" in debate.result.value
    assert debate.placings["c1"].disabled and debate.compare.disabled
    debate.position.value, debate.other.value = "Both.", "Individuals decide."
    debate.save.click()
    kinds = [e.kind for e in Journal().events("Robin")]
    assert kinds.count(Kind.DEBATE_CODE) == 2 and Kind.DEBATE_REVEAL in kinds and Kind.DEBATE_POSITION in kinds


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
    assert isinstance(debate.inner, DebateView) and isinstance(record.inner, RecordView)


def test_record_view_saves_and_exports(kit_home, example_pack):
    """After the case is opened, reflection and CPD saves and the export give a downloadable record."""
    case = open_case(example_pack, learner="Robin")
    case.acknowledge()
    case.decide("housing-referral", "visit", confidence=4, rationale="r: my reasons for this choice")
    view = record_view(example_pack, learner="Robin")
    record = view.inner
    record.gibbs.stages["feelings"].value = "Uneasy about the closure."
    record.gibbs.saver.button.click()
    assert "Saved" in record.gibbs.saver.status.text
    record.cpd.fields["learning"].value = "Visit before closing."
    record.cpd.saver.button.click()
    record.export.format.value = "json"
    record.export.button.click()
    link = record.export.link.value
    assert "Download record-Robin" in link
    data = json.loads(base64.b64decode(link.split("base64,")[1].split('"')[0]))
    c = data["cases"][0]
    assert c["reflection"]["feelings"] == "Uneasy about the closure."
    assert c["cpd"]["learning"] == "Visit before closing."
    assert c["decisions"][0]["option_id"] == "visit"
