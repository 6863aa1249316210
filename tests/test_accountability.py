"""Across cases: where the reviews place the reasons, and where the learner does."""

from __future__ import annotations

import pandas as pd
import pytest

from kit.accountability import (
    learner_attributions,
    learner_stances,
    levels_share,
    system_vs_individual,
)
from kit.debate import DebateSession
from kit.reflection import save_attribution
from kit.session import open_case
from kit.tables import factors_table
from kit.views.accountability import accountability_overview, my_attributions


def test_levels_share_sums_to_one_per_case():
    """Each case's shares of factors by level add up to 1, computed from the packs."""
    shares = levels_share()
    assert set(shares.index) >= {"nadiya-plans-ended-early", "three-siblings-neglect"}
    assert (shares.sum(axis=1).round(2) == 1).all()


def test_system_vs_individual_counts_from_factors():
    """System = supervision, organisation, policy, multi-agency and tools; counts match the raw factors."""
    df = factors_table("baby-c-closed-without-visit")
    row = system_vs_individual(df).loc["baby-c-closed-without-visit"]
    assert row["individual"] == (df.level == "individual").sum()
    assert row["total"] == len(df)


def test_learner_attributions_beside_review(kit_home):
    """A learner's ratings become shares beside the review's share for the same case."""
    case = open_case("baby-c-closed-without-visit", learner="Robin")
    case.acknowledge()
    save_attribution(case, {"organisation": 3, "individual": 1})
    att = learner_attributions("Robin").set_index("level")
    assert att.loc["organisation", "your_share"] == 0.75 and att.loc["individual", "your_share"] == 0.25
    expected = levels_share().loc["baby-c-closed-without-visit", "organisation"]
    assert att.loc["organisation", "review_share"] == pytest.approx(expected)


def test_learner_stances_average_against_kit(kit_home, example_pack):
    """Debate placings average per debate on each of the two scales beside the kit's coding of the
    same comments; a comment the learner did not place is not counted."""
    case = open_case(example_pack, learner="Robin")
    case.acknowledge()
    d = DebateSession(case)
    d.code("c1", 3, 1)
    # the example pack lives outside casepacks/: it is found from where the learner opened it
    (row,) = learner_stances("Robin").itertuples()
    assert row.case == "example-baby-k" and row.comments == 1  # c2 unplaced: not averaged at the middle
    assert (row.your_accountability, row.your_context) == (3, 1)
    assert (row.kit_accountability, row.kit_context) == (3, 0) and row.kit_one_scale  # c1's stance -2
    d.code("c2", 1, 3)
    (row,) = learner_stances("Robin").itertuples()
    assert (row.your_accountability, row.your_context, row.comments) == (2, 2, 2)
    assert (row.kit_accountability, row.kit_context) == (1.5, 1.5)  # (3, 0) and (0, 3)
    real = open_case("nadiya-plans-ended-early", learner="Robin")
    real.acknowledge()
    rd = DebateSession(real)
    first = rd.debate.comments[0]
    rd.code(first.id, 0, 2)
    row = learner_stances("Robin").set_index("case").loc["nadiya-plans-ended-early"]
    assert (row["your_accountability"], row["your_context"]) == (0, 2)
    assert (row["kit_accountability"], row["kit_context"]) == first.scales
    assert row["debate_title"] == rd.debate.title
    html = my_attributions("Robin").after.value
    assert "two scales" in html and rd.debate.title.split(" ")[0] in html and "nadiya-plans" not in html


def test_views_render_with_and_without_learner_data(kit_home):
    """Both widgets render; with no data the learner is told what to do first; cases are named by
    their titles and levels in words, never by an id or a slug."""
    overview = accountability_overview()
    assert "The chart in words" in overview.chart.value
    shown = overview.chart.value + overview.after.value
    assert "Robyn: a baby, the front door and health services" in shown and "Individual practitioner" in shown
    assert "robyn-front-door" not in shown and "multi-agency" not in shown
    assert "not yet said where you place the reasons" in my_attributions("Nobody").chart.value
    case = open_case("robyn-front-door", learner="Robin")
    case.acknowledge()
    save_attribution(case, {"multi-agency": 3})
    html = my_attributions("Robin").chart.value
    assert "data:image/svg+xml;base64," in html and "robyn-front-door" not in html
    assert "Robyn: a baby, the front door and health services, Multi-agency working: you 100%" in html
    assert isinstance(learner_attributions("Robin"), pd.DataFrame)
