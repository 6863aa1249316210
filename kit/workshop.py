"""A workshop's key: a short code anyone may see, a secret only the facilitator holds, and a
learner key for each learner, made from the secret, that signs that learner's hand-ins.

The facilitator runs `kit workshop new --key FILE`: it writes the key to FILE (only the
facilitator can read it) and prints the workshop code. `kit workshop learner-key --key FILE
NAME...` then prints one learner key line per name (a hub user name, or seat-01, seat-02 ...
for slips of paper): `CODE:NAME:secret`, whose secret is HMAC(workshop secret, NAME). A learner's
kit signs each hand-in with its learner key (HMAC-SHA256, standard library) and writes NAME in
it; `kit collect --key FILE` makes each learner key again from the workshop secret and marks
each hand-in signed, unsigned or wrongly signed.

Who holds what, and what each can do (the threat model):

- The **facilitator** holds the workshop secret (the key file, mode 600, never in the exchange).
  With it they can check every hand-in and make any learner key.
- A **learner** holds their own learner key only, through KIT_WORKSHOP_KEY (on a JupyterHub the
  spawner sets it per user, e.g. from `workshop.learner_key(key, username).line`; on laptops the
  learner pastes it into the hand-in form). From it they cannot work out the workshop secret or
  another learner's key (HMAC is one-way).
- The **exchange** is writable by every learner. Where learners share one computer account (the
  Zero to JupyterHub image runs every user as uid 1000), any learner can copy, re-sign or delete
  any hand-in there. Each learner's home (their journal, salt and key) is theirs: a separate
  container on such a hub, their own account on others.

What collect then guarantees. A hand-in signed with NAME's key was made by whoever holds NAME's
learner key and not changed since. A learner id (the salted hash a learner's kit makes) belongs
to the learner key that first signed for it, and a learner key belongs to the first learner id
it signed for (by the time each file arrived, which a learner cannot move earlier): a learner who
re-signs a classmate's hand-in with their own key, or hands in under a second id, is listed and
not counted, and the classmate's own hand-in stands. Which of a learner's hand-ins is newest is
decided by the counter in the record (how many things the learner had saved: their journal only
grows), then by the time it was exported, so a wrong clock cannot make new work count as old.
What no file can prevent: on a shared account a learner can delete a classmate's hand-in (the
classmate's journal still holds the work; they hand in again). A workshop key line given to every
learner (`CODE:secret`, as before learner keys) still signs, but then anyone holding it can sign
as anyone: give learners their own learner keys.

Without a key, hand-ins work exactly as before; `kit collect` also refuses to let a hand-in from
another computer account replace a learner's earlier one where accounts differ.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import secrets
from dataclasses import dataclass
from pathlib import Path

from .errors import KitError
from .files import Refused, loads_bounded, read_regular, why, write_atomic
from .settings import WORKSHOP_KEY

FORMAT = "reflective-practice-kit/workshop-key"
SCHEME = "hmac-sha256"
CODE_LENGTH = 6
NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$")  # a learner key's name: a user name or seat
_LEARNER = b"reflective-practice-kit learner key:"


def _code(secret: bytes) -> str:
    """The workshop code: a fingerprint of the secret, six letters and digits, shown as ABC-123."""
    digest = hashlib.sha256(b"reflective-practice-kit workshop code:" + secret).digest()
    raw = base64.b32encode(digest).decode("ascii")[:CODE_LENGTH]
    return f"{raw[:3]}-{raw[3:]}"


@dataclass(frozen=True)
class WorkshopKey:
    """A workshop's code and secret."""

    code: str
    secret: bytes

    @property
    def line(self) -> str:
        """What learners' kits need: the code and the secret on one line."""
        return f"{self.code}:{self.secret.hex()}"

    def mac(self, data: bytes) -> str:
        """The signature of some bytes with this key."""
        return f"{SCHEME}:" + hmac.new(self.secret, data, hashlib.sha256).hexdigest()

    def verifies(self, data: bytes, signature: str) -> bool:
        return hmac.compare_digest(self.mac(data).encode("ascii"), signature.encode("ascii", "replace"))


@dataclass(frozen=True)
class LearnerKey:
    """One learner's key: the workshop code, the name it was made for, and its secret."""

    code: str
    name: str
    secret: bytes

    @property
    def line(self) -> str:
        """What the learner's kit needs: code, name, secret and a short check, on one line."""
        return f"{self.code}:{self.name}:{self.secret.hex()}{_check(self.name, self.secret)}"

    def mac(self, data: bytes) -> str:
        return f"{SCHEME}:" + hmac.new(self.secret, data, hashlib.sha256).hexdigest()

    def verifies(self, data: bytes, signature: str) -> bool:
        return hmac.compare_digest(self.mac(data).encode("ascii"), signature.encode("ascii", "replace"))


