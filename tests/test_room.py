"""Workshop rooms: the facilitator opens points and releases reveals; learners decide inside the rules."""

from __future__ import annotations

import json
import random
import subprocess
import sys
import threading

import pytest

from kit.cli import main
from kit.errors import SessionError
from kit.events import Kind
from kit.journal import Journal
from kit.learner import set_learner
from kit.room import Room, RoomError, find_room
from kit.roomsession import open_case, room_cohort
from tests.conftest import ROOT

PACK = "robyn-front-door"


def decide(case, point, option, text="Because of what was known then.", confidence=3):
    return case.decide(point, option, confidence=confidence, rationale=text, change_mind="A word from another agency.")


@pytest.fixture
def rooms(kit_home, tmp_path, monkeypatch):
    """The facilitator's rooms folder for one test."""
    monkeypatch.setenv("KIT_ROOMS", str(tmp_path / "rooms"))
    return tmp_path / "rooms"


@pytest.fixture
def room(rooms):
    return Room.open(None, PACK, ["health-concerns", "bruising-contact"])


def test_only_opened_points_in_the_room_order(room):
    """Nothing can be decided before the facilitator opens it; the room's order overrides the pack's."""
    case = open_case(PACK, learner="Ash", room=room.folder)
    case.acknowledge()
    assert case.open_points == [] and case.waiting_for_room
    with pytest.raises(SessionError, match="has not opened this point yet"):
        decide(case, "health-concerns", "explore")
    with pytest.raises(SessionError, match="not part of today's workshop"):
        decide(case, "father-disclosure", "below-threshold")
    room.open_point()  # the room's first point is the pack's last
    assert [p.id for p in case.open_points] == ["health-concerns"]
    decide(case, "health-concerns", "explore")
    assert case.waiting_for_room and not case.is_complete


def test_reveal_waits_for_the_release(room):
    """A committed point's reveal is refused with a plain sentence until the facilitator releases it."""
    case = open_case(PACK, learner="Ash", room=room.folder)
    case.acknowledge()
    room.open_point("health-concerns")
    decide(case, "health-concerns", "explore")
    with pytest.raises(SessionError, match="The room is waiting"):
        case.reveal("health-concerns")
    assert "waiting" in case.waiting_reason("health-concerns")
    room.release()
    assert case.waiting_reason("health-concerns") is None
    assert case.reveal("health-concerns").what_happened


def test_work_in_a_room_is_in_the_learners_own_journal(room):
    """A room decision is an ordinary decision in the learner's journal; the vote names no one."""
    case = open_case(PACK, learner="Ash Pseudonym", room=room.folder)
    case.acknowledge()
    room.open_point()
    decide(case, "health-concerns", "refer", "These reasons Ash keeps private, unshared.")
    (d,) = Journal().events("Ash Pseudonym", kinds=[Kind.DECIDE])
    assert d.target == "health-concerns" and d.payload["option_id"] == "refer"
    (vote,) = [v for v in room.votes() if v.kind == "vote"]
    raw = next((room.folder / "votes").glob("*--health-concerns.json")).read_text()
    assert "Ash" not in raw and "These reasons Ash keeps private, unshared." not in raw and vote.rationale is None
    alone = open_case(PACK, learner="Ash Pseudonym")  # outside the room the case carries on as usual
    assert alone.decision("health-concerns").option_id == "refer"


def test_shared_reasons_reach_the_console_without_names(room):
    """Only learners who chose to share have their reasons in the status, never with a name."""
    room.open_point()
    for name, share in (("Ash", True), ("Bo", False)):
        case = open_case(PACK, learner=name, room=room.folder, share_reasons=share)
        case.acknowledge()
        decide(case, "health-concerns", "explore", f"{name} gives these reasons for it")
    st = room.status()["points"][0]
    assert st["decided"] == 2 and st["options"]["explore"] == 2
    assert st["shared_reasons"] == ["Ash gives these reasons for it"]
    assert "Bo" not in json.dumps(room.status())


