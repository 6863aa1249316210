"""The attacks of issue 22 run by real accounts on a world-writable exchange (as a hub has it).

As root, the tests make two learner accounts and a facilitator account (`useradd -M`), a
world-writable exchange with the sticky bit (chmod 1777), and a home for each, then run the kit
as each account (`setpriv --reuid --regid --clear-groups`, the system Python with the kit's
checkout and packages on its path). Each attack is run as a learner; the test checks that nothing
is forged, overwritten or lost, and that the facilitator's tools keep working. The accounts and
folders are removed afterwards. Without root the tests are skipped with the reason.
"""

from __future__ import annotations

import hashlib
import json
import os
import pwd
import shutil
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

import pytest

from tests.conftest import ROOT

NAMES = {"ash": "rpkh-learner1", "bo": "rpkh-learner2", "fac": "rpkh-facilitator"}
PACK = "robyn-front-door"
SITE = Path(sys.prefix) / "lib" / f"python{sys.version_info.major}.{sys.version_info.minor}" / "site-packages"
SYSTEM_PYTHON = Path("/usr/bin/python3")


def _can_run() -> str | None:
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        return "needs root to make learner and facilitator accounts (useradd) and act as them (setpriv)"
    if not (shutil.which("useradd") and shutil.which("setpriv") and SYSTEM_PYTHON.exists()):
        return "needs useradd, setpriv and /usr/bin/python3"
    probe = subprocess.run([str(SYSTEM_PYTHON), "-c", "import sys; print(sys.version_info[:2])"],
                           capture_output=True, text=True)
    if probe.stdout.strip() != str(tuple(sys.version_info[:2])):
        return f"the system Python ({probe.stdout.strip()}) is not the kit's ({sys.version_info[:2]})"
    return None


def _let_others_through(*paths: Path) -> list[tuple[Path, int]]:
    """The accounts import from the checkout and its packages: a folder others cannot pass on the way
    (a fresh clone in `mktemp -d` is mode 700) gets o+x (pass, not list) and each path itself o+rx
    (Python lists a folder on its path to import from it), until the test ends. Returns each folder
    changed with its mode before."""
    changed = []
    for path in paths:
        for folder, need in [*((p, 0o001) for p in reversed(path.parents)), (path, 0o005)]:
            mode = folder.stat().st_mode & 0o7777
            if mode & need != need:
                folder.chmod(mode | need)
                changed.append((folder, mode))
    return changed


@pytest.fixture(scope="module")
def hub():
    """Accounts (learner1, learner2, facilitator), a 1777 exchange and a home each; removed afterwards."""
    reason = _can_run()
    if reason:
        pytest.skip(reason)
    taken = {p.pw_uid for p in pwd.getpwall()}
    free = (u for u in range(1801, 1900) if u not in taken)
    made: dict[str, int] = {}
    base = Path(tempfile.mkdtemp(prefix="kit-hub-", dir="/tmp"))
    opened = _let_others_through(ROOT, SITE)
    try:
        for who, name in NAMES.items():
            subprocess.run(["userdel", name], capture_output=True)  # left by an interrupted run
            uid = next(free)
            subprocess.run(["useradd", "-M", "-u", str(uid), "-U", name], check=True, capture_output=True)
            made[who] = uid
        base.chmod(0o755)
        exchange = base / "exchange"
        exchange.mkdir()
        exchange.chmod(0o1777)
        for who, uid in made.items():
            home = base / who
            home.mkdir()
            os.chown(home, uid, uid)
            home.chmod(0o700)
        yield {"base": base, "exchange": exchange, "uid": made}
    finally:
        for folder, mode in reversed(opened):
            folder.chmod(mode)
        shutil.rmtree(base, ignore_errors=True)
        for name in NAMES.values():
            subprocess.run(["userdel", name], capture_output=True)
            subprocess.run(["groupdel", name], capture_output=True)


