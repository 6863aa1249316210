"""Reflective practice kit: teach from child safeguarding case reviews.

Public names are imported on first use, so `import kit` stays light (pydantic, pandas,
seaborn and ipywidgets load only when a feature needs them).
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

_EXPORTS = {
    "KitError": "errors",
    "PackError": "errors",
    "SessionError": "errors",
    "load_pack": "packs",
    "load_packs": "packs",
    "validate_tree": "packs",
    "load_vocabulary": "vocabulary",
    "open_case": "session",
    "CaseSession": "session",
    "Journal": "journal",
    "set_learner": "learner",
    "current_learner": "learner",
    "case_view": "ui",
    "learner_picker": "ui",
    "case_outline": "ui",
    "support_box": "ui",
    "self_check": "checks",
    "points_table": "exercises",
    "outcomes_table": "exercises",
    "factors_table": "exercises",
    "show_text": "exercises",
    "answer_box": "exercises",
    "solution": "exercises",
    "after_answer": "exercises",
    "factors_view": "charts",
    "debate_view": "debate_view",
    "record_view": "record_view",
    "export_record": "export",
    "DebateSession": "debate",
    "accountability_overview": "accountability",
    "my_attributions": "accountability",
    "submit_view": "handin",
    "load_cohort": "dashboard",
    "cohort_report": "dashboard",
    "cohort_choices": "dashboard",
    "cohort_confidence": "dashboard",
    "cohort_debates": "dashboard",
    "cohort_attributions": "dashboard",
    "cohort_rationales": "dashboard",
    "summary_button": "dashboard",
}

__all__ = ["__version__", *_EXPORTS]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'kit' has no attribute '{name}'")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
