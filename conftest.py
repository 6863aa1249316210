"""Root conftest: every test and every notebook run in a throwaway KIT_HOME and throwaway
Jupyter folders.

Set at import time so the kernels nbval starts, and the Voila and JupyterLab servers the
browser tests start, inherit them too: a learner's real journal is never touched, and
nothing is written to ~/.jupyter, ~/.local/share/jupyter or ~/.ipython (no stray Lab
workspace, settings or kernel history left behind for the next real start).
"""

import atexit
import os
import shutil
import tempfile

os.environ["KIT_HOME"] = tempfile.mkdtemp(prefix="kit-test-home-")

_jupyter = tempfile.mkdtemp(prefix="kit-test-jupyter-")
atexit.register(shutil.rmtree, _jupyter, ignore_errors=True)
for _var, _sub in (("JUPYTER_CONFIG_DIR", "config"), ("JUPYTER_DATA_DIR", "data"),
                   ("JUPYTER_RUNTIME_DIR", "runtime"), ("JUPYTERLAB_WORKSPACES_DIR", "lab-workspaces"),
                   ("JUPYTERLAB_SETTINGS_DIR", "lab-settings"), ("IPYTHONDIR", "ipython")):
    os.environ[_var] = os.path.join(_jupyter, _sub)
