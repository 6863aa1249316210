"""Patterns in a learner's path through a case, read from crafted sequences of choices: not revising,
starting again, confidence drift and high confidence apart from both; each named from the
literature, placed by point titles, with a question, and never a mark."""

from __future__ import annotations

import re

from kit.journey import path_patterns
from kit.reasoning import Choice
from kit.vocabulary import load_vocabulary

MARKS = re.compile(r"\b(score|scored|right|wrong|correct|incorrect|mark out of|grade)\b", re.IGNORECASE)
TITLES = ["A first referral", "A second call", "A missed visit", "A school's worry", "A closing review"]
PLAIN = "I think this step fits what we knew on the day."


def step(i, confidence=3, said=(), relies_on=(), rationale=PLAIN, change_mind="", actual=False, review=True,
         case="A case"):
    return Choice(case, TITLES[i], f"Option at point {i + 1}", confidence, tuple(relies_on), actual, review,
                  titled=True, said=tuple(said), rationale=rationale, change_mind=change_mind)


def patterns(steps, across=False):
    return {p.slug: p for p in path_patterns(steps, load_vocabulary(), across)}


def test_the_same_consideration_three_points_in_a_row_is_failure_to_revise():
    """Ticking the parents' account at three points in a row is Munro's failure to revise, named with the
    points' titles and what the learner said would change their mind."""
    steps = [step(0, 2, ["rule-of-optimism"], change_mind="A report of new bruising from the nursery"),
             step(1, 4, ["rule-of-optimism", "history-informed"]), step(2, 3, ["rule-of-optimism"])]
    p = patterns(steps)["not-revising"]
    assert p.label == "Munro's failure to revise" and "Munro (1996)" in p.reference
    assert p.where == ("\u201cA first referral\u201d", "\u201cA second call\u201d", "\u201cA missed visit\u201d")
    assert "what the parents said, agreed to or showed" in p.summary
    assert "\u201cA report of new bruising from the nursery\u201d" in p.summary
    assert p.question.endswith("?") and not MARKS.search(p.summary + p.question)


def test_two_in_a_row_or_a_changing_basis_is_not_failure_to_revise():
    """Two points in a row, a basis that changes each time with confidence moving, or a strength (the
    history) named at every point, shows nothing."""
    assert "not-revising" not in patterns([step(0, 2, ["history-informed"]), step(1, 4, ["history-informed"]),
                                           step(2, 3, ["history-informed"])])
    assert "not-revising" not in patterns([step(0, 2, ["deference"]), step(1, 4, ["deference"])])
    assert "not-revising" not in patterns([step(0, 2, ["deference"]), step(1, 4, ["child-focused"]),
                                           step(2, 3, ["deference"])])


def test_unmoved_confidence_and_the_same_kind_of_choice_are_failure_to_revise_too():
    """The same confidence at three points in a row, or options leaning on the same caution, count; a
    strength shared across points does not."""
    steady = patterns([step(0, 4, ["child-focused"]), step(1, 4, ["deference"]), step(2, 4, ["history-informed"])])
    assert "stayed at 4 of 5 (quite confident) from \u201cA first referral\u201d to \u201cA missed visit\u201d, three " \
           "points in a row" in steady["not-revising"].summary
    kinds = patterns([step(0, 2, relies_on=["single-agency-view"]), step(1, 4, relies_on=["single-agency-view"]),
                      step(2, 3, relies_on=["single-agency-view", "proportionality"])])
    assert "the same kind of step each time" in kinds["not-revising"].summary
    assert "one agency's information only" in kinds["not-revising"].summary
    strengths = patterns([step(0, 2, relies_on=["proportionality"]), step(1, 4, relies_on=["proportionality"]),
                          step(2, 3, relies_on=["proportionality"])])
    assert "not-revising" not in strengths


def test_later_points_judged_alone_are_start_again():
    """Later points whose reasons neither tick the history nor speak of anything earlier are start-again
    syndrome; reasons that look back, or a ticked history, are not."""
    alone = [step(0, 3), step(1, 2, ["deference"]), step(2, 4, ["child-focused"]), step(3, 3, ["other"])]
    p = patterns(alone)["starting-again"]
    assert p.label == "Start-again syndrome" and "Brandon" in p.reference
    assert p.where == ("\u201cA second call\u201d", "\u201cA missed visit\u201d", "\u201cA school's worry\u201d")
    looked_back = [step(0, 3), step(1, 2, rationale="This is the second call about the same bruising."),
                   step(2, 4, ["history-informed"]), step(3, 3)]
    assert "starting-again" not in patterns(looked_back)


def test_confidence_drift_either_way():
    """Confidence climbing steadily by two or more is drift, with the points where it began and ended;
    falling is named too; a wandering confidence is not drift."""
    up = patterns([step(0, 2, ["deference"]), step(1, 3, ["child-focused"]), step(2, 3, ["history-informed"]),
                   step(3, 5, ["other"])])["confidence-drift"]
    assert "rose steadily, from 2 of 5 at \u201cA first referral\u201d to 5 of 5 at \u201cA school's worry\u201d" in up.summary
    assert "Oskamp (1965)" in up.reference and "surer" in up.question
    down = patterns([step(0, 5), step(1, 4), step(2, 2)])["confidence-drift"]
    assert "fell steadily" in down.summary and "less sure" in down.question
    assert "confidence-drift" not in patterns([step(0, 2), step(1, 5), step(2, 3)])


def test_high_confidence_on_a_choice_apart_from_both():
    """Confidence 4 or 5 in a choice neither done nor consistent with the review is named as calibration;
    the same choice at 3, or a confident choice that was done, is not."""
    steps = [step(0, 5, actual=False, review=False), step(1, 3, actual=False, review=False),
             step(2, 4, actual=True, review=False)]
    p = patterns(steps)["confident-apart"]
    assert p.where == ("\u201cA first referral\u201d",)
    assert p.summary.startswith("At \u201cA first referral\u201d (5 of 5) you were very confident")
    assert not MARKS.search(p.summary + p.question)


def test_across_cases_each_case_is_its_own_path():
    """Across cases, runs do not join points from different cases, and each pattern names its case."""
    steps = [step(0, 4, case="Case one"), step(1, 4, case="Case one"), step(0, 4, case="Case two"),
             step(1, 4, case="Case two")]
    assert "not-revising" not in patterns(steps, across=True)
    three = [*steps[:2], step(2, 4, case="Case one")]
    p = patterns(three, across=True)["not-revising"]
    assert p.summary.startswith("In Case one: ")


def test_a_version_1_path_without_ticks_or_tags_still_reads():
    """With no tags and no ticks (a version-1 pack, an old journal), the path still reads confidence."""
    steps = [Choice("Old case", f"Point {i + 1}", "An option", c, (), False, True) for i, c in enumerate([2, 3, 5])]
    found = patterns(steps)
    assert set(found) == {"confidence-drift", "starting-again"}
    assert found["confidence-drift"].where == ("Point 1", "Point 2", "Point 3")
