"""The notebooks: generated ones are current, stored ones tidy (unrun, code collapsed, a start
line first), the app serves them without Lab-only cells, navigation links resolve, and
parameters work for any pack."""

from __future__ import annotations

import importlib.util
import json
import re
import shutil

import nbformat
import pytest
from nbclient import NotebookClient

from tests.conftest import EXAMPLE, ROOT

NOTEBOOKS = ROOT / "notebooks"
FACILITATOR = ROOT / "facilitator"
LINK = re.compile(r"\]\(([^)#\s]+\.ipynb)(#[^)]*)?\)")


ALL = (sorted(NOTEBOOKS.glob("*.ipynb")) + sorted((ROOT / "exercises").glob("*.ipynb"))
       + sorted(FACILITATOR.glob("*.ipynb")))
RUN_WORDS = re.compile(r"Run All|Run >|Run menu|⏩|run the notebook|Shift\+Enter", re.IGNORECASE)


def _script(name: str):
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _builder():
    return _script("build_notebooks")


def _tidy():
    import kit.tidy

    return kit.tidy


def _sources(nb) -> list[tuple[str, str]]:
    return [(c.cell_type, c.source) for c in nb.cells]


def test_generated_notebooks_are_current():
    """Stored notebooks match what scripts/build_notebooks.py writes (run it after changing packs)."""
    b = _builder()
    expected = {b.START: b.start_notebook(), b.ACCOUNTABILITY: b.accountability_notebook(),
                b.DASHBOARD: b.dashboard_notebook(), b.WORKSHOP_ROOM: b.workshop_room_notebook(),
                b.ROOM_CONSOLE: b.room_console_notebook(),
                **{name: b.case_notebook(name, pid) for name, pid in b.CASES}}
    for name, nb in expected.items():
        folder = FACILITATOR if name in (b.DASHBOARD, b.ROOM_CONSOLE) else NOTEBOOKS
        stored = nbformat.read(folder / name, as_version=4)
        assert _sources(stored) == _sources(nb), f"{name} is stale: run python scripts/build_notebooks.py"


def test_learner_notebooks_never_link_to_the_facilitators_pages():
    """The dashboard and the room console live in facilitator/ and link only to each other; no learner
    notebook or exercise names them (the app serves learners no link to a facilitator's page)."""
    assert not list(NOTEBOOKS.glob("9*_*.ipynb"))
    for f in [*NOTEBOOKS.glob("*.ipynb"), *(ROOT / "exercises").glob("*.ipynb")]:
        text = f.read_text(encoding="utf-8")
        assert "90_facilitator_dashboard" not in text and "91_room_console" not in text, f.name
    for f in FACILITATOR.glob("*.ipynb"):
        for cell in nbformat.read(f, as_version=4).cells:
            for target, _anchor in LINK.findall(cell.source) if cell.cell_type == "markdown" else []:
                assert target in ("90_facilitator_dashboard.ipynb", "91_room_console.ipynb"), (f.name, target)


def test_every_notebook_link_resolves():
    """Every link to a notebook (navigation, contents, case table) names a file that exists."""
    files = ALL
    checked = 0
    for f in files:
        for cell in nbformat.read(f, as_version=4).cells:
            if cell.cell_type == "markdown":
                for target, _anchor in LINK.findall(cell.source):
                    assert (f.parent / target).exists(), f"{f.name} links to missing {target}"
                    checked += 1
    assert checked >= 20


def test_navigation_at_top_and_bottom_in_course_order():
    """Each notebook starts and ends with prev | contents | next links in course order."""
    order = _builder().order()
    for i, name in enumerate(order):
        cells = nbformat.read(NOTEBOOKS / name, as_version=4).cells[1:]  # after the start line
        assert "nav-top" in cells[0].metadata.get("tags", []) and "nav-bottom" in cells[-1].metadata.get("tags", [])
        if i + 1 < len(order):
            assert f"]({order[i + 1]})" in cells[0].source


def test_case_notebooks_have_one_parameters_cell():
    """Each case notebook picks its pack in one cell tagged 'parameters' as PACK = "<id>", under a
    line of words (all JupyterLab shows of a collapsed cell is its first line: never the id)."""
    for name, pack_id in _builder().CASES:
        nb = nbformat.read(NOTEBOOKS / name, as_version=4)
        params = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
        assert len(params) == 1 and params[0].source.splitlines()[-1] == f'PACK = "{pack_id}"'
        assert params[0].source.startswith("# ") and pack_id not in params[0].source.splitlines()[0]


def test_start_notebook_lists_every_case():
    """The start page's case table links each case notebook."""
    text = json.dumps(nbformat.read(NOTEBOOKS / "00_start_here.ipynb", as_version=4))
    for name, _ in _builder().CASES:
        assert f"({name})" in text


def test_notebook_cells_are_thin():
    """Code cells stay a few lines calling kit (logic lives in the package)."""
    for f in [*NOTEBOOKS.glob("*.ipynb"), *(ROOT / "exercises").glob("*.ipynb")]:
        for cell in nbformat.read(f, as_version=4).cells:
            if cell.cell_type == "code":
                assert len(cell.source.splitlines()) <= 6, f"{f.name}: {cell.source[:60]}"


