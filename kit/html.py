"""HTML pieces shared by the widget views, the exports and the workshop summary (no widgets).

Every text from a pack or a learner passes through `esc` (or html.escape) on its way in.
"""

from __future__ import annotations

import base64
import html
from collections.abc import Iterable

MIME = {"html": "text/html", "md": "text/markdown", "json": "application/json"}

STATUS = {  # kind -> (what it is called in words, colour); words first, colour only adds
    "info": ("Note", "#1f4e79"),
    "error": ("Cannot do that yet", "#8a1c1c"),
    "ok": ("Saved", "#1e5e2e"),
    "warning": ("Warning", "#7a4b00"),
}


def esc(text: str | None) -> str:
    """Escaped text with its paragraphs and line breaks kept."""
    if not text:
        return ""
    paras = [html.escape(p.strip()).replace("\n", "<br>") for p in str(text).split("\n\n") if p.strip()]
    return "".join(f"<p>{p}</p>" for p in paras)


def bullet_list(items: Iterable) -> str:
    """An escaped <ul>, or nothing for no items."""
    rows = "".join(f"<li>{html.escape(str(i))}</li>" for i in items)
    return f"<ul>{rows}</ul>" if rows else ""


def message(text: str, kind: str = "info") -> str:
    """A status line that screen readers announce; its kind is in words, not only colour."""
    label, colour = STATUS[kind]
    return (f'<div role="status" aria-live="polite" class="kit-status kit-status-{kind}" '
            f'style="color:{colour};margin:4px 0"><strong>{label}:</strong> {html.escape(text)}</div>')


def download_link(name: str, data: bytes, mime: str) -> str:
    """A link that downloads the given bytes as a file (works in JupyterLab and Voila alike)."""
    encoded = base64.b64encode(data).decode("ascii")
    return (f'<p><a download="{html.escape(name, quote=True)}" href="data:{mime};base64,{encoded}">'
            f"Download {html.escape(name)}</a></p>")


def details(summary: str, body: str, *, opened: bool = False) -> str:
    """A section a person can open and close; body is HTML already escaped."""
    return f"<details{' open' if opened else ''}><summary>{html.escape(summary)}</summary>{body}</details>"


def words_html(lines: list[str], summary: str = "The chart in words", *, opened: bool = False) -> str:
    """A chart's text alternative as a list a person can open (escaped)."""
    return details(summary, bullet_list(lines), opened=opened)


def img_html(svg: bytes, alt: str) -> str:
    """An SVG image with its text alternative as alt text, for widgets and exports."""
    data = base64.b64encode(svg).decode("ascii")
    return (f'<img src="data:image/svg+xml;base64,{data}" alt="{html.escape(alt, quote=True)}" '
            'style="max-width:100%;height:auto">')
