"""Pack lint: what could identify a real person, and what gives the case away too soon.

Anonymisation. Errors are things that must never be in a pack (contact details, official
numbers, dates of birth, names on the denylist). Warnings are a heuristic: capitalised
words that look like personal names, for a person to check.

Spoilers. The pack title, summary and decision point titles are read before the first
decision, so they must not give away what was done or what became of the child. Errors:
a run of five or more words shared with an `actual` option or the outcome, and an
injury or death word that the outcome (or outcome_note) also uses. Warnings: verdict
words ("failed", "too soon", "should have", ...), which belong in the findings.

The content note is read first of all, so it names the kinds of harm and the themes a
learner may meet and nothing of what happened. Errors: what came after ("later",
"eventually"), what was done or became of someone ("were ended", "taken into care"), court,
care and criminal outcomes ("care proceedings", "charges"), who did it ("by an adult"),
injury detail the outcome gives ("fractures"), and a run of five words shared with an actual
option or the outcome. Kinds of harm pass, a child's death included: a learner must be warned
of it.

The denylist holds SHA-256 hashes of lower-cased names, so it names no one itself.
Add a name with `kit hash-name "Full Name" >> kit/data/denylist.txt`.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from . import settings
from .errors import Problem
from .models import Option, Pack
from .packs import Report
from .yamlfile import PathKey, dotted

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


def texts(data: Any, path: PathKey = ()) -> Iterator[tuple[PathKey, str]]:
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


def lint_data(data: dict[str, Any], shown: str, line_of: Callable[[PathKey], int | None]) -> list[Problem]:
    """Anonymisation and spoiler problems in one pack's parsed data."""
    problems: list[Problem] = []
    anon = data.get("anonymisation") or {}
    allowed = {w.lower() for w in _as_list(anon.get("pseudonyms")) + _as_list(anon.get("not_names"))}
    allowed |= {w.lower() for p in _as_list(anon.get("pseudonyms")) for w in WORD.findall(p)}
    hashes = denylist()

    def add(path: PathKey, problem: str, hint: str, severity: str = "error") -> None:
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
    spoilers(data, add)
    content_note_spoilers(data, add)
    return problems


# Spoilers: what a learner reads before the first decision, and what it must not give away.
SHARED_RUN = 5  # this many consecutive words shared with an actual option or the outcome
INJURY_WORDS = {  # word family -> pattern; a family counts when the outcome uses it too
    "injur*": r"injur\w*", "fractur*": r"fractur\w*", "died": r"died", "death": r"deaths?",
    "dead": r"dead", "killed": r"killed", "bleed*": r"bleed\w*", "skull": r"skulls?",
    "brain": r"brains?", "harm*": r"harm\w*",
}
VERDICT = re.compile(
    r"\b(failed|failures?|missed|too soon|premature\w*|should have|errors?|mistake[ns]?|mistakenly"
    r"|nobody|not escalated|without a visit)\b", re.IGNORECASE)
SPOILER_HINT = ("The title, summary and point titles are read before the first decision; "
                "name the situation as it looked then, and keep what was done for the options, "
                "what happened for the outcome and the verdict for the findings.")


def _headlines(data: dict[str, Any]) -> Iterator[tuple[PathKey, str]]:
    """The pack title, summary and every decision point title, with their field paths."""
    for key in ("title", "summary"):
        if isinstance(data.get(key), str):
            yield (key,), data[key]
    for i, point in enumerate(_dicts(data.get("decision_points"))):
        if isinstance(point.get("title"), str):
            yield ("decision_points", i, "title"), point["title"]


def _giveaways(data: dict[str, Any]) -> Iterator[tuple[PathKey, str]]:
    """What the headlines must not repeat: every actual option's text, and the outcome."""
    for i, point in enumerate(_dicts(data.get("decision_points"))):
        for j, option in enumerate(_dicts(point.get("options"))):
            if option.get("actual") is True and isinstance(option.get("text"), str):
                yield ("decision_points", i, "options", j, "text"), option["text"]
    if isinstance(data.get("outcome"), str):
        yield ("outcome",), data["outcome"]