def test_late_joiner_catches_up_and_facilitator_reload_keeps_the_room(room):
    """A learner who joins after two points opened starts at the first; a new Room object sees the same state."""
    room.open_point()
    room.open_point()
    late = open_case(PACK, learner="Late", room=room.folder)
    late.acknowledge()
    assert late.current_point.id == "health-concerns"
    decide(late, "health-concerns", "explore")
    assert late.current_point.id == "bruising-contact"
    again = Room(room.folder).state()  # the facilitator reloads the console
    assert again.opened == ["health-concerns", "bruising-contact"] and again.code == room.state().code


def test_thirty_learners_decide_while_the_facilitator_paces(room):
    """30 learners in threads decide as points open; every vote is counted once and the first commit stands."""
    names = [f"Learner {i}" for i in range(30)]
    sessions = {}
    for n in names:
        sessions[n] = open_case(PACK, learner=n, room=room.folder)
        sessions[n].acknowledge()
    rng = random.Random(4)
    errors: list[str] = []

    def work(name: str, point: str) -> None:
        case = sessions[name]
        option = rng.choice(case.pack.point(point).options).id
        try:
            decide(case, point, option)
        except SessionError as exc:  # pragma: no cover - a failure is reported below
            errors.append(f"{name}: {exc}")

    for point in ["health-concerns", "bruising-contact"]:
        room.open_point(point)
        threads = [threading.Thread(target=work, args=(n, point)) for n in names]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        status = {p["point"]: p for p in room.status()["points"]}
        assert status[point]["decided"] == 30 and sum(status[point]["options"].values()) == 30
        room.release(point)
        assert all(sessions[n].reveal(point) for n in names[:3])
    assert errors == []
    assert len(list((room.folder / "votes").glob("*--*-*.json"))) == 60
    assert all(sessions[n].is_complete for n in names)


def test_facilitator_errors_are_sentences(room):
    """Releasing before opening, showing a finding before the release, and acting on a closed room are refused."""
    with pytest.raises(RoomError, match="no open point waiting"):
        room.release()
    with pytest.raises(RoomError, match="Open 'bruising-contact' before releasing"):
        room.release("bruising-contact")
    room.open_point()
    with pytest.raises(RoomError, match="Release what happened at this point before the review's finding"):
        room.show_finding("health-concerns")
    room.close()
    with pytest.raises(RoomError, match="closed"):
        room.open_point()
    with pytest.raises(RoomError, match="closed"):
        open_case(PACK, learner="Ash", room=room.folder)


def test_room_by_code_and_bad_codes(kit_home, tmp_path, monkeypatch):
    """A learner may join by code (any case, any spacing); an unknown code gets a sentence."""
    monkeypatch.setenv("KIT_ROOMS", str(tmp_path / "rooms"))
    room = Room.open(None, PACK, plan=None)
    code = room.state().code
    assert room.folder == tmp_path / "rooms" / code
    assert find_room(code.lower().replace("-", " ")).folder == room.folder
    with pytest.raises(RoomError, match="no open workshop room 'ZZZ-ZZZ'"):
        find_room("ZZZ-ZZZ")
    with pytest.raises(RoomError, match="This room is for"):
        open_case("baby-c-closed-without-visit", learner="Ash", room=code)


def test_a_room_from_a_plan(rooms):
    """A pack's workshop plan gives the room its points and their order."""
    from kit.packs import load_pack

    plan = load_pack(PACK).plans[0]
    room = Room.open(rooms / "r", PACK, plan=plan.id)
    assert room.state().points == plan.points
    with pytest.raises(RoomError, match="has no plan 'nope'"):
        Room.open(rooms / "r2", PACK, plan="nope")


def test_cli_contract(rooms, tmp_path, capsys):
    """kit room open/status/open-point/release/close, status as JSON per point; close writes the summary."""
    d = rooms / "cli-room"
    assert main(["room", "open", "--dir", str(d), "--pack", PACK, "--points", "bruising-contact,health-concerns"]) == 0
    code = Room(d).state().code
    assert code in capsys.readouterr().out
    assert main(["room", "open-point", "--dir", str(d)]) == 0
    set_learner("Ash")
    case = open_case(PACK, learner="Ash", room=d)
    case.acknowledge()
    decide(case, "bruising-contact", "strategy-discussion")
    capsys.readouterr()
    assert main(["room", "status", "--dir", str(d), "--format", "json"]) == 0
    status = json.loads(capsys.readouterr().out)
    first = status["points"][0]
    assert (first["point"], first["opened"], first["released"], first["decided"]) == ("bruising-contact", True, False, 1)
    assert first["options"]["strategy-discussion"] == 1 and status["points"][1]["opened"] is False
    assert main(["room", "release", "--dir", str(d)]) == 0
    summary = tmp_path / "summary.html"
    assert main(["room", "close", "--dir", str(d), "--summary", str(summary)]) == 0
    assert summary.exists() and "Ash" not in summary.read_text() and "handout" in capsys.readouterr().out
    assert main(["room", "open-point", "--dir", str(d)]) == 1
    assert "closed" in capsys.readouterr().err


