"""The shared app's identities (kit/identity.py): each browser its own learner.

Each test plays pages of a shared app in this process: a page's query (QUERY_STRING, as Voila
passes it to the page's kernel) names the learner key; `context.reset` stands for
a new page (a new kernel). Real files, a real journal, no mocks.
"""

from __future__ import annotations

import json
import os
import re
import stat

import pytest

from kit import context, identity, settings
from kit.handin import submit
from kit.identity import IdentityError, Registry, normal_code
from kit.journal import Journal
from kit.learner import learner_id
from kit.session import open_case
from tests.conftest import EXAMPLE


@pytest.fixture
def shared(tmp_path, monkeypatch, kit_home):
    """A shared app's folder, as kit app --shared sets it for its pages."""
    folder = tmp_path / "shared-app"
    monkeypatch.setenv("KIT_SHARED", str(folder))
    monkeypatch.delenv("QUERY_STRING", raising=False)
    monkeypatch.delenv("VOILA_PREHEAT", raising=False)
    context.reset()
    yield Registry(folder)
    context.reset()


def new_page(monkeypatch, query: str = "") -> None:
    """A new page of the app (a fresh kernel) opened at ...?<query>."""
    context.reset()
    monkeypatch.setenv("QUERY_STRING", query)


def commit_first_point(learner: str, option_index: int = 0) -> str:
    case = open_case(EXAMPLE, learner=learner)
    case.acknowledge()
    point = case.pack.decision_points[0]
    option = point.options[option_index]
    case.decide(point.id, option.id, confidence=4, rationale=f"{learner} chose {option.id} for these reasons", change_mind="A word from another agency.")
    return option.id


def test_learner_keys_are_long_random_and_signed(shared):
    """A key is a random 64-bit id and a 128-bit HMAC under the app's secret: two joins never
    share one, and another workshop's secret gives another key for the same id."""
    a, b = shared.join("Robin"), shared.join("Sam")
    for j in (a, b):
        assert re.fullmatch(r"[0-9a-f]{16}\.[0-9a-f]{32}", j.key)
    assert a.key != b.key and a.identity.id != b.identity.id
    other = Registry(shared.folder.parent / "another-workshop")
    other.join("Someone")  # its own secret
    with pytest.raises(IdentityError, match="not one this workshop gave out"):
        other.resolve(a.key)
    assert shared.resolve(a.key) == a.identity
    secret = shared.folder / "secret"
    assert stat.S_IMODE(secret.stat().st_mode) == 0o600
    assert len(bytes.fromhex(secret.read_text())) == 32


@pytest.mark.parametrize("edit", ["flip the last character", "another learner's id with my signature",
                                  "cut short", "made up", "empty", "a pseudonym", "path"])
def test_a_forged_or_edited_key_is_refused_with_a_sentence(shared, edit):
    """Editing the key in the address, or inventing one, never opens anyone's work."""
    mine, theirs = shared.join("Robin"), shared.join("Sam")
    ident, mac = mine.key.split(".")
    forged = {
        "flip the last character": mine.key[:-1] + ("0" if mine.key[-1] != "0" else "1"),
        "another learner's id with my signature": f"{theirs.identity.id}.{mac}",
        "cut short": mine.key[:30],
        "made up": "0123456789abcdef." + "0" * 32,
        "empty": "",
        "a pseudonym": "Sam",
        "path": "../../" + ident,
    }[edit]
    with pytest.raises(IdentityError) as err:
        shared.resolve(forged)
    assert str(err.value).startswith("This page's learner key is not one this workshop gave out")
    assert "recovery code" in str(err.value)