def _words(text: str) -> list[str]:
    return [w.lower().replace("’", "'") for w in WORD.findall(text)]


def _shared_run(a: list[str], b: list[str]) -> list[str]:
    """The longest run of consecutive words that a and b share (empty if none)."""
    best: list[str] = []
    for i in range(len(a)):
        for j in range(len(b)):
            n = 0
            while i + n < len(a) and j + n < len(b) and a[i + n] == b[j + n]:
                n += 1
            if n > len(best):
                best = a[i:i + n]
    return best


def spoilers(data: dict[str, Any], add: Callable[..., None]) -> None:
    """Report headlines that give away the outcome, what was done, or the review's verdict."""
    giveaways = list(_giveaways(data))
    outcome_text = " ".join(t for t in (data.get("outcome"), data.get("outcome_note")) if isinstance(t, str))
    for path, text in _headlines(data):
        words = _words(text)
        for source_path, source in giveaways:
            run = _shared_run(words, _words(source))
            if len(run) >= SHARED_RUN:
                what = "the outcome" if source_path == ("outcome",) else f"the actual option {dotted(source_path)}"
                add(path, f"shares {len(run)} words in a row with {what} "
                          f"('{_original(text, run)}').", SPOILER_HINT)
        for family, pattern in INJURY_WORDS.items():
            rx = re.compile(rf"\b{pattern}\b", re.IGNORECASE)
            m = rx.search(text)
            if m and rx.search(outcome_text):
                add(path, f"uses '{m.group(0)}', an injury or death word ({family}) that the outcome uses too.",
                    SPOILER_HINT)
        for m in VERDICT.finditer(text):
            add(path, f"holds a verdict word ('{m.group(0)}').",
                "Keep verdicts for the review's findings; here, name the moment as it looked then.",
                severity="warning")


# Content notes: what they may name (kinds of harm, themes) and what they must not (what happened).
NOTE_TELLS = (  # (pattern, what it does): each is an error in a content note
    (r"\b(?:later|afterwards|eventually|subsequently|went on to|in the end)\b", "says what came after"),
    (r"\b(?:was|were|is|are|being|been|got)\s+(?:ended|closed|stepped down|removed|taken into care|taken away"
     r"|placed|adopted|charged|convicted|sentenced|jailed|imprisoned|prosecuted)\b",
     "says what was done, or what became of someone"),
    (r"\b(?:plans?|cases?)\s+(?:ending|ended|closing|closed|being closed|stepped down)\b", "says what was done"),
    (r"\b(?:taken into care|into care|care proceedings|care orders?|supervision orders?|court proceedings"
     r"|court orders?|proceedings)\b", "names a court or care outcome"),
    (r"\b(?:criminal charges?|charges?|charged|convict\w*|sentenc\w*|prosecut\w*|guilty|prison|jail\w*)\b",
     "names a criminal justice outcome"),
    (r"\bby (?:an? |the |his |her |their |one )?(?:adult |older )?(?:man|woman|men|women|adults?|father|mother"
     r"|parents?|partner|step-?father|step-?mother|carers?|relatives?|brother|sister|uncle|aunt|grand\w+"
     r"|teacher|stranger|neighbour)s?\b", "says who did what to whom"),
)
NOTE_DETAIL = ("fractur*", "bleed*", "skull", "brain")  # injury detail: an error when the outcome gives it too
NOTE_HINT = ("A content note names the kinds of harm and the themes a learner may meet (for example 'serious "
             "injury to a baby; neglect; domestic abuse'), never what happened: keep what was done for the "
             "options and reveals, and what became of the children for the outcome.")


