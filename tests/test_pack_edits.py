"""Pack edits never lose learner work: an answer at an option or point the pack no longer has is
kept, locked, shown as "no longer in this case" with the learner's reasons, never replaced by
another option, and kept in the export and the hand-in; `kit validate --against` warns first."""

from __future__ import annotations

import json

import pytest

from kit.cli import main
from kit.cohort import collect
from kit.errors import SessionError
from kit.handin import submit
from kit.packs import load_pack
from kit.record import build_record, parse_record, to_json
from kit.session import open_case
from kit.views.case import CaseView

SIGN_OFF = "I would want a visit before any sign-off here."
HOUSING = "I would want to see the home and the toddler first."


@pytest.fixture
def answered_then_edited(kit_home, example_pack):
    """Robin answers two points ('visit' at housing-referral, 'return' at manager-sign-off); then the
    educator renames the option 'visit' to 'home-visit' and the point 'manager-sign-off' to 'sign-off'."""
    case = open_case(example_pack, learner="Robin")
    case.acknowledge()
    case.decide("housing-referral", "visit", confidence=4, rationale=HOUSING, change_mind="A word from the health visitor.")
    case.decide("manager-sign-off", "return", confidence=2, rationale=SIGN_OFF, change_mind="A word from the health visitor.")
    yaml = example_pack / "pack.yaml"
    text = yaml.read_text()
    text = text.replace("      - id: visit\n", "      - id: home-visit\n", 1)
    text = text.replace("  - id: manager-sign-off\n", "  - id: sign-off\n", 1)
    yaml.write_text(text)
    return example_pack


def test_the_session_keeps_both_answers_locked_and_never_substitutes_an_option(answered_then_edited):
    """The gone option stays the learner's (no reveal of another option as theirs); the point cannot be
    answered again; the gone point's answer is kept apart with its reasons."""
    case = open_case(answered_then_edited, learner="Robin")
    assert case.answer_gone("housing-referral") and case.decision("housing-referral").option_id == "visit"
    with pytest.raises(SessionError, match="no longer in this case"):
        case.reveal("housing-referral")
    with pytest.raises(SessionError, match="already committed"):
        case.decide("housing-referral", "close", confidence=3, rationale="a different answer with hindsight now", change_mind="A word from the health visitor.")
    gone = case.gone_answers
    assert [(g.point_label is None, g.decision.option_id, g.decision.rationale) for g in gone] == [
        (False, "visit", HOUSING), (True, "return", SIGN_OFF)]
    assert case.current_point.id == "sign-off"  # a new point (the renamed one) is a new question


def test_the_case_page_opens_and_says_no_longer_in_this_case_with_the_reasons(answered_then_edited):
    """The case page builds (it used to fail with a TraitError) and shows both answers in words, with
    the learner's reasons, and no option chosen in the locked list."""
    view = CaseView(open_case(answered_then_edited, learner="Robin"))
    pv = view.points["housing-referral"]
    assert pv.choice.disabled and pv.choice.value is None
    assert "no longer in this case" in pv.reveal.value and "see the home and the toddler" in pv.reveal.value
    assert "Close with advice" not in pv.reveal.value  # the actual option is never shown as the learner's
    assert "no longer in this case" in view.gone.value and "visit before any sign-off" in view.gone.value
    assert "manager-sign-off" not in view.gone.value and "return" not in view.gone.value  # no ids for learners


def test_export_and_hand_in_keep_both_answers(answered_then_edited, tmp_path):
    """The record keeps both answers as the learner made them, marked gone, with their reasons; the
    hand-in carries them; collect with the edited pack counts the hand-in and not the gone answers."""
    rec = build_record("Robin")
    (case,) = rec.cases
    by_point = {d.point_id: d for d in case.decisions}
    assert by_point["housing-referral"].option_id == "visit" and by_point["housing-referral"].gone
    assert not by_point["housing-referral"].matched_actual
    assert "No longer in this case" in by_point["housing-referral"].option_text
    assert by_point["manager-sign-off"].gone and by_point["manager-sign-off"].rationale == SIGN_OFF
    assert parse_record(to_json(rec).encode()) == rec
    path = submit("Robin", share_text=True, folder=tmp_path / "ex")
    handed = {d["point_id"]: d for d in json.loads(path.read_text())["cases"][0]["decisions"]}
    assert handed["housing-referral"]["gone"] and handed["manager-sign-off"]["rationale"] == SIGN_OFF
    cohort = collect(tmp_path / "ex", packs=[load_pack(answered_then_edited)])
    assert cohort.size == 1 and not cohort.skipped and cohort.records[0].decisions == ()


def test_validate_against_warns_before_renaming_answered_ids(answered_then_edited, kit_home, capsys):
    """`kit validate PACK --against KIT_HOME` names each answered id the pack no longer has, how many
    learners answered it, and the fix; it stays a warning (exit 0)."""
    assert main(["validate", str(answered_then_edited), "--against", str(kit_home)]) == 0
    out = capsys.readouterr().out
    assert "1 learner in the journals under" in out and "'manager-sign-off'" in out and "'visit'" in out
    assert "keep the old id" in out and "2 warning(s)" in out
    assert main(["validate", str(answered_then_edited), "--against", str(kit_home / "nowhere")]) == 1


def test_validate_against_finds_a_shared_apps_journals(kit_home, example_pack, tmp_path, monkeypatch, capsys):
    """A shared app keeps one journal per learner (learners/<id>/): each is read; an unedited pack warns nothing."""
    for n, name in enumerate(("Ash", "Bo")):
        home = tmp_path / "shared" / "learners" / f"{n:016x}"
        monkeypatch.setenv("KIT_HOME", str(home))
        case = open_case(example_pack, learner=name)
        case.acknowledge()
        case.decide("housing-referral", "phone", confidence=3, rationale="a call first, to the midwife as well", change_mind="A word from the health visitor.")
    assert main(["validate", str(example_pack), "--against", str(tmp_path / "shared")]) == 0
    assert "0 warning(s)" in capsys.readouterr().out
    yaml = example_pack / "pack.yaml"
    yaml.write_text(yaml.read_text().replace("      - id: phone\n", "      - id: call\n", 1))
    assert main(["validate", str(example_pack), "--against", str(tmp_path / "shared")]) == 0
    assert "2 learners" in capsys.readouterr().out
