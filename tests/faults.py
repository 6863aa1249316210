"""Real faults for tests: a small tmpfs that really fills up, a mount that is really read-only.

Both need root (mounting); a test using them is skipped with the reason when the machine
does not allow it. Every mount is undone in a `finally`, whatever the test did.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
from pathlib import Path

import pytest

IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0
NOT_ROOT = "needs root to mount a small tmpfs (a real full or read-only disk); the RLIMIT_FSIZE and chmod tests cover non-root"


@contextlib.contextmanager
def tmpfs(where: Path, size: str = "2m"):
    """A real, small filesystem at `where` (made if needed), unmounted afterwards."""
    if not IS_ROOT:
        pytest.skip(NOT_ROOT)
    where.mkdir(parents=True, exist_ok=True)
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size},mode=0755", "tmpfs", str(where)],
                       capture_output=True, text=True)
    if r.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here ({r.stderr.strip()})")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False)


def fill(mount: Path) -> Path:
    """Fill a filesystem to the last byte with one file; delete the file to give the space back."""
    filler = mount / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        chunk = b"\0" * 65536
        while True:
            try:
                os.write(fd, chunk)
            except OSError:
                if len(chunk) == 1:
                    break
                chunk = chunk[: len(chunk) // 2]
    finally:
        os.close(fd)
    return filler


def remount(mount: Path, mode: str) -> None:
    """Make a mounted filesystem read-only ("ro") or writable again ("rw")."""
    subprocess.run(["mount", "-o", f"remount,{mode}", str(mount)], check=True, capture_output=True)