def test_room_summary_counts_votes(room):
    """The room's votes become a cohort the dashboard's summary reads."""
    room.open_point()
    for name, option in (("Ash", "explore"), ("Bo", "refer"), ("Cy", "explore")):
        case = open_case(PACK, learner=name, room=room.folder)
        case.acknowledge()
        decide(case, "health-concerns", option)
    cohort = room_cohort(room)
    assert cohort.size == 3
    choices = cohort.choices()
    assert choices.set_index("option").loc["explore", "learners"] == 2


def test_a_learner_cannot_rewrite_their_vote(room):
    """A second write of the same learner's vote for a point is never taken: the first stands."""
    room.open_point()
    case = open_case(PACK, learner="Ash", room=room.folder)
    case.acknowledge()
    decide(case, "health-concerns", "explore")
    d = case.decision("health-concerns")
    changed = type(d)(d.point_id, "refer", d.confidence, d.rationale, d.committed_at)
    case._send("health-concerns", 1, changed.option_id, 3, "")
    (vote,) = [v for v in room.votes() if v.kind == "vote"]
    assert vote.option == "explore" and room.status()["points"][0]["options"]["refer"] == 0


def test_the_room_module_runs_in_a_fresh_process(room):
    """A second process (another learner's kernel) sees the same room state and can vote."""
    room.open_point()
    code = f"""
from kit.roomsession import open_case
c = open_case({PACK!r}, learner="Other", room={str(room.folder)!r})
c.acknowledge()
c.decide("health-concerns", "explore", confidence=2, rationale="Another kernel gives these reasons here", change_mind="A word from another agency.")
"""
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert room.status()["points"][0]["decided"] == 1


# -- rooms belong to their facilitator (issue 22.2) -------------------------------------------------

def _sixteen_point_pack(folder):
    """The Robyn pack with sixteen points (its three repeated under new ids), to pace many actions."""
    import shutil

    import yaml

    dest = folder / "sixteen-points"
    shutil.copytree(ROOT / "casepacks" / PACK, dest)
    data = yaml.safe_load((dest / "pack.yaml").read_text())
    base = data["decision_points"]
    data["decision_points"] = [{**base[i % len(base)], "id": f"point-{i + 1}"} for i in range(16)]
    data["id"] = "sixteen-points"
    data.pop("plans", None)
    (dest / "pack.yaml").write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))
    return dest


def _open_points(folder, points, start):
    import time

    from kit.room import Room

    while time.time() < start:  # both processes begin together, so their actions interleave
        time.sleep(0.001)
    room = Room(folder)
    for p in points:
        room.open_point(p)


def test_two_facilitator_processes_never_lose_an_action(rooms, tmp_path):
    """Two processes open eight points each at the same moment: all sixteen are open after (room.json
    is changed under the room's lock, never read, changed and written over another's change)."""
    import multiprocessing
    import time

    room = Room.open(None, _sixteen_point_pack(tmp_path))
    ids = [f"point-{i + 1}" for i in range(16)]
    start = time.time() + 1.0
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_open_points, args=(room.folder, ids[k::2], start)) for k in (0, 1)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
        assert p.exitcode == 0
    assert sorted(room.state().opened) == sorted(ids)


def test_room_folders_let_learners_add_votes_and_nothing_else(room, rooms):
    """The rooms folder and the room's are the facilitator's and only theirs to write; votes/ is sticky
    and write-only for others; room.json is read-only for others; the lock is the facilitator's."""
    import os
    import stat

    mode = {p: stat.S_IMODE(os.lstat(p).st_mode) for p in (rooms, room.folder, room.folder / "votes", room.file)}
    assert mode == {rooms: 0o755, room.folder: 0o755, room.folder / "votes": 0o1733, room.file: 0o644}
    assert stat.S_IMODE(os.lstat(room.folder / ".room.lock").st_mode) == 0o600


