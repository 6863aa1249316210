"""List installed packages whose version differs from uv.lock (run by `bash kit.sh test --latest`).

    python scripts/lock_drift.py uv.lock

Prints one line per difference, `name: locked -> installed`, so a run against the newest
releases says what moved. Always exits 0: it reports, the tests decide.
"""

from __future__ import annotations

import sys
from importlib import metadata
from pathlib import Path


def locked_versions(lock: Path) -> dict[str, set[str]]:
    """Name -> the versions uv.lock holds for it (one per Python/platform fork, usually one)."""
    import tomllib

    data = tomllib.loads(lock.read_text(encoding="utf-8"))
    versions: dict[str, set[str]] = {}
    for p in data.get("package", []):
        if "version" in p:
            versions.setdefault(normal(p["name"]), set()).add(p["version"])
        else:  # the kit itself (editable, no version)
            versions.setdefault(normal(p["name"]), set())
    return versions


def normal(name: str) -> str:
    return name.lower().replace("_", "-").replace(".", "-")


def main(argv: list[str]) -> int:
    lock = Path(argv[1] if len(argv) > 1 else "uv.lock")
    try:
        locked = locked_versions(lock)
    except ImportError:
        print("lock_drift: needs Python 3.11+ (tomllib)", file=sys.stderr)
        return 0
    installed = {normal(d.metadata["Name"]): d.version for d in metadata.distributions()}
    moved = sorted((n, " or ".join(sorted(locked[n])), v) for n, v in installed.items()
                   if n in locked and locked[n] and v not in locked[n])
    new = sorted(n for n in installed if n not in locked and n not in {"pip", "uv", "setuptools"})
    if not moved and not new:
        print("Every installed package is at its uv.lock version.")
    for name, was, now in moved:
        print(f"  {name}: {was} (uv.lock) -> {now}")
    for name in new:
        print(f"  {name}: not in uv.lock")
    if moved:
        print(f"{len(moved)} package(s) newer or different than uv.lock.")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
