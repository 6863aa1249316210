"""Shared folders are hostile: links at the kit's temporary names, pipes, devices, bombs in JSON.

Each test plants what a classmate could write in a shared folder and checks that the kit's
write is not redirected, that nothing is lost, and that the reader skips the file with one
line saying why, in bounded time. (The same attacks run by real learner accounts on a
world-writable exchange are in test_accounts.py.)
"""

from __future__ import annotations

import json
import os
import socket
import stat
import threading
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kit.cohort import Handin, Skipped, _read, collect
from kit.files import Refused, loads_bounded, read_json, read_regular, write_atomic
from kit.handin import submit
from kit.identity import IdentityError, Registry
from kit.learner import set_learner
from kit.packs import load_pack
from kit.room import Room
from kit.roomsession import open_case as room_case
from kit.session import open_case
from tests.test_workshop import resigned

PACK = "robyn-front-door"

# What a learner can put in a shared folder that used to stop a reader (the list).
BOMBS = {
    "long-number.json": b'{"format": "reflective-practice-kit/record", "version": 2, "minutes": ' + b"9" * 50_000 + b"}",
    "nested.json": b"[" * 200_000,
    "empty-list.json": b"[]",
    "nan.json": b'{"format": "reflective-practice-kit/record", "version": NaN}',
    "not-utf8.json": b"\xff\xfe{}",
}


def _plant_specials(folder) -> None:
    """A named pipe with no writer, a link to a file, a dangling link, a socket and a folder."""
    os.mkfifo(folder / "pipe.json")
    (folder / "target.txt").write_text("not yours")
    os.symlink(folder / "target.txt", folder / "link.json")
    os.symlink(folder / "nowhere", folder / "dangling.json")
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(folder / "socket.json"))
    sock.close()
    (folder / "folder.json").mkdir()


def _in_time(fn, seconds: float = 20.0):
    """fn's result, failing the test (not hanging it) if fn takes longer than seconds."""
    out: dict = {}

    def run():
        try:
            out["v"] = fn()
        except BaseException as exc:  # raised again in the test's thread
            out["e"] = exc

    t = threading.Thread(target=run, daemon=True)
    t.start()
    t.join(seconds)
    assert not t.is_alive(), f"still running after {seconds} s (a hang)"
    if "e" in out:
        raise out["e"]
    return out["v"]


# -- writing ---------------------------------------------------------------------------------

def test_a_link_at_the_old_temporary_name_redirects_nothing(tmp_path):
    """Links planted at every temporary name the kit used to use (.NAME.PID.part) are not followed:
    the victim file keeps its bytes and the target gets the new ones."""
    victim = tmp_path / "journal.sqlite3"
    victim.write_bytes(b"every case they had done")
    folder = tmp_path / "shared"
    folder.mkdir()
    for pid in range(max(os.getpid() - 50, 1), os.getpid() + 50):
        os.symlink(victim, folder / f".vote.json.{pid}.part")
    write_atomic(folder / "vote.json", "the vote")
    write_atomic(folder / "hand-in.json", "a hand-in", replace=False)
    assert victim.read_bytes() == b"every case they had done"
    assert (folder / "vote.json").read_text() == "the vote" and (folder / "hand-in.json").read_text() == "a hand-in"
    assert not any(p.name.endswith(".part") and not p.is_symlink() for p in folder.iterdir())  # no leftovers


def test_a_link_at_the_target_is_replaced_or_refused_never_followed(tmp_path):
    """replace=True swaps a planted link for the file; replace=False refuses a name a link holds."""
    victim = tmp_path / "victim"
    victim.write_text("keep me")
    os.symlink(victim, tmp_path / "summary.html")
    write_atomic(tmp_path / "summary.html", "new summary")
    assert not (tmp_path / "summary.html").is_symlink() and victim.read_text() == "keep me"
    os.symlink(victim, tmp_path / "hand-in.json")
    with pytest.raises(FileExistsError):
        write_atomic(tmp_path / "hand-in.json", "forged", replace=False)
    assert victim.read_text() == "keep me"


def test_a_secret_is_never_readable_by_others_even_for_a_moment(tmp_path):
    """mode is the file's permissions from creation (no chmod after the write); the default is open()'s."""
    os.umask(0o022)
    write_atomic(tmp_path / "secret", "s", mode=0o600)
    write_atomic(tmp_path / "hand-in.json", "h", replace=False)
    assert stat.S_IMODE((tmp_path / "secret").stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "hand-in.json").stat().st_mode) == 0o644  # the facilitator can read it


# -- reading ---------------------------------------------------------------------------------