def test_a_room_others_can_rewrite_or_linked_is_refused_in_a_sentence(room, rooms, tmp_path):
    """A room folder other accounts could write, or a room.json that is a link, is refused (joining and
    running it), in a sentence that says what to do; nothing is read through the link."""
    import os

    os.chmod(room.folder, 0o777)
    with pytest.raises(RoomError, match=r"room folder .* can be changed by other accounts.*Ask your facilitator"):
        open_case(PACK, learner="Ash", room=room.folder)
    with pytest.raises(RoomError, match="can be changed by other accounts"):
        room.open_point()
    os.chmod(room.folder, 0o755)
    elsewhere = tmp_path / "forged.json"
    elsewhere.write_text(room.file.read_text().replace('"released": []', '"released": ["health-concerns"]'))
    forged = elsewhere.read_text()
    room.file.unlink()
    room.file.symlink_to(elsewhere)
    with pytest.raises(RoomError, match="is a link"):
        room.state()
    with pytest.raises(RoomError, match="is a link"):
        room.release("health-concerns")
    assert elsewhere.read_text() == forged and room.file.is_symlink()  # nothing written through the link


def test_dir_outside_the_rooms_folder_is_refused_and_a_named_room_joins_by_its_code(rooms, tmp_path, capsys):
    """A room is joined by its code from the rooms folder: --dir elsewhere is refused with a sentence
    (nothing made); a room given its own name inside the rooms folder is still found by its code."""
    assert main(["room", "open", "--dir", str(tmp_path / "elsewhere"), "--pack", PACK]) == 1
    err = capsys.readouterr().err
    assert "could not be joined" in err and "Leave out --dir" in err and not (tmp_path / "elsewhere").exists()
    room = Room.open(rooms / "tuesday", PACK)
    assert find_room(room.state().code.lower()).folder == room.folder


def test_room_open_on_one_learners_computer_says_how_learners_join(kit_home, tmp_path, monkeypatch, capsys):
    """Without a shared exchange or rooms folder, kit room open says plainly that learners join through
    the shared app or a hub, not from their own laptops."""
    monkeypatch.delenv("KIT_ROOMS", raising=False)
    monkeypatch.delenv("KIT_EXCHANGE", raising=False)
    assert main(["room", "open", "--pack", PACK]) == 0
    out = capsys.readouterr().out
    assert "kit app --shared" in out and "JupyterHub" in out and "own laptop" in out
    monkeypatch.setenv("KIT_EXCHANGE", str(tmp_path / "exchange"))
    assert main(["room", "open", "--pack", PACK]) == 0
    assert "kit app --shared" not in capsys.readouterr().out


@pytest.fixture
def accounts():
    """Two learner accounts made for the test (as root) and removed after it."""
    import os
    import pwd
    import shutil

    if not hasattr(os, "geteuid") or os.geteuid() != 0 or not shutil.which("useradd") or not shutil.which("setpriv"):
        pytest.skip("needs root with useradd and setpriv, to act as other accounts")
    made = []
    for name in ("roomtest-l1", "roomtest-l2"):
        uid = next(u for u in range(1721, 1800) if u not in {p.pw_uid for p in pwd.getpwall()})
        subprocess.run(["useradd", "-M", "-u", str(uid), name], check=True)
        made.append((name, uid))
    yield made
    for name, _ in made:
        subprocess.run(["userdel", name], check=False)


def _as(uid: int, code: str) -> subprocess.CompletedProcess:
    """Run Python (the standard library only) as another account."""
    return subprocess.run(["setpriv", f"--reuid={uid}", f"--regid={uid}", "--clear-groups", "/usr/bin/python3", "-c",
                           code], capture_output=True, text=True, cwd="/")