def run_as(hub, who: str, code: str, env: dict | None = None, timeout: float = 240) -> subprocess.CompletedProcess:
    """Run Python as that account (its own home as KIT_HOME), the kit importable; fails on a hang."""
    uid = hub["uid"][who]
    home = hub["base"] / who
    full_env = {"PATH": "/usr/bin:/bin", "HOME": str(home), "KIT_HOME": str(home / "kit"),
                "PYTHONPATH": f"{ROOT}:{SITE}", "MPLCONFIGDIR": str(home / "mpl"), "PYTHONDONTWRITEBYTECODE": "1",
                **(env or {})}
    return subprocess.run(["setpriv", f"--reuid={uid}", f"--regid={uid}", "--clear-groups", str(SYSTEM_PYTHON),
                           "-c", textwrap.dedent(code)], env=full_env, cwd=str(home), capture_output=True,
                          text=True, timeout=timeout)


def ok(result: subprocess.CompletedProcess) -> str:
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def workshop(hub):
    """The facilitator's workshop key (in their home, mode 600), a learner key each, and Ash's real hand-in."""
    key_file = hub["base"] / "fac" / "workshop.key"
    ok(run_as(hub, "fac", f"""
        from kit.cli import main
        assert main(["workshop", "new", "--key", {str(key_file)!r}]) == 0
    """))
    lines = ok(run_as(hub, "fac", f"""
        from kit.cli import main
        main(["workshop", "learner-key", "--key", {str(key_file)!r}, "ash", "bo"])
    """)).split()
    keys = dict(zip(("ash", "bo"), lines, strict=True))
    decide = f"""
        from kit.handin import submit
        from kit.session import open_case
        case = open_case({PACK!r}, learner="Ash")
        case.acknowledge()
        p = case.current_point
        case.decide(p.id, p.options[0].id, confidence=4, rationale="Because of what was known then, I would ask.", change_mind="A word from the health visitor.")
        print(submit("Ash", folder={str(hub["exchange"])!r}))
    """
    real = Path(ok(run_as(hub, "ash", decide, {"KIT_WORKSHOP_KEY": keys["ash"]})).strip())
    assert real.stat().st_uid == hub["uid"]["ash"] and (real.stat().st_mode & 0o777) == 0o644
    return {"key_file": key_file, "keys": keys, "real": real, "real_digest": digest(real),
            "journal": hub["base"] / "ash" / "kit" / "journal.sqlite3"}


def collect_as_facilitator(hub, workshop, summary: Path | None = None) -> dict:
    """The facilitator's `kit collect --key` (and summary), as they would run it: what it counted and skipped."""
    out = run_as(hub, "fac", f"""
        import json, sys
        from kit.cli import main
        from kit.cohort import collect
        from kit.workshop import load_key
        args = ["collect", {str(hub["exchange"])!r}, "--key", {str(workshop["key_file"])!r}]
        if {str(summary) if summary else None!r}:
            args += ["--summary", {str(summary)!r}]
        assert main(args) == 0
        c = collect({str(hub["exchange"])!r}, key=load_key({str(workshop["key_file"])!r}))
        print(json.dumps({{"records": [[r.file, r.learner_id, r.signer, [d[4] for d in r.decisions]] for r in c.records],
                           "skipped": {{s.file: [s.kind, s.reason] for s in c.skipped}}}}))
    """)
    return json.loads(ok(out).strip().splitlines()[-1])


def test_a_link_at_a_temporary_name_redirects_no_write(hub, workshop):
    """Bo plants links, at every temporary name the kit's next writes in the exchange could have used
    (.summary.html.PID.part for the next 3,000 process ids), to the facilitator's key file; the
    facilitator's `kit collect --summary` into the exchange writes its summary and the key is untouched."""
    ex, key_file = hub["exchange"], workshop["key_file"]
    before = digest(key_file)
    last = int(Path("/proc/sys/kernel/ns_last_pid").read_text())
    ok(run_as(hub, "bo", f"""
        import os
        for pid in range({last}, {last} + 3000):
            os.symlink({str(key_file)!r}, os.path.join({str(ex)!r}, f".summary.html.{{pid}}.part"))
    """))
    got = collect_as_facilitator(hub, workshop, summary=ex / "summary.html")
    assert digest(key_file) == before  # the facilitator's key file was not overwritten
    assert (ex / "summary.html").stat().st_uid == hub["uid"]["fac"] and not (ex / "summary.html").is_symlink()
    assert [r[0] for r in got["records"]] == [workshop["real"].name]
    for link in ex.glob(".summary.html.*.part"):
        link.unlink()


