"""The learner's reasoning, read three ways and never as a mark: their own reasons beside what the
option they chose relies on; the patterns in their path through the case (journey.py); and the
patterns in the options they chose, how often, where their confidence was highest, with a
question about each.

A format 1.1 option may name what it relies on (`relies_on`: slugs from the `reasoning` list
of vocabulary.yaml, each a caution or a strength from the literature). After committing, the
learner ticks which considerations (the same list, in plain words) their reasons rested on; the
feedback sets the two side by side, quoting the learner's reasons, with a question where they
differ. A caution is a pattern reviews keep finding, offered as a question, never as an error;
strengths are named too.

Everything is plain data plus sentences, so the case view, the across-cases view and any
export show the same words.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .events import replay_learner
from .journal import Journal
from .journey import HIGH_CONFIDENCE, PathPattern, number, path_patterns
from .journey import and_list as _and
from .models import Pack
from .packs import find_pack
from .vocabulary import CONFIDENCE_SCALE, OTHER_CONSIDERATION, Vocabulary, load_vocabulary

__all__ = ["Choice", "Pattern", "Reasoning", "OwnReading", "case_reasoning", "learner_reasoning",
           "HIGH_CONFIDENCE"]

CAUTION, STRENGTH = "caution", "strength"
HOW_READ = ("Below, your own reasons come first, beside what the option you chose relies on; then the "
            "patterns in your path through the case; then the patterns in the options you chose. None is a "
            "mark. A caution names a pattern that case reviews often find; on a given day it can still be a "
            "sound call, so each comes with a question rather than a verdict.")

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
    said: tuple[str, ...] = ()  # the considerations the learner ticked (vocabulary slugs, or "other")
    rationale: str = ""  # the learner's reasons, in their words
    change_mind: str = ""  # what they said would change their mind

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


def quoted(text: str) -> str:
    """Text in curly quotes as the end of a sentence: a full stop added only when it has none."""
    text = " ".join(text.split())
    return f"\u201c{text}\u201d" + ("" if text.endswith((".", "?", "!")) else ".")


def _lower(text: str) -> str:
    return text if text[:2].isupper() else text[:1].lower() + text[1:]


@dataclass(frozen=True)
class OwnReading:
    """At one point: what the learner said their reasons rested on, beside what the option they chose
    relies on, with their reasons quoted and a question where the two differ."""

    choice: Choice
    said: tuple[str, ...]  # the ticked considerations, in plain words
    relies_on: tuple[tuple[str, str], ...]  # the option's patterns: (label, "caution" or "strength")
    agree: tuple[str, ...]  # considerations both name, in plain words
    only_option: tuple[str, ...]  # patterns the option leans on that the learner did not name (labels)
    only_said: tuple[str, ...]  # considerations the learner named that the option does not rely on (words)

    @property
    def question(self) -> str | None:
        """A question where what the learner said and what the option relies on differ, else None."""
        if not self.choice.said or not self.relies_on:
            return None
        missed, extra = _and([_lower(x) for x in self.only_option]), _and([_lower(x) for x in self.only_said])
        if missed and extra:
            return (f"The option leans on {missed}, which you did not name, and you named {extra}, which the kit "
                    f"does not read in it. Did {'that' if len(self.only_option) == 1 else 'those'} play a part all "
                    "the same, and where does what you named show in the step you chose?")
        if missed:
            return (f"The option leans on {missed}, which you did not name. Did it play a part in your reasons all "
                    "the same, or did you reach this step another way?")
        if extra:
            return (f"You named {extra}, which the kit does not read in this option. How does it show in the step "
                    "you chose, and would another option have carried it further?")
        return None

    def body(self) -> list[str]:
        """The sentences after the point's name: the choice, the reasons quoted, what the learner said they
        rested on, what the option relies on (cautions and strengths each together), where they agree."""
        c = self.choice
        lines = [f"You chose: {quoted(c.option)}"]
        if c.rationale:
            lines.append(f"You wrote: {quoted(c.rationale)}")
        if self.said:
            lines.append(f"You said your reasons rested on: {_and([_lower(w) for w in self.said])}.")
        else:
            lines.append("You did not say what your reasons rested on here (this point was decided before the "
                         "kit asked).")
        cautions = [_lower(label) for label, kind in self.relies_on if kind == CAUTION]
        strengths = [_lower(label) for label, kind in self.relies_on if kind != CAUTION]
        named = ([f"{_and(cautions)} ({'a pattern' if len(cautions) == 1 else 'patterns'} the literature cautions "
                  "about)"] if cautions else []) + \
                ([f"{_and(strengths)} ({'a habit' if len(strengths) == 1 else 'habits'} it recommends)"]
                 if strengths else [])
        if named:
            lines.append(f"The kit reads the option you chose as relying on {' and on '.join(named)}.")
        if self.agree and self.relies_on:
            lines.append(f"The two agree on {_and([_lower(w) for w in self.agree])}.")
        return lines

    def sentences(self, across_cases: bool = False) -> list[str]:
        """The point's name, the body, and the question where the two differ, as plain sentences."""
        first, *rest = self.body()
        lines = [f"At {self.choice.where(across_cases)} you chose: {first.removeprefix('You chose: ')}", *rest]
        q = self.question
        if q:
            lines.append(f"A question to consider: {q}")
        return lines


