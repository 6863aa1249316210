"""Pack lint: contact details, official numbers, dates of birth, denylisted names,
commenter labels, the name-like-word heuristic, and spoilers in headlines and content notes."""

from __future__ import annotations

import json

import pytest

from kit.lint import hash_name, lint_data, lint_report
from kit.packs import validate_file, validate_tree
from tests.conftest import CASEPACKS, repository_pack_ids


def lint_text(text: str, **anon):
    data = {"anonymisation": {"pseudonyms": ["K"], **anon}, "summary": text}
    return lint_data(data, "pack.yaml", lambda path: 7)


@pytest.mark.parametrize("text, what", [
    ("Contact the team at duty.team@example.org for the file.", "e-mail address"),
    ("She rang 07700 900123 twice that week.", "phone number"),
    ("The family lived near LE1 6ZG at the time.", "UK postcode"),
    ("The hospital record 943 476 5919 was checked.", "NHS number"),
    ("His number AA 00 00 00 A was on the form.", "National Insurance number"),
    ("K was born on 3 March 2014 in hospital.", "exact date of birth"),
    ("Her DOB: 03/03/2014.", "exact date of birth"),
])
def test_identifying_details_are_errors(text, what):
    """Each kind of identifying detail is an error naming what it found."""
    problems = lint_text(text)
    errors = [p for p in problems if p.severity == "error"]
    assert errors and what in errors[0].problem, [str(p) for p in problems]
    assert errors[0].line == 7 and errors[0].field == "summary"


def test_plain_case_text_is_clean():
    """Ordinary paraphrased case text with a pseudonym raises nothing."""
    assert lint_text("In spring 2015 the duty social worker read the referral about K.") == []


def test_exact_date_without_birth_is_a_warning():
    """An exact date that is not a birth date is a warning to blur it."""
    (p,) = lint_text("The conference met on 12 May 2014 and agreed a plan.")
    assert p.severity == "warning" and "exact date" in p.problem


def test_denylisted_name_is_an_error(tmp_path, monkeypatch):
    """A name on a denylist (stored as a hash) is found, in any case and spacing."""
    extra = tmp_path / "extra-denylist.txt"
    extra.write_text(hash_name("Alex Fictional-Person") + "\n")
    monkeypatch.setenv("KIT_DENYLIST", str(extra))
    problems = lint_text("The chair, alex  fictional-person, said the board had learned.")
    assert any("denylist" in p.problem and p.severity == "error" for p in problems)
    monkeypatch.delenv("KIT_DENYLIST")
    assert not any("denylist" in p.problem for p in lint_text("The chair, alex fictional-person, spoke."))


def test_hash_name_normalises_case_and_spaces():
    """The denylist entry is the same however the name is typed."""
    assert hash_name("Alex  FICTIONAL") == hash_name("alex fictional")
    assert len(hash_name("x")) == 64


def test_shipped_denylist_names_no_one_in_plain_text():
    """The shipped denylist holds only hashes and comments."""
    from kit.lint import DATA

    for line in (DATA / "denylist.txt").read_text().splitlines():
        assert line.startswith("#") or len(line) == 64 and set(line) <= set("0123456789abcdef")


def test_commenter_must_be_labelled():
    """A debate author that is not 'Commenter X' is an error."""
    data = {"anonymisation": {}, "debates": [{"comments": [{"author": "sunnyday77", "text": "x"},
                                                          {"author": "Commenter B", "text": "y"}]}]}
    problems = lint_data(data, "pack.yaml", lambda p: 1)
    assert [p.field for p in problems] == ["debates[0].comments[0].author"]


def test_name_like_words_are_warnings_unless_declared():
    """A capitalised word mid-sentence warns; declared pseudonyms and not_names do not."""
    (p,) = lint_text("The worker phoned Bramwell about K before the visit.")
    assert p.severity == "warning" and "'Bramwell'" in p.problem
    assert lint_text("The worker phoned Bramwell about K.", not_names=["Bramwell"]) == []
    assert lint_text("Then the social worker met K and the health visitor.") == []


def test_repository_packs_pass_lint():
    """The shipped packs have no anonymisation errors and no unexplained name-like words."""
    problems = [str(p) for r in validate_tree([CASEPACKS]) for p in lint_report(r)]
    assert problems == []


