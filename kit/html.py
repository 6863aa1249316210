"""HTML pieces shared by the widget views, the exports and the workshop summary (no widgets).

Every text from a pack or a learner passes through `esc` (or html.escape) on its way in.
"""

from __future__ import annotations

import base64
import html
from collections.abc import Iterable

MIME = {"html": "text/html", "md": "text/markdown", "json": "application/json"}

STATUS = {  # kind -> what it is called in words (the stylesheet adds a colour; words come first)
    "info": "Note",
    "error": "Cannot do that yet",
    "ok": "Saved",
    "warning": "Warning",
}


def sentence(text: str) -> str:
    """Text as one sentence: white space folded, a full stop unless it ends with its own (a question keeps
    its mark)."""
    text = " ".join(text.split())
    return text if text.endswith((".", "?", "!")) else text + "."


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
    return (f'<div role="status" class="kit-status kit-status-{kind}"><strong>{STATUS[kind]}:</strong> '
            f"{html.escape(text)}</div>")


def callout(body: str, kind: str = "note") -> str:
    """A set-apart box (kind: note, support or warning) around HTML that is already escaped."""
    return f'<div class="kit-callout kit-callout-{kind}">{body}</div>'


def table_html(columns: list[str], rows: Iterable[Iterable], *, caption: str = "", row_headers: bool = True,
               stack: bool = True) -> str:
    """An accessible table: headings with their scope, each cell labelled with its column (so a
    narrow screen shows each row as a card, unless `stack` is False for a small table), the first
    cell of a row as its heading. Cells are
    plain text (escaped; a list becomes a bulleted list, None or NaN 'not stated') or
    `Markup` (HTML already escaped)."""
    head = "".join(f'<th scope="col">{html.escape(c)}</th>' for c in columns)
    body = []
    for row in rows:
        cells = []
        for i, (col, value) in enumerate(zip(columns, row, strict=True)):
            if i == 0 and row_headers:
                cells.append(f'<th scope="row">{cell_html(value)}</th>')
            else:
                cells.append(f'<td data-label="{html.escape(col, quote=True)}">{cell_html(value)}</td>')
        body.append("<tr>" + "".join(cells) + "</tr>")
    cap = f"<caption>{html.escape(caption)}</caption>" if caption else ""
    return f'<table class="kit-table{" kit-stack" if stack else ""}">{cap}<thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>'


class Markup(str):
    """HTML that is already escaped, for a table cell."""


def cell_html(value) -> str:
    """One table cell's contents, escaped."""
    if isinstance(value, Markup):
        return str(value)
    if value is None or (isinstance(value, float) and value != value):
        return "<em>not stated</em>"
    if isinstance(value, list | tuple):
        return bullet_list(value) if value else "<em>none</em>"
    return html.escape(str(value))


def download_link(name: str, data: bytes, mime: str, label: str = "") -> str:
    """A link that downloads the given bytes as a file named name (works in JupyterLab and Voila
    alike); its words are label, or 'Download <name>'."""
    encoded = base64.b64encode(data).decode("ascii")
    return (f'<p><a download="{html.escape(name, quote=True)}" href="data:{mime};base64,{encoded}">'
            f"{html.escape(label or f'Download {name}')}</a></p>")


def details(summary: str, body: str, *, opened: bool = False) -> str:
    """A section a person can open and close; body is HTML already escaped."""
    return f"<details{' open' if opened else ''}><summary>{html.escape(summary)}</summary>{body}</details>"


def words_html(lines: list[str], summary: str = "The chart in words", *, opened: bool = False) -> str:
    """A chart's text alternative as a list a person can open (escaped)."""
    return details(summary, bullet_list(lines), opened=opened)


def figure_html(image: str, words: str) -> str:
    """A chart and its words together (image HTML and words HTML, both already escaped)."""
    return f'<figure class="kit-chart">{image}<figcaption>{words}</figcaption></figure>'


def img_html(svg: bytes, alt: str) -> str:
    """An SVG image with its text alternative as alt text, for widgets and exports."""
    data = base64.b64encode(svg).decode("ascii")
    return (f'<img src="data:image/svg+xml;base64,{data}" alt="{html.escape(alt, quote=True)}" '
            'style="max-width:100%;height:auto">')