def _check(name: str, secret: bytes) -> str:
    """Four hex digits that catch a learner key line copied with a typo."""
    return hashlib.sha256(name.encode() + b":" + secret).hexdigest()[:4]


def learner_key(key: WorkshopKey, name: str) -> LearnerKey:
    """The learner key for NAME, made from the workshop's secret (only the facilitator can)."""
    if not NAME_RE.match(str(name)):
        raise KitError(f"'{str(name)[:40]}' cannot name a learner key: use 1-40 letters, digits, dots, hyphens "
                       "or underscores, starting with a letter or digit (a hub user name, or seat-01).")
    return LearnerKey(key.code, name, hmac.new(key.secret, _LEARNER + name.encode(), hashlib.sha256).digest())


def new_key() -> WorkshopKey:
    secret = secrets.token_bytes(32)
    return WorkshopKey(_code(secret), secret)


def parse_key(text: str, where: str = "the workshop key") -> WorkshopKey | LearnerKey:
    """A key from its line (`CODE:secret`) or a key file's text; a sentence saying why not otherwise."""
    text = (text or "").strip()
    if text.startswith("{"):
        try:
            data = loads_bounded(text.encode("utf-8", "replace"))
        except Refused:
            data = None
        if not isinstance(data, dict) or data.get("format") != FORMAT or not isinstance(data.get("key"), str):
            raise KitError(f"{where} is not a workshop key file. Make one with: kit workshop new --key FILE.")
        text = data["key"].strip()
    if text.count(":") == 2:
        return _parse_learner_key(text, where)
    code, _, secret_hex = text.partition(":")
    try:
        secret = bytes.fromhex(secret_hex.strip())
    except ValueError:
        secret = b""
    if len(secret) < 16:
        raise KitError(f"{where} is not a workshop key line (it should look like ABC-123: followed by 64 "
                       "letters and digits). Ask your educator for the key line and copy it whole.")
    if code.strip().upper() != _code(secret):
        raise KitError(f"{where} does not match its workshop code ({code.strip()[:12]}): part of it was "
                       "changed or not copied. Ask your educator for the key line and copy it whole.")
    return WorkshopKey(_code(secret), secret)


def _parse_learner_key(text: str, where: str) -> LearnerKey:
    code, name, rest = (part.strip() for part in text.split(":"))
    try:
        secret, check = bytes.fromhex(rest[:-4]), rest[-4:].lower()
    except ValueError:
        secret, check = b"", ""
    if len(secret) != 32 or not NAME_RE.match(name) or check != _check(name, secret):
        raise KitError(f"{where} is not a learner key line (it should look like ABC-123:your-name: followed by "
                       "68 letters and digits), or part of it was changed or not copied. Ask your educator "
                       "for your key line and copy it whole.")
    return LearnerKey(code.upper(), name, secret)


def load_key(value: str | Path) -> WorkshopKey | LearnerKey:
    """A key from a key file's path or from a key line."""
    text = str(value).strip()
    looks_like_line = ":" in text and not Path(text).exists() and "/" not in text and "\\" not in text
    if looks_like_line:
        return parse_key(text)
    path = Path(text).expanduser()
    if not path.exists():
        raise KitError(f"There is no workshop key file at {path}. Make one with: kit workshop new --key FILE.")
    try:
        raw = read_regular(path, 64 * 1024).decode("utf-8")
    except (Refused, UnicodeDecodeError) as exc:
        reason = exc.reason if isinstance(exc, Refused) else "it is not text"
        raise KitError(f"The workshop key file {path} cannot be read ({reason}).") from None
    return parse_key(raw, f"The file {path}")


def workshop_key() -> WorkshopKey | LearnerKey | None:
    """The key set for this kit (KIT_WORKSHOP_KEY: a key line or a key file's path), or None."""
    raw = WORKSHOP_KEY.raw()
    if raw is None:
        return None
    try:
        return load_key(raw)
    except KitError as exc:
        raise KitError(f"The workshop key setting (KIT_WORKSHOP_KEY) cannot be used: {exc}") from None


def write_key(key: WorkshopKey, path: str | Path) -> Path:
    """Write the key file for the facilitator: never over an existing one, readable only by its owner."""
    target = Path(path).expanduser()
    text = json.dumps({"format": FORMAT, "version": 1, "code": key.code, "key": key.line}, indent=2) + "\n"
    if target.exists():
        raise KitError(f"{target} already exists: keep using that workshop key, or choose another file "
                       "for a new workshop.")
    try:
        write_atomic(target, text, replace=False, mode=0o600)  # readable by its owner only, from the start
    except OSError as exc:
        raise KitError(f"Could not write the workshop key to {target} ({why(exc, target)}).") from None
    return target
