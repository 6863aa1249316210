"""The facilitator's console: pacing buttons, the board for the projector, live without a reload."""

from __future__ import annotations

import time

from kit.room import Room, open_case
from kit.views.room import RoomConsole, room_console

PACK = "robyn-front-door"


def _decide(room, name, option, reasons="", share=False):
    case = open_case(PACK, learner=name, room=room.folder, share_reasons=share)
    case.acknowledge()
    case.decide("bruising-contact", option, confidence=4, rationale=reasons or "Because of the history in this family.")


def test_console_paces_the_room_and_never_names_anyone(kit_home, tmp_path):
    """Open, watch the count, release (then what was done is marked), show the finding, close with a summary."""
    room = Room.open(tmp_path / "room", PACK, ["bruising-contact", "health-concerns"])
    console = RoomConsole(room, live_seconds=None)
    assert console.release.disabled and "No point is open yet" in console.heading.value
    console.open_next.click()
    assert not console.release.disabled and console.show_finding.disabled
    _decide(room, "Ash Learner", "below-threshold", "A shared reason from one learner", share=True)
    _decide(room, "Bo Learner", "strategy-discussion")
    console.refresh()
    board = console.board.value
    assert "2 learner(s) have decided" in board and "A shared reason from one learner" in board
    assert "what was done" not in board  # nothing revealed on the projector before the release
    assert "Ash" not in board and "Bo Learner" not in board
    console.release.click()
    assert "what was done" in console.board.value and not console.show_finding.disabled
    console.show_finding.click()
    assert "What the review found" in console.finding.value
    console.close.click()
    assert "download=\"workshop-summary.html\"" in console.summary.value
    assert console.open_next.disabled and console.close.disabled


def test_console_updates_itself_as_learners_commit(kit_home, tmp_path):
    """With live updates on, a learner's commit reaches the console without anyone calling refresh."""
    room = Room.open(tmp_path / "room", PACK, ["bruising-contact"])
    room.open_point()
    console = RoomConsole(room, live_seconds=0.2)
    try:
        assert "0 learner(s) have decided" in console.board.value
        _decide(room, "Ash", "check-and-call")
        deadline = time.time() + 10
        while "1 learner(s) have decided" not in console.board.value and time.time() < deadline:
            time.sleep(0.1)
        assert "1 learner(s) have decided" in console.board.value
        assert console.live.last_error is None
    finally:
        console.live.stop()


def test_console_for_a_missing_room_is_a_sentence(kit_home, tmp_path):
    """A wrong folder or code gives one sentence, not a traceback."""
    view = room_console(tmp_path / "nowhere", live_seconds=None)
    assert "no open workshop room" in view.message.value
