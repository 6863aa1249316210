"""The authoring model (kit/authoring.py): problems beside their fields in the words kit validate
uses, the own-words check against a pasted source, drafts and publishing, and round trips that
change only the edited lines."""

from __future__ import annotations

import difflib
import shutil
from pathlib import Path

import pytest

from kit import roundtrip
from kit.authoring import Draft, add_debate, drafts_dir, field_path
from kit.cli import main
from kit.commenters import comments_from_paste
from kit.copying import Source, highlighted
from kit.errors import KitError
from kit.packs import validate_file
from tests.conftest import CASEPACKS, repository_pack_ids

SOURCE = ("The review found that the duty team closed the referral without a home visit because the "
          "family had moved twice in a year and nobody had asked the housing officer what she had seen. "
          "It said the local authority showed 'a lack of professional curiosity at every stage' of the case.")
QUOTE = "a lack of professional curiosity at every stage"


def fill(d: Draft, points: int = 3) -> Draft:
    """A small, valid pack written through the page's own calls (as an educator fills the forms)."""
    d.set(("title",), "Baby Q: a referral from housing")
    d.use_title_for_id()
    d.set(("summary",), "A teaching case about a referral from a housing officer during a pregnancy, "
                        "written in the kit's own words for practice.")
    d.set(("content_note",), "Serious injury to a baby; domestic abuse.")
    d.set(("outcome",), "The baby was later hurt at home; the review asked how the referral was weighed.")
    d.set(("source", "review"), "Serious case review: Baby Q, Exampleshire Safeguarding Children Board")
    d.set(("source", "year"), 2019)
    d.set(("source", "articles", 0, "publisher"), "Community Care")
    d.set(("source", "articles", 0, "title"), "Review finds referral was closed early")
    d.set(("anonymisation", "pseudonyms"), ["Q"])
    for n in range(points):
        i = d.add(("decision_points",))
        p = ("decision_points", i)
        d.set(p + ("title",), f"Moment {n + 1} at the front door")
        d.set(p + ("when",), f"Spring {2015 + n}")
        d.set(p + ("situation",), "A housing officer rings about a pregnant tenant who seems frightened of her partner.")
        d.set(p + ("question",), "You are the duty social worker. What do you do next?")
        d.set(p + ("options", 0, "text"), "Record the call and close it with advice to the caller.")
        d.set(p + ("options", 0, "actual"), True)
        d.set(p + ("options", 1, "text"), "Arrange a home visit with a colleague within the week.")
        d.set(p + ("options", 1, "review_supported"), True)
        d.set(p + ("what_happened",), "The call was logged and closed the same day.")
        d.set(p + ("review_finding",), "The review said a visit would have let someone see the home.")
        d.set(p + ("contributing_factors", 0, "factor"), "Ten-day timescales were closely watched.")
    return d


@pytest.fixture
def packs_root(tmp_path, kit_home) -> Path:
    root = tmp_path / "packs"
    root.mkdir()
    shutil.copy(CASEPACKS / "vocabulary.yaml", root / "vocabulary.yaml")
    return root


def test_a_pack_built_field_by_field_is_valid_and_passes_kit_lint(packs_root):
    """Filled through the page's calls alone, a new pack has no problem, publishes, and passes kit lint."""
    d = fill(Draft.new(packs_root))
    plan = d.add(("plans",))
    d.set(("plans", plan, "title"), "A one-hour seminar")
    d.set(("plans", plan, "points"), [p["id"] for p in d.get(("decision_points",))][:2])
    d.set(("plans", plan, "why"), "The first two calls show the pattern.")
    assert d.check().problems == [] or all(p.severity == "warning" for p in d.check().problems), d.check().problems
    home = d.publish()
    assert home == packs_root / "baby-q"
    assert main(["lint", str(home)]) == 0
    readme = (home / "README.md").read_text()
    assert "## Content note" in readme and "## Source" in readme and "Community Care" in readme
    assert "## Running it in 60 minutes (plan `plan-1`)" in readme
    assert "1. Moment 1 at the front door (Spring 2015)\n2. Moment 2 at the front door (Spring 2016)\n" in readme
    d.set(("title",), "Baby Q: a referral from housing, revised")
    d.publish()  # the kit's own README follows the pack; an educator's edited one is left alone
    assert "revised" in (home / "README.md").read_text()
    (home / "README.md").write_text("# My own notes\n")
    d.publish()
    assert (home / "README.md").read_text() == "# My own notes\n"


RULES = [  # (path, value, the field the problem is filed under, words of kit validate's sentence)
    (("decision_points", 0, "options", 0, "actual"), False, "decision_points[0].options", "no option is marked actual"),
    (("decision_points", 0, "options", 0, "review_supported"), True, None, None),
    (("decision_points", 0, "situation"), "", "decision_points[0].situation", "is empty"),
    (("decision_points", 0, "review_quote"), " ".join(["word"] * 41), "decision_points[0].review_quote", "41 words"),
    (("decision_points", 0, "title"), "x" * 61, "decision_points[0].title", "at most 60"),
    (("decision_points", 0, "contributing_factors", 0, "level"), "organization",
     "decision_points[0].contributing_factors[0].level", "Did you mean 'organisation'?"),
    (("source", "year"), 1800, "source.year", "greater than or equal to 1900"),
    (("title",), "TODO a title", "title", "placeholder"),
]


