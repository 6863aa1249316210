"""What a learner sees, checked and kept: screenshots of each step at each width, with a check of
their structure (nothing wider than the screen, no text spilling out of its box or cut off, no
internal id or literal escape in the visible text), axe-core with every impact level, and a
visible focus ring.

Screenshots go to the folder `bash kit.sh test` names (KIT_SCREENSHOTS, default
test-artifacts/screenshots), one subfolder per width: <width>/<NN-step>.png.
"""

from __future__ import annotations

import json
import os
import re
from functools import cache
from pathlib import Path

from kit.packs import load_packs
from kit.settings import packs_dir
from kit.vocabulary import load_vocabulary
from tests.browser.conftest import ROOT, png

SCREENSHOTS = Path(os.environ.get("KIT_SCREENSHOTS") or ROOT / "test-artifacts" / "screenshots")
AXE = ROOT / ".cache" / "axe" / "node_modules" / "axe-core" / "axe.min.js"
WIDTHS = {"desktop": 1280, "phone": 390}

# Runs in the page: every visible element that is wider than the viewport or sticks out of it,
# every text that overflows or is clipped by its box, every list whose chosen words are cut off.
LAYOUT_JS = r"""
(rootSelector) => {
  const vw = document.documentElement.clientWidth;
  const root = (rootSelector && document.querySelector(rootSelector)) || document.body;
  const out = [];
  const name = el => {
    const text = (el.innerText || el.value || el.getAttribute('aria-label') || '').trim().replace(/\s+/g, ' ');
    return `<${el.tagName.toLowerCase()}${el.className && typeof el.className === 'string' ? ' class="' + el.className.split(' ').slice(0, 3).join(' ') + '"' : ''}> "${text.slice(0, 60)}"`;
  };
  const shown = el => {
    const s = getComputedStyle(el);
    if (s.display === 'none' || s.visibility === 'hidden' || s.opacity === '0') return false;
    const r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0;
  };
  const hiddenByClip = el => {  // visually hidden on purpose (a table's headings on a phone)
    for (let a = el; a && a !== document.body; a = a.parentElement) {
      const s = getComputedStyle(a);
      if (s.clip !== 'auto' && s.position === 'absolute') return true;
    }
    return false;
  };
  const skip = el => el.closest('script, style, svg, .lm-mod-hidden, #loading, .kit-stylesheet, option') || hiddenByClip(el);
  const ctx = document.createElement('canvas').getContext('2d');
  for (const el of root.querySelectorAll('*')) {
    if (skip(el) || !shown(el)) continue;
    const r = el.getBoundingClientRect();
    if (r.right > vw + 1 || r.left < -1) {
      out.push(`wider than the screen (${Math.round(r.left)} to ${Math.round(r.right)} of ${vw} px): ${name(el)}`);
      continue;
    }
    const s = getComputedStyle(el);
    const ownText = [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
    if (ownText && el.tagName !== 'TEXTAREA') {
      if (el.scrollWidth > el.clientWidth + 2 && el.clientWidth > 0) out.push(`text wider than its box: ${name(el)}`);
      const clips = ['hidden', 'clip'].includes(s.overflowY) || ['hidden', 'clip'].includes(s.overflowX);
      if (clips && el.scrollHeight > el.clientHeight + 2) out.push(`text cut off by its box: ${name(el)}`);
      if (s.textOverflow === 'ellipsis' && el.scrollWidth > el.clientWidth + 1) out.push(`text cut short: ${name(el)}`);
    }
    if (el.tagName === 'SELECT' && el.selectedIndex >= 0) {
      ctx.font = `${s.fontWeight} ${s.fontSize} ${s.fontFamily}`;
      const need = ctx.measureText(el.options[el.selectedIndex].text).width;
      const room = el.clientWidth - parseFloat(s.paddingLeft) - parseFloat(s.paddingRight);
      if (need > room + 1) out.push(`list cuts its words (${Math.round(need)} px of text in ${Math.round(room)} px): ${name(el)}`);
    }
    if (el.tagName === 'BUTTON' && el.scrollWidth > el.clientWidth + 2) out.push(`button text cut off: ${name(el)}`);
  }
  const page = document.scrollingElement;
  if (page.scrollWidth > vw + 1) out.push(`the page scrolls sideways (${page.scrollWidth} px for ${vw})`);
  return out;
}
"""

# The visible text, as a learner reads it (JupyterLab's own interface left out).
TEXT_JS = """
() => {
  const root = document.querySelector('#kit-main') || document.querySelector('.jp-Notebook') || document.body;
  return root.innerText;
}
"""


