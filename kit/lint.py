"""Anonymisation lint: find what could identify a real person in a pack's text.

Errors are things that must never be in a pack (contact details, official numbers,
dates of birth, names on the denylist). Warnings are a heuristic: capitalised words
that look like personal names, for a person to check.

The denylist holds SHA-256 hashes of lower-cased names, so it names no one itself.
Add a name with `kit hash-name "Full Name" >> kit/data/denylist.txt`.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

from . import settings
from .errors import Problem
from .packs import Report
from .yamlfile import dotted

DATA = settings.data_dir()

EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")
PHONE = re.compile(r"(?<![\w/])(?:\+44\s?|0)(?:\d[\s-]?){9,10}(?![\w/])")
POSTCODE = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b")
NHS_NUMBER = re.compile(r"\b\d{3}[\s-]?\d{3}[\s-]?\d{4}\b")
NI_NUMBER = re.compile(r"\b[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z]\s?\d{2}\s?\d{2}\s?\d{2}\s?[A-D]\b")
MONTHS = ("january|february|march|april|may|june|july|august|september|october|november|december"
          "|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec")
EXACT_DATE = re.compile(
    rf"\b(?:\d{{1,2}}(?:st|nd|rd|th)?\s+(?:{MONTHS})\.?,?\s+\d{{4}}"
    rf"|(?:{MONTHS})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}"
    r"|\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}|\d{4}-\d{2}-\d{2})\b",
    re.IGNORECASE,
)
BIRTH_WORDS = re.compile(r"\b(born|birth|d\.?o\.?b\.?|birthday)\b", re.IGNORECASE)
COMMENTER = re.compile(r"^Commenter [A-Z]{1,2}$")
WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")
CAPITALISED = re.compile(r"(?<![\w'’-])([A-Z][a-z]+(?:[-'’][A-Z]?[a-z]+)*)\b")

# Fields whose values are not prose a learner reads (ids, slugs, dates, numbers).
SKIP_KEYS = {"id", "reply_to", "level", "themes", "pcf_domains", "holds_accountable", "date",
             "schema_version", "year", "stance", "url", "polarity"}


def hash_name(name: str) -> str:
    """The denylist entry for a name: SHA-256 of its lower-cased, space-normalised form."""
    normal = " ".join(WORD.findall(name.lower().replace("’", "'")))
    return hashlib.sha256(normal.encode("utf-8")).hexdigest()


@lru_cache(maxsize=4)
def _denylist(files: tuple[Path, ...]) -> frozenset[str]:
    hashes: set[str] = set()
    for f in files:
        if f.exists():
            for line in f.read_text(encoding="utf-8").splitlines():
                line = line.split("#", 1)[0].strip().lower()
                if re.fullmatch(r"[0-9a-f]{64}", line):
                    hashes.add(line)
    return frozenset(hashes)


def denylist() -> frozenset[str]:
    """Hashes shipped with the kit plus any files named in KIT_DENYLIST (os.pathsep-separated)."""
    return _denylist(tuple(settings.denylist_files()))


@lru_cache(maxsize=1)
def _not_names() -> frozenset[str]:
    words = (DATA / "not_names.txt").read_text(encoding="utf-8").split()
    return frozenset(w.lower() for w in words if not w.startswith("#"))


def texts(data, path=()) -> Iterator[tuple[tuple, str]]:
    """Every prose string in parsed pack data, with its field path."""
    if isinstance(data, dict):
        for k, v in data.items():
            if k not in SKIP_KEYS:
                yield from texts(v, path + (k,))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            yield from texts(v, path + (i,))
    elif isinstance(data, str):
        yield path, data


def lint_data(data: dict, shown: str, line_of) -> list[Problem]:
    """Anonymisation problems in one pack's parsed data."""
    problems: list[Problem] = []
    anon = data.get("anonymisation") or {}
    allowed = {w.lower() for w in _as_list(anon.get("pseudonyms")) + _as_list(anon.get("not_names"))}
    allowed |= {w.lower() for p in _as_list(anon.get("pseudonyms")) for w in WORD.findall(p)}
    hashes = denylist()

    def add(path, problem, hint, severity="error"):
        problems.append(Problem(shown, line_of(path), dotted(path), problem, hint, severity))

    for path, text in texts(data):
        if path and path[-1] == "author" and not COMMENTER.match(text.strip()):
            add(path, f"author '{text}' is not of the form 'Commenter A'.",
                "Reader commenters are shown as Commenter A, B, ... never by name or handle.")
        for rx, what, hint in (
            (EMAIL, "an e-mail address", "Remove it."),
            (NI_NUMBER, "a National Insurance number", "Remove it."),
            (POSTCODE, "a UK postcode", "Name the area loosely, or not at all."),
            (PHONE, "a phone number", "Remove it."),
            (NHS_NUMBER, "an NHS number", "Remove it."),
        ):
            m = rx.search(text)
            if m:
                add(path, f"holds what looks like {what} ('{m.group(0)}').", hint)
        for m in EXACT_DATE.finditer(text):
            window = text[max(0, m.start() - 40): m.end() + 20]
            if BIRTH_WORDS.search(window):
                add(path, f"holds an exact date of birth ('{m.group(0)}').",
                    "Blur it to a year or season.")
            else:
                add(path, f"holds an exact date ('{m.group(0)}').",
                    "Blur dates in case text to a month, season or year unless the date matters.",
                    severity="warning")
        words = [w.lower().replace("’", "'") for w in WORD.findall(text)]
        for n in (1, 2, 3):
            for i in range(len(words) - n + 1):
                gram = " ".join(words[i:i + n])
                if hashlib.sha256(gram.encode("utf-8")).hexdigest() in hashes:
                    add(path, f"names a person on the denylist ('{_original(text, words[i:i + n])}').",
                        "Use the role instead (e.g. 'the board's independent chair').")
        if path and path[-1] != "author":
            for name in _name_like(text, allowed):
                add(path, f"'{name}' looks like a personal name.",
                    "If it is not one, add it to anonymisation.not_names; if it is, use a role or the "
                    "review's pseudonym.", severity="warning")
    return problems


def lint_report(report: Report) -> list[Problem]:
    """Lint a validated pack file (reads it again with its line numbers)."""
    from .yamlfile import load

    located = load(Path(report.path))
    if not isinstance(located.data, dict):
        return []
    return lint_data(located.data, report.path, located.line_of)


def _as_list(value) -> list[str]:
    return [str(v) for v in value] if isinstance(value, list) else []


def _original(text: str, lowered: list[str]) -> str:
    m = re.search(r"\W+".join(re.escape(w) for w in lowered), text, re.IGNORECASE)
    return m.group(0) if m else " ".join(lowered)


def _name_like(text: str, allowed: set[str]) -> list[str]:
    """Capitalised words mid-sentence that are not known words, pseudonyms or labels."""
    found: list[str] = []
    common = _not_names()
    for m in CAPITALISED.finditer(text):
        word = m.group(1)
        before = text[: m.start()].rstrip(" \t\"'“‘(")
        if not before or before.endswith((".", "!", "?", ":", ";", "\n", "–", "—")):
            continue  # sentence start
        low = word.lower().replace("’", "'")
        base = re.sub(r"'s$", "", low)
        if low in allowed or base in allowed or base in common or low in common:
            continue
        if re.match(r"Commenter$", word) or (before.endswith("Commenter")):
            continue
        if word not in found:
            found.append(word)
    return found
