"""The workshop's address on the facilitator's console: a QR code to scan from the back of the room,
the address in large type, and the two codes for anyone who types instead. It shows what
`kit workshop start` kept in the shared app's folder (kit/joininfo.py), and nothing otherwise."""

from __future__ import annotations

import html as _html

from ..html import img_html
from ..joininfo import joining, qr_svg
from .base import View, box, html
from .page import for_facilitator


class JoinCard(View):
    """Parts: `card` (the QR code, the address and the codes; empty when no workshop was started)."""

    def __init__(self) -> None:
        info = joining()
        self.card = html(join_card_html(info) if info else "")
        self.widget = box(self.card)


def join_card_html(info: dict[str, str]) -> str:
    url = info["join_url"]
    codes = []
    if info.get("door_code"):
        codes.append(f"workshop code <strong>{_html.escape(info['door_code'])}</strong>")
    if info.get("room"):
        codes.append(f"room code <strong>{_html.escape(info['room'])}</strong>")
    typed = f"<p class='kit-join-codes'>Typing it instead? The {' and the '.join(codes)}.</p>" if codes else ""
    return ("<div class='kit-join kit-join-full'><h2>Join the room</h2>"
            + img_html(qr_svg(url).encode("utf-8"), "QR code: scan it to open the workshop room")
            + f"<p class='kit-join-address'>{_html.escape(url)}</p>{typed}</div>")


def join_card() -> View:
    """The workshop's address and QR code for the projector (the facilitator's page only)."""
    return for_facilitator(JoinCard)
