"""Reliability under load and hostile input: many writers at once, and fuzzed submissions.

(Kill -9, read-only and full disks and corrupt journals are in test_journal.py; every broken
pack is in test_packs.py; the pack loader is fuzzed in test_fuzz.py.)
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import textwrap

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kit.cohort import collect
from kit.errors import SubmissionError
from kit.journal import Journal
from kit.record import checksum_ok, parse_record, to_json
from kit.session import open_case
from tests.conftest import ROOT


def test_four_writers_500_commits_each_lose_nothing(kit_home):
    """4 processes commit 500 decisions each into one journal; all 2,000 are there, no lock errors."""
    code = """
        import sys
        from kit.session import open_case
        w, done, k = sys.argv[1], 0, 0
        while done < 500:
            case = open_case("three-siblings-neglect", learner=f"writer-{w}-{k}")
            case.acknowledge()
            for p in case.pack.decision_points:
                if done == 500:
                    break
                case.decide(p.id, p.options[0].id, confidence=3, rationale=f"{w}-{done} my reasons for this choice", change_mind="A word from another agency.")
                done += 1
            assert case.warning is None, case.warning
            k += 1
    """
    env = {**os.environ, "KIT_HOME": str(kit_home), "PYTHONPATH": str(ROOT)}
    procs = [subprocess.Popen([sys.executable, "-c", textwrap.dedent(code), str(w)], env=env,
                              stderr=subprocess.PIPE, text=True) for w in range(4)]
    for p in procs:
        _, err = p.communicate(timeout=300)
        assert p.returncode == 0, err
        assert "locked" not in err.lower()
    decided = Journal().events(kinds=["decide"])
    assert len(decided) == 2000
    assert {e.payload["rationale"] for e in decided} == {f"{w}-{i} my reasons for this choice" for w in range(4) for i in range(500)}


def _good_record(kit_home, example_pack) -> bytes:
    from kit.record import build_record

    case = open_case(example_pack, learner="Robin")
    case.acknowledge()
    case.decide("housing-referral", "visit", confidence=4, rationale="why: my reasons for this choice", change_mind="A word from another agency.")
    return to_json(build_record("Robin", compact=True)).encode()


def test_learner_id_that_looks_like_a_path_is_refused(kit_home, example_pack, tmp_path):
    """A validly signed submission whose learner id is '../../x' is skipped, and nothing is written."""
    data = {**json.loads(_good_record(kit_home, example_pack)), "learner_id": "../../x", "checksum": ""}
    blank = (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode()  # signed as the kit signs
    text = blank.replace(b'"checksum": ""', b'"checksum": "sha256:%s"' % hashlib.sha256(blank).hexdigest().encode())
    assert checksum_ok(text)
    ex = tmp_path / "ex"
    ex.mkdir()
    (ex / "evil.json").write_bytes(text)
    before = sorted(p.name for p in tmp_path.rglob("*"))
    cohort = collect(ex)
    assert cohort.size == 0 and "learner_id" in cohort.skipped[0].reason
    assert sorted(p.name for p in tmp_path.rglob("*")) == before


def test_fifty_megabyte_submission_is_refused_unread(tmp_path):
    """A 50 MB file is refused by its size, before it is read."""
    ex = tmp_path / "ex"
    ex.mkdir()
    with open(ex / "huge.json", "wb") as fh:
        fh.truncate(50 * 1024 * 1024)
    (skipped,) = collect(ex).skipped
    assert "too large" in skipped.reason


FUZZ = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                        HealthCheck.function_scoped_fixture])


@FUZZ
@given(st.binary(max_size=3000))
def test_submission_reader_fuzz_bytes(raw):
    """Arbitrary bytes: a record or a SubmissionError, never another exception."""
    try:
        parse_record(raw)
    except SubmissionError as exc:
        assert exc.reason


def _seed() -> bytes:
    """A real (synthetic) hand-in, made once."""
    if "raw" not in _SEED:
        import random

        from kit.demo import demo_record
        from kit.packs import load_packs

        _SEED["raw"] = to_json(demo_record(1, load_packs()[:2], random.Random(4))).encode()
    return _SEED["raw"]


@FUZZ
@given(data=st.data())
def test_submission_reader_fuzz_mutations(data):
    """A real submission with a random slice replaced: refused with a reason, or (if unchanged) loaded."""
    raw = _seed()
    start = data.draw(st.integers(0, len(raw) - 1))
    length = data.draw(st.integers(0, 50))
    insert = data.draw(st.binary(max_size=20))
    mutated = raw[:start] + insert + raw[start + length:]
    try:
        rec = parse_record(mutated)
    except SubmissionError as exc:
        assert exc.reason
    else:
        assert mutated == raw or to_json(rec).encode() == raw


_SEED: dict = {}
