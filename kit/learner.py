"""Who the learner is: the pseudonym they chose (remembered in KIT_HOME so every notebook
uses it) and the pseudonymous id their hand-ins carry (a salted hash; the salt stays here)."""

from __future__ import annotations

import hashlib
import re
import secrets

from .errors import SessionError
from .files import write_atomic
from .settings import kit_home

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
    write_atomic(kit_home() / FILE_NAME, name + "\n")
    return name


def current_learner() -> str | None:
    """The remembered pseudonym, or None if none has been chosen (or it cannot be read)."""
    try:
        name = (kit_home() / FILE_NAME).read_text(encoding="utf-8").strip()
        return check_learner(name)
    except (OSError, UnicodeDecodeError, SessionError):
        return None


def learner_id(learner: str) -> str:
    """A stable pseudonymous id: salted hash of the pseudonym, salt kept in KIT_HOME."""
    salt_file = kit_home() / "salt"
    try:
        salt = salt_file.read_text(encoding="utf-8").strip()
    except OSError:
        salt = ""
    if not salt:
        salt = secrets.token_hex(16)
        try:
            write_atomic(salt_file, salt)
        except OSError:
            salt = "unsaved"
    return "l-" + hashlib.sha256(f"{salt}:{learner}".encode()).hexdigest()[:16]
