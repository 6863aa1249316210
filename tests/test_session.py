"""Session rules: content note first, order, lock on commit, reveal only after commit, resume."""

from __future__ import annotations

import pytest

import kit
from kit.errors import SessionError
from kit.journal import Journal
from kit.session import MIN_REASON_WORDS, open_case

WHY = "I want to see the home before deciding."  # reasons long enough to commit


@pytest.fixture
def case(kit_home, example_pack):
    return open_case(example_pack, learner="Robin")


def test_nothing_opens_before_the_content_note(case):
    """Before acknowledging, no point can be decided and no case text is offered."""
    assert case.content_note.startswith("Serious physical injury")
    assert case.open_points == []
    with pytest.raises(SessionError, match="content note"):
        case.decide("housing-referral", "visit", confidence=3, rationale=WHY, change_mind="A word from another agency.")
    with pytest.raises(SessionError, match="content note"):
        case.timeline  # noqa: B018


def test_points_open_in_order(case):
    """Only the first uncommitted point is open; the next opens after a commit."""
    case.acknowledge()
    assert [p.id for p in case.open_points] == ["housing-referral"]
    with pytest.raises(SessionError, match="decide Point 1 first") as refused:  # named in words, not by id
        case.decide("manager-sign-off", "sign", confidence=3, rationale=WHY, change_mind="A word from another agency.")
    assert "housing-referral" not in str(refused.value)
    case.decide("housing-referral", "visit", confidence=4, rationale=WHY, change_mind="A word from another agency.")
    assert [p.id for p in case.open_points] == ["housing-referral", "manager-sign-off"]


def test_commit_locks_the_first_answer(case):
    """A second commit at the same point is refused and the first answer stands."""
    case.acknowledge()
    case.decide("housing-referral", "close", confidence=2, rationale="first thoughts, before any reveal", change_mind="A word from another agency.")
    with pytest.raises(SessionError, match="already committed your decision at Point 1"):
        case.decide("housing-referral", "visit", confidence=5, rationale="hindsight after the reveal, changed", change_mind="A word from another agency.")
    d = case.decision("housing-referral")
    assert (d.option_id, d.confidence, d.rationale) == ("close", 2, "first thoughts, before any reveal")


def test_reveal_only_after_commit(case):
    """The reveal is refused before commit and complete after it."""
    case.acknowledge()
    with pytest.raises(SessionError, match="Commit your decision first"):
        case.reveal("housing-referral")
    case.decide("housing-referral", "phone", confidence=3, rationale=WHY, change_mind="A word from another agency.")
    r = case.reveal("housing-referral")
    assert r.chosen.id == "phone" and r.actual.id == "close"
    assert [o.id for o in r.supported] == ["visit"]
    assert r.what_happened == "The case was closed without a visit."
    assert r.review_quote == "an outline of the process followed"
    assert set(r.factors_by_level) == {"organisation", "individual"}
    assert not r.matched_actual and not r.matched_review


def test_commit_with_no_option_is_a_clear_message(case):
    """Committing with nothing chosen (or a bad option or confidence) says what to do."""
    case.acknowledge()
    with pytest.raises(SessionError, match="Choose one of the options"):
        case.decide("housing-referral", None, confidence=3, rationale=WHY, change_mind="A word from another agency.")
    with pytest.raises(SessionError, match="The options are: close, visit, phone"):
        case.decide("housing-referral", "run-away", confidence=3, rationale=WHY, change_mind="A word from another agency.")
    with pytest.raises(SessionError, match="from 1"):
        case.decide("housing-referral", "visit", confidence=9, rationale=WHY, change_mind="A word from another agency.")
    with pytest.raises(SessionError, match="not a decision point"):
        case.decide("nowhere", "visit", confidence=3, rationale=WHY, change_mind="A word from another agency.")
    assert case.decisions == {}


def test_confidence_has_no_preset(case):
    """Confidence starts unset: a commit without a chosen confidence is refused with a sentence, and
    nothing is saved."""
    case.acknowledge()
    with pytest.raises(SessionError, match="Choose how confident you are"):
        case.decide("housing-referral", "visit", rationale=WHY, change_mind="A word from another agency.")
    with pytest.raises(SessionError, match="Choose how confident you are"):
        case.decide("housing-referral", "visit", confidence=True, rationale=WHY, change_mind="A word from another agency.")
    assert case.decisions == {} and Journal().events(kinds=["decide"]) == []


