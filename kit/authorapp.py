"""`kit author`: the authoring page, served by Voila on this computer only.

The page is one notebook written to a private temporary folder and served from there, alone:
never from notebooks/ or exercises/, which the learners' app serves, so no learner's app can
reach it. `kit author` then replaces itself with Voila, so Ctrl+C stops the server.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from . import settings
from .app import LOOPBACK, port_problem, voila_command
from .errors import KitError

PAGE = "write_a_case.ipynb"
PORT = 8867  # beside kit app's 8866, so both can run at once


def notebook(target: str | None) -> dict:
    """The authoring page as a notebook: a heading and one cell that shows the page for target."""
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.metadata["title"] = "Write a case"
    nb.cells = [nbformat.v4.new_markdown_cell("# Write a case\n\nBuild a case pack from a published review in "
                                               "forms: no files to edit. Your work is kept as a draft until you "
                                               "publish it to learners."),
                nbformat.v4.new_code_cell(f"from kit.views.author import author_page\nauthor_page({target!r})")]
    return nb


def prepare(target: str | None, folder: Path | None = None) -> Path:
    """Write the authoring page into its own new folder (private to this user); returns the folder."""
    import nbformat

    folder = folder or Path(tempfile.mkdtemp(prefix="kit-author-"))
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    nbformat.write(notebook(None if target is None else str(Path(target).expanduser().resolve())
                            if Path(target).expanduser().exists() else target), folder / PAGE)
    return folder


def page_url(port: int) -> str:
    return f"http://{LOOPBACK}:{port}/voila/render/{PAGE}"


def serve(target: str | None, port: int = PORT) -> int:
    """Replace this process with Voila serving the authoring page on 127.0.0.1; prints its address."""
    try:
        import voila  # noqa: F401
    except ImportError:
        raise KitError("Voila is not installed. Run bash kit.sh env (it installs what is missing), "
                       "or pip install voila.") from None
    from .authoring import Draft

    Draft.open(target)  # a pack that cannot be opened is one sentence here, before any server starts
    problem = port_problem(port, LOOPBACK)
    if problem:
        raise KitError(problem.replace("kit app --port", "kit author --port"))
    root = prepare(target)
    command = voila_command(port, root, idle_minutes=0)
    print(f"The authoring page is at {page_url(port)}  (this computer only; Ctrl+C to stop)", flush=True)
    os.execve(command[0], command, settings.environment())
    return 0  # not reached