def test_lint_cites_the_line(tmp_path, example_pack):
    """A lint problem cites the line of the offending text in the pack file."""
    f = example_pack / "pack.yaml"
    text = f.read_text().replace('outcome: "The children live', 'outcome: "Call 07700 900123. The children live')
    f.write_text(text)
    line = next(i for i, t in enumerate(text.splitlines(), 1) if t.startswith("outcome:"))
    (p,) = [p for p in lint_report(validate_file(example_pack)) if p.severity == "error"]
    assert p.line == line and p.field == "outcome"


def _lint_example(example_pack, *edits):
    """Lint the example pack copy after replacing text in it; also return the edited lines."""
    f = example_pack / "pack.yaml"
    text = f.read_text().replace("schema_version: 1\n", "schema_version: 1.1\n")
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new)
    f.write_text(text)
    return lint_report(validate_file(example_pack)), text.splitlines()


def _line(lines, start):
    return next(i for i, t in enumerate(lines, 1) if t.lstrip().startswith(start))


def test_example_pack_has_no_spoilers(example_pack):
    """The fictional pack's title, summary and (added) point title give nothing away."""
    problems, _ = _lint_example(example_pack, ("  - id: housing-referral\n",
                                               '  - id: housing-referral\n    title: "A referral from housing"\n'))
    assert problems == [], [str(p) for p in problems]


def test_summary_repeating_the_actual_option_is_an_error(example_pack):
    """Five words in a row from an actual option's text, in the summary, are an error at its line."""
    problems, lines = _lint_example(example_pack, (
        "The referral is screened by a busy duty team.",
        "The busy duty team may close with advice to housing."))
    (p,) = [p for p in problems if "in a row" in p.problem]
    assert p.severity == "error" and p.field == "summary" and p.line == _line(lines, "summary:")
    assert "5 words" in p.problem and "'close with advice to housing'" in p.problem
    assert "decision_points[0].options[0].text" in p.problem and "outcome" in p.hint


def test_four_shared_words_are_not_a_spoiler(example_pack):
    """A run of four words shared with an actual option is ordinary overlap, not a spoiler."""
    problems, _ = _lint_example(example_pack, (
        "The referral is screened by a busy duty team.",
        "The busy duty team may close with advice to a colleague."))
    assert not [p for p in problems if "in a row" in p.problem]


def test_point_title_repeating_the_outcome_is_an_error(example_pack):
    """A decision point title that repeats five words of the outcome is an error at its line."""
    problems, lines = _lint_example(example_pack, (
        "  - id: manager-sign-off\n",
        '  - id: manager-sign-off\n    title: "Will the children live with a relative?"\n'))
    (p,) = [p for p in problems if "in a row" in p.problem]
    assert p.severity == "error" and p.field == "decision_points[1].title"
    assert p.line == _line(lines, 'title: "Will the children') and "with the outcome" in p.problem


def test_injury_word_from_the_outcome_is_an_error(example_pack):
    """An injury word in the title is an error when the outcome uses the same word family."""
    title = ('title: "Baby K: a case closed before anyone visited"', 'title: "Baby K: injuries at home"')
    problems, lines = _lint_example(example_pack, title, (
        'outcome: "The children live', 'outcome: "K was injured. The children live'))
    (p,) = [p for p in problems if "injury or death word" in p.problem]
    assert p.severity == "error" and p.field == "title" and p.line == _line(lines, "title:")
    assert "'injuries'" in p.problem and "injur*" in p.problem


def test_injury_word_from_the_outcome_note_is_an_error(example_pack):
    """The outcome_note counts as the outcome: a summary echoing it is an error."""
    problems, _ = _lint_example(example_pack, (
        "Months later a baby is hurt.", "Months later a baby has a fracture."), (
        'outcome: "The children', 'outcome_note: "Where the children live, and the fractures."\noutcome: "The children'))
    (p,) = [p for p in problems if "injury or death word" in p.problem]
    assert p.field == "summary" and "'fracture'" in p.problem