def test_learner_accounts_can_add_a_vote_and_nothing_else(accounts, kit_home, monkeypatch):
    """On a world-writable exchange: a learner who makes the rooms folder first gets it refused to the
    facilitator; in the facilitator's room a learner can add a vote, and cannot change room.json, add a
    file beside it, list the votes, or remove or replace another learner's vote."""
    import os
    import tempfile

    base = tempfile.mkdtemp(prefix="room-accounts-")
    os.chmod(base, 0o755)
    exchange = os.path.join(base, "exchange")
    os.mkdir(exchange)
    os.chmod(exchange, 0o1777)
    monkeypatch.setenv("KIT_EXCHANGE", exchange)
    monkeypatch.delenv("KIT_ROOMS", raising=False)
    (l1, uid1), (l2, uid2) = accounts
    try:
        squat = _as(uid1, f"import os; os.mkdir({exchange + '/rooms'!r}, 0o777)")
        assert squat.returncode == 0, squat.stderr
        with pytest.raises(RoomError, match="rooms folder .* belongs to another account.*KIT_ROOMS"):
            Room.open(None, PACK)
        os.rmdir(os.path.join(exchange, "rooms"))
        room = Room.open(None, PACK)
        votes = str(room.folder / "votes")
        ok = _as(uid1, f"open({votes + '/mine--health-concerns.json'!r}, 'x').write('{{}}')")
        assert ok.returncode == 0, ok.stderr
        attacks = {
            "rewrite room.json": f"open({str(room.file)!r}, 'w').write('{{}}')",
            "add beside room.json": f"open({str(room.folder / 'room.json.new')!r}, 'x').write('x')",
            "replace the lock": f"import os; os.unlink({str(room.folder / '.room.lock')!r})",
            "list the votes": f"import os; print(os.listdir({votes!r}))",
            "remove another's vote": f"import os; os.unlink({votes + '/mine--health-concerns.json'!r})",
            "rename another's vote": f"import os; os.rename({votes + '/mine--health-concerns.json'!r}, "
                                     f"{votes + '/x.json'!r})",
            "overwrite another's vote": f"open({votes + '/mine--health-concerns.json'!r}, 'w').write('[]')",
        }
        for what, code in attacks.items():
            result = _as(uid2, code)
            assert result.returncode != 0 and "PermissionError" in result.stderr, what
        assert (room.folder / "votes" / "mine--health-concerns.json").read_text() == "{}"
        assert room.state().code  # the facilitator's room reads as it was
    finally:
        import shutil

        shutil.rmtree(base, ignore_errors=True)


# -- a vote is the learner's own (issue 22.3) --------------------------------------------------------

def _joined(room, name, share=False):
    case = open_case(PACK, learner=name, room=room.folder, share_reasons=share)
    case.acknowledge()
    return case


def test_a_voter_code_needs_the_learners_secret_salt(room, tmp_path, monkeypatch):
    """The same pseudonym in another learner folder (another salt) has another code in the same room,
    and the code is not the hash of the room code and the learner's public id."""
    import hashlib

    from kit.learner import learner_id

    code = room.voter("Ash")
    assert code == room.voter("Ash")  # stable for the learner in this room
    public = hashlib.sha256(f"{room.state().code}:{learner_id('Ash')}".encode()).hexdigest()[:16]
    monkeypatch.setenv("KIT_HOME", str(tmp_path / "another-home"))
    assert room.voter("Ash") not in (code, public)


def test_a_planted_file_under_a_learners_code_does_not_swallow_their_vote(room):
    """A file someone put under a learner's code before they vote is not taken as theirs: their vote is
    written under a fresh name, they are told, their journal keeps that file's hash, and the count
    holds their choice, not the planted one."""
    import hashlib

    case = _joined(room, "Ash")
    room.open_point()
    planted = room.folder / "votes" / f"{case.voter}--health-concerns.json"
    planted.write_text(json.dumps({"kind": "vote", "voter": case.voter, "point": "health-concerns",
                                   "option": "refer", "confidence": 5}))
    decide(case, "health-concerns", "explore")
    assert "you did not write it" in case.vote_warning
    sent = case.state.room_votes[(case.code, "health-concerns", 1)]
    mine = room.folder / "votes" / sent.file
    assert sent.file != planted.name and hashlib.sha256(mine.read_bytes()).hexdigest() == sent.sha256
    st = room.status()
    point = st["points"][0]
    assert point["options"]["explore"] == 1 and point["options"]["refer"] == 0 and point["decided"] == 1
    assert st["skipped"] == {"a file under a learner's code that they did not write": 1}
    again = open_case(PACK, learner="Ash", room=room.folder)  # a reload sends nothing twice
    assert again.state.room_votes[(case.code, "health-concerns", 1)].file == sent.file
    assert len(list((room.folder / "votes").glob(f"{case.voter}--health-concerns*.json"))) == 2


