"""End-of-case reflection: Gibbs' six stages, the learner's own evidence against PCF domains, a
CPD entry in Social Work England's fields (and as plain text for its online form), and the
learner's own attribution of causes by level. Every field is optional; each save is a new
journal event, so earlier versions are never lost (the latest is shown).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from .errors import SessionError
from .events import Attribution, CpdEntry, PcfEvidence, Reflection
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
    ("activity_type", "Type of activity", "Choose the type of activity"),
    ("description", "What you did, and why it is relevant to your practice", ""),
    ("date", "Date", "the date of the activity"),
    ("learning", "What you learnt", ""),
    ("impact_practice", "The positive impact on your practice", ""),
    ("impact_people", "The positive impact on the people you work with", ""),
    ("peer_reflection", "What you learnt from discussing it with a peer (optional)",
     "a colleague, supervision or a training discussion"),
]
# The types of activity a learner chooses from (no preset for a learner working alone; a workshop room or
# an exercise plan presets its own). The words are what the entry and the record hold.
CPD_ACTIVITIES = {
    "self-directed": "Self-directed learning: working through a published case review",
    "workshop": "A facilitated workshop with peer discussion: working through a published case review",
    "supervision": "Supervision: discussing a published case review with my supervisor",
}
CPD_STANDARD = "Social Work England professional standard 4: maintain my continuing professional development"
CPD_KEYS = {k for k, _, _ in CPD} | {"standard"}  # what a CPD entry holds (older entries also held tags)
PCF_EVIDENCE_HINT = "What you did or wrote in this case that shows this capability (a few sentences)"


def _cleaned(case: CaseSession, fields: dict[str, str], spec: Iterable[tuple[str, str, str]], what: str) -> dict[str, str]:
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


def cpd_activity(case: CaseSession, activity: str | None = None) -> str:
    """The activity type to preset, in words, or "" (the learner chooses). `activity` is a key of
    CPD_ACTIVITIES an exercise plan or notebook gives; a case worked in a workshop room is a workshop."""
    if activity is not None and activity not in CPD_ACTIVITIES:
        raise SessionError(f"'{activity}' is not a type of CPD activity: use {', '.join(CPD_ACTIVITIES)}.")
    if activity is None and getattr(case, "room", None) is not None:
        activity = "workshop"
    return CPD_ACTIVITIES.get(activity or "", "")


def cpd_defaults(case: CaseSession, activity: str | None = None) -> dict[str, str]:
    """A CPD entry started for the learner: the date and case, and the activity type only when a room or
    an exercise plan says which it is (they choose it, and write the rest)."""
    preset = cpd_activity(case, activity)
    return {**({"activity_type": preset} if preset else {}),
            "description": f"Worked through the case '{case.pack.title}' decision by decision, then compared "
                           "my decisions with the review's findings.",
            "date": date.today().isoformat()}


def save_cpd(case: CaseSession, fields: dict[str, str]) -> dict[str, str]:
    """Save a CPD entry in Social Work England's fields, tagged to standard 4."""
    cleaned = _cleaned(case, fields, CPD, "CPD field(s)")
    if not cleaned.get("activity_type"):
        raise SessionError("Choose the type of activity before saving the CPD entry: self-directed learning, a "
                           "facilitated workshop with peer discussion, or supervision.")
    if not any(v for k, v in cleaned.items() if k not in ("activity_type", "date")):
        raise SessionError("Write what you learnt (or another field) before saving the CPD entry.")
    case.save(CpdEntry({**cleaned, "standard": CPD_STANDARD}))
    return cleaned


def cpd_fields(saved: dict[str, str] | None) -> dict[str, str]:
    """A saved CPD entry's own fields, in the form's order, without empty ones or older kits' tags."""
    saved = saved or {}
    return {k: saved[k].strip() for k in [k for k, _, _ in CPD] + ["standard"] if (saved.get(k) or "").strip()}


def cpd_text(fields: dict[str, str] | None) -> str:
    """A CPD entry as plain text, one Social Work England field after another, ready to paste
    into its online form (no markup; empty fields left out)."""
    fields = cpd_fields(fields)
    parts = [f"{label}:\n{fields[key]}" for key, label, _ in CPD if fields.get(key)]
    if parts:
        parts.append(f"Standard:\n{fields.get('standard') or CPD_STANDARD}")
    return "\n\n".join(parts)


def save_pcf_evidence(case: CaseSession, evidence: dict[str, str]) -> dict[str, str]:
    """Save the learner's evidence against PCF domains (slug to text; any may be empty, not all).
    The record's PCF domains are the ones with evidence, never the case's own tags."""
    case.require_acknowledged()
    domains = load_vocabulary().slugs("pcf_domains")
    unknown = [d for d in evidence if d not in domains]
    if unknown:
        raise SessionError(f"'{unknown[0]}' is not a PCF domain: use {', '.join(domains)}.")
    cleaned = {d: (evidence.get(d) or "").strip() for d in domains if d in evidence}
    if not any(cleaned.values()):
        raise SessionError("Write your evidence against at least one domain before saving.")
    case.save(PcfEvidence(cleaned))
    return cleaned


def evidenced_domains(evidence: dict[str, str] | None) -> list[str]:
    """The PCF domains the learner wrote evidence for, in the vocabulary's order."""
    evidence = evidence or {}
    return load_vocabulary().ordered("pcf_domains", [d for d, text in evidence.items() if text.strip()])


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
