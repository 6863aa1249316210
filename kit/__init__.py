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
    "case_outline": "packs",
    "load_vocabulary": "vocabulary",
    "open_case": "roomsession",
    "Room": "room",
    "CaseSession": "session",
    "DebateSession": "debate",
    "Journal": "journal",
    "set_learner": "learner",
    "current_learner": "learner",
    "points_table": "tables",
    "outcomes_table": "tables",
    "factors_table": "tables",
    "export_record": "export",
    "load_cohort": "dashboard",
    "default_list_notice": "support",  # for facilitators: one line while learners see the default support list
    # views (widgets): each returns a view object with named parts
    "case_view": "views.case",
    "learner_picker": "views.case",
    "support_box": "views.case",
    "my_reasoning": "views.case",
    "debate_view": "views.debate",
    "record_view": "views.reflection",
    "submit_view": "views.handin",
    "self_check": "views.checks",
    "author_page": "views.author",
    "show_text": "views.exercises",
    "answer_box": "views.exercises",
    "after_answer": "views.exercises",
    "factors_view": "views.accountability",
    "accountability_overview": "views.accountability",
    "my_attributions": "views.accountability",
    "cohort_report": "views.dashboard",
    "cohort_choices": "views.dashboard",
    "cohort_confidence": "views.dashboard",
    "cohort_debates": "views.dashboard",
    "cohort_attributions": "views.dashboard",
    "cohort_rationales": "views.dashboard",
    "summary_button": "views.dashboard",
    "room_console": "views.room",
    "join_room": "views.case",
    "join_card": "views.joincard",
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
