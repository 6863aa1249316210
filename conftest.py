"""Root conftest: every test and every notebook run in a throwaway KIT_HOME.

Set at import time so the kernels nbval starts inherit it too; a learner's real
journal is never touched by the test suite.
"""

import os
import tempfile

os.environ["KIT_HOME"] = tempfile.mkdtemp(prefix="kit-test-home-")
