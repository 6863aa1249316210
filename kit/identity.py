"""Who is who in a shared app (`kit app --shared`): each browser is its own learner.

One machine serves a room. A learner joins with a pseudonym and gets an identity:

- a random id and a folder of their own (their KIT_HOME: journal, salt, exports), so two
  learners who type the same pseudonym are two learners whose work never mixes;
- a **learner key** the app's pages carry in their address (``?learner=<key>``): the id and
  an HMAC of it under the app's secret, so a key cannot be guessed, made up or edited into
  another learner's;
- a short **recovery code** to write down and continue on another device (kept only as an
  HMAC, so the folder does not give it away).

The folder (KIT_SHARED)::

    secret                  signs learner keys and recovery codes (readable by its owner only)
    workshop-code           what a room types once to enter, when the app serves beyond this computer
    identities/<id>.json    pseudonym, the recovery code's HMAC, when joined
    learners/<id>/          that learner's KIT_HOME

A page's kernel belongs to one learner: `enter` points this process at their folder once,
and refuses to switch to another learner.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import re
import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast
from urllib.parse import parse_qsl

from . import context, settings
from .errors import KitError
from .events import now
from .files import Refused, read_json, read_regular, write_atomic
from .learner import check_learner

FORMAT = "reflective-practice-kit/identity"
VERSION = 1
QUERY_KEY = "learner"  # the page address parameter that carries the learner key
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: written down and typed without doubt
RECOVERY_GROUPS = 3  # XXXX-XXXX-XXXX: about 59 bits
WORKSHOP_GROUPS = 2  # XXXX-XXXX: about 40 bits, typed once per browser
SMALL = 64 * 1024  # bytes: the most a secret, code or identity file may hold
ID_RE = re.compile(r"^[0-9a-f]{16}$")
KEY_RE = re.compile(r"^([0-9a-f]{16})\.([0-9a-f]{32})$")
FACILITATOR_KEY_RE = re.compile(r"^[A-Za-z0-9_-]{32}$")


class IdentityError(KitError):
    """A learner key or recovery code that names no learner of this app."""


@dataclass(frozen=True)
class Identity:
    """One learner of a shared app."""

    id: str
    pseudonym: str
    home: Path
    joined_at: str = ""


@dataclass(frozen=True)
class Joined:
    """What joining gives: the identity, the key the pages carry, and the code to write down."""

    identity: Identity
    key: str
    recovery_code: str
    name_in_use: bool  # another learner here already uses this pseudonym (still kept apart)


def new_code(groups: int) -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(4 * groups))
    return "-".join(raw[i:i + 4] for i in range(0, len(raw), 4))


def normal_code(code: str) -> str:
    """What someone typed, as codes are written (case, spaces and dashes forgiven)."""
    raw = "".join(ch for ch in str(code or "").upper() if ch.isalnum())
    return "-".join(raw[i:i + 4] for i in range(0, len(raw), 4))


class Registry:
    """The learners of one shared app, in its folder."""

    def __init__(self, folder: str | Path):
        self.folder = Path(folder)

    # -- the app's secret and workshop code --------------------------------------------------

    @property
    def _secret(self) -> bytes:
        path = self.folder / "secret"
        with contextlib.suppress(Refused, ValueError):
            return bytes.fromhex(read_regular(path, SMALL).decode("ascii").strip())
        try:
            write_atomic(path, secrets.token_hex(32), replace=False, mode=0o600)  # the first writer wins
        except FileExistsError:
            pass
        except OSError as exc:
            raise IdentityError(f"This workshop's folder {self.folder} cannot be written ({exc.strerror}). "
                                "Tell your facilitator (they can choose another folder with KIT_SHARED).") from None
        try:
            return bytes.fromhex(read_regular(path, SMALL).decode("ascii").strip())
        except (Refused, ValueError):
            raise IdentityError(f"This workshop's secret in {self.folder} is not one the kit wrote. Tell your "
                                "facilitator (they can choose another folder with KIT_SHARED).") from None

    def _mac(self, purpose: str, value: str) -> str:
        return hmac.new(self._secret, f"{purpose}:{value}".encode(), hashlib.sha256).hexdigest()

    @property
    def workshop_code_file(self) -> Path:
        """Where the workshop code is kept (readable by its owner only): the app's server reads it there."""
        return self.folder / "workshop-code"

    def workshop_code(self, new: str | None = None) -> str:
        """The code a room types to enter: the one given (saved), else the saved one, else a new one."""
        path = self.workshop_code_file
        if new is not None:
            code = normal_code(new)
            if len(code.replace("-", "")) < 6:
                raise IdentityError("A workshop code needs at least 6 letters or digits, so that no one "
                                    "guesses it; leave it out and the kit makes one.")
        else:
            try:
                code = normal_code(read_regular(path, SMALL).decode("utf-8", "replace"))
            except Refused:
                code = ""
            if code:
                return code
            code = new_code(WORKSHOP_GROUPS)
        write_atomic(path, code + "\n", mode=0o600)
        return code

    def facilitator_key(self) -> str:
        """The facilitator's credential for this app's facilitator pages (the room console and the
        dashboard): made once, kept in the app's folder readable by its owner only, and never shown
        to a learner (it is not the workshop code and not a learner key)."""
        path = self.folder / "facilitator-key"
        with contextlib.suppress(OSError, ValueError):
            key = path.read_text(encoding="ascii").strip()
            if FACILITATOR_KEY_RE.match(key):
                return key
        try:
            write_atomic(path, secrets.token_urlsafe(24) + "\n", replace=False)  # the first writer wins
            path.chmod(0o600)
        except FileExistsError:
            pass
        except OSError as exc:
            raise IdentityError(f"This workshop's folder {self.folder} cannot be written ({exc.strerror}). "
                                "Choose another folder with KIT_SHARED.") from None
        return path.read_text(encoding="ascii").strip()

    def is_facilitator(self, key: str | None) -> bool:
        """True when key is this app's facilitator credential."""
        if not key or not FACILITATOR_KEY_RE.match(str(key)):
            return False
        return hmac.compare_digest(str(key), self.facilitator_key())

    # -- learners ---------------------------------------------------------------------------

    def join(self, pseudonym: str) -> Joined:
        """A new learner under this pseudonym (even if someone here already uses it)."""
        name = check_learner(pseudonym)
        in_use = any(i.pseudonym.casefold() == name.casefold() for i in self.identities())
        code = new_code(RECOVERY_GROUPS)
        while True:
            ident = Identity(secrets.token_hex(8), name, Path(), now())
            body = {"format": FORMAT, "version": VERSION, "id": ident.id, "pseudonym": name,
                    "recovery": self._mac("recovery", normal_code(code)), "joined_at": ident.joined_at}
            try:
                write_atomic(self._record(ident.id), json.dumps(body, ensure_ascii=False, indent=1), replace=False)
                break
            except FileExistsError:  # an id already taken (64 random bits: practically never)
                continue
            except OSError as exc:
                raise IdentityError(f"Could not save your place in this workshop ({exc.strerror}). "
                                    "Tell your facilitator: the app's folder cannot be written.") from None
        ident = self._load(ident.id)
        ident.home.mkdir(parents=True, exist_ok=True)
        return Joined(ident, self.key(ident), code, in_use)

    def key(self, ident: Identity) -> str:
        """The learner key the pages carry: the id and its HMAC (the same on every device), signed with the
        learner's key generation, so a new recovery code revokes every earlier key."""
        return f"{ident.id}.{self._key_mac(ident.id, self._generation(self._read(ident.id)))}"

    def _key_mac(self, ident_id: str, generation: int) -> str:
        value = ident_id if generation == 0 else f"{ident_id}:{generation}"  # 0: keys given before revocation
        return self._mac("learner-key", value)[:32]

    @staticmethod
    def _generation(body: dict[str, Any]) -> int:
        value = body.get("key_generation", 0)
        return value if isinstance(value, int) and 0 <= value < 10_000 else 0

    def resolve(self, key: str) -> Identity:
        """The learner a page's key belongs to; IdentityError with a sentence for any other key."""
        m = KEY_RE.match(str(key or "").strip())
        forged = IdentityError("This page's learner key is not one this workshop gave out (it may have been "
                               "changed or cut short). Join below, or continue with your recovery code.")
        if not m or not ID_RE.match(m.group(1)):
            raise forged
        ident_id, mac = m.groups()
        try:
            body = self._read(ident_id)
        except IdentityError:
            if hmac.compare_digest(self._key_mac(ident_id, 0), mac):
                raise IdentityError("This learner key belongs to no learner of this workshop any more (the "
                                    "workshop's folder may have been cleared). Join below.") from None
            raise forged from None
        current = self._generation(body)
        if hmac.compare_digest(self._key_mac(ident_id, current), mac):
            return self._from(ident_id, body)
        if any(hmac.compare_digest(self._key_mac(ident_id, g), mac) for g in range(current)):
            raise IdentityError("This page's address no longer opens your work: a new recovery code was made "
                                "for this learner, which closes every earlier address. Join again below, or "
                                "continue with your recovery code.")
        raise forged

    def recover(self, code: str) -> Identity:
        """The learner whose recovery code this is (continuing on another device)."""
        typed = normal_code(code)
        if not typed:
            raise IdentityError("Type the recovery code you wrote down when you joined, e.g. ABCD-EFGH-JKMN.")
        wanted = self._mac("recovery", typed)
        found = None
        for ident_id, body in self._records():
            if hmac.compare_digest(str(body.get("recovery", "")), wanted):
                found = ident_id
        if found is None:
            raise IdentityError(f"No learner in this workshop has the recovery code '{typed[:20]}'. Check it "
                                "(letters and digits; there is no 0, O, 1, I or L) and try again.")
        return self._load(found)

    def new_recovery_code(self, ident: Identity) -> str:
        """A fresh recovery code for this learner: the old code and every address (learner key) given so far
        stop working (a lost or seen address is revoked); `key` gives the new address."""
        body = self._read(ident.id)
        code = new_code(RECOVERY_GROUPS)
        body["recovery"] = self._mac("recovery", normal_code(code))
        body["key_generation"] = self._generation(body) + 1
        write_atomic(self._record(ident.id), json.dumps(body, ensure_ascii=False, indent=1))
        return code

    def identities(self) -> list[Identity]:
        return [self._from(i, b) for i, b in self._records()]

    # -- files --------------------------------------------------------------------------------

    def _record(self, ident_id: str) -> Path:
        return self.folder / "identities" / f"{ident_id}.json"

    def _records(self) -> Iterator[tuple[str, dict[str, Any]]]:
        folder = self.folder / "identities"
        for f in sorted(folder.glob("*.json")) if folder.is_dir() else []:
            with contextlib.suppress(IdentityError):
                yield f.stem, self._read(f.stem)

    def _read(self, ident_id: str) -> dict[str, Any]:
        if not ID_RE.match(ident_id):
            raise IdentityError(f"'{ident_id[:20]}' is not a learner id.")
        try:
            body = read_json(self._record(ident_id), SMALL)
        except Refused:
            raise IdentityError(f"No learner '{ident_id}' in this workshop.") from None
        if not isinstance(body, dict) or body.get("format") != FORMAT or body.get("id") != ident_id:
            raise IdentityError(f"The record of learner '{ident_id}' is not one the kit wrote.")
        return body

    def _load(self, ident_id: str) -> Identity:
        return self._from(ident_id, self._read(ident_id))

    def _from(self, ident_id: str, body: dict[str, Any]) -> Identity:
        return Identity(ident_id, str(body.get("pseudonym", "")), self.folder / "learners" / ident_id,
                        str(body.get("joined_at", "")))


