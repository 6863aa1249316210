"""Handing in a record for a workshop: to the shared exchange folder, or as a download.

KIT_EXCHANGE names the shared folder (as nbgrader's exchange on a JupyterHub). Each
hand-in is a new file written atomically; nothing already there is overwritten.
"""

from __future__ import annotations

import base64
import html
import os
from datetime import datetime, timezone
from pathlib import Path

from .errors import KitError
from .record import build_record, to_json
from .settings import exchange_dir


def submit(learner: str, *, share_text: bool = False, folder: str | Path | None = None) -> Path:
    """Write the learner's submission (free text only if share_text) into the exchange folder."""
    target = Path(folder) if folder else exchange_dir()
    if target is None:
        raise KitError("No workshop folder is set (KIT_EXCHANGE). Use the download link instead, "
                       "and give the file to your educator.")
    rec = build_record(learner, include_text=share_text, include_name=share_text, compact=True)
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%f")
    path = target / f"{rec.learner_id}-{stamp}.json"
    try:
        target.mkdir(parents=True, exist_ok=True)
        tmp = target / f".{path.name}.part"
        tmp.write_text(to_json(rec), encoding="utf-8")
        os.link(tmp, path)  # fails rather than overwrite an existing hand-in
        tmp.unlink()
    except OSError as exc:
        raise KitError(f"Could not hand in to {target} ({exc.strerror}). Use the download link instead.") from None
    return path


def submit_view(learner: str | None = None):
    """Widget: opt in to sharing written text, then hand in (or download if no exchange folder)."""
    import ipywidgets as W

    from .learner import current_learner
    from .ui import message

    who = learner or current_learner() or "anonymous"
    share = W.Checkbox(value=False, indent=False, description="Include my written reasons and reflections "
                       "(only if you are happy for your educator and group to read them)",
                       layout=W.Layout(width="100%"))
    button = W.Button(description="Hand in to the workshop", button_style="primary", layout=W.Layout(width="auto"))
    out = W.HTML()

    def on_click(_b=None):
        try:
            if exchange_dir():
                path = submit(who, share_text=share.value)
                out.value = message(f"Handed in. Your educator will see it as {path.name}.", "ok")
            else:
                rec = build_record(who, include_text=share.value, include_name=share.value, compact=True)
                data = base64.b64encode(to_json(rec).encode("utf-8")).decode("ascii")
                name = f"{rec.learner_id}.json"
                out.value = (message("There is no shared workshop folder here: download the file and give it "
                                     "to your educator.", "info")
                             + f'<p><a download="{html.escape(name)}" href="data:application/json;base64,{data}">'
                               f"Download {html.escape(name)}</a></p>")
        except KitError as exc:
            out.value = message(str(exc), "error")

    button.on_click(on_click)
    return W.VBox([W.HTML("<h3>Hand in for the workshop</h3><p>Your choices and confidence are shared under a "
                          "code, not your name. Your written text is shared only if you tick the box.</p>"),
                   share, button, out])