def _plant(room, name, body):
    (room.folder / "votes" / name).write_text(json.dumps(body) if not isinstance(body, str) else body)


def test_only_votes_by_the_rooms_rules_are_counted_and_the_rest_are_named(room):
    """Votes from a code that never joined, for a point not in the room or not open, for an unknown
    option, twice, or after the room closed are not counted; "decided" never exceeds the counted votes;
    the status says what it left out and why."""
    ash = _joined(room, "Ash")
    room.open_point()
    decide(ash, "health-concerns", "explore")
    base = {"kind": "vote", "confidence": 3, "option": "explore", "point": "health-concerns"}
    for i in range(30):  # invented voters
        _plant(room, f"ghost{i}--health-concerns.json", {**base, "voter": f"ghost{i}"})
    bo = _joined(room, "Bo")  # a real learner planting by hand
    _plant(room, f"{bo.voter}--bruising-contact.json", {**base, "voter": bo.voter, "point": "bruising-contact",
                                                         "option": "strategy-discussion"})
    _plant(room, f"{bo.voter}--x.json", {**base, "voter": bo.voter, "point": "father-disclosure"})
    _plant(room, f"{bo.voter}--y.json", {**base, "voter": bo.voter, "option": "not-an-option"})
    _plant(room, f"{bo.voter}--z.json", {**base, "voter": bo.voter})
    _plant(room, f"{bo.voter}--z2.json", {**base, "voter": bo.voter, "option": "refer"})
    st = room.status()
    point = st["points"][0]
    assert (st["joined"], point["decided"], sum(point["options"].values())) == (2, 2, 2)
    assert st["points"][1]["decided"] == 0
    assert st["skipped"] == {"from a learner code that never joined the room": 30,
                             "a second file from one learner for one point": 1,
                             "for a point that is not in this room": 1, "for a point that was not open yet": 1,
                             "for an option the point does not have": 1}
    room.close()
    import os
    import time

    later = time.time() + 10
    _plant(room, f"{bo.voter}--after.json", {**base, "voter": bo.voter, "point": "health-concerns", "round": 2})
    os.utime(room.folder / "votes" / f"{bo.voter}--after.json", (later, later))
    assert room.status()["skipped"]["made after the room closed"] == 1


def test_hostile_files_never_stop_the_status_and_it_reads_only_what_changed(room):
    """'[]' as a vote, deep nesting, a named pipe, a link and a large file are each skipped with a
    reason; with 20,000 vote files a second status reads only the file that changed."""
    import os

    from kit.room import _READ

    ash = _joined(room, "Ash")
    room.open_point()
    decide(ash, "health-concerns", "explore")
    _plant(room, "a--1.json", "[]")
    _plant(room, "b--1.json", "[" * 60_000)
    _plant(room, "c--1.json", "x" * 70_000)
    os.mkfifo(room.folder / "votes" / "d--1.json")
    os.symlink(room.file, room.folder / "votes" / "e--1.json")
    st = room.status()
    assert st["points"][0]["decided"] == 1
    assert st["skipped"] == {"not a plain file (a link, a folder or a pipe)": 2, "not a vote the kit can read": 2,
                             "too large to be a vote": 1}
    body = json.dumps({"kind": "vote", "voter": "v", "point": "health-concerns", "option": "explore",
                       "confidence": 2})
    for i in range(20_000):
        (room.folder / "votes" / f"v{i}--p.json").write_text(body.replace('"v"', f'"v{i}"'))
    room.status()
    cache = _READ[str((room.folder / "votes").absolute())]
    before = {name: id(entry) for name, entry in cache.items()}
    (room.folder / "votes" / "v7--p.json").write_text(body.replace('"v"', '"v7"').replace("2}", "4}"))
    st = room.status()
    changed = [name for name, entry in cache.items() if id(entry) != before.get(name)]
    assert changed == ["v7--p.json"]
    assert st["skipped"]["from a learner code that never joined the room"] == 20_000