def test_read_regular_refuses_links_pipes_sockets_folders_and_large_files(tmp_path):
    """Only a regular file is read; a pipe with no writer does not hang; each refusal says what it is."""
    _plant_specials(tmp_path)
    (tmp_path / "big.json").write_bytes(b"x" * 2000)
    reasons = {}
    for name in ("pipe.json", "link.json", "dangling.json", "socket.json", "folder.json", "big.json"):
        with pytest.raises(Refused) as exc:
            _in_time(lambda n=name: read_regular(tmp_path / n, 1000), 5)
        reasons[name] = exc.value.reason
    assert "named pipe" in reasons["pipe.json"] and "link" in reasons["link.json"]
    assert "link" in reasons["dangling.json"] and "socket" in reasons["socket.json"]
    assert "folder" in reasons["folder.json"] and "too large" in reasons["big.json"]
    assert read_regular(tmp_path / "target.txt", 1000) == b"not yours"


@pytest.mark.parametrize("name", sorted(BOMBS))
def test_bounded_json_refuses_each_bomb_quickly_with_a_reason(name):
    """A 50,000-digit number, 200 KB of '[', NaN, bytes that are not UTF-8: Refused in milliseconds;
    '[]' parses (it is JSON) and is refused by the reader that expected an object."""
    start = time.perf_counter()
    if name == "empty-list.json":
        assert loads_bounded(BOMBS[name]) == []
        return
    with pytest.raises(Refused) as exc:
        loads_bounded(BOMBS[name])
    assert time.perf_counter() - start < 0.5
    assert exc.value.reason and "Traceback" not in exc.value.reason


def test_bounded_json_keeps_what_a_record_needs():
    """Records nest about six deep and hold short numbers: the limits leave them alone."""
    value = {"a": [{"b": [{"c": [1, 2.5, -3, 10**20]}]}], "d": "[[[[[[[[[[" * 100, "e": "9" * 1000}
    assert loads_bounded(json.dumps(value).encode()) == value
    deep = b"[" * 33 + b"]" * 33
    with pytest.raises(Refused, match="nested more than 32"):
        loads_bounded(deep)


# -- the facilitator's tools keep working -----------------------------------------------------

@pytest.fixture
def exchange_with_bombs(kit_home, tmp_path, monkeypatch):
    """An exchange with two real hand-ins and every hostile file beside them."""
    ex = tmp_path / "exchange"
    ex.mkdir()
    for name in ("Ash", "Bo"):
        set_learner(name)
        case = open_case(PACK, learner=name)
        case.acknowledge()
        p = case.current_point
        case.decide(p.id, p.options[0].id, confidence=3, rationale="Because of what was known then.", change_mind="A word from the health visitor.")
        submit(name, folder=ex)
    for name, raw in BOMBS.items():
        (ex / name).write_bytes(raw)
    _plant_specials(ex)
    (ex / "zero.json").write_bytes(b"")
    return ex


def test_collect_skips_each_hostile_file_with_one_line_and_counts_the_rest(exchange_with_bombs):
    """None of the bombs stops `kit collect`: each is one skipped line with its reason."""
    cohort = _in_time(lambda: collect(exchange_with_bombs, packs=[load_pack(PACK)]))
    assert cohort.size == 2
    reasons = {s.file: s.reason for s in cohort.skipped}
    expected = {*BOMBS, "pipe.json", "link.json", "dangling.json", "socket.json", "folder.json", "zero.json"}
    assert set(reasons) == expected, reasons
    assert "longer than" in reasons["long-number.json"] and "nested" in reasons["nested.json"]
    assert "not a kit record" in reasons["empty-list.json"] and "named pipe" in reasons["pipe.json"]
    assert "link" in reasons["link.json"] and "UTF-8" in reasons["not-utf8.json"]
    assert all(len(r) < 200 for r in reasons.values())


def test_kit_collect_and_the_dashboard_run_beside_every_bomb(exchange_with_bombs, tmp_path, capsys):
    """The command writes its summary and names each skipped file once; the dashboard's page loads."""
    from kit.cli import main
    from kit.dashboard import load_cohort, report_html

    summary = tmp_path / "summary.html"
    assert _in_time(lambda: main(["collect", str(exchange_with_bombs), "--summary", str(summary)]), 180) == 0
    captured = capsys.readouterr()
    assert "2 submission(s) loaded, 11 skipped" in captured.out
    assert captured.err.count("nested.json") == 1 and "pipe.json" in captured.err
    assert summary.stat().st_size > 0
    assert "<" in _in_time(lambda: report_html(load_cohort(exchange_with_bombs)), 180)  # charts: slow on a busy machine


