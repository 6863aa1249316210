"""End-of-case reflection: Gibbs' six stages, a CPD entry in Social Work England's fields,
and the learner's own attribution of causes by level. Every field is optional; each save
is a new journal event, so earlier versions are never lost (the latest is shown).
"""

from __future__ import annotations

from datetime import date

from .errors import SessionError
from .events import Attribution, CpdEntry, Reflection
from .session import CaseSession
from .vocabulary import RATING_SCALE, load_vocabulary

GIBBS = [
    ("description", "Description", "What happened in this case, and at the points where you decided?"),
    ("feelings", "Feelings", "What were you thinking and feeling as you decided, and when you saw the outcome?"),
    ("evaluation", "Evaluation", "What was good and what was difficult about the decisions, yours and the professionals'?"),
    ("analysis", "Analysis", "Why did things happen as they did? What theory, research or law helps you make sense of it?"),
    ("conclusion", "Conclusion", "What else could have been done, and what have you learnt?"),
    ("action_plan", "Action plan", "What will you do differently in practice, and how will you check it?"),
]

CPD = [
    ("activity_type", "Type of activity", "e.g. self-directed learning: a case review exercise"),
    ("description", "What you did, and why it is relevant to your practice", ""),
    ("date", "Date", "the date of the activity"),
    ("learning", "What you learnt", ""),
    ("impact_practice", "The positive impact on your practice", ""),
    ("impact_people", "The positive impact on the people you work with", ""),
    ("peer_reflection", "What you learnt from discussing it with a peer (optional)",
     "a colleague, supervision or a training discussion"),
]
CPD_STANDARD = "Social Work England professional standard 4: maintain my continuing professional development"


def _cleaned(case: CaseSession, fields: dict[str, str], spec, what: str) -> dict[str, str]:
    """Fields stripped of surrounding space, after refusing any the form does not have."""
    case.require_acknowledged()
    unknown = set(fields) - {k for k, _, _ in spec}
    if unknown:
        raise SessionError(f"Unknown {what}: {', '.join(sorted(unknown))}.")
    return {k: (v or "").strip() for k, v in fields.items()}


def save_reflection(case: CaseSession, stages: dict[str, str]) -> dict[str, str]:
    """Save Gibbs stages (any may be empty, but not all)."""
    cleaned = _cleaned(case, stages, GIBBS, "reflection stage(s)")
    if not any(cleaned.values()):
        raise SessionError("Write something in at least one stage before saving.")
    case.save(Reflection(cleaned))
    return cleaned


def cpd_defaults(case: CaseSession) -> dict[str, str]:
    """A CPD entry started for the learner: the activity, date and case (they write the rest)."""
    return {"activity_type": "Self-directed learning: working through a published case review",
            "description": f"Worked through the case '{case.pack.title}' decision by decision, then compared "
                           "my decisions with the review's findings.",
            "date": date.today().isoformat()}


def save_cpd(case: CaseSession, fields: dict[str, str]) -> dict[str, str]:
    """Save a CPD entry in Social Work England's fields, tagged to standard 4 and the case's PCF domains."""
    cleaned = _cleaned(case, fields, CPD, "CPD field(s)")
    if not any(v for k, v in cleaned.items() if k not in ("activity_type", "date")):
        raise SessionError("Write what you learnt (or another field) before saving the CPD entry.")
    case.save(CpdEntry({**cleaned, "standard": CPD_STANDARD, "pcf_domains": ", ".join(case.pack.pcf_domains)}))
    return cleaned


def save_attribution(case: CaseSession, weights: dict[str, int]) -> dict[str, int]:
    """How much the learner thinks each level contributed (0 not at all ... 3 a great deal)."""
    case.require_acknowledged()
    levels = load_vocabulary().levels
    for level, w in weights.items():
        if level not in levels:
            raise SessionError(f"'{level}' is not a level: use {', '.join(levels)}.")
        if isinstance(w, bool) or not isinstance(w, int) or w not in RATING_SCALE:
            raise SessionError(f"Rate '{level}' from 0 (not at all) to 3 (a great deal).")
    case.save(Attribution(dict(weights)))
    return dict(weights)
