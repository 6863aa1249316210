"""A workshop room as the projector and the handout show it (HTML, no widgets).

The board: the point being decided with its situation and what was known, "decided of joined",
each option's words with its count as a whole number and a bar, confidence as a small chart, how
the room moved between its first and second vote, and the reasons learners chose to share. What
was done and what the review found are marked only once the facilitator has released them.

The handout (`kit room close --summary`, the console's button): one printable page of this room
only, per point the first and second votes, confidence, what was done and the finding, late votes
and votes from before the room apart, the room's reasoning patterns and the shared reasons.
"""

from __future__ import annotations

import html as _html
from collections import Counter

from .html import bullet_list, esc, sentence
from .models import DecisionPoint, Pack
from .vocabulary import CONFIDENCE_SCALE, RATING_SCALE, load_vocabulary

LETTERS = "ABCDEFGHIJ"
BAR = "#0b5cad"


def words(text: str) -> str:
    return _html.escape(" ".join(str(text).split()))


def bars_html(rows: list[tuple[str, int, str]], total: int, caption: str, *, large: bool = True) -> str:
    """A table of labelled counts, each with a bar under its words: (words, whole count, a note)."""
    size = "1.15em" if large else "1em"
    body = []
    for label, n, note in rows:
        width = 0 if total <= 0 else round(100 * n / total)
        bar = (f'<div aria-hidden="true" style="background:{BAR};height:0.7em;margin-top:0.15em;width:{width}%;'
               f'min-width:{3 if n else 0}px"></div>')
        body.append(f'<tr><th scope="row" style="text-align:left;font-weight:normal;padding:0.25em 0.8em 0.25em 0;'
                    f'vertical-align:top">{label}{f" <strong>({_html.escape(note)})</strong>" if note else ""}{bar}</th>'
                    f'<td style="text-align:right;white-space:nowrap;vertical-align:top;padding:0.25em 0">'
                    f"<strong>{n}</strong> of {total}</td></tr>")
    return (f'<table class="kit-room-bars" style="width:100%;border-collapse:collapse;font-size:{size}">'
            f'<caption style="text-align:left;font-weight:bold">{_html.escape(caption)}</caption>'
            + "".join(body) + "</table>")


# On the console's page only: a wider column than the reading column, so a projector's width is used.
WIDE = ("<style>body[data-voila] #rendered_cells > div:has(.kit-room-board),"
        "body[data-voila] main.kit-page:has(.kit-room-board){max-width:min(96vw,112rem)}</style>")


def option_rows(point: DecisionPoint, counts: dict[str, int], released: bool, finding: bool) -> list:
    rows = []
    for i, o in enumerate(point.options):
        notes = (["what was done"] if released and o.actual else []) + (
            ["consistent with the review as reported"] if finding and o.review_supported else [])
        rows.append((f"<strong>{LETTERS[i]}</strong> {words(o.text)}", counts.get(o.id, 0), "; ".join(notes)))
    return rows


def confidence_html(conf: dict[str, int], caption: str = "Confidence") -> str:
    """Confidence 1-5 as a small chart of whole counts with the scale's words."""
    total = sum(conf.values())
    rows = [(f"{k} {_html.escape(CONFIDENCE_SCALE[k])}", conf.get(str(k), 0), "") for k in CONFIDENCE_SCALE]
    return bars_html(rows, total, caption, large=False)


def moved_html(point: DecisionPoint, p: dict) -> str:
    """How the room moved from its first vote to its second (only learners who voted twice)."""
    second = p["second"]
    if not second["decided"]:
        return ""
    letter = {o.id: LETTERS[i] for i, o in enumerate(point.options)}
    stayed = sum(m["learners"] for m in p["moved"] if m["from"] == m["to"])
    changed = [f"{m['learners']} from {letter.get(m['from'], '?')} to {letter.get(m['to'], '?')}"
               for m in p["moved"] if m["from"] != m["to"]]
    n = second["decided"]
    line = (f"{n} voted again after talking in pairs: {stayed} kept their choice"
            + (f"; {', '.join(changed)}" if changed else "") + ".")
    rows = [(f"<strong>{letter[o.id]}</strong> first {p['options'].get(o.id, 0)}", second["options"].get(o.id, 0),
             "") for o in point.options]
    return (f"<h3>After talking in pairs</h3><p>{_html.escape(line)}</p>"
            + bars_html(rows, n, "Second vote, by option (first vote beside each letter)", large=False))


