"""Exercises: no hindsight around the gates. Run top to bottom, an exercise shows no outcome,
finding or contributing factor before the learner's own answer is saved; gated content opens
only once every answer it waits for is saved; model answers stay with facilitators."""

from __future__ import annotations

import html
import re

import nbformat
import pandas as pd
import pytest
from nbclient import NotebookClient

import kit
from kit.answers import save_answer
from kit.learner import set_learner
from kit.tables import case_titles, factors_table, outcomes_table, points_table
from kit.views.exercises import AfterAnswer, after_answer, answer_box
from tests.conftest import ROOT

EXERCISES = ROOT / "exercises"
NOTEBOOKS = sorted(p.name for p in EXERCISES.glob("[0-9][0-9]_*.ipynb"))  # every exercise
FIRST_SEVEN = [n for n in NOTEBOOKS if n[:2] <= "07"]  # the ones whose model answers moved to facilitator/
CALL = re.compile(r"kit\.(?:outcomes_table|factors_table|factors_view)\(")
# Situations that come after a decision an exercise asks about: they show what was done there, so
# they open only after the learner's answer (exercise 4: the partner agency and the health visitor
# after the conference; exercise 6: every Baby C point after the first one it maps).
AFTER_THE_ANSWER = {
    "04_challenging_a_step_down.ipynb": [("nadiya-plans-ended-early", p) for p in ("agency-challenge", "health-visiting-reduced")],
    "06_mapping_contributing_factors.ipynb": [
        ("baby-c-closed-without-visit", p)
        for p in ("manager-sign-off", "feedback-to-housing", "police-argument", "health-second-pregnancy")],
}
# Tables an exercise keeps beside it and shows only under a button (exercise 8: what the sources
# say about each family, and what they leave out).
HIDDEN_FILES = {"08_anti_oppressive_practice.ipynb": "08_what_the_sources_say.csv"}
# What a content note must not say: what happened, or in what order (kinds of harm and themes pass).
TELLING = re.compile(r"\b(later|went on to|afterwards|(?:were|was) ended|ended|closed|charges?|charged|care proceedings"
                     r"|taken into care|fractures?|convicted|died|death)\b", re.IGNORECASE)


def _words(text: str) -> str:
    return " ".join(html.unescape(str(text)).split())


def _hidden_texts() -> set[str]:
    """What was done, what happened, what the reviews found and every factor, across the packs,
    less anything the situations themselves show (those may appear before an answer)."""
    out = outcomes_table()
    texts = {t for col in ("what_was_done", "what_happened", "review_finding") for t in out[col]}
    texts |= {t for supports in out["review_supports"] for t in supports}
    texts |= set(factors_table()["factor"])
    shown = " ".join(_words(t) for t in points_table()["situation"]) + " " + " ".join(
        _words(k) for known in points_table()["known"] for k in known)
    return {w for w in (_words(t) for t in texts) if len(w) > 25 and w not in shown}


def _strings(node) -> list[str]:
    if isinstance(node, str):
        return [node]
    if isinstance(node, dict):
        return [s for v in node.values() for s in _strings(v)]
    if isinstance(node, list):
        return [s for v in node for s in _strings(v)]
    return []


def test_every_exercise_gates_what_it_shows_and_has_no_model_answer():
    """In every exercise each cell that shows outcomes or factors wraps them in kit.after_answer and
    no cell calls kit.solution; exercises 1-7 end by saying the facilitator has model answers."""
    assert len(FIRST_SEVEN) == 7 and not hasattr(kit, "solution")
    for name in NOTEBOOKS:
        nb = nbformat.read(EXERCISES / name, as_version=4)
        code = [c.source for c in nb.cells if c.cell_type == "code"]
        for source in code:
            assert "kit.solution" not in source, name
            if CALL.search(source):
                assert "kit.after_answer(" in source, f"{name}: ungated cell: {source}"
        text = " ".join(c.source for c in nb.cells if c.cell_type == "markdown")
        assert "model answer stays hidden" not in text and "sits behind a button" not in text, name
        if name in FIRST_SEVEN:
            assert any("after_answer" in s for s in code) and "Your facilitator has model answers" in text, name


