"""Read a YAML file safely and remember the line of every value.

Pack errors must cite lines, so we compose the node tree ourselves: PyYAML's safe
loader without its timestamp resolver (dates stay text until the models parse them),
with limits on size, nesting and alias expansion so a hostile file cannot hang us.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from .errors import PackError, Problem

MAX_BYTES = 1024 * 1024
MAX_DEPTH = 64
MAX_NODES = 200_000

PathKey = tuple[str | int, ...]  # field path, e.g. ("decision_points", 2, "options")


_Base: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml's parser when present: same nodes, faster


class _Loader(_Base):  # type: ignore[misc]  # PyYAML ships no types: mypy sees its loaders as Any
    """Safe loader that leaves dates as strings (as papermill's NoDatesSafeLoader does)."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


class Located:
    """Parsed data plus the line (1-based) of each field path."""

    def __init__(self, data: Any, lines: dict[PathKey, int]):
        self.data = data
        self.lines = lines

    def line_of(self, path: PathKey) -> int | None:
        """Line of the deepest part of `path` that the file has."""
        path = tuple(path)
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return self.lines.get((), None)


def read_text(path: Path, *, what: str = "file") -> str:
    """Read a small UTF-8 file, or raise PackError saying why not."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise PackError.single(path, f"there is no {what} here.") from None
    except OSError as exc:
        raise PackError.single(path, f"cannot read this {what} ({exc.strerror}).") from None
    if path.is_dir():
        raise PackError.single(path, f"is a folder, not a {what}.")
    if size > MAX_BYTES:
        raise PackError.single(
            path,
            f"is {size:,} bytes; a {what} may be at most {MAX_BYTES:,} bytes (1 MiB).",
            hint="Split it, or remove embedded data.",
        )
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise PackError.single(
            path,
            f"is not UTF-8 text (byte {exc.start}).",
            line=line,
            hint="Save it as UTF-8 in your editor.",
        ) from None


def load(path: Path, text: str | None = None) -> Located:
    """Parse one YAML document into plain data with line numbers."""
    if text is None:
        text = read_text(path)
    if not text.strip():
        raise PackError.single(path, "is empty.", hint="Start from casepacks/_template/pack.yaml.")
    try:
        loader = _Loader(text)
    except yaml.reader.ReaderError as exc:  # the pure-Python reader checks characters up front
        raise _control_character(path, text, exc) from None
    try:
        node = loader.get_single_node()
        if node is None:
            raise PackError.single(path, "holds no YAML document.")
        lines: dict[PathKey, int] = {}
        _check_and_map(node, (), lines, path, depth=0, budget=[MAX_NODES])
        data = loader.construct_document(node)
    except yaml.reader.ReaderError as exc:  # libyaml finds them while parsing
        raise _control_character(path, text, exc) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        problem = (exc.problem or exc.context or "is not valid YAML").strip()
        hint = ""
        if "nesting depth" in problem or "too deep" in problem:  # PyYAML 6.0.2+ has its own limit
            raise PackError.single(path, f"is nested too deeply (more than {MAX_DEPTH} levels).",
                                   line=line) from None
        tabbed = "cannot start any token" in problem or "tab character" in problem  # PyYAML's words, libyaml's
        if tabbed and line and _tab_indented(text, line):
            raise PackError.single(
                path, "uses a tab to indent this line; YAML indents with spaces only.", line=line,
                hint="Replace the tab with spaces (most editors: convert indentation to spaces).") from None
        if "could not determine a constructor" in problem or "tag:" in problem:
            problem = f"uses a YAML tag the kit does not allow ({problem})"
            hint = "Packs are plain data: remove the '!!' tag."
        raise PackError.single(path, f"is not valid YAML: {problem}.", line=line, hint=hint) from None
    except yaml.YAMLError as exc:
        raise PackError.single(path, f"is not valid YAML: {exc}.") from None
    except RecursionError:
        raise PackError.single(
            path, f"is nested too deeply (more than {MAX_DEPTH} levels)."
        ) from None
    finally:
        loader.dispose()
    return Located(data, lines)


def _tab_indented(text: str, line: int) -> bool:
    """True when a tab is in the leading whitespace of the given (1-based) line."""
    lines = text.splitlines()
    if not 0 < line <= len(lines):
        return False
    row = lines[line - 1]
    return "\t" in row[: len(row) - len(row.lstrip(" \t"))]


def _control_character(path: Path, text: str, exc: yaml.reader.ReaderError) -> PackError:
    line = text[: exc.position].count("\n") + 1 if isinstance(exc.position, int) else None
    return PackError.single(
        path,
        f"contains a control character YAML does not allow (code {exc.character!r}).",
        line=line,
        hint="Delete it; it is often pasted in from another program.",
    )


def _check_and_map(node: yaml.Node, path: PathKey, lines: dict[PathKey, int], file: Path, depth: int, budget: list[int]) -> None:
    """Record lines, refuse duplicate keys, and bound depth and alias expansion."""
    budget[0] -= 1
    if budget[0] < 0:
        raise PackError.single(
            file,
            f"expands to more than {MAX_NODES:,} values (YAML aliases?).",
            hint="Write the values out instead of using anchors and aliases.",
        )
    if depth > MAX_DEPTH:
        raise PackError.single(
            file,
            f"is nested too deeply (more than {MAX_DEPTH} levels).",
            line=node.start_mark.line + 1,
        )
    lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        seen: dict[str, int] = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                _check_and_map(value_node, path, lines, file, depth + 1, budget)
                continue
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else str(key_node.start_mark)
            line = key_node.start_mark.line + 1
            if key in seen:
                raise PackError.single(
                    file,
                    f"the key '{key}' appears twice (first on line {seen[key]}).",
                    line=line,
                    field=dotted(path + (key,)),
                    hint="Keep one of them.",
                )
            seen[key] = line
            lines[path + (key,)] = line
            _check_and_map(value_node, path + (key,), lines, file, depth + 1, budget)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _check_and_map(item, path + (i,), lines, file, depth + 1, budget)


def dotted(path: PathKey) -> str:
    """("decision_points", 2, "id") -> "decision_points[2].id"."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


__all__ = ["Located", "Problem", "load", "read_text", "dotted"]
