"""Anonymisation lint: contact details, official numbers, dates of birth, denylisted names,
commenter labels, and the name-like-word heuristic."""

from __future__ import annotations

import pytest

from kit.lint import hash_name, lint_data, lint_report
from kit.packs import validate_file, validate_tree
from tests.conftest import CASEPACKS


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
