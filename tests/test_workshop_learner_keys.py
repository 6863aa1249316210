"""Hand-ins identify their learner: learner keys made from the workshop key, one learner id per key,
export times checked for sense, and "newer" decided by the record's counter, not a clock."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kit import record
from kit.cli import main
from kit.cohort import CLOCK_SKEW_SECONDS, collect, exported_time
from kit.errors import KitError, SubmissionError
from kit.handin import submit
from kit.learner import learner_id
from kit.packs import load_pack, load_packs
from kit.record import SIGNED, parse_record, sign, signature_status, to_json
from kit.session import open_case
from kit.workshop import LearnerKey, learner_key, new_key, parse_key
from tests.test_workshop import resigned


@pytest.fixture
def packs(example_pack):
    return [*load_packs(), load_pack(example_pack)]


@pytest.fixture
def key():
    return new_key()


def _work(name, example_pack, points=1):
    case = open_case(example_pack, learner=name)
    case.acknowledge()
    for p in case.pack.decision_points[:points]:
        case.decide(p.id, p.options[0].id, confidence=4, rationale="my reason for choosing this option", change_mind="A word from the health visitor.")
    return case


def test_learner_key_line_round_trips_and_a_typo_is_refused(key):
    """A learner key line parses back to the same key; one changed character is refused in a sentence."""
    lk = learner_key(key, "seat-01")
    assert parse_key(lk.line) == lk and isinstance(lk, LearnerKey) and lk.code == key.code
    assert learner_key(key, "seat-02").secret != lk.secret and learner_key(new_key(), "seat-01").secret != lk.secret
    broken = lk.line[:-5] + ("0" if lk.line[-5] != "0" else "1") + lk.line[-4:]
    with pytest.raises(KitError, match="not a learner key line"):
        parse_key(broken)
    with pytest.raises(KitError, match="cannot name a learner key"):
        learner_key(key, "../etc")


def test_cli_prints_a_learner_key_for_each_name(tmp_path, capsys):
    """`kit workshop learner-key` prints one line per name; a learner's key cannot make others."""
    path = tmp_path / "w.key"
    assert main(["workshop", "new", "--key", str(path)]) == 0
    assert "learner-key" in capsys.readouterr().out
    assert main(["workshop", "learner-key", "--key", str(path), "ash", "seat-02"]) == 0
    lines = capsys.readouterr().out.split()
    assert [parse_key(line).name for line in lines] == ["ash", "seat-02"]
    assert main(["workshop", "learner-key", "--key", lines[0], "bo"]) == 1
    assert "learner's key" in capsys.readouterr().err


def test_hand_in_signed_with_a_learner_key_is_signed_and_names_its_key(kit_home, example_pack, tmp_path,
                                                                        monkeypatch, packs, key):
    """The facilitator's workshop key checks a learner-key signature; the record carries the key's name
    and the learner's counter; any edit breaks the signature."""
    _work("Ash", example_pack)
    monkeypatch.setenv("KIT_WORKSHOP_KEY", learner_key(key, "ash").line)
    path = submit("Ash", folder=tmp_path / "ex")
    raw = path.read_bytes()
    rec = parse_record(raw)
    assert rec.signer == "ash" and rec.workshop == key.code and rec.counter >= 2
    assert signature_status(raw, rec, key) == SIGNED
    assert signature_status(raw, rec, new_key()) != SIGNED
    (kept,) = collect(tmp_path / "ex", packs=packs, key=key).records
    assert kept.signature == SIGNED and kept.signer == "ash"


def test_a_classmate_cannot_re_sign_a_hand_in_as_its_learner(kit_home, example_pack, tmp_path, monkeypatch, packs,
                                                             key):
    """Bo copies Ash's hand-in, changes the choice, gives it a larger counter and a later time, and signs
    it with Bo's own learner key: it is listed as signed with another learner's key, and Ash's counts."""
    ex = tmp_path / "ex"
    _work("Ash", example_pack)
    monkeypatch.setenv("KIT_WORKSHOP_KEY", learner_key(key, "ash").line)
    real = submit("Ash", folder=ex)
    data = json.loads(real.read_text())
    data.update(counter=data["counter"] + 100,
                exported_at=(datetime.fromisoformat(data["exported_at"]) + timedelta(minutes=1)).isoformat())
    mine = data["cases"][0]["decisions"][0]["option_id"]
    data["cases"][0]["decisions"][0]["option_id"] = "visit" if mine != "visit" else "close"
    forged = to_json(sign(parse_record(resigned({k: v for k, v in data.items() if k not in ("signature",)})),
                          learner_key(key, "bo")))
    (ex / "zz-forged.json").write_text(forged)
    cohort = collect(ex, packs=packs, key=key)
    (kept,) = cohort.records
    assert kept.file == real.name and kept.decisions[0][4] == mine
    (skip,) = cohort.skipped
    assert skip.kind == "other key" and "another learner's key" in skip.reason


def test_a_learner_key_belongs_to_the_first_learner_id_it_signed_for(kit_home, example_pack, tmp_path,
                                                                     monkeypatch, packs, key):
    """Bo hands in Bo's own work, then (after Ash's hand-in is deleted) a copy signed for Ash's id: the
    copy is not counted, because Bo's key first signed for Bo."""
    ex = tmp_path / "ex"
    _work("Bo", example_pack)
    monkeypatch.setenv("KIT_WORKSHOP_KEY", learner_key(key, "bo").line)
    submit("Bo", folder=ex)
    data = json.loads(submit("Bo", folder=tmp_path / "elsewhere").read_text())
    data["learner_id"] = "l-0123456789abcdef"  # Ash's id, read from a file name in the exchange
    (ex / "zz-as-ash.json").write_text(to_json(sign(parse_record(resigned(data)), learner_key(key, "bo"))))
    cohort = collect(ex, packs=packs, key=key)
    assert [r.learner_id for r in cohort.records] == [learner_id("Bo")]
    assert cohort.skipped[0].kind == "other key" and "under another learner id" in cohort.skipped[0].reason


