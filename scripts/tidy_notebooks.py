"""Apply the kit's notebook rule (kit/tidy.py) to the stored notebooks, or check it.

    python scripts/tidy_notebooks.py            # tidy notebooks/, exercises/ and facilitator/ in place
    python scripts/tidy_notebooks.py --check    # list what breaks the rule; exit 1 if anything does
    python scripts/tidy_notebooks.py PATH ...   # only these notebooks (or folders of them)

The rule (no outputs, code collapsed, the one-line start instruction first, tagged lab-only)
is written once, in kit/tidy.py. scripts/build_notebooks.py calls this after writing the
generated notebooks; tests/test_notebooks.py fails when a stored notebook breaks the rule.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kit.tidy import problems, tidy  # noqa: E402

FOLDERS = [ROOT / "notebooks", ROOT / "exercises", ROOT / "facilitator"]


def notebooks(paths: list[Path]) -> list[Path]:
    found = []
    for p in paths:
        found += sorted(p.glob("*.ipynb")) if p.is_dir() else [p]
    return found


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("paths", nargs="*", type=Path, help="notebooks or folders (default: notebooks/, exercises/)")
    ap.add_argument("--check", action="store_true", help="only report; exit 1 if a notebook breaks the rule")
    args = ap.parse_args(argv)
    bad = 0
    for path in notebooks(args.paths or FOLDERS):
        nb = nbformat.read(path, as_version=4)
        found = problems(nb)
        if not found:
            continue
        bad += 1
        if args.check:
            print(f"{path}: " + "; ".join(found))
        else:
            nbformat.write(tidy(nb), path)
            print(f"tidied {path}")
    if args.check and bad:
        print(f"{bad} notebook(s) break the rule: run python scripts/tidy_notebooks.py", file=sys.stderr)
    return 1 if args.check and bad else 0


if __name__ == "__main__":
    sys.exit(main())
