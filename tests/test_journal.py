"""The journal under real faults: concurrent writers, kill -9, corruption, read-only and full disks."""

from __future__ import annotations

import contextlib
import os
import random
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time

import pytest

from kit.errors import SessionError
from kit.journal import SCHEMA_VERSION, Event, Journal
from kit.session import open_case
from tests.conftest import ROOT

IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


def run_py(code: str, env_home, *, preexec=None, timeout=120, check=True):
    env = {**os.environ, "KIT_HOME": str(env_home), "PYTHONPATH": str(ROOT)}
    r = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], env=env, capture_output=True,
                       text=True, timeout=timeout, preexec_fn=preexec)
    if check:
        assert r.returncode == 0, r.stderr
    return r


def test_schema_is_versioned(kit_home):
    """A new journal carries the current schema version in SQLite's user_version."""
    j = Journal()
    j.append(Event("Robin", "p", "acknowledge"))
    con = sqlite3.connect(j.path)
    assert con.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_two_processes_writing_at_once_lose_nothing(kit_home):
    """Two writers (as two notebooks' kernels) append 200 events each; all 400 are there."""
    code = """
        import sys
        from kit.journal import Journal, Event
        j = Journal()
        for i in range(200):
            j.append(Event(sys.argv[1] if len(sys.argv) > 1 else "w", "pack", "note", str(i), {"i": i}))
        assert j.warning is None, j.warning
    """
    env = {**os.environ, "KIT_HOME": str(kit_home), "PYTHONPATH": str(ROOT)}
    procs = [subprocess.Popen([sys.executable, "-c", textwrap.dedent(code), name], env=env,
                              stderr=subprocess.PIPE, text=True) for name in ("A", "B")]
    for p in procs:
        _, err = p.communicate(timeout=120)
        assert p.returncode == 0, err
        assert "locked" not in err
    events = Journal().events()
    assert sorted((e.learner, e.target) for e in events) == sorted(
        (w, str(i)) for w in ("A", "B") for i in range(200))


def test_two_notebooks_committing_the_same_point_keep_the_first(kit_home, example_pack):
    """Two sessions for one learner: the second commit at a point is refused; the first stands."""
    a = open_case(example_pack, learner="Robin")
    b = open_case(example_pack, learner="Robin")
    a.acknowledge()
    b.acknowledge()
    a.decide("housing-referral", "close", confidence=2, rationale="from A, the first notebook")
    with pytest.raises(SessionError, match="already committed"):
        b.decide("housing-referral", "visit", confidence=5, rationale="from B, the second notebook")
    assert b.decision("housing-referral").rationale == "from A, the first notebook"
    assert len(Journal().events(kinds=["decide"])) == 1


def test_kill_9_mid_write_leaves_every_committed_event(kit_home):
    """20 writers killed at random moments: the journal always opens and holds all they confirmed."""
    code = """
        import sys
        from kit.journal import Journal, Event
        j = Journal()
        for i in range(100000):
            j.append(Event("Robin", "pack", "decide", f"{sys.argv[1]}-{i}", {"rationale": "x" * 2000}))
            print(i, flush=True)
    """
    env = {**os.environ, "KIT_HOME": str(kit_home), "PYTHONPATH": str(ROOT)}
    rng = random.Random(20)
    confirmed_total = 0
    for trial in range(20):
        p = subprocess.Popen([sys.executable, "-c", textwrap.dedent(code), str(trial)], env=env,
                             stdout=subprocess.PIPE, text=True)
        time.sleep(rng.uniform(0.15, 0.9))
        os.kill(p.pid, signal.SIGKILL)
        out, _ = p.communicate()
        printed = [int(x) for x in out.split()]
        j = Journal()
        assert j.warning is None, j.warning
        saved = {e.target for e in j.events()}
        assert {f"{trial}-{i}" for i in printed} <= saved, f"trial {trial} lost a confirmed write"
        confirmed_total += len(printed)
    assert confirmed_total > 20