def test_status_names_what_it_skipped(room, capsys):
    """kit room status says "decided of joined" and, in a sentence, which files it did not count and why."""
    ash = _joined(room, "Ash")
    room.open_point()
    decide(ash, "health-concerns", "explore")
    _plant(room, "a--1.json", "[]")
    capsys.readouterr()
    assert main(["room", "status", "--dir", str(room.folder)]) == 0
    out = capsys.readouterr().out
    assert "1 of 1 decided" in out and "1 file was not counted: not a vote the kit can read (1)." in out


# -- reveals in stages, late votes, before the room, second votes (issue 21.3, 21.4) -----------------

def test_a_vote_after_the_reveal_is_counted_apart(room):
    """A late joiner who decides after what happened was released is told, and their vote is counted
    apart from the room's, never among the votes made before the reveal."""
    ash = _joined(room, "Ash")
    room.open_point()
    decide(ash, "health-concerns", "explore")
    room.release("health-concerns")
    late = _joined(room, "Late")
    decide(late, "health-concerns", "refer")
    assert "counts your decision apart" in late.vote_note
    point = room.status()["points"][0]
    assert (point["decided"], point["options"]["refer"]) == (1, 0)
    assert point["late"]["decided"] == 1 and point["late"]["options"]["refer"] == 1


def test_decisions_made_alone_before_the_room_are_counted_apart(rooms):
    """A learner who did the case alone is told, is not asked again, and their earlier answers are
    counted as "before the room"; what they read alone stays theirs to see."""
    alone = open_case(PACK, learner="Ash")
    alone.acknowledge()
    first = alone.pack.decision_points[0]
    chosen = first.options[0].id
    decide(alone, first.id, chosen)
    alone.reveal(first.id)
    others = [p.id for p in alone.pack.decision_points[1:]]
    room = Room.open(None, PACK, [first.id, *others])
    case = open_case(PACK, learner="Ash", room=room.folder)
    assert "before the room" in case.before_note and "1 of this room's points" in case.before_note
    room.open_point()
    assert case.current_point is None and case.stage(first.id) == 2
    point = room.status()["points"][0]
    assert point["decided"] == 0 and point["before"]["decided"] == 1
    assert point["before"]["options"][chosen] == 1
    assert open_case(PACK, learner="Ash", room=room.folder).before_note  # said again, never sent twice
    assert room.status()["points"][0]["before"]["decided"] == 1


def test_a_second_vote_is_kept_apart_and_only_when_asked(room):
    """A second vote needs the facilitator's ask and a first vote, is refused after the reveal, never
    changes the committed answer, and the room sees how it moved."""
    ash, bo = _joined(room, "Ash"), _joined(room, "Bo")
    room.open_point()
    decide(ash, "health-concerns", "explore")
    decide(bo, "health-concerns", "explore")
    with pytest.raises(SessionError, match="has not asked the room to vote again"):
        ash.vote_again("health-concerns", "refer", 3)
    room.ask_revote("health-concerns")
    ash.vote_again("health-concerns", "refer", 4, "My partner named the school's view", share_reasons=True)
    bo.vote_again("health-concerns", "explore", 5)
    with pytest.raises(SessionError, match="already voted again"):
        ash.vote_again("health-concerns", "explore", 2)
    assert ash.decision("health-concerns").option_id == "explore"
    point = room.status()["points"][0]
    assert point["options"] == {**point["options"], "explore": 2} and point["second"]["decided"] == 2
    assert point["moved"] == [{"from": "explore", "to": "explore", "learners": 1},
                              {"from": "explore", "to": "refer", "learners": 1}]
    assert point["second"]["shared_reasons"] == ["My partner named the school's view"]
    room.release("health-concerns")
    cy = _joined(room, "Cy")
    decide(cy, "health-concerns", "explore")
    with pytest.raises(SessionError, match="already known to you"):
        cy.vote_again("health-concerns", "refer", 3)
    with pytest.raises(RoomError, match="already released"):
        room.ask_revote("health-concerns")


