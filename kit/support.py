"""Where to find support: shown with every content note, at the end of each case, and whenever
a learner steps out.

The list is the institution's to set: a `support.yaml` (a structured list, the format below)
or a Markdown file, named by KIT_SUPPORT_FILE or kept as support.yaml / support.md in KIT_HOME.
Without one, the kit's UK default (kit/data/support.yaml) is shown. A file that cannot be used
never stops a learner: the default is shown, with one sentence telling the educator why.

support.yaml:

    intro: optional text above the list
    contacts:
      - name: who or what it is            # required
        for: what it is for, in a few words  # required
        how: how to reach it                # required: a number, a website, "through your course"
        link: https://...                   # optional
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import PackError

__all__ = ["Contact", "Support", "default_list_notice", "load_support", "support_text"]

FIELDS = ("name", "for", "how")
OPTIONAL = ("link",)
YAML_SUFFIXES = (".yaml", ".yml")  # any other file is read as Markdown text


@dataclass(frozen=True)
class Contact:
    """One place to find support."""

    name: str
    what_for: str
    how: str
    link: str = ""

    @property
    def line(self) -> str:
        return f"{self.name}, for {self.what_for}: {self.how}" + (f" ({self.link})." if self.link else ".")


@dataclass(frozen=True)
class Support:
    """The support a learner is shown: a structured list, or an educator's Markdown text."""

    intro: str = ""
    contacts: tuple[Contact, ...] = ()
    markdown: str = ""  # an educator's Markdown file, shown as it is written
    source: str = ""  # the file it came from
    problem: str = ""  # one sentence for the educator when their file could not be used

    @property
    def text(self) -> str:
        """The support as plain text (the Markdown as written, or the list one contact a line)."""
        if self.markdown:
            body = self.markdown
        else:
            body = "\n".join(filter(None, [self.intro, *[f"- {c.line}" for c in self.contacts]]))
        return body + (f"\n\n{self.problem}" if self.problem else "") + "\n"


class SupportFileError(ValueError):
    """Why a support file could not be used (shown to the educator in one sentence)."""


def _contacts(data: Any) -> tuple[str, tuple[Contact, ...]]:
    if not isinstance(data, dict):
        raise SupportFileError("it must be a mapping with a 'contacts' list")
    unknown = sorted(set(map(str, data)) - {"intro", "contacts"})
    if unknown:
        raise SupportFileError(f"it has a field the kit does not know ('{unknown[0]}'); use intro and contacts")
    intro = data.get("intro") or ""
    if not isinstance(intro, str):
        raise SupportFileError("'intro' must be text")
    items = data.get("contacts")
    if not isinstance(items, list) or not items:
        raise SupportFileError("it needs a 'contacts' list with at least one entry")
    out = []
    for i, item in enumerate(items, 1):
        if not isinstance(item, dict):
            raise SupportFileError(f"contact {i} must have name, for and how")
        extra = sorted(set(map(str, item)) - set(FIELDS) - set(OPTIONAL))
        if extra:
            raise SupportFileError(f"contact {i} has a field the kit does not know ('{extra[0]}'); "
                                   "use name, for, how and link")
        missing = [f for f in FIELDS if not isinstance(value := item.get(f), str) or not value.strip()]
        if missing:
            raise SupportFileError(f"contact {i} has no '{missing[0]}'; each contact needs name, for and how")
        link = item.get("link") or ""
        if not isinstance(link, str) or (link and not link.startswith(("https://", "http://"))):
            raise SupportFileError(f"contact {i}'s link must be a web address starting https://")
        out.append(Contact(*(" ".join(str(item[f]).split()).rstrip(".") for f in FIELDS), *[link.strip()]))  # starred: mypy takes one *args to fill link too
    return " ".join(intro.split()), tuple(out)


def _said(exc: PackError) -> str:
    """A file problem as part of a sentence: 'at line 2, it is not valid YAML: ...'."""
    p = exc.problems[0]
    problem = p.problem.rstrip(".")
    if problem.startswith(("is ", "uses ", "holds ")):
        problem = "it " + problem
    return (f"at line {p.line}, " if p.line else "") + problem


def read_support_file(path: Path) -> Support:
    """An institution's support file, or SupportFileError saying why it cannot be used."""
    from .yamlfile import load, read_text

    try:
        text = read_text(path, what="support file")
    except PackError as exc:
        raise SupportFileError(_said(exc)) from None
    if path.suffix.lower() not in YAML_SUFFIXES:
        if not text.strip():
            raise SupportFileError("it is empty")
        return Support(markdown=text.strip(), source=str(path))
    try:
        data = load(path, text).data
    except PackError as exc:
        raise SupportFileError(_said(exc)) from None
    intro, contacts = _contacts(data)
    return Support(intro, contacts, source=str(path))


def default_support() -> Support:
    """The kit's UK default list (kit/data/support.yaml)."""
    from .settings import data_dir

    return read_support_file(data_dir() / "support.yaml")


def load_support(path: Path | None = None) -> Support:
    """The institution's support if set and usable; else the kit's default, with one sentence for the
    educator when their file could not be used. Never raises for a bad file."""
    from .settings import support_file

    path = path or support_file()
    if path is None:
        return default_support()
    try:
        return read_support_file(path)
    except SupportFileError as exc:
        problem = str(exc)
    fallback = default_support()
    note = (f"For the educator: the support file {path} could not be used ({problem}), so the kit's "
            "default list is shown; docs/deployment.md describes the format.")
    return Support(fallback.intro, fallback.contacts, source=fallback.source, problem=note)


DEFAULT_NOTICE = ("For the educator: learners are shown the kit's default UK support list, not your "
                  "institution's; to show yours, set KIT_SUPPORT_FILE to your support.yaml or Markdown file "
                  "(or put support.yaml in KIT_HOME) before starting the kit, as docs/deployment.md describes.")


def default_list_notice(support: Support | None = None) -> str:
    """One line for the facilitator's pages (never a learner's) when learners see the kit's default list
    rather than the institution's own: why, if the institution's file could not be used, else how to set
    theirs. Empty when the institution's own list is showing."""
    from .settings import data_dir

    s = support if support is not None else load_support()
    if s.source != str(data_dir() / "support.yaml"):
        return ""
    return s.problem or DEFAULT_NOTICE


def support_text() -> str:
    """Where to find support, as plain text (the educator's if set, else the kit's default)."""
    return load_support().text
