"""The journal under real faults: concurrent writers, kill -9, corruption, read-only and full disks."""

from __future__ import annotations

import base64
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
from kit.events import Kind
from kit.journal import SCHEMA_VERSION, Event, Journal
from kit.session import open_case
from tests.conftest import ROOT
from tests.faults import fill, remount, tmpfs

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
    a.decide("housing-referral", "close", confidence=2, rationale="from A, the first notebook", change_mind="A word from another agency.")
    with pytest.raises(SessionError, match="already committed"):
        b.decide("housing-referral", "visit", confidence=5, rationale="from B, the second notebook", change_mind="A word from another agency.")
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
    case.decide("housing-referral", "visit", confidence=4, rationale="kept in memory until it saves", change_mind="A word from another agency.")
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
        case.decide("housing-referral", "visit", confidence=4, rationale="kept in memory, never on disk", change_mind="A word from another agency.")
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
        case.decide("housing-referral", "visit", confidence=4, rationale="xxxxx , for the reasons given here" * 50000, change_mind="A word from another agency.")
        assert case.warning and "could not be saved" in case.warning, case.warning
        assert case.decision("housing-referral").option_id == "visit"
        print("OK", case.warning)
    """
    r = run_py(code, kit_home)
    assert "OK" in r.stdout
    j = Journal()
    assert j.warning is None
    assert [e.kind for e in j.events()] == ["acknowledge"]


# -- real faults on a small tmpfs (root): full disk, read-only disk ----------------------------

def _decide_events(path):
    return [(e.target, e.payload.get("rationale")) for e in Journal(path, separate=True).events(kinds=[Kind.DECIDE])]


def test_full_disk_keeps_what_is_on_disk_visible_and_locked(tmp_path, monkeypatch, example_pack):
    """On a really full disk, with a second notebook holding the journal open (so recent work lives
    in SQLite's write-ahead log), the case stays opened and point 1 stays committed and locked after
    a write fails; a new answer at point 2 is kept in memory, shown, and written once space returns."""
    with tmpfs(tmp_path / "disk") as disk:
        monkeypatch.setenv("KIT_HOME", str(disk / "home"))
        case = open_case(example_pack, learner="Robin")
        other_notebook = sqlite3.connect(case.journal.path)  # keeps the write-ahead log from being folded in
        other_notebook.execute("SELECT count(*) FROM events").fetchall()
        try:
            case.acknowledge()
            case.decide("housing-referral", "visit", confidence=4, rationale="first answer, for the reasons given here", change_mind="A word from another agency.")
            filler = fill(disk)
            case.reveal("housing-referral")  # this write fails: the disk is full
            assert case.warning and "the disk is full" in case.warning, case.warning
            case.reload()  # every view re-reads the journal like this
            assert case.acknowledged and case.decision("housing-referral").rationale == "first answer, for the reasons given here"
            with pytest.raises(SessionError, match="already committed"):
                case.decide("housing-referral", "close", confidence=1, rationale="second answer, for the reasons given here", change_mind="A word from another agency.")
            case.decide("manager-sign-off", "return", confidence=3, rationale="made on a full disk", change_mind="A word from another agency.")
            assert case.decision("manager-sign-off").rationale == "made on a full disk"
            assert case.journal.in_memory
            again = open_case(example_pack, learner="Robin")  # another view of the case in this kernel
            assert again.decision("manager-sign-off") is not None and again.acknowledged
            filler.unlink()
            case.reload()  # the next read writes what was held
            assert case.warning is None and not case.journal.in_memory
            assert _decide_events(case.journal.path) == [("housing-referral", "first answer, for the reasons given here"),
                                                         ("manager-sign-off", "made on a full disk")]
        finally:
            other_notebook.close()


def test_held_commit_that_another_notebook_beat_is_refused_with_a_sentence(tmp_path, monkeypatch, example_pack):
    """A commit held in memory on a full disk, for a point another notebook commits meanwhile, is not
    dropped silently: it is refused with a sentence naming the point in words and giving back what
    the learner wrote; the other notebook's first answer stands."""
    with tmpfs(tmp_path / "disk") as disk:
        monkeypatch.setenv("KIT_HOME", str(disk / "home"))
        path = disk / "home" / "journal.sqlite3"
        a = open_case(example_pack, learner="Robin", journal=Journal(path, separate=True))
        b = open_case(example_pack, learner="Robin", journal=Journal(path, separate=True))
        a.acknowledge()
        a.decide("housing-referral", "visit", confidence=4, rationale="one, for the reasons given here", change_mind="A word from another agency.")
        filler = fill(disk)
        a.decide("manager-sign-off", "return", confidence=2, rationale="held in notebook A, for the reasons given here", change_mind="A word from another agency.")
        assert a.journal.in_memory
        filler.unlink()
        b.reload()
        b.decide("manager-sign-off", "sign", confidence=5, rationale="saved from notebook B, for the reasons given here", change_mind="A word from another agency.")
        a.second_thought("housing-referral", "written after space came back")  # A writes what it held
        assert not a.journal.in_memory
        assert "was not saved" in a.warning and "held in notebook A, for the reasons given here" in a.warning, a.warning
        assert "Point 2" in a.warning and "manager-sign-off" not in a.warning
        a.reload()
        assert a.decision("manager-sign-off").rationale == "saved from notebook B, for the reasons given here"
        assert _decide_events(path) == [("housing-referral", "one, for the reasons given here"), ("manager-sign-off", "saved from notebook B, for the reasons given here")]


def test_read_only_disk_keeps_work_in_memory_for_export_and_hand_in(tmp_path, monkeypatch, example_pack):
    """On a really read-only KIT_HOME (a tmpfs remounted ro), work done since is in the export and the
    hand-in (they read this kernel's journal), and the export button offers the download even though
    no copy can be saved; the pseudonym is kept for the session."""
    from kit.handin import handin_record, submit
    from kit.learner import current_learner, set_learner
    from kit.record import build_record
    from kit.views.reflection import ExportForm

    with tmpfs(tmp_path / "disk") as disk:
        monkeypatch.setenv("KIT_HOME", str(disk / "home"))
        case = open_case(example_pack, learner="Robin")
        case.acknowledge()
        case.decide("housing-referral", "visit", confidence=4, rationale="saved before, for the reasons given here", change_mind="A word from another agency.")
        remount(disk, "ro")
        try:
            assert set_learner("Robin") == "Robin" and current_learner() == "Robin"
            case.decide("manager-sign-off", "return", confidence=3, rationale="only in memory, for the reasons given here", change_mind="A word from another agency.")
            assert case.warning and "read-only" in case.warning, case.warning
            rec = build_record("Robin")
            assert [d.rationale for d in rec.cases[0].decisions] == ["saved before, for the reasons given here", "only in memory, for the reasons given here"]
            assert [d.point_id for d in handin_record("Robin").cases[0].decisions] == [
                "housing-referral", "manager-sign-off"]
            handed = submit("Robin", folder=tmp_path / "exchange", share_text=True)
            assert "only in memory, for the reasons given here" in handed.read_text()
            form = ExportForm("Robin")
            form.format.value = "json"
            form.export()
            assert "download" in form.status.text and "could not be saved" in form.status.text
            assert "with -o" not in form.status.text
            data = base64.b64decode(form.link.value.split("base64,")[1].split('"')[0])
            assert "only in memory, for the reasons given here" in data.decode()
        finally:
            remount(disk, "rw")


# -- clear words for what is in the way ------------------------------------------------------

def test_folder_where_the_journal_should_be_gets_a_sentence(kit_home, example_pack):
    """A folder named like the journal: a sentence naming it and what to do, no errno; work goes on."""
    (kit_home / "journal.sqlite3").mkdir(parents=True)
    case = open_case(example_pack, learner="Robin")
    assert "journal.sqlite3 is a folder, where a file should be" in case.warning
    assert "Move or rename it" in case.warning and "Errno" not in case.warning
    case.acknowledge()
    case.decide("housing-referral", "visit", confidence=4, rationale="for the reasons given here in full", change_mind="A word from another agency.")
    assert case.decision("housing-referral") is not None and case.journal.in_memory


def test_kit_home_that_is_a_file_gets_a_sentence(tmp_path, monkeypatch, example_pack, capsys):
    """KIT_HOME naming a file: the journal's warning, the pseudonym and `kit export` each say that the
    file is where a folder should be, never '[Errno 17] File exists'."""
    from kit.cli import main
    from kit.learner import current_learner, learner_id, set_learner

    home = tmp_path / "home"
    home.write_text("not a folder")
    monkeypatch.setenv("KIT_HOME", str(home))
    assert set_learner("Robin") == "Robin" and current_learner() == "Robin"
    assert learner_id("Robin") == learner_id("Robin")
    case = open_case(example_pack, learner="Robin")
    assert f"{home} is a file, where a folder should be" in case.warning and "Errno" not in case.warning
    case.acknowledge()
    case.decide("housing-referral", "visit", confidence=4, rationale="for the reasons given here in full", change_mind="A word from another agency.")
    assert main(["export", "--learner", "Robin", "--format", "md"]) == 1
    err = capsys.readouterr().err
    assert f"{home} is a file, where a folder should be" in err and "Errno" not in err


def test_journal_that_cannot_be_read_keeps_what_this_kernel_saw(tmp_path, monkeypatch, example_pack):
    """If the journal file stops being readable, what this kernel already saw still shows and stays
    locked, with a sentence saying why (never an empty case)."""
    monkeypatch.setenv("KIT_HOME", str(tmp_path / "home"))
    case = open_case(example_pack, learner="Robin")
    case.acknowledge()
    case.decide("housing-referral", "visit", confidence=4, rationale="seen, for the reasons given here", change_mind="A word from another agency.")
    path = case.journal.path
    path.write_bytes(b"\0" * path.stat().st_size)  # damaged under the running kernel
    case.reload()
    assert case.acknowledged and case.decision("housing-referral").rationale == "seen, for the reasons given here"
    assert "could not be read just now" in case.warning
    with pytest.raises(SessionError, match="already committed"):
        case.decide("housing-referral", "close", confidence=1, rationale="for the reasons given here in full", change_mind="A word from another agency.")