def test_injury_word_the_outcome_does_not_use_is_allowed(example_pack):
    """An injury word in the summary that the outcome does not use is left to the content note."""
    problems, _ = _lint_example(example_pack, ("Months later a baby is hurt.", "Months later a baby is injured."))
    assert not [p for p in problems if "injury or death word" in p.problem]


@pytest.mark.parametrize("title, word", [
    ("The missed bruising", "missed"),
    ("A closure that came too soon", "too soon"),
    ("A case closed without a visit", "without a visit"),
    ("A premature sign-off", "premature"),
    ("What the manager should have asked", "should have"),
])
def test_verdict_word_in_a_point_title_is_a_warning(example_pack, title, word):
    """A verdict word in a decision point title is a warning pointing to the findings."""
    problems, lines = _lint_example(example_pack, (
        "  - id: police-callout\n", f'  - id: police-callout\n    title: "{title}"\n'))
    (p,) = problems
    assert p.severity == "warning" and p.field == "decision_points[2].title"
    assert f"'{word}'" in p.problem and "findings" in p.hint and p.line == _line(lines, f'title: "{title}"')


# Content notes: kinds of harm and themes, never what happened.

def _note(example_pack, note, outcome=None):
    """Lint the example pack with its content note (and, if given, its outcome) replaced; each call starts
    from the pack as shipped."""
    f, kept = example_pack / "pack.yaml", example_pack.parent / "pack.yaml.shipped"
    if kept.exists():
        f.write_text(kept.read_text())
    else:
        kept.write_text(f.read_text())
    edits = [('content_note: "Serious physical injury to a baby; domestic abuse."', f"content_note: {json.dumps(note)}")]
    if outcome:
        edits.append(('outcome: "The children live with a relative."', f"outcome: {json.dumps(outcome)}"))
    problems, lines = _lint_example(example_pack, *edits)
    return [p for p in problems if p.field == "content_note"], lines


@pytest.mark.parametrize("pack_id", repository_pack_ids())
def test_each_bundled_pack_content_note_warns_without_telling(pack_id):
    """Each shipped pack's content note passes the content-note spoiler rule (no outcome, no sequence)."""
    problems = [p for p in lint_report(validate_file(CASEPACKS / pack_id)) if p.field == "content_note"]
    assert problems == [], [str(p) for p in problems]


@pytest.mark.parametrize("note", [
    "Serious injury to a baby; neglect; domestic abuse; sexual exploitation.",
    "Serious physical injury to a baby; a parent's mental ill-health; suspected drug and alcohol use.",
    "Neglect of children over many years; concerns about the sexual abuse of children; forced marriage.",
    "Injuries to young children; parents who do not engage with child protection work.",
])
def test_harm_kinds_and_themes_pass(example_pack, note):
    """A content note that names kinds of harm and themes raises nothing."""
    problems, _ = _note(example_pack, note, outcome="K was injured, with fractures, and now lives with a relative.")
    assert problems == [], [str(p) for p in problems]


@pytest.mark.parametrize("note, said", [
    # the content notes the bundled packs carried before issue 24, each of which told what happened
    ("Serious physical injury to a one-month-old baby; criminal charges against both parents; concerns about "
     "domestic abuse.", "a criminal justice outcome ('criminal charges')"),
    ("Physical injury to a baby (a torn lip); later serious injuries (fractures) to her younger half-sister; both "
     "children were taken into care.", "what came after ('later')"),
    ("Repeated domestic abuse; child protection plans ending and a case being closed.", "('being closed')"),
    ("Long-running neglect; the possible sexual exploitation of a boy by an adult woman.",
     "who did what to whom ('by an adult woman')"),
    # and the kinds the rule names
    ("Neglect; the child protection plans were ended.", "('were ended')"),
    ("Neglect; two children were taken into care.", "('were taken into care')"),
    ("Neglect; care proceedings.", "a court or care outcome ('care proceedings')"),
    ("Injury to a baby; the father was convicted.", "('was convicted')"),
    ("Injury to a baby, who eventually recovered.", "what came after ('eventually')"),
])
def test_a_content_note_that_tells_what_happened_is_an_error(example_pack, note, said):
    """A content note naming an outcome, a charge, care proceedings or what came later is an error that names
    the file, the content note's line and the field, says what it found, and says what a note is for."""
    problems, lines = _note(example_pack, note)
    assert problems and all(p.severity == "error" for p in problems), note
    p = problems[0]
    assert said in " ".join(q.problem for q in problems)
    assert p.line == _line(lines, "content_note:") and p.field == "content_note"
    assert str(p).startswith(f"{example_pack / 'pack.yaml'}:{p.line}: content_note: ")
    assert "kinds of harm and the themes" in p.hint and "never what happened" in p.hint