SLUG_FIELDS = {"id", "themes", "relies_on", "level", "pcf_domains", "holds_accountable", "reply_to", "points",
               "stance", "source_id", "format"}


def _words(value, into: list[str]) -> None:
    """Every text a pack shows learners (not its ids and slugs)."""
    if isinstance(value, dict):
        for k, v in value.items():
            if k not in SLUG_FIELDS:
                _words(v, into)
    elif isinstance(value, list):
        for v in value:
            _words(v, into)
    elif isinstance(value, str):
        into.append(value.lower())


@cache
def internal_ids() -> frozenset[str]:
    """Every id and slug a learner must never see: packs, points, options, debates, comments and
    the vocabulary's slugs, where they look like ids (with a hyphen: 'bruising-contact'). A slug that
    is also an ordinary word in the packs' or the vocabulary's own text ('step-down') is left out."""
    ids, texts = set(), []
    for p in load_packs(packs_dir()):
        ids.add(p.id)
        for d in p.decision_points:
            ids.add(d.id)
            ids.update(o.id for o in d.options)
        for deb in p.debates:
            ids.add(deb.id)
            ids.update(c.id for c in deb.comments)
        _words(p.model_dump(), texts)
    vocab = load_vocabulary()
    for name, terms in vocab.lists.items():
        ids.update(vocab.slugs(name))
        texts += [f"{t.label} {getattr(t, 'description', '') or ''}".lower() for t in terms.values()]
    corpus = " ".join(texts)
    return frozenset(i for i in ids if "-" in i and not re.search(rf"(?<![\w-]){re.escape(i)}(?![\w-])", corpus))


ESCAPES = re.compile(r"\\n|&amp;|&lt;|&gt;|&quot;|&#x?[0-9a-fA-F]+;|\bNaN\b|<NA>")


def text_problems(text: str) -> list[str]:
    """Internal ids and literal escapes in a page's visible text."""
    found = [f"internal id {i!r} in the visible text" for i in sorted(internal_ids())  # in a file name too
             if re.search(rf"(?<!\w){re.escape(i)}(?!\w)", text)]
    found += [f"literal {m.group(0)!r} in the visible text" for m in ESCAPES.finditer(text)]
    return found


def problems(page, root: str | None = None) -> list[str]:
    """What is wrong with what the page shows now (empty when nothing is); `root` limits the
    look to one part of the page (a JupyterLab notebook, not Lab's own menus)."""
    return page.evaluate(LAYOUT_JS, root) + text_problems(page.evaluate(TEXT_JS))


def grow(page) -> dict:
    """Voila and Lab scroll an inner element: make the viewport as tall as the page; returns the old size."""
    size = page.viewport_size
    height = page.evaluate("Math.max(...Array.from(document.querySelectorAll('*')).map(e => e.scrollHeight))")
    page.set_viewport_size({"width": size["width"], "height": min(max(height, size["height"]), 80000)})
    return size


def look(page, name: str, found: dict[str, list[str]] | None = None, root: str | None = None) -> Path:
    """Save a full-page screenshot of this step (SCREENSHOTS/<width>/<name>.png) and note what is
    wrong with the page in `found` (the test asserts it is empty at the end)."""
    size = grow(page)
    try:
        page.wait_for_timeout(150)  # let the layout settle at the new height
        folder = SCREENSHOTS / str(size["width"])
        folder.mkdir(parents=True, exist_ok=True)
        path = png(page, folder / f"{name}.png")  # the viewport is the whole page now
        if found is not None:
            bad = problems(page, root)
            if bad:
                found[f"{size['width']}/{name}"] = bad
    finally:
        page.set_viewport_size(size)
    return path


def axe(page) -> list[dict]:
    """axe-core's violations of every impact level (minor and moderate too) on the page as it is now."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [{"id": v["id"], "impact": v["impact"], "help": v["help"],
             "nodes": [n["html"][:200] for n in v["nodes"][:3]]} for v in result["violations"]]


def report(found: dict) -> str:
    return json.dumps(found, indent=1)


FOCUS_JS = """
() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const s = getComputedStyle(el);
  return {tag: el.tagName, text: (el.innerText || el.value || '').slice(0, 40), outline: s.outlineStyle,
          width: parseFloat(s.outlineWidth), color: s.outlineColor};
}
"""


def focus_ring(page) -> dict | None:
    """The focused element and its outline (style, width, colour), or None when nothing has focus."""
    return page.evaluate(FOCUS_JS)
