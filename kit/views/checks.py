"""The start page's self-check, as a table a learner can read."""

from __future__ import annotations

import html as _html

from ..checks import in_plain_words, run_checks
from ..html import Markup, table_html
from .base import View, box, html


class SelfCheck(View):
    """The check in a student's words (the software, the cases, saving their work); versions, package
    names and paths only under "Details for your tutor", folded away."""

    def __init__(self):
        checks = run_checks()
        plain = in_plain_words(checks)
        rows = [[p.what, Markup(f"<strong>{'Ready' if p.ok else 'Needs fixing'}</strong>"),
                 Markup(_html.escape(p.says) + ("" if p.ok else f"<br><em>What to do:</em> {_html.escape(p.todo)}"))]
                for p in plain]
        self.ok = all(c.ok for c in checks)
        head = ("<p><strong>Everything is ready.</strong></p>" if self.ok else
                "<p><strong>Something needs fixing before you start</strong> (see below).</p>")
        tech = [[c.name, "OK" if c.ok else "Problem", c.detail + ("" if c.ok else f" (fix: {c.fix})")] for c in checks]
        self.result = html(head + table_html(["What", "Ready?", "In short"], rows, caption="Is the kit ready?",
                                             stack=False))
        self.details = html("<details><summary>Details for your tutor</summary>"
                            + table_html(["Check", "Result", "Found"], tech, caption="Versions and settings",
                                         stack=False) + "</details>")
        self.widget = box(self.result, self.details)


def self_check() -> SelfCheck:
    """The checks as a table a learner can read (returned, not displayed)."""
    return SelfCheck()
