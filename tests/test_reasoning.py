"""The learner's reasoning: their own reasons and what they said they rested on, beside what the
chosen options rely on; patterns counted only from committed choices, named with the literature's
labels, a question on each, calibration said gently, and never a mark."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kit.events import Decided, Decision
from kit.journal import Journal
from kit.packs import load_pack
from kit.reasoning import Choice, Pattern, case_reasoning, learner_reasoning
from kit.session import open_case
from kit.vocabulary import Vocabulary, load_vocabulary

WHY = "My reasons for this choice, in a sentence."
MARKS = re.compile(r"\b(score|scored|right|wrong|correct|incorrect|mark out of|grade)\b", re.IGNORECASE)

# The fictional example pack, tagged by hand: a 1.1 pack the kit has never seen.
TAGS = {"close": ["rule-of-optimism", "thresholds-not-needs"], "visit": ["professional-curiosity"],
        "phone": ["single-agency-view"], "sign": ["deference", "resource-led"], "return": ["constructive-challenge"],
        "discuss": ["constructive-challenge"], "no-referral": ["start-again", "thresholds-not-needs"],
        "refer": ["history-informed", "child-focused"], "advise": ["rule-of-optimism"]}


@pytest.fixture
def tagged_pack(example_pack) -> Path:
    """The example pack as format 1.1 with relies_on on every option (no other change)."""
    f = example_pack / "pack.yaml"
    lines = f.read_text().replace("schema_version: 1\n", "schema_version: 1.1\n").splitlines()
    out = []
    for line in lines:
        out.append(line)
        m = re.match(r"^(\s+)- id: (\S+)$", line)
        if m and m.group(2) in TAGS:
            out.append(f"{m.group(1)}  relies_on: [{', '.join(TAGS[m.group(2)])}]")
    f.write_text("\n".join(out) + "\n")
    return example_pack


def _decide(case, choices):
    case.acknowledge()
    for point, option, confidence in choices:
        case.decide(point, option, confidence=confidence, rationale=WHY, change_mind="A word from another agency.")
    return case.reasoning()


def test_counts_come_from_the_chosen_options_relies_on(kit_home, tagged_pack):
    """Each pattern counts the committed choices whose option relies on it, names them by point label,
    and carries its vocabulary label, kind, description, reference and question."""
    r = _decide(open_case(tagged_pack, learner="Robin"),
                [("housing-referral", "close", 2), ("manager-sign-off", "sign", 3), ("police-callout", "no-referral", 5)])
    counts = {p.slug: p.count for p in r.patterns}
    assert counts == {"thresholds-not-needs": 2, "rule-of-optimism": 1, "deference": 1, "resource-led": 1,
                      "start-again": 1}
    top = r.patterns[0]
    assert top.slug == "thresholds-not-needs" and [c.point for c in top.choices] == ["Point 1", "Point 3"]
    term = load_vocabulary().term("reasoning", "thresholds-not-needs")
    assert (top.label, top.kind, top.question, top.reference) == (term.label, "caution", term.question, term.reference)
    assert r.strengths == () and len(r.cautions) == 5


def test_a_caution_is_a_question_to_consider_with_where_confidence_was_highest(kit_home, tagged_pack):
    """A caution says how often and where the learner's choices leaned on it, where their confidence was
    highest, and asks its question; it is never called an error."""
    r = _decide(open_case(tagged_pack, learner="Robin"),
                [("housing-referral", "close", 2), ("manager-sign-off", "sign", 3), ("police-callout", "no-referral", 5)])
    text = " ".join(r.patterns[0].sentences(len(r.named)))
    assert text.startswith("Two of your three choices leaned on this: Point 1 and Point 3.")
    assert "Your confidence was highest at Point 3 (5 of 5, very confident)." in text
    assert text.endswith("A question to consider: " + r.patterns[0].question)
    assert "error" not in r.text.lower() and not MARKS.search(r.text)


def test_strengths_are_named_too(kit_home, tagged_pack):
    """Strengths the literature recommends are named, with 'drew on', before the cautions."""
    r = _decide(open_case(tagged_pack, learner="Robin"),
                [("housing-referral", "visit", 4), ("manager-sign-off", "return", 3), ("police-callout", "refer", 4)])
    assert {p.slug for p in r.strengths} == {"professional-curiosity", "constructive-challenge",
                                              "history-informed", "child-focused"}
    assert r.cautions == ()
    lines = r.sentences()
    headings = [line for line in lines if line.endswith(":") and not line.startswith("At ")]
    assert headings == ["Your reasons beside your choices:", "Habits the literature recommends, in the options you chose:"]
    assert any("drew on this" in line for line in lines)
    assert r.calibration == () and "confident-apart" not in {p.slug for p in r.path}


def test_calibration_is_said_gently_only_where_confidence_was_high_and_the_choice_matched_neither(
        kit_home, tagged_pack):
    """Confidence 4-5 in a choice that was neither what was done nor consistent with the review gets one
    gentle calibration sentence; the same choice at low confidence, or a confident review-consistent
    choice, gets none."""
    r = _decide(open_case(tagged_pack, learner="Robin"),
                [("housing-referral", "phone", 5), ("manager-sign-off", "return", 5), ("police-callout", "advise", 2)])
    assert [c.point for c in r.calibration] == ["Point 1"]
    calibration = next(p for p in r.path if p.slug == "confident-apart")
    assert calibration.where == ("Point 1",)
    sentence = calibration.summary
    assert sentence.startswith("At Point 1 (5 of 5) you were very confident in a choice that was neither what "
                               "was done nor consistent with the review's findings as reported.")
    assert "calibration, not as a mark" in sentence and sentence in r.text
    assert not MARKS.search(sentence + calibration.question)


def test_a_version_1_pack_says_plainly_there_is_nothing_to_name(kit_home, example_pack):
    """With no relies_on (a version-1 pack), the summary says so in a sentence and names no pattern in the
    options; the learner's own reasons are still set out, with no question the options cannot ground."""
    r = _decide(open_case(example_pack, learner="Robin"), [("housing-referral", "close", 4)])
    assert r.patterns == () and r.named == ()
    assert r.opening().startswith("The options in this case do not name the reasoning they rely on")
    assert r.sentences()[:2] == [r.opening(), "Your reasons beside your choices:"]
    assert f"You wrote: \u201c{WHY}\u201d" in r.text and "in the options you chose" not in r.text
    assert r.own[0].question is None


