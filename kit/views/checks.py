"""The start page's self-check, as a table a learner can read."""

from __future__ import annotations

import html as _html

from ..checks import run_checks
from ..html import Markup, table_html
from .base import View, box, html


class SelfCheck(View):
    def __init__(self):
        checks = run_checks()
        rows = [[c.name, Markup(f"<strong>{'OK' if c.ok else 'Problem'}</strong>"),
                 Markup(_html.escape(c.detail) + ("" if c.ok else f"<br><em>What to do:</em> {_html.escape(c.fix)}"))]
                for c in checks]
        self.ok = all(c.ok for c in checks)
        head = ("<p><strong>Everything is ready.</strong></p>" if self.ok else
                "<p><strong>Something needs fixing before you start</strong> (see below).</p>")
        self.result = html(head + table_html(["Check", "Result", "Details"], rows, caption="Environment self-check",
                                       stack=False))
        self.widget = box(self.result)


def self_check() -> SelfCheck:
    """The checks as a table a learner can read (returned, not displayed)."""
    return SelfCheck()
