"""Find, load and validate case packs, turning every broken rule into a located Problem."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ValidationError

from . import settings
from .errors import PackError, PackNotFound, Problem
from .models import PACK_ID_RE, Pack, normal_version
from .vocabulary import Vocabulary, load_vocabulary
from .yamlfile import Located, dotted, load

if TYPE_CHECKING:
    from pydantic_core import ErrorDetails

PACK_FILE = "pack.yaml"


@dataclass
class Report:
    """What validating one pack found: the pack (if it loaded) and every problem."""

    path: str
    pack: Pack | None = None
    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    @property
    def ok(self) -> bool:
        return not self.errors


def pack_file(path: str | Path) -> Path:
    """The pack.yaml for a folder or file path."""
    p = Path(path)
    return p / PACK_FILE if p.is_dir() else p


def resolve(pack: str | Path, packs_dir: str | Path | None = None) -> Path:
    """A pack id in the packs folder, or a path to a pack folder or pack.yaml."""
    p = Path(pack)
    if p.exists():
        f = pack_file(p)
        if not f.exists():
            raise PackNotFound.single(
                p, f"this folder has no {PACK_FILE}.", hint="A pack is a folder holding pack.yaml."
            )
        return f
    base = Path(packs_dir) if packs_dir else settings.packs_dir()
    if PACK_ID_RE.match(str(pack)) and (base / str(pack) / PACK_FILE).exists():
        return base / str(pack) / PACK_FILE
    known = [d.name for d in list_pack_dirs(base)]
    near = difflib.get_close_matches(str(pack), known, n=1)
    hint = f"Did you mean '{near[0]}'?" if near else f"Known packs: {', '.join(known) or 'none'}."
    raise PackNotFound.single(str(pack), f"no pack with this id or path (looked in {base}).", hint=hint)


def validate_file(
    path: str | Path, vocabulary: Vocabulary | None = None, *, in_collection: bool = False
) -> Report:
    """Validate one pack and report every problem; never raises for a bad pack.

    In a collection (a folder of packs) ids are how packs are found, so an id that
    differs from its folder is an error; a pack loaded from its own path only warns.
    """
    f = pack_file(path)
    shown = _shown(f)
    report = Report(shown)
    try:
        if not Path(path).exists():
            raise PackNotFound.single(path, "there is no such file or folder.")
        if not f.exists():
            raise PackNotFound.single(
                path, f"there is no {PACK_FILE} here.",
                hint="A pack is a folder holding pack.yaml; start from casepacks/_template.",
            )
        vocab = vocabulary or load_vocabulary()
        located = load(f)
        report.pack, report.problems = validate_located(located, shown, vocab)
    except PackError as exc:
        report.problems = [
            Problem(shown if p.path == str(f) else p.path, p.line, p.field, p.problem, p.hint)
            for p in exc.problems
        ]
    if report.pack and f.parent.name != report.pack.id:
        report.problems.append(
            Problem(
                shown,
                located.line_of(("id",)),
                "id",
                f"'{report.pack.id}' differs from its folder name '{f.parent.name}'.",
                f"Rename the folder to '{report.pack.id}'.",
                severity="error" if in_collection else "warning",
            )
        )
    return report


def load_pack(pack: str | Path, vocabulary: Vocabulary | None = None) -> Pack:
    """Load a pack by id or path, or raise PackError listing every problem."""
    report = validate_file(resolve(pack), vocabulary)
    if not report.ok:
        raise PackError(report.errors)
    return report.pack  # type: ignore[return-value]


def list_pack_dirs(base: str | Path) -> list[Path]:
    """Pack folders under base; folders starting with '_' or '.' (the template) are skipped."""
    b = Path(base)
    if not b.is_dir():
        return []
    return sorted(d for d in b.iterdir() if d.is_dir() and d.name[0] not in "_.")


def validate_tree(paths: list[str | Path], vocabulary: Vocabulary | None = None) -> list[Report]:
    """Validate packs given as pack folders, pack.yaml files, or folders of packs."""
    reports: list[Report] = []
    for raw in paths:
        p = Path(raw)
        if p.is_dir() and not (p / PACK_FILE).exists():
            dirs = list_pack_dirs(p)
            if not dirs:
                reports.append(
                    Report(str(raw), problems=[Problem(str(raw), None, "", "holds no case packs.",
                                                       "A pack is a folder holding pack.yaml.")])
                )
            reports += [validate_file(d, vocabulary, in_collection=True) for d in dirs]
        else:
            reports.append(validate_file(p, vocabulary))
    return reports


def load_packs(base: str | Path | None = None, vocabulary: Vocabulary | None = None) -> list[Pack]:
    """Every valid pack in a folder; raises PackError naming every problem if any is broken."""
    reports = validate_tree([Path(base) if base else settings.packs_dir()], vocabulary)
    errors = [p for r in reports for p in r.errors]
    if errors:
        raise PackError(errors)
    return [r.pack for r in reports if r.pack]


def _shown(f: Path) -> str:
    """A path as a person would type it: relative to the current folder when inside it."""
    try:
        return str(f.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(f)


def validate_located(located: Located, shown: str, vocab: Vocabulary) -> tuple[Pack | None, list[Problem]]:
    """Validate parsed pack data (with its lines) into a Pack and every problem; the one home of
    the format's rules, for files (validate_file) and for the authoring page's drafts alike."""
    data = located.data
    if not isinstance(data, dict):
        kind = type(data).__name__.replace("NoneType", "nothing").replace("dict", "mapping")
        raise PackError.single(
            shown,
            f"the top level must be a mapping of fields (schema_version, id, title, ...), not a {kind}.",
            line=1,
        )
    version = normal_version(data.get("schema_version"))
    try:
        return Pack.model_validate(data, context={"vocabulary": vocab, "schema_version": version}), []
    except ValidationError as exc:
        return None, [_problem(e, located, shown) for e in exc.errors()]


def _problem(err: ErrorDetails, located: Located, shown: str) -> Problem:
    loc = tuple(err["loc"])
    kind = err["type"]
    # pydantic adds the failing type's name for unions/tagged values; drop non-field parts
    loc = tuple(p for p in loc if isinstance(p, int) or not str(p).startswith(("function-", "literal[")))
    field = dotted(loc)
    line = located.line_of(loc)
    hint = ""
    value = err.get("input")
    if kind == "missing":
        problem = "is required but missing."
        line = located.line_of(loc[:-1])
    elif kind == "extra_forbidden":
        known = fields_at(loc[:-1])
        near = difflib.get_close_matches(str(loc[-1]), known, n=1)
        problem = f"'{loc[-1]}' is not a field here."
        hint = (f"Did you mean '{near[0]}'? " if near else "") + "Put your own fields under top-level 'extra:'."
    elif kind in ("string_type", "int_type", "bool_type", "list_type", "dict_type", "model_type",
                  "date_type", "date_from_datetime_parsing", "date_parsing", "int_parsing",
                  "bool_parsing", "model_attributes_type"):
        problem = f"{_expectation(kind)}, but found {_describe(value)}."
    elif kind == "too_short" and isinstance(err.get("ctx"), dict):
        need, has = err["ctx"].get("min_length"), err["ctx"].get("actual_length")
        problem = f"needs at least {need}, but has {has}."
        hint = {"decision_points": "Add a decision point.", "options": "Add an option."}.get(str(loc[-1]), "")
    else:
        problem = err["msg"].removeprefix("Value error, ")
        if not problem.endswith((".", "?", "!")):
            problem += "."
    return Problem(shown, line, field, problem, hint)


_EXPECT = {
    "string_type": "must be text",
    "int_type": "must be a whole number",
    "int_parsing": "must be a whole number",
    "bool_type": "must be true or false",
    "bool_parsing": "must be true or false",
    "list_type": "must be a list (lines starting with '- ')",
    "dict_type": "must be a mapping (key: value lines)",
    "model_type": "must be a mapping (key: value lines)",
    "model_attributes_type": "must be a mapping (key: value lines)",
    "date_type": "must be a date like 2017-05-02",
    "date_parsing": "must be a date like 2017-05-02",
    "date_from_datetime_parsing": "must be a date like 2017-05-02",
}


def _expectation(kind: str) -> str:
    return _EXPECT.get(kind, "has the wrong type")


def _describe(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"{str(value).lower()}"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    text = str(value)
    return f"'{text[:40]}{'...' if len(text) > 40 else ''}'"


def fields_at(loc: tuple[int | str, ...]) -> list[str]:
    """Field names of the model that sits at loc, for 'did you mean' on a typo."""
    model: type[BaseModel] = Pack
    for part in loc:
        if isinstance(part, int):
            continue
        info = model.model_fields.get(str(part))
        if info is None:
            return []
        inner = model_in(info.annotation)
        if inner is None:
            return []
        model = inner
    return list(model.model_fields)


def model_in(annotation: Any) -> type[BaseModel] | None:
    """The pydantic model inside a field's type (list[Option] -> Option), or None."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()) or ():
        found = model_in(arg)
        if found:
            return found
    return None


def estimated_minutes(pack: Pack) -> int:
    """About how long a case takes a learner: reading, then each decision point in turn."""
    return 10 + 8 * len(pack.decision_points)


def case_outline(pack: str | Path) -> str:
    """A plain overview of a case for the top of its notebook: no outcomes, nothing revealed."""
    p = load_pack(pack)
    return "\n".join([p.title, f"Decision points: {len(p.decision_points)} (about {estimated_minutes(p)} minutes)",
                      f"Debates: {len(p.debates)}", f"Content note: {p.content_note}"])


def find_pack(pack_id: str, pack_path: str = "") -> Pack | None:
    """A case's pack by id in the packs folder, else from the path the learner opened it from
    (packs kept outside the packs folder); None if neither loads as that pack."""
    for candidate in filter(None, [pack_id, pack_path]):
        try:
            pack = load_pack(candidate)
        except PackError:
            continue
        if pack.id == pack_id:
            return pack
    return None
