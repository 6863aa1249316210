"""The controlled lists (themes, levels, PCF domains, who is held accountable, reasoning
patterns) as data, in the order the file gives them, and the kit's rating scales.

The lists live in casepacks/vocabulary.yaml so an educator can extend them without code;
every other module takes its lists, their labels and their order from here.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from .errors import PackError
from .yamlfile import load

LISTS = ("themes", "levels", "pcf_domains", "holds_accountable")  # required in every vocabulary.yaml
OPTIONAL_LISTS = ("reasoning", "level_groups")  # format 1.1; an older vocabulary without them still loads

OTHER_CONSIDERATION = "other"  # a learner's reasons rested on something the list does not name
OTHER_WORDS = "Something not on this list"

# The kit's scales: one home each, in display order.
CONFIDENCE_SCALE = {1: "not at all confident", 2: "a little confident", 3: "fairly confident",
                    4: "quite confident", 5: "very confident"}
RATING_SCALE = {0: "not at all", 1: "a little", 2: "a fair amount", 3: "a great deal"}  # levels and debate scales


def scale_ends(scale: dict[int, str]) -> str:
    """A scale's two ends in words, for a chart's axis or a caption: '0 not at all to 3 a great deal'."""
    low, high = min(scale), max(scale)
    return f"{low} {scale[low]} to {high} {scale[high]}"
STANCE_SCALE = {-2: "individuals accountable", -1: "mostly individuals", 0: "both",
                1: "mostly context", 2: "context and system"}  # format 1's single debate scale


@dataclass(frozen=True)
class Term:
    slug: str
    label: str
    description: str = ""
    reference: str = ""
    question: str = ""
    kind: str = ""  # reasoning patterns: "caution" or "strength"
    consideration: str = ""  # reasoning patterns: the pattern in a learner's plain words, for ticking
    group: str = ""  # levels: the level group it belongs to (level_groups), "" for a group of its own


@dataclass(frozen=True)
class LevelGroup:
    """Levels taken together (the individual, the system, the family), in the vocabulary's words."""

    slug: str
    label: str
    levels: tuple[str, ...]
    description: str = ""


@dataclass(frozen=True)
class Vocabulary:
    path: str
    lists: dict[str, dict[str, Term]] = field(default_factory=dict)

    def slugs(self, name: str) -> list[str]:
        """A list's slugs in the file's order (empty for an optional list the file lacks)."""
        return list(self.lists.get(name, {}))

    def term(self, name: str, slug: str) -> Term | None:
        return self.lists.get(name, {}).get(slug)

    def label(self, name: str, slug: str) -> str:
        term = self.lists.get(name, {}).get(slug)
        return term.label if term else slug

    def nearest(self, name: str, slug: str) -> str | None:
        """The known slug closest to an unknown one, for 'did you mean' hints."""
        match = difflib.get_close_matches(str(slug), self.slugs(name), n=1, cutoff=0.5)
        return match[0] if match else None

    def considerations(self) -> list[tuple[str, str]]:
        """(slug, plain words) for each reasoning pattern a learner can say their reasons rested on,
        in alphabetical order of the words (cautions and strengths mixed, so the list hints at
        neither), then OTHER_CONSIDERATION."""
        terms = [(t.slug, t.consideration) for t in self.lists.get("reasoning", {}).values() if t.consideration]
        return sorted(terms, key=lambda t: t[1].lower()) + [(OTHER_CONSIDERATION, OTHER_WORDS)]

    def consideration(self, slug: str) -> str:
        """A consideration's plain words (a slug this vocabulary does not know comes back as words)."""
        if slug == OTHER_CONSIDERATION:
            return OTHER_WORDS
        term = self.term("reasoning", slug)
        return (term.consideration or term.label) if term else slug.replace("-", " ").capitalize()

    @property
    def levels(self) -> list[str]:
        """Contributing-factor levels in the vocabulary's order (every chart and form uses it)."""
        return self.slugs("levels")

    def level_groups(self) -> list[LevelGroup]:
        """The levels' groups in the file's order, each with its levels in order; a level with no group
        (or an unknown one) is a group of its own, after them, so every level is in exactly one group."""
        groups = self.lists.get("level_groups", {})
        out = [LevelGroup(g.slug, g.label, tuple(lv for lv in self.levels if self.lists["levels"][lv].group == g.slug),
                          g.description) for g in groups.values()]
        out = [g for g in out if g.levels]
        alone = [lv for lv in self.levels if self.lists["levels"][lv].group not in groups]
        return out + [LevelGroup(lv, self.label("levels", lv), (lv,)) for lv in alone]

    @property
    def holds_accountable(self) -> list[str]:
        return self.slugs("holds_accountable")

    def ordered(self, name: str, slugs: Iterable[str]) -> list[str]:
        """slugs in the vocabulary's order, any it does not know after them (sorted)."""
        given = list(dict.fromkeys(slugs))
        known = [s for s in self.slugs(name) if s in given]
        return known + sorted(s for s in given if s not in known)


def default_path() -> Path:
    from .settings import packs_dir

    return packs_dir() / "vocabulary.yaml"


@lru_cache(maxsize=8)
def _load_cached(path: str, mtime: float) -> Vocabulary:
    located = load(Path(path))
    data = located.data
    if not isinstance(data, dict):
        raise PackError.single(path, "must be a mapping of lists (themes, levels, ...).", line=1)
    lists: dict[str, dict[str, Term]] = {}
    for name in LISTS + OPTIONAL_LISTS:
        entries = data.get(name)
        if name in OPTIONAL_LISTS and entries is None:
            continue
        if not isinstance(entries, dict) or not entries:
            raise PackError.single(
                path,
                f"has no '{name}' list.",
                line=located.line_of((name,)),
                field=name,
                hint="Each list maps a slug to a label and description.",
            )
        terms = {}
        for slug, value in entries.items():
            value = value if isinstance(value, dict) else {"label": str(value or slug)}
            terms[str(slug)] = Term(
                str(slug), str(value.get("label", slug)), str(value.get("description", "")),
                str(value.get("reference", "")), str(value.get("question", "")), str(value.get("kind", "")),
                consideration=str(value.get("consideration", "")), group=str(value.get("group", "")),
            )
        lists[name] = terms
    return Vocabulary(str(path), lists)


def load_vocabulary(path: str | Path | None = None) -> Vocabulary:
    """Load vocabulary.yaml (the repository's by default); cached until the file changes."""
    p = Path(path) if path else default_path()
    try:
        mtime = p.stat().st_mtime
    except OSError:
        raise PackError.single(
            p, "the vocabulary file is missing.", hint="Restore casepacks/vocabulary.yaml from the kit."
        ) from None
    return _load_cached(str(p), mtime)
