"""The `kit` command: validate, lint and list packs, start new ones, and more.

Errors go to stderr as plain sentences; a traceback is shown only with KIT_DEBUG=1.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path

from . import __version__, settings
from .errors import KitError


def _cmd_validate(args) -> int:
    from .lint import lint_report
    from .packs import validate_tree

    paths = args.paths or [_default_packs_arg()]
    reports = validate_tree(paths)
    if args.lint:
        for r in reports:
            if r.pack:
                r.problems += lint_report(r)
    problems = [p for r in reports for p in r.problems]
    errors = [p for p in problems if p.severity == "error"]
    if args.format == "json":
        print(json.dumps({
            "ok": not errors,
            "packs": [{"path": r.path, "id": r.pack.id if r.pack else None, "ok": r.ok,
                       "problems": [p.as_dict() for p in r.problems]} for r in reports],
        }, indent=2))
        return 1 if errors else 0
    for p in problems:
        print(p, file=sys.stderr if p.severity == "error" else sys.stdout)
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


def _cmd_app(args) -> int:
    from .app import serve

    return serve(port=args.port, open_browser=False)


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

    p = sub.add_parser("workshop", help="workshop keys: sign learners' hand-ins so collect can trust them")
    wsub = p.add_subparsers(dest="workshop_command", metavar="ACTION", required=True)
    w = wsub.add_parser("new", help="make a workshop key: a short code and a secret; prints the line learners need")
    w.add_argument("--key", required=True, metavar="FILE", help="where to write the key (never over an existing file)")
    w.set_defaults(func=_cmd_workshop_new)

    p = sub.add_parser("app", help="serve the notebooks as a code-free web app (Voila) on 127.0.0.1")
    p.add_argument("--port", type=int, default=8866, help="port (default 8866)")
    p.set_defaults(func=_cmd_app)

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
