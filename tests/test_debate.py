"""Debates: placing comments on two scales, comparing with the kit's coding (locked after),
positions saved with the other side's case, whether it moved; old one-scale codes; resumable."""

from __future__ import annotations

import pytest

from kit.debate import DebateSession
from kit.errors import SessionError
from kit.events import DebateCode, Kind, comment_target
from kit.journal import Journal
from kit.session import open_case

OTHER = "Individuals still decide: the worker saw the family and could have asked for help, whatever the caseload."


@pytest.fixture
def debate(kit_home, example_pack):
    case = open_case(example_pack, learner="Robin")
    case.acknowledge()
    return DebateSession(case, "accountability-vs-context")


def test_coding_needs_the_content_note(kit_home, example_pack):
    """No placing before the case's content note is acknowledged."""
    d = DebateSession(open_case(example_pack, learner="Robin"))
    with pytest.raises(SessionError, match="content note"):
        d.code("c1", 0, 0)


def test_kit_coding_hidden_until_compared(debate):
    """The kit's coding cannot be seen before the learner compares, and needs one placed comment."""
    with pytest.raises(SessionError, match="Compare your placings first"):
        debate.comparison()
    with pytest.raises(SessionError, match="Place at least one comment"):
        debate.reveal()


def test_compare_shows_both_scales_and_differences(debate):
    """After comparing, each comment shows the learner's two ratings beside the kit's, the gaps and
    whom each holds accountable; differences are sentences in words with "the kit's coding"."""
    debate.code("c1", 1, 3, ["organisation"])
    debate.code("c2", 0, 3, ["organisation", "government"])
    df = debate.reveal().set_index("comment")
    # the example pack is version 1: c1's stance -2 reads as (3, 0)
    assert (df.loc["c1", "your_accountability"], df.loc["c1", "your_context"]) == (1, 3)
    assert (df.loc["c1", "kit_accountability"], df.loc["c1", "kit_context"]) == (3, 0)
    assert df.loc["c1", "accountability_gap"] == -2 and df.loc["c1", "context_gap"] == 3
    assert bool(df.loc["c1", "kit_from_one_scale"]) and bool(df.loc["c2", "same_people"])
    lines = debate.differences()
    assert lines[0] == ("Commenter A, on how far it holds individuals accountable: you said a little, "
                        "the kit's coding a great deal.")
    assert any("differ on who is held accountable (you: The organisation; the kit's coding: Practitioners)" in x
               for x in lines)
    assert not any("pack" in x for x in lines + debate.notes())
    assert any("made on one scale" in n for n in debate.notes())


def test_unplaced_comments_are_not_counted_at_the_middle(debate):
    """A comment the learner did not place has no ratings, no gap and no difference line."""
    debate.code("c1", 3, 0, ["practitioners"])
    df = debate.reveal().set_index("comment")
    assert not df.loc["c2", "placed"] and df.loc["c2", "your_context"] is pd_na()
    assert df.loc["c2", "context_gap"] is pd_na()
    assert list(debate.codes) == ["c1"] and debate.differences() == []
    assert any("placed 1 of 2 comments" in n for n in debate.notes())


def pd_na():
    import pandas as pd

    return pd.NA


def test_coding_locked_after_compare_and_latest_code_counts(debate):
    """Placings may change until the comparison; then they are locked."""
    debate.code("c1", 0, 0)
    debate.code("c1", 2, 1, ["practitioners"])
    assert (debate.codes["c1"].accountability, debate.codes["c1"].context) == (2, 1)
    debate.reveal()
    with pytest.raises(SessionError, match="locked"):
        debate.code("c1", 3, 3)


@pytest.mark.parametrize("comment, a, c, holds, words", [
    ("c9", 0, 0, [], "not a comment"),
    ("c1", 4, 0, [], "Rate how far it holds individuals accountable from 0"),
    ("c1", 0, -1, [], "Rate how far it points to context and system from 0"),
    ("c1", True, 0, [], "from 0"),
    ("c1", 0, 0, ["aliens"], "not one of"),
])
def test_bad_codes_are_refused(debate, comment, a, c, holds, words):
    """Out-of-range ratings, unknown comments and unknown people get clear messages; nothing is saved."""
    with pytest.raises(SessionError, match=words):
        debate.code(comment, a, c, holds)
    assert debate.codes == {}


def test_old_one_scale_codes_replay_on_two_scales(debate):
    """A placing saved by a kit before the two scales (a stance) is read as format 1.1 reads a
    stance, and keeps its one-scale value so the learner can be told."""
    debate.case.save(DebateCode(stance=1, holds_accountable=("managers",)), comment_target(debate.debate.id, "c2"))
    code = DebateSession(open_case(debate.case.pack, learner="Robin")).codes["c2"]
    assert (code.accountability, code.context, code.one_scale) == (1, 2, 1)
    debate.case.reload()
    debate.reveal()
    assert any("earlier single scale" in n for n in debate.notes())


def test_position_needs_the_other_side_then_asks_whether_it_moved(kit_home, example_pack, debate):
    """The position is saved only with the strongest case for the other side; then whether it moved.
    A new session (kernel restart) sees placings, position, other side and movement."""
    debate.code("c1", 3, 0, ["practitioners"])
    debate.reveal()
    with pytest.raises(SessionError, match="Write your own position"):
        debate.save_position("  ", "x")
    with pytest.raises(SessionError, match="strongest case for the other side first"):
        debate.save_position("Both matter.", " ")
    with pytest.raises(SessionError, match=r"more fully \(at least 12 words\).*in its own terms.*would have to be true"):
        debate.save_position("Both matter.", "x")  # a single character is no case for the other side
    with pytest.raises(SessionError, match="more fully"):
        debate.save_position("Both matter.", "Individuals still decide what to do, in the end.")
    assert debate.position is None
    debate.save_position("Both matter.", OTHER)
    with pytest.raises(SessionError, match="Say whether your position moved"):
        debate.save_moved(" ")
    debate.save_moved("A little: I give workload more weight.")
    debate.save_position("Both matter, workload more.", OTHER)
    again = DebateSession(open_case(example_pack, learner="Robin"))
    assert again.revealed and again.codes["c1"].accountability == 3
    pos = again.position
    assert (pos.position, pos.other_side, pos.moved) == (
        "Both matter, workload more.", OTHER, "A little: I give workload more weight.")
    kinds = [e.kind for e in Journal().events("Robin")]
    assert kinds.count(Kind.DEBATE_POSITION) == 3


def test_moved_needs_a_saved_position(debate):
    """Whether the position moved cannot be saved before the position itself."""
    with pytest.raises(SessionError, match="Save your position"):
        debate.save_moved("Yes")


def test_case_without_debates(kit_home):
    """A case with no debate says so plainly."""
    case = open_case("robyn-front-door", learner="Robin")
    with pytest.raises(SessionError, match="has no debate"):
        DebateSession(case)
