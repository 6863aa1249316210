"""One identity per learner, made safely: the pseudonym in one Unicode form, one salt per KIT_HOME
(however many processes start at once), an id nobody can recompute from the name, and export
file names that never collide."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import textwrap
import time
import unicodedata

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kit.cli import main
from kit.errors import SessionError
from kit.export import export_name, export_record, md_escape
from kit.learner import check_learner, learner_id
from kit.session import open_case
from tests.conftest import ROOT

PROPERTY = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

# Pseudonyms as people type them: letters of many scripts (with their accents), digits, spaces,
# dots, hyphens and apostrophes.
NAME_CHARS = st.characters(categories=("Lu", "Ll", "Lt", "Lo", "Nd", "Mn"), max_codepoint=0x2FFF) | st.sampled_from(" .'-")
NAMES = st.text(NAME_CHARS, min_size=1, max_size=30)


def _valid(name: str) -> str | None:
    try:
        return check_learner(name)
    except SessionError:
        return None


def test_processes_starting_at_once_agree_on_one_id(kit_home):
    """Eight processes start together on a fresh KIT_HOME: one salt file, one id for one learner."""
    go = kit_home.parent / "go"
    code = f"""
        import os, time
        while not os.path.exists({str(go)!r}):
            time.sleep(0.001)
        from kit.learner import learner_id
        print(learner_id("Robin"))
    """
    env = {**os.environ, "KIT_HOME": str(kit_home), "PYTHONPATH": str(ROOT)}
    procs = [subprocess.Popen([sys.executable, "-c", textwrap.dedent(code)], env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for _ in range(8)]
    time.sleep(1.5)  # let every process import the kit and wait
    go.write_text("go")
    ids = set()
    for p in procs:
        out, err = p.communicate(timeout=120)
        assert p.returncode == 0, err
        ids.add(out.strip())
    assert len(ids) == 1, ids
    assert ids == {learner_id("Robin")}


def test_id_cannot_be_recomputed_from_the_name_when_no_salt_can_be_kept(tmp_path, monkeypatch):
    """With KIT_HOME unwritable (a file in the way), the id is still salted (stable for this session),
    never sha256('unsaved:' + name)."""
    blocker = tmp_path / "home"
    blocker.write_text("a file")
    monkeypatch.setenv("KIT_HOME", str(blocker))
    guessable = "l-" + hashlib.sha256(b"unsaved:Robin").hexdigest()[:16]
    assert learner_id("Robin") != guessable
    assert learner_id("Robin") == learner_id("Robin")


def test_salt_that_is_not_utf8_still_gives_a_stable_id(kit_home, example_pack, tmp_path, capsys):
    """A salt file of arbitrary bytes is a salt like any other: `kit export` works, the id is stable."""
    kit_home.mkdir(parents=True)
    (kit_home / "salt").write_bytes(b"\xff\xfe\x00binary salt\x80")
    case = open_case(example_pack, learner="Robin")
    case.acknowledge()
    case.decide("housing-referral", "visit", confidence=4, rationale="for the reasons given here in full", change_mind="A word from another agency.")
    out = tmp_path / "r.json"
    assert main(["export", "--learner", "Robin", "--format", "json", "-o", str(out)]) == 0, capsys.readouterr().err
    assert learner_id("Robin") in out.read_text() and learner_id("Robin") == learner_id("Robin")
    assert (kit_home / "salt").read_bytes() == b"\xff\xfe\x00binary salt\x80"  # never rewritten


def test_decomposed_accent_is_the_same_learner(kit_home, example_pack):
    """'Zoë' typed with a combining diaeresis is accepted and is the same learner as 'Zoë' composed."""
    composed, decomposed = "Zo\u00eb", "Zoe\u0308"
    assert check_learner(decomposed) == composed
    case = open_case(example_pack, learner=decomposed)
    case.acknowledge()
    case.decide("housing-referral", "visit", confidence=4, rationale="typed decomposed, for the reasons given here", change_mind="A word from another agency.")
    again = open_case(example_pack, learner=composed)
    assert again.decision("housing-referral").rationale == "typed decomposed, for the reasons given here"
    assert learner_id(decomposed) == learner_id(composed)


def test_refusal_shows_an_invisible_character():
    """A name holding a zero-width space is refused with a message that names the character, so it
    does not quote a name that looks exactly like an acceptable one."""
    with pytest.raises(SessionError) as err:
        check_learner("Robin\u200b")
    assert "U+200B (zero width space)" in str(err.value) and "\\u200b" in str(err.value)


@PROPERTY
@given(NAMES)
def test_any_pseudonym_is_one_learner_in_any_unicode_form(name):
    """For any typed name: NFC and NFD forms are accepted or refused together, and give one pseudonym."""
    nfc, nfd = unicodedata.normalize("NFC", name), unicodedata.normalize("NFD", name)
    assert _valid(nfc) == _valid(nfd)
    checked = _valid(name)
    if checked is not None:
        assert check_learner(checked) == checked  # checking twice changes nothing
        assert unicodedata.is_normalized("NFC", checked) and len(checked) <= 40


def test_names_differing_in_punctuation_get_their_own_export_files(kit_home, example_pack):
    """'Robin Smith', 'Robin-Smith' and 'Robin.Smith' export to three files; none overwrites another."""
    names = ["Robin Smith", "Robin-Smith", "Robin.Smith", "robin smith"]
    paths = []
    for name in names:
        case = open_case(example_pack, learner=name)
        case.acknowledge()
        case.decide("housing-referral", "visit", confidence=4, rationale=f"by {name}, for the reasons given here", change_mind="A word from another agency.")
        paths.append(export_record(name, fmt="md"))
    assert len({p.name.lower() for p in paths}) == len(names)  # apart even on a disk that ignores case
    for name, path in zip(names, paths, strict=True):
        assert md_escape(f"by {name}") in path.read_text()


@PROPERTY
@given(st.lists(NAMES, min_size=2, max_size=2, unique=True))
def test_distinct_pseudonyms_never_share_an_export_name(pair):
    """Any two different pseudonyms get different export file names, ignoring case."""
    a, b = (_valid(n) for n in pair)
    if a is None or b is None or a == b:
        return
    assert export_name(a, None, "html").lower() != export_name(b, None, "html").lower()
