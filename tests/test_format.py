"""Format 1.1: optional extensions that a version-1 pack never needs and never breaks."""

from __future__ import annotations

import pytest

from kit.errors import PackError
from kit.models import STANCE_AS_SCALES
from kit.packs import load_pack, validate_file
from kit.vocabulary import load_vocabulary
from tests.conftest import EXAMPLE

V11_POINT = '''  - id: housing-referral
    title: "A referral from housing"
    when: "Spring 2015"'''

V11_OPTION = '''      - id: close
        text: "Close with advice to housing, since conditions are said to have improved."
        relies_on: [rule-of-optimism, thresholds-not-needs]
        kit_reading: "The article says the case was closed; that housing reported improvement is the kit's reading."'''

V11_KNOWN = '''    known_at_the_time:
      - "The flat was untidy at the housing officer's visit."
      - text: "No police information is held about the household."
        kit_reading: "The article does not say whether police were asked; the kit assumes they held nothing."'''

V11_COMMENT = '''        text: "Decisions are made under caseloads nobody chose."
        accountability: 1
        context: 3'''


def write(tmp_path, *edits, version="1.1"):
    text = (EXAMPLE / "pack.yaml").read_text()
    text = text.replace("schema_version: 1", f"schema_version: {version}")
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new, 1)
    folder = tmp_path / "example-baby-k"
    folder.mkdir(exist_ok=True)
    (folder / "pack.yaml").write_text(text)
    return folder


EXTENSIONS = [
    ('  - id: housing-referral\n    when: "Spring 2015"', V11_POINT),
    ('      - id: close\n        text: "Close with advice to housing, since conditions are said to have improved."',
     V11_OPTION),
    ('''    known_at_the_time:
      - "The flat was untidy at the housing officer's visit."
      - "No police information is held about the household."''', V11_KNOWN),
    ('''        text: "Decisions are made under caseloads nobody chose."
        stance: 2''', V11_COMMENT),
    ('outcome: "The children live with a relative."',
     'outcome: "The children live with a relative."\noutcome_note: "What became of the children, without injury detail."\n'
     'plans:\n  - id: short\n    title: "Thirty minutes"\n    minutes: 30\n    points: [housing-referral, police-callout]\n'
     '    why: "The referral and the police call-out show the two agencies\' views."'),
    ('      date: 2017-05-02', '      date: 2017-05-02\n  full_review: "The NSPCC national case review repository"'),
]


def test_version_one_one_pack_with_every_extension_loads(tmp_path):
    """A 1.1 pack using every extension loads, and each extension reads back."""
    pack = load_pack(write(tmp_path, *EXTENSIONS))
    assert pack.schema_version == "1.1"
    point = pack.point("housing-referral")
    assert point.title == "A referral from housing" and point.label(0) == "A referral from housing"
    assert point.option("close").relies_on == ["rule-of-optimism", "thresholds-not-needs"]
    assert "kit's reading" in point.option("close").kit_reading
    assert [k.kit_reading is not None for k in point.known_at_the_time] == [False, True]
    c2 = pack.debates[0].comment("c2")
    assert c2.stance is None and c2.scales == (1, 3) and not c2.scales_derived
    assert pack.plan("short").points == ["housing-referral", "police-callout"]
    assert pack.source.full_review.startswith("The NSPCC")


@pytest.mark.parametrize("written", ["1.1", '"1.1"'])
def test_version_may_be_written_as_number_or_text(tmp_path, written):
    """schema_version: 1.1 and "1.1" mean the same."""
    assert load_pack(write(tmp_path, version=written)).schema_version == "1.1"


def test_version_one_pack_reads_as_before():
    """A version-1 pack has no titles, no relies_on, and reads its one-scale stance on two scales."""
    pack = load_pack(EXAMPLE)
    assert pack.schema_version == "1"
    point = pack.decision_points[1]
    assert point.title is None and point.label(1) == "Point 2"
    assert all(o.relies_on is None for p in pack.decision_points for o in p.options)
    c1 = pack.debates[0].comment("c1")
    assert c1.stance == -2 and c1.scales == STANCE_AS_SCALES[-2] and c1.scales_derived
    assert pack.point_label("manager-sign-off") == "Point 2"


@pytest.mark.parametrize("edit", EXTENSIONS, ids=["title", "relies_on", "known", "scales", "plans", "full_review"])
def test_one_one_field_in_a_version_one_pack_is_refused_with_its_line(tmp_path, edit):
    """Each 1.1 field in a pack that declares version 1 is refused, located, saying how to fix it."""
    report = validate_file(write(tmp_path, edit, version="1"))
    assert not report.ok
    problem = report.errors[0]
    assert "is a format 1.1 field" in problem.problem and "schema_version: 1.1" in problem.problem
    assert problem.line is not None and problem.path.endswith("pack.yaml")


@pytest.mark.parametrize("edit, field, words", [
    (('relies_on: [rule-of-optimism, thresholds-not-needs]', 'relies_on: [rule-of-optimsm]'),
     "decision_points[0].options[0].relies_on[0]", "Did you mean 'rule-of-optimism'"),
    (('points: [housing-referral, police-callout]', 'points: [housing-referal]'),
     "plans", "names 'housing-referal', which is not a decision point"),
    (('title: "A referral from housing"', 'title: "' + "x" * 61 + '"'),
     "decision_points[0].title", "at most 60"),
    (('context: 3', 'context: 4'), "debates[0].comments[1].context", "less than or equal to 3"),
    (('        accountability: 1\n', ''), "debates[0].comments[1]", "needs a stance"),
])
def test_broken_one_one_rules_are_located(tmp_path, edit, field, words):
    """Each 1.1 rule broken gives a located sentence."""
    report = validate_file(write(tmp_path, *EXTENSIONS[:-1], edit))
    assert not report.ok
    assert any(p.field == field and words in p.problem + p.hint for p in report.errors), \
        [str(p) for p in report.errors]


def test_newer_format_is_refused_plainly(tmp_path):
    """A pack from a newer kit (1.2) is refused with the versions this kit reads."""
    with pytest.raises(PackError, match=r"format version 1.2; this kit reads versions 1 and 1.1"):
        load_pack(write(tmp_path, version="1.2"))


def test_reasoning_patterns_cite_the_literature():
    """Every reasoning pattern has a label, a description, a reference, a question and a kind."""
    vocab = load_vocabulary()
    terms = vocab.lists["reasoning"].values()
    assert len(terms) >= 10
    for t in terms:
        assert t.label and t.description and t.question.endswith("?")
        assert t.kind in ("caution", "strength")
        assert any(ch.isdigit() for ch in t.reference), t.slug  # a dated reference
    assert {"rule-of-optimism", "start-again"} <= set(vocab.slugs("reasoning"))


def test_vocabulary_without_reasoning_still_loads(tmp_path):
    """An educator's older vocabulary.yaml (no reasoning list) still loads; relies_on then cannot name one."""
    from pathlib import Path

    from kit.vocabulary import load_vocabulary as load

    older = tmp_path / "vocabulary.yaml"
    src = Path(load().path).read_text(encoding="utf-8")
    older.write_text(src[: src.index("\nreasoning:")] + "\n")
    vocab = load(older)
    assert vocab.slugs("reasoning") == [] and vocab.levels
