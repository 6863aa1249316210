"""Live means live: how soon a commit reaches the console and a release reaches every learner.

    python -m benchmarks.room_live                      # 30 learners, 3 points (about a minute)
    python -m benchmarks.room_live --learners 5         # a smoke run

One facilitator's console (the real RoomConsole, watching the room's folder) and N learners, each
its own process with its own learner folder and a real RoomSession in the room, as N kernels
would be; each learner's page check is the real `views.live.Watch` on the room's file, as the case
page runs it. Browsers and the widget messages to them are left out (the widget update goes out as
soon as the value is set). For each of the room's points: the facilitator opens it, the N learners
commit one after another (a tenth of a second apart), then the facilitator releases what happened.

Figures: commit -> console (the moment a learner's commit returns to the moment the console's
board counts it) and release -> learner (the release's return to each learner's page check seeing
it): p50, p95, max. Results go to benchmarks/last-room-live.json; docs/figures.md gives them.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

PACK = "robyn-front-door"
OUT = Path(__file__).resolve().parent / "last-room-live.json"


def _learner(i: int, folder: str, home: str, rooms: str, commands, results) -> None:
    os.environ["KIT_HOME"], os.environ["KIT_ROOMS"] = home, rooms
    from kit.roomsession import join
    from kit.views.live import Watch

    session = join(None, f"Learner {i}", folder)
    session.acknowledge()
    seen: set[str] = set()

    def check() -> None:  # what the case page's live check does: read the room when its file changed
        for point in session.room.state().released:
            if point not in seen:
                seen.add(point)
                results.put(("released", i, point, time.time()))

    watch = Watch(lambda: [session.room.file], check)
    results.put(("ready", i, "", time.time()))
    while True:
        command = commands.get()
        if command is None:
            break
        point, at = command
        time.sleep(max(0.0, at - time.time()))
        option = session.pack.point(point).options[i % len(session.pack.point(point).options)].id
        session.decide(point, option, confidence=3, rationale="Reasons from what was known at the time, here.",
                       change_mind="A word from another agency.")
        results.put(("committed", i, point, time.time()))
    watch.stop()


def percentile(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, max(0, round(p / 100 * len(values) + 0.5) - 1))]


def figures(values: list[float]) -> dict:
    return {"n": len(values), "p50": round(statistics.median(values), 3), "p95": round(percentile(values, 95), 3),
            "max": round(max(values), 3)}


def run(n: int) -> dict:
    base = Path(tempfile.mkdtemp(prefix="room-live-"))
    rooms = base / "rooms"
    os.environ["KIT_HOME"], os.environ["KIT_ROOMS"] = str(base / "facilitator"), str(rooms)
    from kit.room import Room
    from kit.views.room import RoomConsole

    counted: list[tuple[float, str, int]] = []

    class Timed(RoomConsole):
        def _refresh(self, force: bool) -> bool:
            alive = super()._refresh(force)
            shown = next((p for p in self.last_status["points"] if p["point"] == self.which.value), None)
            if shown:
                counted.append((time.time(), shown["point"], shown["decided"]))
            return alive

    room = Room.open(None, PACK)
    ctx = multiprocessing.get_context("spawn")
    results = ctx.Queue()
    commands = [ctx.Queue() for _ in range(n)]
    procs = [ctx.Process(target=_learner, args=(i, str(room.folder), str(base / f"l{i}"), str(rooms), commands[i],
                                                results), daemon=True) for i in range(n)]
    for p in procs:
        p.start()
    ready = 0
    while ready < n:
        ready += results.get(timeout=300)[0] == "ready"
    console = Timed(room, live_seconds=0.1)
    points = room.state().points
    commit_to_console, release_to_learner = [], []
    try:
        for point in points:
            room.open_point(point)  # the console follows the point just opened
            start = time.time() + 1.0
            for i in range(n):
                commands[i].put((point, start + 0.1 * i))
            commits = []
            while len(commits) < n:
                kind, _i, _p, at = results.get(timeout=120)
                if kind == "committed":
                    commits.append(at)
            deadline = time.time() + 30
            while not [c for c in counted if c[1] == point and c[2] >= n] and time.time() < deadline:
                time.sleep(0.02)
            for k, at in enumerate(sorted(commits), 1):  # the k-th commit is counted when the board reaches k
                seen = next((t for t, p, d in counted if p == point and d >= k), None)
                if seen is not None:  # counted before the commit returned (its vote is sent first): 0
                    commit_to_console.append(max(0.0, seen - at))
            released = time.time()
            room.release(point)
            got = 0
            while got < n:
                kind, _i, p, at = results.get(timeout=60)
                if kind == "released" and p == point:
                    release_to_learner.append(at - released)
                    got += 1
    finally:
        console.live.stop()
        for q in commands:
            q.put(None)
        for p in procs:
            p.join(10)
        import shutil

        shutil.rmtree(base, ignore_errors=True)
    return {"learners": n, "points": len(points), "cores": os.cpu_count(),
            "commit_to_console_s": figures(commit_to_console), "release_to_learner_s": figures(release_to_learner),
            "at": time.strftime("%Y-%m-%d %H:%M", time.gmtime())}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=30)
    args = parser.parse_args(argv)
    result = run(args.learners)
    OUT.write_text(json.dumps(result, indent=2) + "\n")
    json.dump(result, sys.stdout, indent=2)
    print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
