"""Who the learner is: the pseudonym they chose (remembered in KIT_HOME so every notebook
uses it) and the pseudonymous id their hand-ins carry (a salted hash; the salt stays here).

Pseudonyms are compared in Unicode's composed form (NFC), so "Zoë" is one learner however
the keyboard typed the accent. The salt is made once per KIT_HOME, first writer wins (a
hard link cannot replace a file), so processes starting together agree on one id; when
KIT_HOME cannot be written, a random salt held by this process stands in (the id is then
stable for this session only, and still cannot be recomputed from the name).
"""

from __future__ import annotations

import hashlib
import secrets
import unicodedata

from . import context
from .errors import SessionError
from .files import write_atomic
from .settings import kit_home

MAX_LENGTH = 40
PUNCTUATION = " .'-_"
FILE_NAME = "learner.txt"
SALT_FILE = "salt"



def _shown(ch: str) -> str:
    """One character as a person can read it in a message, even an invisible one."""
    if ch in "\n\r":
        return "a line break"
    if ch == "\t":
        return "a tab"
    name = unicodedata.name(ch, "")
    if not name:
        return f"a control character (U+{ord(ch):04X})"
    if ch.isprintable() and not ch.isspace() and unicodedata.category(ch)[0] not in "MC":
        return f"'{ch}'"
    return f"U+{ord(ch):04X} ({name.lower()})"


def _quoted(name: str) -> str:
    """The name with anything invisible written out, so two names that look alike read differently."""
    return "".join(ch if ch.isprintable() else f"\\u{ord(ch):04x}" for ch in name)


def _allowed(ch: str) -> bool:
    return ch.isalnum() or ch in PUNCTUATION or unicodedata.category(ch).startswith("M")


def check_learner(name: str) -> str:
    """A pseudonym in composed Unicode (NFC), one space between words, ’ typed as ': 1-40 letters,
    digits, spaces, dots, hyphens, underscores or apostrophes, starting with a letter or digit."""
    name = unicodedata.normalize("NFC", name or "").replace("’", "'").strip()
    name = " ".join(part for part in name.split(" ") if part)  # one space between words
    if not name:
        raise SessionError("Choose a pseudonym first: any name you like, not your real name.")
    rule = ("use up to 40 letters, digits, spaces, dots, hyphens or apostrophes, starting with a "
            "letter or digit.")
    if len(name) > MAX_LENGTH:
        raise SessionError(f"That pseudonym is {len(name)} characters long: {rule}")
    bad = list(dict.fromkeys(ch for ch in name if not _allowed(ch)))
    if bad:
        listed = ", ".join(_shown(ch) for ch in bad[:3])
        raise SessionError(f"'{_quoted(name)}' cannot be used as a pseudonym: it contains {listed}. {rule.capitalize()}")
    if not name[0].isalnum():
        raise SessionError(f"'{name}' cannot be used as a pseudonym: start it with a letter or digit.")
    if ".." in name:
        raise SessionError(f"'{name}' cannot be used as a pseudonym: it has two dots in a row.")
    return name


def set_learner(name: str) -> str:
    """Remember the pseudonym for this computer (written atomically); if KIT_HOME cannot be
    written, for this session only (the journal's warning says where the work is)."""
    name = check_learner(name)
    home = kit_home()
    try:
        write_atomic(home / FILE_NAME, name + "\n")
    except OSError:  # held for this page instead (the page context)
        context.current().remembered[str(home)] = name
    else:
        context.current().remembered.pop(str(home), None)
    return name


def current_learner() -> str | None:
    """The remembered pseudonym, or None if none has been chosen (or it cannot be read)."""
    home = kit_home()
    remembered = context.current().remembered
    if str(home) in remembered:
        return remembered[str(home)]
    try:
        return check_learner((home / FILE_NAME).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, SessionError):
        return None


def _salt() -> bytes:
    """This KIT_HOME's salt: read, else made once (first writer wins), else one for this process."""
    path = kit_home() / SALT_FILE
    for _ in range(3):
        try:
            raw = path.read_bytes().strip()  # any bytes will do as a salt, UTF-8 or not
        except FileNotFoundError:
            raw = None
        except OSError:  # a folder in the way, unreadable: nothing on disk to agree on
            break
        if raw:
            return raw
        fresh = secrets.token_hex(16)
        try:
            write_atomic(path, fresh, replace=raw is not None)  # an empty file (never the kit's) is replaced
            return fresh.encode()
        except FileExistsError:
            continue  # another process made it first: read theirs
        except OSError:
            break
    return context.current().process_salts.setdefault(str(path), secrets.token_hex(16).encode())


def learner_id(learner: str) -> str:
    """A stable pseudonymous id: salted hash of the pseudonym, salt kept in KIT_HOME."""
    name = check_learner(learner)
    return "l-" + hashlib.sha256(_salt() + b":" + name.encode("utf-8")).hexdigest()[:16]
