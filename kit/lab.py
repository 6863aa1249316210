"""JupyterLab for learners: the start notebook open (not the Launcher), on 127.0.0.1 only.

`kit lab DIR` (and `bash kit.sh start`, which runs it on the checkout) serves DIR, opens
DIR/notebooks/00_start_here.ipynb, and saves the kit's notebooks tidy (kit.tidy's
pre_save_hook), so a learner's session never leaves outputs in the stored notebooks.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from .errors import KitError

START = Path("notebooks") / "00_start_here.ipynb"


def lab_command(root: Path, extra: list[str] | None = None) -> list[str]:
    """The JupyterLab command line for a folder holding notebooks/ (and exercises/)."""
    start = "/lab/tree/" + START.as_posix() if (root / START).is_file() else "/lab"
    command = [sys.executable, "-m", "jupyterlab", "--no-browser", "--ip=127.0.0.1",
               f"--ServerApp.root_dir={root}", f"--LabApp.default_url={start}",
               "--LabApp.news_url=None", "--ContentsManager.pre_save_hook=kit.tidy.pre_save_hook"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")  # Lab refuses root otherwise (containers, CI)
    return command + list(extra or [])


def serve(root: str | Path = ".", extra: list[str] | None = None) -> int:
    """Replace this process with JupyterLab on root (stopping `kit lab` stops Lab)."""
    folder = Path(root).expanduser().resolve()
    if not (folder / START).is_file():
        raise KitError(f"{folder} has no {START.as_posix()}: run 'kit init {root}' first to copy the "
                       "learner notebooks there, or name the folder you copied them to.")
    command = lab_command(folder, extra)
    print("Starting JupyterLab; open the address it prints (Ctrl+C twice to stop).", flush=True)
    os.execv(command[0], command)
    return 0  # not reached
