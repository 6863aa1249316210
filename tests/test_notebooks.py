"""The notebooks: generated ones are current, navigation links resolve, parameters work for any pack."""

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
LINK = re.compile(r"\]\(([^)#\s]+\.ipynb)(#[^)]*)?\)")


def _builder():
    spec = importlib.util.spec_from_file_location("build_notebooks", ROOT / "scripts" / "build_notebooks.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _sources(nb) -> list[tuple[str, str]]:
    return [(c.cell_type, c.source) for c in nb.cells]


def test_generated_notebooks_are_current():
    """Stored notebooks match what scripts/build_notebooks.py writes (run it after changing packs)."""
    b = _builder()
    expected = {b.START: b.start_notebook(), b.ACCOUNTABILITY: b.accountability_notebook(),
                b.DASHBOARD: b.dashboard_notebook(),
                **{name: b.case_notebook(name, pid) for name, pid in b.CASES}}
    for name, nb in expected.items():
        stored = nbformat.read(NOTEBOOKS / name, as_version=4)
        assert _sources(stored) == _sources(nb), f"{name} is stale: run python scripts/build_notebooks.py"


def test_every_notebook_link_resolves():
    """Every link to a notebook (navigation, contents, case table) names a file that exists."""
    files = sorted(NOTEBOOKS.glob("*.ipynb")) + sorted((ROOT / "exercises").glob("*.ipynb"))
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
        cells = nbformat.read(NOTEBOOKS / name, as_version=4).cells
        assert "nav-top" in cells[0].metadata.get("tags", []) and "nav-bottom" in cells[-1].metadata.get("tags", [])
        if i + 1 < len(order):
            assert f"]({order[i + 1]})" in cells[0].source


def test_case_notebooks_have_one_parameters_cell():
    """Each case notebook picks its pack in one cell tagged 'parameters' as PACK = "<id>"."""
    for name, pack_id in _builder().CASES:
        nb = nbformat.read(NOTEBOOKS / name, as_version=4)
        params = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
        assert len(params) == 1 and params[0].source == f'PACK = "{pack_id}"'


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
    """Given PACK as a folder path to a pack outside the repository, a case notebook runs it."""
    pack = tmp_path / "packs" / "example-baby-k"
    shutil.copytree(EXAMPLE, pack)
    monkeypatch.setenv("KIT_HOME", str(tmp_path / "home"))
    nb = nbformat.read(NOTEBOOKS / notebook, as_version=4)
    for cell in nb.cells:
        if "parameters" in cell.metadata.get("tags", []):
            cell.source = f"PACK = {str(pack)!r}"
        if cell.cell_type == "code":
            cell.outputs = []
    NotebookClient(nb, timeout=180, kernel_name="python3",
                   resources={"metadata": {"path": str(NOTEBOOKS)}}).execute()
    text = json.dumps([c.get("outputs", []) for c in nb.cells])
    assert "Baby K: a case closed before anyone visited" in text
    assert "Decision points: 3" in text
    assert "Traceback" not in text and '"output_type": "error"' not in text
