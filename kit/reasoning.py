"""The reasoning patterns in a learner's own choices: which ones, how often, where their
confidence was highest, and a question about each. Never a mark.

A format 1.1 option may name what it relies on (`relies_on`: slugs from the `reasoning` list
of vocabulary.yaml, each a caution or a strength from the literature). The patterns here come
only from the options the learner committed to and what those options rely on; the learner's
written reasons are theirs to read against them. A caution is a pattern reviews keep finding,
offered as a question to consider, never as an error; strengths are named too. Where the
learner was most confident in a choice that was neither what was done nor consistent with the
review's findings as reported, the summary says so gently, as calibration.

Everything is plain data plus sentences, so the case view, the across-cases view and any
export show the same words.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .events import replay_learner
from .journal import Journal
from .models import Pack
from .packs import find_pack
from .vocabulary import CONFIDENCE_SCALE, Vocabulary, load_vocabulary

__all__ = ["Choice", "Pattern", "Reasoning", "case_reasoning", "learner_reasoning", "HIGH_CONFIDENCE"]

HIGH_CONFIDENCE = 4  # 4 or 5 of 5: where a choice that matched neither is worth a calibration question
CAUTION, STRENGTH = "caution", "strength"
HOW_READ = ("The kit reads these patterns from the options you chose (each option in this kit names the "
            "reasoning it relies on), not from your written reasons, and never as a mark. A caution names a "
            "pattern that case reviews often find; on a given day it can still be a sound call, so each comes "
            "with a question rather than a verdict.")

_WORDS = ["no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve"]


def number(n: int) -> str:
    """3 -> 'three' (up to twelve), 15 -> '15'."""
    return _WORDS[n] if 0 <= n < len(_WORDS) else str(n)


def _and(items: list[str]) -> str:
    if len(items) < 2:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


@dataclass(frozen=True)
class Choice:
    """One committed choice, as the patterns read it (labels only: no ids reach a learner)."""

    case: str  # the case's title
    point: str  # the point's label (its title, or "Point n")
    option: str  # the option's text
    confidence: int | None
    relies_on: tuple[str, ...]
    matched_actual: bool
    matched_review: bool
    titled: bool = False  # the point has a format 1.1 title (quoted in sentences), not "Point n"

    def where(self, across_cases: bool) -> str:
        point = f"\u201c{self.point}\u201d" if self.titled else self.point
        return f"{point} in {self.case}" if across_cases else point

    @property
    def high_and_apart(self) -> bool:
        """Confident (4 or 5) in a choice that was neither what was done nor consistent with the review."""
        return (self.confidence or 0) >= HIGH_CONFIDENCE and not self.matched_actual and not self.matched_review


@dataclass(frozen=True)
class Pattern:
    """One reasoning pattern the learner's choices showed, with the choices that showed it."""

    slug: str  # the vocabulary's slug, for tests and data; never shown to learners
    label: str
    kind: str  # "caution" or "strength"
    description: str
    reference: str
    question: str
    choices: tuple[Choice, ...]

    @property
    def count(self) -> int:
        return len(self.choices)

    @property
    def highest_confidence(self) -> int | None:
        rated = [c.confidence for c in self.choices if c.confidence is not None]
        return max(rated) if rated else None

    @property
    def most_confident(self) -> tuple[Choice, ...]:
        """The choices at the learner's highest confidence among those that showed this pattern."""
        top = self.highest_confidence
        return tuple(c for c in self.choices if top is not None and c.confidence == top)

    def summary(self, of: int, across_cases: bool = False) -> list[str]:
        """What, how often and where, and where confidence was highest. `of` is how many of the
        learner's choices name their reasoning."""
        verb = "leaned on" if self.kind == CAUTION else "drew on"
        if self.count == of:
            share = {1: "Your one choice", 2: "Both of your choices"}.get(of, f"All {number(of)} of your choices")
        else:
            share = f"{number(self.count).capitalize()} of your {number(of)} choices"
        where = _and([c.where(across_cases) for c in self.choices])
        lines = [f"{share} {verb} this: {where}."]
        if self.description:
            lines.append(f"It means: {self.description[0].lower()}{self.description[1:]}")
        top = self.highest_confidence
        if top is not None:
            scale = CONFIDENCE_SCALE.get(top, "")
            if self.count == 1:
                lines.append(f"You were {scale} there ({top} of 5).")
            else:
                at = _and([c.where(across_cases) for c in self.most_confident])
                lines.append(f"Your confidence was highest at {at} ({top} of 5, {scale}).")
        return lines

    def sentences(self, of: int, across_cases: bool = False) -> list[str]:
        """The summary, then the question to consider."""
        return self.summary(of, across_cases) + ([f"A question to consider: {self.question}"] if self.question else [])


