"""A pack's README.md (the educator notes, with the template's headings) written from its
pack.yaml and workshop plans, for a pack made on the authoring page."""

from __future__ import annotations

from collections.abc import Callable

from .models import Pack
from .vocabulary import load_vocabulary

AUTHORED = "<!-- written by kit author from pack.yaml; edit freely: kit author leaves an edited README alone -->"


def readme_text(pack: Pack) -> str:
    """The educator notes (the template's headings), filled from the pack and its plans."""
    vocab = load_vocabulary()
    one: Callable[[object], str] = lambda s: " ".join(str(s).split())  # noqa: E731 - a local helper for one line of text
    out = [f"# {one(pack.title)}", "", AUTHORED, "", f"Educator notes for the `{pack.id}` case pack. Learners do "
           "not see this file.", "", "## Content note", "", one(pack.content_note), "", "## What the case is about",
           "", one(pack.summary), "", "## Learning objectives", "",
           "To write: three or four things learners can do by the end, each with its PCF domain"
           + (f" (the points touch {', '.join(vocab.label('pcf_domains', d) for d in pack.pcf_domains)})."
              if pack.pcf_domains else "."), ""]
    for plan in pack.plans or []:
        out += [f"## Running it in {plan.minutes} minutes (plan `{plan.id}`)", "", one(plan.title) + ".", ""]
        if plan.why:
            out += [one(plan.why), ""]
        out += [f"{n}. {one(pack.point_label(pid))} ({one(point.when)})"
                for n, pid in enumerate(plan.points, 1)
                if (point := pack.point(pid)) is not None] + [""]  # a valid pack's plans name only its points
    if not pack.plans:
        out += ["## Running it in a session", "", "To write: timed steps (or add a plan on the authoring page).", ""]
    out += ["## Key terms", "", "To write: the process terms the case uses, glossed.", "",
            "## Where groups tend to split", "", "To write: the decision points that divide a room, and why.", "",
            "## Support", "", "Set local support before the session: university wellbeing service, practice "
            "educator, and helplines. Tell learners they can step out without giving a reason.", "",
            "## Source", "", f"{one(pack.source.review)}" + (f" ({pack.source.year})" if pack.source.year else "")
            + ". Drawn from:", ""]
    out += [f"- {one(a.publisher)}: \"{one(a.title)}\"" + (f", {a.date.isoformat()}" if a.date else "")
            for a in pack.source.articles]
    return "\n".join(out) + "\n"