def test_injury_detail_is_an_error_only_when_the_outcome_gives_it(example_pack):
    """Injury detail ('fractures') in a content note is an error when the outcome tells it, not otherwise."""
    note = "Serious physical injury to a baby (fractures from more than one incident); domestic abuse."
    (p,) = _note(example_pack, note, outcome="K was found to have several fractures.")[0]
    assert "injury detail that the outcome gives ('fractures')" in p.problem
    assert _note(example_pack, note)[0] == []


def test_a_content_note_repeating_the_actual_option_is_an_error(example_pack):
    """Five words in a row from an actual option, in the content note, are an error."""
    (p,) = _note(example_pack, "Domestic abuse; conditions are said to have improved.")[0]
    assert "6 words in a row with the actual option decision_points[0].options[0].text" in p.problem


# -- tag balance -----------------------------------------------------------------------------

def _bundled():
    from kit.packs import load_pack
    from tests.conftest import repository_pack_ids

    return [load_pack(CASEPACKS / pid) for pid in repository_pack_ids()]


def test_no_bundled_pack_s_cautions_simply_mark_disagreement_with_the_review():
    """In every bundled pack some cautions sit on options consistent with the review, so the cautions
    describe reasoning rather than mirror the answer key; no review-backed option is tagged as defensive
    practice; Munro's failure to revise is tagged in every pack with more than three points."""
    from kit.lint import tag_balance

    for pack in _bundled():
        b = tag_balance(pack)
        assert b.cautioned and not b.total and b.coincidence < 1, b.sentence()
        assert b.review_backed_cautioned >= 1, b.sentence()
        backed = [o for p in pack.decision_points for o in p.options if o.review_supported]
        assert not [o.id for o in backed if "defensive-practice" in (o.relies_on or [])], pack.id
        if len(pack.decision_points) > 3:
            assert any("fixed-view" in (o.relies_on or []) for p in pack.decision_points for o in p.options), pack.id


def test_tag_balance_says_when_the_cautions_are_total(tagged_example):
    """A pack whose every caution sits on an option not consistent with the review is reported as total,
    in a sentence that names the pack and the counts; the same pack with one review-backed caution is not."""
    from kit.lint import tag_balance
    from kit.packs import load_pack

    pack = load_pack(tagged_example)
    b = tag_balance(pack)
    assert b.total and b.coincidence == 1.0
    assert b.sentence().startswith(f"{pack.id}: {b.cautioned} of {b.cautioned} options with a caution are not "
                                   "consistent with the review (100%, total: the cautions mirror the answer key)")
    first = pack.decision_points[0]
    backed = next(o for o in first.options if o.review_supported)
    moved = first.model_copy(update={"options": [o.model_copy(update={"relies_on": ["deference"]}) if o is backed
                                                 else o for o in first.options]})
    b2 = tag_balance(pack.model_copy(update={"decision_points": [moved, *pack.decision_points[1:]]}))
    assert not b2.total and b2.review_backed_cautioned == 1


@pytest.fixture
def tagged_example(example_pack):
    """The example pack as format 1.1, cautions only on options the review does not back."""
    import re

    tags = {"close": ["rule-of-optimism"], "visit": ["professional-curiosity"], "phone": ["single-agency-view"],
            "sign": ["deference"], "return": ["constructive-challenge"], "no-referral": ["start-again"],
            "refer": ["history-informed"]}
    f = example_pack / "pack.yaml"
    out = []
    for line in f.read_text().replace("schema_version: 1\n", "schema_version: 1.1\n").splitlines():
        out.append(line)
        m = re.match(r"^(\s+)- id: (\S+)$", line)
        if m and m.group(2) in tags:
            out.append(f"{m.group(1)}  relies_on: [{', '.join(tags[m.group(2)])}]")
    f.write_text("\n".join(out) + "\n")
    return example_pack
