"""Comparison table, plain-language summary, chart and its text alternative."""

from __future__ import annotations

import re

import pytest

from kit.charts import comparison_chart, comparison_text, figure_image
from kit.compare import comparison_summary, display_table
from kit.html import img_html
from kit.session import open_case

WHY = "My reasons for this choice, in a sentence."


@pytest.fixture
def done(kit_home, example_pack):
    case = open_case(example_pack, learner="Robin")
    case.acknowledge()
    case.decide("housing-referral", "close", confidence=5, rationale=WHY, change_mind="A word from another agency.")   # actual, not supported
    case.decide("manager-sign-off", "return", confidence=2, rationale=WHY, change_mind="A word from another agency.")  # supported
    case.decide("police-callout", "no-referral", confidence=4, rationale=WHY, change_mind="A word from another agency.")  # actual, not supported
    return case


def test_table_columns_and_matches(done):
    """Each row says your choice, what was done, what the review supports, and both matches."""
    df = done.compare()
    row = df.set_index("point").loc["manager-sign-off"]
    assert row["your_option"] == "return" and row["actual_option"] == "sign"
    assert row["supported_options"] == ["return", "discuss"]
    assert not row["matched_actual"] and row["matched_review"] and row["confidence"] == 2


def test_summary_is_computed_from_the_data(done):
    """The summary says what the learner might take from the case: the points where they chose what was
    done and the review saw it differently, where they were surest, the case's themes in words; it
    names no counts, never says more was needed, and gives no mark."""
    text = done.summary()
    assert text.startswith("You have decided every point in this case.")
    assert "At Point 1 and Point 3 you chose what was done, and the review saw it differently afterwards" in text
    assert "You were surest at Point 1: a good place to ask what would have changed your mind." in text
    assert "What you might take from this case: how feedback to referrer and information sharing shaped" in text
    assert "not a mark" in text
    assert "more was needed" not in text and not re.search(r"\d+ of \d+|\d\.\d|points? you", text)  # no counts or averages
    assert "supports" not in text  # the kit reads reports of reviews: it never says what a review supports


def test_summary_names_where_a_choice_stood_apart(kit_home, example_pack):
    """A choice neither done nor consistent with the review is named as worth a second look, with a question."""
    case = open_case(example_pack, learner="Robin")
    case.acknowledge()
    case.decide("housing-referral", "phone", confidence=3, rationale=WHY, change_mind="A word from another agency.")
    text = case.summary()
    assert "some of the points so far" in text
    assert "Worth a second look: Point 1, where your choice stood apart from both" in text


def test_summary_with_nothing_committed(kit_home, example_pack):
    """Before any commit the summary says so."""
    case = open_case(example_pack, learner="Robin")
    assert "not committed a decision yet" in comparison_summary(case.compare())


def test_display_table_marks_undecided_points(kit_home, example_pack):
    """Uncommitted points say 'not decided yet' rather than blanks; how a choice compares is a
    sentence; the options consistent with the review are a list of their words, with no stray
    line breaks (a literal \\n once showed after each)."""
    case = open_case(example_pack, learner="Robin")
    case.acknowledge()
    case.decide("housing-referral", "visit", confidence=3, rationale=WHY, change_mind="A word from another agency.")
    t = display_table(case.compare())
    assert t.loc["Point 2", "Your choice"] == "not decided yet"
    assert t.loc["Point 1", "How your choice compares"] == (
        "Different from what was done; consistent with the review's findings as reported.")
    assert t.loc["Point 2", "How your choice compares"] == "-"
    assert t.loc["Point 2", "Your confidence (1-5)"] == "-" and t.loc["Point 1", "Your confidence (1-5)"] == 3
    options = t.loc["Point 1", "Options consistent with the review's findings as reported"]
    assert isinstance(options, list) and options and not any("\n" in o or o != o.strip() for o in options)


def test_display_table_names_points_by_label_never_id(kit_home):
    """Learners see a point's title (format 1.1) in the table, never its id."""
    case = open_case("robyn-front-door", learner="Robin")
    case.acknowledge()
    t = display_table(case.compare())
    ids = [p.id for p in case.pack.decision_points]
    assert list(t.index) == [p.label(i) for i, p in enumerate(case.pack.decision_points)]
    assert not set(ids) & set(t.index)


def test_old_decision_without_confidence_is_shown_not_a_crash(kit_home, example_pack):
    """A decision from a journal written before confidence was required compares and charts as
    'confidence not given'."""
    from kit.events import Decided
    case = open_case(example_pack, learner="Robin")
    case.acknowledge()
    case.save(Decided("visit", None, "an older journal's reasons"), "housing-referral")
    df = case.compare()
    assert "confidence not given" in comparison_text(df)
    assert "nan" not in comparison_summary(df)
    assert b"<svg" in figure_image(comparison_chart(df))[:500]


def test_chart_has_a_text_alternative(done):
    """The chart renders to PNG and its text alternative names every committed point."""
    df = done.compare()
    png = figure_image(comparison_chart(df))
    assert b"<svg" in png[:500]
    text = comparison_text(df)
    assert len(text.splitlines()) == 3
    assert "Point 2 (Spring 2015): confidence 2 of 5; consistent with the review's findings as reported." in text
    assert "Point 1 (Spring 2015): confidence 5 of 5; same as what was done." in text
    assert 'alt="Point 1 (Spring 2015): confidence 5' in img_html(png, text)


def test_chart_labels_are_whole_point_titles(kit_home):
    """A titled point's chart label is its whole title, wrapped, never cut short with an ellipsis."""
    case = open_case("nadiya-plans-ended-early", learner="Robin")
    case.acknowledge()
    for p in case.pack.decision_points[:3]:
        case.decide(p.id, p.options[0].id, confidence=3, rationale=WHY, change_mind="A word from another agency.")
    fig = comparison_chart(case.compare())
    labels = [" ".join(t.get_text().split()) for t in fig.axes[0].get_yticklabels()]
    assert labels == [p.title for p in case.pack.decision_points[:3]]
