"""A workshop's key: a short code anyone may see, and a secret that signs learners' hand-ins.

The facilitator runs `kit workshop new --key FILE`: it writes the key to FILE (only the
facilitator can read it) and prints the workshop code and the key line learners need.
Learners' hand-ins are then signed (HMAC-SHA256, standard library) and `kit collect --key
FILE` marks each hand-in signed, unsigned or wrongly signed; an unsigned or wrongly signed
file never replaces a signed one. Without a key, hand-ins work exactly as before.

Who can read what. The key line (`CODE:secret`) is what a learner's kit needs, through the
KIT_WORKSHOP_KEY setting: either the line itself, or the path of a key file. On a
JupyterHub, put the line in the learners' environment (the spawner's `environment`), or
the key file in a folder learners can read but not write (mode 644 in a folder owned by
the facilitator). Do not put it in the exchange folder: learners must be able to write
there, and where every learner runs as the same account (Docker or Kubernetes spawners)
any of them could replace it. On laptops, learners paste the key line into the hand-in
form. The code is a fingerprint of the secret, so a key line copied with a typo is
refused, and a learner can check the code against the one the facilitator shows.

What a signature proves: the hand-in was made with this workshop's key and not changed
since. It does not prove which participant made it (every participant holds the same
secret); `kit collect` also refuses to let a hand-in from another computer account replace
a learner's earlier one where accounts differ (a JupyterHub with one account per learner).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass
from pathlib import Path

from .errors import KitError
from .files import Refused, loads_bounded, read_regular, why, write_atomic
from .settings import WORKSHOP_KEY

FORMAT = "reflective-practice-kit/workshop-key"
SCHEME = "hmac-sha256"
CODE_LENGTH = 6


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


def new_key() -> WorkshopKey:
    secret = secrets.token_bytes(32)
    return WorkshopKey(_code(secret), secret)


def parse_key(text: str, where: str = "the workshop key") -> WorkshopKey:
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


def load_key(value: str | Path) -> WorkshopKey:
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


def workshop_key() -> WorkshopKey | None:
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