@dataclass(frozen=True)
class Reasoning:
    """The learner's reasoning in one case or across every case they did: their own reasons beside their
    choices, the patterns in their path, and the patterns in the options they chose."""

    choices: tuple[Choice, ...]
    patterns: tuple[Pattern, ...]  # every pattern shown at least once, most frequent first
    across_cases: bool = False
    own: tuple[OwnReading, ...] = ()  # one per committed choice, in order
    path: tuple[PathPattern, ...] = ()  # patterns in the path through each case

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
        """One sentence saying what the feedback below is read from, or why there is none."""
        n, k = len(self.choices), len(self.named)
        if n == 0:
            return "You have not committed a decision yet, so there are no patterns in your choices to name."
        if k == 0:
            where = "the cases you did" if self.across_cases else "this case"
            return (f"The options in {where} do not name the reasoning they rely on, so the kit reads your own "
                    "reasons and your path through the case, never as a mark. Look back over your reasons too: "
                    "what did you rely on at each point, and what would have changed your mind?")
        if k == n:
            return f"You committed {number(n)} {'decision' if n == 1 else 'decisions'}. " + HOW_READ
        return (f"You committed {number(n)} decisions; at {number(k)} of them the option names the reasoning it "
                "relies on, and the patterns in the options come from those. " + HOW_READ)

    def sentences(self) -> list[str]:
        """The whole feedback as plain sentences: opening, your reasons beside your choices, the patterns in
        your path, then the patterns in the options you chose, each with its question."""
        lines = [self.opening()]
        if self.own:
            lines.append("Your reasons beside your choices:")
            lines += [" ".join(o.sentences(self.across_cases)) for o in self.own]
        if self.path:
            lines.append("Patterns in your path through the case:")
            lines += [f"{p.label}. " + " ".join(p.sentences()) for p in self.path]
        of = len(self.named)
        for group, title in ((self.strengths, "Habits the literature recommends, in the options you chose"),
                             (self.cautions, "Patterns the literature cautions about, in the options you chose")):
            if group:
                lines.append(f"{title}:")
                for p in group:
                    lines.append(f"{p.label}. " + " ".join(p.sentences(of, self.across_cases)))
        return lines

    @property
    def text(self) -> str:
        return "\n".join(self.sentences())


def _choices(pack: Pack, decisions: Mapping[str, Any], relied_on: Mapping[str, Any] | None = None) -> list[Choice]:
    out = []
    for i, p in enumerate(pack.decision_points):
        d = decisions.get(p.id)
        chosen = p.option(d.option_id) if d else None
        if d is None or chosen is None:  # not committed, or an option the pack no longer has
            continue
        out.append(Choice(pack.title, p.label(i), chosen.text, d.confidence, tuple(chosen.relies_on or ()),
                          chosen.actual, chosen.review_supported, titled=p.title is not None,
                          said=tuple((relied_on or {}).get(p.id, ())), rationale=d.rationale,
                          change_mind=d.change_mind))
    return out


def _own(c: Choice, vocab: Vocabulary) -> OwnReading:
    known = [s for s in c.relies_on if vocab.term("reasoning", s) is not None]
    return OwnReading(
        c, tuple(vocab.consideration(s) for s in c.said),
        tuple((vocab.label("reasoning", s), _kind(vocab, s)) for s in known),
        tuple(vocab.consideration(s) for s in c.said if s in known),
        tuple(vocab.label("reasoning", s) for s in known if s not in c.said),
        tuple(vocab.consideration(s) for s in c.said if s not in known and s != OTHER_CONSIDERATION))


def _kind(vocab: Vocabulary, slug: str) -> str:
    term = vocab.term("reasoning", slug)
    return (term.kind if term is not None else "") or CAUTION


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
    return Reasoning(tuple(choices), tuple(patterns), across_cases, tuple(_own(c, vocab) for c in choices),
                     path_patterns(choices, vocab, across_cases))


def case_reasoning(pack: Pack, decisions: Mapping[str, Any], vocabulary: Vocabulary | None = None,
                   relied_on: Mapping[str, Any] | None = None) -> Reasoning:
    """The feedback on one case's committed choices. `decisions` maps point id to a Decision, `relied_on`
    point id to the considerations the learner ticked there."""
    return _summarise(_choices(pack, decisions, relied_on), vocabulary or load_vocabulary(), across_cases=False)


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
            choices += _choices(pack, cs.decisions, cs.relied_on)
    return _summarise(choices, vocabulary or load_vocabulary(), across_cases=True)

