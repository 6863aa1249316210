"""`bash kit.sh start` (kit start) as a learner runs it: JupyterLab opens on the learner's own copy of the learner
notebooks and exercises (workspace/, made by kit init), never on the checkout with the facilitator's
pages and model answers; --port chooses the port; --facilitator opens the whole checkout."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.browser.conftest import free_port
from tests.conftest import ROOT


def _started(proc: subprocess.Popen, port: int, timeout: float = 180) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"kit.sh start exited with {proc.returncode}")
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.5)
    raise AssertionError(f"JupyterLab did not listen on {port} in {timeout} s")


def _root_dir(pid: int) -> str:
    """The folder the running JupyterLab serves (its --ServerApp.root_dir)."""
    args = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    return next(a.decode().split("=", 1)[1] for a in args if a.startswith(b"--ServerApp.root_dir="))


@pytest.mark.parametrize("facilitator", [False, True])
def test_start_opens_a_learners_folder_unless_the_facilitator_asks(tmp_path, facilitator):
    """kit.sh start runs `kit start`, tried here in a folder of its own."""
    checkout = tmp_path
    assert 'exec "$venv/bin/kit" start' in (ROOT / "kit.sh").read_text()
    port = free_port()
    args = [sys.executable, "-m", "kit.cli", "start", "--port", str(port)] + (["--facilitator"] if facilitator else [])
    if facilitator:
        (checkout / "notebooks").mkdir()  # the checkout's own start notebook (kit lab needs one)
        shutil.copy(ROOT / "notebooks" / "00_start_here.ipynb", checkout / "notebooks")
    proc = subprocess.Popen(args, cwd=checkout, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    try:
        _started(proc, port)
        served = Path(_root_dir(proc.pid))
        if facilitator:
            assert served == checkout and not (checkout / "workspace").exists()
            return
        assert served == checkout / "workspace"
        files = {p.relative_to(served).as_posix() for p in served.rglob("*") if p.is_file()}
        assert "notebooks/00_start_here.ipynb" in files and "exercises/01_spotting_hindsight.ipynb" in files
        assert not [f for f in files if "facilitator" in f or f.split("/")[-1][:1] == "9"], files
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=60)
