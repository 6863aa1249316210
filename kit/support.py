"""Where to find support: shown with every content note and whenever a learner steps out.

An educator sets local support (wellbeing service, practice educator, helplines) in a
Markdown file named by KIT_SUPPORT_FILE, or support.md in KIT_HOME; otherwise the kit's
general UK text is shown.
"""

from __future__ import annotations

from pathlib import Path

DEFAULT = """\
You can stop at any point, without giving a reason. If this case has brought up something
difficult for you:

- talk to your practice educator, tutor or supervisor;
- contact your university or employer wellbeing service;
- Samaritans (UK and Ireland): call 116 123, free, any time;
- if you are worried about a child now: in an emergency call 999; otherwise contact the local
  authority children's services, or the NSPCC helpline for adults (0808 800 5000);
- Childline, for anyone under 19: 0800 1111.
"""


def support_text() -> str:
    """The educator's local support text if set, else the kit's default."""
    from .settings import SUPPORT, kit_home

    candidates = [SUPPORT.raw(), kit_home() / "support.md"]
    for c in candidates:
        if c and Path(c).is_file():
            try:
                text = Path(c).read_text(encoding="utf-8").strip()
            except (OSError, UnicodeDecodeError):
                continue
            if text:
                return text + "\n"
    return DEFAULT