def test_nothing_committed_says_so(kit_home, tagged_pack):
    """Before any commit there is nothing to name, and the summary says so."""
    r = open_case(tagged_pack, learner="Robin").reasoning()
    assert r.choices == () and "not committed a decision yet" in r.text


def test_partly_tagged_choices_say_which_the_patterns_come_from(tagged_pack):
    """When only some chosen options name their reasoning, the opening says how many the patterns come
    from, and 'of your n choices' counts only those."""
    pack = load_pack(tagged_pack)
    first = pack.decision_points[0]
    cleared = first.model_copy(update={"options": [o.model_copy(update={"relies_on": None}) for o in first.options]})
    pack = pack.model_copy(update={"decision_points": [cleared, *pack.decision_points[1:]]})
    decisions = {p.id: Decision(p.id, o, 3, WHY, "") for p, o in
                 zip(pack.decision_points, ["close", "sign", "refer"], strict=True)}
    r = case_reasoning(pack, decisions)
    assert len(r.choices) == 3 and len(r.named) == 2
    assert "at two of them the option names the reasoning it relies on" in r.opening()
    deference = next(p for p in r.patterns if p.slug == "deference")
    assert " ".join(deference.sentences(len(r.named))).startswith("One of your two choices leaned on this")


def test_every_reasoning_term_reads_as_a_question_never_a_mark():
    """For every pattern in the vocabulary, the sentences a learner reads hold no mark words and end
    with the pattern's question."""
    vocab = load_vocabulary()
    assert vocab.slugs("reasoning"), "the vocabulary has a reasoning list"
    for slug in vocab.slugs("reasoning"):
        t = vocab.term("reasoning", slug)
        assert t.kind in ("caution", "strength") and t.question.endswith("?")
        shown = (Choice("A case", "Point 1", "An option", 5, (slug,), False, False),
                 Choice("A case", "A titled point", "Another", 2, (slug,), True, True, titled=True))
        p = Pattern(slug, t.label, t.kind, t.description, t.reference, t.question, shown)
        for line in p.sentences(3) + p.sentences(2, across_cases=True) + [t.label]:
            assert not MARKS.search(line), (slug, line)


