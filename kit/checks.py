"""The start notebook's self-check: is this environment ready, and if not, what to do."""

from __future__ import annotations

import importlib
import sys
from dataclasses import dataclass


@dataclass(frozen=True)
class Check:
    """One check, in the educator's words (a name, versions, paths, the technical fix)."""

    name: str
    ok: bool
    detail: str
    fix: str = ""


@dataclass(frozen=True)
class Plain:
    """One line of the self-check in a student's words: what it is about, whether it is ready, what to do."""

    what: str
    ok: bool
    says: str
    todo: str = ""


ASK = "Ask your tutor, and show them the details for your tutor below."


def in_plain_words(checks: list[Check]) -> list[Plain]:
    """The checks as a student reads them: the kit's software, the cases, saving your work. No versions,
    package names or paths (those are in `checks`, for the educator)."""
    by_name = {c.name: c for c in checks}
    software = [c for c in checks if c.name not in ("Case packs", "Saving your work")]
    rows = [Plain("The kit's software", all(c.ok for c in software),
                  "Everything the kit needs is installed." if all(c.ok for c in software) else
                  "Something the kit needs is missing or out of date.",
                  "" if all(c.ok for c in software) else "Run bash kit.sh start again, or ask your tutor.")]
    packs = by_name.get("Case packs")
    if packs is not None:
        rows.append(Plain("The cases", packs.ok, "Every case opens." if packs.ok else "Some cases do not open.",
                          "" if packs.ok else ASK))
    saving = by_name.get("Saving your work")
    if saving is not None:
        from .settings import shared_dir

        where = ("on the workshop's server, under your own learner key" if shared_dir() is not None
                 else "on this computer")
        rows.append(Plain("Saving your work", saving.ok,
                          f"Your work is saved as you go, {where}." if saving.ok else
                          "Your work cannot be saved at the moment, so it may be lost when you close the page.",
                          "" if saving.ok else ASK))
    return rows


PACKAGES = [("ipywidgets", "8.1"), ("pandas", "2.0"), ("seaborn", "0.13"), ("matplotlib", "3.7"),
            ("pydantic", "2.6"), ("yaml", "6.0")]


def _version_tuple(v: str) -> tuple[int, ...]:
    parts = []
    for p in v.split(".")[:3]:
        digits = "".join(c for c in p if c.isdigit())
        parts.append(int(digits) if digits else 0)
    return tuple(parts)


def run_checks() -> list[Check]:
    """Each check says what it found and, when it fails, the fix."""
    checks = [Check("Python", sys.version_info >= (3, 10), sys.version.split()[0],
                    "Install Python 3.10 or newer, then run bash kit.sh start again.")]
    for module, minimum in PACKAGES:
        try:
            mod = importlib.import_module(module)
            version = getattr(mod, "__version__", "?")
            ok = _version_tuple(version) >= _version_tuple(minimum)
            checks.append(Check(module, ok, version, f"Needs {minimum} or newer: run bash kit.sh start again."))
        except ImportError:
            checks.append(Check(module, False, "missing", "Run bash kit.sh start again to install it."))
    from .packs import validate_tree
    from .settings import packs_dir as default_packs_dir

    reports = validate_tree([default_packs_dir()])
    bad = [r.path for r in reports if not r.ok]
    checks.append(Check("Case packs", not bad, f"{len(reports) - len(bad)} of {len(reports)} load",
                        f"Ask your tutor: these packs do not load: {', '.join(bad)}."))
    from .journal import Journal
    from .settings import shared_dir

    j = Journal()
    where = "on the workshop's server, under your own learner key" if shared_dir() is not None else str(j.path)
    checks.append(Check("Saving your work", j.warning is None, where if j.warning is None else j.warning,
                        "Set KIT_HOME to a folder you can write to, or ask your tutor."))
    return checks
