"""Export a learner's reflective record as Markdown, one self-contained HTML file, or JSON.

Learner text is escaped in every format: HTML through jinja2's autoescape, Markdown by
escaping its special characters, JSON by the encoder. The HTML embeds its charts, so it
reads and prints (A4) without Jupyter or a network.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pandas as pd

from .debate import one_scale_words
from .errors import KitError
from .files import why, write_atomic
from .learner import check_learner
from .record import Record, build_record, to_json
from .reflection import CPD, GIBBS, cpd_text
from .settings import kit_home, templates_dir
from .vocabulary import RATING_SCALE

FORMATS = ("md", "html", "json")
_MD_INLINE = re.compile(r"([\\`*_\[\]|~])")  # emphasis, code, links and images, table cells, strikethrough
_MD_LINE_START = re.compile(r"^([ \t]*)([#>+=-])", re.M)  # a heading, quote, list item or underline
_MD_NUMBERED = re.compile(r"^([ \t]*\d+)([.)])", re.M)  # "1." or "1)" starting a line: a numbered list


def md_escape(text: object) -> str:
    """Learner or pack text shown literally in Markdown, escaped only where Markdown would read it:
    emphasis, code, links, table cells and, at the start of a line, headings, quotes and lists;
    HTML characters as entities. Full stops and brackets inside a sentence stay as they are."""
    text = str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _MD_INLINE.sub(r"\\\1", text)
    text = _MD_LINE_START.sub(r"\1\\\2", text)
    text = _MD_NUMBERED.sub(r"\1\\\2", text)
    return text.replace("\n", "  \n")


def _words():
    """Labels for the internal codes a record holds (levels, PCF domains, who is held accountable)."""
    from .vocabulary import load_vocabulary

    vocab = load_vocabulary()
    return {
        "level": lambda slug: vocab.label("levels", slug),
        "domain": lambda slug: vocab.label("pcf_domains", slug),
        "people": lambda slugs: ", ".join(vocab.label("holds_accountable", s) for s in slugs) or "nobody named",
        "considerations": lambda slugs: "; ".join(vocab.consideration(s) for s in slugs),
    }


def point_name(d) -> str:
    """A decision's point as the record names it: its title, or when it happened (a version-1 pack)."""
    return d.title or d.when


def _code_words(k) -> tuple[str, str, str]:
    """(my placing, the kit's coding, a note) for one comment, in words."""
    mine = (f"holds individuals accountable {RATING_SCALE[k.accountability]}; "
            f"points to context and system {RATING_SCALE[k.context]}")
    kit = (f"holds individuals accountable {RATING_SCALE[k.kit_accountability]}; "
           f"points to context and system {RATING_SCALE[k.kit_context]}")
    notes = []
    if k.one_scale is not None:
        notes.append(f"my placing was made on the earlier single scale, at {one_scale_words(k.one_scale)}, "
                     "and is read on the two scales")
    if k.kit_one_scale is not None:
        notes.append("the kit's coding was made on one scale and is read on the two")
    return mine, kit, "; ".join(notes)


def _fence(text: str) -> str:
    """A fence longer than any run of backticks in the text, so the text cannot close it."""
    longest = max((len(m) for m in re.findall(r"`+", text)), default=0)
    return "`" * max(3, longest + 1)


def _chart(case) -> str:
    from .charts import comparison_chart, comparison_text, image_html

    if not case.decisions:
        return ""
    df = pd.DataFrame([{"committed": True, "when": d.when, "label": point_name(d), "titled": bool(d.title),
                        "matched_actual": d.matched_actual,
                        "matched_review": d.matched_review, "confidence": d.confidence} for d in case.decisions])
    text = comparison_text(df)
    return image_html(lambda: comparison_chart(df), text)  # one chart per case; a sentence if it cannot be drawn


def _template(name: str, markdown: bool = False):
    """One of the record's two templates: HTML escaped by jinja2's autoescape, Markdown by md_escape
    on every value the template writes (a value marked |safe is written as it is)."""
    from jinja2 import Environment, FileSystemLoader, select_autoescape
    from markupsafe import Markup

    if markdown:
        env = Environment(loader=FileSystemLoader(templates_dir()), autoescape=False, trim_blocks=True,
                          lstrip_blocks=True, keep_trailing_newline=True,
                          finalize=lambda v: v if isinstance(v, Markup) else md_escape(v))
    else:
        env = Environment(loader=FileSystemLoader(templates_dir()), autoescape=select_autoescape(default=True))
    return env.get_template(name)


def _record_context(rec: Record) -> dict:
    """What both renderings of the record walk: the record and the words for its codes."""
    from .vocabulary import load_vocabulary

    vocab = load_vocabulary()
    return dict(rec=rec, domains=[vocab.label("pcf_domains", d) for d in rec.pcf_domains_covered],
                gibbs=[(k, label) for k, label, _ in GIBBS], cpd=[(k, label) for k, label, _ in CPD],
                scale=RATING_SCALE, words=_words(), code_words=_code_words, cpd_text=cpd_text,
                point_name=point_name, exercises={title: [x for x in rec.exercises if x.exercise == title]
                           for title in dict.fromkeys(x.exercise for x in rec.exercises)})


def to_markdown(rec: Record) -> str:
    """The record as Markdown (record.md.j2)."""
    text = _template("record.md.j2", markdown=True).render(**_record_context(rec), fence_for=_fence)
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"


def to_html(rec: Record) -> str:
    """The record as one self-contained HTML file (record.html.j2), its charts embedded."""
    return _template("record.html.j2").render(**_record_context(rec),
                                              charts={c.pack_id: _chart(c) for c in rec.cases})


def render(rec: Record, fmt: str) -> str:
    if fmt not in FORMATS:
        raise KitError(f"'{fmt}' is not an export format; use one of: {', '.join(FORMATS)}.")
    return {"md": to_markdown, "html": to_html, "json": to_json}[fmt](rec)


def export_name(learner: str, case: str | None, fmt: str) -> str:
    """record-<pseudonym>-<8 hex>[-<case>].<fmt>. The hex is a hash of the exact pseudonym, so
    'Robin Smith', 'Robin-Smith' and 'Robin.Smith' (or 'Robin' and 'robin' on a disk that ignores
    case) never share a file and never overwrite each other's record."""
    name = check_learner(learner)
    safe = re.sub(r"[^\w-]+", "-", name).strip("-") or "learner"
    tag = hashlib.sha256(name.encode("utf-8")).hexdigest()[:8]
    part = re.sub(r"[^\w-]+", "-", Path(case).name).strip("-") if case else ""
    return f"record-{safe}-{tag}{'-' + part if part else ''}.{fmt}"


def render_export(learner: str, case: str | None = None, fmt: str = "html", *,
                  include_text: bool = True) -> tuple[str, bytes]:
    """The record's file name and bytes, built from this kernel's journal (work held in memory too)."""
    rec = build_record(learner, case, include_text=include_text)
    return export_name(learner, case, fmt), render(rec, fmt).encode("utf-8")


def default_export_path(name: str) -> Path:
    return kit_home() / "exports" / name


def export_record(learner: str, case: str | None = None, fmt: str = "html", output: str | Path | None = None,
                  *, include_text: bool = True) -> Path:
    """Write the record to a file (default: KIT_HOME/exports/) and return its path."""
    name, data = render_export(learner, case, fmt, include_text=include_text)
    path = Path(output) if output is not None else default_export_path(name)
    try:
        write_atomic(path, data)
    except OSError as exc:
        raise KitError(f"Could not write {path} ({why(exc, path)}). Choose another file with -o.") from None
    return path
