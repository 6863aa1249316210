"""The one rule every stored notebook of the kit keeps (what a learner first sees).

A learner opens a notebook before running it, so what is stored is what they first see:

1. No outputs and no execution counts: an unrun notebook never shows stale widget reprs
   (``VBox(children=...``) or old results.
2. Code cells are collapsed (``metadata.jupyter.source_hidden``, which JupyterLab honours):
   learners press buttons, they do not read code. A cell tagged ``show-source`` stays open.
3. The first cell is one line saying how to start (``START_LINE``), tagged ``lab-only``: the
   code-free app (``kit app``) serves copies without lab-only cells, since Voila runs every
   cell itself and has no Run menu.
4. No editor leftovers: execution timings, widget state, the Python version that last ran it;
   the kernelspec is the one JupyterLab writes, so opening a notebook does not change it.

scripts/tidy_notebooks.py applies it to notebooks/ and exercises/ (scripts/build_notebooks.py
calls it), tests/test_notebooks.py fails when a stored notebook breaks it, and `kit lab` /
`bash kit.sh start` apply it whenever JupyterLab saves one of the kit's notebooks
(``pre_save_hook``), so a learner's session never leaves outputs in the stored files.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from nbformat import NotebookNode

LAB_ONLY = "lab-only"  # cells for JupyterLab only; kit app never serves them
SHOW_SOURCE = "show-source"  # a code cell learners should read stays open
START_TAG = "start-line"
START_ID = "kit-start-line"
START_LINE = ("**To start:** choose **Run > Run All Cells** in the menu (or the ▶▶ *restart and run all* "
              "button in the toolbar). The page then ends up at its last part: scroll back up to this line "
              "and work down through the buttons and boxes from here. You do not need to read or change any code.")
KERNELSPEC = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
CELL_LEFTOVERS = ("execution", "scrolled", "collapsed", "ExecuteTime", "trusted")
NOTEBOOK_LEFTOVERS = ("widgets", "toc", "varInspector")


def start_cell() -> NotebookNode:
    from nbformat.v4 import new_markdown_cell

    cell: NotebookNode = new_markdown_cell(START_LINE)
    cell.id = START_ID
    cell.metadata["tags"] = [LAB_ONLY, START_TAG]
    return cell


def is_start(cell: dict[str, Any]) -> bool:
    return cell.get("id") == START_ID or START_TAG in cell.get("metadata", {}).get("tags", [])


def problems(nb: NotebookNode) -> list[str]:
    """What in this notebook breaks the rule (empty when it is tidy)."""
    found = []
    cells = nb.cells
    first = cells[0] if cells else None
    if not first or not is_start(first) or first.source != START_LINE \
            or LAB_ONLY not in first.metadata.get("tags", []):
        found.append("the first cell is not the one-line start instruction (tagged lab-only)")
    if sum(is_start(c) for c in cells) > 1:
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
    if set(nb.metadata.get("language_info", {})) - {"name"}:
        leftovers.append("language_info")
    if dict(nb.metadata.get("kernelspec", {})) != KERNELSPEC:
        leftovers.append("kernelspec")
    if leftovers:
        found.append(f"notebook metadata has leftovers or differs: {leftovers}")
    return found


def tidy(nb: NotebookNode) -> NotebookNode:
    """Apply the rule in place and return the notebook."""
    nb.cells = [start_cell()] + [c for c in nb.cells if not is_start(c)]
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
    nb.metadata["kernelspec"] = dict(KERNELSPEC)
    nb.metadata["language_info"] = {"name": nb.metadata.get("language_info", {}).get("name", "python")}
    return nb


def pre_save_hook(model: dict[str, Any], **_kwargs: Any) -> None:
    """Jupyter Server pre-save hook: a kit notebook (one with the start line) is saved tidy.

    The learner's work lives in the journal, not in the notebook, so nothing is lost; the
    stored notebook stays what a learner should first see. Other notebooks are left alone.
    """
    if model.get("type") != "notebook" or not isinstance(model.get("content"), dict):
        return
    cells = model["content"].get("cells", [])
    if not any(is_start(c) for c in cells[:3]):
        return
    import nbformat

    model["content"] = tidy(nbformat.from_dict(model["content"]))
