"""Writing files so that a reader never sees half of one: the kit's one atomic write."""

from __future__ import annotations

import contextlib
import errno
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


def in_the_way(path: str | Path) -> str | None:
    """What stands where path should go, in words: a folder where a file belongs, or a file
    where one of its folders belongs; None when nothing is in the way."""
    p = Path(path)
    if p.is_dir():
        return f"{p} is a folder, where a file should be"
    for parent in p.parents:
        if parent.exists():
            return None if parent.is_dir() else f"{parent} is a file, where a folder should be"
    return None


def why(exc: BaseException, path: str | Path) -> str:
    """A short reason a person can act on for a failed read or write of path (no errno codes)."""
    blocked = in_the_way(path)
    if blocked:
        return blocked
    code = getattr(exc, "errno", None)
    if code in (errno.ENOSPC, getattr(errno, "EDQUOT", -1)):
        return "the disk is full"
    if code == errno.EFBIG:
        return "the file would be larger than this computer allows"
    if code == errno.EROFS:
        return "the disk is read-only"
    if code in (errno.EACCES, errno.EPERM):
        return "you do not have permission to write there"
    if code == errno.ENAMETOOLONG:
        return "the name is too long for this disk"
    text = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
    return text[:1].lower() + text[1:]