# -- the learner of this page (one per kernel; held in the page context) ----------------------

def registry() -> Registry | None:
    """The shared app's registry when this process serves a shared app, else None."""
    folder = settings.shared_dir()
    return Registry(folder) if folder else None


def page_param(name: str) -> str | None:
    """One parameter of this page's address (the page's query, read once), or None."""
    page = context.current()
    if page.query is None:
        page.query = dict(parse_qsl(settings.query_string(), keep_blank_values=True))
    return page.query.get(name) or None


def page_key() -> str | None:
    """The learner key in this page's address, if any."""
    return page_param(QUERY_KEY)


def entered() -> Identity | None:
    """The learner this page belongs to, once known."""
    return cast("Identity | None", context.current().identity)  # the page context holds it untyped (it sits below this module)


def enter(ident: Identity) -> Identity:
    """Make this page (its kernel) work as this learner, in their folder, from now on."""
    page = context.current()
    with page.lock:
        if page.identity is not None and page.identity.id != ident.id:
            raise IdentityError("This page already belongs to another learner. Open the start page again "
                                "to work as someone else.")
        first = page.identity is None
        page.identity = ident
        ident.home.mkdir(parents=True, exist_ok=True)
        page.home = ident.home
        waiting, page.identity_listeners = (page.identity_listeners, []) if first else ([], page.identity_listeners)
    for listener in waiting:
        listener(ident)
    return ident


def on_enter(listener: Callable[[Identity], None]) -> None:
    """Call listener(identity) when the page's learner becomes known (at once if already known)."""
    page = context.current()
    if page.identity is not None:
        listener(page.identity)
    else:
        page.identity_listeners.append(listener)


def page_identity() -> Identity | None:
    """The learner named by this page's key (entered), None if the page has no key;
    IdentityError if the key is not one this app gave out."""
    if entered() is not None:
        return entered()
    reg = registry()
    key = page_key()
    if reg is None or key is None:
        return None
    return enter(reg.resolve(key))