def board_html(pack: Pack, status: dict, p: dict, index: int) -> str:
    """The projector board for one point: the room's state first, then the situation."""
    point = pack.point(p["point"])
    if point is None:  # a point no longer in the case: no board (the handout leaves it out too)
        return ""
    joined, decided = status["joined"], p["decided"]
    head = (f'<p style="font-size:1.6em;margin:0.2em 0"><strong>{decided}</strong> of <strong>{joined}</strong> '
            f"{'learner' if joined == 1 else 'learners'} in the room {'has' if decided == 1 else 'have'} decided</p>")
    apart = [f"{p[k]['decided']} {w}" for k, w in (("late", "decided after the reveal (counted apart)"),
                                                   ("before", "decided on their own before the room (counted apart)"))
             if p[k]["decided"]]
    parts = [head, f"<p>{_html.escape('; '.join(apart))}.</p>" if apart else "",
             bars_html(option_rows(point, p["options"], p["released"], p["finding_released"]), decided,
                       f"Point {index + 1}: {' '.join(point.question.split())}"),
             moved_html(point, p) if p["revote"] else ""]
    side = [confidence_html(p["confidence"], "How confident the room was")]
    reasons = p["shared_reasons"] + p["second"]["shared_reasons"]
    side.append("<h3>Reasons learners chose to share</h3>" + bullet_list(reasons) if reasons else
                "<p>No learner has chosen to share their reasons at this point yet.</p>")
    known = [" ".join(k.text.split()) for k in point.known_at_the_time]
    situation = (f"<h3>The situation: {words(point.title or point.when)}</h3>{esc(point.situation)}"
                 + ("<h4>What was known then</h4>" + bullet_list(known) if known else ""))
    finding = (f"<h3>What the review found</h3>{esc(point.review_finding)}" if p["finding_released"] else "")
    what = f"<h3>What happened</h3>{esc(point.what_happened)}" if p["released"] else ""
    return (WIDE + '<div class="kit-room-board" style="display:flex;flex-wrap:wrap;gap:1.5em">'
            f'<div style="flex:3 1 36em;min-width:0">{"".join(parts)}{what}{finding}</div>'
            f'<div style="flex:2 1 22em;min-width:0">{"".join(side)}</div></div>'
            f'<div class="kit-room-situation">{situation}</div>')


def opening(text: str, n: int = 10) -> str:
    """A comment's first words, enough to tell one comment by a commenter from another."""
    said = text.split()
    return " ".join(said[:n]) + (" …" if len(said) > n else "")


def debate_board_html(pack: Pack, status: dict, placed_only: bool = False) -> str:
    """The room's placings of each comment on the two scales: a small grid per comment, with its words.
    The console names each comment nobody has placed yet; a handout (`placed_only`) counts them in a line."""
    debate = pack.debates[0] if pack.debates else None
    placed = status.get("debate") or {}
    if debate is None:
        return ""
    blocks = []
    unplaced = 0
    for c in debate.comments:
        got = [tuple(x) for x in placed.get(c.id, [])]
        # One commenter may write several comments: each is named by its opening words too.
        name = f"<strong>{_html.escape(c.author)}</strong>, “{_html.escape(opening(c.text))}”"
        if not got:
            unplaced += 1
            if not placed_only:
                blocks.append(f"<p>{name}: nobody has placed this comment yet.</p>")
            continue
        cells = Counter(got)
        label = _html.escape(f"How the room placed {c.author}'s comment “{opening(c.text)}”", quote=True)
        svg = [f'<svg role="img" aria-label="{label}" viewBox="0 0 130 140" '
               'width="195" height="210"><rect x="25" y="5" width="100" height="100" fill="none" stroke="#666"/>']
        for (a, ctx), n in cells.items():
            x, y = 37 + 25 * a, 93 - 25 * ctx
            svg.append(f'<circle cx="{x}" cy="{y}" r="{min(11, 4 + 2 * n)}" fill="{BAR}" opacity="0.8"/>'
                       f'<text x="{x}" y="{y + 4}" font-size="10" text-anchor="middle" fill="#fff">{n}</text>')
        svg.append('<text x="75" y="119" font-size="9" text-anchor="middle">holds individuals</text>'  # two lines: whole
                   '<text x="75" y="130" font-size="9" text-anchor="middle">accountable →</text>'
                   '<text x="10" y="55" font-size="9" text-anchor="middle" transform="rotate(-90 10 55)">'
                   "context and system →</text></svg>")
        mean_a = sum(a for a, _ in got) / len(got)
        mean_c = sum(b for _, b in got) / len(got)
        said = (f"{len(got)} placed it. Holds individuals accountable: most often "
                f"{RATING_SCALE[Counter(a for a, _ in got).most_common(1)[0][0]]} (average {mean_a:.1f} of 3). "
                f"Points to context and system: most often {RATING_SCALE[Counter(b for _, b in got).most_common(1)[0][0]]} "
                f"(average {mean_c:.1f} of 3).")
        blocks.append('<figure style="display:inline-block;vertical-align:top;width:17em;margin:0 1em 1em 0">'
                      + "".join(svg) + f"<figcaption>{name}. "
                      f"{_html.escape(said)}</figcaption></figure>")
    return (f"<h3>The debate: how the room placed each comment</h3><p>{_html.escape(sentence(debate.title))} "
            "Each comment on two scales, 0 (not at all) to 3 (a great deal); a circle is how many placed it there.</p>"
            + "".join(blocks)
            + (f"<p>The room did not place the other {unplaced} comment{'s' if unplaced != 1 else ''}.</p>"
               if placed_only and unplaced else ""))


