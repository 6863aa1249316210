"""Reader comments pasted from under an article, made into a debate's comments: anonymised as
Commenter A, B, ... (names and handles replaced wherever they appear), replies found."""

from __future__ import annotations

import re
from typing import Any


def commenter(n: int) -> str:
    """The n-th commenter's name (0 -> 'Commenter A', 26 -> 'Commenter AA')."""
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    return "Commenter " + (letters[n] if n < 26 else letters[n // 26 - 1] + letters[n % 26])


HANDLE = re.compile(r"^\s*(?:@?(?P<name>[^\s:][^:\n]{0,40}?))\s*(?:says|said|wrote|replied)?\s*:?\s*$", re.IGNORECASE)
REPLY = re.compile(r"^\s*(?:@(?P<at>[\w.-]{1,40})|(?:in )?reply to (?P<to>[^:,\n]{1,40})[:,])\s*", re.IGNORECASE)


def comments_from_paste(text: str) -> list[dict[str, Any]]:
    """Reader comments pasted from under an article, one per paragraph (blank lines between), as the
    kit shows them: a short first line is taken as the commenter's name or handle and replaced by
    Commenter A, B, ... everywhere it appears; '@name' or 'Reply to name:' at the start makes it a
    reply to that commenter's latest earlier comment. The educator then puts each in the kit's words
    and codes it."""
    blocks = [b.strip() for b in re.split(r"\n\s*\n", (text or "").replace("\r\n", "\n")) if b.strip()]
    names: dict[str, str] = {}  # handle (lower case) -> Commenter X
    latest: dict[str, int] = {}  # Commenter X -> index of their latest comment
    out: list[dict[str, Any]] = []
    for block in blocks:
        lines = block.split("\n")
        handle = None
        if len(lines) > 1 and len(lines[0].split()) <= 5 and (found := HANDLE.match(lines[0])):
            handle = found.group("name").strip()
            lines = lines[1:]
        body = " ".join(" ".join(lines).split())
        key = (handle or f"anonymous {len(out)}").lower()
        author = names.setdefault(key, commenter(len(set(names.values()))))
        reply_to = None
        m = REPLY.match(body)
        if m:
            target = names.get((m.group("at") or m.group("to") or "").strip().lower())
            if target in latest:
                reply_to = latest[target]
                body = body[m.end():]
        for name, who in sorted(names.items(), key=lambda kv: -len(kv[0])):
            if not name.startswith("anonymous "):
                body = re.sub(rf"(?<![\w@])@?{re.escape(name)}(?!\w)", who, body, flags=re.IGNORECASE)
        latest[author] = len(out)
        out.append({"author": author, "text": body, "reply_to": reply_to})
    return out
