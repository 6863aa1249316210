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
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~>])")


def md_escape(text: str) -> str:
    """Learner text shown literally in Markdown: specials backslashed, HTML characters as entities."""
    text = str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MD_SPECIAL.sub(r"\\\1", text).replace("\n", "  \n")


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


def to_markdown(rec: Record) -> str:
    e = md_escape
    w = _words()
    out = ["# Reflective record", ""]
    if rec.learner:
        out.append(f"Pseudonym: **{e(rec.learner)}**  ")
    out += [f"Record id: {e(rec.learner_id)}  ", f"Exported: {rec.exported_at[:10]}  ",
            f"Active time: about {round(rec.minutes_active_total)} minutes", "",
            "## PCF domains I have evidence for", ""]
    out += [f"- {e(w['domain'](d))}" for d in rec.pcf_domains_covered] or ["- None yet."]
    for c in rec.cases:
        out += ["", f"## {e(c.title)}", "",
                f"Decisions committed: {len(c.decisions)} of {c.points_total}; about {round(c.minutes_active)} minutes.", ""]
        for i, d in enumerate(c.decisions, 1):
            out += [f"### {i}. {e(point_name(d))}", ""] + ([f"{e(d.when)}", ""] if d.title else [])
            out += [f"*{e(d.question)}*", ""] if d.question else []
            out.append(f"- **My decision** (confidence {d.confidence} of 5): {e(d.option_text or d.option_id)}")
            if d.rationale:
                out.append(f"- **My reasons:** {e(d.rationale)}")
            if d.change_mind:
                out.append(f"- **What would change my mind:** {e(d.change_mind)}")
            if d.relied_on:
                out.append(f"- **What I said my reasons rested on** (before seeing what happened): "
                           f"{e(w['considerations'](d.relied_on))}")
            out.append(f"- **What was done**{' (same as mine)' if d.matched_actual else ''}: "
                       f"{e(d.actual_option_text or d.actual_option_id)}")
            if d.what_happened:
                out.append(f"- **What happened:** {e(d.what_happened)}")
            if d.review_finding:
                out.append(f"- **What the review found**{' (my choice is consistent with its findings as reported)' if d.matched_review else ''}: "
                           f"{e(d.review_finding)}")
            out += [f"- **Second thought:** {e(t)}" for t in d.second_thoughts or []]
            out.append("")
        for db in c.debates:
            out += [f"### Debate: {e(db.title)}", ""]
            for k in db.codes:
                mine, kit, note = _code_words(k)
                out.append(f"- **{e(k.author)}.** My placing: {e(mine)}; whom it holds accountable: "
                           f"{e(w['people'](k.holds_accountable))}. The kit's coding: {e(kit)}; whom: "
                           f"{e(w['people'](k.kit_holds_accountable))}.{' ' + e(note[0].upper() + note[1:] + '.') if note else ''}")
            if db.position:
                out.append(f"- **My position:** {e(db.position)}")
            if db.other_side:
                out.append(f"- **The strongest case for the other side:** {e(db.other_side)}")
            if db.moved:
                out.append(f"- **Whether arguing the other side moved me:** {e(db.moved)}")
            out.append("")
        if c.attribution:
            out += ["### Where I place the reasons", ""]
            out += [f"- {e(w['level'](k))}: {RATING_SCALE.get(v, v)}" for k, v in c.attribution.items()] + [""]
        if c.reflection:
            out += ["### Reflection (Gibbs)", ""]
            out += [f"- **{label}:** {e(c.reflection[key])}" for key, label, _ in GIBBS if c.reflection.get(key)]
            out.append("")
        if c.pcf_evidence:
            out += ["### My evidence against the PCF", ""]
            out += [f"- **{e(w['domain'](d))}:** {e(c.pcf_evidence[d])}" for d in c.pcf_domains if c.pcf_evidence.get(d)]
            out.append("")
        if c.cpd:
            out += ["### CPD entry", ""]
            out += [f"- **{label}:** {e(c.cpd[key])}" for key, label, _ in CPD if c.cpd.get(key)]
            if c.cpd.get("standard"):
                out.append(f"- **Standard:** {e(c.cpd['standard'])}")
            text = cpd_text(c.cpd)
            fence = _fence(text)
            out += ["", "As plain text for Social Work England's online form:", "", fence + "text", text, fence, ""]
    if rec.exercises:
        out += ["", "## Exercises", ""]
        for title in dict.fromkeys(x.exercise for x in rec.exercises):
            out += [f"### {e(title)}", ""]
            out += [f"- **{e(x.question)}**  \n  {e(x.answer)}" for x in rec.exercises if x.exercise == title]
            out.append("")
    return "\n".join(out).rstrip() + "\n"


def _chart(case) -> str:
    from .charts import comparison_chart, comparison_text, image_html

    if not case.decisions:
        return ""
    df = pd.DataFrame([{"committed": True, "when": d.when, "label": point_name(d), "titled": bool(d.title),
                        "matched_actual": d.matched_actual,
                        "matched_review": d.matched_review, "confidence": d.confidence} for d in case.decisions])
    text = comparison_text(df)
    return image_html(lambda: comparison_chart(df), text)  # one chart per case; a sentence if it cannot be drawn


def to_html(rec: Record) -> str:
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    from .vocabulary import load_vocabulary

    env = Environment(loader=FileSystemLoader(templates_dir()), autoescape=select_autoescape(default=True))
    vocab = load_vocabulary()
    return env.get_template("record.html.j2").render(
        rec=rec, charts={c.pack_id: _chart(c) for c in rec.cases},
        domains=[vocab.label("pcf_domains", d) for d in rec.pcf_domains_covered],
        gibbs=[(k, label) for k, label, _ in GIBBS], cpd=[(k, label) for k, label, _ in CPD],
        scale=RATING_SCALE, words=_words(), code_words=_code_words, cpd_text=cpd_text, point_name=point_name,
        exercises={title: [x for x in rec.exercises if x.exercise == title]
                   for title in dict.fromkeys(x.exercise for x in rec.exercises)})


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
