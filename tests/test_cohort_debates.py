"""Workshop debate placings on two scales: the group's means beside the kit's coding, hand-ins
from the previous record version collected beside current ones."""

from __future__ import annotations

import shutil

from kit.cohort import collect
from kit.dashboard import stances_html
from kit.debate import DebateSession
from kit.handin import submit
from kit.packs import load_pack, load_packs
from kit.session import open_case
from tests.conftest import FIXTURES


def _placed(name, example_pack, c1, c2=None):
    case = open_case(example_pack, learner=name)
    case.acknowledge()
    d = DebateSession(case)
    d.code("c1", *c1)
    if c2:
        d.code("c2", *c2)
    d.reveal()


def test_group_placings_on_two_scales_with_a_previous_version_hand_in(kit_home, example_pack, tmp_path):
    """Per comment the group's mean on each scale sits beside the kit's coding; a learner who left a
    comment unplaced is not counted for it; a version-1 hand-in's one-scale placings count on the
    two scales as format 1.1 reads a stance."""
    ex = tmp_path / "ex"
    _placed("Ash", example_pack, (3, 1), (1, 3))
    _placed("Bo", example_pack, (1, 1))  # c2 left unplaced
    submit("Ash", folder=ex)
    submit("Bo", folder=ex)
    shutil.copy(FIXTURES.parent / "records" / "v1-record.json", ex / "old-kit.json")  # stances -1 and +1
    cohort = collect(ex, packs=[*load_packs(), load_pack(example_pack)])  # the facilitator has the pack
    assert cohort.size == 3 and not cohort.skipped
    st = cohort.stances().set_index("comment")
    assert st.loc["c1", "learners"] == 3 and st.loc["c2", "learners"] == 2
    assert st.loc["c1", "group_accountability"] == 2 and st.loc["c1", "group_context"] == 1  # (3+1+2)/3, (1+1+1)/3
    assert st.loc["c2", "group_accountability"] == 1 and st.loc["c2", "group_context"] == 2.5  # (1+1)/2, (3+2)/2
    assert (st.loc["c1", "kit_accountability"], st.loc["c1", "kit_context"]) == (3, 0)
    html = stances_html(cohort)
    assert "two scales" in html and "holds individuals accountable, group 2.0 and kit 3" in html
    assert "points to context and system, group 2.5 and kit 3 (2 learners)" in html


def test_no_placings_says_so(tmp_path):
    """A group with no debate placings gets a sentence, not an empty chart."""
    (tmp_path / "ex").mkdir()
    assert "Nobody has placed a debate comment yet" in stances_html(collect(tmp_path / "ex"))
