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


@pytest.fixture
def vocabulary_with_new_levels(tmp_path, monkeypatch, kit_home):
    """A copy of the packs whose vocabulary adds two levels an educator might: one in the system
    group, one with no group; the Baby C pack gives a factor at each."""
    import shutil

    from tests.conftest import CASEPACKS

    packs = tmp_path / "packs"
    shutil.copytree(CASEPACKS, packs)
    vocab = packs / "vocabulary.yaml"
    vocab.write_text(vocab.read_text().replace("\nholds_accountable:", (
        "\n  courts:\n    label: Family courts\n    description: Court timetables.\n    group: system\n"
        "  housing:\n    label: Housing and benefits\n    description: Where the family could live.\n"
        "\nholds_accountable:"), 1))
    pack = packs / "baby-c-closed-without-visit" / "pack.yaml"
    text = pack.read_text()
    anchor = "    contributing_factors:\n"
    at = text.index(anchor) + len(anchor)
    indent = text[at:].split("-", 1)[0]
    added = (f"{indent}- level: housing\n{indent}  factor: The family had moved three times that year\n"
             f"{indent}- level: courts\n{indent}  factor: A court date had been set months ahead\n")
    pack.write_text(text[:at] + added + text[at:])
    monkeypatch.setenv("KIT_PACKS", str(packs))
    return packs


def test_a_level_added_to_the_vocabulary_appears_in_every_table_and_chart(vocabulary_with_new_levels):
    """Levels and their groups come from the vocabulary alone: a new level with no group is a group of its
    own and a new level in the system group counts there; both show, in words, in the factors table and its
    chart's words, the shares, the individual/system/family table, the learner's rating form, their
    attributions beside the review, the exported record and the facilitator's summary of hand-ins."""
    from kit.charts import factors_text
    from kit.export import to_markdown
    from kit.record import build_record
    from kit.views.reflection import AttributionForm

    case_id = "baby-c-closed-without-visit"
    df = factors_table(case_id)
    assert {"housing", "courts"} <= set(df["level"])
    assert "Housing and benefits" in factors_text(df) and "Family courts" in factors_text(df)
    assert levels_share(df).loc[case_id, ["housing", "courts"]].gt(0).all()
    split = system_vs_individual(df)
    assert "housing" in split.columns and "courts" not in split.columns
    assert split.loc[case_id, "total"] == len(df)
    assert split.loc[case_id, "system"] == df["level"].isin(
        ["supervision", "organisation", "multi-agency", "policy", "tools", "courts"]).sum()
    overview = "".join(getattr(w, "value", "") for w in _walk(accountability_overview().widget))
    assert "Housing and benefits" in overview and "Family courts" in overview
    case = open_case(case_id, learner="Robin")
    case.acknowledge()
    form = AttributionForm(case)
    assert {"housing", "courts"} <= set(form.ratings)
    save_attribution(case, {"housing": 3, "courts": 1, "organisation": 2})
    att = learner_attributions("Robin").set_index("level")
    assert att.loc["housing", "your_share"] == 0.5 and att.loc["housing", "review_share"] > 0
    assert "Housing and benefits: a great deal" in to_markdown(build_record("Robin"))
    mine = "".join(getattr(w, "value", "") for w in _walk(my_attributions("Robin").widget))
    assert "Housing and benefits" in mine
    from kit.cohort import collect
    from kit.dashboard import attributions_html
    from kit.handin import submit

    exchange = vocabulary_with_new_levels.parent / "exchange"
    exchange.mkdir()
    submit("Robin", folder=exchange)
    assert "Housing and benefits" in attributions_html(collect(exchange))


def _walk(widget):
    yield widget
    for child in getattr(widget, "children", ()):
        yield from _walk(child)
