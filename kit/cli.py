"""The `kit` command: validate, lint and list packs, start new ones, and more.

Errors go to stderr as plain sentences; a traceback is shown only with KIT_DEBUG=1.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from dataclasses import asdict
from pathlib import Path
from typing import Any

from . import __version__, settings
from .errors import KitError
from .files import write_atomic


def _cmd_validate(args) -> int:
    from .lint import lint_report, tag_balance
    from .packs import validate_tree

    paths = args.paths or [_default_packs_arg()]
    reports = validate_tree(paths)
    if args.lint:
        for r in reports:
            if r.pack:
                r.problems += lint_report(r)
    if getattr(args, "against", None):
        from .answered import rename_warnings

        if not Path(args.against).is_dir():
            raise KitError(f"{args.against} is not a folder: give the KIT_HOME (or the shared app's folder) whose "
                           "learners' answers to check against.")
        for r in reports:
            if r.pack:
                r.problems += rename_warnings(r.pack, r.path, args.against)
    problems = [p for r in reports for p in r.problems]
    errors = [p for p in problems if p.severity == "error"]
    balances = [tag_balance(r.pack) for r in reports if args.lint and r.pack]
    if args.format == "json":
        print(json.dumps({
            "ok": not errors,
            "packs": [{"path": r.path, "id": r.pack.id if r.pack else None, "ok": r.ok,
                       "problems": [p.as_dict() for p in r.problems]} for r in reports],
            **({"tag_balance": [asdict(b) for b in balances]} if balances else {}),
        }, indent=2))
        return 1 if errors else 0
    for p in problems:
        print(p, file=sys.stderr if p.severity == "error" else sys.stdout)
    for b in balances:
        if b.cautioned:
            print("Tag balance: " + b.sentence())
    good = sum(r.ok for r in reports)
    warn = len(problems) - len(errors)
    print(f"{good} of {len(reports)} pack(s) valid; {len(errors)} error(s), {warn} warning(s).")
    return 1 if errors else 0


def _cmd_lint(args) -> int:
    args.lint = True
    return _cmd_validate(args)


def _cmd_list(args) -> int:
    from .packs import validate_tree

    reports = validate_tree(args.paths or [_default_packs_arg()])
    rows: list[dict[str, Any]] = []
    for r in reports:
        if r.pack:
            p = r.pack
            rows.append({"id": p.id, "title": p.title, "decision_points": len(p.decision_points),
                         "debates": len(p.debates), "themes": p.themes})
    if args.format == "json":
        print(json.dumps(rows, indent=2))
    else:
        for row in rows:
            print(f"{row['id']}\n  {row['title']}\n  {row['decision_points']} decision points, "
                  f"{row['debates']} debate(s); themes: {', '.join(row['themes']) or '-'}")
    broken = [r for r in reports if not r.ok]
    if broken:
        print(f"{len(broken)} pack(s) not listed because they do not validate: "
              f"{', '.join(r.path for r in broken)}. Run 'kit validate' for details.", file=sys.stderr)
    return 1 if broken else 0


def _cmd_new(args) -> int:
    from .models import PACK_ID_RE, suggest_slug

    if not PACK_ID_RE.match(args.id):
        raise KitError(f"'{args.id}' is not a pack id (3-60 lowercase letters, digits, hyphens). "
                       f"Try '{suggest_slug(args.id)}'.")
    template = settings.bundled_packs_dir() / "_template"
    dest = Path(args.dir) / args.id
    if dest.exists():
        raise KitError(f"{dest} already exists; choose another id or remove it first.")
    shutil.copytree(template, dest)
    f = dest / "pack.yaml"
    write_atomic(f, f.read_text(encoding="utf-8").replace("id: TODO-pack-id", f"id: {args.id}"))
    print(f"Created {dest}. Replace every TODO in {f}, then run: kit validate {dest}")
    return 0


def _cmd_schema(args) -> int:
    from .models import json_schema
    text = json.dumps(json_schema(), indent=2) + "\n"
    out = Path(args.output) if args.output else settings.packs_dir() / "pack.schema.json"
    if args.check:
        if not out.exists() or out.read_text(encoding="utf-8") != text:
            print(f"{out} is stale; run 'kit schema' to regenerate it.", file=sys.stderr)
            return 1
        print(f"{out} is up to date.")
        return 0
    write_atomic(out, text)
    print(f"Wrote {out}")
    return 0


def _cmd_hash_name(args) -> int:
    from .lint import hash_name

    print(hash_name(args.name))
    return 0


def _cmd_export(args) -> int:
    from .export import export_record

    path = export_record(args.learner, args.case, args.format, args.output, include_text=not args.no_text)
    print(f"Wrote {path}")
    return 0


def shown(text: object, *, lines: bool = False) -> str:
    """Text from files or learners as the terminal should print it: a line break, an escape code or
    any other invisible character is written out (\\n, \\x1b, \\u202e), so a file name cannot fake
    a line or repaint the screen. lines=True keeps line breaks (the kit's own multi-line messages)."""
    out = []
    for ch in str(text):
        if ch.isprintable() or ch == " " or (lines and ch == "\n"):
            out.append(ch)
        else:
            out.append(ch.encode("unicode_escape").decode("ascii"))
    return "".join(out)


def _key(value: str | None):
    from .workshop import load_key, workshop_key

    return load_key(value) if value else workshop_key()


def _cmd_collect(args) -> int:
    from .cohort import collect
    from .packs import load_packs

    packs = [p for folder in args.packs for p in load_packs(folder)] if args.packs else None
    key = _key(args.key)
    if args.signed_only and key is None:
        raise KitError("--signed-only needs the workshop key: give --key FILE, or set KIT_WORKSHOP_KEY.")
    cohort = collect(args.folder, packs=packs, key=key, signed_only=args.signed_only)
    for s in cohort.skipped:
        print(f"skipped {shown(s.file)}: {shown(s.reason)}", file=sys.stderr)
    if key:
        for h in cohort.unsigned:
            print(f"unsigned (counted) {shown(h.file)}", file=sys.stderr)
    done = cohort.cases_done()
    print(f"{cohort.size} submission(s) loaded, {len(cohort.skipped)} skipped"
          + (f", {len(cohort.unsigned)} of those loaded unsigned (workshop {key.code})" if key else "")
          + ("" if done.empty else "; learners per case: " + ", ".join(f"{shown(k)} {v}" for k, v in done.items()))
          + ".")
    if args.summary:
        from .dashboard import write_summary

        print(f"Wrote {shown(write_summary(cohort, args.summary))}")
    return 0


def _cmd_workshop_start(args) -> int:
    from .launch import serve

    if args.plan and args.points:
        raise KitError("Give either --plan or --points, not both.")
    points = [p.strip() for p in args.points.split(",") if p.strip()] if args.points else None
    return serve(args.pack, plan=args.plan, points=points, host=args.host, port=args.port,
                 workshop_code=args.workshop_code)


def _cmd_workshop_new(args) -> int:
    from .workshop import new_key, write_key

    key = new_key()
    path = write_key(key, args.key)
    print(f"Workshop {key.code}: key written to {shown(path)} (only you can read it).\n"
          f"Give each learner a key of their own, made from it, so no learner can sign as another:\n\n"
          f"  kit workshop learner-key --key {shown(path)} NAME ...\n\n"
          f"(NAME: a hub user name, or seat-01, seat-02 ... for slips of paper). The workshop's own key line,\n"
          f"for your own kit only (anyone holding it can sign as any learner):\n\n  {key.line}\n\n"
          f"Show learners the code {key.code}: their hand-in confirms the code it was signed for.\n"
          f"Collect with: kit collect FOLDER --key {shown(path)}")
    return 0


def _cmd_workshop_learner_key(args) -> int:
    from .workshop import WorkshopKey, learner_key, load_key

    key = load_key(args.key)
    if not isinstance(key, WorkshopKey):
        raise KitError(f"{shown(args.key)} is a learner's key; learner keys are made from the workshop key file "
                       "(kit workshop new --key FILE).")
    for name in args.names:
        print(learner_key(key, name).line)
    return 0


def _cmd_demo_cohort(args) -> int:
    from .demo import demo_cohort

    paths = demo_cohort(args.n, args.out, seed=args.seed)
    print(f"Wrote {len(paths)} synthetic submissions (learner ids demo-...) to {args.out}")
    return 0


def _cmd_submit(args) -> int:
    from .handin import submit

    path = submit(args.learner, share_text=args.share_text, folder=args.to)
    print(f"Handed in: {path}")
    return 0


def _cmd_room(args) -> int:
    from .room import Room, RoomError, find_room
    from .support import default_list_notice

    if args.action == "open":
        if not args.pack:
            raise KitError("Name the case: kit room open --pack PACK-ID [--points a,b,c | --plan ID] [--dir DIR].")
        points = [p.strip() for p in args.points.split(",") if p.strip()] if args.points else None
        room = Room.open(args.dir, args.pack, points, args.plan)
        st = room.state()
        print(f"Room {st.code} is open for '{st.title}' ({len(st.points)} points) at {room.folder}.")
        print(f"Learners join with the code {st.code}. Open the first point with: kit room open-point --dir {room.folder}")
        from . import settings

        if not settings.ROOMS.raw() and settings.exchange_dir() is None:
            print("This room is in this computer's own folder. Learners can join it only through the shared app "
                  "on this computer (run kit app --shared and give learners its address) or on a JupyterHub whose "
                  "workshop folder holds the rooms (KIT_EXCHANGE); a learner running the kit on their own laptop "
                  "cannot reach it.")
        notice = default_list_notice()
        if notice:
            print(notice)
        return 0
    if not args.dir:
        raise KitError(f"Name the room's folder: kit room {args.action} --dir DIR.")
    room = find_room(args.dir)
    if args.action == "status":
        status = room.status()
        if args.format == "json":
            print(json.dumps(status, indent=2, ensure_ascii=False))
            return 0
        from .roomtally import skipped_sentence

        joined = status["joined"]
        print(f"Room {status['code']}: {status['title']}{' (closed)' if status['closed'] else ''}; "
              f"{joined} {'learner has' if joined == 1 else 'learners have'} joined.")
        for p in status["points"]:
            state = ("finding released" if p["finding_released"] else "what happened released" if p["released"]
                     else "open" if p["opened"] else "not open")
            counts = ", ".join(f"{k} {v}" for k, v in p["options"].items())
            apart = "".join(f"; {p[k]['decided']} {words}" for k, words in
                            (("second", "voted again"), ("late", "after the reveal"), ("before", "before the room"))
                            if p[k]["decided"])
            print(f"- {p['title']}: {state}; {p['decided']} of {joined} decided ({counts}){apart}")
        if status["skipped"]:
            print(skipped_sentence(status["skipped"]))
        return 0
    if args.action == "open-point":
        point = room.open_point(args.point)
        print(f"Opened '{room.pack().point_label(point)}'.")
    elif args.action == "release":
        point = room.release(args.point)
        print(f"Released the reveal of '{room.pack().point_label(point)}'.")
    elif args.action in ("release-finding", "show-finding", "revote"):
        if not args.point:
            raise RoomError(f"Name the point: kit room {args.action} --dir DIR --point ID.")
        if args.action == "revote":
            room.ask_revote(args.point)
            print(f"The room is asked to talk in pairs and vote again on '{room.pack().point_label(args.point)}'.")
        else:
            room.release_finding(args.point)
            print(f"Released the review's finding for '{room.pack().point_label(args.point)}'.")
    elif args.action == "release-outcome":
        room.release_outcome()
        print("Released what became of the children.")
    elif args.action == "open-debate":
        room.open_debate()
        print("The case's debate is on every learner's room page.")
    elif args.action == "close":
        room.close()
        print(f"Room {room.state().code} is closed.")
    if args.summary and args.action == "close":
        from .roomreport import write_handout

        print(f"Wrote the room's handout: {write_handout(room, args.summary)}")
    return 0


GUIDE_STYLE = ("body{font-family:Georgia,serif;font-size:11pt;line-height:1.45;max-width:180mm;margin:auto;padding:1em}"
               "h1,h2,h3{font-family:Arial,sans-serif}h1{page-break-before:always}h1:first-of-type{page-break-before:auto}"
               "table{border-collapse:collapse}td,th{border:1px solid #999;padding:3px 6px;text-align:left;vertical-align:top}"
               "nav li{margin:0.2em 0}@page{size:A4;margin:18mm 16mm}")


def _guide_parts(exercise: str | None) -> list[tuple[str, str]]:
    """(title, Markdown) for the facilitator guide: the README, then each exercise's notes (or one)."""
    import re

    parts: list[tuple[str, str]] = []
    folder = settings.facilitator_dir()
    notes = sorted(n for n in (folder / "exercises").glob("*.md") if n.name != "README.md")
    if not folder.is_dir() or not notes:
        raise KitError(f"No facilitator notes at {folder}. They come with the kit's source: "
                       "clone the repository or ask the kit's maintainers.")
    if exercise:
        key = exercise.strip().lower().removesuffix(".md").removesuffix(".ipynb")
        number = key.zfill(2) if key.isdigit() else None
        notes = [n for n in notes if (number and n.stem.startswith(number + "_")) or n.stem == key
                 or n.stem.split("_", 1)[-1] == key or (len(key) > 2 and key in n.stem)]
        if len(notes) != 1:
            known = ", ".join(n.stem for n in sorted((folder / "exercises").glob("*.md")) if n.name != "README.md")
            raise KitError(f"'{exercise}' {'names more than one' if notes else 'is not one of the'} "
                           f"exercises; give its number or name: {known}.")
    readmes = [r for r in (folder / "README.md", folder / "exercises" / "README.md") if r.is_file()]
    for n in ([] if exercise else readmes) + notes:
        text = n.read_text(encoding="utf-8")
        heading = re.search(r"^# (.+)$", text, re.MULTILINE)
        parts.append((heading.group(1).strip() if heading else n.stem, text))
    return parts


def _cmd_guide(args) -> int:
    parts = _guide_parts(args.exercise)
    out = Path(args.output or f"facilitator-guide{'-' + args.exercise if args.exercise else ''}.{args.format or 'html'}")
    fmt = args.format or ("md" if out.suffix.lower() in (".md", ".markdown") else "html")
    body = "\n\n".join(text.strip() for _, text in parts) + "\n"
    if fmt == "html":
        import html

        import mistune

        render = mistune.create_markdown(escape=True, plugins=["table"])
        contents = "".join(f"<li>{html.escape(title)}</li>" for title, _ in parts)
        body = ("<!DOCTYPE html><html lang='en-GB'><head><meta charset='utf-8'><title>Facilitator guide</title>"
                f"<style>{GUIDE_STYLE}</style></head><body><p><strong>Facilitator guide: model answers and notes. "
                "For facilitators; not for learners before they have answered.</strong></p>"
                f"<nav><p>Contents</p><ol>{contents}</ol></nav>"
                + "".join(f"<section>{render(text)}</section>" for _, text in parts) + "</body></html>\n")
    try:
        write_atomic(out, body)
    except OSError as exc:
        raise KitError(f"Could not write {out} ({exc.strerror}). Choose another file with -o.") from None
    print(f"Wrote {out}: the facilitator notes for {len(parts) - (0 if args.exercise else 1)} exercise(s)"
          + ("" if args.exercise else " and how to run them") + ".")
    return 0


def _cmd_app(args) -> int:
    from .app import serve

    return serve(port=args.port, open_browser=False, shared=args.shared, host=args.host,
                 workshop_code=args.workshop_code, idle_minutes=args.idle_minutes, preheat=args.preheat)


def _cmd_lab(args) -> int:
    from .lab import serve

    return serve(args.dir, args.jupyter_args)


def _cmd_start(args) -> int:
    """A learner's start: their own copy of the learner notebooks and exercises (kit init, which keeps
    what they already have), then JupyterLab on it; --facilitator opens the whole folder instead."""
    from .lab import serve

    extra = [f"--port={args.port}"] if args.port else []
    if args.facilitator:
        return serve(Path.cwd(), extra)
    _cmd_init(argparse.Namespace(dir=args.dir))
    return serve(args.dir, extra)

def _cmd_author(args) -> int:
    from .authorapp import serve

    return serve(args.pack or _default_packs_arg(), port=args.port)


def _cmd_pack_export(args) -> int:
    from .packzip import export_pack

    out = export_pack(args.id, args.output or f"{Path(args.id).name}.zip")
    print(f"Wrote {out}: give this one file to a colleague; they add it with: kit pack import {out.name}")
    return 0


def _cmd_pack_import(args) -> int:
    from .packzip import import_pack

    dest = import_pack(args.file, args.packs or _default_packs_arg(), rename=args.as_id)
    print(f"Added the case {dest.name} to {dest.parent}. It passed kit lint; try it: kit author {dest}")
    return 0


def _cmd_settings(args) -> int:
    rows = settings.describe()
    width = max(len(name) for name, _, _ in rows)
    print("Settings (environment variables):")
    for name, value, help_text in rows:
        print(f"  {name:<{width}}  {value}\n  {'':<{width}}  {help_text}")
    print("Where the kit finds its files:")
    places = settings.locations()
    width = max(len(what) for what, _ in places)
    for what, path in places:
        print(f"  {what:<{width}}  {path}")
    return 0


def _cmd_init(args) -> int:
    dest = Path(args.dir).expanduser()
    if dest.exists() and not dest.is_dir():
        raise KitError(f"{dest} is a file; choose a folder name for your copy of the notebooks.")
    copied, kept = [], []
    for source, name in ((settings.notebooks_dir(), "notebooks"), (settings.exercises_dir(), "exercises")):
        if not source.is_dir():
            raise KitError(f"The kit's {name} are missing ({source}); reinstall the kit.")
        for f in sorted(source.rglob("*")):
            rel = f.relative_to(source)
            if not f.is_file() or any(part.startswith(".") or part == "__pycache__" for part in rel.parts):
                continue
            target = dest / name / rel
            if target.exists():
                kept.append(target)
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(f, target)
            copied.append(target)
    print(f"Copied {len(copied)} file(s) into {dest} (notebooks/ and exercises/)"
          + (f"; kept {len(kept)} you already had (delete one to get the kit's version)." if kept else "."))
    print(f"Open the start page in JupyterLab: kit lab {dest}")
    return 0


def _default_packs_arg() -> str:
    """casepacks/ in the current folder if there is one, else the kit's own."""

    here = Path("casepacks")
    return str(here) if here.is_dir() and not settings.PACKS.raw() else str(settings.packs_dir())


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kit",
        description="Reflective practice kit: case packs from child safeguarding reviews.",
    )
    parser.add_argument("--version", action="version", version=f"kit {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    def paths_and_format(p):
        p.add_argument("paths", nargs="*", metavar="PATH",
                       help="pack folders, pack.yaml files or folders of packs (default: casepacks/)")
        p.add_argument("--format", choices=["text", "json"], default="text", help="output format")

    p = sub.add_parser("validate", help="check packs against the format; exit 1 on any error")
    paths_and_format(p)
    p.add_argument("--lint", action="store_true", help="also run the anonymisation lint")
    p.add_argument("--against", metavar="KIT_HOME", help="warn about point and option ids that learners answered "
                   "in the journals under this folder and the pack no longer has (before renaming ids)")
    p.set_defaults(func=_cmd_validate)

    p = sub.add_parser("lint", help="validate and check packs for anything that could identify a person")
    paths_and_format(p)
    p.set_defaults(func=_cmd_lint)

    p = sub.add_parser("list", help="list packs: id, title, decision points, debates, themes")
    paths_and_format(p)
    p.set_defaults(func=_cmd_list)

    p = sub.add_parser("new", help="start a new pack from the template")
    p.add_argument("id", help="the new pack's id, e.g. baby-k-closed-early")
    p.add_argument("--dir", default="casepacks", help="where to create it (default: casepacks)")
    p.set_defaults(func=_cmd_new)

    p = sub.add_parser("schema", help="write casepacks/pack.schema.json from the models")
    p.add_argument("--check", action="store_true", help="exit 1 if the file is stale")
    p.add_argument("-o", "--output", help="where to write it")
    p.set_defaults(func=_cmd_schema)

    p = sub.add_parser("hash-name", help="print the denylist hash of a name (for kit/data/denylist.txt)")
    p.add_argument("name")
    p.set_defaults(func=_cmd_hash_name)

    p = sub.add_parser("export", help="export a learner's reflective record (portfolio or CPD)")
    p.add_argument("--learner", required=True, help="the learner's pseudonym")
    p.add_argument("--case", help="only this case (pack id or path); default: every case")
    p.add_argument("--format", choices=["md", "html", "json"], default="html", help="file format (default html)")
    p.add_argument("-o", "--output", help="file to write (default: KIT_HOME/exports/record-<learner>.<format>)")
    p.add_argument("--no-text", action="store_true",
                   help="leave out free text (rationales, reflections): for sharing choices only")
    p.set_defaults(func=_cmd_export)

    p = sub.add_parser("submit", help="hand in a learner's record to the workshop folder (KIT_EXCHANGE)")
    p.add_argument("--learner", required=True, help="the learner's pseudonym")
    p.add_argument("--share-text", action="store_true", help="include written reasons and reflections")
    p.add_argument("--to", help="the workshop folder (default: KIT_EXCHANGE)")
    p.set_defaults(func=_cmd_submit)

    p = sub.add_parser("collect", help="read a folder of submissions; list and skip bad ones")
    p.add_argument("folder", help="the folder of submitted .json files")
    p.add_argument("--summary", metavar="FILE", help="also write the one-file HTML workshop summary")
    p.add_argument("--packs", action="append", metavar="FOLDER",
                   help="the case packs the learners used (default: KIT_PACKS or the kit's own); repeatable")
    p.add_argument("--key", metavar="FILE", help="the workshop key file (default: KIT_WORKSHOP_KEY, if set): "
                   "mark each hand-in signed or not; wrongly signed ones are not counted")
    p.add_argument("--signed-only", action="store_true", help="count only hand-ins signed with the workshop key")
    p.set_defaults(func=_cmd_collect)

    p = sub.add_parser("room", help="run a live workshop room: open points, release reveals, see the room decide")
    p.add_argument("action", choices=["open", "status", "open-point", "release", "release-finding", "show-finding",
                                      "revote", "release-outcome", "open-debate", "close"],
                   help="open a room; its status; open the next point; release what happened at a point; release "
                        "the review's finding (show-finding is the older name); ask the room to vote again on a "
                        "point; release the outcome; open the debate; close (with --summary: the handout)")
    p.add_argument("--dir", help="the room's folder (open: default KIT_ROOMS/<code>)")
    p.add_argument("--pack", help="open: the case (pack id or path)")
    p.add_argument("--points", help="open: the points the room uses, in order (comma-separated ids)")
    p.add_argument("--plan", help="open: a workshop plan of the pack (e.g. sixty-minutes)")
    p.add_argument("--point", help="open-point, release: which point (default: the next); release-finding, revote: "
                   "which point")
    p.add_argument("--format", choices=["text", "json"], default="text", help="status: output format")
    p.add_argument("--summary", metavar="FILE", help="close: also write the room's handout (one printable page)")
    p.set_defaults(func=_cmd_room)

    p = sub.add_parser("guide", help="write the facilitator guide (model answers and notes) as one HTML or Markdown file")
    p.add_argument("exercise", nargs="?", help="only this exercise: its number (5) or name (supervision_after_closure)")
    p.add_argument("-o", "--output", help="file to write (default: facilitator-guide.html in this folder)")
    p.add_argument("--format", choices=["html", "md"], help="html or md (default: from the file name, else html)")
    p.set_defaults(func=_cmd_guide)

    p = sub.add_parser("workshop", help="run a workshop from one command (start), or make the key that signs "
                       "learners' hand-ins so collect can trust them (new)")
    wsub = p.add_subparsers(dest="workshop_command", metavar="ACTION", required=True)
    w = wsub.add_parser("new", help="make a workshop key: a short code and a secret; prints the line learners need")
    w.add_argument("--key", required=True, metavar="FILE", help="where to write the key (never over an existing file)")
    w.set_defaults(func=_cmd_workshop_new)
    w = wsub.add_parser("start", help="run a workshop from one command: the shared app with a door code, the room "
                        "for a case, and the address (with a QR code) to give learners")
    w.add_argument("--pack", required=True, help="the case: a pack id or folder")
    w.add_argument("--plan", help="a workshop plan of the pack (e.g. sixty-minutes): its points, in its order")
    w.add_argument("--points", help="or the points to take, by id, comma-separated, in order")
    w.add_argument("--host", help="the address to serve on (default 0.0.0.0: every network this computer is on)")
    w.add_argument("--port", type=int, default=8866, help="the port (default 8866)")
    w.add_argument("--workshop-code", metavar="CODE", help="the door code learners type (default: a new one)")
    w.set_defaults(func=_cmd_workshop_start)
    w = wsub.add_parser("learner-key", help="print a learner key line for each name: it signs only that learner's "
                        "hand-ins (for a hub's per-user KIT_WORKSHOP_KEY, or slips of paper)")
    w.add_argument("--key", required=True, metavar="FILE", help="the workshop key file (kit workshop new)")
    w.add_argument("names", nargs="+", metavar="NAME", help="a hub user name, or seat-01, seat-02 ...")
    w.set_defaults(func=_cmd_workshop_learner_key)

    p = sub.add_parser("app", help="serve the notebooks as a code-free web app (Voila): this computer's learner "
                       "on 127.0.0.1, or a room (--shared)")
    p.add_argument("--port", type=int, default=8866, help="port (default 8866)")
    p.add_argument("--shared", action="store_true",
                   help="serve a room: each browser is its own learner (joins with a pseudonym, gets a recovery code)")
    p.add_argument("--host", metavar="ADDRESS",
                   help="with --shared: serve other computers too, e.g. 0.0.0.0 (every network this computer is on); "
                        "a workshop code is then asked once per browser")
    p.add_argument("--workshop-code", metavar="CODE",
                   help="with --shared: the code the room types to enter (default: one made once and kept)")
    p.add_argument("--idle-minutes", type=float, metavar="N",
                   help=f"stop a page's kernel after N minutes with no browser connected "
                        f"(default {settings.APP_IDLE.env}, else {settings.APP_IDLE.default}; 0: never)")
    p.add_argument("--preheat", type=int, metavar="N",
                   help="kernels kept ready with the start page already run, for a fast first page when "
                        "learners arrive one by one (default 0; see docs/figures.md before using it for a room "
                        "that arrives at once)")
    p.set_defaults(func=_cmd_app)

    p = sub.add_parser("init", help="copy the learner notebooks and exercises into a folder of your own")
    p.add_argument("dir", help="the folder to create or add to, e.g. reflective-practice")
    p.set_defaults(func=_cmd_init)

    p = sub.add_parser("lab", help="JupyterLab on a folder made by kit init, with the start notebook open")
    p.add_argument("dir", nargs="?", default=".", help="the folder holding notebooks/ (default: here)")
    p.add_argument("jupyter_args", nargs=argparse.REMAINDER, help="further options for JupyterLab, e.g. --port=8890")
    p.set_defaults(func=_cmd_lab)

    p = sub.add_parser("start", help="JupyterLab on your own copy of the learner notebooks and exercises "
                       "(made or brought up to date with kit init), with the start notebook open")
    p.add_argument("dir", nargs="?", default="workspace", help="the learner's folder (default: workspace)")
    p.add_argument("--port", type=int, help="JupyterLab's port (default: the first free one from 8888)")
    p.add_argument("--facilitator", action="store_true",
                   help="open this whole folder instead (a checkout: the facilitator's pages and model answers too)")
    p.set_defaults(func=_cmd_start)

    p = sub.add_parser("author", help="open the authoring page: write or edit a case in forms, no YAML "
                       "(this computer only)")
    p.add_argument("pack", nargs="?", metavar="PACK_OR_DIR",
                   help="a pack (id or folder) to edit, or a folder of packs to add a new one to "
                        "(default: casepacks/ here, else KIT_PACKS or the kit's own)")
    p.add_argument("--port", type=int, default=8867, help="port (default 8867)")
    p.set_defaults(func=_cmd_author)

    p = sub.add_parser("pack", help="share a pack with a colleague as one file: kit pack export / kit pack import")
    psub = p.add_subparsers(dest="pack_command", metavar="ACTION", required=True)
    w = psub.add_parser("export", help="write a pack as one .zip file")
    w.add_argument("id", help="the pack (id or folder)")
    w.add_argument("-o", "--output", metavar="FILE.zip", help="the file to write (default: ID.zip here)")
    w.set_defaults(func=_cmd_pack_export)
    w = psub.add_parser("import", help="add a pack from a .zip file (checked with kit lint first)")
    w.add_argument("file", metavar="FILE.zip")
    w.add_argument("--packs", metavar="FOLDER", help="the folder of packs to add it to (default: casepacks/ here, "
                   "else KIT_PACKS or the kit's own)")
    w.add_argument("--as", dest="as_id", metavar="NEW_ID", help="add it under another id (when its own is taken)")
    w.set_defaults(func=_cmd_pack_import)

    p = sub.add_parser("settings", help="show every setting (KIT_HOME, KIT_EXCHANGE, ...) and where the kit finds its files")
    p.set_defaults(func=_cmd_settings)

    p = sub.add_parser("demo-cohort", help="write a clearly labelled synthetic cohort for rehearsal")
    p.add_argument("--n", type=int, default=30, help="how many learners (default 30)")
    p.add_argument("--out", required=True, help="folder to write into")
    p.add_argument("--seed", type=int, default=1, help="random seed (same seed, same cohort)")
    p.set_defaults(func=_cmd_demo_cohort)

    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 0
    try:
        return args.func(args)
    except KitError as exc:
        print(f"kit: {shown(exc, lines=True)}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("kit: stopped.", file=sys.stderr)
        return 130
    except Exception as exc:  # the last line of defence: never a traceback for a user
        if settings.debug():
            raise
        print(f"kit: unexpected problem ({type(exc).__name__}: {shown(exc)}). "
              "Run again with KIT_DEBUG=1 for details and report it to the kit's maintainers.",
              file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
