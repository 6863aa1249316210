"""The one rule every stored notebook keeps, and the script that applies it.

    python scripts/tidy_notebooks.py            # tidy notebooks/ and exercises/ in place
    python scripts/tidy_notebooks.py --check    # list what breaks the rule; exit 1 if anything does
    python scripts/tidy_notebooks.py PATH ...   # only these notebooks (or folders of them)

A learner opens a notebook before running it, so what is stored is what they first see:

1. No outputs and no execution counts: an unrun notebook never shows stale widget reprs
   (``VBox(children=...``) or old results.
2. Code cells are collapsed (``metadata.jupyter.source_hidden``, which JupyterLab honours):
   learners press buttons, they do not read code. A cell tagged ``show-source`` stays open.
3. The first cell is one line saying how to start (the ``START_LINE`` below), tagged
   ``lab-only``: the code-free app (``kit app``) serves copies without lab-only cells, since
   Voila runs everything itself and has no Run menu.
4. No editor leftovers: execution timings, widget state, the Python version that last ran it.

scripts/build_notebooks.py calls this for the notebooks it writes; tests/test_notebooks.py
fails when a stored notebook breaks the rule (run this script, then commit).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kit.app import LAB_ONLY  # noqa: E402  (the tag the app removes)

FOLDERS = [ROOT / "notebooks", ROOT / "exercises"]
SHOW_SOURCE = "show-source"
START_ID = "kit-start-line"
START_LINE = ("**To start:** choose **Run > Run All Cells** from the menu (or press the ⏩ button "
              "above), then use the buttons and boxes below; you do not need to read or change any code.")
CELL_LEFTOVERS = ("execution", "scrolled", "collapsed", "ExecuteTime")
NOTEBOOK_LEFTOVERS = ("widgets", "toc", "varInspector")


def start_cell():
    cell = nbformat.v4.new_markdown_cell(START_LINE)
    cell.id = START_ID
    cell.metadata["tags"] = [LAB_ONLY, "start-line"]
    return cell


def _is_start(cell) -> bool:
    return cell.get("id") == START_ID or "start-line" in cell.metadata.get("tags", [])


def problems(nb) -> list[str]:
    """What in this notebook breaks the rule (empty when it is tidy)."""
    found = []
    cells = nb.cells
    if not cells or not _is_start(cells[0]) or cells[0].source != START_LINE \
            or LAB_ONLY not in cells[0].metadata.get("tags", []):
        found.append("the first cell is not the one-line start instruction (tagged lab-only)")
    if sum(_is_start(c) for c in cells) > 1:
        found.append("the start instruction appears more than once")
    for i, cell in enumerate(cells):
        where = f"cell {i}"
        if cell.cell_type == "code":
            if cell.get("outputs"):
                found.append(f"{where} has stored outputs")
            if cell.get("execution_count") is not None:
                found.append(f"{where} has an execution count")
            hidden = cell.metadata.get("jupyter", {}).get("source_hidden", False)
            if hidden != (SHOW_SOURCE not in cell.metadata.get("tags", [])):
                found.append(f"{where} code is {'collapsed' if hidden else 'shown'}"
                             f" (collapse it, or tag it {SHOW_SOURCE!r} to show it)")
        leftovers = [k for k in CELL_LEFTOVERS if k in cell.metadata]
        if leftovers:
            found.append(f"{where} has editor metadata {leftovers}")
    leftovers = [k for k in NOTEBOOK_LEFTOVERS if k in nb.metadata]
    if leftovers or set(nb.metadata.get("language_info", {})) - {"name"}:
        found.append(f"notebook metadata has leftovers {leftovers or ['language_info']}")
    return found


def tidy(nb):
    """Apply the rule in place and return the notebook."""
    nb.cells = [start_cell()] + [c for c in nb.cells if not _is_start(c)]
    for cell in nb.cells:
        for key in CELL_LEFTOVERS:
            cell.metadata.pop(key, None)
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
            jupyter = cell.metadata.setdefault("jupyter", {})
            jupyter.pop("outputs_hidden", None)
            if SHOW_SOURCE in cell.metadata.get("tags", []):
                jupyter.pop("source_hidden", None)
            else:
                jupyter["source_hidden"] = True
            if not jupyter:
                del cell.metadata["jupyter"]
    for key in NOTEBOOK_LEFTOVERS:
        nb.metadata.pop(key, None)
    if "language_info" in nb.metadata:
        nb.metadata["language_info"] = {"name": nb.metadata["language_info"].get("name", "python")}
    return nb


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
