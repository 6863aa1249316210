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


def voila_command(port: int, root: Path | None = None) -> list[str]:
    """The Voila command line: loopback only, fixed port, no tracebacks shown to learners.
    root holds notebooks/ and exercises/ side by side (as `prepare` writes them)."""
    root = root or settings.resources()
    return [sys.executable, "-m", "voila", str(root), "--no-browser", "--Voila.ip=127.0.0.1",
            f"--port={port}", "--Voila.port_retries=0", "--show_tracebacks=False",
            "--VoilaConfiguration.strip_sources=True", "--theme=light", *page_template()]


def page_template() -> list[str]:
    """Voila's --template for the kit's page (one <main> landmark), installed with the kit into
    share/jupyter/voila/templates/kit; Voila's own page if that is missing (a bare checkout)."""
    from jupyter_core.paths import jupyter_path

    found = any(Path(p, "index.html.j2").is_file() for p in jupyter_path("voila", "templates", "kit"))
    return ["--template=kit"] if found else []


def start_url(port: int) -> str:
    return f"http://127.0.0.1:{port}/voila/render/notebooks/{START}"


SERVED = ("notebooks", "exercises")  # side by side, so links between them work in the app as in Lab
CONTENTS = "../notebooks/00_start_here.ipynb#Exercises"  # the app cannot show a README: the start page lists them


def app_notebook(path: Path):
    """A notebook as the app serves it: without lab-only cells, its contents link on the start page."""
    import nbformat

    nb = nbformat.read(path, as_version=4)
    nb.cells = [c for c in nb.cells if LAB_ONLY not in c.metadata.get("tags", [])]
    for c in nb.cells:
        if c.cell_type == "markdown" and "](README.md)" in c.source:
            c.source = c.source.replace("](README.md)", f"]({CONTENTS})")
    return nb


def prepare(dest: Path | None = None, source: Path | None = None) -> Path:
    """Write the app's copies of the learner notebooks into dest (replacing older copies)."""
    import nbformat

    source = source or settings.resources()
    dest = dest or settings.app_dir()
    try:
        dest.mkdir(parents=True, exist_ok=True)
        probe = dest / ".kit-app"
        probe.write_text("copies of the kit's notebooks for the code-free app; rewritten by kit app\n")
    except OSError:
        dest = Path(tempfile.mkdtemp(prefix="kit-app-"))
    for sub in SERVED:
        (dest / sub).mkdir(exist_ok=True)
        for old in (dest / sub).glob("*.ipynb"):
            old.unlink()
        if not (source / sub).is_dir():
            continue
        for f in sorted((source / sub).iterdir()):
            if f.suffix == ".ipynb":
                nbformat.write(app_notebook(f), dest / sub / f.name)
            elif f.is_file() and not f.name.startswith(".") and f.suffix != ".md":
                shutil.copy2(f, dest / sub / f.name)
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
