"""`kit app` behaves like a server: it becomes Voila (stopping it stops Voila), refuses a port
in use with one sentence before any address, and serves the notebooks without Lab-only cells."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def kit(*args: str) -> list[str]:
    return [sys.executable, "-m", "kit.cli", *args]


def test_port_in_use_is_one_sentence_before_any_address():
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        done = subprocess.run(kit("app", "--port", str(port)), capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert done.stdout == ""  # no address printed for a server that is not there
    assert done.stderr.count("\n") == 1 and f"Port {port} is already in use" in done.stderr
    assert "http" not in done.stderr


@pytest.mark.skipif(not Path("/proc/self/cmdline").exists(), reason="reads /proc (Linux) to see which program runs")
def test_stopping_kit_app_stops_voila(tmp_path):
    """kit app replaces itself with Voila: the pid we started is Voila, and SIGTERM frees the port."""
    port = free_port()
    log = open(tmp_path / "app.log", "w+")  # noqa: SIM115 (closed below)
    proc = subprocess.Popen(kit("app", "--port", str(port)), stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.time() + 90
        while time.time() < deadline:
            assert proc.poll() is None, Path(tmp_path / "app.log").read_text()
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as r:
                    if r.status < 500:
                        break
            except OSError:
                time.sleep(0.5)
        else:
            pytest.fail("kit app did not answer in 90 s")
        cmdline = Path(f"/proc/{proc.pid}/cmdline").read_bytes().split(b"\0")
        assert b"voila" in cmdline and b"kit.cli" not in cmdline  # the same process is now Voila
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
        log.close()
    with socket.socket() as s:
        assert s.connect_ex(("127.0.0.1", port)) != 0  # nothing is left serving
    first = (tmp_path / "app.log").read_text().splitlines()[0]
    assert first == f"The kit is at http://127.0.0.1:{port}/voila/render/notebooks/00_start_here.ipynb  (Ctrl+C to stop)"
