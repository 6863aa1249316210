"""Hand-ins a facilitator can trust: workshop keys (HMAC), forged and edited files, hand-ins from
another account, hostile ids and file names, and what one file may cost."""

from __future__ import annotations

import hashlib
import json
import os
import stat
from datetime import datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kit.cli import main
from kit.cohort import collect
from kit.dashboard import summary_html
from kit.errors import KitError, SubmissionError
from kit.handin import submit
from kit.packs import load_pack, load_packs
from kit.record import (
    SIGNED,
    UNSIGNED,
    WRONGLY_SIGNED,
    checksum_ok,
    parse_record,
    sign,
    signature_status,
    to_json,
)
from kit.session import open_case
from kit.workshop import new_key, parse_key, workshop_key
from tests.faults import IS_ROOT

PROPERTY = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                              HealthCheck.too_slow])


def resigned(data: dict) -> bytes:
    """The bytes of an edited record with its checksum recomputed, as anyone can do."""
    data = {**data, "checksum": ""}
    blank = (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode()
    out = blank.replace(b'"checksum": ""', b'"checksum": "sha256:' + hashlib.sha256(blank).hexdigest().encode() + b'"', 1)
    assert checksum_ok(out)
    return out


def later(stamp: str) -> str:
    """A few minutes after stamp: later, and still a sensible time for collect."""
    return (datetime.fromisoformat(stamp) + timedelta(minutes=5)).isoformat()


@pytest.fixture
def packs(example_pack):
    return [*load_packs(), load_pack(example_pack)]


@pytest.fixture
def key():
    return new_key()


def _learner(name, example_pack, option="visit", rationale="my reason for choosing this option"):
    case = open_case(example_pack, learner=name)
    case.acknowledge()
    case.decide("housing-referral", option, confidence=4, rationale=rationale, change_mind="A word from another agency.")
    return case


def test_workshop_new_writes_a_private_key_once(tmp_path, capsys):
    """`kit workshop new` writes a key only its owner can read, prints the code and the key line, and
    never overwrites a key file."""
    path = tmp_path / "workshop.key"
    assert main(["workshop", "new", "--key", str(path)]) == 0
    out = capsys.readouterr().out
    key = workshop_key_from(path)
    assert key.code in out and key.line in out
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    before = path.read_bytes()
    assert main(["workshop", "new", "--key", str(path)]) == 1
    assert "already exists" in capsys.readouterr().err and path.read_bytes() == before


def workshop_key_from(path):
    from kit.workshop import load_key

    return load_key(path)


def test_key_line_copied_with_a_typo_is_refused(key):
    """The code is a fingerprint of the secret: a key line with one character changed is refused with
    a sentence, so a learner never signs with a key the facilitator cannot check."""
    assert parse_key(key.line) == key
    broken = key.line[:-1] + ("0" if key.line[-1] != "0" else "1")
    with pytest.raises(KitError, match="does not match its workshop code"):
        parse_key(broken)
    with pytest.raises(KitError, match="not a workshop key line"):
        parse_key("ABC-123:nothex")


def test_signed_hand_in_is_marked_signed(kit_home, example_pack, tmp_path, monkeypatch, packs, key):
    """With KIT_WORKSHOP_KEY set (the line, or a key file's path) hand-ins are signed, round-trip byte for
    byte, and collect with the key marks them signed."""
    ex = tmp_path / "ex"
    _learner("Ash", example_pack)
    _learner("Bo", example_pack, "close")
    monkeypatch.setenv("KIT_WORKSHOP_KEY", key.line)
    a = submit("Ash", folder=ex)
    keyfile = tmp_path / "k.key"
    keyfile.write_text(key.line)
    monkeypatch.setenv("KIT_WORKSHOP_KEY", str(keyfile))
    b = submit("Bo", folder=ex)
    for path in (a, b):
        raw = path.read_bytes()
        rec = parse_record(raw)
        assert rec.workshop == key.code and to_json(rec).encode() == raw
        assert signature_status(raw, rec, key) == SIGNED
    cohort = collect(ex, packs=packs, key=key)
    assert cohort.size == 2 and cohort.skipped == [] and cohort.unsigned == []
    assert {h.signature for h in cohort.records} == {SIGNED}


def test_edited_hand_in_with_recomputed_checksum_is_not_counted(kit_home, example_pack, tmp_path, monkeypatch,
                                                               packs, key):
    """A signed hand-in edited and given a fresh checksum passes the checksum (it proves nothing about
    the sender) but not the signature: collect with the key skips it as wrongly signed."""
    ex = tmp_path / "ex"
    _learner("Ash", example_pack)
    monkeypatch.setenv("KIT_WORKSHOP_KEY", key.line)
    real = submit("Ash", folder=ex)
    data = json.loads(real.read_text())
    data["cases"][0]["decisions"][0]["confidence"] = 1
    real.unlink()
    (ex / "edited.json").write_bytes(resigned(data))
    assert collect(ex, packs=packs).size == 1  # without the key, the checksum alone lets it through
    cohort = collect(ex, packs=packs, key=key)
    assert cohort.size == 0 and cohort.skipped[0].kind == "wrongly signed"
    (ex / "edited.json").unlink()
    other = to_json(sign(parse_record(resigned(data)), new_key())).encode()  # another workshop's key
    (ex / "other.json").write_bytes(other)
    assert signature_status(other, parse_record(other), key) == WRONGLY_SIGNED
    assert collect(ex, packs=packs, key=key).skipped[0].kind == "wrongly signed"


def test_forged_later_hand_in_never_replaces_a_signed_one(kit_home, example_pack, tmp_path, monkeypatch, packs, key):
    """A file with a learner's id and a later exported_at, unsigned or wrongly signed, never makes
    collect drop the learner's signed hand-in as 'older'; without a key it is still marked, never silent."""
    ex = tmp_path / "ex"
    _learner("Ash", example_pack, "visit")
    monkeypatch.setenv("KIT_WORKSHOP_KEY", key.line)
    real = submit("Ash", folder=ex)
    data = json.loads(real.read_text())
    forged = {**data, "exported_at": later(data["exported_at"]), "workshop": None, "signature": None}
    forged = {k: v for k, v in forged.items() if v is not None}
    forged["cases"][0]["decisions"][0]["option_id"] = "close"
    (ex / "zz-forged.json").write_bytes(resigned(forged))
    cohort = collect(ex, packs=packs, key=key)
    (kept,) = cohort.records
    assert kept.file == real.name and kept.decisions[0][4] == "visit"
    (skip,) = cohort.skipped
    assert skip.file == "zz-forged.json" and skip.kind == "unsigned" and real.name in skip.reason
    signed_only = collect(ex, packs=packs, key=key, signed_only=True)
    assert signed_only.size == 1 and signed_only.skipped[0].kind == "unsigned"


@pytest.mark.skipif(not IS_ROOT, reason="needs root to give a file to another account (chown)")
def test_hand_in_from_another_account_does_not_replace_a_learners(kit_home, example_pack, tmp_path, packs):
    """Without any key: a later hand-in under a learner's id but owned by another computer account (a
    JupyterHub with one account per learner) does not replace the learner's own; it is listed."""
    ex = tmp_path / "ex"
    _learner("Ash", example_pack, "visit")
    real = submit("Ash", folder=ex)
    data = json.loads(real.read_text())
    data["exported_at"] = later(data["exported_at"])
    data["cases"][0]["decisions"][0]["option_id"] = "close"
    forged = ex / "zz-forged.json"
    forged.write_bytes(resigned(data))
    os.chown(forged, 4242, 4242)
    cohort = collect(ex, packs=packs)
    (kept,) = cohort.records
    assert kept.file == real.name and cohort.skipped[0].kind == "other account"


def _handin(example_pack) -> dict:
    from kit.record import build_record

    _learner("Ash", example_pack)
    return json.loads(to_json(build_record("Ash", compact=True)))


def test_ten_thousand_invented_point_ids_cost_little(kit_home, example_pack, tmp_path, packs):
    """One hand-in naming 10,000 points the packs do not have is skipped with its reason; one repeating a
    real point 10,000 times too: what one file may contribute is bounded by the facilitator's packs."""
    data = _handin(example_pack)
    # the decision without its optional 'what would change my mind', so 10,000 copies stay under the size limit
    d = {k: v for k, v in data["cases"][0]["decisions"][0].items() if k != "change_mind"}
    ex = tmp_path / "ex"
    ex.mkdir()
    invented = {**data, "cases": [{**data["cases"][0], "decisions": [
        {**d, "point_id": f"invented-{i}"} for i in range(10_000)]}]}
    (ex / "invented.json").write_bytes(resigned(invented))
    repeated = {**data, "learner_id": "l-0000000000000001", "cases": [{**data["cases"][0], "decisions": [d] * 10_000}]}
    (ex / "repeated.json").write_bytes(resigned(repeated))
    cohort = collect(ex, packs=packs)
    reasons = {s.file: s.reason for s in cohort.skipped}
    assert cohort.size == 0
    assert "names the point 'invented-0'" in reasons["invented.json"] and "packs do not have" in reasons["invented.json"]
    assert "two answers at the point 'housing-referral'" in reasons["repeated.json"]


MATHS = ["$\\notacommand$", "$x^{$", "$$", "a $5 and $10 b", "$\\frac{1}{0}$"]


@pytest.mark.parametrize("field", ["point_id", "case_id", "author", "comment_id", "when"])
def test_maths_markup_in_a_hand_in_never_stops_collect_or_the_summary(kit_home, example_pack, tmp_path, packs,
                                                                     field):
    """A '$...$' in a point id, case id, debate author, comment id or 'when' inside a hand-in: collect
    skips or reads it with a reason, and the summary renders; words shown come from the packs."""
    from kit.debate import DebateSession
    from kit.record import build_record

    case = _learner("Ash", example_pack)
    DebateSession(case).code("c1", 2, 1, ["practitioners"])
    data = json.loads(to_json(build_record("Ash", compact=True)))
    c = data["cases"][0]
    target = {"point_id": c["decisions"][0], "when": c["decisions"][0], "author": c["debates"][0]["codes"][0],
              "comment_id": c["debates"][0]["codes"][0], "case_id": c}[field]
    target["pack_id" if field == "case_id" else field] = MATHS[0]
    ex = tmp_path / "ex"
    ex.mkdir()
    (ex / "maths.json").write_bytes(resigned(data))
    cohort = collect(ex, packs=packs)
    if field in ("when", "author"):  # free text the dashboard never takes from the file
        assert cohort.size == 1 and MATHS[0] not in str(cohort.records[0])
    else:
        assert cohort.size == 0 and "packs do not have" in cohort.skipped[0].reason
    page = summary_html(cohort)
    assert "could not be drawn" not in page and "<h1>Workshop summary</h1>" in page


def test_terminal_shows_hostile_file_names_and_text_safely(kit_home, example_pack, tmp_path, capsys, packs):
    """A file name with a newline and ANSI escapes, and an id with an escape, cannot fake a line or repaint
    the terminal: kit collect writes them out visibly."""
    data = _handin(example_pack)
    ex = tmp_path / "ex"
    ex.mkdir()
    (ex / "x\nskipped nothing: all fine\x1b[2J\x1b[31m.json").write_text("{")
    data["cases"][0]["decisions"][0]["point_id"] = "p\x1b[2Jq\u202e"
    (ex / "ids.json").write_bytes(resigned(data))
    assert main(["collect", str(ex), "--packs", str(example_pack.parent)]) == 0
    err = capsys.readouterr().err
    assert "\x1b" not in err and "\u202e" not in err
    assert all(line.startswith("skipped ") for line in err.splitlines()), err
    assert "\\x1b[2J" in err and "\\n" in err


def test_handout_summary_lists_no_learner_ids_or_file_names(kit_home, example_pack, tmp_path, packs):
    """The summary handed out counts skipped files by reason; no learner id or file name appears in it."""
    ex = tmp_path / "ex"
    ids = []
    for name in ("Ash", "Bo"):
        _learner(name, example_pack)
        path = submit(name, folder=ex)
        ids.append(parse_record(path.read_bytes()).learner_id)
    (ex / "copy.json").write_bytes(path.read_bytes())  # a duplicate: skipped, naming another file
    (ex / "broken.json").write_text("{")
    cohort = collect(ex, packs=packs)
    assert len(cohort.skipped) == 2
    page = summary_html(cohort)
    assert not any(i in page for i in ids)
    assert "copy.json" not in page and "broken.json" not in page
    assert "an exact copy of another hand-in" in page


# -- properties over hand-in fields ------------------------------------------------------------

TEXT = st.text(st.characters(codec="utf-8"), max_size=40)


def _base() -> dict:
    """A real (synthetic) hand-in as data, made once."""
    if "data" not in _BASE:
        import random

        from kit.demo import demo_record

        rec = demo_record(1, load_packs()[:2], random.Random(4))
        _BASE["data"] = json.loads(to_json(rec))
    return json.loads(json.dumps(_BASE["data"]))


_BASE: dict = {}
SIGN_KEY = new_key()


@PROPERTY
@given(rationale=TEXT, when=TEXT, author=TEXT, point=TEXT, exported=TEXT, flip=st.integers(min_value=0))
def test_signature_holds_for_any_fields_and_any_edit_breaks_it(rationale, when, author, point, exported, flip):
    """Whatever text a hand-in holds, a signed file verifies as signed; changing any one byte of it is
    refused (bad checksum, bad content) or reads as wrongly signed, never as signed."""
    from kit.record import Record

    data = _base()
    case = data["cases"][0]
    case["decisions"][0].update(rationale=rationale, when=when, point_id=point)
    for db in case.get("debates", [])[:1]:
        db["codes"][0]["author"] = author
    data.update(exported_at=exported, includes_text=True)
    rec = sign(Record.model_validate(data), SIGN_KEY)
    raw = to_json(rec).encode()
    assert signature_status(raw, parse_record(raw), SIGN_KEY) == SIGNED
    assert signature_status(raw, parse_record(raw), new_key()) == WRONGLY_SIGNED
    i = flip % len(raw)
    changed = rechecksummed(raw[:i] + bytes([raw[i] ^ 0x01]) + raw[i + 1:])  # as a forger would
    if changed == raw:  # the flip was inside the checksum, which recomputing restores
        return
    try:
        got = parse_record(changed)
    except SubmissionError:
        return
    assert signature_status(changed, got, SIGN_KEY) != SIGNED


def rechecksummed(raw: bytes) -> bytes:
    """Bytes with their checksum value recomputed (no key needed: anyone can do it)."""
    marker = b'"checksum": "'
    at = raw.rfind(marker)
    if at < 0:
        return raw
    start = at + len(marker)
    end = raw.find(b'"', start)
    if end < 0:
        return raw
    blank = raw[:start] + raw[end:]
    return raw[:start] + b"sha256:" + hashlib.sha256(blank).hexdigest().encode() + raw[end:]


def test_unsigned_hand_ins_still_work_without_a_key(kit_home, example_pack, tmp_path, packs, monkeypatch):
    """No workshop key in use: hand-ins are unsigned and collect reads them exactly as before."""
    monkeypatch.delenv("KIT_WORKSHOP_KEY", raising=False)
    assert workshop_key() is None
    _learner("Ash", example_pack)
    path = submit("Ash", folder=tmp_path / "ex")
    assert b'"signature"' not in path.read_bytes()
    cohort = collect(tmp_path / "ex", packs=packs)
    assert cohort.size == 1 and cohort.records[0].signature is None
    assert signature_status(path.read_bytes(), parse_record(path.read_bytes()), new_key()) == UNSIGNED


def test_learner_can_paste_the_key_line_into_the_hand_in_form(kit_home, example_pack, tmp_path, monkeypatch, packs,
                                                             key):
    """Where no key is set for the kit (a laptop), the learner pastes the key line: the hand-in is signed
    and the form says for which workshop; a line copied with a typo is refused and nothing is written."""
    from kit.views.handin import submit_view

    monkeypatch.delenv("KIT_WORKSHOP_KEY", raising=False)
    monkeypatch.setenv("KIT_EXCHANGE", str(tmp_path / "ex"))
    _learner("Ash", example_pack)
    view = submit_view("Ash")
    view.key.value = key.line[:-1] + ("0" if key.line[-1] != "0" else "1")
    view.hand_in.click()
    assert "does not match its workshop code" in view.status.text and not (tmp_path / "ex").exists()
    view.key.value = key.line
    view.hand_in.click()
    assert f"signed for workshop {key.code}" in view.status.text
    cohort = collect(tmp_path / "ex", packs=packs, key=key)
    assert cohort.size == 1 and cohort.records[0].signature == SIGNED
