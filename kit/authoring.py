"""A pack being written or edited on the authoring page (`kit author`): no YAML for the educator.

A `Draft` holds a pack.yaml as an editor keeps it (kit/roundtrip.py) and changes it field by
field, addressed by path (``("decision_points", 0, "options", 1, "text")``). `check` runs the
very rules `kit lint` runs (the validator in packs.py and models.py, the anonymisation and
spoiler lint in lint.py) on the text that would be saved, plus the own-words check against the
pasted source (copying.py), and files every problem under the field that causes it.

A draft is saved in the educator's own folder (KIT_HOME/drafts/<id>), never where learners
find packs, so a half-written pack cannot break a learner's list of cases; `publish` writes
pack.yaml and README.md to the pack's folder only when nothing is wrong. The pasted source
text stays with the draft and is never published, exported or shown to learners.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from pydantic import BaseModel
from ruamel.yaml.comments import CommentedMap

from . import roundtrip, settings
from .commenters import commenter, comments_from_paste
from .copying import Copied, Source, own_words
from .errors import KitError, PackError, Problem
from .files import write_atomic
from .lint import lint_data
from .models import NEWEST, PACK_ID_RE, Pack, suggest_slug
from .packreadme import AUTHORED, readme_text
from .packs import PACK_FILE, model_in, resolve, validate_located
from .vocabulary import load_vocabulary
from .yamlfile import Located, dotted, load, read_text

SOURCE_FILE = "source.txt"  # the pasted article, beside the draft only
README = "README.md"
V11_FIELDS = {"title", "relies_on", "kit_reading", "accountability", "context", "plans", "outcome_note",
              "full_review", "full_review_url"}



@dataclass(frozen=True)
class FieldProblem:
    """One problem, filed under the field that causes it (its sentence as `kit validate` says it,
    without the file and line)."""

    field: str  # dotted path, e.g. decision_points[0].options
    sentence: str
    severity: str = "error"
    copied: tuple[Copied, ...] = ()

    @classmethod
    def of(cls, p: Problem) -> FieldProblem:
        return cls(p.field, (p.problem + (f" {p.hint}" if p.hint else "")).strip(), p.severity)


@dataclass
class Check:
    """What a check of the draft found, by field."""

    problems: list[FieldProblem]

    @property
    def errors(self) -> list[FieldProblem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def ok(self) -> bool:
        return not self.errors

    def at(self, field: str) -> list[FieldProblem]:
        """The problems of exactly this field."""
        return [p for p in self.problems if p.field == field]

    def under(self, field: str) -> list[FieldProblem]:
        """The problems of this field and every field inside it."""
        return [p for p in self.problems if p.field == field or p.field.startswith((field + ".", field + "["))]


def skeleton(kind: str, taken: Sequence[str] = ()) -> Any:
    """A new item of a list as the page adds it: required words empty (the check asks for them), an id
    made once and never changed (learners' journals keep decisions by it)."""
    def fresh(stem: str) -> str:
        n = 1
        while f"{stem}-{n}" in taken:
            n += 1
        return f"{stem}-{n}"

    m = roundtrip.new_map
    if kind == "decision_points":
        return m({"id": fresh("point"), "title": "", "when": "", "situation": "", "question": "",
                  "options": roundtrip.new_seq([m({"id": "option-1", "text": ""}), m({"id": "option-2", "text": ""})]),
                  "what_happened": "", "review_finding": "",
                  "contributing_factors": roundtrip.new_seq([skeleton("contributing_factors")])})
    if kind == "options":
        return m({"id": fresh("option"), "text": ""})
    if kind == "contributing_factors":
        return m({"level": load_vocabulary().levels[0], "factor": ""})
    if kind == "people":
        return m({"id": fresh("person"), "role": ""})
    if kind == "timeline":
        return m({"when": "", "what": ""})
    if kind == "articles":
        return m({"publisher": "", "title": ""})
    if kind == "debates":
        return m({"id": fresh("debate"), "title": "", "comments": roundtrip.new_seq()})
    if kind == "comments":
        return m({"id": fresh("comment"), "author": "Commenter A", "text": ""})
    if kind == "plans":
        return m({"id": fresh("plan"), "title": "", "minutes": 60, "points": roundtrip.new_seq()})
    return ""  # known facts, recommendations, prompts: a line of text


def empty_pack(pack_id: str = "") -> Any:
    m = roundtrip.new_map
    return m({"schema_version": float(NEWEST), "id": pack_id, "title": "", "summary": "",
              "content_note": "", "source": m({"review": "", "articles": roundtrip.new_seq([skeleton("articles")])}),
              "anonymisation": m({"pseudonyms": roundtrip.new_seq()}),
              "decision_points": roundtrip.new_seq(), "outcome": ""})


def model_at(path: tuple[Any, ...]) -> type[BaseModel] | None:
    """The format's model for the mapping at path (Pack, DecisionPoint, Option, ...)."""
    model: type[BaseModel] | None = Pack
    for part in path:
        if isinstance(part, int) or model is None:
            continue
        info = model.model_fields.get(str(part))
        model = model_in(info.annotation) if info else None
    return model


def drafts_dir() -> Path:
    return settings.kit_home() / "drafts"


class Draft:
    """A pack on the authoring page: edit by path, check, save as a draft, publish."""

    def __init__(self, data: Any, *, home: Path | None, packs_root: Path, source_text: str = "", note: str = ""):
        self.data = data
        self.home = home  # the pack's published folder (None for a new pack until it has an id)
        self.packs_root = packs_root  # where a new pack is published
        self.note = note  # a sentence for the page about what was opened
        self.source = Source(source_text)
        self._check: Check | None = None

    # -- opening ---------------------------------------------------------------------------

    @classmethod
    def new(cls, packs_root: str | Path | None = None) -> Draft:
        return cls(empty_pack(), home=None, packs_root=Path(packs_root or settings.packs_dir()))

    @classmethod
    def open(cls, pack_or_dir: str | Path | None = None) -> Draft:
        """A pack (id, folder or pack.yaml) to edit, or a folder of packs to add a new one to; a saved,
        unpublished draft of the same pack is opened instead of the published file, and says so."""
        if pack_or_dir is None:
            return cls.new()
        p = Path(pack_or_dir).expanduser()
        if p.is_dir() and not (p / PACK_FILE).exists() or not p.exists() and not PACK_ID_RE.match(str(pack_or_dir)):
            return cls.new(p)
        f = resolve(pack_or_dir)
        home = f.parent
        saved = drafts_dir() / home.name
        if (saved / PACK_FILE).is_file():
            d = cls._read(saved / PACK_FILE, home, home.parent)
            d.source = Source(_read_source(saved))
            d.note = ("This is your saved draft, not yet published: learners still see the published "
                      "version until you publish.")
            return d
        return cls._read(f, home, home.parent)

    @classmethod
    def _read(cls, f: Path, home: Path | None, root: Path) -> Draft:
        text = read_text(f, what="pack file")
        load(f, text)  # refuses what the safe loader refuses (tags, huge aliases), with its sentence
        return cls(roundtrip.load(text), home=home, packs_root=root)

    # -- reading and editing ---------------------------------------------------------------

    @property
    def pack_id(self) -> str:
        return str(self.data.get("id") or "")

    def get(self, path: tuple[Any, ...]) -> Any:
        """The plain value at path, or None where there is none."""
        node: Any = self.data
        for part in path:
            if isinstance(node, str) and part == "text":  # a known fact written as a line
                return node
            if isinstance(node, str):
                return None
            try:
                node = node[part]
            except (KeyError, IndexError, TypeError):
                return None
        return roundtrip.plain(node)

    def set(self, path: tuple[Any, ...], value: Any) -> None:
        """Set one field. Empty optional fields and defaults are removed, so the file holds what the
        educator wrote; new text takes the look of the old; a 1.1 field lifts the pack to format 1.1."""
        *head, key = path
        parent = self._container(tuple(head), then=key)
        if isinstance(value, str):
            value = value.strip() if "\n" not in value.strip() else value.strip() + "\n"
        if isinstance(parent, list):
            parent[key] = roundtrip.styled(value, parent[key], indent=2 * len(path)) if isinstance(value, str) else value
            self._changed()
            return
        model = model_at(tuple(head))
        info = model.model_fields.get(key) if model else None
        default = None if info is None or info.is_required() else info.default
        if info is not None and not info.is_required() and value in (None, "", [], default):
            parent.pop(key, None)
        else:
            if isinstance(value, str):
                value = roundtrip.styled(value, parent.get(key), indent=2 * len(path))
            elif isinstance(value, list):
                value = roundtrip.new_seq(value)
                if all(isinstance(v, str) and len(v) < 40 for v in value):
                    value.fa.set_flow_style()  # [a, b]: a short list of slugs or names on one line
            order = list(model.model_fields) if model else []
            roundtrip.insert_in_order(parent, key, value, order)
            if key in V11_FIELDS and value not in (None, "", []) and str(self.get(("schema_version",))) == "1":
                self.data["schema_version"] = float(NEWEST)
        if tuple(head[-2:-1]) == ("known_at_the_time",):
            self._fold_fact(tuple(head))
        self._changed()

    def add(self, list_path: tuple[Any, ...], item: Any = None) -> int:
        """Add an item at the end of a list (made if missing); returns its index."""
        seq = self._container(list_path, make_list=True)
        taken = [str(x.get("id")) for x in seq if isinstance(x, dict)]
        if item is None:
            item = skeleton(str(list_path[-1]), taken)
            if list_path[-1] == "comments":
                item["author"] = commenter(len(seq))
        seq.append(item)
        self._changed()
        return len(seq) - 1

    def remove(self, path: tuple[Any, ...]) -> None:
        seq = self._container(tuple(path[:-1]))
        del seq[path[-1]]
        self._changed()

    def move(self, path: tuple[Any, ...], step: int) -> int:
        """Move an item up (step -1) or down (+1) its list; returns its new index."""
        seq = self._container(tuple(path[:-1]))
        i: int = path[-1]
        j = i + step
        if not 0 <= j < len(seq):
            return i
        seq.insert(j, seq.pop(i))
        self._changed()
        return j

    def set_source_text(self, text: str) -> None:
        self.source = Source(text)
        self._changed()

    def _container(self, path: tuple[Any, ...], make_list: bool = False, then: Any = None) -> Any:
        node = self.data
        for n, part in enumerate(path):
            nxt = path[n + 1] if n + 1 < len(path) else then
            if isinstance(node, list) and isinstance(node[part], str) and nxt in ("text", "kit_reading"):
                node[part] = roundtrip.new_map({"text": node[part]})
            if isinstance(node, dict) and part not in node:
                fresh = roundtrip.new_seq() if (make_list and nxt is None) or isinstance(nxt, int) else roundtrip.new_map()
                model = model_at(path[:n])
                # the draft's mappings are CommentedMaps (roundtrip.load, new_map); isinstance narrows to dict only
                roundtrip.insert_in_order(cast(CommentedMap, node), part, fresh, list(model.model_fields) if model else [])
            node = node[part]
        return node

    def _fold_fact(self, path: tuple[Any, ...]) -> None:
        """A known fact with no kit's reading is written as one line, as format 1 writes it."""
        seq, i = self._container(path[:-1]), path[-1]
        fact = seq[i]
        if isinstance(fact, dict) and set(fact) == {"text"}:
            seq[i] = fact["text"]

    def _changed(self) -> None:
        self._check = None

    # -- checking --------------------------------------------------------------------------

    def text(self) -> str:
        """pack.yaml as it would be saved."""
        return roundtrip.dump(self.data)

    def check(self) -> Check:
        """Every problem with the draft, by field: the validator's, the lint's and the own-words check."""
        if self._check is not None:
            return self._check
        shown = f"{self.pack_id or 'new-pack'}/{PACK_FILE}"
        # The data as the safe loader would read the saved file (dates as text), without writing the
        # file out and reading it back: the same rules, the same sentences, a fraction of the time.
        located = Located(roundtrip.plain(self.data), {})
        _pack, problems = validate_located(located, shown, load_vocabulary())
        problems += lint_data(located.data, shown, located.line_of)
        found = [FieldProblem.of(p) for p in problems] + self._own_words(located.data)
        self._check = Check(found)
        return self._check

    def _own_words(self, data: dict[str, Any]) -> list[FieldProblem]:
        return [FieldProblem(dotted(path), sentence, copied=tuple(runs)) for path, sentence, runs in own_words(data, self.source)]

    def preview_pack(self, upto: int) -> Pack:
        """The draft as the case page needs it, to preview point `upto` (and the points before it, which
        a learner passes first): each point checked on its own, so a half-written case can be previewed;
        a point with problems of its own is named in a sentence instead."""
        from pydantic import ValidationError

        from .models import DecisionPoint, Person, Source, TimelineEntry

        context = {"vocabulary": load_vocabulary(), "schema_version": NEWEST}
        points = []
        for i, raw in enumerate(self.get(("decision_points",)) or []):
            raw = raw if isinstance(raw, dict) else {}
            try:
                points.append(DecisionPoint.model_validate(raw, context=context))
            except ValidationError:
                if i <= upto:
                    title = raw.get("title")
                    raise KitError(f"Decision point {i + 1}{f' ({title})' if title else ''} cannot be previewed "
                                   "yet: fix the problems shown beside its fields first.") from None
                # a later point, not reached in the preview: counted, never shown
                points.append(DecisionPoint.model_construct(id=str(raw.get("id") or f"later-{i}"), title=None))
        if len(points) <= upto:
            raise KitError("There is no such decision point yet: add it first.")

        def each(model: type[BaseModel], key: str) -> list[Any]:
            out = []
            for raw in self.get((key,)) or []:
                try:
                    out.append(model.model_validate(raw, context=context))
                except ValidationError:
                    continue
            return out

        text: Callable[[str, str], str] = lambda key, blank: str(self.get((key,)) or "").strip() or blank  # noqa: E731 - a local reader
        return Pack.model_construct(
            schema_version=NEWEST, id=self.pack_id or "preview", title=text("title", "Your case (no title yet)"),
            summary=text("summary", "(No summary yet.)"), content_note=text("content_note", "(No content note yet.)"),
            source=Source.model_construct(review=text("title", ""), year=None, articles=[], full_review=None,
                                          full_review_url=None), anonymisation=None, themes=[], people=each(Person, "people"),
            timeline=each(TimelineEntry, "timeline"), decision_points=points, debates=[], recommendations=[],
            outcome=text("outcome", "(No outcome yet.)"), outcome_note=None, plans=None, extra={})

    # -- saving ----------------------------------------------------------------------------

    def save_draft(self) -> Path:
        """Save the draft (problems and all) in the educator's drafts folder; learners never see it."""
        if not self.pack_id:
            raise KitError("Give the case a title first: its folder is named from it.")
        folder = drafts_dir() / (self.home.name if self.home else self.pack_id)
        folder.mkdir(parents=True, exist_ok=True)
        write_atomic(folder / PACK_FILE, self.text())
        write_atomic(folder / SOURCE_FILE, self.source.text)
        return folder

    def publish(self) -> Path:
        """Write pack.yaml and README.md where learners find the pack; refused while anything is wrong."""
        check = self.check()
        if not check.ok:
            n = len(check.errors)
            raise KitError(f"The case is not published: {n} problem{'s' if n != 1 else ''} still to fix (each "
                           "is shown beside its field). Save it as a draft to keep your work meanwhile.")
        home = self.home or self.packs_root / self.pack_id
        if self.home is None and home.exists():
            raise KitError(f"A case with the folder name '{self.pack_id}' already exists in {self.packs_root}. "
                           "Change the folder name (under the title) and publish again.")
        home.mkdir(parents=True, exist_ok=True)
        write_atomic(home / PACK_FILE, self.text())
        readme = home / README
        if not readme.exists() or AUTHORED in _head(readme):
            write_atomic(readme, readme_text(Pack.model_validate(
                load(home / PACK_FILE).data, context={"vocabulary": load_vocabulary(),
                                                       "schema_version": str(self.get(("schema_version",)))})))
        self.home = home
        saved = drafts_dir() / home.name
        if (saved / PACK_FILE).exists():
            (saved / PACK_FILE).unlink()  # the published pack is now the newest; the source text stays
        return home

    def use_title_for_id(self) -> None:
        """A new pack's folder name follows its title until it is published."""
        if self.home is None and self.get(("title",)):
            self.data["id"] = suggest_slug(str(self.get(("title",))).split(":")[0])[:60].strip("-")


def _head(f: Path, n: int = 600) -> str:
    """The first bytes of a file as text (enough to find the kit's mark in a README)."""
    with open(f, "rb") as handle:
        return handle.read(n).decode("utf-8", errors="replace")


def _read_source(folder: Path) -> str:
    f = folder / SOURCE_FILE
    try:
        return read_text(f, what="source text") if f.is_file() and not f.is_symlink() else ""
    except PackError:
        return ""


def field_path(dotted_field: str) -> tuple[Any, ...]:
    """'decision_points[2].options' -> ("decision_points", 2, "options")."""
    return tuple(int(p) if p.isdigit() else p for p in re.findall(r"[^.\[\]]+", dotted_field))


def add_debate(draft: Draft, pasted: str, title: str = "") -> int:
    """A debate made from pasted reader comments (anonymised; see comments_from_paste); its index."""
    found = comments_from_paste(pasted)
    if not found:
        raise KitError("Paste the reader comments first, one comment per paragraph, with a blank line between.")
    i = draft.add(("debates",))
    ids: list[str] = []
    for n, c in enumerate(found):
        cid = f"c{n + 1}"
        item = roundtrip.new_map({"id": cid, "author": c["author"]})
        if c["reply_to"] is not None:
            item["reply_to"] = ids[c["reply_to"]]
        item["text"] = roundtrip.styled(c["text"], None, indent=10)
        draft.add(("debates", i, "comments"), item)
        ids.append(cid)
    if title:
        draft.set(("debates", i, "title"), title)
    return i
