"""kit guide: the facilitator notes (how to run things, model answers, alternative tasks) as one file."""

from __future__ import annotations

from kit.cli import main
from tests.conftest import ROOT

NOTES = sorted((ROOT / "facilitator" / "exercises").glob("*.md"))


def test_guide_writes_every_exercise_as_one_html_file(tmp_path, capsys):
    """The whole guide: the how-to page first, then each exercise's notes and alternative task,
    with a contents list, as one self-contained HTML file."""
    out = tmp_path / "guide.html"
    assert main(["guide", "-o", str(out)]) == 0
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "<nav>" in page and "@page" in page
    body = page.split("</nav>")[1]
    assert body.index("Facilitator guide: running the exercises and the cases") < body.index("Exercise 1:")
    for note in NOTES:
        heading = note.read_text(encoding="utf-8").splitlines()[0].removeprefix("# ")
        assert heading in page
    assert page.count("<h2>Alternative task</h2>") >= 7
    assert not any(s in page for s in ('src="http', "<script"))
    assert f"for {len(NOTES)} exercise(s)" in capsys.readouterr().out


def test_guide_for_one_exercise_in_markdown(tmp_path):
    """One exercise, named by number or by name, written as Markdown from the file name."""
    by_number, by_name = tmp_path / "five.md", tmp_path / "five-again.md"
    assert main(["guide", "5", "-o", str(by_number)]) == 0
    assert main(["guide", "supervision_after_closure", "-o", str(by_name)]) == 0
    text = by_number.read_text(encoding="utf-8")
    assert text == by_name.read_text(encoding="utf-8")
    assert text.startswith("# Exercise 5:") and "# Exercise 1:" not in text and "## Alternative task" in text


def test_guide_unknown_exercise_is_a_sentence(tmp_path, capsys):
    """An exercise that does not exist gets a sentence naming the ones that do; nothing is written."""
    out = tmp_path / "x.html"
    assert main(["guide", "99", "-o", str(out)]) == 1
    err = capsys.readouterr().err
    assert "'99' is not one of the exercises" in err and "01_spotting_hindsight" in err and not out.exists()
