"""One command for a workshop: `kit workshop start --pack ID [--plan ID | --points a,b]`.

It starts the shared app with a door code (kit/app.py), opens the room for the case (kit/room.py),
checks the network, and prints what the facilitator needs: the address learners open, as text
and as a QR code (scanning it opens the workshop room page with the door code and the room code
filled in), and the facilitator's own address (the room console, for them alone). The same
address and code are kept in the app's folder for the console to show on the projector.

A room needs everyone on one app (this one) or one hub: learners running the kit on their own
laptops cannot reach it. Campus networks often stop laptops reaching each other; the network
check says so and what to do.
"""

from __future__ import annotations

import contextlib
import ipaddress
import socket
from dataclasses import dataclass
from pathlib import Path

from . import app, joininfo
from .errors import KitError
from .identity import Registry
from .room import Room


@dataclass(frozen=True)
class Workshop:
    """What `kit workshop start` set up: the app, its room, and the addresses to give."""

    serving: app.Serving
    room: Room
    room_code: str
    learner_urls: list[str]
    facilitator_url: str
    warnings: list[str]

    @property
    def join_url(self) -> str:
        """The address to give the room (the first of this computer's network addresses)."""
        return self.learner_urls[0]


def local_addresses() -> list[str]:
    """This computer's IPv4 addresses on its networks (not itself), in a stable order."""
    found: list[str] = []
    with contextlib.suppress(OSError):
        for info in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET):
            found.append(str(info[4][0]))  # AF_INET: the address is already text
    with contextlib.suppress(OSError, ImportError):
        import fcntl
        import struct

        for _index, name in socket.if_nameindex():
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s, contextlib.suppress(OSError):
                packed = fcntl.ioctl(s.fileno(), 0x8915, struct.pack("256s", name[:15].encode()))  # SIOCGIFADDR
                found.append(socket.inet_ntoa(packed[20:24]))
    out = []
    for ip in found:
        if not ipaddress.ip_address(ip).is_loopback and ip not in out:
            out.append(ip)
    return out


def network_check(host: str, addresses: list[str]) -> list[str]:
    """Warnings, each a sentence with what to do, when learners on other machines may not reach the app."""
    if app.is_loopback(host):
        return [f"The app listens on {host}, this computer only: learners on other machines cannot open it. "
                "Leave out --host (the kit then listens on every network this computer is on)."]
    if not addresses:
        return ["This computer has no network address but itself, so learners cannot reach it. Join the room's "
                "network (the wifi, or a phone's hotspot) and start again, or use the university's hub "
                "(docs/deployment.md)."]
    warnings = []
    if all(ipaddress.ip_address(ip).is_link_local for ip in addresses):
        warnings.append("This computer has only a self-assigned address (169.254...): the network gave it none, "
                        "so learners may not reach it. Check the wifi connection, or use a phone's hotspot.")
    warnings.append("If learners cannot open the address, the network may stop laptops reaching each other "
                    "(common on campus wifi): use a phone's hotspot that everyone joins, or the university's "
                    "hub (docs/deployment.md).")
    return warnings


def start(pack: str, *, plan: str | None = None, points: list[str] | None = None, host: str | None = None,
          port: int = 8866, workshop_code: str | None = None) -> Workshop:
    """Set up a workshop (the app's plan, its room, the addresses) without starting the server yet."""
    serving = app.plan(port, shared=True, host=host or "0.0.0.0", workshop_code=workshop_code)
    if serving.workshop_code is None and serving.shared is not None:  # a workshop always has its door
        registry = Registry(serving.shared)
        serving.workshop_code, serving.code_file = registry.workshop_code(None), registry.workshop_code_file
    app.check_port(serving)
    room = Room.open(None, pack, points=points, plan=plan)
    code = room.state().code
    hosts = [serving.host] if serving.host not in ("0.0.0.0", "::") else local_addresses()
    bases = [f"http://{_url_host(h)}:{serving.port}" for h in hosts] or [f"http://{socket.gethostname()}:{port}"]
    urls = [joininfo.room_address(b, code, serving.workshop_code) for b in bases]
    shop = Workshop(serving, room, code, urls, app.facilitator_url(serving), network_check(serving.host, hosts))
    serving.ready = f"Ready. Learners open {shop.join_url} (or scan the QR code above)  (Ctrl+C to stop)"
    keep(shop)
    return shop


def keep(shop: Workshop) -> Path | None:
    """Write the address and codes into the app's folder, for the console to show."""
    if shop.serving.shared is None:
        return None
    return joininfo.keep(shop.serving.shared, shop.join_url, shop.room_code, shop.serving.workshop_code,
                         shop.room.folder)


def lines(shop: Workshop) -> list[str]:
    """What kit workshop start prints: the room, the address with its QR code, the facilitator's address,
    and the network check."""
    st = shop.room.state()
    out = [f"Workshop room {shop.room_code}: {st.title} ({len(st.points)} point(s)).",
           "",
           "Learners open this address (or scan the code below); it opens the room with the codes filled in:",
           f"  {shop.join_url}"]
    out += [f"  also: {u}" for u in shop.learner_urls[1:]]
    if shop.serving.workshop_code:
        out.append(f"Typing it instead? The workshop code is {shop.serving.workshop_code} and the room code "
                   f"{shop.room_code}.")
    out += ["", joininfo.qr_text(shop.join_url).rstrip("\n"), ""]
    out.append("Your own pages, the room console and the dashboard (keep this address to yourself; do not "
               f"project it): {shop.facilitator_url}")
    out += [f"Network: {w}" for w in shop.warnings]
    out.append("Ctrl+C stops the workshop's app (the room, its votes and the learners' work are kept).")
    return out


def serve(pack: str, *, plan: str | None = None, points: list[str] | None = None, host: str | None = None,
          port: int = 8866, workshop_code: str | None = None) -> int:
    """kit workshop start: set up, print, then become the app (Ctrl+C stops it)."""
    if not app._has_voila():
        raise KitError("Voila is not installed. Run bash kit.sh app (it installs what is missing), "
                       "or pip install voila.")
    shop = start(pack, plan=plan, points=points, host=host, port=port, workshop_code=workshop_code)
    return app.run(shop.serving, lines(shop))


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host
