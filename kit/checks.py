"""The start notebook's self-check: is this environment ready, and if not, what to do."""

from __future__ import annotations

import importlib
import sys
from dataclasses import dataclass


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str
    fix: str = ""


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
