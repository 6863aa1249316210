"""Patterns in a learner's path through a case: read from the sequence of their choices, their
confidence and what they said their reasons rested on, not from one option at a time.

Four patterns, each with the literature's name, where the path showed it (points by their
titles, never ids) and a question; none is a mark, and each can be the sound call on the day:

- not revising (Munro's failure to revise): the same consideration, the same kind of choice or
  the same confidence at three or more points in a row, as each point brought something new;
- starting again (start-again syndrome): later points whose reasons neither name the history
  nor speak of anything earlier, each episode judged as if it stood alone;
- confidence drift: confidence climbing (or falling) steadily across the case;
- high confidence apart from both: confident (4 or 5) in a choice that was neither what was done
  nor consistent with the review's findings as reported.

They need nothing from a pack but its points in order, so they read version-1 packs too.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from functools import partial
from typing import Protocol

from .vocabulary import CONFIDENCE_SCALE, Vocabulary

__all__ = ["PathPattern", "path_patterns", "RUN", "HIGH_CONFIDENCE"]

RUN = 3  # points in a row before an unmoved view is worth a question
HIGH_CONFIDENCE = 4  # 4 or 5 of 5
HISTORY = "history-informed"  # the consideration that names the history
# Words in a learner's reasons that look back: an episode read against what came before.
_LOOKS_BACK = re.compile(
    r"\b(before|previous(ly)?|earlier|again|history|historic(al)?|past|pattern|already|repeat(ed|ing)?|"
    r"last time|since|prior|second|third|another|still|continu\w*|chronolog\w*|escalat\w*|more than once|"
    r"each time|ongoing|cumulative|build(ing)? up)\b", re.IGNORECASE)

OSKAMP = ("Oskamp (1965) Overconfidence in case-study judgments, Journal of Consulting Psychology 29(3); "
          "Munro (2008) Effective Child Protection, 2nd edition.")
KAHNEMAN = ("Kahneman (2011) Thinking, Fast and Slow; Munro (1999) Common errors of reasoning in child "
            "protection work, Child Abuse and Neglect 23(8).")


class Step(Protocol):
    """One committed choice as the path reads it (reasoning.Choice is one)."""

    @property
    def case(self) -> str: ...

    @property
    def point(self) -> str: ...

    @property
    def confidence(self) -> int | None: ...

    @property
    def relies_on(self) -> tuple[str, ...]: ...

    @property
    def said(self) -> tuple[str, ...]: ...

    @property
    def rationale(self) -> str: ...

    @property
    def change_mind(self) -> str: ...

    @property
    def matched_actual(self) -> bool: ...

    @property
    def matched_review(self) -> bool: ...

    def where(self, across_cases: bool) -> str: ...


@dataclass(frozen=True)
class PathPattern:
    """One pattern in the learner's path: its name, where it showed, what it was, and a question."""

    slug: str  # for tests and data; never shown to learners
    label: str
    description: str
    reference: str
    where: tuple[str, ...]  # the points that showed it, in words
    summary: str  # what the learner's path showed, in a sentence or two
    question: str

    def sentences(self) -> list[str]:
        return [self.summary, f"A question to consider: {self.question}"]


_WORDS = ["no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve"]


def number(n: int) -> str:
    """3 -> 'three' (up to twelve), 15 -> '15'."""
    return _WORDS[n] if 0 <= n < len(_WORDS) else str(n)


