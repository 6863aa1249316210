"""Handing in a record for a workshop: to the shared exchange folder, or as a download.

KIT_EXCHANGE names the shared folder (as nbgrader's exchange on a JupyterHub). Each
hand-in is a new file written atomically; nothing already there is overwritten. With a
workshop key (KIT_WORKSHOP_KEY, or one the learner pastes in) the hand-in is signed, so
the facilitator's `kit collect --key` can tell it from an edited or invented file.
"""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

from .errors import KitError
from .files import why, write_atomic
from .record import Record, build_record, sign, to_json
from .settings import exchange_dir
from .workshop import LearnerKey, WorkshopKey, workshop_key


def submit(learner: str, *, share_text: bool = False, folder: str | Path | None = None,
           key: WorkshopKey | LearnerKey | None = None) -> Path:
    """Write the learner's submission (free text only if share_text) into the exchange folder."""
    target = Path(folder) if folder else exchange_dir()
    if target is None:
        raise KitError("No workshop folder is set (KIT_EXCHANGE). Use the download link instead, "
                       "and give the file to your educator.")
    rec = handin_record(learner, share_text, key)
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%f")
    path = target / f"{rec.learner_id}-{stamp}.json"
    try:
        write_atomic(path, to_json(rec), replace=False)  # never overwrites an existing hand-in
    except OSError as exc:
        raise KitError(f"Could not hand in to {target} ({why(exc, path)}). Use the download link instead.") from None
    return path


def handin_record(learner: str, share_text: bool = False, key: WorkshopKey | LearnerKey | None = None) -> Record:
    """The compact record a hand-in carries: choices under a code; written text and name only if
    shared; signed with the workshop key given, else the one set in KIT_WORKSHOP_KEY, if any.

    It is built from this kernel's journal, so work held in memory (a full or read-only disk)
    is handed in too."""
    rec = build_record(learner, include_text=share_text, include_name=share_text, compact=True)
    key = key or workshop_key()
    return sign(rec, key) if key else rec
