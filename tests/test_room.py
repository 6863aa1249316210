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
from kit.room import Room, RoomError, find_room, open_case, room_cohort
from tests.conftest import ROOT

PACK = "robyn-front-door"


def decide(case, point, option, text="Because of what was known then.", confidence=3):
    return case.decide(point, option, confidence=confidence, rationale=text, change_mind="A word from another agency.")


@pytest.fixture
def room(kit_home, tmp_path):
    return Room.open(tmp_path / "room", PACK, ["health-concerns", "bruising-contact"])


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
    (vote,) = room.votes()
    raw = next((room.folder / "votes").glob("*.json")).read_text()
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
    assert len(list((room.folder / "votes").glob("*.json"))) == 60
    assert all(sessions[n].is_complete for n in names)


def test_facilitator_errors_are_sentences(room):
    """Releasing before opening, showing a finding before the release, and acting on a closed room are refused."""
    with pytest.raises(RoomError, match="no open point waiting"):
        room.release()
    with pytest.raises(RoomError, match="Open 'bruising-contact' before releasing"):
        room.release("bruising-contact")
    room.open_point()
    with pytest.raises(RoomError, match="Release the point's reveal before"):
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


def test_a_room_from_a_plan(kit_home, tmp_path):
    """A pack's workshop plan gives the room its points and their order."""
    from kit.packs import load_pack

    plan = load_pack(PACK).plans[0]
    room = Room.open(tmp_path / "r", PACK, plan=plan.id)
    assert room.state().points == plan.points
    with pytest.raises(RoomError, match="has no plan 'nope'"):
        Room.open(tmp_path / "r2", PACK, plan="nope")


def test_cli_contract(kit_home, tmp_path, capsys):
    """kit room open/status/open-point/release/close, status as JSON per point; close writes the summary."""
    d = tmp_path / "cli-room"
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
    assert summary.exists() and "Ash" not in summary.read_text()
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
    assert room.add_vote("Ash", changed, False)
    (vote,) = room.votes()
    assert vote.option == "explore"


def test_the_room_module_runs_in_a_fresh_process(room):
    """A second process (another learner's kernel) sees the same room state and can vote."""
    room.open_point()
    code = f"""
from kit.room import open_case
c = open_case({PACK!r}, learner="Other", room={str(room.folder)!r})
c.acknowledge()
c.decide("health-concerns", "explore", confidence=2, rationale="Another kernel gives these reasons here", change_mind="A word from another agency.")
"""
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert room.status()["points"][0]["decided"] == 1