def and_list(items: Sequence[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    items = list(items)
    return "".join(items) if len(items) < 2 else ", ".join(items[:-1]) + " and " + items[-1]


_and = and_list


def _span(pts: Sequence[str]) -> str:
    """Points in a row, named briefly: all of them up to three, else the first and the last."""
    return _and(pts) if len(pts) <= 3 else f"{number(len(pts))} points in a row, from {pts[0]} to {pts[-1]}"


def _some(pts: Sequence[str]) -> str:
    """Points not necessarily in a row: all of them up to three, else two and how many more."""
    return _and(pts) if len(pts) <= 3 else f"{pts[0]}, {pts[1]} and {number(len(pts) - 2)} other points"


def _runs(steps: Sequence[Step], same: Callable[[Step, Step], bool]) -> list[tuple[int, int]]:
    """(start, end) of each run of RUN or more steps in a row for which same(a, b) holds pairwise."""
    runs: list[tuple[int, int]] = []
    start = 0
    for i in range(1, len(steps) + 1):
        if i == len(steps) or not same(steps[i - 1], steps[i]):
            if i - start >= RUN:
                runs.append((start, i))
            start = i
    return runs


def _both_hold(attr: str, slug: str, x: Step, y: Step) -> bool:
    return slug in getattr(x, attr) and slug in getattr(y, attr)


def _shared(steps: Sequence[Step], attr: str, keep: Callable[[str], bool] = lambda s: True) -> list[tuple[int, int, str]]:
    """Runs of RUN or more steps in a row that all hold one slug in `attr` (the first such slug)."""
    found: list[tuple[int, int, str]] = []
    slugs = dict.fromkeys(s for st in steps for s in getattr(st, attr) if keep(s))
    for slug in slugs:
        for a, b in _runs(steps, partial(_both_hold, attr, slug)):
            if not any(a < e and s < b for s, e, _ in found):  # one run of points is named once
                found.append((a, b, slug))
    return sorted(found)


def _not_revising(steps: Sequence[Step], vocab: Vocabulary, across: bool) -> PathPattern | None:
    term = vocab.term("reasoning", "fixed-view")
    def caution(slug: str) -> bool:  # relying on a strength at every point is no failure to revise
        t = vocab.term("reasoning", slug)
        return t is not None and t.kind == "caution"

    said = _shared(steps, "said", caution)
    kinds = _shared(steps, "relies_on", caution)
    steady = _runs(steps, lambda x, y: x.confidence is not None and x.confidence == y.confidence)
    if not (said or kinds or steady):
        return None
    lines, where = [], []
    for a, b, slug in said:
        pts = [s.where(across) for s in steps[a:b]]
        where += pts
        lines.append(f"At {_span(pts)} you said your reasons rested on the same thing each time: "
                     f"{vocab.consideration(slug)[0].lower()}{vocab.consideration(slug)[1:]}.")
    for a, b, slug in kinds:
        pts = [s.where(across) for s in steps[a:b]]
        where += pts
        lines.append(f"At {_span(pts)} you chose the same kind of step each time: each option leans on "
                     f"{vocab.label('reasoning', slug)[0].lower()}{vocab.label('reasoning', slug)[1:]}.")
    for a, b in steady:
        pts = [s.where(across) for s in steps[a:b]]
        where += pts
        c = steps[a].confidence
        lines.append(f"Your confidence stayed at {c} of 5 ({CONFIDENCE_SCALE.get(c or 0, '')}) from {pts[0]} to "
                     f"{pts[-1]}, {number(len(pts))} points in a row.")
    first = next((s for s in steps if s.where(across) in where and s.change_mind), None)
    if first is not None:
        wrote = " ".join(first.change_mind.split()).rstrip(".")
        lines.append(f"Each point brought something new. At {first.where(across)} you wrote that this would "
                     f"change your mind: \u201c{wrote}\u201d. Did any of it arrive later?")
    else:
        lines.append("Each of those points brought something new.")
    return PathPattern("not-revising", "Munro's failure to revise", term.description if term else "",
                       term.reference if term else "", tuple(dict.fromkeys(where)), " ".join(lines),
                       term.question if term else "What new information came in, and what would it have "
                                                  "taken for you to change your view?")


def looks_back(step: Step) -> bool:
    """True when the learner read this point against what came before: they ticked the history, or
    their reasons (or what would change their mind) speak of something earlier."""
    return HISTORY in step.said or bool(_LOOKS_BACK.search(f"{step.rationale} {step.change_mind}"))


def _starting_again(steps: Sequence[Step], vocab: Vocabulary, across: bool) -> PathPattern | None:
    later = list(steps[1:])
    alone = [s for s in later if not looks_back(s)]
    if len(alone) < 2 or len(alone) * 3 < len(later) * 2:
        return None
    term = vocab.term("reasoning", "start-again")
    pts = [s.where(across) for s in alone]
    summary = (f"At {_some(pts)} your reasons read each point as if it stood alone: you did not tick the "
               "history, and your reasons do not speak of anything that came before. Reviews keep finding "
               "that each episode judged alone hides the pattern the episodes make together.")
    return PathPattern("starting-again", "Start-again syndrome", term.description if term else "",
                       term.reference if term else "", tuple(pts), summary,
                       term.question if term else "What did the history add to this day's picture?")


def _drift(steps: Sequence[Step], across: bool) -> PathPattern | None:
    rated = [s for s in steps if s.confidence is not None]
    if len(rated) < RUN:
        return None
    values = [s.confidence for s in rated if s.confidence is not None]
    rising = all(b >= a for a, b in zip(values, values[1:], strict=False)) and values[-1] - values[0] >= 2
    falling = all(b <= a for a, b in zip(values, values[1:], strict=False)) and values[0] - values[-1] >= 2
    if not (rising or falling):
        return None
    first, last = rated[0], rated[-1]
    moved = "rose" if rising else "fell"
    summary = (f"Your confidence {moved} steadily, from {first.confidence} of 5 at {first.where(across)} to "
               f"{last.confidence} of 5 at {last.where(across)}. Studies of case judgements find that confidence "
               "tends to climb as information accumulates, faster than the judgements themselves improve.")
    question = ("What made you surer as the case went on: something new about the child, or becoming familiar "
                "with the family's story?" if rising else
                "What made you less sure as the case went on, and did that doubt show in the steps you chose?")
    return PathPattern("confidence-drift", "Confidence drift", "Confidence that moves one way across a case, "
                       "whatever each point brings.", OSKAMP, tuple(s.where(across) for s in rated), summary, question)


def _confident_apart(steps: Sequence[Step], across: bool) -> PathPattern | None:
    apart = [s for s in steps if (s.confidence or 0) >= HIGH_CONFIDENCE and not s.matched_actual
             and not s.matched_review]
    if not apart:
        return None
    pts = [f"{s.where(across)} ({s.confidence} of 5)" for s in apart]
    summary = (f"At {_and(pts)} you were {'very ' if all(s.confidence == 5 for s in apart) else ''}confident in "
               "a choice that was neither what was done nor consistent with the review's findings as reported. "
               "Take this as calibration, not as a mark.")
    question = ("What made you so sure, and what might the people deciding at the time, or the review "
                "afterwards, have weighed differently?")
    return PathPattern("confident-apart", "Overconfidence (calibration)", "Being surest where the choice "
                       "stands apart from both what was done and what the review found.", KAHNEMAN,
                       tuple(s.where(across) for s in apart), summary, question)


def path_patterns(steps: Sequence[Step], vocab: Vocabulary, across_cases: bool = False) -> tuple[PathPattern, ...]:
    """The patterns in one case's path (steps in the case's order). Across cases, each case's path is
    read on its own and the patterns found are listed case by case."""
    if across_cases:
        return tuple(replace(p, summary=f"In {case}: {p.summary}") for case in dict.fromkeys(s.case for s in steps)
                     for p in path_patterns([s for s in steps if s.case == case], vocab))
    found = (_not_revising(steps, vocab, False), _starting_again(steps, vocab, False), _drift(steps, False),
             _confident_apart(steps, False))
    return tuple(p for p in found if p is not None)