def patterns_html(pack: Pack, counted_options: list[tuple[str, str]]) -> str:
    """The reasoning the room's first choices relied on (format 1.1 options name it), most often first."""
    vocab = load_vocabulary()
    slugs: Counter = Counter()
    for pid, oid in counted_options:
        point = pack.point(pid)
        option = point.option(oid) if point else None
        for slug in (option.relies_on or ()) if option else ():
            slugs[slug] += 1
    lines = []
    for slug, n in slugs.most_common():
        term = vocab.term("reasoning", slug)
        if term is None:
            continue
        question = f" A question for the room: {term.question}" if term.question else ""
        lines.append(f"{term.label} ({'a habit the literature recommends' if term.kind == 'strength' else 'a pattern the literature cautions about'}): "
                     f"{n} {'choice' if n == 1 else 'choices'} relied on it.{question}")
    return ("<h2>The room's reasoning patterns</h2><p>Read from the options the room chose (each names what it relies "
            "on), not from anyone's written reasons, and never as a mark.</p>" + bullet_list(lines)) if lines else ""


HANDOUT_STYLE = ("body{font-family:Georgia,serif;font-size:11pt;line-height:1.45;max-width:180mm;margin:auto;"
                 "padding:1em;color:#111}h1,h2,h3{font-family:Arial,sans-serif}h2{margin-top:1.6em;"
                 "page-break-after:avoid}section{page-break-inside:avoid}@page{size:A4;margin:16mm}")


def handout_html(pack: Pack, status: dict, counted_options: list[tuple[str, str]]) -> str:
    """One printable page of this room only: nothing empty, nobody named, no hand-in wording."""
    sections = []
    for i, p in enumerate(status["points"]):
        point = pack.point(p["point"])
        if point is None or not (p["opened"] or p["before"]["decided"]):
            continue
        parts = [f"<h2>Point {i + 1}: {words(point.title or point.when)}</h2>"
                 f"<p><em>{words(point.question)}</em></p>"]
        if p["decided"]:
            parts.append(bars_html(option_rows(point, p["options"], True, True), p["decided"],
                                   f"The room's first vote ({p['decided']} decided before the reveal)", large=False))
            parts.append(confidence_html(p["confidence"], "How confident the room was"))
        else:
            parts.append("<p>Nobody in the room voted at this point before its reveal.</p>")
        if p["second"]["decided"]:
            parts.append(moved_html(point, p))
        for key, title in (("late", "Decided after the reveal (counted apart)"),
                           ("before", "Decided alone before the room (counted apart)")):
            if p[key]["decided"]:
                parts.append(bars_html(option_rows(point, p[key]["options"], True, True), p[key]["decided"], title,
                                       large=False))
        parts.append(f"<h3>What was done</h3>{esc(point.what_happened)}")
        parts.append(f"<h3>What the review found</h3>{esc(point.review_finding)}")
        reasons = p["shared_reasons"] + p["second"]["shared_reasons"]
        if reasons:
            parts.append("<h3>Reasons learners chose to share</h3>" + bullet_list(reasons))
        sections.append("<section>" + "".join(parts) + "</section>")
    joined = status["joined"]
    intro = (f"<p>{joined} {'learner' if joined == 1 else 'learners'} joined this room. The counts are of the room's "
             "choices, never of anyone by name; a letter marks each option in the order the case gives them.</p>")
    debate = debate_board_html(pack, status, placed_only=True) if status.get("debate") else ""
    return ("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<title>Workshop room: {words(pack.title)}</title><style>{HANDOUT_STYLE}</style></head><body>"
            f"<h1>How the room decided: {words(pack.title)}</h1>{intro}" + "".join(sections)
            + patterns_html(pack, counted_options) + debate + "</body></html>")


def room_handout(room) -> str:
    """The handout of a room (kit/room.Room): its status and the options its counted first votes chose."""
    from .roomtally import counted

    st, pack = room.state(), room.pack()
    status = room.status()
    kept = counted(st, pack, room.votes(), Counter())
    released = {pid: st.times.get(f"released:{pid}") for pid in st.points}
    chosen = [(v.point, v.option) for (_voter, pid, rnd, before), v in kept.items()
              if rnd == 1 and not before and not v.late and (released[pid] is None or v.mtime <= released[pid] + 2)]
    return handout_html(pack, status, chosen)


def write_handout(room, path) -> str:
    """Write the room's handout to path (atomically); returns the path written."""
    from pathlib import Path

    from .files import write_atomic

    return str(write_atomic(Path(path), room_handout(room)))
