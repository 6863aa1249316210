"""Writing and reading files in folders others can write to: the kit's one atomic write, and
its one bounded read.

Shared folders (the exchange, a room, a shared app's folder) are hostile: a classmate can plant
a link at the name the kit is about to write, a named pipe that hangs a reader, a file of
nested brackets that stops a parser. So every write makes its temporary file exclusively with a
random name (`tempfile.mkstemp`, which never follows a link), and every read of a shared folder
opens regular files only (no links, no pipes, no devices) and reads at most a bound; JSON is read
with limits on size, nesting depth and number length. A file that fails any of these raises
`Refused`, whose message is a short reason a facilitator can read ("not a regular file (a link)").
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import stat
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn

MAX_DEPTH = 32  # JSON nesting: a record is at most 6 deep
MAX_DIGITS = 30  # digits in one JSON number: counts, ratings and times need far fewer
_READ_FLAGS = (os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
               | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0))


class Refused(Exception):
    """A file in a shared folder the kit will not read; str() is the short reason."""

    @property
    def reason(self) -> str:
        return str(self)


def _umask() -> int:
    """This process's umask, without changing it (Linux); else read by setting and restoring it."""
    with contextlib.suppress(OSError, ValueError), open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def write_atomic(path: str | Path, data: str | bytes, *, replace: bool = True, mode: int | None = None) -> Path:
    """Write data to path through a temporary file in the same folder, flushed to disk.

    The temporary file is made exclusively under a random name and never through a link
    (tempfile.mkstemp), so a link planted in the folder cannot redirect the write. replace=True
    swaps the new file in for any old one (os.replace: readers see the old file or the new, never
    a mix; a link at path is replaced, not followed). replace=False never overwrites: it raises
    FileExistsError if anything is at path (a hard link, so two writers cannot both win). mode is
    the new file's permissions from the start (default: as open() would make it, 0o666 less the
    umask), so a secret is never readable by others, even for a moment. OSError (full or
    read-only disk, a folder in the way) reaches the caller, who words it.
    """
    target = Path(path)
    raw = data.encode("utf-8") if isinstance(data, str) else data
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{target.name[:80]}.", suffix=".part", dir=target.parent)
    tmp = Path(name)
    done = False
    try:
        with os.fdopen(fd, "wb") as fh:
            os.fchmod(fh.fileno(), 0o666 & ~_umask() if mode is None else mode)
            fh.write(raw)
            fh.flush()
            os.fsync(fh.fileno())
        if replace:
            os.replace(tmp, target)
            done = True
        else:
            os.link(tmp, target)
    finally:
        if not done:
            with contextlib.suppress(OSError):
                tmp.unlink()
    return target


# -- reading a shared folder -------------------------------------------------------------------

def read_regular(path: str | Path, max_bytes: int) -> bytes:
    """A regular file's bytes, at most max_bytes; Refused (with the reason) for a link, a named
    pipe, a device, a folder, a file over the bound, or one that cannot be read.

    The file is opened without following a link and without waiting (a pipe with no writer
    does not hang), and checked on the open file itself, so it cannot be swapped in between."""
    try:
        fd = os.open(path, _READ_FLAGS)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise Refused("not a regular file (a link)") from None
        if exc.errno == errno.ENOENT:
            raise Refused("removed while it was being read") from None
        if exc.errno in (errno.EACCES, errno.EPERM):
            raise Refused("cannot be read (no permission)") from None
        if exc.errno == errno.ENXIO:
            raise Refused("not a regular file (a socket or device)") from None
        raise Refused(f"cannot be read ({why(exc, path)})") from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            kind = ("a named pipe" if stat.S_ISFIFO(st.st_mode) else "a folder" if stat.S_ISDIR(st.st_mode)
                    else "a device or socket")
            raise Refused(f"not a regular file ({kind})")
        if st.st_size > max_bytes:
            raise Refused(f"too large ({st.st_size:,} bytes; the limit is {max_bytes:,})")
        chunks, left = [], max_bytes + 1
        while left > 0:
            chunk = os.read(fd, min(left, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
        raw = b"".join(chunks)
        if len(raw) > max_bytes:
            raise Refused(f"too large (it grew past {max_bytes:,} bytes while being read)")
        return raw
    except OSError as exc:
        raise Refused(f"cannot be read ({why(exc, path)})") from None
    finally:
        os.close(fd)


def _number(kind: Callable[[str], Any], max_digits: int) -> Callable[[str], Any]:
    def parse(text: str) -> Any:
        if len(text) > max_digits:
            raise Refused(f"holds a number longer than {max_digits} digits")
        return kind(text)
    return parse


def _no_constant(name: str) -> NoReturn:
    raise Refused(f"holds {name}, which is not a number")


def _depth_within(value: Any, max_depth: int) -> bool:
    """True when value nests no deeper than max_depth (walked without recursion)."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            item = item.values()
        elif not isinstance(item, list):
            continue
        if depth > max_depth:
            return False
        stack.extend((child, depth + 1) for child in item if isinstance(child, (dict, list)))
    return True


def loads_bounded(raw: bytes, *, max_depth: int = MAX_DEPTH, max_digits: int = MAX_DIGITS) -> Any:
    """JSON bytes parsed with limits on nesting depth and number length (no NaN or Infinity), in
    time linear in their length; Refused with the reason for bytes that are not UTF-8, not JSON,
    or beyond a limit."""
    try:
        value = json.loads(raw.decode("utf-8"), parse_int=_number(int, max_digits),
                           parse_float=_number(float, max_digits), parse_constant=_no_constant)
    except UnicodeDecodeError:
        raise Refused("not UTF-8 text") from None
    except RecursionError:  # the parser's own limit, far below the stack's
        raise Refused(f"nested more than {max_depth} levels deep") from None
    except json.JSONDecodeError as exc:
        raise Refused(f"malformed or truncated JSON (line {exc.lineno}: {exc.msg})") from None
    except ValueError as exc:
        raise Refused(f"not JSON this kit reads ({str(exc)[:80]})") from None
    if not _depth_within(value, max_depth):
        raise Refused(f"nested more than {max_depth} levels deep")
    return value


def read_json(path: str | Path, max_bytes: int, *, max_depth: int = MAX_DEPTH, max_digits: int = MAX_DIGITS) -> Any:
    """A shared folder's JSON file, read by read_regular and parsed by loads_bounded."""
    return loads_bounded(read_regular(path, max_bytes), max_depth=max_depth, max_digits=max_digits)


# -- the words for a failed read or write ---------------------------------------------------

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