@pytest.mark.parametrize("notebook", ["02_robyn.ipynb"])
def test_case_notebook_runs_a_pack_it_never_saw(tmp_path, notebook, monkeypatch):
    """Given PACK as a folder path to a pack outside the repository, a case notebook runs it: the
    case view names that pack, and nothing fails."""
    pack = tmp_path / "packs" / "example-baby-k"
    shutil.copytree(EXAMPLE, pack)
    monkeypatch.setenv("KIT_HOME", str(tmp_path / "home"))
    (tmp_path / "home").mkdir()
    (tmp_path / "home" / "learner.txt").write_text("Tester\n")
    nb = nbformat.read(NOTEBOOKS / notebook, as_version=4)
    for cell in nb.cells:
        if "parameters" in cell.metadata.get("tags", []):
            cell.source = f"PACK = {str(pack)!r}"
        if cell.cell_type == "code":
            cell.outputs = []
    NotebookClient(nb, timeout=180, kernel_name="python3", store_widget_state=True,
                   resources={"metadata": {"path": str(NOTEBOOKS)}}).execute()
    text = json.dumps([c.get("outputs", []) for c in nb.cells])
    shown = json.dumps(nb.metadata.get("widgets", {}))
    assert "Baby K: a case closed before anyone visited" in shown and "Working as Tester" in shown
    assert "Traceback" not in text and '"output_type": "error"' not in text


@pytest.mark.parametrize("path", ALL, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_stored_notebook_is_tidy(path):
    """Unrun, code collapsed, the one-line start instruction first: run scripts/tidy_notebooks.py to fix."""
    problems = _tidy().problems(nbformat.read(path, as_version=4))
    assert not problems, f"{path.name}: {'; '.join(problems)}. Run: python scripts/tidy_notebooks.py"


def test_tidy_fixes_an_executed_notebook_and_keeps_shown_cells():
    """Outputs, counts and timings go; code collapses unless tagged show-source; tidying twice changes nothing."""
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

    t = _tidy()
    shown = new_code_cell("x = 1", metadata={"tags": ["show-source"]})
    run = new_code_cell("kit.case_view(PACK)", execution_count=3,
                        outputs=[new_output("display_data", {"text/plain": "VBox(children=(HTML(value='<h3>')))"})],
                        metadata={"execution": {"iopub.status.busy": "2026-01-01"}})
    nb = new_notebook(cells=[new_markdown_cell("# Title"), run, shown],
                      metadata={"language_info": {"name": "python", "version": "3.11.7"}, "widgets": {}})
    assert t.problems(nb)
    once = t.tidy(nbformat.from_dict(json.loads(json.dumps(nb))))
    assert t.problems(once) == []
    assert once.cells[0].source == t.START_LINE and "lab-only" in once.cells[0].metadata.tags
    code_cells = [c for c in once.cells if c.cell_type == "code"]
    assert [c.metadata.get("jupyter", {}).get("source_hidden", False) for c in code_cells] == [True, False]
    assert all(c.outputs == [] and c.execution_count is None for c in code_cells)
    twice = t.tidy(nbformat.from_dict(json.loads(json.dumps(once))))
    assert twice == once


def test_unrun_notebook_shows_instructions_not_python():
    """What a learner sees before running: the start line first, no reprs, no code, no PACK = ..."""
    for path in ALL:
        nb = nbformat.read(path, as_version=4)
        assert "Run > Run All Cells" in nb.cells[0].source, path.name
        for cell in nb.cells:
            if cell.cell_type == "code":
                assert cell.metadata["jupyter"]["source_hidden"] and not cell.outputs, path.name
        text = json.dumps([c.get("outputs", []) for c in nb.cells])
        assert "VBox(" not in text and "HTML(value=" not in text


def test_app_serves_notebooks_without_lab_only_cells(tmp_path):
    """kit app serves copies without the Run-menu line; nothing it serves mentions a Run menu."""
    from kit.app import LAB_ONLY, START, prepare

    served = prepare(tmp_path / "app")
    for sub in ("notebooks", "exercises"):  # side by side, so the start page's exercise links work
        names = sorted(p.name for p in (served / sub).glob("*.ipynb"))
        assert names == sorted(p.name for p in (ROOT / sub).glob("*.ipynb")), sub
        for name in names:
            cells = nbformat.read(served / sub / name, as_version=4).cells
            assert not [c for c in cells if LAB_ONLY in c.metadata.get("tags", [])], name
            assert "nav-top" in cells[0].metadata.get("tags", []), name
            for cell in cells:
                assert not RUN_WORDS.search(cell.source), f"{name} tells app users to run: {cell.source[:80]}"
                assert "](README.md)" not in cell.source, f"{name} links a README the app cannot show"
    assert START in {p.name for p in (served / "notebooks").iterdir()}
    (served / "notebooks" / "stale.ipynb").write_text("{}")
    assert not (prepare(served) / "notebooks" / "stale.ipynb").exists()  # rewritten on each start


@pytest.mark.parametrize("pack_id", ["robyn-front-door", "nadiya-plans-ended-early"])
def test_case_outline_says_what_the_case_is(pack_id):
    """The outline each case notebook prints first (was an nbval output check)."""
    import kit
    from kit.packs import load_pack

    pack = load_pack(pack_id)
    text = kit.case_outline(pack_id)
    assert text.startswith(pack.title + "\n")
    assert f"Decision points: {len(pack.decision_points)} (about " in text
    assert f"Debates: {len(pack.debates)}" in text and "Content note: " in text