def test_corrupt_journal_is_moved_aside_not_overwritten(kit_home):
    """A corrupt file is renamed with a message saying where; a fresh journal starts."""
    kit_home.mkdir(parents=True)
    bad = kit_home / "journal.sqlite3"
    garbage = b"this is not a database at all " * 100
    bad.write_bytes(garbage)
    j = Journal()
    assert j.warning and "moved aside to" in j.warning
    asides = list(kit_home.glob("journal.corrupt-*.sqlite3"))
    assert len(asides) == 1 and asides[0].read_bytes() == garbage
    assert str(asides[0]) in j.warning
    j.append(Event("Robin", "p", "acknowledge"))
    assert [e.kind for e in Journal().events()] == ["acknowledge"]


def test_journal_from_a_newer_kit_is_left_untouched(kit_home):
    """A journal with a newer schema is not migrated or written; work goes on in memory."""
    kit_home.mkdir(parents=True)
    path = kit_home / "journal.sqlite3"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE future (x)")
    con.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    con.commit()
    con.close()
    before = path.read_bytes()
    j = Journal()
    assert j.warning and "newer version of the kit" in j.warning
    j.append(Event("Robin", "p", "acknowledge"))
    assert [e.kind for e in j.events()] == ["acknowledge"]
    assert path.read_bytes() == before


def test_unwritable_home_keeps_work_in_memory_and_saves_when_it_can(tmp_path, monkeypatch, example_pack):
    """If KIT_HOME cannot be created the session warns and goes on; work is saved once it can be."""
    blocker = tmp_path / "home"
    blocker.write_text("a file where a folder should be")
    monkeypatch.setenv("KIT_HOME", str(blocker / "inner"))
    case = open_case(example_pack, learner="Robin")
    assert case.warning and "could not be saved" in case.warning
    case.acknowledge()
    case.decide("housing-referral", "visit", confidence=4, rationale="kept in memory until it saves")
    assert case.decision("housing-referral").rationale == "kept in memory until it saves"
    blocker.unlink()
    blocker.mkdir()
    case.second_thought("housing-referral", "now it saves")
    assert case.warning is None
    saved = Journal().events("Robin", "example-baby-k")
    assert [e.kind for e in saved] == ["acknowledge", "decide", "second_thought"]


@contextlib.contextmanager
def read_only_folder(path):
    """Make a folder truly unwritable, even for root (chattr +i), and restore it afterwards."""
    if IS_ROOT:
        if subprocess.run(["chattr", "+i", str(path)], capture_output=True).returncode != 0:
            pytest.skip("cannot make a folder read-only for root here (chattr +i refused)")
        try:
            yield
        finally:
            subprocess.run(["chattr", "-i", str(path)], check=True)
    else:
        path.chmod(0o555)
        try:
            yield
        finally:
            path.chmod(0o755)


def test_read_only_home_warns_and_goes_on(kit_home, example_pack):
    """A read-only KIT_HOME gives a warning, not an exception; the learner's work stays in memory."""
    kit_home.mkdir()
    with read_only_folder(kit_home):
        case = open_case(example_pack, learner="Robin")
        assert case.warning and "read-only" in case.warning, case.warning
        case.acknowledge()
        case.decide("housing-referral", "visit", confidence=4, rationale="kept in memory, never on disk")
        assert case.decision("housing-referral").rationale == "kept in memory, never on disk"
        assert case.journal.in_memory
    assert list(kit_home.iterdir()) == []


def test_full_disk_warns_and_keeps_work_in_memory(kit_home, example_pack):
    """When writes fail for lack of space, the learner is told and nothing is lost."""
    open_case(example_pack, learner="Robin").acknowledge()  # journal exists, small
    size = (kit_home / "journal.sqlite3").stat().st_size + 48 * 1024  # room to open, not to write 300 kB
    code = f"""
        import resource, signal
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, ({size}, {size}))
        from kit.session import open_case
        case = open_case({str(example_pack)!r}, learner="Robin")
        case.decide("housing-referral", "visit", confidence=4, rationale="xxxxx " * 50000)
        assert case.warning and "could not be saved" in case.warning, case.warning
        assert case.decision("housing-referral").option_id == "visit"
        print("OK", case.warning)
    """
    r = run_py(code, kit_home)
    assert "OK" in r.stdout
    j = Journal()
    assert j.warning is None
    assert [e.kind for e in j.events()] == ["acknowledge"]
