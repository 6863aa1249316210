"""Exercise answers: saved to the learner's journal, each save kept, the latest shown."""

from __future__ import annotations

from .errors import SessionError
from .events import EXERCISES, ExerciseAnswer, answer_target, new_event, replay_learner
from .journal import Journal
from .learner import check_learner


def saved_answer(exercise: str, question: str, learner: str, journal: Journal | None = None) -> str | None:
    """The learner's latest saved answer to one exercise question, or None."""
    events = (journal or Journal()).events(learner, EXERCISES)
    return replay_learner(events).answer(exercise, question)


def save_answer(exercise: str, question: str, learner: str, text: str, journal: Journal | None = None,
                prompt: str = "") -> Journal:
    """Save an answer (refusing an empty one) with the question's words, so the record can name it;
    returns the journal so a view can show its warning."""
    text = (text or "").strip()
    if not text:
        raise SessionError("Write your answer before saving it.")
    journal = journal or Journal()
    journal.append(new_event(check_learner(learner), EXERCISES, ExerciseAnswer(text, (prompt or "").strip()),
                             answer_target(exercise, question)))
    return journal
