"""Own words, checked against the source: runs of words a pack copies from the article it is
drawn from, and whether a review quote is word for word.

Words are compared as `/work/shared/tools/source-overlap` compares them: lower case, curly
quotes and dashes made plain, punctuation and line breaks ignored.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

MIN_RUN = 12  # this many words in a row found in the source is copying
MAX_SOURCE_CHARS = 400_000  # a pasted article is far smaller; more is cut off here
WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
_PLAIN = str.maketrans("‘’“”–—", "''\"\"--")


def _tokens(text: str) -> list[tuple[str, int, int]]:
    """(word, start, end) for each word, with offsets into the original text."""
    return [(m.group(0), m.start(), m.end()) for m in WORD.finditer(text.lower().translate(_PLAIN))]


def words(text: str) -> list[str]:
    return [w for w, _, _ in _tokens(text)]


@dataclass(frozen=True)
class Copied:
    """A run of words copied from the source: where it is in the field's text, and the words."""

    start: int
    end: int
    text: str

    @property
    def n_words(self) -> int:
        return len(words(self.text))


class Source:
    """The source article's text, pasted once, indexed for fast checks of every field."""

    def __init__(self, text: str, min_run: int = MIN_RUN):
        self.text = (text or "")[:MAX_SOURCE_CHARS]
        self.min_run = min_run
        self._words = words(self.text)
        self._grams = {tuple(self._words[i:i + min_run]) for i in range(len(self._words) - min_run + 1)}
        self._joined = " " + " ".join(self._words) + " "

    def __bool__(self) -> bool:
        return bool(self._words)

    def copied(self, text: str) -> list[Copied]:
        """Every run of min_run or more words in `text` that stands in the source, merged where they meet."""
        toks = _tokens(text or "")
        n = self.min_run
        marked = [False] * len(toks)
        for i in range(len(toks) - n + 1):
            if tuple(w for w, _, _ in toks[i:i + n]) in self._grams:
                for j in range(i, i + n):
                    marked[j] = True
        runs: list[Copied] = []
        i = 0
        while i < len(toks):
            if not marked[i]:
                i += 1
                continue
            j = i
            while j + 1 < len(toks) and marked[j + 1]:
                j += 1
            start, end = toks[i][1], toks[j][2]
            runs.append(Copied(start, end, text[start:end]))
            i = j + 1
        return runs

    def has_verbatim(self, quote: str) -> bool:
        """True when the quote's words stand in the source in the same order, one after another."""
        w = words(quote or "")
        return bool(w) and f" {' '.join(w)} " in self._joined


def highlighted(text: str, runs: list[Copied], mark: Callable[[str], str] = lambda s: f"<mark>{s}</mark>",
                escape: Callable[[str], str] = lambda s: s) -> str:
    """The text with each copied run marked (escaped by `escape`, e.g. html.escape)."""
    out, at = [], 0
    for r in runs:
        out += [escape(text[at:r.start]), mark(escape(text[r.start:r.end]))]
        at = r.end
    out.append(escape(text[at:]))
    return "".join(out)


SKIP = {"id", "reply_to", "level", "themes", "pcf_domains", "holds_accountable", "relies_on", "date",
        "schema_version", "year", "stance", "url", "full_review_url", "polarity", "points", "minutes",
        "accountability", "context", "author", "pseudonyms", "not_names"}  # not prose: nothing to copy


def prose(data: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], str]]:
    """Every text a learner reads in parsed pack data, with its path (ids, slugs, numbers, commenter
    labels and lists of names left out; review quotes kept, for the word-for-word check)."""
    if isinstance(data, dict):
        for k, v in data.items():
            if k not in SKIP:
                yield from prose(v, path + (k,))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            yield from prose(v, path + (i,))
    elif isinstance(data, str) and data.strip():
        yield path, data


def own_words(data: dict[str, Any], source: Source) -> list[tuple[tuple[Any, ...], str, list[Copied]]]:
    """(field path, sentence, copied runs) for each field that copies the source, and each review
    quote that is not word for word in it; nothing when no source text was pasted."""
    if not source:
        return []
    found: list[tuple[tuple[Any, ...], str, list[Copied]]] = []
    for path, text in prose(data):
        if path[-1] == "review_quote":
            if not source.has_verbatim(text):
                found.append((path, "is not word for word in the source text you pasted. A review quote is "
                              "copied exactly from the review (or left out); put anything else in your own "
                              "words in the finding.", []))
            continue
        runs = source.copied(text)
        if runs:
            longest = max(r.n_words for r in runs)
            found.append((path, f"copies {longest} words in a row from the source text (marked). Put it in "
                          "your own words: only the review quote may quote the review.", runs))
    return found