def test_a_room_status_runs_beside_hostile_votes(kit_home, tmp_path, monkeypatch):
    """`[]`, a pipe, a link and nested brackets in votes/ never stop Room.status(); real votes count."""
    monkeypatch.setenv("KIT_ROOMS", str(tmp_path / "rooms"))
    room = Room.open(None, PACK, ["health-concerns"])
    room.open_point()
    case = room_case(PACK, learner="Ash", room=room.folder)
    case.acknowledge()
    case.decide("health-concerns", "explore", confidence=3, rationale="Because of what was known then.", change_mind="A word from the health visitor.")
    votes = room.folder / "votes"
    for name, raw in BOMBS.items():
        (votes / name).write_bytes(raw)
    _plant_specials(votes)
    status = _in_time(lambda: room.status(), 10)
    point = next(p for p in status["points"] if p["point"] == "health-concerns")
    assert point["decided"] == 1


def test_an_identity_record_that_is_a_link_or_a_bomb_is_refused(tmp_path):
    """A planted identity file (a link to a secret, nested brackets) names no learner; others still load."""
    reg = Registry(tmp_path / "shared")
    joined = reg.join("Ash")
    ids = tmp_path / "shared" / "identities"
    (ids / "0123456789abcdef.json").write_bytes(b"[" * 200_000)
    os.symlink(tmp_path / "shared" / "secret", ids / "fedcba9876543210.json")
    with pytest.raises(IdentityError):
        reg._load("0123456789abcdef")
    with pytest.raises(IdentityError):
        reg._load("fedcba9876543210")
    assert [i.id for i in reg.identities()] == [joined.identity.id]
    assert reg.resolve(joined.key).id == joined.identity.id


def test_read_json_reads_a_vote_and_refuses_a_pipe(tmp_path):
    """The one JSON reader for shared folders: a regular file is read; anything else is refused."""
    (tmp_path / "v.json").write_text('{"point": "p", "option": "o"}')
    assert read_json(tmp_path / "v.json", 1000) == {"point": "p", "option": "o"}
    os.mkfifo(tmp_path / "p.json")
    with pytest.raises(Refused, match="named pipe"):
        _in_time(lambda: read_json(tmp_path / "p.json", 1000), 5)


# -- any hand-in content (hypothesis) ---------------------------------------------------------

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4),
    max_leaves=30)
FIELDS = st.sampled_from(["version", "learner_id", "exported_at", "counter", "signer", "cases", "includes_text",
                          "workshop", "signature", "exercises", "minutes_active_total", "pcf_domains_covered"])
_INDEX = None


def _index():
    global _INDEX
    if _INDEX is None:
        from kit.cohort import PackIndex

        _INDEX = PackIndex.of([load_pack(PACK)])
    return _INDEX


def _base_handin() -> dict:
    return {"format": "reflective-practice-kit/record", "version": 3, "kit_version": "1",
            "exported_at": "2026-12-01T10:00:00+00:00", "learner_id": "l-0123456789abcdef", "includes_text": False,
            "cases": [{"pack_id": PACK, "title": "t", "points_total": 1, "started_at": "", "last_activity_at": "",
                       "minutes_active": 0.0, "pcf_domains": [], "decisions": []}],
            "pcf_domains_covered": [], "minutes_active_total": 0.0, "counter": 3, "checksum": ""}


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                   HealthCheck.function_scoped_fixture])
@given(field=FIELDS, value=JSON, checksum=st.booleans())
def test_any_value_in_any_field_of_a_hand_in_is_read_or_skipped_with_a_reason(tmp_path, field, value, checksum):
    """Whatever JSON a learner puts in a hand-in's field (with its checksum recomputed or not), reading
    it gives a hand-in or one skipped line with a short reason; nothing escapes."""
    data = {**_base_handin(), field: value}
    raw = resigned(data) if checksum else json.dumps(data).encode()
    path = tmp_path / "h.json"
    path.write_bytes(raw)
    got = _read(str(path), 5 * 1024 * 1024, _index(), None)
    assert isinstance(got, (Handin, Skipped))
    if isinstance(got, Skipped):
        assert got.reason and len(got.reason) < 400


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=600) | st.text(alphabet="[]{}\",:0123456789eE.-+ ntrufalsNI", max_size=600).map(str.encode))
def test_the_bounded_reader_gives_a_value_or_a_reason_for_any_bytes(raw):
    """Any bytes: a JSON value within the limits, or Refused with a reason; never another exception."""
    try:
        loads_bounded(raw)
    except Refused as exc:
        assert exc.reason
