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

from . import __version__, settings
from .errors import KitError


def _cmd_validate(args) -> int:
    from .lint import lint_report, tag_balance
    from .packs import validate_tree

    paths = args.paths or [_default_packs_arg()]
    reports = validate_tree(paths)
    if args.lint:
        for r in reports:
            if r.pack:
                r.problems += lint_report(r)
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
    rows = []
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
    f.write_text(f.read_text(encoding="utf-8").replace("id: TODO-pack-id", f"id: {args.id}"),
                 encoding="utf-8")
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
    out.write_text(text, encoding="utf-8")
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


def _cmd_workshop_new(args) -> int:
    from .workshop import new_key, write_key

    key = new_key()
    path = write_key(key, args.key)
    print(f"Workshop {key.code}: key written to {shown(path)} (only you can read it).\n"
          f"Learners' kits need this key line (KIT_WORKSHOP_KEY), or the path of a copy they can read but "
          f"not change:\n\n  {key.line}\n\n"
          f"Show learners the code {key.code}: their hand-in confirms the code it was signed for.\n"
          f"Collect with: kit collect FOLDER --key {shown(path)}")
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

    if args.action == "open":
        if not args.pack:
            raise KitError("Name the case: kit room open --pack PACK-ID [--points a,b,c | --plan ID] [--dir DIR].")
        points = [p.strip() for p in args.points.split(",") if p.strip()] if args.points else None
        room = Room.open(args.dir, args.pack, points, args.plan)
        st = room.state()
        print(f"Room {st.code} is open for '{st.title}' ({len(st.points)} points) at {room.folder}.")
        print(f"Learners join with the code {st.code}. Open the first point with: kit room open-point --dir {room.folder}")
        return 0
    if not args.dir:
        raise KitError(f"Name the room's folder: kit room {args.action} --dir DIR.")
    room = find_room(args.dir)
    if args.action == "status":
        status = room.status()
        if args.format == "json":
            print(json.dumps(status, indent=2, ensure_ascii=False))
            return 0
        print(f"Room {status['code']}: {status['title']}{' (closed)' if status['closed'] else ''}; "
              f"{status['learners']} learner(s) have decided at least once.")
        for p in status["points"]:
            state = "released" if p["released"] else "open" if p["opened"] else "not open"
            counts = ", ".join(f"{k} {v}" for k, v in p["options"].items())
            print(f"- {p['title']}: {state}; {p['decided']} decided ({counts})")
        return 0
    if args.action == "open-point":
        point = room.open_point(args.point)
        print(f"Opened '{room.pack().point_label(point)}'.")
    elif args.action == "release":
        point = room.release(args.point)
        print(f"Released the reveal of '{room.pack().point_label(point)}'.")
    elif args.action == "show-finding":
        if not args.point:
            raise RoomError("Name the point: kit room show-finding --dir DIR --point ID.")
        room.show_finding(args.point)
        print(f"The review's finding for '{room.pack().point_label(args.point)}' is on the projector.")
    elif args.action == "close":
        room.close()
        print(f"Room {room.state().code} is closed.")
        if args.summary:
            from .dashboard import write_summary
            from .room import room_cohort

            print(f"Wrote {write_summary(room_cohort(room), args.summary)}")
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
    notes = sorted((folder / "exercises").glob("*.md"))
    if not folder.is_dir() or not notes:
        raise KitError(f"No facilitator notes at {folder}. They come with the kit's source: "
                       "clone the repository or ask the kit's maintainers.")
    if exercise:
        key = exercise.strip().lower().removesuffix(".md").removesuffix(".ipynb")
        number = key.zfill(2) if key.isdigit() else None
        notes = [n for n in notes if (number and n.stem.startswith(number + "_")) or n.stem == key
                 or n.stem.split("_", 1)[-1] == key or (len(key) > 2 and key in n.stem)]
        if len(notes) != 1:
            known = ", ".join(n.stem for n in sorted((folder / "exercises").glob("*.md")))
            raise KitError(f"'{exercise}' {'names more than one' if notes else 'is not one of the'} "
                           f"exercises; give its number or name: {known}.")
    readme = folder / "README.md"
    for n in ([] if exercise or not readme.is_file() else [readme]) + notes:
        text = n.read_text(encoding="utf-8")
        heading = re.search(r"^# (.+)$", text, re.MULTILINE)
        parts.append((heading.group(1).strip() if heading else n.stem, text))
    return parts


def _cmd_guide(args) -> int:
    from .files import write_atomic

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
    p.add_argument("action", choices=["open", "status", "open-point", "release", "show-finding", "close"],
                   help="open a room; its status; open the next point; release a reveal; show the finding; close")
    p.add_argument("--dir", help="the room's folder (open: default KIT_ROOMS/<code>)")
    p.add_argument("--pack", help="open: the case (pack id or path)")
    p.add_argument("--points", help="open: the points the room uses, in order (comma-separated ids)")
    p.add_argument("--plan", help="open: a workshop plan of the pack (e.g. sixty-minutes)")
    p.add_argument("--point", help="open-point, release, show-finding: which point (default: the next)")
    p.add_argument("--format", choices=["text", "json"], default="text", help="status: output format")
    p.add_argument("--summary", metavar="FILE", help="close: also write the one-file summary of the room")
    p.set_defaults(func=_cmd_room)

    p = sub.add_parser("guide", help="write the facilitator guide (model answers and notes) as one HTML or Markdown file")
    p.add_argument("exercise", nargs="?", help="only this exercise: its number (5) or name (supervision_after_closure)")
    p.add_argument("-o", "--output", help="file to write (default: facilitator-guide.html in this folder)")
    p.add_argument("--format", choices=["html", "md"], help="html or md (default: from the file name, else html)")
    p.set_defaults(func=_cmd_guide)

    p = sub.add_parser("workshop", help="workshop keys: sign learners' hand-ins so collect can trust them")
    wsub = p.add_subparsers(dest="workshop_command", metavar="ACTION", required=True)
    w = wsub.add_parser("new", help="make a workshop key: a short code and a secret; prints the line learners need")
    w.add_argument("--key", required=True, metavar="FILE", help="where to write the key (never over an existing file)")
    w.set_defaults(func=_cmd_workshop_new)

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
