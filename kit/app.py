"""The code-free learner view: the notebooks served by Voila (code hidden, widgets live)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from .errors import KitError
from .settings import notebooks_dir

NOTEBOOKS = notebooks_dir()
START = "00_start_here.ipynb"


def voila_command(port: int, notebooks: Path = NOTEBOOKS) -> list[str]:
    """The Voila command line: loopback only, fixed port, no tracebacks shown to learners."""
    return [sys.executable, "-m", "voila", str(notebooks), "--no-browser", "--Voila.ip=127.0.0.1",
            f"--port={port}", "--Voila.port_retries=0", "--show_tracebacks=False",
            "--VoilaConfiguration.strip_sources=True", "--theme=light"]


def start_url(port: int) -> str:
    return f"http://127.0.0.1:{port}/voila/render/{START}"


def serve(port: int = 8866, open_browser: bool = False) -> int:
    """Run Voila in the foreground until Ctrl+C; prints the start page's address."""
    if shutil.which("voila") is None and not _has_voila():
        raise KitError("Voila is not installed. Run bash kit.sh app (it installs what is missing).")
    print(f"The kit is at {start_url(port)}  (Ctrl+C to stop)", flush=True)
    try:
        return subprocess.call(voila_command(port))
    except KeyboardInterrupt:
        return 0


def _has_voila() -> bool:
    try:
        import voila  # noqa: F401
    except ImportError:
        return False
    return True