@pytest.mark.parametrize("reasons, message", [
    ("", "Write your reasons before you commit"),
    ("   \n ", "Write your reasons before you commit"),
    ("just a hunch", f"at least {MIN_REASON_WORDS} words"),
])
def test_a_commit_needs_reasons(case, reasons, message):
    """No reasons, or fewer than a short sentence's worth, is refused with a plain sentence; nothing is saved."""
    case.acknowledge()
    with pytest.raises(SessionError, match=message):
        case.decide("housing-referral", "visit", confidence=4, rationale=reasons, change_mind="A word from another agency.")
    assert case.decisions == {} and Journal().events(kinds=["decide"]) == []


@pytest.mark.parametrize("change_mind", ["", "   ", "midwife", "the midwife"])
def test_a_commit_needs_what_would_change_my_mind(case, change_mind):
    """'What would change my mind' is required, a short sentence at least: none, or a word or two, is
    refused with a sentence saying what to write; nothing is saved."""
    case.acknowledge()
    with pytest.raises(SessionError, match="Say what would change your mind before you commit"):
        case.decide("housing-referral", "visit", confidence=4, rationale=WHY, change_mind=change_mind)
    assert case.decisions == {} and Journal().events(kinds=["decide"]) == []


def test_what_the_reasons_rested_on_is_saved_once_before_the_reveal(kit_home, example_pack):
    """After the commit and before the reveal, the considerations the learner ticks are saved as their own
    event and survive a restart; the first save stands, and nothing can be ticked before a commit, with
    none ticked, or from outside the list."""
    case = open_case(example_pack, learner="Robin")
    case.acknowledge()
    with pytest.raises(SessionError, match="Commit your decision first"):
        case.rely_on("housing-referral", ["history-informed"])
    case.decide("housing-referral", "close", confidence=3, rationale=WHY, change_mind="A word from the midwife.")
    assert case.asks_relied_on("housing-referral")
    with pytest.raises(SessionError, match="Tick at least one"):
        case.rely_on("housing-referral", [])
    with pytest.raises(SessionError, match="not one of the considerations"):
        case.rely_on("housing-referral", ["gut-feeling"])
    assert case.rely_on("housing-referral", ["rule-of-optimism", "other", "rule-of-optimism"]) == (
        "rule-of-optimism", "other")
    with pytest.raises(SessionError, match="stays as you first said"):
        case.rely_on("housing-referral", ["child-focused"])
    again = open_case(example_pack, learner="Robin")
    assert again.relied_on("housing-referral") == ("rule-of-optimism", "other")
    assert not again.asks_relied_on("housing-referral")
    assert [e.payload for e in Journal().events(kinds=["relied_on"])] == [
        {"considerations": ["rule-of-optimism", "other"]}]


def test_a_point_revealed_before_the_kit_asked_is_not_asked_afterwards(kit_home, example_pack):
    """An old journal's point, committed and revealed before the kit asked what the reasons rested on, is
    not asked now (that would be with hindsight), and ticking it is refused."""
    case = open_case(example_pack, learner="Robin")
    case.acknowledge()
    case.decide("housing-referral", "close", confidence=3, rationale=WHY, change_mind="A word from the midwife.")
    case.reveal("housing-referral")
    assert not case.asks_relied_on("housing-referral")
    with pytest.raises(SessionError, match="hindsight"):
        case.rely_on("housing-referral", ["history-informed"])


def test_what_would_change_my_mind_is_kept(kit_home, example_pack):
    """The answer to 'what would change my mind?' is saved with the decision and survives a restart."""
    case = open_case(example_pack, learner="Robin")
    case.acknowledge()
    case.decide("housing-referral", "close", confidence=3, rationale=WHY,
                change_mind="  Hearing that the midwife is worried.  ")
    again = open_case(example_pack, learner="Robin")
    d = again.decision("housing-referral")
    assert d.change_mind == "Hearing that the midwife is worried." and d.rationale == WHY


def test_second_thoughts_are_kept_apart(case):
    """A second thought is stored beside, never instead of, the committed answer."""
    case.acknowledge()
    with pytest.raises(SessionError, match="commit your decision first"):
        case.second_thought("housing-referral", "too early")
    case.decide("housing-referral", "close", confidence=4, rationale=WHY, change_mind="A word from another agency.")
    case.second_thought("housing-referral", "I would visit now.")
    assert case.second_thoughts("housing-referral") == ["I would visit now."]
    assert case.decision("housing-referral").rationale == WHY
    with pytest.raises(SessionError, match="Write your second thought"):
        case.second_thought("housing-referral", "   ")