def test_the_same_pseudonym_twice_is_two_learners_whose_work_never_mixes(shared, monkeypatch):
    """Two browsers that type 'Robin' are two learners: two folders, two journals, two learner ids,
    two hand-ins; the second is told the name is in use and that their work is kept apart."""
    monkeypatch.setenv("KIT_EXCHANGE", str(shared.folder / "exchange"))
    first = shared.join("Robin")
    second = shared.join("robin")
    assert not first.name_in_use and second.name_in_use
    assert first.identity.home != second.identity.home

    new_page(monkeypatch, f"learner={first.key}")
    assert identity.page_identity() == first.identity
    chosen_first = commit_first_point("Robin", 0)
    id_first = learner_id("Robin")
    submit("Robin")

    new_page(monkeypatch, f"learner={second.key}")
    identity.page_identity()
    assert Journal().events("robin") == []  # nothing of the first learner's
    chosen_second = commit_first_point("robin", 1)
    assert chosen_first != chosen_second
    id_second = learner_id("robin")
    submit("robin")

    assert id_first != id_second
    journals = {j.identity.id: Journal(j.identity.home / "journal.sqlite3").events() for j in (first, second)}
    assert [e.payload.get("option_id") for e in journals[first.identity.id] if e.kind == "decide"] == [chosen_first]
    assert [e.payload.get("option_id") for e in journals[second.identity.id] if e.kind == "decide"] == [chosen_second]
    handins = sorted(p.name.split("-")[1] for p in (shared.folder / "exchange").glob("*.json"))
    assert len(handins) == 2 and len(set(handins)) == 2  # one per learner identity


def test_the_recovery_code_continues_the_work_on_another_device(shared, monkeypatch):
    """A code written down at joining opens the same learner (same key, same work) on a new page
    that carries no key; the folder keeps only an HMAC of the code."""
    joined = shared.join("Robin")
    new_page(monkeypatch, f"learner={joined.key}")
    identity.page_identity()
    chosen = commit_first_point("Robin")

    new_page(monkeypatch, "")  # another device: no key in the address
    assert identity.page_identity() is None
    typed = joined.recovery_code.lower().replace("-", " ")  # as someone might type it
    again = shared.recover(typed)
    identity.enter(again)
    assert again == joined.identity and shared.key(again) == joined.key
    state = open_case(EXAMPLE, learner="Robin").state
    assert [d.option_id for d in state.decisions.values()] == [chosen]
    record = (shared.folder / "identities" / f"{joined.identity.id}.json").read_text()
    assert normal_code(joined.recovery_code) not in record and joined.recovery_code not in record


def test_a_wrong_recovery_code_opens_nothing(shared):
    """A mistyped or another workshop's code is refused with a sentence saying what to check."""
    joined = shared.join("Robin")
    wrong = joined.recovery_code[:-1] + ("A" if joined.recovery_code[-1] != "A" else "B")
    with pytest.raises(IdentityError, match="No learner in this workshop has the recovery code"):
        shared.recover(wrong)
    with pytest.raises(IdentityError, match="Type the recovery code"):
        shared.recover("  ")


def test_a_new_recovery_code_replaces_the_old(shared):
    joined = shared.join("Robin")
    fresh = shared.new_recovery_code(joined.identity)
    assert shared.recover(fresh) == joined.identity
    with pytest.raises(IdentityError):
        shared.recover(joined.recovery_code)


def test_a_new_recovery_code_revokes_every_earlier_address(shared, monkeypatch):
    """Making a new recovery code closes the addresses given so far (a key someone saw or kept): an old
    key opens nothing and says to join again or use the recovery code; the new key opens the learner's
    own work, on every device."""
    joined = shared.join("Robin")
    new_page(monkeypatch, f"learner={joined.key}")
    identity.page_identity()
    chosen = commit_first_point("Robin")
    shared.new_recovery_code(joined.identity)
    second = shared.key(joined.identity)
    shared.new_recovery_code(joined.identity)
    newest = shared.key(joined.identity)
    assert len({joined.key, second, newest}) == 3 and newest.split(".")[0] == joined.identity.id
    for old in (joined.key, second):
        with pytest.raises(IdentityError, match="no longer opens your work.*Join again below, or continue with "
                                                "your recovery code"):
            shared.resolve(old)
        new_page(monkeypatch, f"learner={old}")
        with pytest.raises(IdentityError, match="no longer opens"):
            identity.page_identity()
        assert identity.entered() is None
    new_page(monkeypatch, f"learner={newest}")
    assert identity.page_identity() == joined.identity
    state = open_case(EXAMPLE, learner="Robin").state
    assert [d.option_id for d in state.decisions.values()] == [chosen]  # nothing of the learner's is lost
    record = json.loads((shared.folder / "identities" / f"{joined.identity.id}.json").read_text())
    assert record["key_generation"] == 2


