"""The learner's chosen pseudonym, remembered in KIT_HOME so every notebook uses it."""

from __future__ import annotations

import os
import re

from .errors import SessionError
from .journal import kit_home

LEARNER_RE = re.compile(r"^[\w][\w .'-]{0,39}$")
FILE_NAME = "learner.txt"


def check_learner(name: str) -> str:
    """A pseudonym: 1-40 letters, digits, spaces, dots, hyphens or apostrophes."""
    name = (name or "").strip()
    if not name:
        raise SessionError("Choose a pseudonym first: any name you like, not your real name.")
    if not LEARNER_RE.match(name) or ".." in name:
        raise SessionError(
            f"'{name[:40]}' cannot be used as a pseudonym: use up to 40 letters, digits, spaces, "
            "dots, hyphens or apostrophes, starting with a letter or digit."
        )
    return name


def set_learner(name: str) -> str:
    """Remember the pseudonym for this computer (written atomically)."""
    name = check_learner(name)
    home = kit_home()
    home.mkdir(parents=True, exist_ok=True)
    tmp = home / f".{FILE_NAME}.{os.getpid()}"
    tmp.write_text(name + "\n", encoding="utf-8")
    os.replace(tmp, home / FILE_NAME)
    return name


def current_learner() -> str | None:
    """The remembered pseudonym, or None if none has been chosen (or it cannot be read)."""
    try:
        name = (kit_home() / FILE_NAME).read_text(encoding="utf-8").strip()
        return check_learner(name)
    except (OSError, UnicodeDecodeError, SessionError):
        return None
