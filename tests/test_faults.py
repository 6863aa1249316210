"""Text that matplotlib would read as maths, sections that cannot be drawn, and the clear sentence
each fault gets (a tab in a pack's indentation)."""

from __future__ import annotations

import shutil

import pytest

from kit.charts import image_html, safely
from kit.cohort import collect
from kit.dashboard import summary_html
from kit.errors import PackError
from kit.export import to_html
from kit.handin import submit
from kit.packs import load_pack, validate_file
from kit.record import build_record
from kit.session import open_case
from tests.conftest import CASEPACKS

MATHS = "$\\notacommand{x}$"


@pytest.fixture
def maths_packs(tmp_path, example_pack, monkeypatch):
    """A packs folder (KIT_PACKS) whose one pack has maths markup in its title and a point's 'when'."""
    folder = tmp_path / "packs"
    folder.mkdir()
    shutil.copy(CASEPACKS / "vocabulary.yaml", folder / "vocabulary.yaml")
    dest = folder / "example-baby-k"
    shutil.copytree(example_pack, dest)
    f = dest / "pack.yaml"
    text = f.read_text()
    text = text.replace('when: "Spring 2015"', f'when: "Spring {MATHS.replace(chr(92), chr(92) * 2)} 2015"', 1)
    text = text.replace('title: "Baby K: a case', 'title: "Baby K $\\\\notatitle$: a case', 1)
    f.write_text(text)
    monkeypatch.setenv("KIT_PACKS", str(folder))
    pack = load_pack(dest)
    assert MATHS in pack.decision_points[0].when and "$\\notatitle$" in pack.title
    return dest


def _worked(pack_dir, name="Robin"):
    case = open_case(pack_dir, learner=name)
    case.acknowledge()
    case.decide("housing-referral", "visit", confidence=4, rationale="why, for the reasons given here", change_mind="A word from another agency.")
    case.decide("manager-sign-off", "sign", confidence=2, rationale="for the reasons given here in full", change_mind="A word from another agency.")
    return case


def test_maths_in_a_pack_is_drawn_as_plain_text_in_the_export(kit_home, maths_packs):
    """A '$...$' in a pack's 'when' no longer stops the HTML export: the chart is drawn, its words say
    the text as written."""
    _worked(maths_packs)
    page = to_html(build_record("Robin"))
    assert 'src="data:image/svg+xml;base64,' in page and "could not be drawn" not in page


def test_maths_in_a_pack_is_drawn_in_the_comparison_view(kit_home, maths_packs):
    """The case's 'compare' button shows the chart for a pack with '$...$' in a 'when'."""
    from kit.views.case import case_view

    _worked(maths_packs)
    view = case_view(maths_packs, "Robin")
    view.compare_button.click()
    assert "data:image/svg+xml;base64," in view.compare_out.value and "notacommand" in view.compare_out.value


def test_maths_in_a_pack_never_stops_the_summary(kit_home, maths_packs, tmp_path):
    """kit collect --summary with a pack whose title and 'when' hold '$...$': every chart is drawn."""
    from kit.cli import main

    ex = tmp_path / "ex"
    for name in ("Ash", "Bo"):
        _worked(maths_packs, name)
        submit(name, folder=ex)
    cohort = collect(ex)
    assert cohort.size == 2
    page = summary_html(cohort)
    assert "could not be drawn" not in page and page.count("data:image/svg+xml;base64,") >= 2
    assert main(["collect", str(ex), "--summary", str(tmp_path / "s.html")]) == 0


def test_a_section_that_cannot_be_drawn_gives_a_sentence_and_the_rest_renders():
    """A chart or section whose drawing fails is replaced by one sentence; its words still show."""
    from kit.charts import chart_html

    def broken():
        raise ValueError("cannot draw this")

    assert "could not be drawn (ValueError)" in image_html(broken, "alt words")
    page = chart_html(broken, ["Point 1: confidence 4 of 5."])
    assert "could not be drawn" in page and "Point 1: confidence 4 of 5." in page
    assert safely(broken, "The part 'Confidence'").startswith('<p class="kit-cannot-draw"')
    assert safely(lambda: "<section>fine</section>", "x") == "<section>fine</section>"


@pytest.mark.parametrize("where", ["    when:", "      - id:", "    question:"])
def test_tab_in_a_packs_indentation_gets_a_sentence(example_pack, where):
    """A tab used to indent a line of pack.yaml is named as such, with its line and the fix, whichever
    YAML parser words it ('cannot start any token', 'a tab character that violates indentation')."""
    f = example_pack / "pack.yaml"
    lines = f.read_text().splitlines()
    n = next(i for i, line in enumerate(lines) if line.startswith(where))
    lines[n] = "\t" + lines[n].lstrip(" ")
    f.write_text("\n".join(lines) + "\n")
    report = validate_file(example_pack)
    (problem,) = report.errors
    assert problem.line == n + 1 and "uses a tab to indent this line" in problem.problem
    assert "spaces" in problem.hint and "token" not in str(problem) and "violates" not in str(problem)
    with pytest.raises(PackError, match="tab"):
        load_pack(example_pack)