def test_keys_given_before_revocation_existed_still_open(shared):
    """A record written before key generations (no key_generation) keeps the key it gave out."""
    joined = shared.join("Robin")
    path = shared.folder / "identities" / f"{joined.identity.id}.json"
    body = json.loads(path.read_text())
    assert body.get("key_generation", 0) == 0
    body.pop("key_generation", None)
    path.write_text(json.dumps(body))
    assert shared.resolve(joined.key) == joined.identity
    forged = joined.key.split(".")[0] + "." + "0" * 32
    with pytest.raises(IdentityError, match="not one this workshop gave out"):
        shared.resolve(forged)


def test_a_page_belongs_to_one_learner(shared, monkeypatch):
    """Once a page knows its learner, its kernel works in their folder and cannot switch to another."""
    a, b = shared.join("Robin"), shared.join("Sam")
    new_page(monkeypatch, f"learner={a.key}&x=1")
    assert identity.page_identity() == a.identity
    assert settings.kit_home() == a.identity.home
    with pytest.raises(IdentityError, match="already belongs to another learner"):
        identity.enter(b.identity)
    assert settings.kit_home() == a.identity.home


def test_a_page_with_a_forged_key_has_no_learner(shared, monkeypatch):
    """The page's key is checked before anything is opened; the machine's KIT_HOME stays untouched."""
    shared.join("Robin")
    home_before = settings.kit_home()
    new_page(monkeypatch, "learner=0123456789abcdef." + "f" * 32)
    with pytest.raises(IdentityError):
        identity.page_identity()
    assert identity.entered() is None and settings.kit_home() == home_before


def test_listeners_hear_when_the_page_learns_its_learner(shared, monkeypatch):
    """Parts of a page waiting for the learner open when the join form on the page is used."""
    heard = []
    identity.on_enter(heard.append)
    joined = shared.join("Robin")
    identity.enter(joined.identity)
    identity.enter(joined.identity)  # entering again is harmless and not announced twice
    assert heard == [joined.identity]
    late = []
    identity.on_enter(late.append)
    assert late == [joined.identity]


def test_workshop_code_is_made_once_kept_and_forgiving_to_type(shared):
    code = shared.workshop_code()
    assert re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}", code) and not set(code) & set("01OIL")
    assert shared.workshop_code() == code  # kept across restarts of the app
    assert stat.S_IMODE((shared.folder / "workshop-code").stat().st_mode) == 0o600
    assert shared.workshop_code("room 12 tuesday") == "ROOM-12TU-ESDA-Y"
    assert shared.workshop_code() == "ROOM-12TU-ESDA-Y"
    with pytest.raises(IdentityError, match="at least 6"):
        shared.workshop_code("abc")


def test_a_bad_pseudonym_is_refused_and_nothing_is_written(shared):
    with pytest.raises(Exception, match="cannot be used as a pseudonym"):
        shared.join("../../etc")
    assert not (shared.folder / "identities").exists() or not list((shared.folder / "identities").iterdir())


def test_a_damaged_identity_record_is_skipped_not_fatal(shared):
    """A record someone edited by hand names no learner; the others still work."""
    good = shared.join("Robin")
    bad = shared.join("Sam")
    (shared.folder / "identities" / f"{bad.identity.id}.json").write_text(json.dumps({"id": "x"}))
    assert [i.id for i in shared.identities()] == [good.identity.id]
    with pytest.raises(IdentityError, match="belongs to no learner"):
        shared.resolve(bad.key)


def test_outside_a_shared_app_there_is_no_page_identity(kit_home, monkeypatch):
    monkeypatch.delenv("KIT_SHARED", raising=False)
    context.reset()
    monkeypatch.setenv("QUERY_STRING", "learner=anything")
    assert identity.registry() is None and identity.page_identity() is None
    assert os.environ["KIT_HOME"] == str(settings.kit_home())
