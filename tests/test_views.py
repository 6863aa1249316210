"""Debate, reflection and export widgets, driven from Python as clicks would drive them."""

from __future__ import annotations

import base64
import json

from kit.debate_view import debate_view
from kit.journal import Journal
from kit.record_view import record_view
from kit.session import open_case


def _find(widget, cls_name, text=None):
    """Depth-first search for a child widget by class (and description)."""
    found = []

    def walk(w):
        if type(w).__name__ == cls_name and (text is None or text in getattr(w, "description", "")):
            found.append(w)
        for c in getattr(w, "children", ()):
            walk(c)

    walk(widget)
    return found


def test_debate_view_gate_code_compare_and_position(kit_home, example_pack):
    """Content note first; then coding by sliders and ticks, compare, and a saved position."""
    box = debate_view(example_pack, learner="Robin")
    (go,) = _find(box, "Button", "I have read this")
    go.click()
    sliders = [d for d in _find(box, "Dropdown") if d.description.startswith("Where does")]
    assert len(sliders) == 2
    sliders[0].value = 2
    (ticks,) = [t for t in _find(box, "Checkbox") if t.description == "Managers"][:1]
    ticks.value = True
    (compare,) = _find(box, "Button", "Compare my coding")
    compare.click()
    (result,) = [w for w in _find(box, "HTML") if "Your coding beside the kit's" in w.value]
    assert "Commenter A" in result.value and "Where you differ most" in result.value
    assert sliders[0].disabled and compare.disabled
    areas = _find(box, "Textarea")
    areas[0].value, areas[1].value = "Both.", "Individuals decide."
    (save,) = _find(box, "Button", "Save my position")
    save.click()
    kinds = [e.kind for e in Journal().events("Robin")]
    assert kinds.count("debate_code") == 2 and "debate_reveal" in kinds and "debate_position" in kinds


def test_debate_view_for_case_without_debate(kit_home):
    """A case with no debate gets a plain note."""
    assert "no reader-comment debate" in debate_view("robyn-front-door", learner="Robin").value


def test_record_view_waits_for_the_case_then_saves_and_exports(kit_home, example_pack):
    """Reflection opens once the case is acknowledged; saves and export produce a downloadable file."""
    box = record_view(example_pack, learner="Robin")
    (start,) = _find(box, "Button", "Open my reflection")
    start.click()
    assert "Open the case above first" in box.children[1].value
    case = open_case(example_pack, learner="Robin")
    case.acknowledge()
    case.decide("housing-referral", "visit", confidence=4, rationale="r")
    start.click()
    areas = {a.description: a for a in _find(box, "Textarea")}
    areas["Feelings"].value = "Uneasy about the closure."
    (save_reflection,) = _find(box, "Button", "Save my reflection")
    save_reflection.click()
    (save_cpd,) = _find(box, "Button", "Save my CPD entry")
    areas["What you learnt"].value = "Visit before closing."
    save_cpd.click()
    (export,) = _find(box, "Button", "Export my record")
    (fmt,) = [d for d in _find(box, "Dropdown") if d.description == "Format"]
    fmt.value = "json"
    export.click()
    link = [w for w in _find(box, "HTML") if "Download record-Robin" in w.value][0].value
    data = json.loads(base64.b64decode(link.split("base64,")[1].split('"')[0]))
    c = data["cases"][0]
    assert c["reflection"]["feelings"] == "Uneasy about the closure."
    assert c["cpd"]["learning"] == "Visit before closing."
    assert c["decisions"][0]["option_id"] == "visit"
