"""pack.yaml as an editor keeps it: comments, quotes, folded text and key order survive a round
trip (ruamel.yaml), so changing one field changes only that field's lines in `git diff`.

Reading for the learner (kit/yamlfile.py) stays with the safe loader that knows line numbers;
this module is only for the authoring page, which edits a pack and writes it back.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import (
    DoubleQuotedScalarString,
    FoldedScalarString,
    LiteralScalarString,
)

WRAP = 88  # new long text is folded at about this column, as the bundled packs are written
LONG = 70  # new text longer than this is written folded (>), shorter text in double quotes


def _yaml() -> YAML:
    y = YAML()  # round-trip: keeps comments, order, quoting and the folding of unchanged text
    y.preserve_quotes = True
    y.width = 4096  # never re-wrap a line the educator did not change
    y.indent(mapping=2, sequence=4, offset=2)  # the kit's packs: "key:\n  - item"
    y.representer.add_representer(type(None), lambda r, _v: r.represent_scalar("tag:yaml.org,2002:null", "null"))
    return y


def load(text: str) -> CommentedMap:
    """Parse pack.yaml text for editing (the text was checked by the safe loader first)."""
    data = _yaml().load(text)
    return data if isinstance(data, CommentedMap) else CommentedMap()


def dump(data: Any) -> str:
    out = io.StringIO()
    _yaml().dump(data, out)
    return out.getvalue()


def plain(value: Any) -> Any:
    """Round-trip data as plain dicts, lists and text (dates as text, as the safe loader leaves them)."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        return str(value)
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int):
        return int(value)  # ruamel's ScalarInt, as a plain number
    if isinstance(value, float):
        return float(value)
    return value


def styled(new: str, old: Any, *, indent: int = 0) -> str:
    """New text in the style the old value had (folded, literal, double-quoted), so a field keeps its
    look; new text of a new field is folded when long and double-quoted when short."""
    if isinstance(old, LiteralScalarString):
        return LiteralScalarString(new)  # type: ignore[no-any-return]  # ruamel annotates its __new__ -> Any
    if isinstance(old, FoldedScalarString) or (not isinstance(old, str) and len(new) > LONG and "\n" not in new):
        text = new if not isinstance(old, str) or not old.endswith("\n") or new.endswith("\n") else new + "\n"
        folded = FoldedScalarString(text)
        folded.fold_pos = fold_positions(text, max(WRAP - indent, 40))
        return folded  # type: ignore[no-any-return]  # ruamel annotates its __new__ -> Any
    if isinstance(old, DoubleQuotedScalarString) or not isinstance(old, str) or not old:
        return DoubleQuotedScalarString(new)  # type: ignore[no-any-return]  # ruamel annotates its __new__ -> Any
    return new


def fold_positions(text: str, width: int) -> list[int]:
    """Where folded text breaks its lines: at the last space before a line would pass `width`."""
    positions: list[int] = []
    line_start, last_space = 0, None
    for i, ch in enumerate(text + " "):
        if ch != " ":
            continue
        if i - line_start > width and last_space is not None and last_space > line_start:
            positions.append(last_space)
            line_start = last_space + 1
        last_space = i
    return [p for p in positions if p < len(text) and text[p - 1] != " " and text[p + 1:p + 2] not in (" ", "")]


def new_map(pairs: dict[str, Any] | None = None) -> CommentedMap:
    return CommentedMap(pairs or {})


def new_seq(items: list[Any] | None = None) -> CommentedSeq:
    return CommentedSeq(items or [])


def insert_in_order(mapping: CommentedMap, key: str, value: Any, order: list[str]) -> None:
    """Set mapping[key], placing a new key where the format puts it (after the fields before it)."""
    if key in mapping or key not in order:
        mapping[key] = value
        return
    rank = order.index(key)
    pos = sum(1 for k in mapping if k in order and order.index(k) < rank)
    # keys the format does not know (kept from the educator's file) stay where they are
    keys = list(mapping)
    seen = 0
    for i, k in enumerate(keys):
        if seen == pos:
            mapping.insert(i, key, value)
            return
        if k in order and order.index(k) < rank:
            seen += 1
    mapping[key] = value
