"""The start page's self-check, as a table a learner can read."""

from __future__ import annotations

import html as _html

from ..checks import run_checks
from .base import View, box, html


class SelfCheck(View):
    def __init__(self):
        checks = run_checks()
        rows = []
        for c in checks:
            fix = "" if c.ok else f"<br><em>What to do:</em> {_html.escape(c.fix)}"
            rows.append(f"<tr><th scope='row'>{_html.escape(c.name)}</th><td><strong>{'OK' if c.ok else 'Problem'}"
                        f"</strong></td><td>{_html.escape(c.detail)}{fix}</td></tr>")
        self.ok = all(c.ok for c in checks)
        head = ("<p><strong>Everything is ready.</strong></p>" if self.ok else
                "<p><strong>Something needs fixing before you start</strong> (see below).</p>")
        self.result = html(head + "<table><caption>Environment self-check</caption><tr><th>Check</th>"
                           "<th>Result</th><th>Details</th></tr>" + "".join(rows) + "</table>")
        self.widget = box(self.result)


def self_check() -> SelfCheck:
    """The checks as a table a learner can read (returned, not displayed)."""
    return SelfCheck()