def test_newer_is_decided_by_the_counter_not_the_clock(kit_home, example_pack, tmp_path, monkeypatch, packs, key):
    """A laptop clock set back a day: the learner's second hand-in (more work, earlier time) still counts."""
    ex = tmp_path / "ex"
    case = _work("Ash", example_pack, points=1)
    first = submit("Ash", folder=ex)
    p = case.current_point
    case.decide(p.id, p.options[0].id, confidence=2, rationale="my reason for the second point here", change_mind="A word from the health visitor.")
    yesterday = (datetime.now(timezone.utc) - timedelta(days=1)).isoformat(timespec="microseconds")
    monkeypatch.setattr(record, "_now", lambda: yesterday)
    second = submit("Ash", folder=ex)
    assert json.loads(second.read_text())["exported_at"] < json.loads(first.read_text())["exported_at"]
    cohort = collect(ex, packs=packs)
    (kept,) = cohort.records
    assert kept.file == second.name and len(kept.decisions) == 2
    assert cohort.skipped[0].kind == "older" and cohort.skipped[0].file == first.name


@pytest.mark.parametrize("stamp, words", [
    ("not a time", "is not a time"),
    ("9999-12-31T23:59:59+00:00", "after the file arrived"),
    ("2001-01-01T00:00:00+00:00", "before this kit existed"),
    ("2026-12-01T10:00:00", "no time zone"),
])
def test_an_export_time_that_makes_no_sense_is_skipped(kit_home, example_pack, tmp_path, packs, stamp, words):
    """exported_at is parsed as a time: not a time, far in the future, before the kit, or without a zone
    is one skipped line with its reason (it used to win 'newest' as a string)."""
    ex = tmp_path / "ex"
    _work("Ash", example_pack)
    real = submit("Ash", folder=ex)
    data = json.loads(real.read_text())
    data.update(exported_at=stamp, counter=data["counter"] + 1)
    data["cases"][0]["decisions"][0]["option_id"] = "close"
    (ex / "zz-time.json").write_bytes(resigned(data))
    cohort = collect(ex, packs=packs)
    (kept,) = cohort.records
    assert kept.file == real.name
    (skip,) = cohort.skipped
    assert skip.kind == "bad time" and words in skip.reason


def test_clock_skew_of_a_few_minutes_is_allowed():
    """A learner's clock a few minutes ahead of the exchange's is not refused."""
    now = datetime.now(timezone.utc)
    ahead = (now + timedelta(seconds=CLOCK_SKEW_SECONDS - 60)).isoformat()
    assert isinstance(exported_time(ahead, now.timestamp()), float)
    assert isinstance(exported_time((now + timedelta(seconds=CLOCK_SKEW_SECONDS + 60)).isoformat(),
                                    now.timestamp()), str)


def test_a_version_2_hand_in_still_loads_and_counts(kit_home, example_pack, tmp_path, packs):
    """A hand-in from the previous kit (record version 2: no counter, no signer) is read and counted; a
    version-3 hand-in from the same learner is newer whatever its time."""
    ex = tmp_path / "ex"
    _work("Ash", example_pack)
    data = json.loads(submit("Ash", folder=tmp_path / "v3").read_text())
    old = {k: v for k, v in data.items() if k not in ("counter", "signer")}
    old["version"] = 2
    ex.mkdir()
    (ex / "old.json").write_bytes(resigned(old))
    rec = parse_record((ex / "old.json").read_bytes())
    assert rec.counter is None and rec.version == 3
    (kept,) = collect(ex, packs=packs).records
    assert kept.file == "old.json" and kept.counter == -1


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(counter=st.one_of(st.none(), st.integers(min_value=-5, max_value=10**13)),
       signer=st.one_of(st.none(), st.text(max_size=50)),
       exported=st.one_of(st.text(max_size=40), st.datetimes(timezones=st.just(timezone.utc)).map(datetime.isoformat)))
def test_any_counter_signer_or_time_in_a_hand_in_is_read_or_refused_in_a_sentence(counter, signer, exported):
    """Whatever a learner writes in the new fields, the reader either loads the record or refuses it
    with a reason, and exported_time either gives a time or a sentence; nothing else escapes."""
    data = _base_record()
    data.update({k: v for k, v in (("counter", counter), ("signer", signer)) if v is not None}, exported_at=exported)
    try:
        rec = parse_record(resigned(data))
    except SubmissionError as exc:
        assert exc.reason and "Traceback" not in exc.reason
        return
    assert rec.counter is None or 0 <= rec.counter <= 10**12
    got = exported_time(rec.exported_at, datetime.now(timezone.utc).timestamp())
    assert isinstance(got, (float, str))


def _base_record() -> dict:
    return {"format": "reflective-practice-kit/record", "version": 3, "kit_version": "1", "exported_at": "",
            "learner_id": "l-0123456789abcdef", "includes_text": False, "cases": [], "pcf_domains_covered": [],
            "minutes_active_total": 0.0, "exercises": [], "checksum": ""}