def test_an_unknown_slug_is_left_out_not_a_crash(kit_home, tagged_pack):
    """A vocabulary without a pattern the pack names (an educator's own list) simply leaves it out."""
    vocab = load_vocabulary()
    slim = Vocabulary(vocab.path, {**vocab.lists, "reasoning": {k: v for k, v in vocab.lists["reasoning"].items()
                                                                 if k != "rule-of-optimism"}})
    case = open_case(tagged_pack, learner="Robin")
    case.acknowledge()
    case.decide("housing-referral", "close", confidence=3, rationale=WHY, change_mind="A word from another agency.")
    r = case_reasoning(case.pack, case.decisions, slim)
    assert [p.slug for p in r.patterns] == ["thresholds-not-needs"]


def test_a_decision_without_confidence_from_an_old_journal(kit_home, tagged_pack):
    """A decision saved before confidence was required is counted; no confidence sentence, no calibration."""
    case = open_case(tagged_pack, learner="Robin")
    case.acknowledge()
    case.save(Decided("phone", None, "older reasons"), "housing-referral")
    r = case.reasoning()
    assert [p.slug for p in r.patterns] == ["single-agency-view"]
    assert "confidence" not in " ".join(r.patterns[0].summary(1)).lower()
    assert r.calibration == ()


def test_across_cases_names_each_case_and_skips_packs_that_no_longer_load(kit_home, tagged_pack):
    """Across every case the learner did, choices are named with their case; a case whose pack cannot
    be found is left out rather than failing."""
    _decide(open_case(tagged_pack, learner="Robin"), [("housing-referral", "close", 4)])
    robyn = open_case("robyn-front-door", learner="Robin")
    robyn.acknowledge()
    first = robyn.pack.decision_points[0]
    option = next(o for o in first.options if o.relies_on)
    robyn.decide(first.id, option.id, confidence=5, rationale=WHY, change_mind="A word from another agency.")
    Journal().append(_orphan())
    r = learner_reasoning("Robin")
    assert r.across_cases and len(r.choices) == 2
    assert {c.case for c in r.choices} == {load_pack(tagged_pack).title, robyn.pack.title}
    assert f"Point 1 in {load_pack(tagged_pack).title}" in r.text
    assert f"\u201c{first.title}\u201d in {robyn.pack.title}" in r.text
    assert learner_reasoning("Nobody").text.startswith("You have not committed a decision yet")


def _orphan():
    from kit.events import new_event

    return new_event("Robin", "a-pack-that-is-gone", Decided("x", 3, WHY), "somewhere")


def test_two_learners_with_the_same_choices_for_different_reasons_read_different_feedback(kit_home, tagged_pack):
    """The feedback quotes each learner's own reasons and sets what they said they relied on beside what
    the option relies on, so the same choices made for different reasons read differently; a question
    comes only where the two differ."""
    texts = {}
    for who, said, why in (("Robin", ["rule-of-optimism", "thresholds-not-needs"], "The mother agreed to every "
                            "step and nothing met the threshold."),
                           ("Sam", ["history-informed"], "The earlier injury made me want a fuller picture first.")):
        case = open_case(tagged_pack, learner=who)
        case.acknowledge()
        case.decide("housing-referral", "close", confidence=3, rationale=why, change_mind="A word from the midwife.")
        case.rely_on("housing-referral", said)
        r = case.reasoning()
        texts[who] = r.text
        assert f"You wrote: \u201c{why}\u201d" in r.text
    robin, sam = (open_case(tagged_pack, learner=w).reasoning().own[0] for w in ("Robin", "Sam"))
    assert texts["Robin"] != texts["Sam"]
    assert robin.agree == ("What the parents said, agreed to or showed", "Whether it met the threshold for a service")
    assert robin.question is None and "The two agree on" in texts["Robin"]
    assert sam.only_option == ("The rule of optimism", "Thresholds before needs")
    assert sam.only_said == ("The history: what had happened before",)
    assert sam.question.startswith("The option leans on the rule of optimism and thresholds before needs, which you "
                                   "did not name, and you named the history: what had happened before")
    assert not MARKS.search(texts["Sam"])


def test_an_old_journal_without_ticks_still_reads(kit_home, tagged_pack):
    """A decision from before the kit asked what the reasons rested on is read all the same: the feedback
    says it was not asked, and asks no question it cannot ground."""
    case = open_case(tagged_pack, learner="Robin")
    case.acknowledge()
    case.save(Decided("close", 3, "older reasons, from an older kit"), "housing-referral")
    own = case.reasoning().own[0]
    assert own.said == () and own.question is None
    assert "You did not say what your reasons rested on here" in " ".join(own.sentences())
