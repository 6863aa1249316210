"""A room's folders belong to the facilitator who opened them, and learners can only add votes.

On a JupyterHub the rooms folder sits in an exchange every learner can write to, so the kit
makes (and checks) these permissions itself, never trusting what it finds:

    rooms/            the facilitator's, rwxr-xr-x: learners read rooms, cannot add or swap one
    rooms/CODE/       the facilitator's, rwxr-xr-x: room.json, the lock
    rooms/CODE/votes  the facilitator's, rwx-wx-wt (sticky): a learner adds a vote, cannot list,
                      change or remove another's

A folder or room.json that is a link, belongs to another account, or that another account can
rewrite is refused in a sentence. Changes to room.json are made under an exclusive lock
(`fcntl.flock` on a lock file only the facilitator can open), so two of the facilitator's
actions at once never lose one.
"""

from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Iterator
from pathlib import Path

from .errors import KitError

FOLDER_MODE = 0o755  # the rooms folder and a room's folder: only the facilitator writes
VOTES_MODE = 0o1733  # votes/: everyone may add a file; sticky, so nobody removes or renames another's
FILE_MODE = 0o644  # room.json: everyone reads, only the facilitator writes
LOCK_FILE = ".room.lock"
MAX_ROOM_BYTES = 1024 * 1024

_HAS_OWNERS = hasattr(os, "getuid")  # POSIX: accounts own files; elsewhere there is nothing to check


class RoomFolderError(KitError):
    """A room folder that is not safely the facilitator's."""


def _me() -> int:
    return os.getuid() if _HAS_OWNERS else 0


def _lstat(path: Path) -> os.stat_result | None:
    try:
        return os.lstat(path)
    except FileNotFoundError:
        return None


def _others_can_write(st: os.stat_result) -> bool:
    return bool(st.st_mode & 0o022)


def _refuse(path: Path, what: str, problem: str, fix: str) -> RoomFolderError:
    return RoomFolderError(f"The {what} {path} {problem}, so a learner could change the room. {fix}")


def own_folder(path: Path, what: str, mode: int = FOLDER_MODE) -> None:
    """Make the folder for the facilitator (or check the one there is theirs), with `mode`."""
    st = _lstat(path)
    if st is None:
        path.parent.mkdir(parents=True, exist_ok=True)
        with contextlib.suppress(FileExistsError):  # made meanwhile: checked below like any other
            os.mkdir(path, 0o700)  # nobody else can reach it before its mode is set
        st = _lstat(path)
        if st is None:
            raise RoomFolderError(f"The {what} {path} could not be made. Choose a folder you can write to.")
    if stat.S_ISLNK(st.st_mode) or not stat.S_ISDIR(st.st_mode):
        raise _refuse(path, what, "is a link or a file, not a folder", "Remove it and open the room again.")
    if _HAS_OWNERS and st.st_uid != _me():
        raise _refuse(path, what, "belongs to another account",
                      "Remove it (or ask the hub's administrator to), or set KIT_ROOMS to a folder only you "
                      "can write, then open the room again.")
    if stat.S_IMODE(st.st_mode) != mode:
        os.chmod(path, mode)  # it is the facilitator's own folder: make it as it should be


def check_room_folder(folder: Path, owner: int | None = None) -> int:
    """Check a room folder before it is read or changed; returns its owner. With `owner`, the folder
    must be that account's (the facilitator acting: their own). A learner joining checks only that
    nobody but its owner can rewrite it (nor its rooms folder), and that room.json is the owner's."""
    for path, what in ((folder.parent, "rooms folder"), (folder, "room folder")):
        st = _lstat(path)
        if st is None:
            raise RoomFolderError(f"There is no workshop room at {folder}. Check the room code with your "
                                  "facilitator.")
        if stat.S_ISLNK(st.st_mode) or not stat.S_ISDIR(st.st_mode):
            raise _refuse(path, what, "is a link or a file, not a folder",
                          "Ask your facilitator to open the room again.")
        if _HAS_OWNERS and _others_can_write(st) and not (path == folder.parent and st.st_mode & stat.S_ISVTX
                                                           and ((room := _lstat(folder)) is None  # no room folder: the next pass says so
                                                                or room.st_uid == st.st_uid)):
            raise _refuse(path, what, "can be changed by other accounts",
                          "Ask your facilitator to open the room again (the kit makes its folders safe).")
    st = os.lstat(folder)
    if owner is not None and _HAS_OWNERS and st.st_uid != owner:
        raise _refuse(folder, "room folder", "belongs to another account",
                      "Only the facilitator who opened a room can run it; open a room of your own.")
    for name, what in (("room.json", "room file"), ("votes", "votes folder")):
        sub = _lstat(folder / name)
        if sub is None:
            continue
        if stat.S_ISLNK(sub.st_mode):
            raise _refuse(folder / name, what, "is a link", "Ask your facilitator to open the room again.")
        if _HAS_OWNERS and sub.st_uid != st.st_uid:
            raise _refuse(folder / name, what, "belongs to another account than the room",
                          "Ask your facilitator to open the room again.")
        if name == "room.json" and (_others_can_write(sub) or not stat.S_ISREG(sub.st_mode)):
            raise _refuse(folder / name, what, "can be changed by other accounts",
                          "Ask your facilitator to open the room again.")
        if name == "votes" and (not stat.S_ISDIR(sub.st_mode)
                                or (_others_can_write(sub) and not sub.st_mode & stat.S_ISVTX)):
            raise _refuse(folder / name, what, "lets one learner remove another's vote",
                          "Ask your facilitator to open the room again.")
    return st.st_uid


@contextlib.contextmanager
def locked(folder: Path) -> Iterator[None]:
    """Hold the room's lock: one facilitator action at a time reads, changes and writes room.json."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows: one facilitator on one machine
        yield
        return
    flags = os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(folder / LOCK_FILE, flags, 0o600)
    except OSError as exc:
        raise RoomFolderError(f"The room at {folder} cannot be changed from this account ({exc.strerror}). "
                              "Only the facilitator who opened it can run it.") from None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock
