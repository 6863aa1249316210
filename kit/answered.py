"""What learners have answered in a case, read from the journals under a folder, so an educator is
warned before an edit to a pack removes or renames a point or option someone has answered.

`kit validate --against KIT_HOME` (a learner's folder, or a shared app's folder with a journal per
learner) adds a warning for each point or option id that learners answered and the pack no longer
has: their answers are kept, but shown as "no longer in this case" and not counted at collect.
Change the words of a point or option, never its id, while learners are working on the case.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from .errors import Problem
from .events import Decided, Kind, payload_of
from .journal import FILE_NAME, Journal
from .models import Pack

MAX_JOURNALS = 5000  # a shared app's folder holds one journal per learner


def journals_under(home: str | Path) -> list[Path]:
    """The journal files in home and in folders below it (a shared app's learners/<id>/), links left out."""
    base = Path(home)
    found = [base / FILE_NAME] if (base / FILE_NAME).is_file() else []
    found += sorted(p for p in base.rglob(FILE_NAME) if p.parent != base and not p.is_symlink())
    return found[:MAX_JOURNALS]


def answered(pack_id: str, journals: list[Path]) -> dict[str, dict[str, set[tuple[str, str]]]]:
    """point id -> option id -> the (journal, learner) pairs whose first answer at that point it is."""
    out: dict[str, dict[str, set[tuple[str, str]]]] = defaultdict(lambda: defaultdict(set))
    for path in journals:
        first: dict[tuple[str, str], str] = {}
        for e in Journal(path, separate=True).events(pack_id=pack_id, kinds=[Kind.DECIDE]):
            data = payload_of(e)
            if isinstance(data, Decided):
                first.setdefault((e.learner, e.target), data.option_id)
        for (learner, point), option in first.items():
            out[point][option].add((str(path), learner))
    return out


def _line_of(pack_file: Path, point_id: str) -> int | None:
    try:
        lines = pack_file.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return None
    return next((i + 1 for i, line in enumerate(lines) if line.strip() in (f"- id: {point_id}", f'- id: "{point_id}"')),
                None)


def _learners(pairs: set[tuple[str, str]]) -> str:
    n = len(pairs)
    return f"{n} learner{'s' if n != 1 else ''}"


def rename_warnings(pack: Pack, pack_path: str | Path, home: str | Path) -> list[Problem]:
    """A warning for each answered point or option id this pack no longer has (none if nobody answered)."""
    path = Path(pack_path)
    pack_file = path / "pack.yaml" if path.is_dir() else path
    where = f"the journals under {home}"
    problems = []
    points = {p.id: (i, p) for i, p in enumerate(pack.decision_points)}
    for point_id, options in sorted(answered(pack.id, journals_under(home)).items()):
        everyone = set().union(*options.values())
        if point_id not in points:
            problems.append(Problem(
                str(pack_file), None, "decision_points",
                f"{_learners(everyone)} in {where} answered the point '{point_id}', which this pack no longer has: "
                "their answers will show as 'no longer in this case'.",
                "If you renamed it, keep the old id (change the words, not the id).", "warning"))
            continue
        i, point = points[point_id]
        for option_id, who in sorted(options.items()):
            if point.option(option_id) is None:
                problems.append(Problem(
                    str(pack_file), _line_of(pack_file, point_id), f"decision_points[{i}].options",
                    f"{_learners(who)} in {where} chose the option '{option_id}' at '{point_id}', which this pack no "
                    "longer has: their answers will show as 'no longer in this case'.",
                    "If you renamed it, keep the old id (change the words, not the id).", "warning"))
    return problems