def test_a_hand_in_re_signed_as_another_learner_is_not_counted(hub, workshop):
    """Bo copies Ash's hand-in, changes the choice, raises the counter, moves the time on, and signs it
    with Bo's own learner key; Bo cannot replace Ash's file (sticky exchange). The facilitator's collect
    counts Ash's real hand-in and lists the copy as signed with another learner's key."""
    ex, real = hub["exchange"], workshop["real"]
    out = ok(run_as(hub, "bo", f"""
        import json, os
        from datetime import datetime, timedelta
        from kit.packs import load_pack
        from kit.record import Record, sign, to_json, with_checksum
        from kit.workshop import parse_key
        data = json.loads(open({str(real)!r}).read())
        d = data["cases"][0]["decisions"][0]
        point = load_pack({PACK!r}).point(d["point_id"])
        d["option_id"] = next(o.id for o in point.options if o.id != d["option_id"])
        data["counter"] += 100
        data["exported_at"] = (datetime.fromisoformat(data["exported_at"]) + timedelta(minutes=2)).isoformat()
        forged = to_json(sign(with_checksum(Record.model_validate(data)), parse_key({workshop["keys"]["bo"]!r})))
        open({str(ex / "zz-forged.json")!r}, "w").write(forged)
        try:
            os.replace({str(ex / "zz-forged.json")!r}, {str(real)!r})
            print("replaced")
        except PermissionError:
            print("refused")
    """))
    assert out.strip() == "refused" and digest(real) == workshop["real_digest"]
    got = collect_as_facilitator(hub, workshop)
    (kept,) = got["records"]
    assert kept[0] == real.name and kept[2] == "ash"
    kind, reason = got["skipped"]["zz-forged.json"]
    assert kind == "other key" and "another learner's key" in reason
    (ex / "zz-forged.json").unlink()


def test_hostile_files_from_a_learner_never_stop_the_facilitators_collect(hub, workshop):
    """Bo writes every file that used to stop `kit collect` (a 50,000-digit number, 200 KB of '[', '[]',
    a named pipe, a link to the facilitator's key, 2,000 files of 60 KB): collect finishes, lists each
    with its reason, still counts Ash, never reads the key through the link, and Ash's work is intact."""
    ex = hub["exchange"]
    journal_before = digest(workshop["journal"])
    ok(run_as(hub, "bo", f"""
        import os
        ex = {str(ex)!r}
        def put(name, data):
            with open(os.path.join(ex, name), "wb") as fh:
                fh.write(data)
        put("long-number.json", b'{{"format": "reflective-practice-kit/record", "version": 2, "minutes": ' + b"9" * 50000 + b"}}")
        put("nested.json", b"[" * 200000)
        put("empty.json", b"[]")
        os.mkfifo(os.path.join(ex, "pipe.json"))
        os.symlink({str(workshop["key_file"])!r}, os.path.join(ex, "key-link.json"))
        for i in range(2000):
            put(f"bulk-{{i:05d}}.json", b'{{"format": "reflective-practice-kit/record", "x": "' + b"a" * 60000 + b'"}}')
    """))
    got = collect_as_facilitator(hub, workshop)
    assert [r[0] for r in got["records"]] == [workshop["real"].name]
    skipped = got["skipped"]
    assert "longer than" in skipped["long-number.json"][1] and "nested" in skipped["nested.json"][1]
    assert "not a kit record" in skipped["empty.json"][1] and "named pipe" in skipped["pipe.json"][1]
    assert "link" in skipped["key-link.json"][1]
    assert sum(f.startswith("bulk-") for f in skipped) == 2000
    assert digest(workshop["real"]) == workshop["real_digest"] and digest(workshop["journal"]) == journal_before