@pytest.mark.parametrize("path, value, field, words", RULES)
def test_each_rule_shows_beside_its_field_in_kit_validates_words(packs_root, tmp_path, path, value, field, words):
    """A broken rule is filed under the field that breaks it, in the sentence kit validate prints for
    the same file (without its file and line)."""
    d = fill(Draft.new(packs_root))
    d.set(path, value)
    problems = [p for p in d.check().problems if p.severity == "error"]
    if field is None:
        assert problems == []
        return
    mine = [p for p in problems if p.field == field]
    assert mine and words in mine[0].sentence, problems
    f = tmp_path / "same" / d.pack_id / "pack.yaml"
    f.parent.mkdir(parents=True)
    f.write_text(d.text())
    said = [p for p in validate_file(f).errors if p.field == field]
    assert said and mine[0].sentence == f"{said[0].problem} {said[0].hint}".strip()


def test_too_few_points_and_the_anonymisation_lint_show_beside_their_fields(packs_root):
    """The pack-wide rule (at least three points) sits on the list; lint finds a phone number and a
    commenter's real name where they are, and a spoiler in a title."""
    d = fill(Draft.new(packs_root), points=2)
    d.set(("decision_points", 1, "situation"), "The officer left her number, 07700 900123, for a call back.")
    d.set(("decision_points", 0, "title"), "When the baby was later hurt at home")
    i = add_debate(d, "Jo Bloggs:\nThey had too many cases to visit everyone.", "Who is to blame?")
    d.set(("debates", i, "comments", 0, "author"), "Jo Bloggs")
    c = d.check()
    assert [p.sentence for p in c.at("decision_points")] == ["needs at least 3, but has 2. Add a decision point."]
    assert any("phone number" in p.sentence for p in c.at("decision_points[1].situation"))
    assert any("Commenter A" in p.sentence for p in c.at(f"debates[{i}].comments[0].author"))
    assert any("words in a row with the outcome" in p.sentence for p in c.at("decision_points[0].title"))


def test_a_content_note_that_tells_the_outcome_shows_beside_the_content_note(packs_root):
    """The content-note rule of kit lint (issue 24) runs on the page too: a note that says what happened is
    an error under the content note, in kit lint's words; kinds of harm and themes pass."""
    d = fill(Draft.new(packs_root))
    d.set(("content_note",), "Injury to a baby; both children were later taken into care.")
    said = " ".join(p.sentence for p in d.check().at("content_note"))
    assert "taken into care" in said or "later" in said
    d.set(("content_note",), "Serious injury to a baby; neglect; domestic abuse.")
    assert d.check().at("content_note") == []


def test_copied_runs_are_marked_and_twelve_words_is_the_line(packs_root):
    """12 words in a row from the pasted source are marked where they stand; 11 are not."""
    d = fill(Draft.new(packs_root))
    d.set_source_text(SOURCE)
    copied = "Staff closed the referral without a home visit because the family had moved twice in a year."
    d.set(("decision_points", 1, "what_happened"), copied)
    d.set(("decision_points", 2, "what_happened"), "It went: the family had moved twice in a year and nobody had ... no.")
    c = d.check()
    found = c.at("decision_points[1].what_happened")
    assert found and "copies 16 words in a row" in found[0].sentence and "own words" in found[0].sentence
    run = found[0].copied[0]
    assert copied[run.start:run.end] == "closed the referral without a home visit because the family had moved twice in a year"
    assert "<mark>closed the referral" in highlighted(copied, list(found[0].copied))
    assert not c.at("decision_points[2].what_happened")  # 11 words in a row


def test_a_review_quote_is_checked_word_for_word_not_for_copying(packs_root):
    """A quote found in the source passes (it may copy); a quote with a word changed is refused."""
    d = fill(Draft.new(packs_root))
    d.set_source_text(SOURCE)
    d.set(("decision_points", 0, "review_quote"), "A lack of professional curiosity at every stage")
    assert not d.check().at("decision_points[0].review_quote")
    d.set(("decision_points", 0, "review_quote"), "a lack of curiosity at every stage")
    found = d.check().at("decision_points[0].review_quote")
    assert found and "not word for word" in found[0].sentence
    assert Source(SOURCE).has_verbatim(QUOTE) and not Source("").has_verbatim(QUOTE)


