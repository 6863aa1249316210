"""Comparison table, plain-language summary, chart and its text alternative."""

from __future__ import annotations

import pytest

from kit.charts import comparison_chart, comparison_text, figure_image
from kit.compare import comparison_summary, display_table
from kit.html import img_html
from kit.session import open_case


@pytest.fixture
def done(kit_home, example_pack):
    case = open_case(example_pack, learner="Robin")
    case.acknowledge()
    case.decide("housing-referral", "close", confidence=5)   # actual, not supported
    case.decide("manager-sign-off", "return", confidence=2)  # supported
    case.decide("police-callout", "no-referral", confidence=4)  # actual, not supported
    return case


def test_table_columns_and_matches(done):
    """Each row says your choice, what was done, what the review supports, and both matches."""
    df = done.compare()
    row = df.set_index("point").loc["manager-sign-off"]
    assert row["your_option"] == "return" and row["actual_option"] == "sign"
    assert row["supported_options"] == ["return", "discuss"]
    assert not row["matched_actual"] and row["matched_review"] and row["confidence"] == 2


def test_summary_is_computed_from_the_data(done):
    """The summary counts matches and states the confidence pattern; it gives no mark."""
    text = done.summary()
    assert "At 2 of 3 points you chose what was actually done." in text
    assert "At both of those, the review found that more was needed." in text
    assert "At 1 of 3 points your choice was one the review supports." in text
    assert "highest where you differed from the review (4.5 against 2.0" in text
    assert "not a mark" in text


def test_summary_with_nothing_committed(kit_home, example_pack):
    """Before any commit the summary says so."""
    case = open_case(example_pack, learner="Robin")
    assert "not committed a decision yet" in comparison_summary(case.compare())


def test_display_table_marks_undecided_points(kit_home, example_pack):
    """Uncommitted points show '(not yet decided)' rather than blanks."""
    case = open_case(example_pack, learner="Robin")
    case.acknowledge()
    case.decide("housing-referral", "visit")
    t = display_table(case.compare())
    assert t.loc["manager-sign-off", "Your choice"] == "(not yet decided)"
    assert t.loc["housing-referral", "One the review supports?"] == "yes"


def test_chart_has_a_text_alternative(done):
    """The chart renders to PNG and its text alternative names every committed point."""
    df = done.compare()
    png = figure_image(comparison_chart(df))
    assert b"<svg" in png[:500]
    text = comparison_text(df)
    assert len(text.splitlines()) == 3
    assert "confidence 2 of 5; review supports it" in text
    assert 'alt="Point 1.' in img_html(png, text)