def test_the_handout_holds_this_room_and_nothing_empty(room, tmp_path, capsys):
    """kit room close --summary: one printable page of this room only, per point the first and second
    votes, confidence, what was done and the finding, late votes apart, the room's reasoning patterns
    and the shared reasons; no empty sections, no hand-in wording, nobody named, no ids."""
    import html

    from kit.packs import load_pack

    other = Room.open(None, PACK, ["health-concerns"])  # another room's votes stay out
    stranger = _joined(other, "Stranger")
    other.open_point()
    decide(stranger, "health-concerns", "refer", "A reason from another room entirely")
    ash, bo = _joined(room, "Ash", share=True), _joined(room, "Bo")
    room.open_point()
    decide(ash, "health-concerns", "explore", "These shared reasons reach the whole room")
    decide(bo, "health-concerns", "refer")
    room.ask_revote("health-concerns")
    bo.vote_again("health-concerns", "explore", 4)
    room.release("health-concerns")
    decide(_joined(room, "Late"), "health-concerns", "refer")
    out = tmp_path / "handout.html"
    assert main(["room", "close", "--dir", str(room.folder), "--summary", str(out)]) == 0
    page = html.unescape(out.read_text())
    point = load_pack(PACK).point("health-concerns")
    assert page.startswith("<!DOCTYPE html>") and "How the room decided" in page
    assert "The room's first vote (2 decided before the reveal)" in page
    assert "1 voted again after talking in pairs" in page and "How confident the room was" in page
    assert " ".join(point.what_happened.split()[:8]) in " ".join(page.split())
    assert " ".join(point.review_finding.split()[:8]) in " ".join(page.split())
    assert "Decided after the reveal (counted apart)" in page
    assert "These shared reasons reach the whole room" in page and "another room entirely" not in page
    assert "Point 2" not in page  # the unopened point: nothing empty
    for word in ("Ash", "Bo ", "Late", "skipped", "hand-in", "submission", "0 file", "health-concerns", "bruising-contact"):
        assert word not in page, word


def test_the_record_and_hand_in_hold_a_room_point_only_once_its_finding_is_released(room):
    """A learner's exported record (and so the hand-in) leaves out a point decided in the room until the
    learner has been shown the review's finding; nothing of what was done reaches it before."""
    from kit.export import render_export as rendered
    from kit.packs import load_pack

    def render_export(*args):
        return rendered(*args)[1].decode("utf-8")

    case = _joined(room, "Ash")
    room.open_point()
    decide(case, "health-concerns", "explore")
    point = load_pack(PACK).point("health-concerns")
    done = " ".join(point.actual_option.text.split()[:6])
    record = render_export("Ash", PACK, "md")
    assert done not in record and "What the review found" not in record
    room.release("health-concerns")
    case.reveal("health-concerns")
    assert done not in render_export("Ash", PACK, "md")
    room.release_finding("health-concerns")
    case.reveal("health-concerns")
    record = render_export("Ash", PACK, "md")
    assert done in " ".join(record.split()) and "What the review found" in record


def test_the_reasoning_at_the_end_keeps_what_the_learner_said_their_reasons_rested_on(room):
    """In a room, the end of the case reads the learner's own ticks beside the option (not 'you did not say')."""
    case = open_case(PACK, learner="Ash", room=room.folder)
    case.acknowledge()
    room.open_point()
    option = case.pack.point("health-concerns").options[0].id
    decide(case, "health-concerns", option)
    case.rely_on("health-concerns", ["history-informed"])
    room.release("health-concerns")
    room.release_finding("health-concerns")
    (own,) = case.reasoning().own
    assert own.said and own.choice.said == ("history-informed",)
    assert not any("did not say what your reasons rested on" in line for line in own.body())


def test_the_handout_counts_the_comments_nobody_placed_in_one_line():
    """The console names each comment the room has not placed yet (the facilitator sees what is left);
    the handout shows only the placed ones and counts the rest in one sentence (nothing empty)."""
    from kit.packs import load_pack
    from kit.roomreport import debate_board_html

    pack = load_pack("nadiya-plans-ended-early")
    comments = pack.debates[0].comments
    status = {"debate": {comments[0].id: [[2, 3], [1, 3]]}}
    console = debate_board_html(pack, status)
    handout = debate_board_html(pack, status, placed_only=True)
    assert console.count("nobody has placed this comment yet") == len(comments) - 1
    assert "nobody has placed" not in handout and "2 placed it." in handout
    rest = len(comments) - 1
    assert f"The room did not place the other {rest} comment{'s' if rest != 1 else ''}." in handout
