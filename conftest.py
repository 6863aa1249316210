"""Root conftest: every test and every notebook run in a throwaway KIT_HOME and throwaway
Jupyter folders.

Set at import time so the kernels nbval starts, and the Voila and JupyterLab servers the
browser tests start, inherit them too: a learner's real journal is never touched, and
nothing is written to ~/.jupyter, ~/.local/share/jupyter or ~/.ipython (no stray Lab
workspace, settings or kernel history left behind for the next real start).

It also says how `bash kit.sh test` shares the suite among its pytest-xdist workers (`-n N --dist
loadscope`): a notebook's cells run in order in one kernel, so a notebook goes to one worker whole;
so does a test module with a module-scoped fixture (a server, accounts, a built wheel: started once,
for its tests in order). Every other test is its own unit, given to whichever worker is free, so one
slow module never holds the rest. (xdist's `loadgroup` marks cannot do this with pytest 9.2, which no
longer reads the test ids xdist rewrites.)
"""

import atexit
import functools
import os
import re
import shutil
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent

os.environ["KIT_HOME"] = tempfile.mkdtemp(prefix="kit-test-home-")

_jupyter = tempfile.mkdtemp(prefix="kit-test-jupyter-")
atexit.register(shutil.rmtree, _jupyter, ignore_errors=True)
for _var, _sub in (("JUPYTER_CONFIG_DIR", "config"), ("JUPYTER_DATA_DIR", "data"),
                   ("JUPYTER_RUNTIME_DIR", "runtime"), ("JUPYTERLAB_WORKSPACES_DIR", "lab-workspaces"),
                   ("JUPYTERLAB_SETTINGS_DIR", "lab-settings"), ("IPYTHONDIR", "ipython")):
    os.environ[_var] = os.path.join(_jupyter, _sub)


@functools.cache
def shares_a_module_fixture(path: str) -> bool:
    """Whether the test module at this path (from the repository's root) has a module-scoped fixture."""
    try:
        text = (ROOT / path).read_text(encoding="utf-8")
    except OSError:
        return False
    return re.search(r'^@pytest\.fixture\(scope="module"', text, re.MULTILINE) is not None


def work_unit(nodeid: str) -> str:
    """What goes to one worker with this test: its notebook, its module, or the test alone."""
    if ".ipynb" in nodeid or "::ipynb::" in nodeid:  # nbval's cells: 'notebooks/x.ipynb::Cell 3'
        return nodeid.rsplit("::", 1)[0]
    path = nodeid.split("::", 1)[0]
    return path if shares_a_module_fixture(path) else nodeid


@pytest.hookimpl(optionalhook=True)  # a run without pytest-xdist never calls it
def pytest_xdist_make_scheduler(config, log):
    """With `--dist loadscope`: xdist's scope scheduling, with the work units above."""
    if config.getvalue("dist") != "loadscope":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class KitScheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return work_unit(nodeid)

    return KitScheduling(config, log)