def test_an_invalid_draft_saves_but_does_not_publish(packs_root):
    """A draft with problems is kept in the educator's drafts folder (never the packs folder) with its
    source text; publishing it is refused in a sentence and writes nothing where learners look."""
    d = fill(Draft.new(packs_root))
    d.set_source_text(SOURCE)
    d.set(("decision_points", 0, "what_happened"), "")
    saved = d.save_draft()
    assert saved == drafts_dir() / "baby-q" and (saved / "source.txt").read_text() == SOURCE[:len(SOURCE)]
    assert not (packs_root / "baby-q").exists()
    with pytest.raises(KitError, match="not published: 1 problem still to fix"):
        d.publish()
    assert not (packs_root / "baby-q").exists()
    d.set(("decision_points", 0, "what_happened"), "The call was logged and closed.")
    assert d.publish() == packs_root / "baby-q"
    assert not (saved / "pack.yaml").exists() and (saved / "source.txt").exists()
    assert not (packs_root / "baby-q" / "source.txt").exists()


def test_a_saved_draft_of_a_published_pack_reopens_with_a_note(packs_root):
    d = fill(Draft.new(packs_root))
    home = d.publish()
    again = Draft.open(home)
    again.set(("title",), "Baby Q: a referral from housing, revised")
    again.save_draft()
    third = Draft.open(home)
    assert third.get(("title",)).endswith("revised") and "saved draft" in third.note
    assert "revised" not in (home / "pack.yaml").read_text()


@pytest.mark.parametrize("pack_id", repository_pack_ids())
def test_editing_one_option_changes_only_that_options_lines(pack_id, tmp_path, kit_home):
    """Round trip of every bundled pack: unchanged it is byte for byte the same; one option's text and
    feedback edited, the diff touches only lines inside that option."""
    home = tmp_path / pack_id
    shutil.copytree(CASEPACKS / pack_id, home)
    original = (home / "pack.yaml").read_text()
    d = Draft.open(home)
    assert d.text() == original
    point = len(d.get(("decision_points",))) // 2
    d.set(("decision_points", point, "options", 1, "text"), "A choice written again on the authoring page, in "
          "new words long enough to fold over more than one line of the file.")
    d.set(("decision_points", point, "options", 1, "feedback"), "New feedback.")
    after = d.text()
    changed = [n for tag, i1, i2, _j1, _j2 in difflib.SequenceMatcher(None, original.splitlines(), after.splitlines())
               .get_opcodes() if tag != "equal" for n in range(i1, max(i2, i1 + 1))]
    lines = original.splitlines()
    start = next(n for n, line in enumerate(lines) if line.strip() == f"- id: {d.get(('decision_points', point, 'options', 1, 'id'))}")
    end = next(n for n in range(start + 1, len(lines)) if lines[n].strip().startswith("- id:")
               or len(lines[n]) - len(lines[n].lstrip()) < len(lines[start]) - len(lines[start].lstrip()))
    assert changed and all(start <= n <= end for n in changed), (start, end, changed)
    (home / "pack.yaml").write_text(after)
    assert validate_file(home).ok


def test_a_known_fact_gains_and_loses_the_kits_reading():
    d = Draft(roundtrip.load("decision_points:\n  - known_at_the_time:\n      - \"A fact\"\n"), home=None, packs_root=Path("."))
    d.set(("decision_points", 0, "known_at_the_time", 0, "kit_reading"), "The kit infers this.")
    assert d.get(("decision_points", 0, "known_at_the_time", 0)) == {"text": "A fact", "kit_reading": "The kit infers this."}
    d.set(("decision_points", 0, "known_at_the_time", 0, "kit_reading"), "")
    assert d.get(("decision_points", 0, "known_at_the_time", 0)) == "A fact"
    assert d.get(("decision_points", 0, "known_at_the_time", 0, "text")) == "A fact"


def test_points_are_added_moved_and_removed_with_ids_kept(packs_root):
    d = fill(Draft.new(packs_root))
    ids = [p["id"] for p in d.get(("decision_points",))]
    assert d.move(("decision_points", 2), -1) == 1
    assert [p["id"] for p in d.get(("decision_points",))] == [ids[0], ids[2], ids[1]]
    d.remove(("decision_points", 0))
    assert [p["id"] for p in d.get(("decision_points",))] == [ids[2], ids[1]]
    assert d.get(("decision_points", d.add(("decision_points",)), "id")) == "point-1"


def test_pasted_comments_are_anonymised_with_replies_found():
    """Handles become Commenter A, B, ... wherever they appear; '@name' makes a reply."""
    found = comments_from_paste("JaneDoe99 says:\nPractitioners must answer for this.\n\n"
                                "Mark T:\n@JaneDoe99 the team had forty cases each.\n\n"
                                "Sam\nAs Mark T says, the system failed them.")
    assert [c["author"] for c in found] == ["Commenter A", "Commenter B", "Commenter C"]
    assert found[1]["reply_to"] == 0 and found[1]["text"] == "the team had forty cases each."
    assert "Mark T" not in found[2]["text"] and "Commenter B" in found[2]["text"]


def test_field_paths_read_back():
    assert field_path("decision_points[2].options[0].text") == ("decision_points", 2, "options", 0, "text")
