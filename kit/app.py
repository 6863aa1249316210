"""The code-free learner view: the notebooks served by Voila (code hidden, widgets live).

Voila runs every cell itself and has no Run menu, so it serves copies of the notebooks
without the cells tagged ``lab-only`` (the one-line "Run > Run All Cells" instruction that
JupyterLab users need). `kit app` then replaces itself with Voila, so stopping it (Ctrl+C,
SIGTERM from a service manager) stops the server.
"""

from __future__ import annotations

import errno
import os
import shutil
import socket
import sys
import tempfile
from pathlib import Path

from . import settings
from .errors import KitError
from .tidy import LAB_ONLY

START = "00_start_here.ipynb"


def voila_command(port: int, notebooks: Path | None = None) -> list[str]:
    """The Voila command line: loopback only, fixed port, no tracebacks shown to learners."""
    notebooks = notebooks or settings.notebooks_dir()
    return [sys.executable, "-m", "voila", str(notebooks), "--no-browser", "--Voila.ip=127.0.0.1",
            f"--port={port}", "--Voila.port_retries=0", "--show_tracebacks=False",
            "--VoilaConfiguration.strip_sources=True", "--theme=light"]


def start_url(port: int) -> str:
    return f"http://127.0.0.1:{port}/voila/render/{START}"


def app_notebook(path: Path):
    """A notebook as the app serves it: without lab-only cells."""
    import nbformat

    nb = nbformat.read(path, as_version=4)
    nb.cells = [c for c in nb.cells if LAB_ONLY not in c.metadata.get("tags", [])]
    return nb


def prepare(dest: Path | None = None, source: Path | None = None) -> Path:
    """Write the app's copies of the learner notebooks into dest (replacing older copies)."""
    import nbformat

    source = source or settings.notebooks_dir()
    dest = dest or settings.app_dir()
    try:
        dest.mkdir(parents=True, exist_ok=True)
        probe = dest / ".kit-app"
        probe.write_text("copies of the kit's notebooks for the code-free app; rewritten by kit app\n")
    except OSError:
        dest = Path(tempfile.mkdtemp(prefix="kit-app-"))
    for old in dest.glob("*.ipynb"):
        old.unlink()
    for f in sorted(source.iterdir()):
        if f.suffix == ".ipynb":
            nbformat.write(app_notebook(f), dest / f.name)
        elif f.is_file() and not f.name.startswith("."):
            shutil.copy2(f, dest / f.name)
    return dest


def port_problem(port: int) -> str | None:
    """One sentence if 127.0.0.1:port cannot be served on, else None."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                return (f"Port {port} is already in use (is the kit already running? Stop it, "
                        f"or choose another port: kit app --port {port + 1}).")
            return f"Cannot serve on 127.0.0.1:{port} ({exc.strerror}); choose another port with --port."
    return None


def serve(port: int = 8866, open_browser: bool = False) -> int:
    """Replace this process with Voila serving the app's notebooks; prints the start page's address."""
    if not _has_voila():
        raise KitError("Voila is not installed. Run bash kit.sh app (it installs what is missing), "
                       "or pip install voila.")
    problem = port_problem(port)
    if problem:
        raise KitError(problem)
    command = voila_command(port, prepare())
    print(f"The kit is at {start_url(port)}  (Ctrl+C to stop)", flush=True)
    sys.stderr.flush()
    os.execv(command[0], command)  # Voila takes over this process: its signals are ours
    return 0  # not reached


def _has_voila() -> bool:
    try:
        import voila  # noqa: F401
    except ImportError:
        return False
    return True
