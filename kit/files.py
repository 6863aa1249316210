"""Writing files so that a reader never sees half of one: the kit's one atomic write."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path


def write_atomic(path: str | Path, data: str | bytes, *, replace: bool = True) -> Path:
    """Write data to path through a temporary file in the same folder, flushed to disk.

    replace=True swaps the new file in for any old one (os.replace: readers see the old
    file or the new, never a mix). replace=False never overwrites: it raises
    FileExistsError if path exists (a hard link, so two writers cannot both win).
    OSError (full or read-only disk, a folder in the way) reaches the caller, who words it.
    """
    target = Path(path)
    raw = data.encode("utf-8") if isinstance(data, str) else data
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.part")
    try:
        with open(tmp, "wb") as fh:
            fh.write(raw)
            fh.flush()
            os.fsync(fh.fileno())
        if replace:
            os.replace(tmp, target)
        else:
            os.link(tmp, target)
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink()
    return target
