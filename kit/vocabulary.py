"""The controlled lists (themes, levels, PCF domains, who is held accountable) as data.

They live in casepacks/vocabulary.yaml so an educator can extend them without code.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from .errors import PackError
from .yamlfile import load

LISTS = ("themes", "levels", "pcf_domains", "holds_accountable")


@dataclass(frozen=True)
class Term:
    slug: str
    label: str
    description: str = ""


@dataclass(frozen=True)
class Vocabulary:
    path: str
    lists: dict[str, dict[str, Term]] = field(default_factory=dict)

    def slugs(self, name: str) -> list[str]:
        return list(self.lists[name])

    def label(self, name: str, slug: str) -> str:
        term = self.lists.get(name, {}).get(slug)
        return term.label if term else slug

    def nearest(self, name: str, slug: str) -> str | None:
        """The known slug closest to an unknown one, for 'did you mean' hints."""
        match = difflib.get_close_matches(str(slug), self.slugs(name), n=1, cutoff=0.5)
        return match[0] if match else None

    @property
    def themes(self) -> list[str]:
        return self.slugs("themes")

    @property
    def levels(self) -> list[str]:
        return self.slugs("levels")

    @property
    def pcf_domains(self) -> list[str]:
        return self.slugs("pcf_domains")

    @property
    def holds_accountable(self) -> list[str]:
        return self.slugs("holds_accountable")


def default_path() -> Path:
    from .packs import default_packs_dir

    return default_packs_dir() / "vocabulary.yaml"


@lru_cache(maxsize=8)
def _load_cached(path: str, mtime: float) -> Vocabulary:
    located = load(Path(path))
    data = located.data
    if not isinstance(data, dict):
        raise PackError.single(path, "must be a mapping of lists (themes, levels, ...).", line=1)
    lists: dict[str, dict[str, Term]] = {}
    for name in LISTS:
        entries = data.get(name)
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
                str(slug), str(value.get("label", slug)), str(value.get("description", ""))
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
