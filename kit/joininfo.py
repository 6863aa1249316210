"""How learners join a workshop: the room page's address with its codes, as text and as a QR code,
kept in the shared app's folder by `kit workshop start` so the facilitator's console can show it.

The address opens the workshop room page with the room code and the door code filled in, so a
learner who scans the code from the projector types neither.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from urllib.parse import urlencode

from . import settings
from .files import write_atomic

ROOM_PAGE = "/voila/render/notebooks/07_workshop_room.ipynb"
JOIN_FILE = "workshop.json"  # in the shared app's folder: the address and codes the console shows
MAX_BYTES = 10_000


def room_address(base: str, room_code: str, door_code: str | None) -> str:
    """The address a learner opens (or scans): the workshop room page with the room code filled in,
    and the door code, so nobody types either."""
    query = {"room": room_code}
    if door_code:
        query["token"] = door_code  # the server's token: it lets this browser through the door
    return f"{base}{ROOM_PAGE}?{urlencode(query)}"


def keep(folder: Path, join_url: str, room_code: str, door_code: str | None, room_folder: Path) -> Path | None:
    """Write the address and codes into the shared app's folder (readable by its owner only); None if
    it cannot be written (the console then shows no code, and the terminal still has it)."""
    path = Path(folder) / JOIN_FILE
    body = {"join_url": join_url, "room": room_code, "door_code": door_code or "", "room_folder": str(room_folder)}
    try:
        write_atomic(path, json.dumps(body, indent=1))
        path.chmod(0o600)
    except OSError:
        return None
    return path


def joining(folder: Path | None = None) -> dict[str, str] | None:
    """What `kit workshop start` kept for the console (the join address, room and door codes), or None."""
    folder = folder or settings.shared_dir()
    if folder is None:
        return None
    try:
        raw = (Path(folder) / JOIN_FILE).read_bytes()[:MAX_BYTES + 1]
        data = json.loads(raw) if len(raw) <= MAX_BYTES else None
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("join_url"), str):
        return None
    return {k: v for k, v in data.items() if isinstance(v, str)}


def qr_text(url: str) -> str:
    """The address as a QR code drawn with characters, for the terminal (two rows per line)."""
    import segno

    out = io.StringIO()
    segno.make(url, error="m").terminal(out=out, compact=True, border=2)
    return out.getvalue()


def qr_svg(url: str, scale: int = 6) -> str:
    """The address as an SVG QR code (no image library needed), for a page."""
    import segno

    out = io.BytesIO()
    segno.make(url, error="m").save(out, kind="svg", scale=scale, border=2, xmldecl=False, svgns=True,
                                    title="QR code for the workshop's address", dark="#000", light="#fff")
    return out.getvalue().decode("utf-8")