def test_alternative_task_for_every_exercise_that_promises_one():
    """Each of exercises 1-7 whose content note offers an alternative task has one in its facilitator notes."""
    for name in FIRST_SEVEN:
        note = nbformat.read(EXERCISES / name, as_version=4).cells[1].source
        if re.search(r"alternative task|equivalent task", note):
            notes = (ROOT / "facilitator" / "exercises" / name.replace(".ipynb", ".md")).read_text(encoding="utf-8")
            assert "## Alternative task" in notes and "no reason asked" in notes, name


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_running_an_exercise_reveals_nothing_before_the_answers(name, kit_home):
    """Run All Cells with a learner who has saved nothing: no outcome, finding or factor text is in
    any output or in any widget's state, and the gated content waits behind its buttons."""
    set_learner("Robin")
    nb = nbformat.read(EXERCISES / name, as_version=4)
    NotebookClient(nb, timeout=300, kernel_name="python3", store_widget_state=True,
                   resources={"metadata": {"path": str(EXERCISES)}}).execute()
    outputs = [c.get("outputs", []) for c in nb.cells]
    state = nb.metadata.get("widgets", {})
    shown = _words(" ".join(_strings(outputs) + _strings(state)))
    assert '"output_type": "error"' not in str(outputs) and "Traceback" not in shown
    assert "Save answer" in shown and "Show " in shown  # the answer boxes and the gates are there
    leaked = [t for t in _hidden_texts() if t in shown]
    assert not leaked, f"{name} shows before any answer: {leaked[:3]}"
    points = points_table()
    later = [_words(points[(points.case == case) & (points.point == point)].situation.iloc[0])
             for case, point in AFTER_THE_ANSWER.get(name, [])]
    assert not [t for t in later if t in shown], f"{name} shows a later situation before the answer about an earlier one"
    if name in HIDDEN_FILES:
        table = pd.read_csv(EXERCISES / HIDDEN_FILES[name])
        kept = [_words(v) for col in table.columns[1:] for v in table[col] if len(_words(v)) > 25]
        assert kept and not [t for t in kept if t in shown], f"{name} shows its hidden table before the answer"
    titles = [t for t in case_titles().values() if t in shown]
    assert not titles, f"{name} names a case by its pack title before any answer: {titles}"


def _content_notes(nb) -> list[str]:
    """The exercise's content note (to the next heading) and any table of cases to choose from."""
    notes = []
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        if "## Content note" in cell.source:
            notes.append(re.split(r"^#+ ", cell.source.split("## Content note", 1)[1], flags=re.MULTILINE)[0])
        if cell.source.startswith("## Choose a case"):
            notes.append(cell.source)
    return notes


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_content_notes_warn_without_telling(name):
    """An exercise's content note (and exercise 6's table of cases) names kinds of harm and themes,
    never what happened or when: no charges, no care proceedings, nothing 'later', nothing 'ended'."""
    nb = nbformat.read(EXERCISES / name, as_version=4)
    notes = _content_notes(nb)
    assert notes, f"{name} has no content note"
    told = [m.group(0) for note in notes for m in TELLING.finditer(note)]
    assert not told, f"{name}: the content note tells what happened ({told})"


def test_telling_words_are_caught():
    """The check above catches the notes it was written for."""
    for note in ("their child protection plans were ended; the baby was later seriously injured",
                 "criminal charges against both parents", "both children were taken into care",
                 "a referral that was closed before the parents were seen"):
        assert TELLING.search(note), note
    assert not TELLING.search("serious injury to a baby; domestic abuse; forced marriage; neglect")


def test_after_answer_opens_only_when_every_answer_is_saved(kit_home):
    """Clicking before the answers are saved says why and shows nothing; with one of two saved it
    still waits; once both are saved the content opens."""
    out = outcomes_table("baby-c-closed-without-visit")
    finding = out["review_finding"].iloc[1]
    gate = after_answer("ex", ["q1", "q2"], out, label="Show what the review found", learner="Robin")
    assert isinstance(gate, AfterAnswer) and gate.content.value == ""
    gate.open.click()
    assert "2 of 2 still to save" in gate.status.text and gate.content.value == ""
    save_answer("ex", "q1", "Robin", "mine")
    gate.open.click()
    assert "1 of 2 still to save" in gate.status.text and gate.content.value == ""
    box = answer_box("ex", "q2", "Your second answer", learner="Robin")
    box.answer.value = "also mine"
    box.save.click()
    gate.open.click()
    assert html.escape(finding.strip()) in gate.content.value and gate.open.disabled and gate.status.text == ""


def test_after_answer_with_one_question_and_a_function(kit_home):
    """One question, content made only when it opens (a function), and a clear refusal of no question."""
    made = []
    gate = after_answer("ex", "q1", lambda: made.append(1) or "<b>made</b>", learner="Robin")
    gate.open.click()
    assert "Save your own answer above first" in gate.status.text and made == []
    save_answer("ex", "q1", "Robin", "mine")
    gate.open.click()
    assert made == [1] and gate.content.value == "&lt;b&gt;made&lt;/b&gt;"
    with pytest.raises(ValueError, match="at least one question"):
        after_answer("ex", [], "x", learner="Robin")


def test_answer_box_saves_the_question_words(kit_home):
    """An answer is saved with the question's words, so the record can name it."""
    from kit.events import EXERCISES as JOURNAL_ID
    from kit.events import replay_learner
    from kit.journal import Journal

    box = answer_box("01_spotting_hindsight", "q9", "What did you notice?", learner="Robin")
    box.answer.value = "A lot."
    box.save.click()
    state = replay_learner(Journal().events("Robin", JOURNAL_ID))
    assert state.prompts["01_spotting_hindsight/q9"] == "What did you notice?"
    assert state.answer("01_spotting_hindsight", "q9") == "A lot."


def test_after_answer_refuses_a_view_made_beforehand(kit_home):
    """A view made before the gate (its text already in the browser's widget state) is refused with
    a sentence saying what to pass instead."""
    with pytest.raises(TypeError, match="not a view made beforehand"):
        after_answer("ex", "q1", kit.show_text(outcomes_table("baby-c-closed-without-visit")), learner="Robin")