def test_resume_after_restart(kit_home, example_pack):
    """A new session (as after a kernel restart) resumes exactly where the learner was."""
    first = open_case(example_pack, learner="Robin")
    first.acknowledge()
    first.decide("housing-referral", "visit", confidence=5, rationale=WHY, change_mind="A word from another agency.")
    first.reveal("housing-referral")
    first.second_thought("housing-referral", "later")
    again = open_case(example_pack, learner="Robin")
    assert again.acknowledged
    assert again.decision("housing-referral").rationale == WHY
    assert again.current_point.id == "manager-sign-off"
    assert again.second_thoughts("housing-referral") == ["later"]
    other = open_case(example_pack, learner="Sam")
    assert not other.acknowledged and other.decisions == {}


def test_every_action_is_journalled_with_a_timestamp(kit_home, example_pack):
    """Acknowledge, commit, reveal and second thought are each an event with a time."""
    case = open_case(example_pack, learner="Robin")
    case.acknowledge()
    case.decide("housing-referral", "visit", confidence=3, rationale=WHY, change_mind="A word from another agency.")
    case.reveal("housing-referral")
    case.second_thought("housing-referral", "x")
    events = Journal().events("Robin", "example-baby-k")
    assert [e.kind for e in events] == ["acknowledge", "decide", "reveal", "second_thought"]
    assert all(e.created_at.endswith("+00:00") for e in events)


def test_step_out_gives_support(case):
    """Stepping out is recorded and returns where to find support."""
    text = case.step_out()
    assert "Samaritans" in text and case.state.stepped_out and case.stepped_out


def test_step_out_at_any_point_and_back_in_where_you_left(kit_home, example_pack):
    """A learner can step out mid-case: nothing can be decided until they come back, and coming back
    (saved as its own event) opens the case where they left it, after a restart too."""
    case = open_case(example_pack, learner="Robin")
    case.acknowledge()
    case.decide("housing-referral", "close", confidence=3, rationale=WHY, change_mind="A word from another agency.")
    case.step_out()
    with pytest.raises(SessionError, match="stepped out"):
        case.decide("manager-sign-off", "sign", confidence=3, rationale=WHY, change_mind="A word from another agency.")
    again = open_case(example_pack, learner="Robin")
    assert again.stepped_out
    again.step_back_in()
    assert not again.stepped_out and again.current_point.id == "manager-sign-off"
    assert again.decision("housing-referral").option_id == "close"
    kinds = [e.kind for e in Journal().events("Robin", "example-baby-k")]
    assert kinds == ["acknowledge", "decide", "step_out", "step_back_in"]
    again.decide("manager-sign-off", "sign", confidence=3, rationale=WHY, change_mind="A word from another agency.")


def test_support_text_can_be_set_by_the_educator(case, kit_home):
    """support.md in KIT_HOME replaces the default signposting."""
    (kit_home / "support.md").write_text("Ring the course office on extension 42.")
    assert case.step_out().startswith("Ring the course office")


def test_outcome_warning_from_the_pack_or_the_content_note(kit_home, example_pack):
    """Before the outcome, the warning says what it contains: the pack's outcome_note (format 1.1), else
    a sentence built from the content note (a version-1 pack)."""
    v1 = open_case(example_pack, learner="Robin")
    assert v1.pack.outcome_note is None
    assert v1.outcome_warning == ("What became of the children, in brief. It may include what the content "
                                  "note named: serious physical injury to a baby; domestic abuse.")
    v11 = kit.open_case("robyn-front-door", learner="Robin")
    assert v11.outcome_warning == v11.pack.outcome_note


def test_complete_case_and_compare(case):
    """Deciding every point completes the case; compare has a row per point."""
    case.acknowledge()
    for point, option in [("housing-referral", "close"), ("manager-sign-off", "return"),
                          ("police-callout", "no-referral")]:
        case.decide(point, option, confidence=3, rationale=WHY, change_mind="A word from another agency.")
    assert case.is_complete and case.current_point is None
    df = case.compare()
    assert list(df["point"]) == ["housing-referral", "manager-sign-off", "police-callout"]
    assert list(df["matched_actual"]) == [True, False, True]


def test_open_case_by_repository_id(kit_home):
    """kit.open_case takes a pack id from casepacks/."""
    case = kit.open_case("robyn-front-door", learner="Robin")
    assert case.pack.id == "robyn-front-door"


@pytest.mark.parametrize("name", ["", "   ", "../../etc", "a" * 41, "<script>"])
def test_bad_pseudonyms_are_refused(kit_home, example_pack, name):
    """A pseudonym must be a short plain name."""
    with pytest.raises(SessionError, match="pseudonym"):
        open_case(example_pack, learner=name)