def content_note_spoilers(data: dict[str, Any], add: Callable[..., None]) -> None:
    """Report a content note that tells what happened instead of naming kinds of harm and themes."""
    note = data.get("content_note")
    if not isinstance(note, str):
        return
    path = ("content_note",)
    told: list[range] = []  # spans already reported, so one phrase is one problem
    m: re.Match[str] | None  # a match in the note (each loop below has its own)
    for pattern, what in NOTE_TELLS:
        for m in re.finditer(pattern, note, re.IGNORECASE):
            if not any(m.start() in span or m.end() - 1 in span for span in told):
                told.append(range(m.start(), m.end()))
                add(path, f"{what} ('{m.group(0)}'), before any decision.", NOTE_HINT)
                break
    outcome = given if isinstance(given := data.get("outcome"), str) else ""
    for family in NOTE_DETAIL:
        rx = re.compile(rf"\b{INJURY_WORDS[family]}\b", re.IGNORECASE)
        m = rx.search(note)
        if m and rx.search(outcome):
            add(path, f"gives injury detail that the outcome gives ('{m.group(0)}'), before any decision.",
                NOTE_HINT)
    words = _words(note)
    for source_path, source in _giveaways(data):
        run = _shared_run(words, _words(source))
        if len(run) >= SHARED_RUN:
            what = "the outcome" if source_path == ("outcome",) else f"the actual option {dotted(source_path)}"
            add(path, f"shares {len(run)} words in a row with {what} ('{_original(note, run)}'), "
                      "which learners see only after deciding.", NOTE_HINT)


def lint_report(report: Report) -> list[Problem]:
    """Lint a validated pack file (reads it again with its line numbers)."""
    from .yamlfile import load

    located = load(Path(report.path))
    if not isinstance(located.data, dict):
        return []
    return lint_data(located.data, report.path, located.line_of)


def _dicts(value: Any) -> list[dict[str, Any]]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _as_list(value: Any) -> list[str]:
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


# -- tag balance: do a pack's cautions describe reasoning, or only mark disagreement with the review? --

@dataclass(frozen=True)
class TagBalance:
    """How far a pack's cautions coincide with 'not consistent with the review': if every caution sat on an
    option the review does not back, and every such option had a caution, the cautions would only mirror
    the answer key."""

    pack: str  # the pack's id (educators read this, not learners)
    cautioned: int  # options relying on at least one caution
    cautioned_apart: int  # of those, options not consistent with the review
    review_backed: int  # options consistent with the review
    review_backed_cautioned: int  # of those, options relying on a caution
    actual: int  # what was done, one per point
    actual_strength: int  # of those, options relying on at least one strength

    @property
    def coincidence(self) -> float | None:
        """The share of cautioned options that are not consistent with the review (None with no cautions)."""
        return self.cautioned_apart / self.cautioned if self.cautioned else None

    @property
    def total(self) -> bool:
        """True when the cautions simply mark 'not consistent with the review'."""
        return self.cautioned > 0 and self.cautioned_apart == self.cautioned

    def sentence(self) -> str:
        if not self.cautioned:
            return f"{self.pack}: no option names a caution, so there is nothing to balance."
        share = f"{self.coincidence:.0%}"
        return (f"{self.pack}: {self.cautioned_apart} of {self.cautioned} options with a caution are not consistent "
                f"with the review ({share}{', total: the cautions mirror the answer key' if self.total else ''}); "
                f"{self.review_backed_cautioned} of {self.review_backed} review-backed options carry a caution; "
                f"{self.actual_strength} of {self.actual} options that were done carry a strength.")


def tag_balance(pack: Pack) -> TagBalance:
    """The balance of a format 1.1 pack's reasoning tags (a version-1 pack has none)."""
    from .vocabulary import load_vocabulary

    vocab = load_vocabulary()

    def kinds(option: Option) -> set[str]:
        return {term.kind if (term := vocab.term("reasoning", s)) is not None else "" for s in option.relies_on or ()}

    options = [o for p in pack.decision_points for o in p.options]
    cautioned = [o for o in options if "caution" in kinds(o)]
    backed = [o for o in options if o.review_supported]
    actual = [o for o in options if o.actual]
    return TagBalance(pack.id, len(cautioned), sum(not o.review_supported for o in cautioned), len(backed),
                      sum("caution" in kinds(o) for o in backed), len(actual),
                      sum("strength" in kinds(o) for o in actual))
