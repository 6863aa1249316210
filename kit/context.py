"""Who this page is for, and what belongs to it: the one page context.

A kernel serves one page: a notebook in JupyterLab, or one page of the code-free app (Voila
starts a kernel per page). Everything that belongs to that page rather than to the machine
lives in one `PageContext`, and every module reads it from here:

- `role`: who the page is for, a learner (the default) or a facilitator;
- `home`: the learner's folder once the page knows it (a shared app's page, from its learner
  key); None means the folder the settings name (KIT_HOME);
- `query`: the page's address parameters (``?learner=...``), read once;
- `identity`: a shared app's learner of this page once known, and who waits to hear of it;
- `sessions` and `gated`: the one case session per case and learner that every view on the
  page shares, and which of them already show their content note;
- `join_forms`: the shared app's join form on this page;
- `journals`, `remembered` and `process_salts`: this process's one journal object per file,
  and what stands in for a KIT_HOME that cannot be written (a pseudonym, a salt).

`current()` returns the page's context; `reset()` starts a fresh one, as a new kernel would
(tests play several pages in one process and call it once per test). Nothing here reads a
file or imports a view: the layers above fill it in.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

LEARNER = "learner"
FACILITATOR = "facilitator"


@dataclass
class PageContext:
    """Everything one page (one kernel) knows about who it is for."""

    role: str = LEARNER
    home: Path | None = None
    query: dict[str, str] | None = None  # None until read (a pre-heated page learns it late)
    identity: Any = None  # identity.Identity of a shared app's page, once entered
    identity_listeners: list[Callable[[Any], None]] = field(default_factory=list)
    sessions: dict[tuple[str, str], Any] = field(default_factory=dict)  # (pack source, learner) -> CaseSession
    gated: set[int] = field(default_factory=set)  # ids of sessions whose content gate is on the page
    join_forms: list[Any] = field(default_factory=list)  # views.join.JoinForm shown on this page
    journals: dict[str, Any] = field(default_factory=dict)  # absolute path -> journal.Journal
    remembered: dict[str, str] = field(default_factory=dict)  # KIT_HOME -> pseudonym held in memory
    process_salts: dict[str, bytes] = field(default_factory=dict)  # salt file -> a salt for this process
    lock: threading.RLock = field(default_factory=threading.RLock, repr=False)

    @property
    def is_facilitator(self) -> bool:
        return self.role == FACILITATOR


_current = PageContext()


def current() -> PageContext:
    """The context of the page this process serves."""
    return _current


def reset() -> PageContext:
    """Forget the page: a fresh context, as a new kernel starts with (tests call this once per test)."""
    global _current
    _current = PageContext()
    return _current
