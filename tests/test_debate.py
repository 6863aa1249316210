"""Debates: coding comments, comparing with the pack's coding (locked after), positions; resumable."""

from __future__ import annotations

import pytest

from kit.debate import DebateSession
from kit.errors import SessionError
from kit.session import open_case


@pytest.fixture
def debate(kit_home, example_pack):
    case = open_case(example_pack, learner="Robin")
    case.acknowledge()
    return DebateSession(case, "accountability-vs-context")


def test_coding_needs_the_content_note(kit_home, example_pack):
    """No coding before the case's content note is acknowledged."""
    d = DebateSession(open_case(example_pack, learner="Robin"))
    with pytest.raises(SessionError, match="content note"):
        d.code("c1", 0)


def test_pack_coding_hidden_until_compared(debate):
    """The pack's coding cannot be seen before the learner compares, and needs one coded comment."""
    with pytest.raises(SessionError, match="Compare your coding first"):
        debate.comparison()
    with pytest.raises(SessionError, match="Code at least one comment"):
        debate.reveal()


def test_compare_shows_both_codings_and_differences(debate):
    """After comparing, each comment shows both stances, the gap and who is held accountable."""
    debate.code("c1", 1, ["organisation"])
    debate.code("c2", 2, ["organisation", "government"])
    df = debate.reveal().set_index("comment")
    assert df.loc["c1", "your_stance"] == 1 and df.loc["c1", "pack_stance"] == -2
    assert df.loc["c1", "difference"] == 3
    assert bool(df.loc["c2", "same_people"]) is True
    (line,) = debate.differences()
    assert line.startswith("Commenter A: you placed it at +1")


def test_coding_locked_after_compare_and_latest_code_counts(debate):
    """Codes may change until the comparison; then they are locked."""
    debate.code("c1", 0)
    debate.code("c1", -1, ["practitioners"])
    assert debate.codes["c1"].stance == -1
    debate.reveal()
    with pytest.raises(SessionError, match="locked"):
        debate.code("c1", 2)


@pytest.mark.parametrize("comment, stance, holds, words", [
    ("c9", 0, [], "not a comment"),
    ("c1", 3, [], "from -2"),
    ("c1", 0, ["aliens"], "not one of"),
])
def test_bad_codes_are_refused(debate, comment, stance, holds, words):
    """Out-of-range stances, unknown comments and unknown people get clear messages."""
    with pytest.raises(SessionError, match=words):
        debate.code(comment, stance, holds)


def test_position_saved_and_resumed(kit_home, example_pack, debate):
    """Position and other side are saved; a new session (kernel restart) sees codes and position."""
    debate.code("c1", -2, ["practitioners"])
    debate.reveal()
    with pytest.raises(SessionError, match="Write your own position"):
        debate.save_position("  ")
    debate.save_position("Both matter.", "Individuals still decide.")
    again = DebateSession(open_case(example_pack, learner="Robin"))
    assert again.revealed and again.codes["c1"].stance == -2
    assert (again.position.position, again.position.other_side) == ("Both matter.", "Individuals still decide.")


def test_case_without_debates(kit_home):
    """A case with no debate says so plainly."""
    case = open_case("robyn-front-door", learner="Robin")
    with pytest.raises(SessionError, match="has no debate"):
        DebateSession(case)
