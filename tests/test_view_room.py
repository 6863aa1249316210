"""The facilitator's console: pacing buttons, the board for the projector, live without a reload."""

from __future__ import annotations

import time

from kit.room import Room, open_case
from kit.views.room import RoomConsole, room_console

PACK = "robyn-front-door"


def _decide(room, name, option, reasons="", share=False):
    case = open_case(PACK, learner=name, room=room.folder, share_reasons=share)
    case.acknowledge()
    case.decide("bruising-contact", option, confidence=4, rationale=reasons or "Because of the history in this family.", change_mind="A word from another agency.")


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


def _commit(pv, option, reasons="Because of the history in this family."):
    pv.choice.value = option
    pv.confidence.value = 3
    pv.rationale.value = reasons
    pv.change_mind.value = "A word from the health visitor."
    pv.commit.click()
    pv.relied_on.ticks["history-informed"].value = True  # what the reasons rested on, before any reveal
    pv.relied_on.save.click()


def test_learner_in_a_room_waits_then_sees_the_release(kit_home, tmp_path):
    """A learner joins by code; before the facilitator opens a point nothing can be decided; after a
    commit the page says the room is waiting; the release shows the reveal (no reload)."""
    from kit.views.case import RoomJoin

    room = Room.open(tmp_path / "room", PACK, ["health-concerns", "bruising-contact"])
    join = RoomJoin("Ash", "")
    join.code.value = "no-such-room"
    join.join.click()
    assert "no open workshop room" in join.status.text and join.case is None
    join.code.value = str(room.folder)
    join.join.click()
    case = join.case
    case.live.stop()  # driven by hand here; the live test below lets it run
    case.go_on.click()
    assert case.points == {} and "waiting for the facilitator to open" in case.room_note.value
    room.open_point()
    case.room_tick()
    pv = case.points["health-concerns"]
    assert "Decision point 1 of 2" in pv.header.value  # numbered in the room's order, not the pack's
    _commit(pv, "explore")
    assert pv.waiting and "The room is waiting" in pv.reveal.value
    assert "What the review found" not in pv.reveal.value
    room.release()
    case.room_tick()
    assert not pv.waiting and "What the review found" in pv.reveal.value


def test_release_reaches_a_learner_page_by_itself(kit_home, tmp_path):
    """With the live check on, a facilitator's release shows on the learner's page with no call."""
    from kit.views.case import RoomJoin

    room = Room.open(tmp_path / "room", PACK, ["health-concerns"])
    room.open_point()
    case = RoomJoin("Bo", str(room.folder)).case
    try:
        case.go_on.click()
        case.room_tick()
        pv = case.points["health-concerns"]
        _commit(pv, "refer")
        assert pv.waiting
        room.release()
        deadline = time.time() + 10
        while pv.waiting and time.time() < deadline:
            time.sleep(0.1)
        assert not pv.waiting and "What the review found" in pv.reveal.value
        assert case.live.last_error is None
    finally:
        case.live.stop()


def test_facilitator_opens_a_room_from_the_page(kit_home, tmp_path, monkeypatch):
    """Without a room given, the console page offers the case and its plans; opening shows the console."""
    monkeypatch.setenv("KIT_ROOMS", str(tmp_path / "rooms"))
    view = room_console("", live_seconds=None)
    view.case.value = PACK
    labels = [label for label, _ in view.plan.options]
    assert any("minutes" in label for label in labels) and labels[-1].startswith("Every point")
    view.open.click()
    assert isinstance(view.console, RoomConsole)
    (folder,) = (tmp_path / "rooms").iterdir()
    assert view.console.room.state().code == folder.name


def test_opener_lists_cases_and_their_plans_by_name_then_opens_the_room(kit_home):
    """With no room given, the console asks for a case and its points, both by their names in a
    list of choices; changing the case offers that case's plans; opening gives the console."""
    from kit.packs import load_pack
    from kit.views.room import RoomOpener

    opener = room_console("", live_seconds=None)
    assert isinstance(opener, RoomOpener)
    titles = [words for words, _ in opener.case.options]
    assert load_pack(PACK).title in titles and PACK not in titles
    opener.case.value = PACK
    robyn = load_pack(PACK)
    assert opener.plan.options[-1] == (f"Every point ({len(robyn.decision_points)})", "")
    assert opener.plan.value == (robyn.plans[0].id if robyn.plans else "")
    opener.plan.value = ""
    opener.open.click()
    assert isinstance(opener.console, RoomConsole) and opener.widget.children == (opener.console.widget,)
