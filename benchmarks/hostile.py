"""What a hostile learner's files do to the facilitator's tools, before and after issue 22.

    python -m benchmarks.hostile                       # this checkout
    git archive REV | tar -x -C /tmp/kit-before        # an earlier kit, for the "before" column
    python -m benchmarks.hostile --kit /tmp/kit-before

Each attack runs in a fresh exchange, in this process, with the kit imported from --kit: a link at
the temporary names of the facilitator's next write; each small hostile file beside one real
hand-in (does `collect` finish, and how long); a classmate's re-signed copy of a hand-in on a
shared account (which one counts); 20,000 files of 60 KB in the exchange (collect) and in a
room's votes (Room.votes). Prints one line per attack; the figures go in docs/figures.md.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

PACK = "robyn-front-door"


def real_hand_in(ex: Path, name: str = "Ash", key=None) -> Path:
    from kit.handin import submit
    from kit.learner import set_learner
    from kit.session import open_case

    set_learner(name)
    case = open_case(PACK, learner=name)
    case.acknowledge()
    if case.current_point is not None:
        p = case.current_point
        case.decide(p.id, p.options[0].id, confidence=3, rationale="Because of what was known then, I would ask.",
                    change_mind="A word from another agency.")
    return submit(name, folder=ex, key=key)


def attempt(fn) -> str:
    start = time.perf_counter()
    try:
        out = fn()
    except BaseException as exc:  # what stopped the tool is the figure
        return f"stopped ({type(exc).__name__}) after {time.perf_counter() - start:.2f} s"
    return f"{out} in {time.perf_counter() - start:.2f} s"


def link_attack(base: Path) -> str:
    from kit.cli import main

    ex = base / "link-ex"
    ex.mkdir()
    victim = base / "victim-key"
    victim.write_text("the facilitator's key")
    real_hand_in(ex)
    last = int(Path("/proc/sys/kernel/ns_last_pid").read_text()) if Path("/proc/sys/kernel/ns_last_pid").exists() else os.getpid()
    for pid in {*range(last - 10, last + 3000), os.getpid()}:
        os.symlink(victim, ex / f".summary.html.{pid}.part")
    main(["collect", str(ex), "--summary", str(ex / "summary.html")])
    return "victim OVERWRITTEN" if victim.read_text() != "the facilitator's key" else "victim untouched"


BOMBS = {
    "50,000-digit number": b'{"format": "reflective-practice-kit/record", "version": 2, "minutes": ' + b"9" * 50_000 + b"}",
    "200 KB of '['": b"[" * 200_000,
    "'[]'": b"[]",
}


def bomb(base: Path, label: str) -> str:
    from kit.cohort import collect
    from kit.packs import load_pack

    ex = base / f"bomb-{len(list(base.iterdir()))}"
    ex.mkdir()
    real_hand_in(ex)
    if label == "named pipe":
        os.mkfifo(ex / "pipe.json")
    elif label == "symlink":
        os.symlink("/etc/passwd", ex / "link.json")
    else:
        (ex / "bomb.json").write_bytes(BOMBS[label])
    c = collect(ex, packs=[load_pack(PACK)])
    return f"counted {c.size}, skipped {len(c.skipped)} ({'; '.join(s.reason[:60] for s in c.skipped)})"


def resign_attack(base: Path) -> str:
    """Bo (same computer account) copies Ash's hand-in, changes the choice, moves the time on, and
    signs it with what Bo holds: the workshop key line before learner keys, Bo's own learner key after."""
    from kit import workshop
    from kit.cohort import collect
    from kit.packs import load_pack
    from kit.record import Record, sign, to_json, with_checksum

    ex = base / "resign-ex"
    ex.mkdir()
    key = workshop.new_key()
    has_learner_keys = hasattr(workshop, "learner_key")
    ash_key = workshop.learner_key(key, "ash") if has_learner_keys else key
    bo_key = workshop.learner_key(key, "bo") if has_learner_keys else key
    real = real_hand_in(ex, key=ash_key)
    data = json.loads(real.read_text())
    d = data["cases"][0]["decisions"][0]
    point = load_pack(PACK).point(d["point_id"])
    mine = d["option_id"]
    d["option_id"] = next(o.id for o in point.options if o.id != mine)
    data["exported_at"] = (datetime.fromisoformat(data["exported_at"]) + timedelta(minutes=2)).isoformat()
    if "counter" in data:
        data["counter"] += 100
    data = {k: v for k, v in data.items() if k not in ("signature", "signer")}
    (ex / "zz-forged.json").write_text(to_json(sign(with_checksum(Record.model_validate(data)), bo_key)))
    c = collect(ex, packs=[load_pack(PACK)], key=key)
    counted = [r.decisions[0][4] for r in c.records]
    return "the FORGED copy counts" if counted != [mine] else f"the real one counts ({c.skipped[0].kind} skipped)"