@dataclass(frozen=True)
class Reasoning:
    """The patterns in a learner's committed choices, in one case or across every case they did."""

    choices: tuple[Choice, ...]
    patterns: tuple[Pattern, ...]  # every pattern shown at least once, most frequent first
    across_cases: bool = False

    @property
    def named(self) -> tuple[Choice, ...]:
        """The committed choices whose option names the reasoning it relies on."""
        return tuple(c for c in self.choices if c.relies_on)

    @property
    def strengths(self) -> tuple[Pattern, ...]:
        return tuple(p for p in self.patterns if p.kind == STRENGTH)

    @property
    def cautions(self) -> tuple[Pattern, ...]:
        return tuple(p for p in self.patterns if p.kind != STRENGTH)

    @property
    def calibration(self) -> tuple[Choice, ...]:
        """Choices made with high confidence that matched neither what was done nor the review."""
        return tuple(c for c in self.choices if c.high_and_apart)

    def opening(self) -> str:
        """One sentence saying what the patterns below are read from, or why there are none."""
        n, k = len(self.choices), len(self.named)
        if n == 0:
            return "You have not committed a decision yet, so there are no patterns in your choices to name."
        if k == 0:
            where = "the cases you did" if self.across_cases else "this case"
            return (f"The options in {where} do not name the reasoning they rely on, so the kit has no patterns "
                    "to name here. You can still look back over your own reasons: what did you rely on at each "
                    "point, and what would have changed your mind?")
        if k == n:
            return f"You committed {number(n)} {'decision' if n == 1 else 'decisions'}. " + HOW_READ
        return (f"You committed {number(n)} decisions; at {number(k)} of them the option names the reasoning it "
                "relies on, and the patterns below come from those. " + HOW_READ)

    def calibration_sentence(self) -> str | None:
        """A gentle word where high confidence met a choice that matched neither, or None."""
        cal = self.calibration
        if not cal:
            return None
        where = _and([f"{c.where(self.across_cases)} ({c.confidence} of 5)" for c in cal])
        one = len(cal) == 1
        return (f"At {where} you were {'very ' if all(c.confidence == 5 for c in cal) else ''}confident in a "
                f"choice that was neither what was done nor consistent with the review's findings as reported. "
                f"Take this as calibration, not as a mark: what made you so sure{' there' if one else ''}, and "
                "what might the people deciding at the time, or the review afterwards, have weighed differently?")

    def sentences(self) -> list[str]:
        """The whole summary as plain sentences: opening, each pattern with its question, calibration."""
        lines = [self.opening()]
        of = len(self.named)
        for group, title in ((self.strengths, "Habits the literature recommends"),
                             (self.cautions, "Patterns the literature cautions about")):
            if group:
                lines.append(f"{title}:")
                for p in group:
                    lines.append(f"{p.label}. " + " ".join(p.sentences(of, self.across_cases)))
        cal = self.calibration_sentence()
        if cal:
            lines.append(cal)
        return lines

    @property
    def text(self) -> str:
        return "\n".join(self.sentences())


def _choices(pack: Pack, decisions: Mapping[str, Any]) -> list[Choice]:
    out = []
    for i, p in enumerate(pack.decision_points):
        d = decisions.get(p.id)
        chosen = p.option(d.option_id) if d else None
        if d is None or chosen is None:  # not committed, or an option the pack no longer has
            continue
        out.append(Choice(pack.title, p.label(i), chosen.text, d.confidence, tuple(chosen.relies_on or ()),
                          chosen.actual, chosen.review_supported, titled=p.title is not None))
    return out


def _summarise(choices: list[Choice], vocab: Vocabulary, across_cases: bool) -> Reasoning:
    order = vocab.slugs("reasoning")
    patterns = []
    for slug in dict.fromkeys(s for c in choices for s in c.relies_on):
        term = vocab.term("reasoning", slug)
        if term is None:  # a slug this vocabulary does not know: nothing to say about it
            continue
        patterns.append(Pattern(slug, term.label, term.kind or CAUTION, term.description, term.reference,
                                term.question, tuple(c for c in choices if slug in c.relies_on)))
    patterns.sort(key=lambda p: (-p.count, order.index(p.slug) if p.slug in order else len(order)))
    return Reasoning(tuple(choices), tuple(patterns), across_cases)


def case_reasoning(pack: Pack, decisions: Mapping[str, Any], vocabulary: Vocabulary | None = None) -> Reasoning:
    """The patterns in one case's committed choices. `decisions` maps point id to a Decision."""
    return _summarise(_choices(pack, decisions), vocabulary or load_vocabulary(), across_cases=False)


def learner_reasoning(learner: str, journal: Journal | None = None,
                      vocabulary: Vocabulary | None = None) -> Reasoning:
    """The patterns across every case the learner committed a decision in (packs that no longer load
    are left out)."""
    state = replay_learner((journal or Journal()).events(learner))
    choices: list[Choice] = []
    for cs in state.cases.values():
        if not cs.decisions:
            continue
        pack = find_pack(cs.pack_id, cs.pack_path)
        if pack is not None:
            choices += _choices(pack, cs.decisions)
    return _summarise(choices, vocabulary or load_vocabulary(), across_cases=True)

