"""What a learner reads after committing a decision, in the systems order (SCIE's Learning Together):
what happened, then why it may have made sense at the time, then what the review found; then the
options, what to reflect on, and second thoughts. And the kit's own readings, marked as the kit's."""

from __future__ import annotations

import html as _html

from ..html import bullet_list, esc, message
from ..session import Reveal
from ..vocabulary import load_vocabulary

COMPARED = "consistent with the review's findings as reported"


def kit_reading_html(note: str | None) -> str:
    """A format 1.1 kit_reading marker as learners see it: visibly the kit's, not the source's."""
    if not note:
        return ""
    return f'<br><span class="kit-reading"><em>The kit&#x27;s reading:</em> {_html.escape(" ".join(note.split()))}</span>'


def marked_list(items) -> str:
    """A list of (text, kit_reading) pairs, each reading shown under its item; nothing for no items."""
    rows = "".join(f"<li>{_html.escape(text)}{kit_reading_html(note)}</li>" for text, note in items)
    return f"<ul>{rows}</ul>" if rows else ""


def reveal_html(r: Reveal, second_thoughts: list[str]) -> str:
    """The reveal in the systems order (SCIE's Learning Together): what happened, then why it may have
    made sense at the time, then what the review found; then the options, what to reflect on and
    second thoughts."""
    if r.held:  # a workshop room releases why it made sense and what the review found later
        return held_reveal_html(r)
    parts = [_what_happened(r), _made_sense(r), _review_found(r), _about_options(r)]
    if r.point.reflection_prompts:
        parts += ["<h4>To reflect on</h4>", bullet_list(r.point.reflection_prompts)]
    if second_thoughts:
        parts += ["<h4>Your second thoughts</h4>", bullet_list(second_thoughts)]
    parts += ["<h4>A second thought</h4><p>Not with what you know now: with only what was known at the time, "
              "what would you do differently, if anything? What would you have needed to know, and from whom?</p>"]
    return '<div class="kit-reveal">' + "".join(parts) + "</div>"


def held_reveal_html(r: Reveal) -> str:
    """What happened only, while a workshop room holds the rest until the facilitator releases it."""
    return '<div class="kit-reveal">' + _what_happened(r) + message(r.held or "", "info") + "</div>"


def _what_happened(r: Reveal) -> str:
    same = "the same as" if r.matched_actual else "different from"
    return (f"<h4>What happened</h4>{esc(r.what_happened)}"
            f"<p>Your choice was <strong>{same}</strong> what was done.</p>")


def _made_sense(r: Reveal) -> str:
    vocab = load_vocabulary()
    parts = ["<h4>Why it may have made sense at the time</h4>"]
    for level, factors in r.factors_by_level.items():
        parts.append(f"<h5>{_html.escape(vocab.label('levels', level))}</h5>"
                     + marked_list((f.factor, f.kit_reading) for f in factors))
    return "".join(parts)


def _review_found(r: Reveal) -> str:
    parts = ["<h4>What the review found</h4>", esc(r.review_finding)]
    if r.review_quote:
        parts.append(f"<blockquote>&ldquo;{_html.escape(r.review_quote)}&rdquo; (the review)</blockquote>")
    review = "is" if r.matched_review else "is not one of the options"
    parts.append(f"<p>Your choice <strong>{review}</strong> {_html.escape(COMPARED)}.</p>")
    return "".join(parts)


def _about_options(r: Reveal) -> str:
    parts = []
    if r.feedback or r.chosen.kit_reading:
        parts += ["<h4>About your choice</h4>", esc(r.feedback), _reading_para(r.chosen.kit_reading)]
    if not r.matched_actual and (r.actual.feedback or r.actual.kit_reading):
        parts += ["<h4>About what was actually done</h4>", esc(r.actual.feedback), _reading_para(r.actual.kit_reading)]
    others = [(o.text, o.kit_reading) for o in r.point.options
              if o.kit_reading and o.id not in (r.chosen.id, r.actual.id)]
    if others:
        parts += ["<h4>The other options</h4>", marked_list(others)]
    return "".join(parts)


def _reading_para(note: str | None) -> str:
    return f"<p>{kit_reading_html(note).removeprefix('<br>')}</p>" if note else ""