def room_bomb(base: Path, label: str) -> str:
    """Room.status() with one hostile vote file beside a real vote; a hang is reported after 10 s."""
    import threading

    from kit.room import Room
    from kit.room import open_case as room_case

    n = len(list(base.iterdir()))
    room = Room.open(base / f"room-{n}", PACK)
    point = room.open_point()
    case = room_case(PACK, learner=f"Room learner {n}", room=room.folder)
    case.acknowledge()
    case.decide(point, room.pack().point(point).options[0].id, confidence=3,
                rationale="Because of what was known then, I would ask.",
                change_mind="A word from another agency.")
    votes = room.folder / "votes"
    if label == "named pipe":
        os.mkfifo(votes / "pipe.json")
    else:
        (votes / "bomb.json").write_bytes(BOMBS[label])
    out: dict = {}

    def run():
        try:
            status = room.status()
            out["v"] = f"decided {sum(p['decided'] for p in status['points'])}"
        except BaseException as exc:
            out["v"] = f"stopped ({type(exc).__name__})"

    t = threading.Thread(target=run, daemon=True)
    t.start()
    t.join(10)
    return out.get("v", "HUNG (still reading after 10 s)")


def many_files(base: Path, n: int) -> tuple[str, str]:
    from kit.cohort import collect
    from kit.packs import load_pack
    from kit.room import Room

    ex = base / "many-ex"
    ex.mkdir()
    real_hand_in(ex)
    filler = b'{"format": "reflective-practice-kit/record", "x": "' + b"a" * 60_000 + b'"}'
    for i in range(n):
        (ex / f"bulk-{i:05d}.json").write_bytes(filler)
    t0 = time.perf_counter()
    c = collect(ex, packs=[load_pack(PACK)])
    collected = f"{time.perf_counter() - t0:.1f} s ({c.size} counted, {len(c.skipped)} skipped)"
    room = Room.open(base / "room", PACK)
    votes = room.folder / "votes"
    vote = json.dumps({"point": "x", "option": "y", "voter": "v", "rationale": "a" * 60_000}).encode()
    for i in range(n):
        (votes / f"v{i:05d}.json").write_bytes(vote)
    t0 = time.perf_counter()
    counted = len(room.votes())
    return collected, f"{time.perf_counter() - t0:.1f} s ({counted} read)"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--kit", default=str(Path(__file__).resolve().parent.parent), help="the kit checkout to try")
    ap.add_argument("--files", type=int, default=20_000, help="how many 60 KB files (default 20,000)")
    args = ap.parse_args(argv)
    sys.path.insert(0, args.kit)
    for name in [m for m in sys.modules if m == "kit" or m.startswith("kit.")]:
        del sys.modules[name]
    with tempfile.TemporaryDirectory(prefix="kit-hostile-") as tmp:
        base = Path(tmp)
        os.environ["KIT_HOME"] = str(base / "home")
        import kit

        print(f"kit {kit.__version__} from {Path(kit.__file__).parent}")
        print("link at the temporary names of `collect --summary`:", attempt(lambda: link_attack(base)))
        for label in [*BOMBS, "named pipe", "symlink"]:
            print(f"collect beside {label}:", attempt(lambda label=label: bomb(base, label)))
        for label in ["'[]'", "200 KB of '['", "named pipe"]:
            print(f"Room.status beside a vote file of {label}:", attempt(lambda label=label: room_bomb(base, label)))
        print("a classmate's re-signed copy (shared account):", attempt(lambda: resign_attack(base)))
        collected, voted = many_files(base, args.files)
        print(f"{args.files:,} files of 60 KB: collect {collected}; Room.votes {voted}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
